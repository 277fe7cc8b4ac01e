"""The cursor key: a SecureString parameter, named (never given) to the one function that reads it."""

from __future__ import annotations

import json
from typing import Any

from components.cursor_key import TYPE, CursorKey, CursorKeyArgs
from handlers.catalog import FUNCTIONS, Env, Resource
from tests.pulumi_mocks import RecordingMocks, is_secret, registration, resolve

PARAMETER = "aws:ssm/parameter:Parameter"
FUNCTION = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def test_the_key_is_a_secure_string_in_the_free_tier(mocks: RecordingMocks, build: Any) -> None:
    component = build(lambda: CursorKey("cursor-key", CursorKeyArgs(value="key material")))

    parameter = mocks.one(PARAMETER)
    assert parameter.inputs["type"] == "SecureString" and parameter.inputs["tier"] == "Standard"
    assert parameter.inputs["value"] == "key material"
    assert is_secret(parameter.secret_inputs["value"])  # type: ignore[attr-defined]
    # AWS's managed key `aws/ssm` (no key of our own to pay for or to manage).
    assert "keyId" not in parameter.inputs
    assert parameter.name == "cursor-key-parameter"
    assert registration(parameter).parent == resolve(component.urn)
    assert resolve(component.urn).endswith(f"{TYPE}::cursor-key")
    name = parameter.outputs["name"]  # type: ignore[attr-defined]
    assert resolve(component.parameter_name) == name
    assert resolve(component.reference) == f"{name}:1"
    assert resolve(component.arn) == f"arn:aws:ssm:us-east-1:123456789012:parameter/{name}"


def test_the_description_can_be_given(mocks: RecordingMocks, build: Any) -> None:
    build(lambda: CursorKey("k", CursorKeyArgs(value="v", description="Another program's cursor key")))

    assert mocks.one(PARAMETER).inputs["description"] == "Another program's cursor key"


def test_the_stack_names_the_parameter_to_the_listing_never_the_key(stack: Any, mocks: RecordingMocks) -> None:
    parameter = mocks.one(PARAMETER)
    name = parameter.outputs["name"]  # type: ignore[attr-defined]
    needs = {spec.handler for spec in FUNCTIONS if Env.CURSOR_KEY_PARAMETER in spec.env}
    assert needs == {"handlers.api.list_episodes.lambda_handler"}
    for function in mocks.of_type(FUNCTION):
        variables = function.inputs["environment"]["variables"]
        assert "a-stack-secret" not in json.dumps(variables), function.name
        assert not is_secret(function.secret_inputs["environment"]), function.name  # type: ignore[attr-defined]
        if function.inputs["handler"] in needs:
            assert variables[Env.CURSOR_KEY_PARAMETER] == f"{name}:1"
        else:
            assert Env.CURSOR_KEY_PARAMETER not in variables, function.name


def test_the_grant_names_exactly_that_parameter(stack: Any, mocks: RecordingMocks) -> None:
    arn = mocks.one(PARAMETER).outputs["arn"]  # type: ignore[attr-defined]
    granted = {spec.name for spec in FUNCTIONS if any(g.resource == Resource.CURSOR_KEY for g in spec.grants)}
    assert granted == {"list-episodes"}
    readers = {}
    for policy in mocks.of_type(ROLE_POLICY):
        for statement in json.loads(policy.inputs["policy"])["Statement"]:
            if (
                any(action.startswith(("ssm:", "kms:")) for action in statement["Action"])
                or arn in statement["Resource"]
            ):
                readers[policy.name] = statement
    assert readers == {
        "list-episodes-policy": {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": [arn]},
    }
