"""The NullCheck stack: read config, build the components, export ApiUrl."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import packaging
from components.agent_memory import AgentMemory, AgentMemoryArgs
from components.alarms import Alarms, AlarmsArgs
from components.api import RestApi, RestApiArgs
from components.bedrock_models import invoke_model_arns
from components.event_subscription import EventSubscription, EventSubscriptionArgs
from components.function import CatalogFunction, CatalogFunctionArgs
from components.handler_package import HandlerPackage, HandlerPackageArgs
from components.identity import Identity, IdentityArgs
from components.media_bucket import CorsRule, MediaBucket, MediaBucketArgs
from components.mediaconvert_role import MediaConvertRole, MediaConvertRoleArgs
from components.table import NullCheckTable, TableArgs
from handlers.catalog import FUNCTIONS, CognitoTrigger, Env, EventRule, Resource

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
PROJECT_TAG = "nullcheck"

config = pulumi.Config()
stack = pulumi.get_stack()
cors_origin = config.get("corsOrigin") or "*"
log_retention_days = config.get_int("logRetentionDays") or 14
chunk_seconds = config.get_int("chunkSeconds") or 120
model_id = config.get("modelId") or "us.amazon.nova-pro-v1:0"
# Production data: Pulumi protects (and AWS keeps) the table and the media bucket; dev stacks tear down.
protect_data = config.get_bool("protectData") or False
# Operators invite users unless self sign-up is on (then each new user gets a tenant of their own).
allow_self_sign_up = config.get_bool("allowSelfSignUp") or False

provider = aws.Provider(
    "aws",
    region=aws.config.region,
    default_tags=aws.ProviderDefaultTagsArgs(tags={"project": PROJECT_TAG, "stack": stack}),
)
opts = pulumi.ResourceOptions(providers=[provider])

table = NullCheckTable(
    "nullcheck",
    TableArgs(
        point_in_time_recovery=config.get_bool("pointInTimeRecovery") or False,
        deletion_protection=protect_data,
        protect=protect_data,
    ),
    opts,
)
bucket = MediaBucket(
    "media",
    MediaBucketArgs(
        cors_rules=[CorsRule(allowed_origins=(cors_origin,))],
        render_retention_days=config.get_int("renderRetentionDays") or 30,
        force_destroy=not protect_data,
        protect=protect_data,
    ),
    opts,
)
mediaconvert_role = MediaConvertRole("mediaconvert", MediaConvertRoleArgs(bucket_arn=bucket.arn), opts)
memory = AgentMemory("clip-agent", AgentMemoryArgs(name_suffix=stack), opts)
package = HandlerPackage(
    "handlers",
    HandlerPackageArgs(
        code_archive=packaging.build_code_archive(ROOT / "handlers", BUILD / "code"),
        layer_archive=packaging.build_dependency_layer(ROOT / "handlers" / "requirements.txt", BUILD / "layer"),
        layer_name=f"nullcheck-dependencies-{stack}",
    ),
    opts,
)

caller = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(provider=provider))
grant_targets: dict[Resource, pulumi.Input[Sequence[pulumi.Input[str]]]] = {
    Resource.TABLE: [table.arn],
    Resource.TABLE_INDEXES: [pulumi.Output.concat(table.arn, "/index/*")],
    Resource.BUCKET: [bucket.arn],
    Resource.BUCKET_OBJECTS: [pulumi.Output.concat(bucket.arn, "/*")],
    Resource.DEFAULT_EVENT_BUS: [
        pulumi.Output.concat("arn:aws:events:", region.region, ":", caller.account_id, ":event-bus/default")
    ],
    Resource.MEDIACONVERT: [
        pulumi.Output.concat("arn:aws:mediaconvert:", region.region, ":", caller.account_id, ":queues/Default")
    ],
    Resource.MEDIACONVERT_ROLE: [mediaconvert_role.arn],
    Resource.AGENT_MEMORY: [memory.arn],
    Resource.FOUNDATION_MODELS: pulumi.Output.all(region.region, caller.account_id).apply(
        lambda where: invoke_model_arns(model_id, where[0], where[1])
    ),
    # ListInferenceProfiles has no resource type: "*" is the only resource IAM accepts for it.
    Resource.INFERENCE_PROFILES: ["*"],
    # The trigger's own pool cannot be named here (a cycle); the catalog grant adds a tag condition.
    Resource.USER_POOLS: [
        pulumi.Output.concat("arn:aws:cognito-idp:", region.region, ":", caller.account_id, ":userpool/*")
    ],
}
environment: dict[Env, pulumi.Input[str]] = {
    Env.TABLE_NAME: table.name,
    Env.BUCKET_NAME: bucket.name,
    Env.ENCRYPTION_KEY: config.require_secret("encryptionKey"),
    Env.MEDIACONVERT_ROLE_ARN: mediaconvert_role.arn,
    Env.CHUNK_SECONDS: str(chunk_seconds),
    Env.MEMORY_ID: memory.id,
    Env.MODEL_ID: model_id,
}
functions = {
    spec.name: CatalogFunction(
        spec.name,
        CatalogFunctionArgs(
            spec=spec,
            code=package.code,
            layers=[package.layer_arn],
            grant_targets=grant_targets,
            environment=environment,
            origin=cors_origin,
            log_retention_days=log_retention_days,
            extra_environment={"POWERTOOLS_SERVICE_NAME": PROJECT_TAG},
        ),
        opts,
    )
    for spec in FUNCTIONS
    # Cognito triggers exist only with self sign-up.
    if allow_self_sign_up or not isinstance(spec.trigger, CognitoTrigger)
}
identity = Identity(
    "nullcheck",
    IdentityArgs(
        allow_self_sign_up=allow_self_sign_up,
        post_confirmation_function_arn=functions["post-confirmation"].arn if allow_self_sign_up else None,
        mfa=config.get("mfa") or "OFF",
        deletion_protection=protect_data,
    ),
    opts,
)
subscriptions = {
    spec.name: EventSubscription(
        spec.name,
        EventSubscriptionArgs(function=functions[spec.name], rule=spec.trigger, bucket_name=bucket.name),
        opts,
    )
    for spec in FUNCTIONS
    if isinstance(spec.trigger, EventRule)
}
api = RestApi(
    "nullcheck",
    RestApiArgs(
        functions=functions,
        user_pool_arn=identity.user_pool_arn,
        cors_origin=cors_origin,
        data_trace_enabled=config.get_bool("apiDataTrace") is not False,
        log_retention_days=log_retention_days,
        manage_account_logging_role=config.get_bool("manageApiGatewayAccountRole") is not False,
    ),
    opts,
)

if config.get_bool("alarms"):
    Alarms(
        "nullcheck",
        AlarmsArgs(
            function_names={name: function.name for name, function in functions.items()},
            dead_letter_queue_names={name: sub.dead_letter_queue.name for name, sub in subscriptions.items()},
            email=config.get("alarmEmail"),
        ),
        opts,
    )

pulumi.export("ApiUrl", api.url)
pulumi.export("UserPoolId", identity.user_pool_id)
pulumi.export("UserPoolClientId", identity.client_id)
