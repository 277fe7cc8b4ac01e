"""The media bucket (seed: `TranscriptBucket`): uploads, transcripts and HLS chunks."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

import json
from typing import TypedDict

import pulumi
import pulumi_aws as aws

from components.bucket_controls import private_bucket_controls
from handlers.contract import INCOMPLETE_UPLOAD_DAYS
from handlers.core.store import object_keys

TYPE = "nullcheck:index:MediaBucket"
OLD_TYPE = "nullcheck:storage:MediaBucket"
"""The token before the components were a package: an alias, so existing stacks keep their bucket."""


class CorsRule(TypedDict, total=False):
    """One CORS rule of the bucket: browser uploads with presigned PUTs (track parts) and POSTs
    (transcripts), ETag readable for multipart completion. Every field is optional and defaults to
    the seed's value."""

    allowed_origins: list[pulumi.Input[str]]
    """Origins allowed to call the bucket (the studio's address among them, once it has one). Default `["*"]`."""
    allowed_methods: list[str]
    """HTTP methods allowed. Default `["GET", "PUT", "POST", "HEAD"]` (a transcript is a form POST)."""
    allowed_headers: list[str]
    """Request headers allowed. Default `["*"]`."""
    expose_headers: list[str]
    """Response headers the browser may read. Default `["ETag"]` (multipart completion needs it)."""
    max_age_seconds: int
    """How long browsers cache the preflight answer. Default 3000."""


CORS_RULE_DEFAULTS: CorsRule = {
    "allowed_origins": ["*"],
    "allowed_methods": ["GET", "PUT", "POST", "HEAD"],
    "allowed_headers": ["*"],
    "expose_headers": ["ETag"],
    "max_age_seconds": 3000,
}


class MediaBucketArgs(TypedDict, total=False):
    """Settings of the media bucket; every field is optional and defaults to the seed's value."""

    expiration_days: int
    """Days objects under `media/` (uploads, transcripts, chunks) are kept. Default 7 (the seed's
    automatic cleanup)."""
    render_retention_days: int
    """Days rendered clips (`renders/`), what producers keep, are kept. Default 30."""
    preview_retention_days: int
    """Days preview playlists (`previews/`) are kept; the URLs in them work for an hour. Default 1."""
    noncurrent_version_expiration_days: int
    """Days old object versions are kept (with versioning on they are otherwise kept forever). Default 1."""
    abort_incomplete_multipart_days: int
    """Days after which abandoned multipart uploads are aborted (their parts are billed until then).
    Default 1, and never shorter: the API keeps a track's upload session open that long."""
    versioning: bool
    """Object versioning. Default true (seed: versioning enabled)."""
    cors_rules: list[CorsRule]
    """CORS rules for cross-origin uploads. Default one rule allowing any origin."""
    eventbridge_notifications: bool
    """Send object events to EventBridge. Default true (the pipeline reacts to uploads)."""
    force_destroy: bool
    """Deleting the bucket deletes its objects. Default true (development stacks; seed: Delete policy)."""
    protect: bool
    """Pulumi refuses to delete the bucket (`protect`), and removing it from the program leaves it in AWS
    (`retain_on_delete`). Default false, as the seed's Delete policy."""


DEFAULTS: MediaBucketArgs = {
    "expiration_days": 7,
    "render_retention_days": 30,
    "preview_retention_days": 1,
    "noncurrent_version_expiration_days": 1,
    "abort_incomplete_multipart_days": INCOMPLETE_UPLOAD_DAYS,
    "versioning": True,
    "cors_rules": [CORS_RULE_DEFAULTS],
    "eventbridge_notifications": True,
    "force_destroy": True,
    "protect": False,
}


def with_defaults(args: MediaBucketArgs | None = None) -> MediaBucketArgs:
    """`args` with the seed's value for every field it leaves out (rules too), checked; the one place
    defaults are applied."""
    settings: MediaBucketArgs = {**DEFAULTS, **(args or {})}
    settings["cors_rules"] = [{**CORS_RULE_DEFAULTS, **rule} for rule in settings["cors_rules"]]
    if settings["abort_incomplete_multipart_days"] < INCOMPLETE_UPLOAD_DAYS:
        raise ValueError(
            f"abort_incomplete_multipart_days must be at least {INCOMPLETE_UPLOAD_DAYS}: the API keeps"
            " track upload sessions open that long (handlers.contract.INCOMPLETE_UPLOAD_DAYS)"
        )
    return settings


def expiry_by_prefix(args: MediaBucketArgs | None = None) -> dict[str, tuple[str, int]]:
    """Lifecycle rule id → (key prefix, days to keep); the key layout's two roots (handlers.core.store.object_keys)."""
    settings = with_defaults(args)
    return {
        "expire-media": (f"{object_keys.MEDIA_ROOT}/", settings["expiration_days"]),
        "expire-renders": (f"{object_keys.RENDERS_ROOT}/", settings["render_retention_days"]),
        "expire-previews": (f"{object_keys.PREVIEWS_ROOT}/", settings["preview_retention_days"]),
    }


class MediaBucket(pulumi.ComponentResource):
    """Private, encrypted, TLS-only bucket with lifecycle, CORS and EventBridge notifications."""

    name: pulumi.Output[str]
    """The bucket's name."""
    arn: pulumi.Output[str]
    """The bucket's ARN."""

    def __init__(self, name: str, args: MediaBucketArgs = DEFAULTS, opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        settings = with_defaults(args)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.bucket: aws.s3.Bucket = aws.s3.Bucket(
            f"{name}-bucket",
            force_destroy=settings["force_destroy"],
            # None, not False, when off: the component's own options still apply.
            opts=pulumi.ResourceOptions(
                parent=self, protect=settings["protect"] or None, retain_on_delete=settings["protect"] or None
            ),
        )
        bucket_id = self.bucket.id

        private_bucket_controls(name, bucket_id, child_opts)
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled" if settings["versioning"] else "Suspended"
            ),
            opts=child_opts,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id=rule_id,
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=prefix),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=settings["noncurrent_version_expiration_days"]
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=settings["abort_incomplete_multipart_days"]
                    ),
                )
                for rule_id, (prefix, days) in expiry_by_prefix(settings).items()
            ],
            # Lifecycle rules on noncurrent versions need versioning configured first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        aws.s3.BucketCorsConfiguration(
            f"{name}-cors",
            bucket=bucket_id,
            cors_rules=[
                aws.s3.BucketCorsConfigurationCorsRuleArgs(
                    allowed_origins=rule["allowed_origins"],
                    allowed_methods=rule["allowed_methods"],
                    allowed_headers=rule["allowed_headers"],
                    expose_headers=rule["expose_headers"],
                    max_age_seconds=rule["max_age_seconds"],
                )
                for rule in settings["cors_rules"]
            ],
            opts=child_opts,
        )
        aws.s3.BucketNotification(
            f"{name}-notifications",
            bucket=bucket_id,
            eventbridge=settings["eventbridge_notifications"],
            opts=child_opts,
        )
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket_id,
            policy=self.bucket.arn.apply(lambda arn: json.dumps(tls_only_policy(arn))),
            opts=child_opts,
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"name": self.name, "arn": self.arn})


def tls_only_policy(bucket_arn: str) -> dict[str, object]:
    """Refuse every request that does not arrive over TLS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
