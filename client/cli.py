"""The `nullcheck` command line: the root command, its global options, and the command groups under it.

Sign-in, episodes, uploads, a live processing watch, clips, failed events and (for operators)
users each live in a module of `client.commands`; this module only puts them together. Every
command talks to the API through `NullCheckClient` with the signed-in user's ID token
(`nullcheck login`, cached and refreshed by `client.auth`, or `NULLCHECK_TOKEN`). The API and user
pool come from the options, else from the running local stack (`client.settings`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from client.commands import account, clips, dead_letters, episodes, uploads, users, watch
from client.commands.shared import Options

app = typer.Typer(help="NullCheck: episodes, track and transcript uploads, proposed clips.", no_args_is_help=True)

# The root's own commands first, then the groups: the order `nullcheck --help` lists them in.
for commands in (uploads, watch, account, episodes, users, dead_letters, clips):
    app.add_typer(commands.app)


@app.callback()
def main(
    ctx: typer.Context,
    api: Annotated[
        str | None,
        typer.Option("--api", envvar="NULLCHECK_API", help="Base URL of the API (default: the running local stack's)."),
    ] = None,
    user_pool_id: Annotated[
        str | None, typer.Option("--user-pool-id", envvar="NULLCHECK_USER_POOL_ID", help="Cognito user pool id.")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option("--client-id", envvar="NULLCHECK_CLIENT_ID", help="Cognito app client id.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", envvar="AWS_REGION", help="The stack's region.")] = None,
) -> None:
    """Remember where the API and its user pool are for the command that follows."""
    ctx.obj = Options(api, user_pool_id, client_id, region)
