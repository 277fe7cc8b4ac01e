"""The Cognito front of the local stack: write attributes and self sign-up as Cognito enforces them,
and the post confirmation function run through the local Lambda runtime, as Cognito runs it.

The pools are made by `create_user_pool` from the Identity component's defaults; clients talk to
the front over HTTP with boto3, as any Cognito client does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

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


# The operation moto runs is the one checked.

TARGET = "AWSCognitoIdentityProviderService."
JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.1"}


def raw_call(
    endpoint: str, target: str, parameters: dict[str, Any], *, query: str = "", body: bytes | None = None
) -> httpx.Response:
    """A request as no SDK would send it: `X-Amz-Target` naming one operation, and maybe an `Action`."""
    content = body if body is not None else json.dumps(parameters).encode()
    headers = {**JSON_HEADERS, "X-Amz-Target": TARGET + target}
    return httpx.post(f"{endpoint}/{query}", headers=headers, content=content, timeout=10)


def smuggled(parameters: dict[str, Any], action: str) -> bytes:
    """A JSON body that moto also reads as a query string naming `action` (a string value carries it)."""
    return json.dumps({**parameters, "Note": f"&Action={action}&"}).encode()


@pytest.mark.parametrize("how", ["query", "body"])
def test_an_action_parameter_cannot_change_the_users_tenant(invited: Pool, how: str) -> None:
    address = new_user(invited, "acme")
    parameters = {
        "AccessToken": tokens(invited, address)["AccessToken"],
        "UserAttributes": [{"Name": TENANT_CLAIM, "Value": "someone-else"}],
    }

    if how == "query":
        answer = raw_call(invited.endpoint, "GetUser", parameters, query="?Action=UpdateUserAttributes")
    else:
        answer = raw_call(invited.endpoint, "GetUser", parameters, body=smuggled(parameters, "UpdateUserAttributes"))

    assert answer.status_code == 400, answer.text
    assert answer.json()["__type"] == "UnknownOperationException"
    assert attributes_of(invited, address)[TENANT_CLAIM] == "acme"


@pytest.mark.parametrize("how", ["query", "body"])
def test_an_action_parameter_cannot_sign_up_while_self_sign_up_is_off(invited: Pool, how: str) -> None:
    address = email()
    parameters = {
        "ClientId": invited.client_id,
        "Username": address,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": address}, {"Name": TENANT_CLAIM, "Value": "chosen-by-me"}],
    }

    if how == "query":
        answer = raw_call(invited.endpoint, "InitiateAuth", parameters, query="?Action=SignUp")
    else:
        answer = raw_call(invited.endpoint, "InitiateAuth", parameters, body=smuggled(parameters, "SignUp"))

    assert answer.status_code == 400, answer.text
    code, _ = refusal(admin(invited.endpoint).admin_get_user, UserPoolId=invited.id, Username=address)
    assert code == "UserNotFoundException"


def test_an_action_parameter_naming_the_same_operation_still_gets_the_checks(invited: Pool) -> None:
    address = new_user(invited, "acme")
    parameters = {
        "AccessToken": tokens(invited, address)["AccessToken"],
        "UserAttributes": [{"Name": TENANT_CLAIM, "Value": "someone-else"}],
    }

    answer = raw_call(invited.endpoint, "UpdateUserAttributes", parameters, query="?Action=UpdateUserAttributes")

    assert (answer.status_code, answer.json()["message"]) == (400, UNAUTHORIZED_ATTRIBUTE)
    assert attributes_of(invited, address)[TENANT_CLAIM] == "acme"


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/", {}),
        ("POST", "/moto-api/reset", {}),
        ("GET", "/moto-api/data.json", {}),
        ("POST", "/", {"Content-Type": "application/x-amz-json-1.1"}),  # no X-Amz-Target
        ("POST", "/", {"X-Amz-Target": "DynamoDB_20120810.ListTables"}),
        ("POST", "/", {"X-Amz-Target": TARGET + "Other.SignUp"}),
    ],
)
def test_only_cognitos_api_and_the_pools_keys_are_forwarded(
    invited: Pool, method: str, path: str, headers: dict[str, str]
) -> None:
    answer = httpx.request(method, f"{invited.endpoint}{path}", headers=headers, content=b"{}", timeout=10)

    assert answer.status_code == 400, answer.text
    assert answer.json()["__type"] in ("UnknownOperationException", "InvalidParameterException")
    assert admin(invited.endpoint).describe_user_pool(UserPoolId=invited.id)["UserPool"]["Id"] == invited.id


def test_a_request_signed_for_another_service_is_refused(invited: Pool) -> None:
    headers = {
        **JSON_HEADERS,
        "X-Amz-Target": TARGET + "ListUserPools",
        "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }

    answer = httpx.post(f"{invited.endpoint}/", headers=headers, content=b'{"MaxResults": 1}', timeout=10)

    assert (answer.status_code, answer.json()["__type"]) == (400, "UnknownOperationException")


# SRP: the password is checked; a challenge answer signs in the user of its session only.

WRONG_PASSWORD = "Incorrect username or password."


def srp_sign_in(pool: Pool, username: str, password: str, **answer: str) -> dict[str, Any]:
    """USER_SRP_AUTH with pycognito's client arithmetic; `answer` overrides fields of the proof."""
    cognito = public(pool.endpoint)
    srp = AWSSRP(username=username, password=password, pool_id=pool.id, client_id=pool.client_id, client=cognito)
    parameters = srp.get_auth_params()
    challenge = cognito.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = {**srp.process_challenge(challenge["ChallengeParameters"], parameters), **answer}
    return dict(
        cognito.respond_to_auth_challenge(
            ClientId=pool.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses,
            Session=challenge["Session"],
        )
    )


