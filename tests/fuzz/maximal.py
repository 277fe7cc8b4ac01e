"""The largest request an OpenAPI operation admits: every array at its `maxItems`, every string at
its `maxLength`, every optional field present.

Property-based generation rarely reaches the limits (a list of 10,000 parts is one draw in
millions), and that is where time goes quadratic: `uniqueItems` on the complete route's 10,000
parts kept the gateway busy for minutes. So each operation also gets this one case, built from
the schema: objects with all their properties; arrays as long as allowed, their items counted
up (the i-th item's integers are `minimum + i`, so items differ, as the 10,000 parts of a real
upload do); strings as long as allowed ("x" repeated, or the longest enum value or format
example); integers at their maximum. Unbounded sizes get `UNBOUNDED_ITEMS` / `UNBOUNDED_LENGTH`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from openapi_schema_validator import OAS30Validator

from handlers.contract import CLIP_TIMESTAMP_PATTERN

UNBOUNDED_ITEMS = 1_000
UNBOUNDED_LENGTH = 1_000
LARGE_INTEGER = 2**53 - 1
"""The largest integer every JSON parser reads exactly."""
FORMAT_EXAMPLES = {"date": "2026-06-11", "date-time": "2026-06-11T18:00:00.000000+02:00"}
PATTERN_EXAMPLES = {CLIP_TIMESTAMP_PATTERN: "99:59:59,999"}
"""The longest string a pattern admits, where repeating "x" does not match it."""

Document = dict[str, Any]


def resolve(document: Document, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, kind, name = schema["$ref"].split("/")
        schema = document["components"][kind][name]
    return schema


def maximal(document: Document, schema: dict[str, Any], index: int | None = None) -> Any:
    """The largest instance of `schema`; `index` is an array item's position (None elsewhere)."""
    schema = resolve(document, schema)
    if "enum" in schema:
        return max(schema["enum"], key=lambda value: len(json.dumps(value)))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [maximal(document, branch, index) for branch in schema[key]]
            return max(branches, key=lambda value: len(json.dumps(value)))
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(resolve(document, part))
        return maximal(document, merged, index)
    kind = schema.get("type", "string")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: maximal(document, prop, index) for name, prop in properties.items()}
    if kind == "array":
        count = schema.get("maxItems", UNBOUNDED_ITEMS)
        return [maximal(document, schema.get("items", {}), item) for item in range(count)]
    if kind == "integer":
        return _integer(schema, index)
    if kind == "number":
        return schema.get("maximum", float(LARGE_INTEGER))
    if kind == "boolean":
        return True
    return _string(schema)


def _integer(schema: dict[str, Any], index: int | None) -> int:
    highest = schema.get("maximum", LARGE_INTEGER) - (1 if schema.get("exclusiveMaximum") is True else 0)
    if index is None:
        return int(highest)
    lowest = schema.get("minimum", 0) + (1 if schema.get("exclusiveMinimum") is True else 0)
    return int(min(lowest + index, highest))


def _string(schema: dict[str, Any]) -> str:
    if schema.get("format") in FORMAT_EXAMPLES:
        return FORMAT_EXAMPLES[schema["format"]]
    if schema.get("pattern") in PATTERN_EXAMPLES:
        return PATTERN_EXAMPLES[schema["pattern"]]
    value = "x" * schema.get("maxLength", UNBOUNDED_LENGTH)
    pattern = schema.get("pattern")
    if pattern is not None and not re.search(pattern, value):
        raise ValueError(f"no maximal string for the pattern {pattern!r}: teach tests/fuzz/maximal.py one")
    return value


def maximal_request(document: Document, path: str, method: str) -> dict[str, Any]:
    """`path_parameters`, `query` and `body` (when the operation takes one) of the largest request,
    the body checked against its schema (a maximal case must be a valid one, or it only tests
    the gateway's refusal)."""
    operation = document["paths"][path][method.lower()]
    request: dict[str, Any] = {"path_parameters": {}, "query": {}}
    for parameter in operation.get("parameters", []):
        parameter = resolve(document, parameter)
        where = {"path": "path_parameters", "query": "query"}.get(parameter["in"])
        if where is not None:
            request[where][parameter["name"]] = maximal(document, parameter.get("schema", {}))
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        schema = content["schema"]
        body = maximal(document, schema)
        OAS30Validator({**schema, "components": document.get("components", {})}).validate(body)
        request["body"] = body
    return request
