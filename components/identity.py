"""Sign-in: a Cognito user pool with a tenant per user, and the app client web and CLI clients use."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

from typing import TypedDict

import pulumi
import pulumi_aws as aws

from handlers.catalog import USER_POOL_TAG
from handlers.contract import TENANT_ATTRIBUTE, TENANT_CLAIM, TENANT_MAX_LENGTH

AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
"""SRP for web clients and the CLI, password for scripts and the CLI, refresh to stay signed in."""
PASSWORD_AUTH_FLOW = "ALLOW_USER_PASSWORD_AUTH"
"""The flow that sends the password itself to Cognito: left out where `allow_password_auth` is false."""
READ_ATTRIBUTES = ("email", "email_verified", TENANT_CLAIM)
WRITE_ATTRIBUTES = ("email",)
"""Explicit, and without the tenant: users must never change their own tenant."""


TYPE = "nullcheck:index:Identity"
OLD_TYPE = "nullcheck:identity:Identity"
"""The token before the components were a package: an alias, so existing stacks keep their user pool."""
MFA_SETTINGS = ("OFF", "OPTIONAL", "ON")
THREAT_PROTECTION_SETTINGS = ("OFF", "AUDIT", "ENFORCED")
PLUS_TIER = "PLUS"
"""The feature plan threat protection needs (billed per monthly active user)."""
ESSENTIALS_TIER = "ESSENTIALS"
"""Cognito's default feature plan for new pools: every pool without threat protection is put (back) on it."""
VERIFIED_BEFORE_UPDATE = ("email",)
"""Attributes Cognito keeps at their old, verified value until the user confirms the new one with a code."""


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
    threat_protection: str
    """Cognito threat protection (compromised credentials, adaptive authentication): `OFF`, `AUDIT` (log the
    risk only) or `ENFORCED` (act on it). Anything but `OFF` puts the pool on the Plus feature plan, billed per
    monthly active user; `OFF` keeps it on Essentials. Default `OFF`."""
    allow_password_auth: bool
    """The app client accepts `USER_PASSWORD_AUTH` (the password is sent to Cognito). False: SRP only (the password
    is proven, never sent) and refresh. Default true."""
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
    "threat_protection": "OFF",
    "allow_password_auth": True,
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
    if settings["threat_protection"] not in THREAT_PROTECTION_SETTINGS:
        raise ValueError(f"threat_protection must be OFF, AUDIT or ENFORCED, not {settings['threat_protection']!r}")
    if settings["allow_self_sign_up"] and settings.get("post_confirmation_function_arn") is None:
        raise ValueError("self sign-up needs the post-confirmation function that gives new users a tenant")
    return settings


def auth_flows(allow_password_auth: bool = True) -> list[str]:
    """The app client's explicit auth flows: `AUTH_FLOWS`, without the password flow when it is not allowed."""
    return [flow for flow in AUTH_FLOWS if allow_password_auth or flow != PASSWORD_AUTH_FLOW]


def split_qualifier(function_arn: str) -> tuple[str, str | None]:
    """A Lambda ARN as the function's own ARN and its qualifier (alias or version; None when unqualified)."""
    # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    parts = function_arn.split(":")
    if len(parts) == 8:
        return ":".join(parts[:7]), parts[7]
    return function_arn, None


class Identity(pulumi.ComponentResource):
    """Email sign-in with verification, a strong password policy and a read-only `tenantId` attribute.

    A new email address takes effect only once verified (until then the old, verified one signs in). The app
    clients are listed once (`app_clients`): API Gateway's user pools authorizer accepts an ID token of any client
    of the pool, so the API's functions are given `app_client_ids` and refuse a token issued to any other."""

    user_pool_id: pulumi.Output[str]
    """The user pool's id."""
    user_pool_arn: pulumi.Output[str]
    """The user pool's ARN (the API's authorizer trusts it)."""
    client_id: pulumi.Output[str]
    """The app client's id (web and CLI clients sign in with it)."""
    app_client_ids: pulumi.Output[list[str]]
    """The ids of every app client of the stack: the only audiences (`aud`) whose ID tokens the API accepts."""

    def __init__(self, name: str, args: IdentityArgs = DEFAULTS, opts: pulumi.ResourceOptions | None = None) -> None:
        settings = with_defaults(args)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        mfa = settings["mfa"]
        threat_protection = settings["threat_protection"]
        self_sign_up = settings["allow_self_sign_up"]
        post_confirmation = settings.get("post_confirmation_function_arn")
        child_opts = pulumi.ResourceOptions(parent=self)
        self.user_pool: aws.cognito.UserPool = aws.cognito.UserPool(
            f"{name}-users",
            username_attributes=["email"],
            auto_verified_attributes=["email"],
            username_configuration=aws.cognito.UserPoolUsernameConfigurationArgs(case_sensitive=False),
            # A changed email is only a pending one until its code is entered: the verified address keeps signing
            # in and receiving codes, so a typo or a stolen session cannot move the account to an unproven address.
            user_attribute_update_settings=aws.cognito.UserPoolUserAttributeUpdateSettingsArgs(
                attributes_require_verification_before_updates=list(VERIFIED_BEFORE_UPDATE)
            ),
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
            # Threat protection needs the Plus plan; stated either way, so turning it off also leaves Plus.
            user_pool_add_ons=aws.cognito.UserPoolUserPoolAddOnsArgs(advanced_security_mode=threat_protection),
            user_pool_tier=PLUS_TIER if threat_protection != "OFF" else ESSENTIALS_TIER,
            # Trigger functions may update users only in pools carrying this tag (their grant's condition).
            tags={USER_POOL_TAG[0]: USER_POOL_TAG[1]},
            opts=child_opts,
        )
        self.client: aws.cognito.UserPoolClient = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=auth_flows(settings["allow_password_auth"]),
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
        self.app_clients: list[aws.cognito.UserPoolClient] = [self.client]
        """Every app client of the stack (a new one, such as a web studio's, joins here): the API accepts their
        tokens and no other client's."""
        self.user_pool_id = self.user_pool.id
        self.user_pool_arn = self.user_pool.arn
        self.client_id = self.client.id
        self.app_client_ids = pulumi.Output.all(*(client.id for client in self.app_clients))
        self.register_outputs(
            {
                "userPoolId": self.user_pool_id,
                "userPoolArn": self.user_pool_arn,
                "clientId": self.client_id,
                "appClientIds": self.app_client_ids,
            }
        )
