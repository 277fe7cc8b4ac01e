"""Lambda functions, their asynchronous invocation, EventBridge delivery, log groups and invoke permissions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from handlers.catalog import FUNCTIONS, EventRule

if TYPE_CHECKING:
    from tests.policy.conftest import Graph, Resource, RuleCheck

FUNCTION = "aws:lambda/function:Function"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PERMISSION = "aws:lambda/permission:Permission"

LOG_RETENTION_DAYS = frozenset(
    (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
)
"""The values CloudWatch Logs accepts for `retentionInDays`."""

SOURCE_ARN_PREFIXES = {
    "apigateway.amazonaws.com": "arn:aws:execute-api:",
    "events.amazonaws.com": "arn:aws:events:",
    "s3.amazonaws.com": "arn:aws:s3:::",
    "sns.amazonaws.com": "arn:aws:sns:",
}
"""The ARN a permission's `sourceArn` must name for each service principal that invokes functions."""


def event_functions(graph: Graph) -> dict[str, Resource]:
    """The deployed function of every catalog entry triggered by an EventBridge rule, by catalog name."""
    functions = {function.inputs["handler"]: function for function in graph.of_type(FUNCTION)}
    return {spec.name: functions[spec.handler] for spec in FUNCTIONS if isinstance(spec.trigger, EventRule)}


def explicit(value: object) -> bool:
    """A number set in the program (not left to the provider's or AWS's default)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def allows(document: str, action: str, resource: str) -> bool:
    """Whether a statement of the policy document allows `action` on exactly `resource`."""
    for statement in json.loads(document)["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if statement["Effect"] == "Allow" and action in actions and resource in resources:
            return True
    return False


def test_every_function_is_arm64_with_xray_and_explicit_memory_and_timeout(graph: Graph, policy: RuleCheck) -> None:
    wrong = {}
    for function in policy.examined(graph.of_type(FUNCTION)):
        inputs = function.inputs
        checks = {
            "architectures": inputs.get("architectures") == ["arm64"],
            "tracingConfig": inputs.get("tracingConfig") == {"mode": "Active"},
            "memorySize": explicit(inputs.get("memorySize")),
            "timeout": explicit(inputs.get("timeout")),
        }
        if not all(checks.values()):
            wrong[function.name] = {key: inputs.get(key) for key, ok in checks.items() if not ok}
    assert wrong == {}


def test_every_event_triggered_function_has_an_explicit_async_invoke_config(graph: Graph, policy: RuleCheck) -> None:
    functions = event_functions(graph)
    policy.examined(functions.values())
    configs = {config.inputs["functionName"]: config.inputs for config in policy.examined(graph.of_type(INVOKE_CONFIG))}
    for name, function in functions.items():
        config = configs.get(graph.physical_name(function))
        assert config is not None, f"{name}: no FunctionEventInvokeConfig"
        # Zero retries is a valid explicit choice; what must not happen is leaving Lambda's defaults (2 / 6 h).
        assert isinstance(config.get("maximumRetryAttempts"), int | float), name
        assert explicit(config.get("maximumEventAgeInSeconds")), name
        destination = ((config.get("destinationConfig") or {}).get("onFailure") or {}).get("destination")
        assert destination, f"{name}: no onFailure destination"
        # The function's role sends its own failures: it must be allowed to.
        queue = graph.by_arn(QUEUE, destination)
        role = graph.by_arn(ROLE, function.inputs["role"])
        grants = [
            p.inputs["policy"] for p in graph.of_type(ROLE_POLICY) if p.inputs["role"] == graph.physical_name(role)
        ]
        assert any(allows(grant, "sqs:SendMessage", graph.arn(queue)) for grant in grants), name


def test_every_event_target_has_a_retry_policy_and_a_dead_letter_queue(graph: Graph, policy: RuleCheck) -> None:
    targets = policy.examined(graph.of_type(EVENT_TARGET))
    assert len(targets) == len(graph.of_type(EVENT_RULE)) == len(event_functions(graph))
    for target in targets:
        retry = target.inputs.get("retryPolicy") or {}
        assert isinstance(retry.get("maximumRetryAttempts"), int | float), f"{target.name}: retryPolicy {retry}"
        assert explicit(retry.get("maximumEventAgeInSeconds")), f"{target.name}: retryPolicy {retry}"
        dead_letters = (target.inputs.get("deadLetterConfig") or {}).get("arn")
        assert dead_letters, f"{target.name}: no deadLetterConfig"
        # EventBridge sends to the DLQ with the queue's resource policy, for this rule only.
        queue = graph.by_arn(QUEUE, dead_letters)
        rule = graph.by_physical_name(EVENT_RULE, target.inputs["rule"])
        [queue_policy] = [
            p for p in graph.of_type(QUEUE_POLICY) if p.inputs["queueUrl"].endswith(f"/{graph.physical_name(queue)}")
        ]
        [statement] = json.loads(queue_policy.inputs["policy"])["Statement"]
        assert (
            statement["Principal"] == {"Service": "events.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"
        )
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": graph.arn(rule)}}, target.name


def test_every_log_group_has_a_retention(graph: Graph, policy: RuleCheck) -> None:
    wrong = {
        group.name: group.inputs.get("retentionInDays")
        for group in policy.examined(graph.of_type(LOG_GROUP))
        if group.inputs.get("retentionInDays") not in LOG_RETENTION_DAYS
    }
    assert wrong == {}


def test_every_function_logs_to_a_log_group_with_retention(graph: Graph, policy: RuleCheck) -> None:
    """Without its own group a function writes to /aws/lambda/<name>, created on first use and kept forever."""
    groups = {graph.physical_name(group) for group in graph.of_type(LOG_GROUP)}
    wrong = [
        function.name
        for function in policy.examined(graph.of_type(FUNCTION))
        if (function.inputs.get("loggingConfig") or {}).get("logGroup") not in groups
    ]
    assert wrong == []


def test_every_service_permission_names_its_source_arn(graph: Graph, policy: RuleCheck) -> None:
    wrong = {}
    for permission in policy.examined(graph.of_type(PERMISSION)):
        principal = permission.inputs["principal"]
        if not principal.endswith(".amazonaws.com"):
            continue
        source = permission.inputs.get("sourceArn") or ""
        prefix = SOURCE_ARN_PREFIXES.get(principal)
        if prefix is None or not source.startswith(prefix):
            wrong[permission.name] = f"{principal} with sourceArn {source!r}"
    assert wrong == {}
