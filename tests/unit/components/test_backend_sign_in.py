"""The backend's sign-in settings reach the user pool, and the API functions are told the stack's app clients."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from components import packaging
from components.backend import NullCheckBackend, NullCheckBackendArgs
from handlers.catalog import FUNCTIONS, CognitoTrigger, Route
from tests.pulumi_mocks import RecordingMocks, resolve

POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
FUNCTION = "aws:lambda/function:Function"


@pytest.fixture(autouse=True)
def small_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dependency layer's build (tested in test_packaging) replaced by a small zip."""

    def build(*_: Any, **__: Any) -> Path:
        path = tmp_path / "layer.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("python/placeholder.py", "")
        return path

    monkeypatch.setattr(packaging, "build_dependency_layer", build)


@pytest.mark.parametrize("self_sign_up", [False, True], ids=["invited", "self-sign-up"])
def test_every_api_function_and_only_those_is_told_the_stacks_app_clients(
    mocks: RecordingMocks, build: Any, self_sign_up: bool
) -> None:
    args: NullCheckBackendArgs = {"encryption_key": "a-secret", "allow_self_sign_up": self_sign_up}
    backend = build(lambda: NullCheckBackend("nullcheck", args))

    [client] = mocks.of_type(CLIENT)
    assert resolve(backend.identity.app_client_ids) == [client.id]
    variables = {f.inputs["handler"]: f.inputs["environment"]["variables"] for f in mocks.of_type(FUNCTION)}
    for spec in FUNCTIONS:
        if isinstance(spec.trigger, CognitoTrigger) and not self_sign_up:
            assert spec.handler not in variables
            continue
        given = variables[spec.handler].get("APP_CLIENT_IDS")
        assert given == (client.id if isinstance(spec.trigger, Route) else None), spec.name
    if self_sign_up:
        # The pool still names its trigger (made before it), and the trigger is not told the clients.
        trigger = mocks.named("post-confirmation-function")
        assert mocks.one(POOL).inputs["lambdaConfig"]["postConfirmation"] == trigger.outputs["arn"]


def test_sign_in_settings_reach_the_user_pool_and_its_client(mocks: RecordingMocks, build: Any) -> None:
    args: NullCheckBackendArgs = {
        "encryption_key": "a-secret",
        "mfa": "ON",
        "threat_protection": "AUDIT",
        "allow_password_auth": False,
    }
    build(lambda: NullCheckBackend("nullcheck", args))

    pool = mocks.one(POOL).inputs
    assert pool["mfaConfiguration"] == "ON" and pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    assert pool["userPoolAddOns"] == {"advancedSecurityMode": "AUDIT"} and pool["userPoolTier"] == "PLUS"
    assert "ALLOW_USER_PASSWORD_AUTH" not in mocks.one(CLIENT).inputs["explicitAuthFlows"]


def test_by_default_passwords_are_accepted_and_threat_protection_is_off(mocks: RecordingMocks, build: Any) -> None:
    build(lambda: NullCheckBackend("nullcheck", {"encryption_key": "a-secret"}))

    pool = mocks.one(POOL).inputs
    assert pool["userPoolAddOns"] == {"advancedSecurityMode": "OFF"} and pool["userPoolTier"] == "ESSENTIALS"
    assert "ALLOW_USER_PASSWORD_AUTH" in mocks.one(CLIENT).inputs["explicitAuthFlows"]
