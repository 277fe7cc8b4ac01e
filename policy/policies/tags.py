"""Rules for tags: every taggable resource carries the project's tags, its own or the provider's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from .declare import rule
from .props import as_list, mapping, parsed
from .resource_types import USER_POOL

REQUIRED_TAGS = ("project", "stack")

TAGGABLE_TYPES = frozenset(
    {
        "aws:apigateway/restApi:RestApi",
        "aws:apigateway/stage:Stage",
        "aws:bedrock/agentcoreMemory:AgentcoreMemory",
        "aws:cloudfront/distribution:Distribution",
        "aws:cloudfront/function:Function",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        USER_POOL,
        "aws:dynamodb/table:Table",
        "aws:iam/policy:Policy",
        "aws:iam/role:Role",
        "aws:lambda/function:Function",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:s3/bucketObjectv2:BucketObjectv2",
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
        "aws:ssm/parameter:Parameter",
    }
)
"""Resource types that take `tags` (checked against the provider's schema by the tests)."""

TAG_CONFIG = PolicyConfigSchema(
    properties={
        "requiredTags": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(REQUIRED_TAGS),
            "description": "Tag keys every taggable resource carries (its own tags or the provider's default tags)",
        }
    }
)


def provider_default_tags(args: ResourceValidationArgs) -> Mapping[str, Any]:
    if args.provider is None:
        return {}
    default_tags = args.provider.props.get("defaultTags")
    return mapping(mapping(parsed(default_tags) if isinstance(default_tags, str) else default_tags).get("tags"))


@rule(
    "tags-on-taggable-resources",
    "Every taggable resource carries the project's tags, its own or through the provider's default tags.",
    config_schema=TAG_CONFIG,
)
def tags_on_taggable_resources(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TAGGABLE_TYPES:
        return
    required = as_list(args.get_config().get("requiredTags", list(REQUIRED_TAGS)))
    tags = {**provider_default_tags(args), **mapping(args.props.get("tagsAll")), **mapping(args.props.get("tags"))}
    missing = [key for key in required if not tags.get(key)]
    if missing:
        report(f"missing tags: {', '.join(missing)}", None)
