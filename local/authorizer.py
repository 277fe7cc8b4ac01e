"""API Gateway's Cognito user pools authorizer, as the local gateway plays it.

The deployed REST API checks the `Authorization` header of every operation but the CORS
preflight: the token alone, or `Bearer <token>` (what Amplify and most clients send), must be an
ID token of the user pool: RS256 signature by one of the pool's keys (JWKS), `iss` the pool's
AWS issuer, an `aud`, `token_use` `id`, not expired. Anything else is API Gateway's 401
`{"message": "Unauthorized"}`. As on AWS, the token may be of any app client of the pool: the
functions check its `aud` against the stack's app clients (`APP_CLIENT_IDS`). The claims reach the function at
`requestContext.authorizer.claims`, every value a string, formatted as API Gateway formats them.

Keys are fetched from where the keys are served (moto here, `cognito-idp.{region}.amazonaws.com`
on AWS); the issuer is checked against the AWS form on its own, as moto writes it in its tokens.
Locally the pool's JWKS serves the key the local Cognito made at start (`local/moto_cognito.py`);
a key moto ships is refused even if a JWKS serves it, since its private half is public.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from local.moto_cognito import published_moduli

logger = logging.getLogger(__name__)

BEARER = "Bearer "
"""The one prefix the authorizer takes off (with exactly one space), else the header is the token."""
ID_TOKEN = "id"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_CLAIMS = ("exp", "iat")
"""Claims API Gateway hands over as dates (`Sun Dec 17 07:28:12 UTC 2017`); `auth_time` stays a number."""


def issuer(region: str, user_pool_id: str) -> str:
    """The `iss` of every token of the pool, on AWS and in moto alike."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def token_of(header: str | None) -> str | None:
    """The token in an `Authorization` header value: the value itself, or what follows `Bearer `."""
    if not header:
        return None
    token = header[len(BEARER) :] if header.startswith(BEARER) else header
    return token or None


def api_gateway_date(seconds: float) -> str:
    """A time as API Gateway writes `exp` and `iat` in the claims (Java's `Date.toString()` in UTC)."""
    moment = time.gmtime(seconds)
    return (
        f"{_WEEKDAYS[moment.tm_wday]} {_MONTHS[moment.tm_mon - 1]} {moment.tm_mday:02d} "
        f"{moment.tm_hour:02d}:{moment.tm_min:02d}:{moment.tm_sec:02d} UTC {moment.tm_year}"
    )


def claims_as_strings(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as the function receives them: every value a string (`true`, `1513492092`, …)."""
    strings: dict[str, str] = {}
    for name, value in claims.items():
        if name in DATE_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
            strings[name] = api_gateway_date(value)
        elif isinstance(value, bool):
            strings[name] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            strings[name] = ",".join(str(item) for item in value)
        elif isinstance(value, dict):
            strings[name] = json.dumps(value, separators=(",", ":"))
        else:
            strings[name] = str(value)
    return strings


class CognitoAuthorizer:
    """Verifies the ID tokens of one user pool: of any of its app clients (API Gateway's), or of the given ones."""

    def __init__(
        self, *, region: str, user_pool_id: str, jwks_url: str, client_ids: Iterable[str] | None = None
    ) -> None:
        self.issuer = issuer(region, user_pool_id)
        self.client_ids = None if client_ids is None else list(client_ids)
        self.jwks_url = jwks_url
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True, timeout=10)

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as strings, or None when API Gateway would answer 401."""
        token = token_of(authorization)
        if token is None:
            return None
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            if _is_published(key.key):
                logger.error("the user pool's JWKS serves a key moto ships: its tokens are refused")
                return None
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                audience=self.client_ids,
                issuer=self.issuer,
                options={
                    "require": ["exp", "iat", "iss", "aud", "sub", "token_use"],
                    "verify_aud": self.client_ids is not None,
                },
            )
        except jwt.PyJWKClientConnectionError:
            logger.exception("the user pool's keys could not be fetched from %s", self.jwks_url)
            return None
        except (jwt.PyJWTError, ValueError):
            return None
        if claims.get("token_use") != ID_TOKEN:
            return None
        return claims_as_strings(claims)


def _is_published(key: Any) -> bool:
    """Whether a key is one whose private half ships with moto (anyone could sign with it)."""
    return isinstance(key, RSAPublicKey) and key.public_numbers().n in published_moduli()
