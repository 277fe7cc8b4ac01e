"""The server side of Cognito's SRP sign-in (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`), for the local stack.

moto answers `USER_SRP_AUTH` with random numbers and takes any password proof. The local Cognito
front plays Cognito's part instead: for a sign-in it computes the user's verifier from the
password moto holds, answers with a salt and `SRP_B`, and checks the client's
`PASSWORD_CLAIM_SIGNATURE` before moto sees the answer.

Cognito's SRP-6a variant, as its clients compute it (amazon-cognito-identity-js
`AuthenticationHelper`, pycognito `aws_srp`; the group, hashing and padding helpers are
pycognito's, the same code the CLI signs in with):

    N, g       the 3072-bit group of RFC 5054, g = 2;   k = H(pad(N) | pad(g))
    x          = H(pad(salt) | H(poolName | userId | ":" | password));   v = g^x
    B          = k·v + g^b;   u = H(pad(A) | pad(B))          (refused when A ≡ 0 or u = 0)
    S          = (A · v^u)^b                                  (the client: (B - k·g^x)^(a + u·x))
    K          = HKDF-SHA256(salt = pad(u), ikm = pad(S), info = "Caldera Derived Key")[:16]
    signature  = base64(HMAC-SHA256(K, poolName | userId | secretBlock | timestamp))

`poolName` is the pool id after its region, `userId` the challenge's `USER_ID_FOR_SRP`,
`secretBlock` the decoded `SECRET_BLOCK`, `timestamp` the answer's `TIMESTAMP` as sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pycognito.aws_srp import (
    G_HEX,
    N_HEX,
    calculate_u,
    compute_hkdf,
    hash_sha256,
    hex_hash,
    hex_to_long,
    long_to_hex,
    pad_hex,
)

N = hex_to_long(N_HEX)
G = hex_to_long(G_HEX)
K = hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))
SECRET_BLOCK_BYTES = 64
SECRET_EXPONENT_BITS = 1024
"""The size of the server's secret `b`: the clients draw `a` from 128 random bytes too (a full-size
exponent of 3072 bits would cost four times as long and buys nothing over it)."""
AUTH_SESSION_SECONDS = 180.0
"""How long a challenge may be answered: Cognito's default authentication session (3 minutes)."""
MAX_PENDING = 10_000


def verifier(pool_name: str, user_id: str, password: str, salt_hex: str) -> int:
    """v = g^x, x from the salt and the user's password (what Cognito stores instead of it)."""
    secret_hash = hash_sha256(f"{pool_name}{user_id}:{password}".encode())
    return pow(G, hex_to_long(hex_hash(pad_hex(salt_hex) + secret_hash)), N)


@dataclass(frozen=True)
class ServerChallenge:
    """One `PASSWORD_VERIFIER` challenge: what goes to the client, and the key its proof must use."""

    pool_name: str
    user_id: str
    salt: str
    """Hex, no leading zeros: every client reads it to the same padded value."""
    srp_b: str
    secret_block: str
    key: bytes

    @classmethod
    def start(cls, *, pool_name: str, user_id: str, password: str | None, srp_a: Any) -> ServerChallenge:
        """The server's half for the client's `SRP_A` (hex); ValueError for an `SRP_A` SRP forbids.

        A user without a password gets a challenge no answer can meet.
        """
        if not isinstance(srp_a, str):
            raise ValueError("SRP_A must be a hex string")
        big_a = hex_to_long(srp_a)
        if big_a % N == 0:
            raise ValueError("SRP_A is 0 modulo N")
        salt = long_to_hex(secrets.randbits(128) | 1 << 127)
        secret = password if password is not None else secrets.token_urlsafe(32)
        v = verifier(pool_name, user_id, secret, salt)
        b = secrets.randbits(SECRET_EXPONENT_BITS) | 1  # as long as the clients' own `a`
        big_b = (K * v + pow(G, b, N)) % N
        u = calculate_u(big_a, big_b)
        if u == 0:
            raise ValueError("u is 0: another SRP_A is needed")
        s = pow(big_a * pow(v, u, N), b, N)
        key = compute_hkdf(bytearray.fromhex(pad_hex(s)), bytearray.fromhex(pad_hex(long_to_hex(u))))
        secret_block = base64.standard_b64encode(secrets.token_bytes(SECRET_BLOCK_BYTES)).decode()
        return cls(pool_name, user_id, salt, long_to_hex(big_b), secret_block, bytes(key))

    def expected_signature(self, timestamp: str) -> str:
        message = (
            self.pool_name.encode()
            + self.user_id.encode()
            + base64.standard_b64decode(self.secret_block)
            + timestamp.encode()
        )
        return base64.standard_b64encode(hmac.new(self.key, message, hashlib.sha256).digest()).decode()

    def verifies(self, signature: Any, timestamp: Any) -> bool:
        """Whether `PASSWORD_CLAIM_SIGNATURE` proves the password (constant time)."""
        if not isinstance(signature, str) or not isinstance(timestamp, str):
            return False
        try:
            claimed = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(claimed, base64.standard_b64decode(self.expected_signature(timestamp)))


@dataclass(frozen=True)
class Pending:
    """A challenge handed out and not yet answered, with whatever the front needs to finish it."""

    challenge: ServerChallenge
    context: Any
    expires: float


class PendingChallenges:
    """Challenges in flight, by secret block: each is answered at most once, within its session time."""

    def __init__(
        self, ttl: float = AUTH_SESSION_SECONDS, limit: int = MAX_PENDING, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.limit, self.clock = ttl, limit, clock
        self._pending: OrderedDict[str, Pending] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, challenge: ServerChallenge, context: Any) -> None:
        with self._lock:
            now = self.clock()
            self._drop_expired(now)
            while len(self._pending) >= self.limit:
                self._pending.popitem(last=False)
            self._pending[challenge.secret_block] = Pending(challenge, context, now + self.ttl)

    def take(self, secret_block: Any) -> Pending | None:
        """The challenge of that secret block, removed; None when unknown, answered or expired."""
        if not isinstance(secret_block, str):
            return None
        with self._lock:
            pending = self._pending.pop(secret_block, None)
        if pending is None or pending.expires <= self.clock():
            return None
        return pending

    def _drop_expired(self, now: float) -> None:
        while self._pending:
            oldest = next(iter(self._pending.values()))
            if oldest.expires > now:
                return
            self._pending.popitem(last=False)
