"""Sign-in: a Cognito user pool with a tenant per user, and the app client web and CLI clients use."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

from typing import TypedDict

import pulumi
import pulumi_aws as aws

from handlers.catalog import USER_POOL_TAG
from handlers.contract import TENANT_ATTRIBUTE, TENANT_CLAIM, TENANT_MAX_LENGTH

AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
"""SRP for web clients, password for scripts and the CLI, refresh to stay signed in."""
READ_ATTRIBUTES = ("email", "email_verified", TENANT_CLAIM)
WRITE_ATTRIBUTES = ("email",)
"""Explicit, and without the tenant: users must never change their own tenant."""


TYPE = "nullcheck:index:Identity"
OLD_TYPE = "nullcheck:identity:Identity"
"""The token before the components were a package: an alias, so existing stacks keep their user pool."""
MFA_SETTINGS = ("OFF", "OPTIONAL", "ON")


class IdentityArgs(TypedDict, total=False):
    """Settings of the user pool and its app client; every field is optional and defaults to the seed's style
    (secure, development-friendly)."""

    allow_self_sign_up: bool
    """Default false: operators invite users (AdminCreateUser) and set their tenant. True: anyone may sign up
    and the post-confirmation trigger gives each new user a tenant of its own."""
    post_confirmation_function_arn: pulumi.Input[str]
    """ARN of the post-confirmation trigger function, or of the alias or version Cognito invokes (a qualified
    ARN: the invoke permission is granted on that qualifier); required when self sign-up is on, unused
    otherwise."""
    mfa: str
    """`OFF`, `OPTIONAL` or `ON` (authenticator apps). Default `OFF`."""
    deletion_protection: bool
    """Cognito refuses to delete the pool. Default false (development stacks can be torn down)."""
    password_minimum_length: pulumi.Input[int]
    """Minimum password length (lower and upper case, numbers and symbols are always required). Default 8."""
    id_token_hours: pulumi.Input[int]
    """Validity of ID tokens in hours. Default 1."""
    access_token_hours: pulumi.Input[int]
    """Validity of access tokens in hours. Default 1."""
    refresh_token_days: pulumi.Input[int]
    """Validity of refresh tokens in days. Default 30."""


DEFAULTS: IdentityArgs = {
    "allow_self_sign_up": False,
    "mfa": "OFF",
    "deletion_protection": False,
    "password_minimum_length": 8,
    "id_token_hours": 1,
    "access_token_hours": 1,
    "refresh_token_days": 30,
}


TEMPORARY_PASSWORD_DAYS = 7
"""How long an invited user's temporary password works."""


def with_defaults(args: IdentityArgs | None = None) -> IdentityArgs:
    """`args` with the defaults for every field it leaves out, checked; the one place defaults are applied."""
    settings: IdentityArgs = {**DEFAULTS, **(args or {})}
    if settings["mfa"] not in MFA_SETTINGS:
        raise ValueError(f"mfa must be OFF, OPTIONAL or ON, not {settings['mfa']!r}")
    if settings["allow_self_sign_up"] and settings.get("post_confirmation_function_arn") is None:
        raise ValueError("self sign-up needs the post-confirmation function that gives new users a tenant")
    return settings


def split_qualifier(function_arn: str) -> tuple[str, str | None]:
    """A Lambda ARN as the function's own ARN and its qualifier (alias or version; None when unqualified)."""
    # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    parts = function_arn.split(":")
    if len(parts) == 8:
        return ":".join(parts[:7]), parts[7]
    return function_arn, None


