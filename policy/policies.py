"""NullCheck's CrossGuard rules: what every stack of this project must (or should) look like.

Plain functions wrapped in `ResourceValidationPolicy` / `StackValidationPolicy`, collected in
`POLICIES`. Importing this module starts nothing (`__main__.py` builds the `PolicyPack`, which serves
the rules to the Pulumi CLI), so tests call the rules directly. Only the standard library and
`pulumi_policy` are imported: a published pack carries this directory and nothing else.

What the rules read:
- a resource rule sees the resource's inputs (camelCase, as the provider checked them), its options
  (`protect`, not `retain_on_delete`) and its provider's inputs (default tags);
- a stack rule sees every resource's outputs, so it can follow references (a bucket's policy, a
  function's log group, a rule's dead-letter queue);
- neither sees the stack's configuration: a rule that only applies to some stacks has its own
  configuration (`--policy-pack-config policy/prod.json`).

During a preview, a value not known yet (a new resource's ARN) stops a rule with an advisory
"can't run during preview"; `pulumi up` runs every rule again with every value known.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

FUNCTION = "aws:lambda/function:Function"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
PERMISSION = "aws:lambda/permission:Permission"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
TOPIC = "aws:sns/topic:Topic"
TABLE = "aws:dynamodb/table:Table"
USER_POOL = "aws:cognito/userPool:UserPool"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
REST_API = "aws:apigateway/restApi:RestApi"
API_METHOD = "aws:apigateway/method:Method"
STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"

POLICY_DOCUMENTS: Mapping[str, tuple[str, str]] = {
    ROLE_POLICY: ("policy", "identity"),
    "aws:iam/policy:Policy": ("policy", "identity"),
    "aws:iam/userPolicy:UserPolicy": ("policy", "identity"),
    "aws:iam/groupPolicy:GroupPolicy": ("policy", "identity"),
    ROLE: ("assumeRolePolicy", "trust"),
    BUCKET_POLICY: ("policy", "resource"),
    QUEUE_POLICY: ("policy", "resource"),
    "aws:sns/topicPolicy:TopicPolicy": ("policy", "resource"),
}
"""Resource types holding an IAM policy document: the input that holds it, and the kind of policy."""

RESOURCE_STAR_ACTIONS: Mapping[str, str] = {
    "xray:PutTraceSegments": "X-Ray's segment API has no resource type: IAM accepts only *",
    "xray:PutTelemetryRecords": "X-Ray's telemetry API has no resource type: IAM accepts only *",
    "bedrock:ListInferenceProfiles": "a List action with no resource type: IAM accepts only *",
}
"""The only actions an Allow may grant on `Resource: "*"`, each with the reason no ARN can be named."""

LOG_RETENTION_DAYS = frozenset(
    (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
)
"""The values CloudWatch Logs accepts for `retentionInDays` (0, the default, keeps logs forever)."""

SOURCE_ARN_PREFIXES: Mapping[str, str] = {
    "apigateway.amazonaws.com": "arn:aws:execute-api:",
    "events.amazonaws.com": "arn:aws:events:",
    "s3.amazonaws.com": "arn:aws:s3:::",
    "sns.amazonaws.com": "arn:aws:sns:",
    "cognito-idp.amazonaws.com": "arn:aws:cognito-idp:",
}
"""The ARN a Lambda permission's `sourceArn` must name for each service principal allowed to invoke."""

REQUIRED_TAGS = ("project", "stack")

TAGGABLE_TYPES = frozenset(
    {
        "aws:apigateway/restApi:RestApi",
        "aws:apigateway/stage:Stage",
        "aws:bedrock/agentcoreMemory:AgentcoreMemory",
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
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
    }
)
"""Resource types that take `tags` (checked against the provider's schema by the tests)."""

HTTP_METHODS = frozenset(("get", "put", "post", "delete", "patch", "head", "options", "trace"))
ANY_METHOD = "x-amazon-apigateway-any-method"
COGNITO = "cognito_user_pools"


