"""API Gateway on 127.0.0.1: the catalog's routes, the Cognito authorizer, the same OpenAPI validation
and CORS, proxy events.

In API Gateway's order: a method or path the API does not declare is 403 `Missing Authentication
Token` before anything else; the CORS preflight needs no token; every other request must carry
an ID token of the user pool (`local/authorizer.py`) or is 401 `Unauthorized`; then requests are
validated the way the deployed API's "Validate All" validator does (request body against its
schema, required parameters present) using the same generated OpenAPI document, and turned into
REST API Lambda proxy events, with the token's claims, for the real handler functions.

Timeouts are API Gateway's and Lambda's (`answer_within`): a function that runs past its own timeout
(`Function.timeout_seconds`, else 25 s, enforced by the local Lambda runtime) is a failed invocation,
502 `Internal server error`; an integration that has not answered after 29 s (the REST API's
default integration timeout, the gateway's `integration_timeout_seconds`) is the `INTEGRATION_TIMEOUT`
gateway response, 504 `Endpoint request timed out`. Either way the handler runs on in its thread: as a
Lambda function runs on after API Gateway gave up on it, and (where Lambda would stop it) past its own
timeout too.
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
from local.timeouts import TimedOut, call_within

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
MAX_QUOTED_CHARS = 120
"""How much of a client's input an error message may quote back."""
MISSING_AUTHENTICATION_TOKEN = "Missing Authentication Token"
"""API Gateway's answer (403) to any method and path the API does not declare."""
UNAUTHORIZED = "Unauthorized"
"""API Gateway's answer (401) to a missing, malformed, tampered or expired token."""
INTERNAL_SERVER_ERROR = "Internal server error"
"""API Gateway's answer (502) when the Lambda invocation fails: the function raised or passed its timeout."""
ENDPOINT_REQUEST_TIMED_OUT = "Endpoint request timed out"
"""API Gateway's answer (504, gateway response `INTEGRATION_TIMEOUT`) when the integration takes too long."""
INTEGRATION_TIMEOUT_SECONDS = 29.0
"""A REST API's default (and, without a quota increase, longest) integration timeout."""
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


def inline_references(schema: Any, schemas: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """`schema` with each `#/components/schemas/…` reference replaced by the schema it names
    (a reference back into a schema being written out stays, for the validator to resolve)."""
    if isinstance(schema, list):
        return [inline_references(item, schemas, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    reference = schema.get("$ref")
    prefix = "#/components/schemas/"
    if isinstance(reference, str) and reference.startswith(prefix) and reference[len(prefix) :] not in seen:
        name = reference[len(prefix) :]
        # The reference's siblings go: OpenAPI 3.0 (and the draft-4 validator) ignore them.
        return inline_references(schemas[name], schemas, (*seen, name))
    return {key: inline_references(value, schemas, seen) for key, value in schema.items()}


class LocalApiGateway:
    """Routes, validates and answers like the deployed REST API's stage."""

    def __init__(
        self,
        *,
        origin: str = "*",
        stage: str = "api",
        invoke: Invoke = invoke_handler,
        authorizer: Authorizer | None = None,
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        self.origin = origin
        self.stage = stage
        self.invoke = invoke
        self.authorizer = authorizer
        """Every declared operation but the preflight needs a token it accepts; None: no sign-in."""
        self.integration_timeout_seconds = integration_timeout_seconds
        """How long a request waits for its function (tests set less than API Gateway's 29 s)."""
        self.document = document()
        components = self.document["components"]
        # Each model's references written out in place: jsonschema resolves a `$ref` again for
        # every item it validates, a third of the time of a complete with 10,000 parts.
        self._validators = {
            name: OAS30Validator({**inline_references(schema, components["schemas"]), "components": components})
            for name, schema in components["schemas"].items()
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
        return self.answer_within(compiled.function, event)

    def answer_within(self, function: Function, event: dict[str, Any]) -> Answer:
        """The function's answer to the proxy event, or API Gateway's when it fails or is too slow.

        - the function raised, or passed its own timeout (the runtime raises `FunctionTimedOut`): Lambda
          reports a failed invocation and API Gateway answers 502 `{"message": "Internal server error"}`;
        - no answer within `integration_timeout_seconds` (a function allowed longer than 29 s, or a
          slow start): 504 `{"message": "Endpoint request timed out"}`.

        The handler runs on in its thread after either (see `local/timeouts.py`): what it does later
        still happens, and a client that gave up cannot tell whether it did.
        """
        try:
            result = call_within(
                self.integration_timeout_seconds, lambda: self.invoke(function, event), name=f"api-{function.name}"
            )
        except TimedOut:
            return self._error(504, ENDPOINT_REQUEST_TIMED_OUT)
        except Exception:  # a crashed or timed-out function is API Gateway's 502, never silence
            return self._error(502, INTERNAL_SERVER_ERROR)
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
        # Ordered by message and place, not by `str(error)`, which pretty-prints the failing
        # instance: seconds for a list of 10,000 items.
        errors = sorted(
            self._validators[route.request_model.__name__].iter_errors(payload),
            key=lambda error: (error.message, [str(step) for step in error.absolute_path], str(error.validator)),
        )
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
