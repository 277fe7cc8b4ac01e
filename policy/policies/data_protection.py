"""Rules for stored data: encrypted at rest everywhere, and kept through a mistaken delete where the stack asks.

Buckets' encryption is `s3.py`'s (a bucket's encryption is a separate resource).
"""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from .declare import rule
from .props import mapping, tag
from .resource_types import BUCKETS, QUEUE, TABLE, TOPIC, USER_POOL


@rule(
    "encryption-at-rest",
    "DynamoDB tables use KMS encryption at rest; SQS queues and SNS topics encrypt their messages.",
)
def encryption_at_rest(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if args.resource_type == TABLE and mapping(props.get("serverSideEncryption")).get("enabled") is not True:
        report("serverSideEncryption is not enabled", None)
    if args.resource_type == QUEUE and not (props.get("sqsManagedSseEnabled") is True or props.get("kmsMasterKeyId")):
        report("neither SQS-managed SSE nor a KMS key", None)
    if args.resource_type == TOPIC and not props.get("kmsMasterKeyId"):
        report("no KMS key", None)


DATA_PROTECTION_CONFIG = PolicyConfigSchema(
    properties={
        "protectData": {
            "type": "boolean",
            "default": False,
            "description": "The stack keeps data that must survive a mistaken delete (production)",
        }
    }
)


@rule(
    "stateful-data-protected",
    "With protectData (production stacks, --policy-pack-config policy/prod.json), the data is kept: the"
    " table and the bucket under Pulumi `protect`, the table's and the user pool's deletion protection,"
    " no force-destroy of the bucket. A bucket tagged nullcheck:disposable-reason (every object declared by"
    " the stack, rebuilt by each deployment) holds no data.",
    config_schema=DATA_PROTECTION_CONFIG,
)
def stateful_data_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.get_config().get("protectData") is not True:
        return
    if args.resource_type == TABLE:
        if not args.opts.protect:
            report("the table is not protected (resource option protect)", None)
        if args.props.get("deletionProtectionEnabled") is not True:
            report("deletionProtectionEnabled is off", None)
    if args.resource_type in BUCKETS and not tag(args.props, "nullcheck:disposable-reason"):
        if not args.opts.protect:
            report("the bucket is not protected (resource option protect)", None)
        if args.props.get("forceDestroy") is True:
            report("forceDestroy would delete every object with the bucket", None)
    if args.resource_type == USER_POOL and args.props.get("deletionProtection") != "ACTIVE":
        report("the user pool's deletionProtection is not ACTIVE", None)
