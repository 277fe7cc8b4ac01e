"""API Gateway on 127.0.0.1: the catalog's routes, the Cognito authorizer, the same OpenAPI validation
and CORS, proxy events.

In API Gateway's order: a method or path the API does not declare is 403 `Missing Authentication
Token` before anything else; the CORS preflight needs no token; every other request must carry
an ID token of the user pool (`local/authorizer.py`) or is 401 `Unauthorized`; then requests are
validated the way the deployed API's "Validate All" validator does (request body against its
schema, required parameters present) using the same generated OpenAPI document, and turned into
REST API Lambda proxy events, with the token's claims, for the real handler functions.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import ValidationError
from openapi_schema_validator import OAS30Validator

from handlers.catalog import Function, Route, api_functions
from handlers.core.runtime.cors import cors_headers
from handlers.openapi import document
from local.http_server import Answer, LocalHttpServer
from local.lambda_runtime import invoke_handler

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
MAX_QUOTED_CHARS = 120
"""How much of a client's input an error message may quote back."""
MISSING_AUTHENTICATION_TOKEN = "Missing Authentication Token"
"""API Gateway's answer (403) to any method and path the API does not declare."""
UNAUTHORIZED = "Unauthorized"
"""API Gateway's answer (401) to a missing, malformed, tampered or expired token."""
Invoke = Callable[[Function, dict[str, Any]], dict[str, Any]]
Authorizer = Callable[[str | None], dict[str, str] | None]
"""`Authorization` header value → the claims as strings, or None for 401 (`CognitoAuthorizer.claims`)."""


@dataclass(frozen=True)
class _CompiledRoute:
    function: Function
    route: Route
    pattern: re.Pattern[str]


def proxy_event(
    route: Route,
    path: str,
    path_parameters: dict[str, str],
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: str | None,
    stage: str,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST API (v1) Lambda proxy event, as API Gateway builds it (with a Cognito authorizer's claims)."""
    single_query = dict(query) or None
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    return {
        "resource": route.path,
        "path": path,
        "httpMethod": route.method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route.path,
            "httpMethod": route.method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(datetime.now(UTC).timestamp() * 1000),
            "identity": {"sourceIp": "127.0.0.1"},
            "accountId": "000000000000",
            "apiId": "local",
            **({"authorizer": {"claims": claims}} if claims is not None else {}),
        },
        "body": body,
        "isBase64Encoded": False,
    }


def _describe(error: ValidationError) -> str:
    """The validator's message, with the input it quotes cut short (it may be megabytes)."""
    quoted = repr(error.instance)
    message = (
        error.message.replace(quoted, quoted[:MAX_QUOTED_CHARS] + "…")
        if len(quoted) > MAX_QUOTED_CHARS
        else error.message
    )
    return message[: 4 * MAX_QUOTED_CHARS]


class LocalApiGateway:
    """Routes, validates and answers like the deployed REST API's stage."""

    def __init__(
        self,
        *,
        origin: str = "*",
        stage: str = "api",
        invoke: Invoke = invoke_handler,
        authorizer: Authorizer | None = None,
    ) -> None:
        self.origin = origin
        self.stage = stage
        self.invoke = invoke
        self.authorizer = authorizer
        """Every declared operation but the preflight needs a token it accepts; None: no sign-in."""
        self.document = document()
        components = self.document["components"]
        self._validators = {
            name: OAS30Validator({"$ref": f"#/components/schemas/{name}", "components": components})
            for name in components["schemas"]
        }
        self._routes = [
            _CompiledRoute(function, route, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.path) + "$"))
            for function, route in api_functions()
        ]
        self._server = LocalHttpServer(
            self.handle,
            name="local-api",
            max_body=MAX_BODY_BYTES,
            refuse=self._error,
        )

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One HTTP request to one answer (the HTTP server only moves bytes)."""
        url = urlsplit(target)
        prefix = f"/{self.stage}"
        if url.path != prefix and not url.path.startswith(prefix + "/"):
            return self._error(403, MISSING_AUTHENTICATION_TOKEN)
        path = url.path[len(prefix) :] or "/"
        if method == "GET" and path == "/openapi.json":
            return self._json(200, self.document)
        matches = [(r, m) for r in self._routes if (m := r.pattern.match(path))]
        if matches and method == "OPTIONS":
            return Answer(200, b"", cors_headers(self.origin))
        chosen = next(((r, m) for r, m in matches if r.route.method == method), None)
        if chosen is None:
            return self._error(403, MISSING_AUTHENTICATION_TOKEN)
        compiled, match = chosen
        if len(body) > MAX_BODY_BYTES:
            return self._error(413, "request body too large")
        claims = None
        if self.authorizer is not None:
            claims = self.authorizer(next((v for k, v in headers.items() if k.lower() == "authorization"), None))
            if claims is None:
                return self._error(401, UNAUTHORIZED)
        problem = self._validate(compiled.route, headers, body)
        if problem:
            return self._error(400, problem)
        text = body.decode("utf-8", errors="replace") if body else None
        query = parse_qsl(url.query)
        event = proxy_event(compiled.route, path, match.groupdict(), query, headers, text, self.stage, claims)
        try:
            result = self.invoke(compiled.function, event)
        except Exception:  # a crashed function is API Gateway's 502, never silence
            return self._error(502, "Internal server error")
        answer_headers = {**result.get("headers", {})}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            answer_headers[name] = ",".join(values)
        return Answer(int(result["statusCode"]), (result.get("body") or "").encode(), answer_headers)

    def _validate(self, route: Route, headers: dict[str, str], body: bytes) -> str | None:
        """What API Gateway's "Validate All" would refuse, in the words of our gateway response."""
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
        if route.request_model is None or not content_type.lower().startswith("application/json"):
            # Like API Gateway: no model for that media type, so the function decides.
            return None
        if not body and not route.request_body_required:
            return None
        try:
            payload = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            return "invalid request body: not JSON"
        except RecursionError:
            return "invalid request body: nested too deeply"
        errors = sorted(self._validators[route.request_model.__name__].iter_errors(payload), key=str)
        if errors:
            where = "/".join(str(step) for step in errors[0].absolute_path)
            return f"invalid request body: {where + ': ' if where else ''}{_describe(errors[0])}"
        return None

    def _json(self, status: int, payload: Any) -> Answer:
        return Answer(
            status, json.dumps(payload).encode(), {"Content-Type": "application/json", **cors_headers(self.origin)}
        )

    def _error(self, status: int, message: str) -> Answer:
        return self._json(status, {"message": message})

    def start(self, port: int = 3000, host: str = "127.0.0.1") -> str:
        port = self._server.start(port, host)
        return f"http://{host}:{port}/{self.stage}"

    def stop(self) -> None:
        self._server.stop()
