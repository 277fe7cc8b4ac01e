"""`nullcheck login`, `logout`, `whoami`, `users create` and signed API calls, against a real user pool.

The pool is the Identity component's, in moto behind the local stack's Cognito front, found as
the CLI finds a running local stack: `.nullcheck/local-stack.json` in a directory above. The API
is faked (an `httpx.MockTransport`) to see what each call carries.
"""

from __future__ import annotations

import json
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from client import auth, cli
from client.api import NullCheckClient
from client.commands import shared
from local.cognito import LocalCognito
from tests.unit.client.conftest import API_URL
from tests.unit.local.user_pools import PASSWORD, Pool, admin, id_claims, mint, new_pool, new_user

runner = CliRunner()


@dataclass(frozen=True)
class Stack:
    pool: Pool
    cache: auth.TokenCache
    api_calls: list[httpx.Request]


@pytest.fixture
def stack(s3_endpoint: str, isolated_user: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """A user pool behind the Cognito front, its local stack file in a directory above, a fake API."""
    monkeypatch.setattr(shared, "console", Console(width=200))
    monkeypatch.setattr(shared, "errors", Console(width=200, stderr=True))
    front = LocalCognito(moto_url=s3_endpoint, region="us-east-1", invoke=lambda function, event: event)
    endpoint = front.start()
    pool = new_pool(s3_endpoint, endpoint=endpoint)
    connection = {
        "apiUrl": API_URL,
        "region": "us-east-1",
        "cognito": {"endpoint": endpoint, "userPoolId": pool.id, "userPoolClientId": pool.client_id},
    }
    project = Path.cwd()
    (project / ".nullcheck").mkdir()
    (project / ".nullcheck" / "local-stack.json").write_text(json.dumps(connection))
    below = project / "episodes" / "2026"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)

    api_calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        api_calls.append(request)
        return httpx.Response(200, json={"items": [], "count": 0})

    transport = httpx.MockTransport(answer)
    monkeypatch.setattr(shared, "client_factory", lambda url: NullCheckClient(url, transport=transport))
    yield Stack(pool, auth.TokenCache(isolated_user / "nullcheck" / "tokens.json"), api_calls)
    front.stop()


def nullcheck(*args: str) -> Any:
    return runner.invoke(cli.app, list(args))


