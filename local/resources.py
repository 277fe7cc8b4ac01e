"""The stack's AWS resources, created in moto from the components' own defaults (their args classes)."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from components import agent_memory, caption_fonts, identity, media_bucket, service_models, table
from components.agent_memory import AgentMemoryArgs
from components.identity import AUTH_FLOWS, READ_ATTRIBUTES, WRITE_ATTRIBUTES, IdentityArgs
from components.media_bucket import MediaBucketArgs
from components.table import TableArgs
from handlers.catalog import USER_POOL_TAG
from handlers.contract import TENANT_ATTRIBUTE, TENANT_MAX_LENGTH
from handlers.core.store import records


def create_table(dynamodb: Any, name: str, args: TableArgs | None = None) -> None:
    """The single table: `pk`/`sk`, GSI1 projecting everything, TTL on `ttl`, on demand."""
    settings = table.with_defaults(args)
    key_names = (records.HASH_KEY, records.RANGE_KEY, records.GSI1_HASH_KEY, records.GSI1_RANGE_KEY)
    dynamodb.create_table(
        TableName=name,
        BillingMode=settings["billing_mode"],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in key_names],
        KeySchema=[
            {"AttributeName": records.HASH_KEY, "KeyType": "HASH"},
            {"AttributeName": records.RANGE_KEY, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": records.GSI1,
                "KeySchema": [
                    {"AttributeName": records.GSI1_HASH_KEY, "KeyType": "HASH"},
                    {"AttributeName": records.GSI1_RANGE_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": settings["ttl_attribute"]}
    )


def create_bucket(s3: Any, name: str, args: MediaBucketArgs | None = None) -> None:
    """The media bucket with the component's versioning, lifecycle, CORS and EventBridge settings."""
    settings = media_bucket.with_defaults(args)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(
        Bucket=name, VersioningConfiguration={"Status": "Enabled" if settings["versioning"] else "Suspended"}
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": rule_id,
                    "Status": "Enabled",
                    "Filter": {"Prefix": prefix},
                    "Expiration": {"Days": days},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": settings["noncurrent_version_expiration_days"]},
                    "AbortIncompleteMultipartUpload": {
                        "DaysAfterInitiation": settings["abort_incomplete_multipart_days"]
                    },
                }
                for rule_id, (prefix, days) in media_bucket.expiry_by_prefix(settings).items()
            ]
        },
    )
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": rule["allowed_origins"],
                    "AllowedMethods": rule["allowed_methods"],
                    "AllowedHeaders": rule["allowed_headers"],
                    "ExposeHeaders": rule["expose_headers"],
                    "MaxAgeSeconds": rule["max_age_seconds"],
                }
                for rule in settings["cors_rules"]
            ]
        },
    )
    if settings["eventbridge_notifications"]:
        s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )


def upload_caption_fonts(s3: Any, bucket: str) -> str:
    """The social captions' font files under `assets/fonts/`, as the stack's program uploads them
    (`components.caption_fonts`); returns the `CAPTION_FONTS` value naming them."""
    for path in caption_fonts.font_files().values():
        s3.put_object(
            Bucket=bucket,
            Key=caption_fonts.font_key(path.name),
            Body=path.read_bytes(),
            ContentType=caption_fonts.CONTENT_TYPE,
        )
    return caption_fonts.font_uris(bucket)


def create_agent_memory(control: Any, name: str, args: AgentMemoryArgs | None = None) -> str:
    """The clip agent's AgentCore memory (moto's control plane); returns its id."""
    settings = agent_memory.with_defaults(args or AgentMemoryArgs(name_suffix="local"))
    memory = control.create_memory(name=name, eventExpiryDuration=settings["event_expiry_days"])["memory"]
    return str(memory["id"])


def create_cursor_key(ssm: Any, name: str, value: str) -> str:
    """The cursor key as the CursorKey component makes it (a SecureString parameter); returns `name:version`,
    what the listing function is given in `CURSOR_KEY_PARAMETER`."""
    version = ssm.put_parameter(Name=name, Value=value, Type="SecureString", Tier="Standard")["Version"]
    return f"{name}:{version}"


def create_user_pool(cognito: Any, name: str, args: IdentityArgs | None = None) -> tuple[str, str]:
    """The user pool and its app client with the component's settings; returns (pool id, client id).

    Email is the username; `custom:tenantId` is readable but not among the client's write
    attributes; with self sign-up the pool names the post-confirmation function, as deployed.
    """
    settings = identity.with_defaults(args)
    self_sign_up = settings["allow_self_sign_up"]
    lambda_config = {"PostConfirmation": settings.get("post_confirmation_function_arn")} if self_sign_up else {}
    pool = cognito.create_user_pool(
        PoolName=name,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        Policies={
            "PasswordPolicy": {
                "MinimumLength": settings["password_minimum_length"],
                "RequireLowercase": True,
                "RequireUppercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": identity.TEMPORARY_PASSWORD_DAYS,
            }
        },
        MfaConfiguration=settings["mfa"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": not self_sign_up},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
        Schema=[
            {
                "Name": TENANT_ATTRIBUTE,
                "AttributeDataType": "String",
                "Mutable": True,
                "DeveloperOnlyAttribute": False,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": str(TENANT_MAX_LENGTH)},
            }
        ],
        LambdaConfig=lambda_config,
        DeletionProtection="ACTIVE" if settings["deletion_protection"] else "INACTIVE",
        UserPoolTags={USER_POOL_TAG[0]: USER_POOL_TAG[1]},
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{name}-client",
        GenerateSecret=False,
        ExplicitAuthFlows=list(AUTH_FLOWS),
        IdTokenValidity=settings["id_token_hours"],
        AccessTokenValidity=settings["access_token_hours"],
        RefreshTokenValidity=settings["refresh_token_days"],
        TokenValidityUnits={"IdToken": "hours", "AccessToken": "hours", "RefreshToken": "days"},
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        ReadAttributes=list(READ_ATTRIBUTES),
        WriteAttributes=list(WRITE_ATTRIBUTES),
    )["UserPoolClient"]
    return str(pool["Id"]), str(client["ClientId"])


def layer_service_models() -> Path:
    """The layer's service models, written once per process: the functions here read them as on Lambda.

    They outlive any one stack: a function's botocore session, made at its first import, keeps
    reading from here for as long as the process runs."""
    return Path(_models_directory().name)


@cache
def _models_directory() -> tempfile.TemporaryDirectory[str]:
    """Kept by the cache until the interpreter exits, when it is removed."""
    directory = tempfile.TemporaryDirectory(prefix="nullcheck-service-models-")
    service_models.write_models(Path(directory.name))
    return directory
