"""The REST layer shared by every API function: validation, error mapping and CORS.

Each API function is its own Lambda with one route, so each module builds its resolver here and
binds the route its catalog entry declares. Every answer, errors and unknown routes included,
carries the CORS headers: browsers need them to read a 4xx as much as a 200.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from re import Match
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.catalog import Route
from handlers.core.cors import cors_headers
from handlers.core.errors import DomainError
from handlers.core.settings import settings
from handlers.core.tenancy import EpisodeRef, tenant_of_claims

logger = Logger()


def error_response(status: int, message: str) -> Response[dict[str, str]]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body={"message": message})


def json_response(status: int, body: Any) -> Response[Any]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def no_content() -> Response[None]:
    """204: done, nothing to say (no body, so no Content-Type either)."""
    return Response(status_code=204, body=None)


def describe_validation_errors(error: RequestValidationError) -> str:
    """One readable line naming each invalid field, e.g. `body.title: Field required`."""
    parts = []
    for detail in error.errors():
        steps = [str(step) for step in detail.get("loc", ())]
        # Query models nest under their parameter name; the client only knows the field.
        location = ".".join(steps[2:] if steps[:2] == ["query", "query"] else steps)
        parts.append(f"{location}: {detail.get('msg', 'invalid')}" if location else str(detail.get("msg")))
    return "invalid request: " + "; ".join(parts)


def bind(app: APIGatewayRestResolver, route: Route) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view for a catalog route (`{param}` in the catalog is `<param>` for the resolver)."""
    return app.route(re.sub(r"\{(\w+)\}", r"<\1>", route.path), route.method)


class DecodingRestResolver(APIGatewayRestResolver):
    """The REST resolver, with path parameters percent-decoded exactly once.

    API Gateway REST hands the path (and `pathParameters`) over still percent-encoded for
    reserved characters (`Browser%20Cam`), while other callers send them decoded; decoding
    here, before any view runs, makes both the same value.
    """

    def _convert_matches_into_route_keys(self, match: Match[str]) -> dict[str, str]:
        return {name: unquote(value) for name, value in match.groupdict().items()}


def caller_tenant(app: APIGatewayRestResolver) -> str:
    """The signed-in caller's tenant, from the claims the Cognito authorizer verified (403 without one)."""
    return tenant_of_claims(app.current_event.request_context.authorizer.claims)


def caller_episode(app: APIGatewayRestResolver, episode_id: str) -> EpisodeRef:
    """The episode `episode_id` of the caller's tenant: another tenant's id simply does not exist here."""
    return EpisodeRef(caller_tenant(app), episode_id)


def create_resolver() -> APIGatewayRestResolver:
    """A resolver that validates with pydantic and maps domain errors to 4xx answers."""
    app = DecodingRestResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[dict[str, str]]:
        return error_response(400, describe_validation_errors(error))

    @app.exception_handler(RecursionError)
    def nested_too_deeply(_: RecursionError) -> Response[dict[str, str]]:
        # json.loads recurses per level: a body nested thousands deep is bad input, not a crash.
        return error_response(400, "invalid request body: nested too deeply")

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError) -> Response[dict[str, str]]:
        logger.info("request refused", extra={"status": error.status, "reason": error.message})
        return error_response(error.status, error.message)

    @app.not_found
    def unknown_route(_: Exception) -> Response[dict[str, str]]:
        return error_response(404, "no such route")

    return app


def resolve_with_cors(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve the request, then add the CORS headers the resolver only adds for browser origins."""
    content_type = _header(event, "content-type")
    response: dict[str, Any]
    if event.get("body") and content_type and not content_type.lower().startswith("application/json"):
        response = _unsupported_media_type()
    else:
        response = app.resolve(event, context)
        if response["statusCode"] == 415:  # the resolver's own answer has no `message`
            response = _unsupported_media_type()
    headers = cors_headers(settings().origin)
    response.setdefault("headers", {}).update(headers)
    if "multiValueHeaders" in response:
        response["multiValueHeaders"].update({name: [value] for name, value in headers.items()})
    return response


def _unsupported_media_type() -> dict[str, Any]:
    return {
        "statusCode": 415,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps({"message": "send the body as application/json"}),
        "isBase64Encoded": False,
    }


def _header(event: dict[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    return next((value for key, value in headers.items() if key.lower() == name), None)


def lambda_handler_for(
    app: APIGatewayRestResolver, logger: Logger, tracer: Tracer
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda entry point of an API function: correlation id from the request, traced, CORS."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @tracer.capture_lambda_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return resolve_with_cors(app, event, context)

    return lambda_handler
