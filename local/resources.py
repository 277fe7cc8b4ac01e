"""The stack's AWS resources, created in moto from the components' own defaults (their args classes)."""

from __future__ import annotations

from typing import Any

from components.agent_memory import AgentMemoryArgs
from components.media_bucket import MediaBucketArgs
from components.table import TableArgs
from handlers.core import table as records


def create_table(dynamodb: Any, name: str, args: TableArgs | None = None) -> None:
    """The single table: `pk`/`sk`, GSI1 projecting everything, TTL on `ttl`, on demand."""
    args = args or TableArgs()
    key_names = (records.HASH_KEY, records.RANGE_KEY, records.GSI1_HASH_KEY, records.GSI1_RANGE_KEY)
    dynamodb.create_table(
        TableName=name,
        BillingMode=args.billing_mode,
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
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": args.ttl_attribute}
    )


def create_bucket(s3: Any, name: str, args: MediaBucketArgs | None = None) -> None:
    """The media bucket with the component's versioning, lifecycle, CORS and EventBridge settings."""
    args = args or MediaBucketArgs()
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(
        Bucket=name, VersioningConfiguration={"Status": "Enabled" if args.versioning else "Suspended"}
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-media",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": args.expiration_days},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": args.noncurrent_version_expiration_days},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": args.abort_incomplete_multipart_days},
                }
            ]
        },
    )
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": list(rule.allowed_origins),
                    "AllowedMethods": list(rule.allowed_methods),
                    "AllowedHeaders": list(rule.allowed_headers),
                    "ExposeHeaders": list(rule.expose_headers),
                    "MaxAgeSeconds": rule.max_age_seconds,
                }
                for rule in args.cors_rules
            ]
        },
    )
    if args.eventbridge_notifications:
        s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )


def create_agent_memory(control: Any, name: str, args: AgentMemoryArgs | None = None) -> str:
    """The clip agent's AgentCore memory (moto's control plane); returns its id."""
    args = args or AgentMemoryArgs(name_suffix="local")
    memory = control.create_memory(name=name, eventExpiryDuration=args.event_expiry_days)["memory"]
    return str(memory["id"])
