"""User pools in moto for the sign-in tests: the component's pool, users, and tokens minted by hand.

moto signs every pool's tokens with one RSA key that ships with it (its JWKS has `kid` `dummy`),
so a test can mint a token moto would have issued, expired or otherwise, and a key of its own
shows what a forger's token looks like.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import jwt
from botocore import UNSIGNED
from botocore.config import Config
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from components.identity import IdentityArgs
from local.cognito import create_user, sign_in
from local.resources import create_user_pool

REGION = "us-east-1"
PASSWORD = "Sign-in-test-1"
MOTO_KID = "dummy"


@dataclass(frozen=True)
class Pool:
    id: str
    client_id: str
    endpoint: str
    """Where the pool is served (moto, or the Cognito front before it)."""

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint}/{self.id}/.well-known/jwks.json"


def admin(endpoint: str) -> Any:
    """An operator's Cognito client (signed; any credentials do for moto)."""
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def public(endpoint: str) -> Any:
    """A client of Cognito's public operations, unsigned as a browser or the CLI sends them."""
    return boto3.client(
        "cognito-idp", region_name=REGION, endpoint_url=endpoint, config=Config(signature_version=UNSIGNED)
    )


def new_pool(moto_url: str, args: IdentityArgs | None = None, endpoint: str | None = None) -> Pool:
    """A pool and app client with the component's settings, uniquely named."""
    pool_id, client_id = create_user_pool(admin(moto_url), f"test-{uuid.uuid4().hex[:8]}", args)
    return Pool(pool_id, client_id, endpoint or moto_url)


def new_user(pool: Pool, tenant: str | None = "acme", email: str | None = None) -> str:
    """A confirmed user of the pool with that tenant (none when None); returns its email."""
    email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
    create_user(admin(pool.endpoint), pool.id, email, tenant, PASSWORD)
    return email


def tokens(pool: Pool, email: str) -> dict[str, Any]:
    """The user's IdToken, AccessToken and RefreshToken (USER_PASSWORD_AUTH)."""
    return sign_in(public(pool.endpoint), pool.client_id, email, PASSWORD)


def moto_key() -> Any:
    """The private key moto signs every pool's tokens with."""
    return jwt.PyJWK(dict(load_resource("cognitoidp/resources/jwks-private.json"))).key


def stranger_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def mint(claims: dict[str, Any], key: Any = None, kid: str = MOTO_KID) -> str:
    """An RS256 token of these claims, signed with moto's key unless another is given."""
    return jwt.encode(claims, key if key is not None else moto_key(), algorithm="RS256", headers={"kid": kid})


def id_claims(pool: Pool, **changes: Any) -> dict[str, Any]:
    """The claims of an ID token of the pool as moto writes them, valid for an hour, with changes."""
    now = int(time.time())
    claims = {
        "iss": pool.issuer,
        "sub": str(uuid.uuid4()),
        "aud": pool.client_id,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "jti": str(uuid.uuid4()),
        "cognito:username": str(uuid.uuid4()),
        "email": "minted@example.com",
        "custom:tenantId": "acme",
    }
    claims.update(changes)
    return claims
