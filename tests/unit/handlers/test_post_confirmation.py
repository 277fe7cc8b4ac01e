"""The post-confirmation trigger: a self-signed-up user gets a tenant of their own, once."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.lambda_events import FakeContext


@pytest.fixture
def cognito(moto_url: str) -> Any:
    return boto3.client("cognito-idp")


@pytest.fixture
def pool(cognito: Any) -> str:
    pool_id: str = cognito.create_user_pool(
        PoolName="tenants",
        UsernameAttributes=["email"],
        Schema=[{"Name": "tenantId", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    return pool_id


def user(cognito: Any, pool: str, email: str, tenant: str | None = None) -> dict[str, str]:
    attributes = [{"Name": "email", "Value": email}]
    if tenant:
        attributes.append({"Name": "custom:tenantId", "Value": tenant})
    created = cognito.admin_create_user(UserPoolId=pool, Username=email, UserAttributes=attributes)["User"]
    return {a["Name"]: a["Value"] for a in created["Attributes"]}


def confirmation(pool: str, email: str, attributes: dict[str, str], source: str) -> dict[str, Any]:
    """The event Cognito sends the trigger (shape from the Cognito developer guide)."""
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": pool,
        "userName": email,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
        "triggerSource": source,
        "request": {"userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"}},
        "response": {},
    }


def tenant_of(cognito: Any, pool: str, email: str) -> str | None:
    attributes = cognito.admin_get_user(UserPoolId=pool, Username=email)["UserAttributes"]
    return next((a["Value"] for a in attributes if a["Name"] == "custom:tenantId"), None)


def test_a_new_user_gets_a_tenant_of_their_own(handler: Any, cognito: Any, pool: str) -> None:
    module = handler("handlers.triggers.post_confirmation")
    first, second = user(cognito, pool, "a@example.com"), user(cognito, pool, "b@example.com")

    for email, attributes in (("a@example.com", first), ("b@example.com", second)):
        event = confirmation(pool, email, attributes, "PostConfirmation_ConfirmSignUp")
        assert module.lambda_handler(event, FakeContext()) == event  # Cognito needs the event back

    tenants = tenant_of(cognito, pool, "a@example.com"), tenant_of(cognito, pool, "b@example.com")
    assert tenants[0] == f"u-{first['sub']}" and tenants[1] == f"u-{second['sub']}"


def test_a_password_reset_or_an_invited_user_keeps_their_tenant(handler: Any, cognito: Any, pool: str) -> None:
    module = handler("handlers.triggers.post_confirmation")
    reset = user(cognito, pool, "reset@example.com")
    invited = user(cognito, pool, "invited@example.com", tenant="studio-a")

    module.lambda_handler(
        confirmation(pool, "reset@example.com", reset, "PostConfirmation_ConfirmForgotPassword"), FakeContext()
    )
    module.lambda_handler(
        confirmation(pool, "invited@example.com", invited, "PostConfirmation_ConfirmSignUp"), FakeContext()
    )

    assert tenant_of(cognito, pool, "reset@example.com") is None
    assert tenant_of(cognito, pool, "invited@example.com") == "studio-a"