def verified_claims(pool: Pool, id_token: str) -> dict[str, Any]:
    """The ID token's claims, verified against the pool's JWKS (the local stack's key)."""
    keys = jwt.PyJWKClient(pool.jwks_url)
    return dict(
        jwt.decode(id_token, keys.get_signing_key_from_jwt(id_token), algorithms=["RS256"], audience=pool.client_id)
    )


def test_srp_with_the_right_password_signs_in(invited: Pool) -> None:
    address = new_user(invited, "acme")

    answer = srp_sign_in(invited, address, PASSWORD)

    claims = verified_claims(invited, answer["AuthenticationResult"]["IdToken"])
    assert (claims["email"], claims[TENANT_CLAIM]) == (address, "acme")


def test_srp_with_a_wrong_password_is_refused(invited: Pool) -> None:
    address = new_user(invited, "acme")

    code, message = refusal(srp_sign_in, pool=invited, username=address, password=PASSWORD + "x")

    assert (code, message) == ("NotAuthorizedException", WRONG_PASSWORD)


def test_an_srp_challenge_is_answered_once(invited: Pool) -> None:
    address = new_user(invited, "acme")
    cognito = public(invited.endpoint)
    srp = AWSSRP(username=address, password=PASSWORD, pool_id=invited.id, client_id=invited.client_id, client=cognito)
    parameters = srp.get_auth_params()
    challenge = cognito.initiate_auth(ClientId=invited.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    responses = srp.process_challenge(challenge["ChallengeParameters"], parameters)
    respond = {"ClientId": invited.client_id, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses}

    assert cognito.respond_to_auth_challenge(**respond)["AuthenticationResult"]["IdToken"]
    code, _ = refusal(cognito.respond_to_auth_challenge, **respond)

    assert code == "NotAuthorizedException"


def test_a_password_proof_signs_in_only_its_own_user(invited: Pool) -> None:
    mine, theirs = new_user(invited, "acme"), new_user(invited, "other")

    code, _ = refusal(srp_sign_in, pool=invited, username=mine, password=PASSWORD, USERNAME=theirs)

    assert code == "NotAuthorizedException"


def test_a_new_password_answer_cannot_name_another_user(invited: Pool) -> None:
    victim = new_user(invited, "other")
    newcomer = email()
    admin(invited.endpoint).admin_create_user(
        UserPoolId=invited.id, Username=newcomer, TemporaryPassword="Temporary-pass-1", MessageAction="SUPPRESS"
    )
    cognito = public(invited.endpoint)
    challenge = cognito.initiate_auth(
        ClientId=invited.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": newcomer, "PASSWORD": "Temporary-pass-1"},
    )

    code, _ = refusal(
        cognito.respond_to_auth_challenge,
        ClientId=invited.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": victim, "NEW_PASSWORD": "Taken-over-1"},
    )

    assert code == "NotAuthorizedException"
    assert tokens(invited, victim)["IdToken"]  # the victim's password is unchanged


def test_srp_follows_a_temporary_password_and_the_new_one(invited: Pool) -> None:
    address, temporary, chosen = email(), "Temporary-pass-1", "Chosen-pass-1"
    admin(invited.endpoint).admin_create_user(
        UserPoolId=invited.id, Username=address, TemporaryPassword=temporary, MessageAction="SUPPRESS"
    )

    assert refusal(srp_sign_in, pool=invited, username=address, password=chosen)[0] == "NotAuthorizedException"
    challenge = srp_sign_in(invited, address, temporary)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    public(invited.endpoint).respond_to_auth_challenge(
        ClientId=invited.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": challenge["ChallengeParameters"]["USERNAME"], "NEW_PASSWORD": chosen},
    )

    assert srp_sign_in(invited, address, chosen)["AuthenticationResult"]["IdToken"]
    assert refusal(srp_sign_in, pool=invited, username=address, password=temporary)[0] == "NotAuthorizedException"


def change_password(pool: Pool, address: str, new: str) -> None:
    access_token = tokens(pool, address)["AccessToken"]
    public(pool.endpoint).change_password(AccessToken=access_token, PreviousPassword=PASSWORD, ProposedPassword=new)


def reset_password(pool: Pool, address: str, new: str) -> None:
    cognito = public(pool.endpoint)
    cognito.forgot_password(ClientId=pool.client_id, Username=address)
    cognito.confirm_forgot_password(ClientId=pool.client_id, Username=address, ConfirmationCode="123456", Password=new)


def set_password(pool: Pool, address: str, new: str) -> None:
    admin(pool.endpoint).admin_set_user_password(UserPoolId=pool.id, Username=address, Password=new, Permanent=True)


@pytest.mark.parametrize("change", [change_password, reset_password, set_password])
def test_srp_checks_the_password_however_it_was_set(invited: Pool, change: Any) -> None:
    address, new = new_user(invited, "acme"), "Another-pass-1"

    change(invited, address, new)

    assert srp_sign_in(invited, address, new)["AuthenticationResult"]["IdToken"]
    assert refusal(srp_sign_in, pool=invited, username=address, password=PASSWORD) == (
        "NotAuthorizedException",
        WRONG_PASSWORD,
    )


def test_srp_checks_a_signed_up_users_password(open_pool: Pool) -> None:
    cognito, address = public(open_pool.endpoint), email()
    cognito.sign_up(
        ClientId=open_pool.client_id,
        Username=address,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    cognito.confirm_sign_up(ClientId=open_pool.client_id, Username=address, ConfirmationCode="123456")

    assert srp_sign_in(open_pool, address, PASSWORD)["AuthenticationResult"]["IdToken"]
    assert (
        refusal(srp_sign_in, pool=open_pool, username=address, password="Wrong-pass-1")[0] == "NotAuthorizedException"
    )


def test_password_sign_in_still_works(invited: Pool) -> None:
    address = new_user(invited, "acme")

    claims = verified_claims(invited, tokens(invited, address)["IdToken"])

    assert claims[TENANT_CLAIM] == "acme"
