"""Rules for S3 buckets: no public access, no ACLs, encryption, TLS only, objects that expire.

Most of a bucket's settings are separate resources naming it (`bucket` input), so these are stack
rules: each follows the references from a bucket to the settings that configure it.

A bucket whose every object the stack itself declares (the studio's build) says so in a tag
`nullcheck:disposable-reason`: nothing in it needs to expire, as each deployment deletes what the program
no longer declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs

from .declare import stack_rule
from .iam_documents import principals, statements
from .props import as_list, mapping, parsed, tag
from .resource_types import BUCKET_POLICY, BUCKETS, ENCRYPTION, LIFECYCLE, OWNERSHIP, PUBLIC_ACCESS_BLOCK
from .stack import Stack

DISPOSABLE_REASON = "nullcheck:disposable-reason"


def buckets(stack: Stack) -> list[PolicyResource]:
    return stack.of_type(*BUCKETS)


@stack_rule(
    "s3-public-access-block",
    "Every bucket has a public access block with all four settings on, and no ACL grants.",
)
def s3_public_access_block(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    for bucket in buckets(stack):
        blocks = stack.configuring(PUBLIC_ACCESS_BLOCK, bucket)
        if not any(all(block.props.get(flag) is True for flag in flags) for block in blocks):
            report(f"{bucket.name}: no public access block with {', '.join(flags)}", bucket.urn)
        if bucket.props.get("acl") not in (None, "", "private") or as_list(bucket.props.get("grants")):
            report(f"{bucket.name}: ACL grants", bucket.urn)


@stack_rule("s3-acls-disabled", "Every bucket disables ACLs (object ownership BucketOwnerEnforced).")
def s3_acls_disabled(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets(stack):
        owners = [mapping(c.props.get("rule")).get("objectOwnership") for c in stack.configuring(OWNERSHIP, bucket)]
        if "BucketOwnerEnforced" not in owners:
            report(f"{bucket.name}: object ownership is {owners or 'unset'}", bucket.urn)


@stack_rule("s3-encryption", "Every bucket encrypts objects at rest by default (SSE-S3 or SSE-KMS).")
def s3_encryption(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    algorithms = {"AES256", "aws:kms", "aws:kms:dsse"}
    for bucket in buckets(stack):
        rules = [
            entry for config in stack.configuring(ENCRYPTION, bucket) for entry in as_list(config.props.get("rules"))
        ]
        rules += as_list(mapping(bucket.props.get("serverSideEncryptionConfiguration")).get("rules"))
        found = {mapping(mapping(r).get("applyServerSideEncryptionByDefault")).get("sseAlgorithm") for r in rules}
        if not found & algorithms:
            report(f"{bucket.name}: no default encryption", bucket.urn)


def denies_insecure_transport(statement: Mapping[str, Any], bucket_arn: Any) -> bool:
    actions = as_list(statement.get("Action"))
    condition = mapping(mapping(statement.get("Condition")).get("Bool")).get("aws:SecureTransport")
    return (
        statement.get("Effect") == "Deny"
        and "*" in principals(statement)
        and bool(set(actions) & {"s3:*", "*"})
        and {bucket_arn, f"{bucket_arn}/*"} <= set(as_list(statement.get("Resource")))
        and str(condition).lower() == "false"
    )


@stack_rule("s3-tls-only", "Every bucket policy refuses requests that do not arrive over TLS (aws:SecureTransport).")
def s3_tls_only(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets(stack):
        documents = [parsed(policy.props.get("policy")) for policy in stack.configuring(BUCKET_POLICY, bucket)]
        documents.append(parsed(bucket.props.get("policy")))
        arn = bucket.props.get("arn")
        if not any(denies_insecure_transport(s, arn) for document in documents for s in statements(document)):
            report(f"{bucket.name}: no Deny of every S3 action without aws:SecureTransport", bucket.urn)


@stack_rule(
    "s3-lifecycle-expiry",
    "Every bucket expires its objects, and each lifecycle rule that expires objects (the whole bucket or a"
    " key prefix) also expires their noncurrent versions and aborts abandoned multipart uploads. A bucket"
    " tagged nullcheck:disposable-reason (every object declared by the stack) needs no expiry.",
)
def s3_lifecycle_expiry(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets(stack):
        expiring = [
            mapping(entry)
            for config in stack.configuring(LIFECYCLE, bucket)
            for entry in as_list(config.props.get("rules"))
            if mapping(entry).get("status") == "Enabled" and mapping(mapping(entry).get("expiration")).get("days")
        ]
        if not expiring and not tag(bucket.props, DISPOSABLE_REASON):
            report(f"{bucket.name}: no lifecycle rule expires objects", bucket.urn)
        for entry in expiring:
            scope = mapping(entry.get("filter")).get("prefix") or "the whole bucket"
            if not mapping(entry.get("noncurrentVersionExpiration")).get("noncurrentDays"):
                report(f"{bucket.name}: {entry.get('id')} ({scope}) keeps noncurrent versions forever", bucket.urn)
            if not mapping(entry.get("abortIncompleteMultipartUpload")).get("daysAfterInitiation"):
                report(f"{bucket.name}: {entry.get('id')} ({scope}) keeps abandoned multipart uploads", bucket.urn)
