"""MediaConvert's REST-JSON surface for the local MediaConvert: routes, request bodies and error answers.

`handle` turns one HTTP request into one `Answer` by calling the emulator's operations; it runs
without a socket. Errors answer as the service does, so botocore raises the same `ClientError`:
a JSON `{"message": ...}` body and the error code in the `x-amzn-ErrorType` header. The SigV4
signature is not checked.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from local.http_server import Answer

logger = logging.getLogger(__name__)

API_PREFIX = "/2017-08-29"
MAX_BODY_BYTES = 1024 * 1024
"""Far above any CreateJob body: job settings name their files by URI, they never carry media."""

_JOB_PATH = re.compile(rf"^{API_PREFIX}/jobs/([^/]+)$")


class ApiError(Exception):
    """A request the service would refuse: HTTP status, `x-amzn-ErrorType` and message."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message

    def answer(self) -> Answer:
        return _json_answer(self.status, {"message": self.message}, {"x-amzn-ErrorType": self.error_type})


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequestException", message)


class Operations(Protocol):
    """What the routes call: the emulator's operations and the URL it serves on."""

    url: str

    def create_job(self, body: dict[str, Any]) -> dict[str, Any]: ...

    def get_job(self, job_id: str) -> dict[str, Any]: ...


def handle(operations: Operations, method: str, target: str, body: bytes) -> Answer:
    """One request to one answer: CreateJob, GetJob or DescribeEndpoints, else the service's error."""
    path = unquote(urlsplit(target).path)
    try:
        status, payload = _route(operations, method, path, body)
    except ApiError as error:
        return error.answer()
    except Exception:
        # Answer like the service's 500 instead of dropping the connection on a bug.
        logger.exception("local MediaConvert failed on %s %s", method, target)
        return ApiError(500, "InternalServerErrorException", "internal error").answer()
    return _json_answer(status, payload)


def refuse(status: int, reason: str) -> Answer:
    """The answer to a request the HTTP server could not read (bad length, body too large, broken headers)."""
    return ApiError(status, "BadRequestException", reason).answer()


def _route(operations: Operations, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    if method == "POST" and path == f"{API_PREFIX}/jobs":
        return 201, {"job": operations.create_job(_json_object(body))}
    if method == "POST" and path == f"{API_PREFIX}/endpoints":
        return 200, {"endpoints": [{"url": operations.url}]}
    job = _JOB_PATH.match(path)
    if method == "GET" and job is not None:
        return 200, {"job": operations.get_job(job.group(1))}
    raise ApiError(404, "NotFoundException", f"The local MediaConvert does not serve {method} {path}")


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise bad_request("The request body must be a JSON object")
    return parsed


def _json_answer(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        status,
        json.dumps(payload).encode(),
        {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4()), **(headers or {})},
    )
