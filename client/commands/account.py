"""`nullcheck login`, `logout`, `whoami` and `setup-mfa`: the signed-in user of an API.

Tokens are kept per API URL by `client.auth` (refreshed when the ID token nears its end), so
every other command finds them without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.table import Table
from rich.text import Text

from client import auth, sign_in
from client.commands import shared
from handlers.contract import TENANT_CLAIM

app = typer.Typer()
"""Commands of the root itself (no group name)."""

Password = Annotated[
    str | None,
    typer.Option("--password", envvar="NULLCHECK_PASSWORD", help="The password (asked for when not given)."),
]


@dataclass
class Prompts:
    """`client.sign_in.Answers` asked at the terminal; what the options gave is used first."""

    given_new_password: str | None = None
    given_totp_code: str | None = None

    def new_password(self) -> str:
        if self.given_new_password is None:
            shared.errors.print("This is your first sign-in: choose your own password.")
            return str(typer.prompt("New password", hide_input=True, confirmation_prompt=True))
        return self.given_new_password

    def totp_code(self) -> str:
        given, self.given_totp_code = self.given_totp_code, None  # a code is good once
        return given or str(typer.prompt("Authenticator code (6 digits)"))

    def totp_setup_code(self, secret: str, uri: str) -> str:
        shared.errors.print("Set up an authenticator app: add this account with its key, or give the app the URI.")
        shared.console.print(f"  key: {secret}\n  URI: {uri}", markup=False, highlight=False)
        return str(typer.prompt("Code the app shows now (6 digits)"))


@app.command("login")
def login(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Your email address (the username).")],
    password: Password = None,
    srp: Annotated[
        bool,
        typer.Option(
            "--srp",
            help="SRP or nothing: never send the password (needs the user pool id). SRP is used anyway whenever"
            " the user pool id is known.",
        ),
    ] = False,
    new_password: Annotated[
        str | None,
        typer.Option(help="The password to set at the first sign-in with a temporary one (asked for when needed)."),
    ] = None,
    totp_code: Annotated[
        str | None,
        typer.Option("--totp-code", help="Your authenticator app's current code (asked for when MFA is on)."),
    ] = None,
) -> None:
    """Sign in to the API's user pool and keep the tokens (refreshed by themselves) for the other commands."""
    settings = shared.settings(ctx)
    client_id = shared.require(settings.client_id, "app client", "--client-id", "NULLCHECK_CLIENT_ID")
    if srp:
        shared.require(settings.user_pool_id, "user pool", "--user-pool-id", "NULLCHECK_USER_POOL_ID")
    if password is None:
        password = typer.prompt("Password", hide_input=True)
    answers = Prompts(new_password, totp_code)
    try:
        with shared.cognito_errors("sign-in"):
            cognito = auth.cognito_client(settings.region, settings.cognito_endpoint)
            result = sign_in.sign_in(
                cognito,
                client_id=client_id,
                user_pool_id=settings.user_pool_id,
                email=email,
                password=password,
                answers=answers,
                srp_only=srp,
            )
    except auth.SignInError as error:
        shared.fail(str(error))
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


@app.command("setup-mfa")
def setup_mfa(ctx: typer.Context) -> None:
    """Set up an authenticator app (TOTP) for the signed-in user: every sign-in then asks for its code.

    For stacks where MFA is optional; where it is on, `login` sets one up at the first sign-in."""
    api_url = shared.settings(ctx).api_url
    try:
        signed_in = auth.session_for(api_url)
        if isinstance(signed_in, auth.FixedToken):
            shared.fail(f"{auth.TOKEN_ENV} holds no access token: sign in with `nullcheck login` first")
        tokens = signed_in.current()
        with shared.cognito_errors("authenticator setup"):
            cognito = auth.cognito_client(tokens.region, tokens.cognito_endpoint)
            sign_in.enable_totp(cognito, tokens.access_token, str(tokens.claims.get("email", "")), Prompts())
    except auth.SignInError as error:
        shared.fail(str(error))
    shared.console.print("Authenticator set up: every sign-in now asks for its code.", markup=False, highlight=False)


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
