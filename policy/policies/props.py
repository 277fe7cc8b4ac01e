"""Reading a resource's props: mappings, "one or many" lists, numbers the program set, JSON in strings.

The engine hands rules read-only proxies, not dicts and lists, and values may be missing or still
unknown: these helpers answer with an empty value rather than raise, so a rule reports what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """A JSON/IAM "one or many" value as a list."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def explicit(props: Mapping[str, Any], key: str, *, zero_ok: bool = False) -> bool:
    """`key` is a number the program set: not missing, not a provider default (`__defaults`)."""
    value = props.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if key in as_list(props.get("__defaults")):
        return False
    return value >= 0 if zero_ok else value > 0


def tag(props: Mapping[str, Any], key: str) -> str:
    """A tag's value (the resource's own tags), "" when missing: reasons the program states in tags."""
    return str(mapping(props.get("tags")).get(key) or "").strip()


def parsed(text: Any) -> Any:
    """A JSON document held in a string input (IAM policies, event patterns, OpenAPI bodies)."""
    if isinstance(text, Mapping):
        return text
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
