"""Rules for Lambda functions: architecture, tracing, sizing, their own log group, who may invoke them."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, StackValidationArgs

from .declare import rule, stack_rule
from .props import as_list, explicit, mapping
from .resource_types import FUNCTION, LOG_GROUP, PERMISSION
from .stack import Stack

SOURCE_ARN_PREFIXES: Mapping[str, str] = {
    "apigateway.amazonaws.com": "arn:aws:execute-api:",
    "events.amazonaws.com": "arn:aws:events:",
    "s3.amazonaws.com": "arn:aws:s3:::",
    "sns.amazonaws.com": "arn:aws:sns:",
    "cognito-idp.amazonaws.com": "arn:aws:cognito-idp:",
}
"""The ARN a Lambda permission's `sourceArn` must name for each service principal allowed to invoke."""


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