class Identity(pulumi.ComponentResource):
    """Email sign-in with verification, a strong password policy and a read-only `tenantId` attribute."""

    user_pool_id: pulumi.Output[str]
    """The user pool's id."""
    user_pool_arn: pulumi.Output[str]
    """The user pool's ARN (the API's authorizer trusts it)."""
    client_id: pulumi.Output[str]
    """The app client's id (web and CLI clients sign in with it)."""

    def __init__(self, name: str, args: IdentityArgs = DEFAULTS, opts: pulumi.ResourceOptions | None = None) -> None:
        settings = with_defaults(args)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        mfa = settings["mfa"]
        self_sign_up = settings["allow_self_sign_up"]
        post_confirmation = settings.get("post_confirmation_function_arn")
        child_opts = pulumi.ResourceOptions(parent=self)
        self.user_pool: aws.cognito.UserPool = aws.cognito.UserPool(
            f"{name}-users",
            username_attributes=["email"],
            auto_verified_attributes=["email"],
            username_configuration=aws.cognito.UserPoolUsernameConfigurationArgs(case_sensitive=False),
            password_policy=aws.cognito.UserPoolPasswordPolicyArgs(
                minimum_length=settings["password_minimum_length"],
                require_lowercase=True,
                require_uppercase=True,
                require_numbers=True,
                require_symbols=True,
                temporary_password_validity_days=TEMPORARY_PASSWORD_DAYS,
            ),
            mfa_configuration=mfa,
            software_token_mfa_configuration=(
                aws.cognito.UserPoolSoftwareTokenMfaConfigurationArgs(enabled=True) if mfa != "OFF" else None
            ),
            admin_create_user_config=aws.cognito.UserPoolAdminCreateUserConfigArgs(
                allow_admin_create_user_only=not self_sign_up
            ),
            account_recovery_setting=aws.cognito.UserPoolAccountRecoverySettingArgs(
                recovery_mechanisms=[
                    aws.cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs(name="verified_email", priority=1)
                ]
            ),
            schemas=[
                aws.cognito.UserPoolSchemaArgs(
                    name=TENANT_ATTRIBUTE,
                    attribute_data_type="String",
                    mutable=True,
                    developer_only_attribute=False,
                    string_attribute_constraints=aws.cognito.UserPoolSchemaStringAttributeConstraintsArgs(
                        min_length="1", max_length=str(TENANT_MAX_LENGTH)
                    ),
                )
            ],
            lambda_config=(
                aws.cognito.UserPoolLambdaConfigArgs(post_confirmation=post_confirmation) if self_sign_up else None
            ),
            deletion_protection="ACTIVE" if settings["deletion_protection"] else "INACTIVE",
            # Trigger functions may update users only in pools carrying this tag (their grant's condition).
            tags={USER_POOL_TAG[0]: USER_POOL_TAG[1]},
            opts=child_opts,
        )
        self.client: aws.cognito.UserPoolClient = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=list(AUTH_FLOWS),
            id_token_validity=settings["id_token_hours"],
            access_token_validity=settings["access_token_hours"],
            refresh_token_validity=settings["refresh_token_days"],
            token_validity_units=aws.cognito.UserPoolClientTokenValidityUnitsArgs(
                id_token="hours", access_token="hours", refresh_token="days"
            ),
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            read_attributes=list(READ_ATTRIBUTES),
            write_attributes=list(WRITE_ATTRIBUTES),
            opts=child_opts,
        )
        if self_sign_up:
            # A permission on an alias names the function and the alias as its qualifier (a qualified ARN as the
            # function would read back unqualified, and show a change on every preview).
            target = pulumi.Output.from_input(settings["post_confirmation_function_arn"]).apply(split_qualifier)
            aws.lambda_.Permission(
                f"{name}-post-confirmation",
                action="lambda:InvokeFunction",
                function=target[0],
                qualifier=target[1],
                principal="cognito-idp.amazonaws.com",
                source_arn=self.user_pool.arn,
                opts=child_opts,
            )
        self.user_pool_id = self.user_pool.id
        self.user_pool_arn = self.user_pool.arn
        self.client_id = self.client.id
        self.register_outputs(
            {"userPoolId": self.user_pool_id, "userPoolArn": self.user_pool_arn, "clientId": self.client_id}
        )
