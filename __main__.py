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
from components.media_bucket import CorsRule, MediaBucket, MediaBucketArgs
from components.mediaconvert_role import MediaConvertRole, MediaConvertRoleArgs
from components.table import NullCheckTable, TableArgs
from handlers.catalog import FUNCTIONS, Env, EventRule, Resource

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
PROJECT_TAG = "nullcheck"

config = pulumi.Config()
stack = pulumi.get_stack()
cors_origin = config.get("corsOrigin") or "*"
log_retention_days = config.get_int("logRetentionDays") or 14
chunk_seconds = config.get_int("chunkSeconds") or 120
model_id = config.get("modelId") or "us.amazon.nova-pro-v1:0"

provider = aws.Provider(
    "aws",
    region=aws.config.region,
    default_tags=aws.ProviderDefaultTagsArgs(tags={"project": PROJECT_TAG, "stack": stack}),
)
opts = pulumi.ResourceOptions(providers=[provider])

table = NullCheckTable(
    "nullcheck", TableArgs(point_in_time_recovery=config.get_bool("pointInTimeRecovery") or False), opts
)
bucket = MediaBucket("media", MediaBucketArgs(cors_rules=[CorsRule(allowed_origins=(cors_origin,))]), opts)
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
}
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
