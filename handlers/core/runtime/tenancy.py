"""Who is calling: the app the token was issued to, and the tenant a signed-in user belongs to.

The Cognito user pools authorizer (and the local gateway playing it) verifies the ID token and
hands its claims to the function as strings; the tenant is the custom attribute `tenantId`,
which users can read but never write (the app client's write attributes leave it out).

The authorizer checks the token's signature, issuer (the pool) and expiry, but accepts an ID token
of any app client of the pool: one issued to another app of the same pool (whose write attributes,
token lifetimes or sign-in flows are not this stack's) would pass. So the token's `aud` must be one
of the stack's app clients (`APP_CLIENT_IDS`), or the request is refused as API Gateway refuses a
token it does not accept: 401. Not 403: the token is not valid for this API at all (RFC 7519's
`aud` rule), whereas 403 says a valid caller may not do this (a user without a tenant).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.contract import TENANT_CLAIM, TENANT_MAX_LENGTH, is_valid_tenant
from handlers.core.runtime.errors import DomainError


class Forbidden(DomainError):
    status = 403


class Unauthorized(DomainError):
    status = 401


def claims_of_app(claims: dict[str, Any] | None, app_client_ids: frozenset[str]) -> dict[str, Any]:
    """The claims of a token issued to one of the stack's app clients; `Unauthorized` (401) for any other."""
    audience = (claims or {}).get("aud")
    if not isinstance(audience, str) or audience not in app_client_ids:
        raise Unauthorized("Unauthorized: this token was issued to another app, not to this API's app clients")
    return dict(claims or {})


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
