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


def api_event(
    method: str,
    resource: str,
    *,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event, as the integration delivers it."""
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
    for word, value in placeholders.items():
        text = text.replace(word, value)
    loaded: dict[str, Any] = json.loads(text)
    return loaded
