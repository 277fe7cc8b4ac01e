"""The policy of a browser-style S3 POST (PostObject), read and checked as S3 checks it, signature aside.

A presigned POST carries its own rules: the form's `policy` field is base64 JSON with an
`expiration` and `conditions` (exact values, `eq` and `starts-with` on fields and the bucket,
`content-length-range` on the file). S3 refuses a form that breaks one of them, and that is what
makes a POST able to limit what is uploaded. moto stores any POST, so the local stack checks them
here (`local/s3_post_policy.py` reads the form): the refusals carry S3's codes and messages.

Not checked: the signature (`x-amz-signature`) and the credential, date and algorithm fields
beyond the policy's own conditions on them, as moto checks no signature anywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

UNNAMED_FIELDS = frozenset({"policy", "file", "x-amz-signature", "signature", "awsaccesskeyid"})
"""Fields a policy need not name (S3's list, SigV4 and SigV2), besides any `x-ignore-` one."""
POLICY_INVALID = "Invalid according to Policy"


class Refusal(Exception):
    """S3's answer to a POST it refuses: the status, the error code, the message and any detail elements."""

    def __init__(self, status: int, code: str, message: str, **details: object) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.details = {name: str(value) for name, value in details.items()}

    def xml(self) -> bytes:
        """The error document as S3 writes it: `Code`, `Message`, the details, a request id."""
        elements = {"Code": self.code, "Message": self.message, **self.details, "RequestId": uuid.uuid4().hex[:16]}
        body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in elements.items())
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}</Error>'.encode()


def _invalid_policy(reason: str) -> Refusal:
    return Refusal(400, "InvalidPolicyDocument", f"Invalid Policy: {reason}")


def _violated(reason: str) -> Refusal:
    return Refusal(403, "AccessDenied", f"{POLICY_INVALID}: {reason}")


@dataclass(frozen=True)
class Condition:
    """`eq` or `starts-with` on one field (`bucket` is the request's bucket); `field` is lower case."""

    operator: str
    field: str
    value: str
    written: str
    """The condition as S3 quotes it back when it fails: `["eq", "$key", "…"]`."""

    def holds(self, actual: str | None) -> bool:
        if actual is None:
            return False
        return actual == self.value if self.operator == "eq" else actual.startswith(self.value)


@dataclass(frozen=True)
class Policy:
    expiration: datetime
    conditions: tuple[Condition, ...]
    size_range: tuple[int, int] | None
    """`content-length-range`: the smallest and the largest file accepted, in bytes."""

    def check_fields(self, bucket: str, fields: dict[str, str], now: datetime) -> None:
        """Raise S3's refusal when the policy has expired, a condition fails, or a field is not in the policy.

        `fields` are the form's fields before the file, names in lower case (S3 compares them so)."""
        if now >= self.expiration:
            raise _violated("Policy expired.")
        for condition in self.conditions:
            actual = bucket if condition.field == "bucket" else fields.get(condition.field)
            if not condition.holds(actual):
                raise _violated(f"Policy Condition failed: {condition.written}")
        named = {condition.field for condition in self.conditions}
        extra = [
            name
            for name in fields
            if name not in named and name not in UNNAMED_FIELDS and not name.startswith("x-ignore-")
        ]
        if extra:
            raise _violated(f"Extra input fields: {', '.join(extra)}")

    def check_size(self, size: int) -> None:
        """Raise `EntityTooLarge` or `EntityTooSmall` (400) when the file is outside `content-length-range`."""
        if self.size_range is None:
            return
        smallest, largest = self.size_range
        if size > largest:
            raise Refusal(
                400,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size",
                ProposedSize=size,
                MaxSizeAllowed=largest,
            )
        if size < smallest:
            raise Refusal(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                ProposedSize=size,
                MinSizeAllowed=smallest,
            )


def decode(encoded: str) -> Policy:
    """The policy of a form's `policy` field, or S3's `InvalidPolicyDocument` refusal (400)."""
    try:
        document = json.loads(base64.b64decode(encoded.encode("ascii"), validate=True))
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise _invalid_policy("Invalid JSON.") from None
    if not isinstance(document, dict):
        raise _invalid_policy("Invalid JSON.")
    if "expiration" not in document:
        raise _invalid_policy("Policy missing expiration.")
    if not isinstance(document.get("conditions"), list):
        raise _invalid_policy("Policy missing conditions.")
    conditions: list[Condition] = []
    size_range: tuple[int, int] | None = None
    for entry in document["conditions"]:
        if isinstance(entry, list) and entry and entry[0] == "content-length-range":
            size_range = _size_range(entry)
        else:
            conditions.append(_condition(entry))
    return Policy(_expiration(document["expiration"]), tuple(conditions), size_range)


def _expiration(value: Any) -> datetime:
    try:
        expiration = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        expiration = None
    if expiration is None or expiration.tzinfo is None:
        raise _invalid_policy(f"Invalid 'expiration' value: '{value}'")
    return expiration.astimezone(UTC)


def _size_range(entry: list[Any]) -> tuple[int, int]:
    bounds = entry[1:]
    if len(bounds) != 2 or not all(isinstance(bound, int) and bound >= 0 for bound in bounds) or bounds[0] > bounds[1]:
        raise _invalid_policy("Invalid content-length-range Condition")
    return bounds[0], bounds[1]


def _condition(entry: Any) -> Condition:
    """`{"field": "value"}` (exact), `["eq", "$field", "value"]` or `["starts-with", "$field", "prefix"]`."""
    if isinstance(entry, dict):
        if len(entry) != 1:
            raise _invalid_policy(
                "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
            )
        ((name, value),) = entry.items()
        operator, field = "eq", f"${name}"
    elif isinstance(entry, list) and len(entry) == 3 and entry[0] in ("eq", "starts-with"):
        operator, field, value = entry
    else:
        raise _invalid_policy(f"Invalid Condition: {json.dumps(entry)}")
    if not isinstance(field, str) or not field.startswith("$") or not isinstance(value, str):
        raise _invalid_policy(f"Invalid Condition: {json.dumps(entry)}")
    written = json.dumps([operator, field, value])
    return Condition(operator, field[1:].lower(), value, written)
