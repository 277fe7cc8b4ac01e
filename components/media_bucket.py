"""The media bucket (seed: `TranscriptBucket`): uploads, transcripts and HLS chunks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from handlers.catalog import INCOMPLETE_UPLOAD_DAYS
from handlers.core import keys


@dataclass(frozen=True)
class CorsRule:
    """Browser uploads: presigned PUTs from the studio, ETag readable for multipart completion."""

    allowed_origins: tuple[str, ...] = ("*",)
    allowed_methods: tuple[str, ...] = ("GET", "PUT", "HEAD")
    allowed_headers: tuple[str, ...] = ("*",)
    expose_headers: tuple[str, ...] = ("ETag",)
    max_age_seconds: int = 3000


@dataclass
class MediaBucketArgs:
    """Settings of the media bucket; defaults are the seed's."""

    expiration_days: int = 7
    """Seed: 7-day expiration for automatic cleanup (uploads, transcripts, chunks: `media/`)."""
    render_retention_days: int = 30
    """Rendered clips (`renders/`) are what producers keep: their own, longer retention."""
    noncurrent_version_expiration_days: int = 1
    """With versioning on, old copies need their own expiry or they are kept forever."""
    abort_incomplete_multipart_days: int = INCOMPLETE_UPLOAD_DAYS
    """Parts of abandoned multipart uploads are billed until aborted. The upload routes end a
    track's upload session within `handlers.catalog.INCOMPLETE_UPLOAD_DAYS`, so this is never shorter."""
    versioning: bool = True
    """Seed: versioning enabled."""
    cors_rules: Sequence[CorsRule] = field(default_factory=lambda: (CorsRule(),))
    """Seed: CORS configured for cross-origin uploads."""
    eventbridge_notifications: bool = True
    """Seed: EventBridge integration for object events."""
    force_destroy: bool = True
    """Development stacks can be deleted with their objects (seed: Delete policy)."""
    protect: bool = False
    """Pulumi refuses to delete the bucket (`protect`), and removing it from the program leaves it in
    AWS (`retain_on_delete`). Off by default, as the seed's Delete policy."""

    def expiry_by_prefix(self) -> dict[str, tuple[str, int]]:
        """Lifecycle rule id → (key prefix, days to keep); the key layout's two roots (handlers.core.keys)."""
        return {
            "expire-media": (f"{keys.MEDIA_ROOT}/", self.expiration_days),
            "expire-renders": (f"{keys.RENDERS_ROOT}/", self.render_retention_days),
        }

    def __post_init__(self) -> None:
        if self.abort_incomplete_multipart_days < INCOMPLETE_UPLOAD_DAYS:
            raise ValueError(
                f"abort_incomplete_multipart_days must be at least {INCOMPLETE_UPLOAD_DAYS}: the API keeps"
                " track upload sessions open that long (handlers.catalog.INCOMPLETE_UPLOAD_DAYS)"
            )


class MediaBucket(pulumi.ComponentResource):
    """Private, encrypted, TLS-only bucket with lifecycle, CORS and EventBridge notifications."""

    bucket: aws.s3.Bucket
    name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: MediaBucketArgs | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("nullcheck:storage:MediaBucket", name, None, opts)
        args = args or MediaBucketArgs()
        child_opts = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            force_destroy=args.force_destroy,
            # None, not False, when off: the component's own options still apply.
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect or None, retain_on_delete=args.protect or None
            ),
        )
        bucket_id = self.bucket.id

        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child_opts,
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child_opts,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child_opts,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled" if args.versioning else "Suspended"
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
                        noncurrent_days=args.noncurrent_version_expiration_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=args.abort_incomplete_multipart_days
                    ),
                )
                for rule_id, (prefix, days) in args.expiry_by_prefix().items()
            ],
            # Lifecycle rules on noncurrent versions need versioning configured first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        aws.s3.BucketCorsConfiguration(
            f"{name}-cors",
            bucket=bucket_id,
            cors_rules=[
                aws.s3.BucketCorsConfigurationCorsRuleArgs(
                    allowed_origins=list(rule.allowed_origins),
                    allowed_methods=list(rule.allowed_methods),
                    allowed_headers=list(rule.allowed_headers),
                    expose_headers=list(rule.expose_headers),
                    max_age_seconds=rule.max_age_seconds,
                )
                for rule in args.cors_rules
            ],
            opts=child_opts,
        )
        aws.s3.BucketNotification(
            f"{name}-notifications", bucket=bucket_id, eventbridge=args.eventbridge_notifications, opts=child_opts
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
