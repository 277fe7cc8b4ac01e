"""Each rule of the policy pack fires on a deliberately broken copy of the stack, and says what is wrong.

A case takes one resource of the mocked graph, edits a copy of its props (or leaves it out) and runs one
rule over the stack: the violations the edit adds must name the problem. The whole, unbroken graphs are
test_pack.py's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from pulumi_policy import EnforcementLevel

from policy.policies import POLICIES
from policy.policies.api_gateway import api_cognito_authorizer
from policy.policies.cloudfront import cloudfront_access_logging, cloudfront_minimum_tls, s3_origin
from policy.policies.data_protection import stateful_data_protected
from policy.policies.eventbridge import event_function_async_failure_destination
from policy.policies.resource_types import (
    API_METHOD,
    BUCKET_POLICY,
    BUCKETS,
    DISTRIBUTION,
    ENCRYPTION,
    EVENT_TARGET,
    FUNCTION,
    INVOKE_CONFIG,
    LIFECYCLE,
    LOG_GROUP,
    METHOD_SETTINGS,
    OWNERSHIP,
    PERMISSION,
    PUBLIC_ACCESS_BLOCK,
    QUEUE,
    QUEUE_POLICY,
    REST_API,
    ROLE,
    ROLE_POLICY,
    STAGE,
    TABLE,
    TOPIC,
    USER_POOL,
)
from policy.policies.tags import tags_on_taggable_resources
from tests.policy.conftest import pack_config, resource_args, run_pack, validate_resource

if TYPE_CHECKING:
    from tests.policy.conftest import Change, Graph, Resource

BY_NAME = {policy.name: policy for policy in POLICIES}


def at(props: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The dict holding the last key of a dotted path (list items by index), and that key."""
    *parents, last = path.split(".")
    node: Any = props
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node, last


def setting(path: str, value: Any) -> Change:
    def change(props: dict[str, Any]) -> None:
        node, key = at(props, path)
        node[key] = value

    return change


def dropping(path: str) -> Change:
    def change(props: dict[str, Any]) -> None:
        node, key = at(props, path)
        node.pop(key, None)

    return change


def document(key: str, edit: Callable[[dict[str, Any]], None]) -> Change:
    """Edit a JSON document held in a string prop (policies, access log formats, API bodies)."""

    def change(props: dict[str, Any]) -> None:
        parsed = json.loads(props[key])
        edit(parsed)
        props[key] = json.dumps(parsed)

    return change