# Reading props: mappings and sequences (the engine hands read-only proxies, not dicts and lists).


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """A JSON/IAM "one or many" value as a list."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def explicit(props: Mapping[str, Any], key: str, *, zero_ok: bool = False) -> bool:
    """`key` is a number the program set: not missing, not a provider default (`__defaults`)."""
    value = props.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if key in as_list(props.get("__defaults")):
        return False
    return value >= 0 if zero_ok else value > 0


def parsed(text: Any) -> Any:
    """A JSON document held in a string input (IAM policies, event patterns, OpenAPI bodies)."""
    if isinstance(text, Mapping):
        return text
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def statements(document: Any) -> list[Mapping[str, Any]]:
    return [mapping(statement) for statement in as_list(mapping(document).get("Statement"))]


def principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    return [str(value) for values in mapping(principal).values() for value in as_list(values)]


def policy_documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(kind, parsed document) of every IAM policy document a resource holds."""
    if resource_type in POLICY_DOCUMENTS:
        key, kind = POLICY_DOCUMENTS[resource_type]
        yield kind, parsed(props.get(key))
    if resource_type == ROLE:
        for inline in as_list(props.get("inlinePolicies")):
            yield "identity", parsed(mapping(inline).get("policy"))
    if resource_type in BUCKETS and props.get("policy"):
        yield "resource", parsed(props.get("policy"))


def rule(
    name: str,
    description: str,
    level: EnforcementLevel = MANDATORY,
    config_schema: PolicyConfigSchema | None = None,
) -> Callable[[Callable[[ResourceValidationArgs, ReportViolation], None]], ResourceValidationPolicy]:
    """Declare a resource rule: the decorated function validates one resource."""

    def wrap(validate: Callable[[ResourceValidationArgs, ReportViolation], None]) -> ResourceValidationPolicy:
        return ResourceValidationPolicy(
            name=name,
            description=description,
            validate=validate,
            enforcement_level=level,
            config_schema=config_schema,
        )

    return wrap


def stack_rule(
    name: str, description: str, level: EnforcementLevel = MANDATORY
) -> Callable[[Callable[[StackValidationArgs, ReportViolation], None]], StackValidationPolicy]:
    """Declare a stack rule: the decorated function validates the whole stack."""

    def wrap(validate: Callable[[StackValidationArgs, ReportViolation], None]) -> StackValidationPolicy:
        return StackValidationPolicy(name=name, description=description, validate=validate, enforcement_level=level)

    return wrap


class Stack:
    """The resources of a stack validation, by type, with lookups by output."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = list(resources)

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [resource for resource in self.resources if resource.resource_type in types]

    def where(self, types: str | Sequence[str], key: str, value: Any) -> list[PolicyResource]:
        """The resources of `types` whose output `key` equals `value` (never matching a missing value)."""
        wanted = (types,) if isinstance(types, str) else tuple(types)
        if value is None or value == "":
            return []
        return [resource for resource in self.of_type(*wanted) if resource.props.get(key) == value]

    @staticmethod
    def names(resource: PolicyResource) -> set[str]:
        """How other resources refer to it by name: its `id` and `name` (a bucket: `bucket`)."""
        props = resource.props
        return {str(props[key]) for key in ("id", "name", "bucket") if props.get(key)}

    def configuring(self, types: str | Sequence[str], bucket: PolicyResource) -> list[PolicyResource]:
        """S3's split-out settings resources (`bucket` input) that configure `bucket`."""
        wanted = (types,) if isinstance(types, str) else tuple(types)
        names = self.names(bucket)
        return [resource for resource in self.of_type(*wanted) if str(resource.props.get("bucket")) in names]


# Lambda


