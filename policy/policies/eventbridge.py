"""Rules for EventBridge targets and the functions they invoke asynchronously.

An event that keeps failing must end somewhere a person can look: a target retries for a bounded
time and then sends to a dead-letter queue only its rule may write to, and an invoked function
sends what still fails to a destination its role may write to.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .declare import rule, stack_rule
from .iam_documents import principals, statements
from .props import as_list, explicit, mapping, parsed
from .resource_types import EVENT_RULE, EVENT_TARGET, FUNCTION, INVOKE_CONFIG, QUEUE, QUEUE_POLICY, ROLE, ROLE_POLICY
from .stack import Stack


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
