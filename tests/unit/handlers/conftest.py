"""Handlers run against a moto server, reached the way the local stack reaches it: AWS_ENDPOINT_URL."""

from __future__ import annotations

import importlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
import requests

from components.caption_fonts import font_uris
from handlers.contract import TENANT_LIMIT_DEFAULTS
from handlers.core.runtime import clients
from local.moto_server import LocalMotoServer
from local.resources import create_bucket, create_cursor_key, create_table
from tests.lambda_events import APP_CLIENT_ID, TENANT, api_event, invoke

TABLE = "nullcheck-test"
BUCKET = "nullcheck-test-bucket"
CURSOR_KEY_NAME = "nullcheck-test-cursor-key"
CURSOR_KEY = "unit-test-secret"
"""The cursor key, a SecureString parameter in moto's SSM (made by `table` after each reset: version 1)."""
HANDLER_ENV = {
    "TABLE_NAME": TABLE,
    "BUCKET_NAME": BUCKET,
    "CURSOR_KEY_PARAMETER": f"{CURSOR_KEY_NAME}:1",
    "ORIGIN": "https://studio.example.com",
    "CHUNK_SECONDS": "120",
    "MEMORY_ID": "replaced-per-test",
    "MEDIACONVERT_ROLE_ARN": "arn:aws:iam::123456789012:role/nullcheck-mediaconvert",
    # High on purpose: these tests start more than a tenant's day allows; the limits' own tests set theirs.
    "TENANT_LIMITS": json.dumps(dict.fromkeys(TENANT_LIMIT_DEFAULTS, 10_000)),
    # The stack's app clients: the test events' tokens were issued to one of them.
    "APP_CLIENT_IDS": f"{APP_CLIENT_ID},studio-web-client-id",
    # The social captions' fonts, as the stack names them (the handlers only pass them on to MediaConvert).
    "CAPTION_FONTS": font_uris(BUCKET),
}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # The local stack's moto server: its DynamoDB transactions are atomic under concurrency, as AWS's.
    server = LocalMotoServer()
    url = server.start()
    os.environ["AWS_ENDPOINT_URL"] = url
    os.environ.update(HANDLER_ENV)
    yield url
    server.stop()


@pytest.fixture
def table(moto_url: str) -> Any:
    """A fresh table (moto reset) per test, and the cursor key's parameter."""
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    create_table(boto3.client("dynamodb"), TABLE)
    create_cursor_key(boto3.client("ssm"), CURSOR_KEY_NAME, CURSOR_KEY)
    return clients.table(TABLE)


@pytest.fixture
def bucket(table: Any) -> str:
    """The media bucket, with the component's settings (created after the reset of `table`)."""
    create_bucket(boto3.client("s3"), BUCKET)
    return BUCKET


@pytest.fixture
def published(table: Any) -> Callable[[], list[dict[str, Any]]]:
    """Events NullCheck puts on the default bus, caught by a rule into an SQS queue."""
    sqs, events = boto3.client("sqs"), boto3.client("events")
    queue_url = sqs.create_queue(QueueName="published-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="catch-nullcheck", EventPattern=json.dumps({"source": ["nullcheck"]}))
    events.put_targets(Rule="catch-nullcheck", Targets=[{"Id": "queue", "Arn": queue_arn}])

    def drain() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]

    return drain


@pytest.fixture
def handler(moto_url: str) -> Callable[[str], ModuleType]:
    """Import a handler module once the environment points at moto."""
    return importlib.import_module


@pytest.fixture
def api(bucket: str, handler: Callable[[str], ModuleType]) -> Any:
    """Call the API handlers by name, as API Gateway would: `api(name, method, resource, body, **path)`."""
    modules = {
        name: handler(f"handlers.api.{name}")
        for name in (
            "create_episode",
            "get_episode",
            "request_transcript_upload",
            "start_track_upload",
            "presign_track_parts",
            "complete_track_upload",
            "delete_track",
            "list_clips",
        )
    }

    def call(
        name: str, method: str, resource: str, body: Any = None, as_tenant: str = TENANT, **path: str
    ) -> tuple[int, Any]:
        event = api_event(method, resource, path_parameters=path, body=body, tenant=as_tenant)
        status, answer, headers = invoke(modules[name], event)
        assert headers["Access-Control-Allow-Origin"]
        return status, answer

    return call
