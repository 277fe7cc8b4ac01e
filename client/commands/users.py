"""`nullcheck users create`: operators add users to the user pool, each in a tenant.

Signed with the operator's own AWS credentials (Cognito's admin API), not with a user's token.
"""

from __future__ import annotations

from typing import Annotated

import typer

from client import auth
from client.commands import shared
from handlers.contract import TENANT_CLAIM, TENANT_MAX_LENGTH, is_valid_tenant, new_password

app = typer.Typer(
    name="users", help="Operators: create users of the user pool, each in a tenant.", no_args_is_help=True
)


@app.command("create")
def create_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The user's email address (their username).")],
    tenant: Annotated[str, typer.Option(help="The tenant the user belongs to (custom:tenantId).")],
    password: Annotated[
        str | None,
        typer.Option(help="A permanent password; without it, a temporary one is printed (changed at first sign-in)."),
    ] = None,
) -> None:
    """Create a user in a tenant with Cognito's admin API (signed with your AWS credentials)."""
    settings = shared.settings(ctx)
    pool_id = shared.require(settings.user_pool_id, "user pool", "--user-pool-id", "NULLCHECK_USER_POOL_ID")
    if not is_valid_tenant(tenant):
        shared.fail(
            f"a tenant is letters, digits, - and _ (at most {TENANT_MAX_LENGTH}), starting with a letter or digit"
        )
    attributes = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": TENANT_CLAIM, "Value": tenant},
    ]
    temporary = None if password else new_password()
    with shared.cognito_errors("creating the user"):
        cognito = auth.cognito_client(settings.region, settings.cognito_endpoint, signed=True)
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=attributes,
            **({"TemporaryPassword": temporary} if temporary else {"MessageAction": "SUPPRESS"}),
        )
        if password:
            cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
    if temporary:
        shared.console.print(f"Created {email} in tenant {tenant}. Temporary password (valid 7 days):", markup=False)
        shared.console.print(temporary, markup=False, highlight=False)
    else:
        shared.console.print(f"Created {email} in tenant {tenant} with the password given.", markup=False)
