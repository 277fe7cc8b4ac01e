"""`nullcheck login` with an authenticator (TOTP) and against a stack that offers SRP only.

A user pool with the component's settings in moto, behind the local stack's Cognito front, found
through `.nullcheck/local-stack.json`. moto checks TOTP codes only with
`MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true` (read per request; its server runs in this process),
and gives every user the same secret (`COGNITO_TOTP_MFA_SECRET`); the codes are computed here as an
authenticator app computes them (RFC 6238: HMAC-SHA1, 30 s, 6 digits), from the secret the CLI shows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from rich.console import Console
from typer.testing import CliRunner

from client import auth, cli, sign_in
from client.commands import shared
from client.commands.account import Prompts
from components.identity import IdentityArgs, auth_flows
from local.cognito import LocalCognito
from tests.unit.client.conftest import API_URL
from tests.unit.local.user_pools import PASSWORD, Pool, admin, new_pool, new_user

runner = CliRunner()
STEP = 30


def totp(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (base32), a few seconds clear of the next step."""
    if STEP - time.time() % STEP < 5:
        time.sleep(STEP - time.time() % STEP + 0.1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // STEP)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


@dataclass(frozen=True)
class Front:
    moto_url: str
    endpoint: str

    def pool(self, mfa: str = "OFF", *, with_pool_id: bool = True) -> Pool:
        """A pool with TOTP MFA as the component sets it (SetUserPoolMfaConfig), in the local stack file."""
        pool = new_pool(self.moto_url, IdentityArgs(mfa=mfa), endpoint=self.endpoint)
        if mfa != "OFF":
            admin(self.moto_url).set_user_pool_mfa_config(
                UserPoolId=pool.id, MfaConfiguration=mfa, SoftwareTokenMfaConfiguration={"Enabled": True}
            )
        cognito = {"endpoint": self.endpoint, "userPoolClientId": pool.client_id}
        if with_pool_id:
            cognito["userPoolId"] = pool.id
        connection = {"apiUrl": API_URL, "region": "us-east-1", "cognito": cognito}
        (Path.cwd() / ".nullcheck").mkdir(exist_ok=True)
        (Path.cwd() / ".nullcheck" / "local-stack.json").write_text(json.dumps(connection))
        return pool


@pytest.fixture
def front(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Front]:
    monkeypatch.setattr(shared, "console", Console(width=200))
    monkeypatch.setattr(shared, "errors", Console(width=200, stderr=True))
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    cognito = LocalCognito(moto_url=s3_endpoint, region="us-east-1", invoke=lambda function, event: event)
    yield Front(s3_endpoint, cognito.start())
    cognito.stop()


def nullcheck(*args: str, answers: str | None = None) -> Any:
    return runner.invoke(cli.app, list(args), input=answers)


def shown_secret(output: str) -> str:
    found = re.search(r"key: (\S+)", output)
    assert found, output
    return found.group(1)


def cached(isolated_user: Path) -> auth.Tokens:
    tokens = auth.TokenCache(isolated_user / "nullcheck" / "tokens.json").get(API_URL)
    assert tokens is not None
    return tokens


def test_mfa_on_sets_up_an_authenticator_at_the_first_sign_in_then_asks_for_its_code(
    front: Front, isolated_user: Path
) -> None:
    pool = front.pool("ON")
    email = new_user(pool, "acme")
    secret = "asdfasdfasdf"  # moto's one secret: the CLI shows it, the test's "app" adds it

    first = nullcheck("login", email, "--password", PASSWORD, answers=f"{totp(secret)}\n")

    assert first.exit_code == 0, first.output
    assert shown_secret(first.output) == secret
    assert f"otpauth://totp/NullCheck:{email}?secret={secret}&issuer=NullCheck" in first.output
    assert cached(isolated_user).claims["email"] == email

    again = nullcheck("login", email, "--password", PASSWORD, "--totp-code", totp(secret))
    prompted = nullcheck("login", email, "--password", PASSWORD, answers=f"{totp(secret)}\n")
    wrong = nullcheck(
        "login", email, "--password", PASSWORD, "--totp-code", "000000" if totp(secret) != "000000" else "1"
    )

    assert again.exit_code == 0 and "key:" not in again.output, again.output
    assert prompted.exit_code == 0 and "Authenticator code" in prompted.output, prompted.output
    assert wrong.exit_code == 1 and "sign-in refused: MFA Code Mismatch" in wrong.stderr


def test_a_first_sign_in_with_a_temporary_password_chooses_one_then_sets_up_the_authenticator(
    front: Front, isolated_user: Path
) -> None:
    front.pool("ON")
    created = nullcheck("users", "create", "new@example.com", "--tenant", "acme")
    temporary = created.output.strip().splitlines()[-1]

    result = nullcheck(
        "login", "new@example.com", "--password", temporary, "--new-password", "Chosen-by-me-1",
        answers=f"{totp('asdfasdfasdf')}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "key: asdfasdfasdf" in result.output and cached(isolated_user).claims["custom:tenantId"] == "acme"


def test_with_optional_mfa_a_user_sets_up_an_authenticator_and_sign_ins_ask_for_it(
    front: Front, isolated_user: Path
) -> None:
    pool = front.pool("OPTIONAL")
    email = new_user(pool, "acme")
    assert nullcheck("login", email, "--password", PASSWORD).exit_code == 0  # no authenticator yet: no code

    enabled = nullcheck("setup-mfa", answers=f"{totp('asdfasdfasdf')}\n")
    asked = nullcheck("login", email, "--password", PASSWORD, "--totp-code", totp("asdfasdfasdf"))

    assert enabled.exit_code == 0 and "every sign-in now asks for its code" in enabled.output, enabled.output
    assert asked.exit_code == 0, asked.output
    user = admin(front.moto_url).admin_get_user(UserPoolId=pool.id, Username=email)
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def without_password_flow(front: Front, pool: Pool) -> None:
    """The app client as a stack with `allowPasswordAuth` false makes it: SRP and refresh only."""
    admin(front.moto_url).update_user_pool_client(
        UserPoolId=pool.id, ClientId=pool.client_id, ExplicitAuthFlows=auth_flows(allow_password_auth=False)
    )


def test_a_stack_without_password_sign_in_is_signed_in_to_with_srp(front: Front, isolated_user: Path) -> None:
    pool = front.pool()
    without_password_flow(front, pool)
    email = new_user(pool, "acme")

    # The pool id is known (the local stack file): SRP, which the front verifies; the password never leaves.
    signed_in = nullcheck("login", email, "--password", PASSWORD)
    wrong = nullcheck("login", email, "--password", "Not-the-password-1")

    assert signed_in.exit_code == 0, signed_in.output
    assert cached(isolated_user).claims["email"] == email
    assert wrong.exit_code == 1 and "sign-in refused: Incorrect username or password." in wrong.stderr


def test_without_the_pool_id_a_stack_offering_srp_only_says_what_to_pass(front: Front) -> None:
    pool = front.pool(with_pool_id=False)
    without_password_flow(front, pool)
    email = new_user(pool, "acme")

    refused = nullcheck("login", email, "--password", PASSWORD)
    srp_only = nullcheck("login", email, "--password", PASSWORD, "--srp")

    assert refused.exit_code == 1 and "signs in with SRP only" in refused.stderr, refused.output
    assert "NULLCHECK_USER_POOL_ID" in refused.stderr
    assert srp_only.exit_code == 1 and "no user pool" in srp_only.stderr
    # What the CLI recognised: Cognito's own refusal of the password flow (the front answers as Cognito does).
    cognito = auth.cognito_client("us-east-1", front.endpoint)
    with pytest.raises(ClientError) as raised:
        auth.password_sign_in(cognito, pool.client_id, email, PASSWORD)
    assert sign_in.is_password_flow_refusal(raised.value)


def test_a_challenge_the_cli_does_not_answer_is_named() -> None:
    class Cognito:
        def initiate_auth(self, **_: Any) -> dict[str, Any]:
            return {"ChallengeName": "SMS_MFA", "Session": "s", "ChallengeParameters": {}}

    with pytest.raises(auth.SignInError, match="SMS_MFA"):
        sign_in.sign_in(
            Cognito(), client_id="c", user_pool_id=None, email="a@example.com", password="p", answers=Prompts()
        )


def test_the_otpauth_uri_is_the_key_uri_format_authenticator_apps_read() -> None:
    uri = sign_in.otpauth_uri("JBSWY3DPEHPK3PXP", "producer+a@example.com")

    assert uri == "otpauth://totp/NullCheck:producer%2Ba@example.com?secret=JBSWY3DPEHPK3PXP&issuer=NullCheck"
