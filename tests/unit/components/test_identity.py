"""The Identity component under Pulumi mocks: the user pool and app client users sign in with."""

from __future__ import annotations

from typing import Any

import pytest

from components.identity import Identity, IdentityArgs
from tests.pulumi_mocks import resolve

TENANT_CLAIM = "custom:tenantId"


def test_defaults_email_sign_in_strong_passwords_and_a_read_only_tenant(mocks: Any, build: Any) -> None:
    build(lambda: Identity("id"))

    pool = mocks.one("aws:cognito/userPool:UserPool").inputs
    assert pool["usernameAttributes"] == ["email"] and pool["autoVerifiedAttributes"] == ["email"]
    policy = pool["passwordPolicy"]
    assert policy["minimumLength"] >= 8
    assert all(policy[rule] for rule in ("requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"))
    [tenant] = pool["schemas"]
    assert (tenant["name"], tenant["attributeDataType"]) == ("tenantId", "String")
    assert pool["mfaConfiguration"] == "OFF" and pool["deletionProtection"] == "INACTIVE"
    assert pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    # A new email is only pending until verified (the verified one keeps signing in); email is auto-verified.
    assert pool["userAttributeUpdateSettings"] == {"attributesRequireVerificationBeforeUpdates": ["email"]}
    assert pool["userPoolAddOns"] == {"advancedSecurityMode": "OFF"} and pool["userPoolTier"] == "ESSENTIALS"

    client = mocks.one("aws:cognito/userPoolClient:UserPoolClient").inputs
    assert client["generateSecret"] is False
    assert set(client["explicitAuthFlows"]) == {
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert (client["idTokenValidity"], client["accessTokenValidity"], client["refreshTokenValidity"]) == (1, 1, 30)
    assert client["tokenValidityUnits"] == {"idToken": "hours", "accessToken": "hours", "refreshToken": "days"}
    assert client["preventUserExistenceErrors"] == "ENABLED" and client["enableTokenRevocation"] is True
    assert TENANT_CLAIM in client["readAttributes"]
    assert client["writeAttributes"] and TENANT_CLAIM not in client["writeAttributes"]


def test_mfa_and_deletion_protection_are_settings(mocks: Any, build: Any) -> None:
    build(lambda: Identity("id", IdentityArgs(mfa="ON", deletion_protection=True)))

    pool = mocks.one("aws:cognito/userPool:UserPool").inputs
    assert pool["mfaConfiguration"] == "ON" and pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    assert pool["deletionProtection"] == "ACTIVE"


def test_self_sign_up_needs_its_trigger_and_a_valid_mfa_setting() -> None:
    with pytest.raises(ValueError, match="post-confirmation"):
        Identity("id", IdentityArgs(allow_self_sign_up=True))
    with pytest.raises(ValueError, match="mfa"):
        Identity("id", IdentityArgs(mfa="sometimes"))
    with pytest.raises(ValueError, match="threat_protection"):
        Identity("id", IdentityArgs(threat_protection="ON"))


@pytest.mark.parametrize("mode", ["AUDIT", "ENFORCED"])
def test_threat_protection_puts_the_pool_on_the_plus_plan(mocks: Any, build: Any, mode: str) -> None:
    build(lambda: Identity("id", IdentityArgs(threat_protection=mode)))

    pool = mocks.one("aws:cognito/userPool:UserPool").inputs
    assert pool["userPoolAddOns"] == {"advancedSecurityMode": mode} and pool["userPoolTier"] == "PLUS"


def test_without_password_auth_the_client_offers_srp_and_refresh_only(mocks: Any, build: Any) -> None:
    build(lambda: Identity("id", IdentityArgs(allow_password_auth=False)))

    client = mocks.one("aws:cognito/userPoolClient:UserPoolClient").inputs
    assert client["explicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def test_the_app_client_ids_list_every_client_of_the_stack(mocks: Any, build: Any) -> None:
    identity = build(lambda: Identity("id"))

    clients = mocks.of_type("aws:cognito/userPoolClient:UserPoolClient")
    assert resolve(identity.app_client_ids) == [client.id for client in clients] == [resolve(identity.client_id)]


FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:post-confirmation-function-1a2b3c4"


@pytest.mark.parametrize(
    ("trigger", "qualifier"), [(FUNCTION_ARN, None), (f"{FUNCTION_ARN}:live", "live")], ids=["function", "alias"]
)
def test_cognito_invokes_the_trigger_arn_it_is_given_and_may_invoke_only_that(
    mocks: Any, build: Any, trigger: str, qualifier: str | None
) -> None:
    build(lambda: Identity("id", IdentityArgs(allow_self_sign_up=True, post_confirmation_function_arn=trigger)))

    pool = mocks.one("aws:cognito/userPool:UserPool")
    assert pool.inputs["lambdaConfig"]["postConfirmation"] == trigger
    permission = mocks.one("aws:lambda/permission:Permission").inputs
    # The function by its own ARN and the alias as qualifier: the form the permission reads back.
    assert permission["function"] == FUNCTION_ARN and permission.get("qualifier") == qualifier
    assert permission["sourceArn"] == pool.outputs["arn"]
