"""What the local Cognito front changes and reads inside moto's user pools (moto 5.2.5, same process).

The local stack runs moto in its own process, so the front can do what no client of moto's HTTP
API can:

- **The signing key.** moto signs every pool's tokens with a private key that ships in its source
  (`cognitoidp/resources/jwks-private.json`): anyone could mint a token the pool's JWKS verifies.
  `install_signing_key` makes an RSA key when the local Cognito starts and has moto sign with it
  and serve its public half as every pool's JWKS. moto keeps its own access tokens and looks them
  up as issued, so nothing else changes. moto's user pools are process-wide, so is the key: made
  once per process, by the first local Cognito.
- **A sign-in's user.** moto takes challenge answers on trust (any SRP proof; a
  `NEW_PASSWORD_REQUIRED` answer may name any user of the pool). The front checks them against
  what moto recorded for the session: the user, and that user's password (`session_user`).

Everything here relies on moto's internals; `tests/unit/local/test_moto_cognito.py` pins each of
them, so a moto upgrade that moves one fails there first.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from joserfc import jwk
from moto.cognitoidp.models import CognitoIdpUserPool, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse
from moto.utilities.utils import load_resource

MOTO_KID = "dummy"
"""The `kid` moto writes in every token's header (`CognitoIdpUserPool.create_jwt`); the local key takes it."""
PUBLISHED_PUBLIC_KEYS = "cognitoidp/resources/jwks-public.json"
"""The public half of the key moto ships: no token signed with it may pass."""
KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    """The local pools' RSA key: moto signs with `private`; `jwks` is what the pools' JWKS serves."""

    private: jwk.RSAKey

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.private.as_dict(private=False)]}

    def pem(self) -> bytes:
        """The private key as PEM (for tests that mint a token the pool would have issued)."""
        return self.private.as_bytes(private=True)


_lock = threading.Lock()
_installed: SigningKey | None = None


def install_signing_key() -> SigningKey:
    """Have moto sign every pool's tokens, existing and future, with a key made now, and serve its
    public half at every pool's `/.well-known/jwks.json`. Idempotent within a process."""
    global _installed
    with _lock:
        if _installed is None:
            key = SigningKey(
                jwk.RSAKey.generate_key(
                    KEY_BITS, parameters={"kid": MOTO_KID, "alg": "RS256", "use": "sig"}, private=True
                )
            )
            # A data descriptor on the class outranks the instance attribute moto's __init__ sets
            # (to its shipped key): every pool, made before or after, reads this key; moto's own
            # assignment is ignored.
            signing = property(lambda _pool: key.private, lambda _pool, _shipped: None)
            setattr(CognitoIdpUserPool, "json_web_key", signing)  # noqa: B010 - moto declares it per instance
            CognitoIdpJsonWebKeyResponse.json_web_key = json.dumps(key.jwks).encode()
            _installed = key
        return _installed


@cache
def published_moduli() -> frozenset[int]:
    """The RSA moduli of the keys moto ships (their private halves are public): never trusted."""
    keys = load_resource(PUBLISHED_PUBLIC_KEYS)["keys"]
    return frozenset(int.from_bytes(_base64url(key["n"]), "big") for key in keys)


def _base64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SessionUser:
    """What moto recorded for a sign-in session: the pool and the user it found then."""

    pool: Any
    user: Any

    @property
    def pool_name(self) -> str:
        """The pool id's part after the region, as SRP clients use it (`us-east-1_AbC` → `AbC`)."""
        return str(self.pool.id).split("_")[1]

    @property
    def password(self) -> str | None:
        """The user's current password (moto keeps it as set), None when it has none."""
        password = getattr(self.user, "password", None)
        return password if isinstance(password, str) else None

    def is_named(self, username: Any) -> bool:
        """Whether moto, given `username` in a challenge answer, would find this very user."""
        return isinstance(username, str) and self.pool._get_user(username) is self.user


def session_user(session: Any) -> SessionUser | None:
    """The pool and user moto holds for a sign-in session (the `Session` of a challenge), as its
    `RespondToAuthChallenge` finds them; None for a session moto does not know."""
    if not isinstance(session, str) or not session:
        return None
    for backend in _backends():
        recorded = backend.sessions.get(session)
        if recorded is not None:
            username, pool = recorded
            user = pool._get_user(username)
            return SessionUser(pool, user) if user is not None else None
    return None


def _backends() -> Iterator[Any]:
    """Every account's and region's Cognito backend, as moto searches them for a session."""
    for accounts in list(cognitoidp_backends.values()):
        for region, backend in list(accounts.items()):
            if region != "global":
                yield backend
