"""The REST layer shared by every API function: routing, validation, error mapping and CORS.

Each API function is its own Lambda with one catalog route, so this is a one-route request path
rather than a router: match the path, validate the query and body with the route's pydantic
models, call the view, answer in API Gateway's proxy format. Powertools' validated REST resolver
did the same at about 1.5x the cold start of `import boto3` on its own (`bench/cold_start.py`:
its package imports every resolver), so the answers keep its exact shape: `invalid request:
body.title: Field required` for invalid input, the same status codes, and the CORS headers on
every answer, errors and unknown routes included (browsers need them to read a 4xx).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from handlers.catalog import Route
from handlers.contract import is_episode_id, quoted
from handlers.core.runtime import startup
from handlers.core.runtime.cors import cors_headers
from handlers.core.runtime.errors import DomainError, LimitReached, NotFound
from handlers.core.runtime.settings import settings
from handlers.core.runtime.tenancy import EpisodeRef, claims_of_app, tenant_of_claims

logger = Logger()

APPLICATION_JSON = "application/json"
# Characters a path parameter may hold, as API Gateway hands them over (RFC 3986's unreserved and
# sub-delims, plus what API Gateway leaves decoded): a `"` or a `/` never matches a parameter.
_PARAMETER = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"


@dataclass(frozen=True)
class Response:
    """What a view answers: a status and a JSON body (None: no body)."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


def json_response(status: int, body: Any) -> Response:
    return Response(status, body)


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(status, {"message": message}, headers or {})


def no_content() -> Response:
    """204: done, nothing to say (no body, so no Content-Type either)."""
    return Response(204)


@dataclass(frozen=True)
class Request:
    """The caller of a request, from the claims the Cognito authorizer verified."""

    event: Mapping[str, Any]
    claims: Mapping[str, Any]
    """The ID token's claims, its `aud` one of the stack's app clients."""

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> Request:
        """The request of `event`, once its token is known to be one of the stack's app clients' (401 otherwise)."""
        authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
        return cls(event, claims_of_app(authorizer.get("claims"), settings().allowed_audiences()))

    @property
    def tenant(self) -> str:
        """The signed-in caller's tenant (403 without one)."""
        return tenant_of_claims(dict(self.claims))

    def episode(self, episode_id: str) -> EpisodeRef:
        """The episode `episode_id` of the caller's tenant: another tenant's id simply does not exist here.

        An id that cannot be an episode's is a 404 before anything is looked up, quoting only a short piece.
        """
        if not is_episode_id(episode_id):
            raise NotFound(f"episode {quoted(episode_id)} not found")
        return EpisodeRef(self.tenant, episode_id)


View = Callable[..., Response]
"""`view(request, **path_parameters, [query=model], [body=model or None])`."""
Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


