"""A catalog entry deployed as an arm64 Lambda with its own role, policy and log group."""

from __future__ import annotations

import dataclasses
import json

import pulumi
import pytest

from components.function import CatalogFunction, CatalogFunctionArgs
from handlers.catalog import Env, Resource, function_for_module
from tests.pulumi_mocks import deploy_function, resolve

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/nullcheck"
CURSOR_KEY_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/cursor-key-parameter-0123456"
CODE = pulumi.AssetArchive({"handlers/__init__.py": pulumi.StringAsset("")})
LIST_EPISODES = function_for_module("handlers.api.list_episodes")


def deploy(spec=LIST_EPISODES, **overrides):
    args = CatalogFunctionArgs(
        spec=spec,
        code=CODE,
        grant_targets={
            Resource.TABLE: [TABLE_ARN],
            Resource.TABLE_INDEXES: [f"{TABLE_ARN}/index/*"],
            Resource.CURSOR_KEY: [CURSOR_KEY_ARN],
        },
        environment={
            Env.TABLE_NAME: "nullcheck",
            Env.CURSOR_KEY_PARAMETER: "cursor-key-parameter-0123456:1",
            Env.APP_CLIENT_IDS: "app-client-id",
        },
        **overrides,
    )
    return CatalogFunction(spec.name, args)


def test_function_follows_the_seed_globals(mocks, build) -> None:
    build(deploy)

    function = mocks.one("aws:lambda/function:Function").inputs
    assert function["runtime"] == "python3.13"
    assert function["architectures"] == ["arm64"]
    assert (function["memorySize"], function["timeout"]) == (1024, 25)
    assert function["tracingConfig"] == {"mode": "Active"}
    assert function["handler"] == "handlers.api.list_episodes.lambda_handler"
    assert function["environment"]["variables"] == {
        "ORIGIN": "*",
        "TABLE_NAME": "nullcheck",
        "CURSOR_KEY_PARAMETER": "cursor-key-parameter-0123456:1",
        "APP_CLIENT_IDS": "app-client-id",
    }
    log_group = mocks.one("aws:cloudwatch/logGroup:LogGroup")
    assert log_group.inputs["retentionInDays"] == 14
    assert function["loggingConfig"]["logGroup"].startswith(f"{log_group.name}-")


def test_role_is_assumed_by_lambda_only_and_grants_exactly_the_catalog(mocks, build) -> None:
    build(deploy)

    trust = json.loads(mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    policy = json.loads(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    grants = [s for s in policy["Statement"] if s.get("Sid") not in ("OwnLogGroup", "Tracing")]
    assert grants == [
        {"Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": [f"{TABLE_ARN}/index/*"]},
        {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": [CURSOR_KEY_ARN]},
    ]
    [logs] = [s for s in policy["Statement"] if s.get("Sid") == "OwnLogGroup"]
    assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert logs["Resource"][0].startswith("arn:aws:logs:") and logs["Resource"][0].endswith(":*")


def test_non_default_settings_and_catalog_overrides(mocks, build) -> None:
    heavy = dataclasses.replace(LIST_EPISODES, timeout_seconds=120, memory_mb=2048)
    build(lambda: deploy(heavy, origin="https://studio.example.com", log_retention_days=30, tracing_mode="PassThrough"))

    function = mocks.one("aws:lambda/function:Function").inputs
    assert (function["memorySize"], function["timeout"]) == (2048, 120)
    assert function["environment"]["variables"]["ORIGIN"] == "https://studio.example.com"
    assert function["tracingConfig"] == {"mode": "PassThrough"}
    assert mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 30


def test_children_are_parented_and_named_after_the_component(mocks, build) -> None:
    component = build(deploy)

    assert {r.name for r in mocks.resources if r.typ.startswith("aws:")} == {
        "list-episodes-logs",
        "list-episodes-role",
        "list-episodes-policy",
        "list-episodes-function",
    }
    assert "nullcheck:compute:CatalogFunction$aws:lambda/function:Function" in resolve(component.function.urn)


def test_missing_grant_target_or_environment_is_an_error(mocks) -> None:
    with pytest.raises(ValueError, match="table-indexes"):
        CatalogFunction("f", CatalogFunctionArgs(spec=LIST_EPISODES, code=CODE, grant_targets={}, environment={}))


def test_pass_role_is_only_for_mediaconvert(mocks, build) -> None:
    build(lambda: deploy_function(function_for_module("handlers.events.start_preprocessing")))

    policy = json.loads(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    [pass_role] = [s for s in policy["Statement"] if s["Action"] == ["iam:PassRole"]]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "mediaconvert.amazonaws.com"}}


def test_snap_start_publishes_versions_and_callers_get_the_live_alias(mocks, build) -> None:
    component = build(lambda: deploy(snap_start=True))

    function = mocks.one("aws:lambda/function:Function")
    assert function.inputs["publish"] is True
    assert function.inputs["snapStart"] == {"applyOn": "PublishedVersions"}
    alias = mocks.one("aws:lambda/alias:Alias")
    assert alias.name == "list-episodes-alias" and alias.inputs["name"] == "live"
    # The alias names the version this deployment published, of this function.
    assert alias.inputs["functionName"] == function.outputs["name"]
    assert alias.inputs["functionVersion"] == function.outputs["version"] == "1"
    assert "nullcheck:compute:CatalogFunction$aws:lambda/alias:Alias" in resolve(component.alias.urn)
    assert resolve(component.qualifier) == "live"
    assert resolve(component.target_arn) == alias.outputs["arn"] == f"{function.outputs['arn']}:live"
    assert resolve(component.target_invoke_arn) == alias.outputs["invokeArn"]
    assert resolve(component.arn) == function.outputs["arn"]


def test_without_snap_start_callers_get_the_function_itself(mocks, build) -> None:
    component = build(deploy)

    function = mocks.one("aws:lambda/function:Function")
    assert "publish" not in function.inputs and "snapStart" not in function.inputs
    assert mocks.of_type("aws:lambda/alias:Alias") == []
    assert component.alias is None and component.qualifier is None
    assert resolve(component.target_arn) == function.outputs["arn"]
    assert resolve(component.target_invoke_arn) == function.outputs["invokeArn"]
