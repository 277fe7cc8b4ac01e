"""Signing in to the local stack over HTTP, as a client of the deployed stack would.

The API takes a Cognito ID token in `Authorization`, raw or after `Bearer `; without one it
answers API Gateway's 401, as it does for a token signed with the key moto ships. The Cognito
endpoint refuses what Cognito refuses (a user's own tenant change, sign-up while self sign-up is
off, however the request names its operation; a wrong password in SRP); the CLI works against the
stack with no setup but the stack's connection file.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import httpx
import jwt
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.utilities.utils import load_resource
from pycognito.aws_srp import AWSSRP
from typer.testing import CliRunner

from client import cli
from local.stack import LocalStack
from tests.e2e.conftest import SignedIn

ORIGIN = "https://studio.example.com"


def test_the_token_is_accepted_raw_or_after_bearer(stack: LocalStack, token: str) -> None:
    for header in (token, f"Bearer {token}"):
        answer = httpx.get(f"{stack.api_url}/episodes", headers={"Authorization": header}, timeout=30)
        assert answer.status_code == 200, (header[:12], answer.text)


@pytest.mark.parametrize("header", [None, "", "garbage", "Bearer garbage", "Basic dXNlcjpwYXNz"])
def test_without_a_valid_token_the_api_answers_401_with_cors(stack: LocalStack, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}

    answer = httpx.post(f"{stack.api_url}/episodes", json={"title": "x", "episodeNumber": 1}, headers=headers)

    assert answer.status_code == 401
    assert answer.json() == {"message": "Unauthorized"}
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_an_access_token_is_refused(stack: LocalStack) -> None:
    password = stack.create_user("access@example.com", "e2e")
    access_token = stack.sign_in("access@example.com", password)["AccessToken"]

    answer = httpx.get(f"{stack.api_url}/episodes", headers={"Authorization": f"Bearer {access_token}"})

    assert answer.status_code == 401


def test_undeclared_routes_and_preflights_need_no_token(stack: LocalStack) -> None:
    undeclared = httpx.get(f"{stack.api_url}/nothing-here")
    preflight = httpx.options(f"{stack.api_url}/episodes")

    assert (undeclared.status_code, undeclared.json()) == (403, {"message": "Missing Authentication Token"})
    assert preflight.status_code == 200 and "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


def test_users_of_two_tenants_are_both_signed_in(signed_in: SignedIn) -> None:
    first, second = signed_in("tenant-a"), signed_in("tenant-b")

    assert first.get("/episodes").status_code == 200
    assert second.get("/episodes").status_code == 200
    assert first.headers["Authorization"] != second.headers["Authorization"]


def test_a_user_cannot_give_themself_another_tenant(stack: LocalStack) -> None:
    password = stack.create_user("mover@example.com", "e2e")
    access_token = stack.sign_in("mover@example.com", password)["AccessToken"]
    cognito = stack.cognito_client()

    with pytest.raises(ClientError) as refused:
        cognito.update_user_attributes(
            AccessToken=access_token, UserAttributes=[{"Name": "custom:tenantId", "Value": "tenant-b"}]
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert refused.value.response["Error"]["Message"] == "A client attempted to write unauthorized attribute"


def test_sign_up_is_refused_while_self_sign_up_is_off(stack: LocalStack) -> None:
    cognito = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=stack.cognito_url,
        config=Config(signature_version=UNSIGNED),
    )

    with pytest.raises(ClientError) as refused:
        cognito.sign_up(ClientId=stack.user_pool_client_id, Username="self@example.com", Password="Self-sign-up-1")

    assert refused.value.response["Error"]["Message"] == "SignUp is not permitted for this user pool"


def test_the_cli_signs_in_to_the_local_stack_with_no_setup(
    stack: LocalStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack.write_connection(tmp_path / ".nullcheck" / "local-stack.json")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for variable in ("NULLCHECK_API", "NULLCHECK_TOKEN", "NULLCHECK_USER_POOL_ID", "NULLCHECK_CLIENT_ID"):
        monkeypatch.delenv(variable, raising=False)
    runner = CliRunner()

    created = runner.invoke(
        cli.app, ["users", "create", "cli@example.com", "--tenant", "e2e", "--password", "Cli-pass-1"]
    )
    login = runner.invoke(cli.app, ["login", "cli@example.com", "--password", "Cli-pass-1"])
    episode = runner.invoke(cli.app, ["episodes", "create", "--title", "From the CLI", "--number", "3"])
    listed = runner.invoke(cli.app, ["episodes", "list"])
    who = runner.invoke(cli.app, ["whoami"])
    logout = runner.invoke(cli.app, ["logout"])
    after = runner.invoke(cli.app, ["episodes", "list"])

    for result in (created, login, episode, listed, who, logout):
        assert result.exit_code == 0, result.output
    assert "tenant e2e" in login.output
    assert "From the CLI" in listed.output
    assert "cli@example.com" in who.output and "e2e" in who.output
    assert "did not revoke" in " ".join(
        logout.output.split()
    )  # moto has no RevokeToken; the tokens are forgotten all the same
    assert after.exit_code == 1
    tokens = json.loads((tmp_path / "config" / "nullcheck" / "tokens.json").read_text())
    assert tokens["apis"] == {}


TARGET = "AWSCognitoIdentityProviderService."


def unsigned_cognito(stack: LocalStack) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=stack.cognito_url,
        config=Config(signature_version=UNSIGNED),
    )


def cognito_call(stack: LocalStack, target: str, parameters: dict[str, Any], query: str) -> httpx.Response:
    """A Cognito request whose `X-Amz-Target` names one operation and whose query string another."""
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + target}
    return httpx.post(f"{stack.cognito_url}/{query}", headers=headers, content=json.dumps(parameters), timeout=30)


def tenant_of(id_token: str) -> str:
    return str(jwt.decode(id_token, options={"verify_signature": False})["custom:tenantId"])


def test_an_action_parameter_cannot_move_a_user_to_another_tenant(stack: LocalStack, signed_in: SignedIn) -> None:
    other = signed_in("tenant-b")
    episode = other.post("/episodes", json={"title": "Tenant B only", "episodeNumber": 1}).json()["id"]
    password = stack.create_user("action-mover@example.com", "e2e")
    access_token = stack.sign_in("action-mover@example.com", password)["AccessToken"]

    answer = cognito_call(
        stack,
        "GetUser",
        {"AccessToken": access_token, "UserAttributes": [{"Name": "custom:tenantId", "Value": "tenant-b"}]},
        "?Action=UpdateUserAttributes",
    )

    assert answer.status_code == 400 and answer.json()["__type"] == "UnknownOperationException", answer.text
    id_token = stack.sign_in("action-mover@example.com", password)["IdToken"]
    assert tenant_of(id_token) == "e2e"
    seen = httpx.get(f"{stack.api_url}/episodes/{episode}", headers={"Authorization": id_token}, timeout=30)
    assert seen.status_code == 404


def test_an_action_parameter_cannot_sign_up_while_self_sign_up_is_off(stack: LocalStack) -> None:
    email = f"action-self-{uuid.uuid4().hex[:8]}@example.com"
    parameters = {
        "ClientId": stack.user_pool_client_id,
        "Username": email,
        "Password": "Self-sign-up-1",
        "UserAttributes": [{"Name": "email", "Value": email}, {"Name": "custom:tenantId", "Value": "tenant-b"}],
    }

    answer = cognito_call(stack, "InitiateAuth", parameters, "?Action=SignUp")

    assert answer.status_code == 400, answer.text
    with pytest.raises(ClientError) as missing:
        stack.cognito_client().admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    assert missing.value.response["Error"]["Code"] == "UserNotFoundException"


def test_a_token_signed_with_the_key_moto_ships_is_401(stack: LocalStack) -> None:
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{stack.user_pool_id}",
        "sub": str(uuid.uuid4()),
        "aud": stack.user_pool_client_id,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "email": "forger@example.com",
        "custom:tenantId": "tenant-b",
    }
    moto_private = jwt.PyJWK(dict(load_resource("cognitoidp/resources/jwks-private.json"))).key
    forged = jwt.encode(claims, moto_private, algorithm="RS256", headers={"kid": "dummy"})

    answer = httpx.get(f"{stack.api_url}/episodes", headers={"Authorization": f"Bearer {forged}"}, timeout=30)

    assert (answer.status_code, answer.json()) == (401, {"message": "Unauthorized"})


def test_the_pools_keys_are_the_stacks_own(stack: LocalStack) -> None:
    assert stack.cognito is not None
    served = httpx.get(f"{stack.cognito_url}/{stack.user_pool_id}/.well-known/jwks.json", timeout=30).json()

    assert served == stack.cognito.signing_key.jwks


def srp_sign_in(stack: LocalStack, email: str, password: str) -> dict[str, Any]:
    cognito = unsigned_cognito(stack)
    srp = AWSSRP(
        username=email,
        password=password,
        pool_id=stack.user_pool_id,
        client_id=stack.user_pool_client_id,
        client=cognito,
    )
    return dict(srp.authenticate_user())


def test_srp_accepts_the_right_password_and_refuses_a_wrong_one(stack: LocalStack) -> None:
    password = stack.create_user("srp@example.com", "e2e")

    with pytest.raises(ClientError) as refused:
        srp_sign_in(stack, "srp@example.com", password + "x")
    tokens = srp_sign_in(stack, "srp@example.com", password)["AuthenticationResult"]

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert refused.value.response["Error"]["Message"] == "Incorrect username or password."
    answer = httpx.get(f"{stack.api_url}/episodes", headers={"Authorization": tokens["IdToken"]}, timeout=30)
    assert answer.status_code == 200, answer.text
    # Password sign-in is unchanged.
    assert tenant_of(stack.sign_in("srp@example.com", password)["IdToken"]) == "e2e"
