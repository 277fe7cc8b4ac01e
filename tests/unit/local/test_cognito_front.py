"""The Cognito front of the local stack: write attributes and self sign-up as Cognito enforces them,
and the post confirmation function run through the local Lambda runtime, as Cognito runs it.

The pools are made by `create_user_pool` from the Identity component's defaults; clients talk to
the front over HTTP with boto3, as any Cognito client does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from components.identity import IdentityArgs
from handlers.catalog import Function, cognito_triggers
from handlers.contract import TENANT_CLAIM
from local.cognito import LocalCognito
from local.lambda_runtime import LocalLambda
from tests.unit.local.user_pools import PASSWORD, Pool, admin, new_pool, new_user, public, tokens

[(POST_CONFIRMATION, _)] = [(f, t) for f, t in cognito_triggers() if t.source == "post_confirmation"]
ARN = f"arn:aws:lambda:us-east-1:123456789012:function:{POST_CONFIRMATION.name}"
UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"


class Functions:
    """The local Lambda runtime, recording each event it is given; `failing` makes the function raise."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.failing = False
        self._runtime = LocalLambda()

    def invoke(self, function: Function, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        if self.failing:
            raise RuntimeError("the table is unreachable")
        return self._runtime.invoke(function, event)


@pytest.fixture
def functions(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Functions:
    # The real handler, its Cognito client pointed at this test's moto (it was made at import).
    from handlers.triggers import post_confirmation

    monkeypatch.setattr(post_confirmation, "cognito", admin(moto_url))
    return Functions()


@pytest.fixture
def front(moto_url: str, functions: Functions) -> Iterator[str]:
    cognito = LocalCognito(moto_url=moto_url, region="us-east-1", invoke=functions.invoke)
    url = cognito.start()
    yield url
    cognito.stop()


@pytest.fixture
def invited(moto_url: str, front: str) -> Pool:
    """The default pool: operators create users, nobody signs up."""
    return new_pool(moto_url, endpoint=front)


@pytest.fixture
def open_pool(moto_url: str, front: str) -> Pool:
    """Self sign-up on: the pool names the post confirmation function, as the component sets it."""
    return new_pool(moto_url, IdentityArgs(allow_self_sign_up=True, post_confirmation_function_arn=ARN), front)


def refusal(call: Any, **parameters: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**parameters)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def attributes_of(pool: Pool, email: str) -> dict[str, str]:
    user = admin(pool.endpoint).admin_get_user(UserPoolId=pool.id, Username=email)
    return {item["Name"]: item["Value"] for item in user["UserAttributes"]}


def email() -> str:
    return f"new-{uuid.uuid4().hex[:8]}@example.com"


def test_sign_up_refuses_attributes_outside_the_clients_write_attributes(open_pool: Pool) -> None:
    cognito = public(open_pool.endpoint)
    address = email()

    code, message = refusal(
        cognito.sign_up,
        ClientId=open_pool.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}, {"Name": TENANT_CLAIM, "Value": "chosen-by-me"}],
    )

    assert (code, message) == ("NotAuthorizedException", UNAUTHORIZED_ATTRIBUTE)
    cognito.sign_up(
        ClientId=open_pool.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    assert TENANT_CLAIM not in attributes_of(open_pool, address)


def test_a_user_cannot_change_their_own_tenant(invited: Pool) -> None:
    address, new_address = new_user(invited, "acme"), email()
    access_token = tokens(invited, address)["AccessToken"]
    cognito = public(invited.endpoint)

    code, message = refusal(
        cognito.update_user_attributes,
        AccessToken=access_token,
        UserAttributes=[{"Name": TENANT_CLAIM, "Value": "someone-else"}],
    )
    # A write attribute (email) goes through.
    cognito.update_user_attributes(AccessToken=access_token, UserAttributes=[{"Name": "email", "Value": new_address}])

    assert (code, message) == ("NotAuthorizedException", UNAUTHORIZED_ATTRIBUTE)
    attributes = attributes_of(invited, new_address)
    assert (attributes["email"], attributes[TENANT_CLAIM]) == (new_address, "acme")


def test_an_operator_still_sets_the_tenant(invited: Pool) -> None:
    address = new_user(invited, None)

    admin(invited.endpoint).admin_update_user_attributes(
        UserPoolId=invited.id, Username=address, UserAttributes=[{"Name": TENANT_CLAIM, "Value": "acme"}]
    )

    assert attributes_of(invited, address)[TENANT_CLAIM] == "acme"


def test_sign_up_is_refused_while_self_sign_up_is_off(invited: Pool, functions: Functions) -> None:
    address = email()

    code, message = refusal(
        public(invited.endpoint).sign_up,
        ClientId=invited.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )

    assert (code, message) == ("NotAuthorizedException", "SignUp is not permitted for this user pool")
    admin(invited.endpoint).admin_create_user(UserPoolId=invited.id, Username=address, MessageAction="SUPPRESS")
    assert functions.events == []  # no trigger without self sign-up


def test_confirming_a_sign_up_runs_post_confirmation_which_gives_a_tenant(
    open_pool: Pool, functions: Functions
) -> None:
    cognito = public(open_pool.endpoint)
    address = email()
    cognito.sign_up(
        ClientId=open_pool.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )

    cognito.confirm_sign_up(ClientId=open_pool.client_id, Username=address, ConfirmationCode="123456")

    [event] = functions.events
    attributes = attributes_of(open_pool, address)
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["userPoolId"] == open_pool.id
    assert event["userName"] and event["userName"] != address  # the pool's own username (email is an alias)
    assert event["callerContext"]["clientId"] == open_pool.client_id
    assert event["request"]["userAttributes"]["sub"] == attributes["sub"]
    assert event["request"]["userAttributes"]["email"] == address
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert attributes[TENANT_CLAIM] == f"u-{attributes['sub']}"
    assert tokens(open_pool, address)["IdToken"]  # and the user signs in


def test_admin_confirm_sign_up_runs_it_too(open_pool: Pool, functions: Functions) -> None:
    address = email()
    public(open_pool.endpoint).sign_up(
        ClientId=open_pool.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )

    admin(open_pool.endpoint).admin_confirm_sign_up(UserPoolId=open_pool.id, Username=address)

    assert [event["triggerSource"] for event in functions.events] == ["PostConfirmation_ConfirmSignUp"]
    assert attributes_of(open_pool, address)[TENANT_CLAIM].startswith("u-")


def test_a_confirmed_forgotten_password_gives_no_tenant(open_pool: Pool, functions: Functions) -> None:
    address = new_user(open_pool, None)
    cognito = public(open_pool.endpoint)
    cognito.forgot_password(ClientId=open_pool.client_id, Username=address)

    cognito.confirm_forgot_password(
        ClientId=open_pool.client_id, Username=address, ConfirmationCode="123456", Password=PASSWORD + "x"
    )

    assert [event["triggerSource"] for event in functions.events] == ["PostConfirmation_ConfirmForgotPassword"]
    assert TENANT_CLAIM not in attributes_of(open_pool, address)


def test_a_failing_trigger_is_cognitos_user_lambda_validation_error(open_pool: Pool, functions: Functions) -> None:
    cognito = public(open_pool.endpoint)
    address = email()
    cognito.sign_up(
        ClientId=open_pool.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    functions.failing = True

    code, message = refusal(
        cognito.confirm_sign_up, ClientId=open_pool.client_id, Username=address, ConfirmationCode="123456"
    )

    assert code == "UserLambdaValidationException"
    assert message == "PostConfirmation failed with error the table is unreachable."


def test_everything_else_is_moto_through_the_front(invited: Pool) -> None:
    served = httpx.get(invited.jwks_url, timeout=10)

    assert served.status_code == 200 and served.json()["keys"][0]["alg"] == "RS256"
    assert admin(invited.endpoint).describe_user_pool(UserPoolId=invited.id)["UserPool"]["Id"] == invited.id
