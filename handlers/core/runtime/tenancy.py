"""Who is calling: the tenant a signed-in user belongs to.

The Cognito user pools authorizer (and the local gateway playing it) verifies the ID token and
hands its claims to the function as strings; the tenant is the custom attribute `tenantId`,
which users can read but never write (the app client's write attributes leave it out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.contract import TENANT_CLAIM, TENANT_MAX_LENGTH, is_valid_tenant
from handlers.core.runtime.errors import DomainError


class Forbidden(DomainError):
    status = 403


def tenant_of_claims(claims: dict[str, Any] | None) -> str:
    """The caller's tenant; `Forbidden` (403) for a signed-in user without a usable one."""
    tenant = (claims or {}).get(TENANT_CLAIM)
    if not isinstance(tenant, str) or not tenant:
        raise Forbidden("this account has no tenant: an operator must set its custom:tenantId attribute")
    if not is_valid_tenant(tenant):
        raise Forbidden(
            f"this account's tenant is not valid: letters, digits, - and _ only (at most {TENANT_MAX_LENGTH})"
        )
    return tenant


@dataclass(frozen=True)
class EpisodeRef:
    """An episode as the system addresses it: its id within its tenant. Every key starts here."""

    tenant: str
    id: str
