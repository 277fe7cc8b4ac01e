"""Build Lambda events the way AWS delivers them, and call handlers with them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

EVENTS = Path(__file__).parent / "events"


class FakeContext:
    function_name = "nullcheck-test"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:nullcheck-test"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 25_000


TENANT = "studio-a"
"""The tenant of the signed-in caller in API events, unless a test names another."""
APP_CLIENT_ID = "example-client-id"
"""The app client the callers' ID tokens were issued to (`aud`): the test environment's `APP_CLIENT_IDS`."""


def id_token_claims(
    tenant: str | None, email: str = "producer@example.com", audience: str = APP_CLIENT_ID
) -> dict[str, str]:
    """What the Cognito user pools authorizer puts in `requestContext.authorizer.claims`: strings only."""
    claims = {
        "sub": "6f1b2c3d-0000-4000-8000-000000000001",
        "email": email,
        "email_verified": "true",
        "token_use": "id",
        "aud": audience,
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example",
        "cognito:username": "6f1b2c3d-0000-4000-8000-000000000001",
        "auth_time": "1764028800",
        "exp": "Tue Nov 25 01:00:00 UTC 2026",
        "iat": "Tue Nov 25 00:00:00 UTC 2026",
    }
    if tenant is not None:
        claims["custom:tenantId"] = tenant
    return claims


def api_event(
    method: str,
    resource: str,
    *,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    raw_body: str | None = None,
    tenant: str | None = TENANT,
    audience: str = APP_CLIENT_ID,
) -> dict[str, Any]:
    """An API Gateway REST proxy event, as the integration delivers it behind the Cognito authorizer.

    `tenant=None` is a signed-in user whose token carries no tenant; `audience` is the app client the token
    was issued to (the authorizer accepts any client of the pool).
    """
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", "Host": "api.example.com"},
        "multiValueHeaders": {"Content-Type": ["application/json"], "Host": ["api.example.com"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "path": f"/api{path}",
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": id_token_claims(tenant, audience=audience)},
        },
        "body": text,
        "isBase64Encoded": False,
    }


def invoke(module: ModuleType, event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Call a handler; returns status, JSON body and headers."""
    response = module.lambda_handler(event, FakeContext())
    return response["statusCode"], json.loads(response["body"] or "null"), response["headers"]


def load_event(name: str, **placeholders: str) -> dict[str, Any]:
    """A sample AWS event from tests/events (shapes from AWS documentation), placeholders filled.

    `load_event("mediaconvert_complete", EPISODE=id, BUCKET=name)` replaces those words everywhere.
    """
    text = (EVENTS / f"{name}.json").read_text()
    for word, value in {"TENANT": TENANT, **placeholders}.items():
        text = text.replace(word, value)
    loaded: dict[str, Any] = json.loads(text)
    return loaded
