"""Sign-in: a Cognito user pool with a tenant per user, and the app client web and CLI clients use."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from handlers.catalog import USER_POOL_TAG
from handlers.core.tenancy import TENANT_ATTRIBUTE, TENANT_CLAIM

AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
"""SRP for web clients, password for scripts and the CLI, refresh to stay signed in."""
READ_ATTRIBUTES = ("email", "email_verified", TENANT_CLAIM)
WRITE_ATTRIBUTES = ("email",)
"""Explicit, and without the tenant: users must never change their own tenant."""


@dataclass
class IdentityArgs:
    """Settings of the user pool and its app client; defaults follow the seed's style (secure, dev-friendly)."""

    allow_self_sign_up: bool = False
    """Off: operators invite users (AdminCreateUser) and set their tenant. On: anyone may sign up
    and the post-confirmation trigger gives each new user a tenant of its own."""
    post_confirmation_function_arn: pulumi.Input[str] | None = None
    """The post-confirmation trigger (required when self sign-up is on)."""
    mfa: str = "OFF"
    """`OFF`, `OPTIONAL` or `ON` (authenticator apps)."""
    deletion_protection: bool = False
    """Development stacks can be torn down; production stacks turn this on."""
    password_minimum_length: int = 8
    id_token_hours: int = 1
    access_token_hours: int = 1
    refresh_token_days: int = 30


class Identity(pulumi.ComponentResource):
    """Email sign-in with verification, a strong password policy and a read-only `tenantId` attribute."""

    user_pool: aws.cognito.UserPool
    client: aws.cognito.UserPoolClient
    user_pool_id: pulumi.Output[str]
    user_pool_arn: pulumi.Output[str]
    client_id: pulumi.Output[str]

    def __init__(self, name: str, args: IdentityArgs | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:identity:Identity", name, None, opts)
        args = args or IdentityArgs()
        if args.mfa not in ("OFF", "OPTIONAL", "ON"):
            raise ValueError(f"mfa must be OFF, OPTIONAL or ON, not {args.mfa!r}")
        if args.allow_self_sign_up and args.post_confirmation_function_arn is None:
            raise ValueError("self sign-up needs the post-confirmation function that gives new users a tenant")
        child_opts = pulumi.ResourceOptions(parent=self)
        self.user_pool = aws.cognito.UserPool(
            f"{name}-users",
            username_attributes=["email"],
            auto_verified_attributes=["email"],
            username_configuration=aws.cognito.UserPoolUsernameConfigurationArgs(case_sensitive=False),
            password_policy=aws.cognito.UserPoolPasswordPolicyArgs(
                minimum_length=args.password_minimum_length,
                require_lowercase=True,
                require_uppercase=True,
                require_numbers=True,
                require_symbols=True,
                temporary_password_validity_days=7,
            ),
            mfa_configuration=args.mfa,
            software_token_mfa_configuration=(
                aws.cognito.UserPoolSoftwareTokenMfaConfigurationArgs(enabled=True) if args.mfa != "OFF" else None
            ),
            admin_create_user_config=aws.cognito.UserPoolAdminCreateUserConfigArgs(
                allow_admin_create_user_only=not args.allow_self_sign_up
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
                        min_length="1", max_length="64"
                    ),
                )
            ],
            lambda_config=(
                aws.cognito.UserPoolLambdaConfigArgs(post_confirmation=args.post_confirmation_function_arn)
                if args.allow_self_sign_up
                else None
            ),
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            # Trigger functions may update users only in pools carrying this tag (their grant's condition).
            tags={USER_POOL_TAG[0]: USER_POOL_TAG[1]},
            opts=child_opts,
        )
        self.client = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=list(AUTH_FLOWS),
            id_token_validity=args.id_token_hours,
            access_token_validity=args.access_token_hours,
            refresh_token_validity=args.refresh_token_days,
            token_validity_units=aws.cognito.UserPoolClientTokenValidityUnitsArgs(
                id_token="hours", access_token="hours", refresh_token="days"
            ),
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            read_attributes=list(READ_ATTRIBUTES),
            write_attributes=list(WRITE_ATTRIBUTES),
            opts=child_opts,
        )
        if args.allow_self_sign_up:
            aws.lambda_.Permission(
                f"{name}-post-confirmation",
                action="lambda:InvokeFunction",
                function=args.post_confirmation_function_arn,
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