def first_statement(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda policy: edit(policy["Statement"][0])


def adding_statement(statement: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda policy: policy["Statement"].append(statement)


def unchanged(props: dict[str, Any]) -> None:
    """No edit: the case's pack config alone breaks the rule."""


PROTECT_DATA = {"stateful-data-protected": {"protectData": True}}


@dataclass(frozen=True)
class Case:
    rule: str
    typ: str
    change: Change | None
    """None leaves the resource out of the stack."""
    expect: str
    """A piece of the violation the change must add."""
    named: str = ""
    """Pick the resource of `typ` whose logical name contains this."""
    stack: str = "dev"
    config: dict[str, Any] = field(default_factory=dict)
    baseline: Change | None = None
    """An edit of the same resource that the rule accepts, when the stack itself does not pass it yet."""

    def __str__(self) -> str:
        return f"{self.rule}: {self.expect}"


TARGET, BUCKET, SETTINGS = EVENT_TARGET, BUCKETS[0], METHOD_SETTINGS

CASES = (
    Case("lambda-arm64", FUNCTION, setting("architectures", ["x86_64"]), "x86_64"),
    Case("lambda-arm64", FUNCTION, dropping("architectures"), "the default (x86_64)"),
    Case("lambda-xray-tracing", FUNCTION, setting("tracingConfig.mode", "PassThrough"), "PassThrough"),
    Case("lambda-explicit-memory-and-timeout", FUNCTION, dropping("memorySize"), "memorySize is not set"),
    Case("lambda-explicit-memory-and-timeout", FUNCTION, setting("__defaults", ["timeout"]), "timeout is not set"),
    Case("lambda-own-log-group", FUNCTION, setting("loggingConfig.logGroup", "/aws/lambda/x"), "not to a log group"),
    Case("lambda-own-log-group", LOG_GROUP, None, "not to a log group", named="list-episodes"),
    Case("lambda-permission-source-arn", PERMISSION, dropping("sourceArn"), "sourceArn unset"),
    Case("lambda-permission-source-arn", PERMISSION, setting("principal", "*"), "the principal is *"),
    Case("log-group-retention", LOG_GROUP, dropping("retentionInDays"), "never expire"),
    Case("log-group-retention", LOG_GROUP, setting("retentionInDays", 13), "retentionInDays is 13"),
    Case("event-target-retry-and-dead-letters", TARGET, dropping("retryPolicy"), "retryPolicy does not set"),
    Case(
        "event-target-retry-and-dead-letters",
        TARGET,
        setting("retryPolicy.__defaults", ["maximumRetryAttempts"]),
        "retryPolicy does not set",
    ),
    Case("event-target-retry-and-dead-letters", TARGET, dropping("deadLetterConfig"), "no deadLetterConfig"),
    Case(
        "event-dead-letter-queue-scoped-to-rule",
        QUEUE_POLICY,
        document("policy", first_statement(lambda s: s.pop("Condition"))),
        "lets only its rule",
    ),
    Case("event-dead-letter-queue-scoped-to-rule", QUEUE_POLICY, None, "lets only its rule"),
    Case("event-function-async-failure-destination", INVOKE_CONFIG, None, "no FunctionEventInvokeConfig"),
    Case("event-function-async-failure-destination", INVOKE_CONFIG, dropping("destinationConfig"), "no onFailure"),
    Case(
        "event-function-async-failure-destination",
        INVOKE_CONFIG,
        dropping("maximumEventAgeInSeconds"),
        "set maximumRetryAttempts and maximumEventAgeInSeconds",
    ),
    Case(
        "event-function-async-failure-destination",
        ROLE_POLICY,
        None,
        "may not send to its failure destination",
        named="dead-letters",
    ),
    Case(
        "iam-no-wildcard-actions",
        ROLE_POLICY,
        document("policy", adding_statement({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})),
        "an Allow of s3:*",
    ),
    Case(
        "iam-no-wildcard-actions",
        ROLE_POLICY,
        document("policy", adding_statement({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b"})),
        "an Allow with NotAction",
    ),
    Case(
        "iam-no-resource-star",
        ROLE_POLICY,
        document("policy", adding_statement({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"})),
        's3:GetObject on Resource "*"',
    ),
    Case(
        "iam-no-public-principal",
        QUEUE_POLICY,
        document("policy", first_statement(lambda s: s.update(Principal="*"))),
        "an Allow to every principal",
    ),
    Case(
        "iam-no-public-principal",
        ROLE,
        document("assumeRolePolicy", first_statement(lambda s: s.update(Principal={"AWS": "*"}))),
        "an Allow to every principal",
    ),
    Case("s3-public-access-block", PUBLIC_ACCESS_BLOCK, None, "no public access block"),
    Case("s3-public-access-block", PUBLIC_ACCESS_BLOCK, setting("blockPublicPolicy", False), "no public access"),
    Case("s3-public-access-block", BUCKET, setting("acl", "public-read"), "ACL grants", "media"),
    Case("s3-acls-disabled", OWNERSHIP, setting("rule.objectOwnership", "ObjectWriter"), "ObjectWriter"),
    Case("s3-encryption", ENCRYPTION[0], None, "no default encryption"),
    Case(
        "s3-tls-only",
        BUCKET_POLICY,
        document("policy", first_statement(lambda s: s.pop("Condition"))),
        "without aws:SecureTransport",
    ),
    Case("s3-tls-only", BUCKET_POLICY, None, "without aws:SecureTransport"),
    Case(
        "s3-lifecycle-expiry",
        LIFECYCLE[0],
        dropping("rules.0.noncurrentVersionExpiration"),
        "keeps noncurrent versions forever",
    ),
    Case(
        "s3-lifecycle-expiry",
        LIFECYCLE[0],
        dropping("rules.0.abortIncompleteMultipartUpload"),
        "keeps abandoned multipart uploads",
    ),
    Case("s3-lifecycle-expiry", LIFECYCLE[0], None, "no lifecycle rule expires objects"),
    Case("encryption-at-rest", TABLE, setting("serverSideEncryption.enabled", False), "serverSideEncryption"),
    Case("encryption-at-rest", QUEUE, dropping("sqsManagedSseEnabled"), "neither SQS-managed SSE nor a KMS key"),
    Case("encryption-at-rest", TOPIC, dropping("kmsMasterKeyId"), "no KMS key", stack="prod"),
    Case(
        "tags-on-taggable-resources",
        FUNCTION,
        setting("tags", {}),
        "missing tags: owner",
        config={"tags-on-taggable-resources": {"requiredTags": ["project", "owner"]}},
    ),
    Case("api-stage-throttling", SETTINGS, dropping("settings.throttlingBurstLimit"), "throttling limits"),
    Case("api-stage-throttling", SETTINGS, setting("methodPath", "episodes/GET"), "throttling limits"),
    Case("api-stage-access-logs", STAGE, dropping("accessLogSettings"), "not JSON with requestId"),
    Case("api-stage-access-logs", LOG_GROUP, None, "a log group of this stack", named="access-logs"),
    Case(
        "api-stage-access-logs",
        STAGE,
        setting("accessLogSettings.format", "$context.identity.sourceIp $context.requestId"),
        "not JSON with requestId",
    ),
    Case("api-stage-xray", STAGE, setting("xrayTracingEnabled", False), "xrayTracingEnabled is off"),
    Case(
        "api-data-tracing-off", SETTINGS, setting("settings.dataTraceEnabled", True), "dataTraceEnabled", stack="prod"
    ),
    Case(
        "api-cognito-authorizer",
        REST_API,
        document("body", lambda body: body.update(signed_in(body, leave_open=("/episodes", "get")))),
        "GET /episodes is not behind",
        baseline=document("body", lambda body: body.update(signed_in(body))),
    ),
    Case(
        "cloudfront-https-only",
        DISTRIBUTION,
        setting("defaultCacheBehavior.viewerProtocolPolicy", "allow-all"),
        "is allow-all",
    ),
    Case(
        "cloudfront-https-only",
        DISTRIBUTION,
        setting("orderedCacheBehaviors.0.viewerProtocolPolicy", "allow-all"),
        "behaviour /api/*: viewerProtocolPolicy is allow-all",
    ),
    Case(
        "cloudfront-https-only",
        DISTRIBUTION,
        setting("origins.1.customOriginConfig.originProtocolPolicy", "match-viewer"),
        "originProtocolPolicy is match-viewer",
    ),
    Case(
        "cloudfront-minimum-tls",
        DISTRIBUTION,
        dropping("tags.nullcheck:default-certificate-reason"),
        "the default certificate (TLSv1) without a reason",
    ),
    Case(
        "cloudfront-minimum-tls",
        DISTRIBUTION,
        setting(
            "viewerCertificate",
            {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "sslSupportMethod": "vip"},
        ),
        "minimumProtocolVersion is None",
    ),
    Case(
        "cloudfront-minimum-tls",
        DISTRIBUTION,
        setting(
            "viewerCertificate",
            {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "minimumProtocolVersion": "TLSv1.2_2021"},
        ),
        "sslSupportMethod is None",
    ),
    Case(
        "cloudfront-s3-origin-access-control",
        DISTRIBUTION,
        dropping("origins.0.originAccessControlId"),
        "origin site: an S3 origin without origin access control",
    ),
    Case(
        "cloudfront-s3-origin-access-control",
        DISTRIBUTION,
        setting(
            "origins.0.s3OriginConfig", {"originAccessIdentity": "origin-access-identity/cloudfront/E2QWRUHAPOMQZL"}
        ),
        "an origin access identity",
    ),
    Case(
        "cloudfront-s3-origin-access-control",
        DISTRIBUTION,
        setting("origins.0.domainName", "site.s3-website-us-east-1.amazonaws.com"),
        "an S3 website endpoint",
    ),
    Case("cloudfront-access-logging", DISTRIBUTION, dropping("tags.nullcheck:no-logging-reason"), "no access logs"),
    # The studio's bucket: every object is the stack's (the build), so it needs no expiry and holds no data, as
    # its tag says; without the tag the rules treat it as any bucket.
    Case(
        "s3-lifecycle-expiry",
        BUCKET,
        dropping("tags.nullcheck:disposable-reason"),
        "no lifecycle rule expires objects",
        named="studio-bucket",
    ),
    Case(
        "stateful-data-protected",
        BUCKET,
        dropping("tags.nullcheck:disposable-reason"),
        "the bucket is not protected",
        named="studio-bucket",
        stack="prod",
    ),
    # Production's own config (policy/prod.json) asks for protection.
    Case("stateful-data-protected", TABLE, dropping("deletionProtectionEnabled"), "is off", stack="prod"),
    # The media bucket (the studio's is disposable: every object declared by the stack).
    Case("stateful-data-protected", BUCKET, setting("forceDestroy", True), "forceDestroy", "media", stack="prod"),
    Case(
        "stateful-data-protected",
        USER_POOL,
        setting("deletionProtection", "INACTIVE"),
        "deletionProtection is not ACTIVE",
        stack="prod",
    ),
    # A dev stack checked as if it were production: unprotected, deletable, force-destroyed.
    Case("stateful-data-protected", TABLE, unchanged, "the table is not protected", config=PROTECT_DATA),
    Case("stateful-data-protected", BUCKET, unchanged, "the bucket is not protected", "media", config=PROTECT_DATA),
    Case("stateful-data-protected", BUCKET, unchanged, "forceDestroy would delete", "media", config=PROTECT_DATA),
)


def pick(graph: Graph, case: Case) -> Resource:
    found = [r for r in graph.of_type(case.typ) if case.named in r.name]
    assert found, f"{case}: no {case.typ} named *{case.named}* in the {graph.stack} graph"
    return found[0]


@pytest.mark.parametrize(("stack_name", "case"), [(case.stack, case) for case in CASES], ids=str)
def test_the_rule_fires_on_a_broken_stack(graph: Graph, case: Case) -> None:
    """What the rule reports with the case's change (and pack config) that it did not report on the stack."""
    rule, resource = [BY_NAME[case.rule]], pick(graph, case)
    before = {str(v) for v in run_pack(graph, rule, changes={resource: case.baseline} if case.baseline else {})}
    config = {**pack_config(graph.stack), **case.config}
    after = {str(v) for v in run_pack(graph, rule, config, {resource: case.change})}
    added = after - before
    assert any(case.expect in violation for violation in added), f"{case}: added {sorted(added)}"


def test_every_rule_has_a_broken_case() -> None:
    assert {policy.name for policy in POLICIES} <= {case.rule for case in CASES}


# The Cognito rule, on OpenAPI bodies written here (the stack's own body gets its authorizer separately).

POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example"
COGNITO_SCHEME = {
    "type": "apiKey",
    "name": "Authorization",
    "in": "header",
    "x-amazon-apigateway-authtype": "cognito_user_pools",
    "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [POOL]},
}


def signed_in(body: dict[str, Any], leave_open: tuple[str, str] = ("", "")) -> dict[str, Any]:
    """The body with a Cognito scheme and every operation but the preflights (and `leave_open`) behind it."""
    signed = copy.deepcopy(body)
    signed.pop("security", None)
    signed.setdefault("components", {})["securitySchemes"] = {"cognito": copy.deepcopy(COGNITO_SCHEME)}
    for path, methods in signed["paths"].items():
        for method, operation in methods.items():
            operation.pop("security", None)
            if method != "options" and (path, method) != leave_open:
                operation["security"] = [{"cognito": []}]
    return signed


def cognito_violations(graph: Graph, body: dict[str, Any]) -> list[str]:
    rest_api = graph.one(REST_API)
    args = resource_args(graph, rest_api, change=setting("body", json.dumps(body)))
    return [v.message for v in validate_resource(api_cognito_authorizer, args, rest_api.name)]


@pytest.fixture
def body(graph: Graph) -> dict[str, Any]:
    return dict(json.loads(graph.one(REST_API).inputs["body"]))


def test_an_api_behind_cognito_passes_with_its_preflights_open(graph: Graph, body: dict[str, Any]) -> None:
    signed = signed_in(body)
    assert all("security" not in methods["options"] for methods in signed["paths"].values())
    assert cognito_violations(graph, signed) == []
    # Swagger 2 names its schemes securityDefinitions; a document-wide `security` covers every operation.
    swagger = copy.deepcopy(body)
    swagger["securityDefinitions"] = {"cognito": copy.deepcopy(COGNITO_SCHEME)}
    swagger["security"] = [{"cognito": []}]
    assert cognito_violations(graph, swagger) == []


def test_an_operation_left_open_or_behind_another_scheme_fires(graph: Graph, body: dict[str, Any]) -> None:
    open_one = signed_in(body)
    del open_one["paths"]["/episodes"]["post"]["security"]
    assert cognito_violations(graph, open_one) == ["POST /episodes is not behind a Cognito user pool authorizer"]

    optional = signed_in(body)
    optional["paths"]["/episodes"]["get"]["security"] = [{"cognito": []}, {}]
    assert cognito_violations(graph, optional) == ["GET /episodes is not behind a Cognito user pool authorizer"]

    api_key = signed_in(body)
    api_key["components"]["securitySchemes"] = {"cognito": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
    assert len(cognito_violations(graph, api_key)) == sum(
        method != "options" for methods in body["paths"].values() for method in methods
    )

    no_pool = signed_in(body)
    no_pool["components"]["securitySchemes"]["cognito"]["x-amazon-apigateway-authorizer"]["providerARNs"] = []
    assert cognito_violations(graph, no_pool)


def test_methods_declared_as_resources_need_the_authorizer_too(graph: Graph) -> None:
    permission = graph.of_type(PERMISSION)[0]  # any resource: only the type and props matter here

    def method(http_method: str, authorization: str) -> list[str]:
        args = resource_args(
            graph, permission, change=lambda props: props.update(httpMethod=http_method, authorization=authorization)
        )
        args.resource_type = API_METHOD
        return [v.message for v in validate_resource(api_cognito_authorizer, args, "method")]

    assert method("GET", "NONE") == ["GET authorization is NONE"]
    assert method("GET", "COGNITO_USER_POOLS") == []
    assert method("OPTIONS", "NONE") == []


def test_tags_come_from_the_resource_when_the_provider_has_none(graph: Graph) -> None:
    function = graph.of_type(FUNCTION)[0]
    args = resource_args(graph, function)
    args.provider = None
    assert [v.message for v in validate_resource(tags_on_taggable_resources, args, "f")] == [
        "missing tags: project, stack"
    ]
    args = resource_args(graph, function, change=setting("tags", {"project": "nullcheck", "stack": "dev"}))
    args.provider = None
    assert validate_resource(tags_on_taggable_resources, args, "f") == []


def test_data_protection_is_off_unless_the_stack_asks_for_it(graph: Graph) -> None:
    """Dev tears down: without protectData the rule checks nothing, whatever the table's options."""
    table = graph.one(TABLE)
    assert validate_resource(stateful_data_protected, resource_args(graph, table, {}), "t") == []
    assert validate_resource(stateful_data_protected, resource_args(graph, table, None), "t") == []
    levels = {
        v.level for v in run_pack(graph, [stateful_data_protected], {"stateful-data-protected": {"protectData": True}})
    }
    assert levels == ({EnforcementLevel.MANDATORY} if graph.stack == "dev" else set())


def test_the_async_config_must_be_on_what_the_rule_invokes(graph: Graph) -> None:
    """An async invoke config applies to the qualifier it names only: a rule invoking the `live` alias (SnapStart,
    the prod stack) needs the alias's config, one invoking the function (dev) the function's."""
    rule = [event_function_async_failure_destination]
    target = graph.of_type(TARGET)[0]
    [function] = [f for f in graph.of_type(FUNCTION) if f"{target.inputs['arn']}:".startswith(f"{graph.arn(f)}:")]
    [config] = [c for c in graph.of_type(INVOKE_CONFIG) if c.inputs["functionName"] == graph.physical_name(function)]
    qualified = target.inputs["arn"] != graph.arn(function)
    assert qualified is (graph.stack == "prod") and config.inputs.get("qualifier") == ("live" if qualified else None)
    # The rule invokes the other one: the config that was right is now on the wrong qualifier.
    retargeted = setting("arn", graph.arn(function) if qualified else f"{graph.arn(function)}:live")
    found = [v.message for v in run_pack(graph, rule, changes={target: retargeted})]
    assert any("no FunctionEventInvokeConfig" in message for message in found), found
    reconfigured = dropping("qualifier") if qualified else setting("qualifier", "live")
    assert run_pack(graph, rule, changes={target: retargeted, config: reconfigured}) == []


def test_s3_origins_are_told_from_other_origins() -> None:
    assert s3_origin("studio-bucket-1.s3.us-east-1.amazonaws.com") == "rest"
    assert s3_origin("studio-bucket-1.s3.amazonaws.com") == "rest"
    assert s3_origin("studio-bucket-1.s3-us-west-2.amazonaws.com") == "rest"
    assert s3_origin("studio-bucket-1.s3-website-us-east-1.amazonaws.com") == "website"
    assert s3_origin("studio-bucket-1.s3-website.eu-west-1.amazonaws.com") == "website"
    assert s3_origin("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com") == ""
    assert s3_origin("studio.example.com") == ""


def test_a_custom_certificate_with_a_modern_policy_passes(graph: Graph) -> None:
    distribution = graph.one(DISTRIBUTION)
    certificate = {
        "acmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/c",
        "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1.2_2021",
    }
    args = resource_args(graph, distribution, change=setting("viewerCertificate", certificate))
    assert validate_resource(cloudfront_minimum_tls, args, "d") == []
    args = resource_args(graph, distribution, change=setting("loggingConfig", {"bucket": "logs.s3.amazonaws.com"}))
    args.props["tags"] = {}
    assert validate_resource(cloudfront_access_logging, args, "d") == []
