"""The whole stack program (`__main__.py`) under Pulumi mocks: every seed item on the graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from client.dlq import FUNCTION_TAG
from components.agent_memory import NAME_PATTERN
from handlers.catalog import FUNCTIONS, CognitoTrigger, EventRule, Route
from tests.pulumi_mocks import RecordingMocks, is_secret, resolve

ROOT = Path(__file__).resolve().parents[2]
DEPLOYED = [spec for spec in FUNCTIONS if not isinstance(spec.trigger, CognitoTrigger)]
"""The functions of a stack without self sign-up (the default): Cognito triggers only come with it."""


def aws_resources(mocks: RecordingMocks) -> list[pulumi.runtime.MockResourceArgs]:
    return [r for r in mocks.resources if r.typ.startswith("aws:")]


def test_api_url_is_the_stage_url(stack: dict[str, Any]) -> None:
    outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
    assert resolve(outputs["ApiUrl"]) == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/api"


def test_every_catalog_function_is_an_arm64_lambda_with_xray(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    functions = {f.inputs["handler"]: f.inputs for f in mocks.of_type("aws:lambda/function:Function")}
    assert set(functions) == {spec.handler for spec in DEPLOYED}
    for spec in DEPLOYED:
        function = functions[spec.handler]
        assert function["architectures"] == ["arm64"] and function["runtime"].startswith("python3.1")
        assert function["tracingConfig"] == {"mode": "Active"}
        assert function["memorySize"] == (spec.memory_mb or 1024)
        assert function["timeout"] == (spec.timeout_seconds or 25)
        assert set(function["environment"]["variables"]) >= {"ORIGIN", *(env.value for env in spec.env)}
        assert function["environment"]["variables"]["SERVICE_MODELS"] == "/opt/python/botocore_data"
        assert len(function["layers"]) == 1


def test_every_route_and_rule_of_the_catalog_is_wired(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    body = json.loads(mocks.one("aws:apigateway/restApi:RestApi").inputs["body"])
    for spec in FUNCTIONS:
        if isinstance(spec.trigger, Route):
            assert spec.trigger.method.lower() in body["paths"][spec.trigger.path]
    rules = [r.name for r in mocks.of_type("aws:cloudwatch/eventRule:EventRule")]
    assert sorted(rules) == sorted(f"{s.name}-rule" for s in FUNCTIONS if isinstance(s.trigger, EventRule))
    assert len(mocks.of_type("aws:sqs/queue:Queue")) == len(rules)


def test_every_aws_resource_goes_through_the_tagging_provider(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    [provider] = mocks.of_type("pulumi:providers:aws")
    assert json.loads(provider.inputs["defaultTags"])["tags"] == {"project": "nullcheck", "stack": "test"}
    provider_urn = resolve(stack["provider"].urn)
    # A provider reference is "<provider URN>::<provider id>".
    elsewhere = [r.name for r in aws_resources(mocks) if (r.provider or "").rsplit("::", 1)[0] != provider_urn]
    assert aws_resources(mocks) and elsewhere == []


def test_secret_and_configuration_reach_the_functions(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    functions = {f.inputs["handler"]: f.inputs for f in mocks.of_type("aws:lambda/function:Function")}
    listing = functions["handlers.api.list_episodes.lambda_handler"]["environment"]["variables"]
    # The secret reaches the listing through a SecureString parameter: its environment names the parameter.
    [parameter] = mocks.of_type("aws:ssm/parameter:Parameter")
    wire, outputs = parameter.secret_inputs, parameter.outputs  # type: ignore[attr-defined]
    assert parameter.inputs["value"] == "a-stack-secret" and is_secret(wire["value"])
    assert listing["CURSOR_KEY_PARAMETER"] == f"{outputs['name']}:1" and listing["ORIGIN"] == "*"
    assert all(
        "a-stack-secret" not in json.dumps(f.inputs["environment"])
        for f in mocks.of_type("aws:lambda/function:Function")
    )
    preprocessing = functions["handlers.events.start_preprocessing.lambda_handler"]["environment"]["variables"]
    assert preprocessing["CHUNK_SECONDS"] == "120"
    assert preprocessing["MEDIACONVERT_ROLE_ARN"].startswith("arn:aws:iam::123456789012:role/mediaconvert-role")
    agent = functions["handlers.agents.detect_clips.lambda_handler"]["environment"]["variables"]
    assert agent["MODEL_ID"] == "us.amazon.nova-pro-v1:0" and agent["MEMORY_ID"]


def test_agent_memory_follows_the_seed(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    memory = mocks.one("aws:bedrock/agentcoreMemory:AgentcoreMemory").inputs
    assert NAME_PATTERN.match(memory["name"]) and memory["name"].startswith("clipAgentMemory")
    assert memory["eventExpiryDuration"] == 90
    strategies = {
        s.inputs["type"]: s.inputs["namespaceTemplates"]
        for s in mocks.of_type("aws:bedrock/agentcoreMemoryStrategy:AgentcoreMemoryStrategy")
    }
    assert strategies == {"SUMMARIZATION": ["{sessionId}-transcription"], "SEMANTIC": ["{actorId}-topics"]}


def test_no_alarms_unless_configured(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    assert mocks.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") == []
    assert mocks.of_type("aws:sns/topic:Topic") == []


@pytest.mark.parametrize("stack_config", [{"nullcheck:alarms": "true", "nullcheck:alarmEmail": "ops@example.com"}])
def test_alarms_watch_every_function_and_dead_letter_queue(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    alarms = [a.inputs for a in mocks.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]
    errors = [a for a in alarms if a["metricName"] == "Errors"]
    dead_letters = [a for a in alarms if a["metricName"] == "ApproximateNumberOfMessagesVisible"]
    assert len(errors) == len(DEPLOYED)
    assert len(dead_letters) == sum(isinstance(spec.trigger, EventRule) for spec in FUNCTIONS)
    topic = mocks.one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == "alias/aws/sns"
    assert all(a["threshold"] == 1 and a["alarmActions"][0].startswith("arn:aws:sns:") for a in alarms)
    assert mocks.one("aws:sns/topicSubscription:TopicSubscription").inputs["endpoint"] == "ops@example.com"


def test_the_stack_exports_the_sign_in_ids(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
    pool, client = mocks.one("aws:cognito/userPool:UserPool"), mocks.one("aws:cognito/userPoolClient:UserPoolClient")
    assert resolve(outputs["UserPoolId"]) == pool.id
    assert resolve(outputs["UserPoolClientId"]) == client.id


def test_every_operation_is_behind_the_user_pool_authorizer(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    body = json.loads(mocks.one("aws:apigateway/restApi:RestApi").inputs["body"])
    [(name, scheme)] = body["components"]["securitySchemes"].items()
    assert scheme["type"] == "apiKey" and scheme["name"] == "Authorization" and scheme["in"] == "header"
    assert scheme["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    authorizer = scheme["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "cognito_user_pools"
    assert authorizer["identitySource"] == "method.request.header.Authorization"
    assert authorizer["providerARNs"] == [mocks.one("aws:cognito/userPool:UserPool").outputs["arn"]]
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            if method == "options":
                assert "security" not in operation, path  # the preflight stays open
                assert (
                    "Authorization"
                    in operation["x-amazon-apigateway-integration"]["responses"]["default"]["responseParameters"][
                        "method.response.header.Access-Control-Allow-Headers"
                    ]
                )
            else:
                assert operation["security"] == [{name: []}], (method, path)
    responses = body["x-amazon-apigateway-gateway-responses"]
    for kind in ("UNAUTHORIZED", "ACCESS_DENIED", "DEFAULT_4XX"):
        assert responses[kind]["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"


def test_without_self_sign_up_operators_invite_users(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    pool = mocks.one("aws:cognito/userPool:UserPool").inputs
    assert pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    assert "lambdaConfig" not in pool
    assert not [f for f in mocks.of_type("aws:lambda/function:Function") if "post_confirmation" in f.inputs["handler"]]


@pytest.mark.parametrize("stack_config", [{"nullcheck:allowSelfSignUp": "true"}])
def test_self_sign_up_wires_the_post_confirmation_trigger(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    [trigger] = [f for f in mocks.of_type("aws:lambda/function:Function") if "post_confirmation" in f.inputs["handler"]]
    pool = mocks.one("aws:cognito/userPool:UserPool")
    assert pool.inputs["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is False
    assert pool.inputs["lambdaConfig"]["postConfirmation"] == trigger.outputs["arn"]
    permission = next(
        p.inputs
        for p in mocks.of_type("aws:lambda/permission:Permission")
        if p.inputs["principal"] == "cognito-idp.amazonaws.com"
    )
    assert permission["sourceArn"] == pool.outputs["arn"] and permission["function"] == trigger.outputs["arn"]
    policy = next(
        json.loads(p.inputs["policy"])
        for p in mocks.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.name == "post-confirmation-policy"
    )
    [grant] = [s for s in policy["Statement"] if s["Action"] == ["cognito-idp:AdminUpdateUserAttributes"]]
    assert grant["Resource"] == ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/*"]
    assert grant["Condition"] == {"StringEquals": {"aws:ResourceTag/nullcheck:user-pool": "tenants"}}
    assert pool.inputs["tags"] == {"nullcheck:user-pool": "tenants"}


def invoked(mocks: RecordingMocks) -> dict[str, list[Any]]:
    """What each kind of caller names: the ARN it invokes, or the qualifier it is granted or configured on."""
    body = json.loads(mocks.one("aws:apigateway/restApi:RestApi").inputs["body"])
    pool = mocks.one("aws:cognito/userPool:UserPool").inputs
    return {
        "integration uris": [
            operation["x-amazon-apigateway-integration"]["uri"]
            for methods in body["paths"].values()
            for method, operation in methods.items()
            if method != "options"
        ],
        "event targets": [t.inputs["arn"] for t in mocks.of_type("aws:cloudwatch/eventTarget:EventTarget")],
        "redrive tags": [q.inputs["tags"][FUNCTION_TAG] for q in mocks.of_type("aws:sqs/queue:Queue")],
        "cognito triggers": [pool["lambdaConfig"]["postConfirmation"]] if "lambdaConfig" in pool else [],
        "permission qualifiers": [p.inputs.get("qualifier") for p in mocks.of_type("aws:lambda/permission:Permission")],
        "async config qualifiers": [
            c.inputs.get("qualifier")
            for c in mocks.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
        ],
    }


@pytest.mark.parametrize("stack_config", [{"nullcheck:snapStart": "true", "nullcheck:allowSelfSignUp": "true"}])
def test_with_snap_start_every_caller_invokes_a_functions_live_alias(
    stack: dict[str, Any], mocks: RecordingMocks
) -> None:
    functions = mocks.of_type("aws:lambda/function:Function")
    assert len(functions) == len(FUNCTIONS)
    assert all(f.inputs["publish"] is True for f in functions)
    assert all(f.inputs["snapStart"] == {"applyOn": "PublishedVersions"} for f in functions)
    # One alias per function, on the version this deployment published.
    aliases = {a.inputs["functionName"]: a for a in mocks.of_type("aws:lambda/alias:Alias")}
    assert sorted(aliases) == sorted(f.outputs["name"] for f in functions)
    for function in functions:
        alias = aliases[function.outputs["name"]]
        assert (alias.inputs["name"], alias.inputs["functionVersion"]) == ("live", function.outputs["version"])
    alias_arns = {a.outputs["arn"] for a in aliases.values()}
    alias_uris = {a.outputs["invokeArn"] for a in aliases.values()}

    callers = invoked(mocks)
    assert all(callers.values()), callers
    assert set(callers["integration uris"]) <= alias_uris
    for kind in ("event targets", "redrive tags", "cognito triggers"):
        assert set(callers[kind]) <= alias_arns, kind
    for kind in ("permission qualifiers", "async config qualifiers"):
        assert set(callers[kind]) == {"live"}, kind
    # ...each on the function whose alias it qualifies (by name; Cognito's permission by the function's ARN).
    references = {f.outputs["name"] for f in functions} | {f.outputs["arn"] for f in functions}
    assert {p.inputs["function"] for p in mocks.of_type("aws:lambda/permission:Permission")} <= references
    configs = mocks.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    assert {c.inputs["functionName"] for c in configs} <= references


@pytest.mark.parametrize("stack_config", [{"nullcheck:allowSelfSignUp": "true"}])
def test_without_snap_start_callers_invoke_the_functions_themselves(
    stack: dict[str, Any], mocks: RecordingMocks
) -> None:
    functions = mocks.of_type("aws:lambda/function:Function")
    assert not any("publish" in f.inputs or "snapStart" in f.inputs for f in functions)
    assert mocks.of_type("aws:lambda/alias:Alias") == []
    callers = invoked(mocks)
    assert all(callers.values()), callers
    assert set(callers["integration uris"]) <= {f.outputs["invokeArn"] for f in functions}
    for kind in ("event targets", "redrive tags", "cognito triggers"):
        assert set(callers[kind]) <= {f.outputs["arn"] for f in functions}, kind
    for kind in ("permission qualifiers", "async config qualifiers"):
        assert set(callers[kind]) == {None}, kind


@pytest.mark.parametrize("stack_config", [{"nullcheck:studio": "false"}])
def test_a_stack_without_the_studio_has_no_distribution(stack: dict[str, Any], mocks: RecordingMocks) -> None:
    # No studio settings, so no StudioUrl export (the root's outputs outlive a test: read the program's decision).
    assert "studio" not in stack["settings"] and mocks.of_type("aws:cloudfront/distribution:Distribution") == []
    assert mocks.of_type("aws:s3/bucketObjectv2:BucketObjectv2") and not [
        o for o in mocks.of_type("aws:s3/bucketObjectv2:BucketObjectv2") if o.name.startswith("studio-")
    ]
    [rule] = mocks.one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").inputs["corsRules"]
    assert rule["allowedOrigins"] == ["*"]


@pytest.mark.parametrize("stack_config", [{"nullcheck:studioSiteDirectory": "no/such/build"}])
def test_without_a_studio_build_preview_stops_and_says_how_to_make_one(
    request: pytest.FixtureRequest, stack_config: dict[str, str]
) -> None:
    assert not (ROOT / stack_config["nullcheck:studioSiteDirectory"]).exists()
    with pytest.raises(pulumi.RunError, match="build the studio first: make studio"):
        request.getfixturevalue("stack")


@pytest.mark.parametrize("stack_config", [{"nullcheck:limitEpisodesPerDay": "-1"}])
def test_a_bad_setting_after_the_media_bucket_stops_the_program_rather_than_hang(
    request: pytest.FixtureRequest, stack_config: dict[str, str]
) -> None:
    """The media bucket's CORS rules wait for the studio's address: a program stopping before the studio exists
    releases them (components.studio.PendingUrl), so the error is reported instead of a preview that never ends."""
    with pytest.raises((ValueError, RuntimeError), match="must be whole numbers, 0 or more"):
        request.getfixturevalue("stack")
