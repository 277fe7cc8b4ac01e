"""What every private bucket of the stack has: owner-enforced objects, no public access, encryption at rest.

Resources beside the bucket, named after its component (`{name}-ownership`, `{name}-public-access-block`,
`{name}-encryption`), so the media bucket's and the studio's are declared by one function.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def private_bucket_controls(name: str, bucket_id: pulumi.Input[str], opts: pulumi.ResourceOptions) -> None:
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket_id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=opts,
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket_id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
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
        opts=opts,
    )
