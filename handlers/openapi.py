"""The OpenAPI 3.0 document of the REST API, generated from the catalog's routes and models.

API Gateway imports it (the API component adds its `x-amazon-apigateway-*` extensions) and the
local stack serves and validates with it, so both validate requests against the same schemas.
`python -m handlers.openapi write` (`make openapi`) writes the document clients see, without
API Gateway's extensions, to `openapi/nullcheck.json`, the committed copy other languages'
clients generate their types from; a unit test fails while that copy is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from handlers.catalog import Function, Route, api_functions
from handlers.core.models.episodes import ErrorResponse

REF_TEMPLATE = "#/components/schemas/{model}"
SECURITY_SCHEME = "CognitoUserPool"
"""Every operation needs a Cognito ID token in `Authorization` (raw or `Bearer <token>`)."""
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted: still at work (follow the resource)",
    204: "No content",
    400: "Bad request",
    401: "No valid token",
    403: "Signed in without a tenant",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    429: "A tenant limit is reached (the message names it; Retry-After says when to ask again)",
}


def document(title: str = "NullCheck API", version: str = "1.0") -> dict[str, Any]:
    """The whole document: one operation per catalog route, schemas under components."""
    schemas: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for function, route in api_functions():
        paths.setdefault(route.path, {})[route.method.lower()] = operation(function, route, schemas)
    return {
        "openapi": "3.0.1",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "description": "A Cognito ID token of the stack's user pool, raw or as `Bearer <token>`",
                }
            },
        },
    }


def operation(function: Function, route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in route.path_parameters
    ]
    if route.query_model:
        parameters.extend(query_parameters(route.query_model, schemas))
    responses = {
        str(status): response(status, route.response_model, schemas)
        for status in (route.success_status, *route.also_success)
    }
    for status in sorted({400, 401, 403, *route.error_statuses}):
        responses[str(status)] = response(status, ErrorResponse, schemas)
    if "429" in responses:
        responses["429"]["headers"] = {
            "Retry-After": {
                "description": "Seconds until the limit the message names lets this request through",
                "schema": {"type": "integer"},
            }
        }
    op: dict[str, Any] = {
        "operationId": function.name,
        "summary": route.summary,
        "parameters": parameters,
        "responses": responses,
        "security": [{SECURITY_SCHEME: []}],
    }
    if route.request_model:
        op["requestBody"] = {
            "required": route.request_body_required,
            "content": {"application/json": {"schema": schema_ref(route.request_model, schemas, "validation")}},
        }
    return op


def response(status: int, model: type[BaseModel] | None, schemas: dict[str, Any]) -> dict[str, Any]:
    """A documented answer; without a model it has no body (204), so no content is declared."""
    if model is None:
        return {"description": _STATUS_TEXT.get(status, str(status))}
    return {
        "description": _STATUS_TEXT.get(status, str(status)),
        "content": {"application/json": {"schema": schema_ref(model, schemas, "serialization")}},
    }


def query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = openapi_schema(model.model_json_schema(ref_template=REF_TEMPLATE), schemas)
    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": _query_schema(prop)}
        for name, prop in schema["properties"].items()
    ]


def _query_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Query strings arrive as text; API Gateway and the local stack check their declared type."""
    return {key: value for key, value in schema.items() if key not in ("title", "default")}


def schema_ref(model: type[BaseModel], schemas: dict[str, Any], mode: JsonSchemaMode) -> dict[str, str]:
    """A reference to the model's schema (requests in validation mode, answers as serialised)."""
    name = model.__name__
    if name not in schemas:
        raw = model.model_json_schema(ref_template=REF_TEMPLATE, mode=mode)
        schemas[name] = openapi_schema(raw, schemas)
    return {"$ref": REF_TEMPLATE.format(model=name)}


def openapi_schema(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema from pydantic → the OpenAPI 3.0 / draft-4 subset API Gateway accepts.

    Nested `$defs` move to components; `anyOf [X, null]` becomes X with `nullable` (3.0 has no
    null type); pydantic's `title`s go, they only add noise to API Gateway models.
    """
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, openapi_schema(definition, schemas))
    return _convert(schema)


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    properties = node.get("properties")
    node = {key: _convert(value) for key, value in node.items() if key not in ("title", "properties")}
    if isinstance(properties, dict):
        # Property names are data, not keywords: a field may well be called "title".
        node["properties"] = {name: _convert(value) for name, value in properties.items()}
    variants = node.get("anyOf")
    if variants and {"type": "null"} in variants:
        others = [variant for variant in variants if variant != {"type": "null"}]
        node.pop("anyOf")
        base = others[0] if len(others) == 1 else {"anyOf": others}
        if "$ref" in base:
            # 3.0 ignores siblings of $ref, so a nullable reference needs allOf.
            base = {"allOf": [base]}
        node = {**base, **node, "nullable": True}
    return node


PUBLISHED = Path(__file__).resolve().parent.parent / "openapi" / "nullcheck.json"
"""The committed copy of the public document (what the local stack serves at `/openapi.json`)."""


def published() -> str:
    """The public document as committed: sorted keys, two-space indents and a final newline, for stable diffs."""
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(arguments: list[str]) -> int:
    """`write [PATH]`: write the public document to PATH (default: the committed copy)."""
    if not arguments or arguments[0] != "write" or len(arguments) > 2:
        print("usage: python -m handlers.openapi write [PATH]", file=sys.stderr)
        return 2
    target = Path(arguments[1]) if len(arguments) == 2 else PUBLISHED
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(published(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
