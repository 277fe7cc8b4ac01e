"""The REST API: OpenAPI body from the catalog, stage `api`, validation, CORS, scoped permissions."""

from __future__ import annotations

import json

from components.api import RestApi, RestApiArgs
from handlers.catalog import api_functions
from tests.pulumi_mocks import deploy_function, resolve

USER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example"


def api(**overrides):
    functions = {spec.name: deploy_function(spec) for spec, _ in api_functions()}
    return RestApi("nc", RestApiArgs(functions=functions, user_pool_arn=USER_POOL_ARN, **overrides))


def snap_started():
    """Every API function with SnapStart (what a production backend deploys)."""
    return {spec.name: deploy_function(spec, snap_start=True) for spec, _ in api_functions()}


def body(mocks):
    return json.loads(mocks.one("aws:apigateway/restApi:RestApi").inputs["body"])


def test_every_catalog_route_is_a_validated_lambda_proxy_operation(mocks, build) -> None:
    build(api)

    document = body(mocks)
    assert document["x-amazon-apigateway-request-validators"]["all"] == {
        "validateRequestBody": True,
        "validateRequestParameters": True,
    }
    for spec, route in api_functions():
        operation = document["paths"][route.path][route.method.lower()]
        integration = operation["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy" and integration["httpMethod"] == "POST"
        assert f":function:{spec.name}-function-" in integration["uri"]
        assert operation["x-amazon-apigateway-request-validator"] == "all"
    create = document["paths"]["/episodes"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateEpisodeRequest"
    }
    assert document["components"]["schemas"]["CreateEpisodeRequest"]["required"] == ["title", "episodeNumber"]


def test_cors_preflight_and_gateway_errors_carry_the_origin(mocks, build) -> None:
    build(lambda: api(cors_origin="https://studio.example.com"))

    document = body(mocks)
    for path in document["paths"].values():
        answer = path["options"]["x-amazon-apigateway-integration"]["responses"]["default"]
        assert answer["responseParameters"]["method.response.header.Access-Control-Allow-Origin"] == (
            "'https://studio.example.com'"
        )
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX", "BAD_REQUEST_BODY"):
        headers = document["x-amazon-apigateway-gateway-responses"][kind]["responseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://studio.example.com'"


def test_stage_settings_follow_the_seed(mocks, build) -> None:
    component = build(api)

    stage = mocks.one("aws:apigateway/stage:Stage").inputs
    assert stage["stageName"] == "api" and stage["xrayTracingEnabled"] is True
    assert json.loads(stage["accessLogSettings"]["format"])["requestId"] == "$context.requestId"
    settings = mocks.one("aws:apigateway/methodSettings:MethodSettings").inputs
    assert settings["methodPath"] == "*/*"
    assert settings["settings"] == {
        "metricsEnabled": True,
        "loggingLevel": "ERROR",
        "dataTraceEnabled": True,
        "throttlingBurstLimit": 100,
        "throttlingRateLimit": 50.0,
    }
    assert mocks.one("aws:apigateway/account:Account").inputs["cloudwatchRoleArn"].startswith("arn:aws:iam::")
    assert resolve(component.url) == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/api"


def test_logging_and_account_role_are_switches(mocks, build) -> None:
    build(lambda: api(data_trace_enabled=False, logging_level="INFO", manage_account_logging_role=False))

    settings = mocks.one("aws:apigateway/methodSettings:MethodSettings").inputs["settings"]
    assert settings["dataTraceEnabled"] is False and settings["loggingLevel"] == "INFO"
    assert mocks.of_type("aws:apigateway/account:Account") == []


def test_invoke_permissions_are_scoped_to_this_api_method_and_path(mocks, build) -> None:
    build(api)

    permissions = {p.name: p.inputs for p in mocks.of_type("aws:lambda/permission:Permission")}
    assert set(permissions) == {f"nc-invoke-{spec.name}" for spec, _ in api_functions()}
    execution = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    assert permissions["nc-invoke-get-episode"]["sourceArn"] == f"{execution}/*/GET/episodes/*"
    assert permissions["nc-invoke-create-episode"]["sourceArn"] == f"{execution}/*/POST/episodes"
    assert all(p["principal"] == "apigateway.amazonaws.com" for p in permissions.values())


def test_with_snap_start_integrations_and_permissions_name_each_functions_alias(mocks, build) -> None:
    build(lambda: RestApi("nc", RestApiArgs(functions=snap_started(), user_pool_arn=USER_POOL_ARN)))

    aliases = {a.inputs["functionName"]: a.outputs for a in mocks.of_type("aws:lambda/alias:Alias")}
    functions = {f.name: f.outputs["name"] for f in mocks.of_type("aws:lambda/function:Function")}
    document = body(mocks)
    for spec, route in api_functions():
        uri = document["paths"][route.path][route.method.lower()]["x-amazon-apigateway-integration"]["uri"]
        assert uri == aliases[functions[f"{spec.name}-function"]]["invokeArn"], spec.name
        assert uri.endswith(":live/invocations")
    permissions = {p.name: p.inputs for p in mocks.of_type("aws:lambda/permission:Permission")}
    for spec, _ in api_functions():
        permission = permissions[f"nc-invoke-{spec.name}"]
        assert (permission["function"], permission["qualifier"]) == (functions[f"{spec.name}-function"], "live")


def test_without_snap_start_integrations_and_permissions_name_the_functions(mocks, build) -> None:
    build(api)

    functions = {f.name: f.outputs for f in mocks.of_type("aws:lambda/function:Function")}
    document = body(mocks)
    for spec, route in api_functions():
        uri = document["paths"][route.path][route.method.lower()]["x-amazon-apigateway-integration"]["uri"]
        assert uri == functions[f"{spec.name}-function"]["invokeArn"]
    assert all("qualifier" not in p.inputs for p in mocks.of_type("aws:lambda/permission:Permission"))