class InvalidRequest(Exception):
    """The request does not fit the route's models: `(location, message)` per problem."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems

    def describe(self) -> str:
        """One readable line naming each invalid field, e.g. `body.title: Field required`."""
        return "invalid request: " + "; ".join(f"{where}: {what}" if where else what for where, what in self.problems)


def _problems(error: ValidationError, prefix: tuple[str | int, ...]) -> list[tuple[str, str]]:
    return [(".".join(str(step) for step in (*prefix, *detail["loc"])), detail["msg"]) for detail in error.errors()]


def _validate(
    model: type[BaseModel], value: Any, prefix: tuple[str, ...]
) -> tuple[BaseModel | None, list[tuple[str, str]]]:
    try:
        return model.model_validate(value, from_attributes=True), []
    except ValidationError as error:
        return None, _problems(error, prefix)


class RouteHandler:
    """One catalog route served by one view."""

    def __init__(self, route: Route, view: View) -> None:
        self.route = route
        self.view = view
        template = re.sub(r"\{(\w+)\}", lambda name: f"(?P<{name[1]}>{_PARAMETER})", route.path.rstrip("/"))
        self.pattern = re.compile(f"^{template}/*$")
        self.query_model = route.query_model
        self.request_model = route.request_model
        # The API's models build on first use (`model_base`): this route's, during init.
        for model in (self.query_model, self.request_model, route.response_model):
            if model is not None:
                model.model_rebuild()

    def respond(self, event: Mapping[str, Any]) -> Response:
        """The view's answer, or the 4xx that says what is wrong with the request."""
        match = self.pattern.match(event.get("path") or "")
        if not match or event.get("httpMethod") != self.route.method:
            return error_response(404, "no such route")
        try:
            # The caller first: a token of another app is refused before its request is read.
            request = Request.of(event)
            arguments = {name: unquote(value) for name, value in match.groupdict().items()}
            arguments.update(self._validated(event))
            return self.view(request, **arguments)
        except InvalidRequest as error:
            return error_response(400, error.describe())
        except RecursionError:
            # json.loads recurses per level: a body nested thousands deep is bad input, not a crash.
            return error_response(400, "invalid request body: nested too deeply")
        except DomainError as error:
            logger.info("request refused", extra={"status": error.status, "reason": error.message})
            if isinstance(error, LimitReached):
                return error_response(error.status, error.message, {"Retry-After": str(error.retry_after)})
            return error_response(error.status, error.message)

    def _validated(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """The query and body arguments of the view, validated; every problem at once."""
        arguments: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        if self.query_model:
            fields = {
                name: value for name in self.query_model.model_fields if (value := _query(event, name)) is not None
            }
            arguments["query"], found = _validate(self.query_model, fields, ())
            problems += found
        if self.request_model:
            body = _json_body(event)
            if body is None and self.route.request_body_required:
                problems.append(("body", "Field required"))
            elif body is not None:
                arguments["body"], found = _validate(self.request_model, body, ("body",))
                problems += found
            else:
                arguments["body"] = None
        if problems:
            raise InvalidRequest(problems)
        return arguments


def _json_body(event: Mapping[str, Any]) -> Any:
    """The body's JSON value; None when there is no body (or it is `null`)."""
    text = event.get("body")
    if not text:
        return None
    try:
        if event.get("isBase64Encoded"):
            text = base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise InvalidRequest([("body", "not base64-encoded UTF-8 text")]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidRequest([(f"body.{error.pos}", "JSON decode error")]) from error


def _query(event: Mapping[str, Any], name: str) -> str | None:
    """A query parameter; the first of its values when repeated (`?limit=3&limit=7` is 3)."""
    values = (event.get("multiValueQueryStringParameters") or {}).get(name)
    if values:
        return str(values[0])
    value = (event.get("queryStringParameters") or {}).get(name)
    return None if value is None else str(value)


def _header(event: Mapping[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    return next((value for key, value in headers.items() if key.lower() == name), None)


def proxy_response(response: Response) -> dict[str, Any]:
    """API Gateway's proxy answer, with the CORS headers every answer carries."""
    headers = {**cors_headers(settings().origin), **response.headers}
    multi_value_headers = {name: [value] for name, value in headers.items()}
    body = None
    if response.body is not None:
        multi_value_headers["Content-Type"] = [APPLICATION_JSON]
        body = json.dumps(response.body, separators=(",", ":"))
    return {
        "statusCode": response.status,
        "headers": headers,
        "multiValueHeaders": multi_value_headers,
        "body": body,
        "isBase64Encoded": False,
    }


def answer(handler: RouteHandler, event: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse a body that is not JSON, or a route's body declared as something else (415), else the route's answer."""
    content_type = _header(event, "content-type")
    declared_other = bool(content_type) and not str(content_type).lower().startswith(APPLICATION_JSON)
    if declared_other and (event.get("body") or handler.request_model):
        return proxy_response(error_response(415, "send the body as application/json"))
    return proxy_response(handler.respond(event))


def lambda_handler_for(route: Route, view: View, logger: Logger) -> Handler:
    """The Lambda entry point of an API function: correlation id from the request, CORS on every answer.

    Called last in the function's module: its init is done (`startup.initialised`).
    """
    handler = RouteHandler(route, view)

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return answer(handler, event)

    startup.initialised()
    return lambda_handler
