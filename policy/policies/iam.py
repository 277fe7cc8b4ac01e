"""Rules for every IAM policy document: no wildcard actions, no `Resource: "*"`, no public principal."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .declare import rule
from .iam_documents import policy_documents, principals, statements
from .props import as_list

RESOURCE_STAR_ACTIONS: Mapping[str, str] = {
    "xray:PutTraceSegments": "X-Ray's segment API has no resource type: IAM accepts only *",
    "xray:PutTelemetryRecords": "X-Ray's telemetry API has no resource type: IAM accepts only *",
    "bedrock:ListInferenceProfiles": "a List action with no resource type: IAM accepts only *",
    "rekognition:DetectFaces": "an image action with no resource type (it reads the caller's S3 object): IAM accepts"
    " only *",
}
"""The only actions an Allow may grant on `Resource: "*"`, each with the reason no ARN can be named."""


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