def logged_in(stack: Stack, tenant: str | None = "acme") -> str:
    email = new_user(stack.pool, tenant)
    result = nullcheck("login", email, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    return email


def test_login_caches_the_tokens_for_the_user_only(stack: Stack, isolated_user: Path) -> None:
    email = new_user(stack.pool, "acme")

    result = nullcheck("login", email, "--password", PASSWORD)

    assert result.exit_code == 0, result.output
    assert f"Signed in to {API_URL} as {email} (tenant acme)." in result.output
    path = isolated_user / "nullcheck" / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    tokens = stack.cache.get(API_URL)
    assert tokens is not None and tokens.refresh_token
    assert tokens.claims["email"] == email and tokens.claims["custom:tenantId"] == "acme"
    assert (tokens.client_id, tokens.user_pool_id) == (stack.pool.client_id, stack.pool.id)
    assert list(json.loads(path.read_text())["apis"]) == [API_URL]  # keyed by API URL


def test_every_api_call_carries_the_id_token(stack: Stack) -> None:
    logged_in(stack)

    result = nullcheck("episodes", "list")

    assert result.exit_code == 0, result.output
    tokens = stack.cache.get(API_URL)
    assert tokens is not None
    assert [call.headers["Authorization"] for call in stack.api_calls] == [f"Bearer {tokens.id_token}"]
    assert str(stack.api_calls[0].url).startswith(API_URL)  # the API of the local stack file


def test_an_expiring_id_token_is_refreshed_with_the_refresh_token(stack: Stack) -> None:
    email = logged_in(stack)
    cached = stack.cache.get(API_URL)
    assert cached is not None
    now = int(time.time())
    expiring = mint(id_claims(stack.pool, email=email, iat=now - 3500, auth_time=now - 3500, exp=now + 60))
    stack.cache.put(API_URL, replace(cached, id_token=expiring))

    result = nullcheck("episodes", "list")

    assert result.exit_code == 0, result.output
    refreshed = stack.cache.get(API_URL)
    assert refreshed is not None and refreshed.id_token != expiring
    assert refreshed.claims["exp"] > now + 3000 and refreshed.claims["email"] == email
    assert stack.api_calls[0].headers["Authorization"] == f"Bearer {refreshed.id_token}"


def test_a_session_that_cannot_be_refreshed_asks_to_log_in_again(stack: Stack) -> None:
    logged_in(stack)
    cached = stack.cache.get(API_URL)
    assert cached is not None
    expired = mint(id_claims(stack.pool, exp=int(time.time()) - 10))
    stack.cache.put(API_URL, replace(cached, id_token=expired, refresh_token="not-a-refresh-token"))

    result = nullcheck("episodes", "list")

    assert result.exit_code == 1
    assert "nullcheck login" in result.stderr
    assert stack.api_calls == []


def test_whoami_shows_email_tenant_and_expiry(stack: Stack) -> None:
    email = logged_in(stack, "acme")

    result = nullcheck("whoami")

    assert result.exit_code == 0, result.output
    assert email in result.output and "acme" in result.output
    assert "token expires" in result.output and re.search(r"\(in (59|60) min\)", result.output)


def test_logout_forgets_the_tokens_and_says_whether_cognito_revoked_them(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged_in(stack)

    # moto does not implement RevokeToken: the answer says so, and the tokens are forgotten all the same.
    result = nullcheck("logout")

    assert result.exit_code == 0, result.output
    assert "did not revoke the refresh token" in result.output
    assert stack.cache.get(API_URL) is None
    assert nullcheck("episodes", "list").exit_code == 1

    revoked: list[dict[str, Any]] = []

    class Cognito:
        def revoke_token(self, **parameters: Any) -> dict[str, Any]:
            revoked.append(parameters)
            return {}

    logged_in(stack)
    monkeypatch.setattr(auth, "cognito_client", lambda *args, **kwargs: Cognito())
    result = nullcheck("logout")

    assert "refresh token revoked" in result.output
    assert [set(call) for call in revoked] == [{"Token", "ClientId"}]
    assert nullcheck("logout").output.startswith("Not signed in")


def test_users_create_prints_a_temporary_password_changed_at_first_login(stack: Stack) -> None:
    created = nullcheck("users", "create", "ops@example.com", "--tenant", "acme")

    assert created.exit_code == 0, created.output
    temporary = created.output.strip().splitlines()[-1]
    user = admin(stack.pool.endpoint).admin_get_user(UserPoolId=stack.pool.id, Username="ops@example.com")
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert attributes["custom:tenantId"] == "acme" and attributes["email_verified"] == "true"

    login = nullcheck("login", "ops@example.com", "--password", temporary, "--new-password", "Chosen-by-me-1")

    assert login.exit_code == 0, login.output
    assert nullcheck("login", "ops@example.com", "--password", "Chosen-by-me-1").exit_code == 0


def test_users_create_with_a_password_makes_it_permanent(stack: Stack) -> None:
    created = nullcheck("users", "create", "perm@example.com", "--tenant", "acme", "--password", "Permanent-pass-1")

    assert created.exit_code == 0, created.output
    assert "Permanent-pass-1" not in created.output
    assert nullcheck("login", "perm@example.com", "--password", "Permanent-pass-1").exit_code == 0


def test_users_create_refuses_a_tenant_that_is_not_a_key(stack: Stack) -> None:
    result = nullcheck("users", "create", "bad@example.com", "--tenant", "a/b")

    assert result.exit_code == 1 and "tenant" in result.stderr


def test_login_with_srp(stack: Stack) -> None:
    # moto accepts any SRP proof (see the README): this shows the flow and the tokens, not the check.
    email = new_user(stack.pool, "acme")

    result = nullcheck("login", email, "--password", PASSWORD, "--srp")

    assert result.exit_code == 0, result.output
    tokens = stack.cache.get(API_URL)
    assert tokens is not None and tokens.claims["email"] == email


def test_a_wrong_password_is_one_red_line(stack: Stack) -> None:
    email = new_user(stack.pool, "acme")

    result = nullcheck("login", email, "--password", "Not-the-password-1")

    assert result.exit_code == 1
    assert "sign-in refused: Incorrect username or password." in result.stderr
    assert isinstance(result.exception, SystemExit)


def test_not_signed_in_is_one_red_line(stack: Stack) -> None:
    result = nullcheck("episodes", "list")

    assert result.exit_code == 1
    assert f"not signed in to {API_URL}: run `nullcheck login`" in result.stderr
    assert stack.api_calls == []


def test_nullcheck_token_is_sent_as_it_is(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    token = mint(id_claims(stack.pool, email="script@example.com"))
    monkeypatch.setenv("NULLCHECK_TOKEN", token)

    listed = nullcheck("episodes", "list")
    who = nullcheck("whoami")

    assert listed.exit_code == 0, listed.output
    assert stack.api_calls[0].headers["Authorization"] == token
    assert "script@example.com" in who.output and "NULLCHECK_TOKEN" in who.output
    assert stack.cache.get(API_URL) is None


def test_options_name_a_deployed_stack_instead_of_the_local_one(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NULLCHECK_TOKEN", "Bearer deployed")

    result = nullcheck("--api", "https://abc.execute-api.eu-west-1.amazonaws.com/api/", "clips", "list", "ep-1")
    login = nullcheck("--api", "https://abc.execute-api.eu-west-1.amazonaws.com/api", "login", "a@example.com")

    assert result.exit_code == 0, result.output
    assert str(stack.api_calls[0].url) == "https://abc.execute-api.eu-west-1.amazonaws.com/api/episodes/ep-1/clips"
    # Another API: the local stack's pool is not used for it.
    assert login.exit_code == 1 and "no app client: pass --client-id or set NULLCHECK_CLIENT_ID" in login.stderr
