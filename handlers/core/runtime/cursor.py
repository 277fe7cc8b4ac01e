"""Opaque pagination cursors: DynamoDB's LastEvaluatedKey, encrypted and authenticated.

A client gets `nextToken` and hands it back; it must not be able to read the table keys inside
nor forge one. AES-GCM gives both; the key is derived with HKDF from the stack's cursor key (the
`encryptionKey` secret, kept in a SecureString parameter), so the configured secret can be any
string. The listing name is bound as associated data, so a cursor from one listing is refused by
another.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from handlers.core.runtime.errors import BadRequest

_VERSION = b"\x01"
_NONCE_BYTES = 12


class CursorCodec:
    """Encrypts and decrypts pagination keys for one listing."""

    def __init__(self, secret: str, listing: str) -> None:
        if not secret:
            raise ValueError("an encryption key is required for cursors")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"nullcheck/cursor/v1").derive(secret.encode())
        self._aead = AESGCM(key)
        self._associated_data = listing.encode()

    def encode(self, last_evaluated_key: dict[str, Any]) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        plaintext = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
        sealed = self._aead.encrypt(nonce, plaintext, self._associated_data)
        return base64.urlsafe_b64encode(_VERSION + nonce + sealed).rstrip(b"=").decode()

    def decode(self, token: str) -> dict[str, str]:
        """The key inside `token`; `BadRequest` when it was not issued by this codec."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError) as error:
            raise BadRequest("nextToken is not a valid pagination token") from error
        version, nonce, sealed = raw[:1], raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
        if version != _VERSION or len(sealed) < 16:
            raise BadRequest("nextToken is not a valid pagination token")
        try:
            plaintext = self._aead.decrypt(nonce, sealed, self._associated_data)
        except InvalidTag as error:
            raise BadRequest("nextToken is not a valid pagination token") from error
        key = json.loads(plaintext)
        if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
            raise BadRequest("nextToken is not a valid pagination token")
        return key
