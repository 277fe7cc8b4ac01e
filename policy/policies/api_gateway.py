"""Rules for API Gateway: stages that throttle, log and trace; every operation behind Cognito.

The API's operations live in the REST API's OpenAPI body (or, for an API built method by method, in
`Method` resources): the Cognito rule reads both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .declare import ADVISORY, rule, stack_rule
from .log_groups import LOG_RETENTION_DAYS
from .props import as_list, explicit, mapping, parsed
from .resource_types import API_METHOD, LOG_GROUP, METHOD_SETTINGS, REST_API, STAGE
from .stack import Stack

HTTP_METHODS = frozenset(("get", "put", "post", "delete", "patch", "head", "options", "trace"))
ANY_METHOD = "x-amazon-apigateway-any-method"
COGNITO = "cognito_user_pools"


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
