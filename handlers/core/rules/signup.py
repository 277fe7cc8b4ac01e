"""Self sign-up: a user who confirms their own account gets a tenant of their own.

Cognito runs the post-confirmation trigger for `ConfirmSignUp` and for `ConfirmForgotPassword`;
only the first is a new user. A user who already has a tenant (an operator set it) keeps it.
"""

from __future__ import annotations

from typing import Any

from handlers.contract import TENANT_CLAIM, is_valid_tenant

NEW_USER_SOURCE = "PostConfirmation_ConfirmSignUp"


def tenant_for_new_user(event: dict[str, Any]) -> str | None:
    """The tenant to give the confirmed user, or None when this is not a new, tenantless user."""
    if event.get("triggerSource") != NEW_USER_SOURCE:
        return None
    attributes = (event.get("request") or {}).get("userAttributes") or {}
    if attributes.get(TENANT_CLAIM):
        return None
    # The user's `sub` is unique and never reused: a tenant of their own, valid in every key.
    tenant = f"u-{attributes.get('sub', '')}"
    return tenant if is_valid_tenant(tenant) and attributes.get("sub") else None


def assign_tenant(cognito: Any, event: dict[str, Any], tenant: str) -> None:
    cognito.admin_update_user_attributes(
        UserPoolId=event["userPoolId"],
        Username=event["userName"],
        UserAttributes=[{"Name": TENANT_CLAIM, "Value": tenant}],
    )
