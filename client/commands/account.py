"""`nullcheck login`, `logout` and `whoami`: the signed-in user of an API.

Tokens are kept per API URL by `client.auth` (refreshed when the ID token nears its end), so
every other command finds them without asking again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.table import Table
from rich.text import Text

from client import auth
from client.commands import shared
from handlers.contract import TENANT_CLAIM

app = typer.Typer()
"""Commands of the root itself (no group name)."""

Password = Annotated[
    str | None,
    typer.Option("--password", envvar="NULLCHECK_PASSWORD", help="The password (asked for when not given)."),
]


@app.command("login")
def login(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Your email address (the username).")],
    password: Password = None,
    srp: Annotated[bool, typer.Option("--srp", help="Sign in with SRP: the password is proven, never sent.")] = False,
    new_password: Annotated[
        str | None,
        typer.Option(help="The password to set at the first sign-in with a temporary one (asked for when needed)."),
    ] = None,
) -> None:
    """Sign in to the API's user pool and keep the tokens (refreshed by themselves) for the other commands."""
    settings = shared.settings(ctx)
    client_id = shared.require(settings.client_id, "app client", "--client-id", "NULLCHECK_CLIENT_ID")
    if srp:
        shared.require(settings.user_pool_id, "user pool", "--user-pool-id", "NULLCHECK_USER_POOL_ID")
    if password is None:
        password = typer.prompt("Password", hide_input=True)
    with shared.cognito_errors("sign-in"):
        cognito = auth.cognito_client(settings.region, settings.cognito_endpoint)
        if srp:
            answer = auth.srp_sign_in(cognito, str(settings.user_pool_id), client_id, email, password)
        else:
            answer = auth.password_sign_in(cognito, client_id, email, password)
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            if new_password is None:
                shared.errors.print("This is your first sign-in: choose your own password.")
                new_password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
            answer = auth.set_new_password(cognito, client_id, answer, email, new_password)
    if "AuthenticationResult" not in answer:
        shared.fail(f"Cognito asks for {answer.get('ChallengeName')}, which nullcheck login does not support")
    result = answer["AuthenticationResult"]
    tokens = auth.Tokens(
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken"),
        client_id=client_id,
        region=settings.region,
        user_pool_id=settings.user_pool_id,
        cognito_endpoint=settings.cognito_endpoint,
    )
    auth.TokenCache().put(settings.api_url, tokens)
    tenant = tokens.claims.get(TENANT_CLAIM)
    shared.console.print(
        f"Signed in to {settings.api_url} as {tokens.claims.get('email', email)}"
        + (f" (tenant {tenant})." if tenant else " (no tenant yet: an operator must set one)."),
        markup=False,
        highlight=False,
    )


@app.command("logout")
def logout(ctx: typer.Context) -> None:
    """Revoke the refresh token (where Cognito can) and forget this API's tokens."""
    api_url = shared.settings(ctx).api_url
    tokens = auth.TokenCache().forget(api_url)
    if tokens is None:
        shared.console.print(f"Not signed in to {api_url}.", markup=False, highlight=False)
        return
    if not tokens.refresh_token:
        shared.console.print(f"Signed out of {api_url}.", markup=False, highlight=False)
        return
    # One attempt: a refusal is an answer, and whatever it is, the tokens are forgotten here.
    cognito = auth.cognito_client(tokens.region, tokens.cognito_endpoint, attempts=1)
    try:
        cognito.revoke_token(Token=tokens.refresh_token, ClientId=tokens.client_id)
    except (ClientError, BotoCoreError) as error:
        shared.console.print(
            f"Signed out of {api_url}: tokens forgotten here, but Cognito did not revoke the refresh token "
            f"({refusal(error)}); it stays valid until it expires.",
            markup=False,
            highlight=False,
        )
        return
    shared.console.print(f"Signed out of {api_url}: refresh token revoked.", markup=False, highlight=False)


def refusal(error: ClientError | BotoCoreError) -> str:
    """What an AWS answer said, short: its code and message, or its HTTP status for a page that is not AWS's."""
    if not isinstance(error, ClientError):
        return str(error)[:120]
    details = error.response.get("Error", {})
    message = str(details.get("Message") or "").strip()
    if not message or message.startswith("<"):
        return f"HTTP {error.response.get('ResponseMetadata', {}).get('HTTPStatusCode', '?')}"
    return f"{details.get('Code', 'Error')}: {message[:120]}"


@app.command("whoami")
def whoami(ctx: typer.Context) -> None:
    """Who the API calls are made as: email, tenant and when the ID token expires."""
    api_url = shared.settings(ctx).api_url
    try:
        signed_in = auth.session_for(api_url)
        claims = signed_in.claims() if isinstance(signed_in, auth.FixedToken) else signed_in.current().claims
    except auth.SignInError as error:
        shared.fail(str(error))
    expiry = datetime.fromtimestamp(float(claims.get("exp", 0)), UTC)
    left = expiry - datetime.now(UTC)
    grid = Table.grid(padding=(0, 2))
    rows = {
        "api": api_url,
        "email": str(claims.get("email", "")),
        "tenant": str(claims.get(TENANT_CLAIM) or "none (an operator must set custom:tenantId)"),
        "token expires": f"{expiry:%Y-%m-%d %H:%M:%S} UTC (in {max(0, int(left.total_seconds() // 60))} min)",
        "from": auth.TOKEN_ENV if isinstance(signed_in, auth.FixedToken) else "nullcheck login",
    }
    for name, value in rows.items():
        grid.add_row(Text(name, style="bold"), Text(value))
    shared.console.print(grid)
