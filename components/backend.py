"""The whole NullCheck backend as one component: storage, media, agent memory, functions, events, API, sign-in."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

import json
from collections.abc import Sequence
from pathlib import Path
from typing import NotRequired, TypedDict, cast

import pulumi
import pulumi_aws as aws

from components import agent_memory, alarms, identity, media_bucket, mediaconvert_role, packaging, table
from components.agent_memory import AgentMemory, AgentMemoryArgs
from components.alarms import Alarms, AlarmsArgs
from components.api import RestApi, RestApiArgs
from components.bedrock_models import invoke_model_arns
from components.caption_fonts import CaptionFonts, CaptionFontsArgs
from components.cursor_key import CursorKey, CursorKeyArgs
from components.event_subscription import EventSubscription, EventSubscriptionArgs
from components.function import CatalogFunction, CatalogFunctionArgs
from components.handler_package import HandlerPackage, HandlerPackageArgs
from components.identity import Identity, IdentityArgs
from components.media_bucket import CorsRule, MediaBucket, MediaBucketArgs
from components.mediaconvert_role import MediaConvertRole, MediaConvertRoleArgs
from components.studio import PendingUrl, Studio, StudioArgs, StudioSettings, built_site
from components.table import NullCheckTable, TableArgs
from handlers.catalog import FUNCTIONS, CognitoTrigger, Env, EventRule, Function, Resource
from handlers.contract import DEFAULT_CHUNK_SECONDS, DEFAULT_MODEL_ID, TENANT_LIMIT_DEFAULTS
from handlers.core.runtime.settings import SERVICE_MODELS

TYPE = "nullcheck:index:NullCheckBackend"
ROOT = Path(__file__).resolve().parent.parent
"""The repository (or the installed plugin): the `handlers` package is deployed from here."""
BUILD = ROOT / "build"
SERVICE_NAME = "nullcheck"
"""Powertools' service name in every function's logs, traces and metrics."""


class TenantLimitsArgs(TypedDict):
    """What one tenant may start, per stack (`tenantLimits` in stack config). Days are UTC days."""

    episodes_per_day: NotRequired[int]
    """Episodes a tenant may create a day. Default 20."""
    tracks_per_episode: NotRequired[int]
    """Video tracks one episode may hold. Default 8."""
    transcript_uploads_per_episode: NotRequired[int]
    """Transcript upload URLs one episode may be given. Default 20."""
    agent_runs_per_transcript: NotRequired[int]
    """Clip agent runs over one transcript object (each new content uploaded to it is a run). Default 3."""
    agent_runs_per_day: NotRequired[int]
    """Clip agent runs a tenant may start a day. Default 50."""
    renders_per_clip: NotRequired[int]
    """Render jobs one clip may be given (new renders and new attempts at failed ones). Default 10."""
    renders_per_day: NotRequired[int]
    """Render jobs a tenant may start a day. Default 100."""
    concurrent_chunking_jobs: NotRequired[int]
    """Chunking jobs one tenant may have running at once. Default 6."""
    concurrent_render_jobs: NotRequired[int]
    """Render jobs one tenant may have running at once. Default 4."""
    clip_seconds_max: NotRequired[int]
    """Seconds a producer may make a clip last (its ranges in total) by editing it. Default 90."""


def tenant_limits(args: TenantLimitsArgs | None = None) -> dict[str, int]:
    """Every limit, the stack's where it sets one, else the default (`handlers.contract.TENANT_LIMIT_DEFAULTS`)."""
    given: dict[str, object] = dict(args or {})
    unknown = sorted(set(given) - set(TENANT_LIMIT_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown tenant limits {unknown}: the limits are {sorted(TENANT_LIMIT_DEFAULTS)}")
    invalid = sorted(name for name, value in given.items() if type(value) is not int or value < 0)
    if invalid:
        raise ValueError(f"tenant limits {invalid} must be whole numbers, 0 or more")
    return {**TENANT_LIMIT_DEFAULTS, **{name: cast(int, value) for name, value in given.items()}}


class NullCheckBackendArgs(TypedDict):
    """Settings of the whole backend; every field but `encryption_key` is optional and has a default."""

    encryption_key: pulumi.Input[str]
    """Secret that encrypts and authenticates the API's pagination tokens (required; kept secret). Stored as an SSM
    SecureString parameter that the listing function reads at run time, never in a function's environment."""
    name_suffix: NotRequired[str]
    """Makes the names AWS does not auto-name (the agent memory, the dependency layer) unique. Default the
    stack's name."""
    cors_origin: NotRequired[str]
    """Origin browsers may call the API and upload to the bucket from. Default `*`."""
    chunk_seconds: NotRequired[int]
    """Length of the HLS segments MediaConvert cuts every track into, in seconds. Default 120."""
    model_id: NotRequired[str]
    """Bedrock model (or inference profile) the clip agent converses with. Default `us.amazon.nova-pro-v1:0`."""
    log_retention_days: NotRequired[int]
    """Days the functions' and the API's logs are kept. Default 14."""
    point_in_time_recovery: NotRequired[bool]
    """Continuous backups of the table. Default false."""
    api_data_trace: NotRequired[bool]
    """API Gateway logs whole requests and responses (presigned URLs included): for development. Default true."""
    manage_api_gateway_account_role: NotRequired[bool]
    """Set the region's API Gateway CloudWatch logging role (one per account and region: turn it off where
    another stack manages it). Default true."""
    alarms: NotRequired[bool]
    """CloudWatch alarms on function errors and dead letters, notifying an SNS topic. Default false."""
    alarm_email: NotRequired[str]
    """Address subscribed to the alarm topic (with `alarms` on). Default none."""
    protect_data: NotRequired[bool]
    """Production data: Pulumi protects and AWS keeps the table and the media bucket, the table and the user
    pool refuse deletion. Default false (development stacks can be torn down)."""
    allow_self_sign_up: NotRequired[bool]
    """Anyone may sign up and gets a tenant of their own (post-confirmation trigger). Default false: operators
    invite users."""
    mfa: NotRequired[str]
    """Multi-factor sign-in: `OFF`, `OPTIONAL` or `ON` (authenticator apps). Default `OFF`."""
    threat_protection: NotRequired[str]
    """Cognito threat protection: `OFF`, `AUDIT` or `ENFORCED`. Anything but `OFF` puts the user pool on the Plus
    feature plan, billed per monthly active user. Default `OFF`."""
    allow_password_auth: NotRequired[bool]
    """The app client accepts `USER_PASSWORD_AUTH` (the password is sent to Cognito); false leaves SRP (the password
    is proven, never sent) and refresh. Default true."""
    render_retention_days: NotRequired[int]
    """Days rendered clips are kept in the media bucket. Default 30."""
    tenant_limits: NotRequired[TenantLimitsArgs]
    """What one tenant may start: episodes, tracks, transcript uploads, agent runs, renders, concurrent jobs.
    Default each limit's own default (see `TenantLimitsArgs`)."""
    snap_start: NotRequired[bool]
    """Lambda SnapStart on every function: each deployment that changes a function publishes a version Lambda
    snapshots after its init, and the API, rules and triggers invoke its `live` alias, so new execution
    environments resume from the snapshot instead of running the init. Paid per published version cached and
    per restore; for production. Default false."""
    studio: NotRequired[StudioSettings]
    """The studio (a `Studio`): the built site behind CloudFront with the API under its `/api/*`, its origin
    admitted by the media bucket's CORS rules. Default none: no studio."""


def with_defaults(args: NullCheckBackendArgs) -> NullCheckBackendArgs:
    """`args` with the default for every field it leaves out (the one place defaults are applied)."""
    defaults: NullCheckBackendArgs = {
        "encryption_key": args["encryption_key"],
        "name_suffix": pulumi.get_stack(),
        "cors_origin": "*",
        "chunk_seconds": DEFAULT_CHUNK_SECONDS,
        "model_id": DEFAULT_MODEL_ID,
        "log_retention_days": 14,
        "point_in_time_recovery": False,
        "api_data_trace": True,
        "manage_api_gateway_account_role": True,
        "alarms": False,
        "protect_data": False,
        "allow_self_sign_up": False,
        "mfa": "OFF",
        "threat_protection": "OFF",
        "allow_password_auth": True,
        "render_retention_days": 30,
        "snap_start": False,
    }
    return {**defaults, **args}


def _moved(old_type: str | None = None) -> pulumi.ResourceOptions:
    """Aliases for a component the stack program once built at its root (under that type token)."""
    alias = (
        pulumi.Alias(type_=old_type, parent=pulumi.ROOT_STACK_RESOURCE)
        if old_type
        else pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)
    )
    return pulumi.ResourceOptions(aliases=[alias])


class NullCheckBackend(pulumi.ComponentResource):
    """The whole NullCheck backend: the table, the media bucket, the MediaConvert role, the clip agent's memory,
    one Lambda function per catalog entry (ARM64, own role, log group), EventBridge subscriptions with
    dead-letter queues, the REST API with its Cognito authorizer, the user pool and optional alarms.

    Child names are the ones the stack program always used (one backend per stack), and each child carries an
    alias to its place at the stack's root, so stacks created before the component keep every resource."""

    api_url: pulumi.Output[str]
    """Base URL of the REST API's stage."""
    user_pool_id: pulumi.Output[str]
    """Id of the Cognito user pool users sign in to."""
    user_pool_client_id: pulumi.Output[str]
    """Id of the user pool's app client (web and CLI clients sign in with it)."""
    studio_url: pulumi.Output[str]
    """Address of the studio (`https://…`); empty without one."""

    def __init__(self, name: str, args: NullCheckBackendArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        # The studio's address is known once its distribution is: browsers there upload to the bucket and play from it.
        self._studio_url = PendingUrl() if "studio" in args and built_site(args["studio"]) else None
        try:
            self._build(name, args)
        except BaseException as error:
            if self._studio_url:
                self._studio_url.abandon(error)
            raise

    def _build(self, name: str, args: NullCheckBackendArgs) -> None:
        settings = with_defaults(args)
        cors_origin = settings["cors_origin"]
        log_retention_days = settings["log_retention_days"]
        model_id = settings["model_id"]
        protect_data = settings["protect_data"]
        allow_self_sign_up = settings["allow_self_sign_up"]
        suffix = settings["name_suffix"]

        def child(old_type: str | None = None) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), _moved(old_type))

        self.table = NullCheckTable(
            name,
            TableArgs(
                point_in_time_recovery=settings["point_in_time_recovery"],
                deletion_protection=protect_data,
                protect=protect_data,
            ),
            child(table.OLD_TYPE),
        )
        self.bucket = MediaBucket(
            "media",
            MediaBucketArgs(
                cors_rules=[
                    CorsRule(allowed_origins=[cors_origin, *([self._studio_url.output] if self._studio_url else [])])
                ],
                render_retention_days=settings["render_retention_days"],
                force_destroy=not protect_data,
                protect=protect_data,
            ),
            child(media_bucket.OLD_TYPE),
        )
        self.mediaconvert_role = MediaConvertRole(
            "mediaconvert", MediaConvertRoleArgs(bucket_arn=self.bucket.arn), child(mediaconvert_role.OLD_TYPE)
        )
        # The social captions' fonts, under assets/ (no lifecycle rule): the role above reads them.
        self.caption_fonts = CaptionFonts("caption-fonts", CaptionFontsArgs(bucket=self.bucket.name), child())
        self.memory = AgentMemory("clip-agent", AgentMemoryArgs(name_suffix=suffix), child(agent_memory.OLD_TYPE))
        self.cursor_key = CursorKey("cursor-key", CursorKeyArgs(value=settings["encryption_key"]), child())
        self.package = HandlerPackage(
            "handlers",
            HandlerPackageArgs(
                code_archive=packaging.build_code_archive(ROOT / "handlers", BUILD / "code"),
                layer_archive=packaging.build_dependency_layer(ROOT / "handlers" / "requirements.txt", BUILD / "layer"),
                layer_name=f"nullcheck-dependencies-{suffix}",
            ),
            child(),
        )

        invoke_opts = pulumi.InvokeOutputOptions(parent=self)
        caller = aws.get_caller_identity_output(opts=invoke_opts)
        region = aws.get_region_output(opts=invoke_opts)
        grant_targets: dict[Resource, pulumi.Input[Sequence[pulumi.Input[str]]]] = {
            Resource.TABLE: [self.table.arn],
            Resource.TABLE_INDEXES: [pulumi.Output.concat(self.table.arn, "/index/*")],
            Resource.BUCKET: [self.bucket.arn],
            Resource.BUCKET_OBJECTS: [pulumi.Output.concat(self.bucket.arn, "/*")],
            Resource.DEFAULT_EVENT_BUS: [
                pulumi.Output.concat("arn:aws:events:", region.region, ":", caller.account_id, ":event-bus/default")
            ],
            Resource.MEDIACONVERT: [
                pulumi.Output.concat("arn:aws:mediaconvert:", region.region, ":", caller.account_id, ":queues/Default")
            ],
            Resource.MEDIACONVERT_ROLE: [self.mediaconvert_role.arn],
            Resource.AGENT_MEMORY: [self.memory.arn],
            Resource.FOUNDATION_MODELS: pulumi.Output.all(region.region, caller.account_id).apply(
                lambda where: invoke_model_arns(model_id, where[0], where[1])
            ),
            # ListInferenceProfiles has no resource type: "*" is the only resource IAM accepts for it.
            Resource.INFERENCE_PROFILES: ["*"],
            # Nor has DetectFaces (it reads the image with the caller's own S3 access).
            Resource.FACE_DETECTION: ["*"],
            Resource.CURSOR_KEY: [self.cursor_key.arn],
            # The trigger's own pool cannot be named here (a cycle); the catalog grant adds a tag condition.
            Resource.USER_POOLS: [
                pulumi.Output.concat("arn:aws:cognito-idp:", region.region, ":", caller.account_id, ":userpool/*")
            ],
        }
        environment: dict[Env, pulumi.Input[str]] = {
            Env.TABLE_NAME: self.table.name,
            Env.BUCKET_NAME: self.bucket.name,
            # The parameter's name and version, not the key: a function's environment is readable configuration.
            Env.CURSOR_KEY_PARAMETER: self.cursor_key.reference,
            Env.MEDIACONVERT_ROLE_ARN: self.mediaconvert_role.arn,
            Env.CAPTION_FONTS: self.caption_fonts.uris,
            Env.CHUNK_SECONDS: str(settings["chunk_seconds"]),
            Env.MEMORY_ID: self.memory.id,
            Env.MODEL_ID: model_id,
            Env.TENANT_LIMITS: json.dumps(tenant_limits(settings.get("tenant_limits")), sort_keys=True),
        }

        def function(spec: Function, variables: dict[Env, pulumi.Input[str]]) -> CatalogFunction:
            return CatalogFunction(
                spec.name,
                CatalogFunctionArgs(
                    spec=spec,
                    code=self.package.code,
                    layers=[self.package.layer_arn],
                    grant_targets=grant_targets,
                    environment=variables,
                    origin=cors_origin,
                    log_retention_days=log_retention_days,
                    extra_environment={
                        "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
                        # botocore reads the layer's service models (no documentation: faster clients).
                        SERVICE_MODELS: packaging.LAYER_SERVICE_MODELS,
                    },
                    snap_start=settings["snap_start"],
                ),
                child(),
            )

        # Cognito triggers exist only with self sign-up, and come before the user pool, which names them.
        triggers = {
            spec.name: function(spec, environment)
            for spec in FUNCTIONS
            if allow_self_sign_up and isinstance(spec.trigger, CognitoTrigger)
        }
        identity_args = IdentityArgs(
            allow_self_sign_up=allow_self_sign_up,
            mfa=settings["mfa"],
            threat_protection=settings["threat_protection"],
            allow_password_auth=settings["allow_password_auth"],
            deletion_protection=protect_data,
        )
        if allow_self_sign_up:
            identity_args["post_confirmation_function_arn"] = triggers["post-confirmation"].target_arn
        self.identity = Identity(name, identity_args, child(identity.OLD_TYPE))
        # The user pools authorizer accepts an ID token of any client of the pool: the API functions refuse a
        # token whose `aud` is not one of the stack's app clients.
        environment = {**environment, Env.APP_CLIENT_IDS: self.identity.app_client_ids.apply(",".join)}
        self.functions = {
            spec.name: triggers[spec.name] if spec.name in triggers else function(spec, environment)
            for spec in FUNCTIONS
            if allow_self_sign_up or not isinstance(spec.trigger, CognitoTrigger)
        }
        self.subscriptions = {
            spec.name: EventSubscription(
                spec.name,
                EventSubscriptionArgs(
                    function=self.functions[spec.name], rule=spec.trigger, bucket_name=self.bucket.name
                ),
                child(),
            )
            for spec in FUNCTIONS
            if isinstance(spec.trigger, EventRule)
        }
        self.api = RestApi(
            name,
            RestApiArgs(
                functions=self.functions,
                user_pool_arn=self.identity.user_pool_arn,
                cors_origin=cors_origin,
                data_trace_enabled=settings["api_data_trace"],
                log_retention_days=log_retention_days,
                manage_account_logging_role=settings["manage_api_gateway_account_role"],
            ),
            child(),
        )
        self.alarms: Alarms | None = None
        if settings["alarms"]:
            alarms_args = AlarmsArgs(
                function_names={key: function.name for key, function in self.functions.items()},
                dead_letter_queue_names={key: sub.dead_letter_queue.name for key, sub in self.subscriptions.items()},
            )
            if settings.get("alarm_email"):
                alarms_args["email"] = settings["alarm_email"]
            self.alarms = Alarms(name, alarms_args, child(alarms.OLD_TYPE))

        self.studio: Studio | None = None
        if self._studio_url:
            studio_args = StudioArgs(
                **settings["studio"],
                api_url=self.api.url,
                user_pool_id=self.identity.user_pool_id,
                user_pool_client_id=self.identity.client_id,
                media_bucket_domain=self.bucket.bucket.bucket_domain_name,
                region=region.region,
            )
            self.studio = Studio("studio", studio_args, child())
            self._studio_url.resolve(self.studio.url)

        self.api_url = self.api.url
        self.user_pool_id = self.identity.user_pool_id
        self.user_pool_client_id = self.identity.client_id
        self.studio_url = self.studio.url if self.studio else pulumi.Output.from_input("")
        self.register_outputs(
            {
                "apiUrl": self.api_url,
                "userPoolId": self.user_pool_id,
                "userPoolClientId": self.user_pool_client_id,
                "studioUrl": self.studio_url,
            }
        )
