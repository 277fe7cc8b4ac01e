"""The NullCheck stack: read config, make the AWS provider, build the backend, export its endpoints."""

from __future__ import annotations

from typing import Any, cast

import pulumi
import pulumi_aws as aws

from components.backend import NullCheckBackend, NullCheckBackendArgs
from handlers.contract import TENANT_LIMIT_DEFAULTS

PROJECT_TAG = "nullcheck"


config = pulumi.Config()
stack = pulumi.get_stack()

provider = aws.Provider(
    "aws",
    region=aws.config.region,
    default_tags=aws.ProviderDefaultTagsArgs(tags={"project": PROJECT_TAG, "stack": stack}),
)

# What one tenant may start: `limitEpisodesPerDay` and the like (README "Tenant limits").
configured_limits = {name: config.get_int(f"limit{name.title().replace('_', '')}") for name in TENANT_LIMIT_DEFAULTS}
tenant_limits = {name: value for name, value in configured_limits.items() if value is not None}

# Only what the stack sets: the backend applies its own defaults (components/backend.py) to the rest.
settings: dict[str, Any] = {
    "cors_origin": config.get("corsOrigin"),
    "chunk_seconds": config.get_int("chunkSeconds"),
    "model_id": config.get("modelId"),
    "log_retention_days": config.get_int("logRetentionDays"),
    "point_in_time_recovery": config.get_bool("pointInTimeRecovery"),
    "api_data_trace": config.get_bool("apiDataTrace"),
    "manage_api_gateway_account_role": config.get_bool("manageApiGatewayAccountRole"),
    "alarms": config.get_bool("alarms"),
    "alarm_email": config.get("alarmEmail"),
    # Production data: Pulumi protects (and AWS keeps) the table and the media bucket; dev stacks tear down.
    "protect_data": config.get_bool("protectData"),
    # Operators invite users unless self sign-up is on (then each new user gets a tenant of their own).
    "allow_self_sign_up": config.get_bool("allowSelfSignUp"),
    "mfa": config.get("mfa"),
    # Cognito threat protection (AUDIT, ENFORCED) puts the user pool on the Plus plan: billed per active user.
    "threat_protection": config.get("threatProtection"),
    # Production signs in with SRP only: the password is proven, never sent.
    "allow_password_auth": config.get_bool("allowPasswordAuth"),
    "render_retention_days": config.get_int("renderRetentionDays"),
    # Production: callers invoke snapshotted versions (paid per cached version and per restore).
    "snap_start": config.get_bool("snapStart"),
    # What one tenant may start (episodes, tracks, agent runs, renders, jobs at once): see the README.
    "tenant_limits": tenant_limits,
}
# The studio (README "The studio"): the built site (`make studio` writes studio/dist) behind CloudFront, the API
# under its /api/*. Without a build, preview and up stop and say so; `studio: false` leaves the studio out.
if config.get_bool("studio") is not False:
    studio = {
        "site_directory": config.get("studioSiteDirectory") or "studio/dist",
        "domain_name": config.get("studioDomainName"),
        "certificate_arn": config.get("studioCertificateArn"),
        "logging_bucket": config.get("studioLoggingBucket"),
    }
    settings["studio"] = {key: value for key, value in studio.items() if value}
backend = NullCheckBackend(
    "nullcheck",
    cast(
        NullCheckBackendArgs,
        {
            "encryption_key": config.require_secret("encryptionKey"),
            "name_suffix": stack,
            **{key: value for key, value in settings.items() if value is not None and value != ""},
        },
    ),
    pulumi.ResourceOptions(providers=[provider]),
)

pulumi.export("ApiUrl", backend.api_url)
pulumi.export("UserPoolId", backend.user_pool_id)
pulumi.export("UserPoolClientId", backend.user_pool_client_id)
if "studio" in settings:
    pulumi.export("StudioUrl", backend.studio_url)