@rule("lambda-arm64", "Lambda functions run on arm64 (Graviton): the seed's cost-optimised architecture.")
def lambda_arm64(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == FUNCTION and as_list(args.props.get("architectures")) != ["arm64"]:
        report(f"architectures is {as_list(args.props.get('architectures')) or 'the default (x86_64)'}", None)


@rule("lambda-xray-tracing", "Lambda functions trace every invocation with X-Ray (tracingConfig.mode Active).")
def lambda_xray_tracing(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == FUNCTION:
        mode = mapping(args.props.get("tracingConfig")).get("mode")
        if mode != "Active":
            report(f"tracingConfig.mode is {mode or 'unset (PassThrough)'}", None)


@rule(
    "lambda-explicit-memory-and-timeout",
    "Lambda functions set their memory and timeout (AWS's defaults, 128 MB and 3 s, are never a choice).",
)
def lambda_explicit_memory_and_timeout(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == FUNCTION:
        for key in ("memorySize", "timeout"):
            if not explicit(args.props, key):
                report(f"{key} is not set by the program", None)


@stack_rule(
    "lambda-own-log-group",
    "Every Lambda function logs to a log group of this stack (with its retention), not to an"
    " /aws/lambda group that Lambda creates on first use and keeps forever.",
)
def lambda_own_log_group(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    groups = {str(group.props.get("name")) for group in stack.of_type(LOG_GROUP)}
    for function in stack.of_type(FUNCTION):
        group = mapping(function.props.get("loggingConfig")).get("logGroup")
        if group not in groups:
            report(
                f"{function.name} logs to {group or 'its default group'}, not to a log group of this stack",
                function.urn,
            )


@rule(
    "lambda-permission-source-arn",
    "A Lambda permission for an AWS service names the source ARN of that service (no confused deputy).",
)
def lambda_permission_source_arn(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != PERMISSION:
        return
    principal = str(args.props.get("principal") or "")
    if principal == "*":
        report("the principal is *", None)
        return
    if not principal.endswith(".amazonaws.com"):
        return
    source = str(args.props.get("sourceArn") or "")
    prefix = SOURCE_ARN_PREFIXES.get(principal)
    if prefix is None or not source.startswith(prefix):
        report(f"{principal} may invoke with sourceArn {source or 'unset'}", None)


# Logs


@rule("log-group-retention", "Every log group has a retention (CloudWatch keeps logs forever by default).")
def log_group_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP:
        days = args.props.get("retentionInDays")
        if days not in LOG_RETENTION_DAYS:
            report(f"retentionInDays is {days or 'unset (never expire)'}", None)


# EventBridge and asynchronous invocation


@rule(
    "event-target-retry-and-dead-letters",
    "Every EventBridge target sets its retry policy (not 24 h / 185 attempts) and a dead-letter queue.",
)
def event_target_retry_and_dead_letters(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != EVENT_TARGET:
        return
    retry = mapping(args.props.get("retryPolicy"))
    if not explicit(retry, "maximumRetryAttempts", zero_ok=True) or not explicit(retry, "maximumEventAgeInSeconds"):
        report("retryPolicy does not set maximumRetryAttempts and maximumEventAgeInSeconds", None)
    if not mapping(args.props.get("deadLetterConfig")).get("arn"):
        report("no deadLetterConfig", None)


@stack_rule(
    "event-dead-letter-queue-scoped-to-rule",
    "EventBridge may send to a target's dead-letter queue for that target's rule only (aws:SourceArn).",
)
def event_dead_letter_queue_scoped_to_rule(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for target in stack.of_type(EVENT_TARGET):
        queue_arn = mapping(target.props.get("deadLetterConfig")).get("arn")
        if not queue_arn:
            continue  # event-target-retry-and-dead-letters reports it
        queues = stack.where(QUEUE, "arn", queue_arn)
        rules = [found for found in stack.of_type(EVENT_RULE) if target.props.get("rule") in Stack.names(found)]
        if len(queues) != 1 or len(rules) != 1:
            report(f"{target.name}: its dead-letter queue or its rule is not in this stack", target.urn)
            continue
        rule_arn = rules[0].props.get("arn")
        granted = False
        for queue_policy in stack.where(QUEUE_POLICY, "queueUrl", queues[0].props.get("url")):
            for statement in statements(parsed(queue_policy.props.get("policy"))):
                granted |= (
                    statement.get("Effect") == "Allow"
                    and principals(statement) == ["events.amazonaws.com"]
                    and "sqs:SendMessage" in as_list(statement.get("Action"))
                    and queue_arn in as_list(statement.get("Resource"))
                    and mapping(mapping(statement.get("Condition")).get("ArnEquals")).get("aws:SourceArn") == rule_arn
                )
        if not granted:
            report(f"{target.name}: no queue policy lets only its rule send dead letters", target.urn)


def role_allows(stack: Stack, role_arn: Any, action: str, resource_arn: Any) -> bool:
    """Whether an inline policy of the role (by ARN) allows `action` on exactly `resource_arn`."""
    for role in stack.where(ROLE, "arn", role_arn):
        documents = [parsed(mapping(inline).get("policy")) for inline in as_list(role.props.get("inlinePolicies"))]
        documents += [
            parsed(policy.props.get("policy"))
            for policy in stack.of_type(ROLE_POLICY)
            if str(policy.props.get("role")) in Stack.names(role)
        ]
        for document in documents:
            for statement in statements(document):
                if (
                    statement.get("Effect") == "Allow"
                    and action in as_list(statement.get("Action"))
                    and resource_arn in as_list(statement.get("Resource"))
                ):
                    return True
    return False


def invoked_functions(stack: Stack, target_arn: Any) -> list[tuple[PolicyResource, str]]:
    """The functions of the stack a target ARN invokes, each with the qualifier it invokes ("" for the function
    itself, else a version or an alias)."""
    target = str(target_arn or "")
    found = []
    for function in stack.of_type(FUNCTION):
        arn = str(function.props.get("arn") or "")
        if arn and (target == arn or target.startswith(f"{arn}:")):
            found.append((function, target.removeprefix(arn).removeprefix(":")))
    return found


def configures(config: PolicyResource, function: PolicyResource, qualifier: str) -> bool:
    """Whether an async invoke config applies to invocations of `function` with `qualifier` ("" for none).

    A config applies to the qualifier it names only: one on the function (or `$LATEST`) leaves its aliases
    and versions with Lambda's defaults (no failure destination)."""
    named = str(config.props.get("functionName") or "")
    arn = str(function.props.get("arn") or "")
    if named in {arn, *Stack.names(function)}:
        configured = str(config.props.get("qualifier") or "")
    elif arn and named.startswith(f"{arn}:"):
        configured = named.removeprefix(f"{arn}:")
    else:
        return False
    unqualified = ("", "$LATEST")
    return configured == qualifier or (configured in unqualified and qualifier in unqualified)


@stack_rule(
    "event-function-async-failure-destination",
    "Every function an EventBridge rule invokes sets its asynchronous retries and event age, and sends"
    " what still fails to a destination its role may write to, for the version or alias the rule invokes."
    " Functions no rule invokes (API, Cognito triggers) are invoked synchronously and exempt.",
)
def event_function_async_failure_destination(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for target in stack.of_type(EVENT_TARGET):
        for function, qualifier in invoked_functions(stack, target.props.get("arn")):
            configs = [config for config in stack.of_type(INVOKE_CONFIG) if configures(config, function, qualifier)]
            if not configs:
                invoked = f"{function.name} (qualifier {qualifier})" if qualifier else function.name
                report(f"{invoked}: EventBridge invokes it, but it has no FunctionEventInvokeConfig", function.urn)
                continue
            for config in configs:
                props = config.props
                if not explicit(props, "maximumRetryAttempts", zero_ok=True) or not explicit(
                    props, "maximumEventAgeInSeconds"
                ):
                    report(f"{config.name}: set maximumRetryAttempts and maximumEventAgeInSeconds", config.urn)
                destination = mapping(mapping(props.get("destinationConfig")).get("onFailure")).get("destination")
                if not destination:
                    report(f"{config.name}: no onFailure destination", config.urn)
                elif str(destination).startswith("arn:aws:sqs:") and not role_allows(
                    stack, function.props.get("role"), "sqs:SendMessage", destination
                ):
                    report(f"{function.name}: its role may not send to its failure destination", function.urn)


# IAM


@rule(
    "iam-no-wildcard-actions",
    'No Allow statement grants a wildcard action ("*", "s3:*", "s3:Get*") or uses NotAction/NotResource/'
    "NotPrincipal. A Deny may (the TLS-only bucket guard denies s3:*).",
)
def iam_no_wildcard_actions(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for _, document in policy_documents(args.resource_type, args.props):
        for statement in statements(document):
            if statement.get("Effect") != "Allow":
                continue
            negated = sorted({"NotAction", "NotResource", "NotPrincipal"} & set(statement))
            if negated:
                report(f"an Allow with {', '.join(negated)}", None)
            wildcards = [str(action) for action in as_list(statement.get("Action")) if "*" in str(action)]
            if wildcards:
                report(f"an Allow of {', '.join(wildcards)}", None)


@rule(
    "iam-no-resource-star",
    'No Allow statement grants an action on Resource "*", except the actions that take no resource'
    " type, each listed with its reason (RESOURCE_STAR_ACTIONS).",
)
def iam_no_resource_star(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for kind, document in policy_documents(args.resource_type, args.props):
        if kind == "trust":
            continue
        for statement in statements(document):
            if statement.get("Effect") == "Allow" and "*" in as_list(statement.get("Resource")):
                scoped = [str(a) for a in as_list(statement.get("Action")) if a not in RESOURCE_STAR_ACTIONS]
                if scoped:
                    report(f'{", ".join(scoped)} on Resource "*": name the ARNs', None)


@rule(
    "iam-no-public-principal",
    'No resource or trust policy allows Principal "*": access goes to named services and accounts.',
)
def iam_no_public_principal(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for kind, document in policy_documents(args.resource_type, args.props):
        for statement in statements(document):
            if kind != "identity" and statement.get("Effect") == "Allow" and "*" in principals(statement):
                report("an Allow to every principal", None)


# S3


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
    " key prefix) also expires their noncurrent versions and aborts abandoned multipart uploads.",
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
        if not expiring:
            report(f"{bucket.name}: no lifecycle rule expires objects", bucket.urn)
        for entry in expiring:
            scope = mapping(entry.get("filter")).get("prefix") or "the whole bucket"
            if not mapping(entry.get("noncurrentVersionExpiration")).get("noncurrentDays"):
                report(f"{bucket.name}: {entry.get('id')} ({scope}) keeps noncurrent versions forever", bucket.urn)
            if not mapping(entry.get("abortIncompleteMultipartUpload")).get("daysAfterInitiation"):
                report(f"{bucket.name}: {entry.get('id')} ({scope}) keeps abandoned multipart uploads", bucket.urn)


# Encryption at rest (tables, queues, topics; buckets above)


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


# Tags

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


# API Gateway


def stage_settings(stack: Stack, stage: PolicyResource) -> list[Mapping[str, Any]]:
    """The `*/*` settings (every method) of a stage."""
    return [
        mapping(settings.props.get("settings"))
        for settings in stack.of_type(METHOD_SETTINGS)
        if settings.props.get("restApi") == stage.props.get("restApi")
        and settings.props.get("stageName") == stage.props.get("stageName")
        and settings.props.get("methodPath") == "*/*"
    ]


@stack_rule("api-stage-throttling", "Every API stage throttles every method (burst and rate limits above zero).")
def api_stage_throttling(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for stage in stack.of_type(STAGE):
        if not any(
            explicit(settings, "throttlingBurstLimit") and explicit(settings, "throttlingRateLimit")
            for settings in stage_settings(stack, stage)
        ):
            report(f"{stage.name}: no */* method settings with throttling limits", stage.urn)


@stack_rule(
    "api-stage-access-logs",
    "Every API stage writes JSON access logs (with the request id) to a log group of this stack with a retention.",
)
def api_stage_access_logs(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(args.resources)
    for stage in stack.of_type(STAGE):
        settings = mapping(stage.props.get("accessLogSettings"))
        groups = stack.where(LOG_GROUP, "arn", settings.get("destinationArn"))
        if not any(group.props.get("retentionInDays") in LOG_RETENTION_DAYS for group in groups):
            report(f"{stage.name}: access logs do not go to a log group of this stack with a retention", stage.urn)
        fields = parsed(settings.get("format"))
        if not isinstance(fields, Mapping) or fields.get("requestId") != "$context.requestId":
            report(f"{stage.name}: the access log format is not JSON with requestId", stage.urn)


@rule("api-stage-xray", "Every API stage traces requests with X-Ray.")
def api_stage_xray(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == STAGE and args.props.get("xrayTracingEnabled") is not True:
        report("xrayTracingEnabled is off", None)


@rule(
    "api-data-tracing-off",
    "API Gateway data tracing logs whole requests and responses, presigned upload URLs included: keep it"
    " off outside development (the seed turns it on, so this rule only advises).",
    level=ADVISORY,
)
def api_data_tracing_off(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == METHOD_SETTINGS and mapping(args.props.get("settings")).get("dataTraceEnabled") is True:
        report(f"dataTraceEnabled on {args.props.get('methodPath')}", None)


def cognito_schemes(document: Mapping[str, Any]) -> set[str]:
    """Security schemes of an OpenAPI document that are Cognito user pool authorizers."""
    schemes = {
        **mapping(mapping(document.get("components")).get("securitySchemes")),
        **mapping(document.get("securityDefinitions")),
    }
    found = set()
    for name, scheme in schemes.items():
        authorizer = mapping(mapping(scheme).get("x-amazon-apigateway-authorizer"))
        if authorizer.get("type") == COGNITO and as_list(authorizer.get("providerARNs")):
            found.add(name)
    return found


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, methods in mapping(document.get("paths")).items():
        for method, operation in mapping(methods).items():
            if method.lower() in HTTP_METHODS or method == ANY_METHOD:
                yield path, method, mapping(operation)


@rule(
    "api-cognito-authorizer",
    "Every API operation requires a Cognito user pool authorizer: `security` naming a scheme whose"
    " x-amazon-apigateway-authorizer is cognito_user_pools. CORS preflight (OPTIONS) is exempt.",
)
def api_cognito_authorizer(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == API_METHOD:
        method = str(args.props.get("httpMethod") or "")
        if method.upper() != "OPTIONS" and args.props.get("authorization") != "COGNITO_USER_POOLS":
            report(f"{method} authorization is {args.props.get('authorization')}", None)
        return
    if args.resource_type != REST_API:
        return
    document = parsed(args.props.get("body"))
    if not isinstance(document, Mapping):
        return
    cognito = cognito_schemes(document)
    for path, method, operation in operations(document):
        if method.lower() == "options":
            continue
        requirements = [mapping(r) for r in as_list(operation.get("security", document.get("security")))]
        if not requirements or any(not set(requirement) & cognito for requirement in requirements):
            report(f"{method.upper()} {path} is not behind a Cognito user pool authorizer", None)


# Data protection (configured per stack)

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
    " no force-destroy of the bucket.",
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
    if args.resource_type in BUCKETS:
        if not args.opts.protect:
            report("the bucket is not protected (resource option protect)", None)
        if args.props.get("forceDestroy") is True:
            report("forceDestroy would delete every object with the bucket", None)
    if args.resource_type == USER_POOL and args.props.get("deletionProtection") != "ACTIVE":
        report("the user pool's deletionProtection is not ACTIVE", None)


POLICIES: list[Policy] = [
    lambda_arm64,
    lambda_xray_tracing,
    lambda_explicit_memory_and_timeout,
    lambda_own_log_group,
    lambda_permission_source_arn,
    log_group_retention,
    event_target_retry_and_dead_letters,
    event_dead_letter_queue_scoped_to_rule,
    event_function_async_failure_destination,
    iam_no_wildcard_actions,
    iam_no_resource_star,
    iam_no_public_principal,
    s3_public_access_block,
    s3_acls_disabled,
    s3_encryption,
    s3_tls_only,
    s3_lifecycle_expiry,
    encryption_at_rest,
    tags_on_taggable_resources,
    api_stage_throttling,
    api_stage_access_logs,
    api_stage_xray,
    api_data_tracing_off,
    api_cognito_authorizer,
    stateful_data_protected,
]
"""Every rule of the pack, in the order the CLI lists them."""
