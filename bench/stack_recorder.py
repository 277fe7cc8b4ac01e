"""A local stack in its own process that writes down every call an AWS bill is made of.

`RecordingStack` is a `local.stack_process.StackProcess` whose child is this module:
`python -m bench.stack_recorder CONNECTION_FILE CONFIG_JSON RECORD_FILE FUNCTION_LOG`. Before it
runs `local.stack_process.serve`, the child wraps, at run time and without changing what they do:

- `LocalLambda.invoke`: function, memory, trigger kind, duration, error, the track an event names;
- the local moto server's WSGI app (outermost, around the wrappers `local.moto_server` puts on):
  one line per request: the service (the SigV4 credential scope), the operation, status and bytes,
  whether it came through a presigned URL; DynamoDB item sizes (for request units) and
  EventBridge `PutEvents` entries by source;
- `local.bedrock.converse`: the model and `usage` of each Converse answer (the local model's
  counts: about four characters a token, an estimate);
- `LocalMediaConvert`: each job's settings, its input's frame rate and size, its output's duration
  and size, and when it was submitted, started and finished.

Each record is a JSON line of RECORD_FILE with its wall-clock time `at`. The functions' log lines
go to FUNCTION_LOG (their size stands for what CloudWatch Logs would ingest).
"""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from handlers.contract import DEFAULT_FUNCTION_MEMORY_MB
from local.stack_process import START_TIMEOUT, StackProcess

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
BODY_LIMIT = 1 << 20
"""JSON bodies read to record them (DynamoDB, EventBridge) are far smaller; larger ones are not read."""


class Recorder:
    """Appends one JSON line per call, from any thread."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", buffering=1)
        self._lock = threading.Lock()

    def __call__(self, kind: str, **fields: Any) -> None:
        line = json.dumps({"kind": kind, "at": fields.pop("at", time.time()), **fields}, default=str)
        with self._lock:
            self._file.write(line + "\n")


# --- Lambda ------------------------------------------------------------------------------------


def record_invocations(record: Recorder) -> None:
    from local.lambda_runtime import LocalLambda

    invoke = LocalLambda.invoke

    @functools.wraps(invoke)
    def recorded(self: Any, function: Any, event: dict[str, Any]) -> dict[str, Any]:
        started, began, error = time.time(), time.perf_counter(), None
        try:
            return invoke(self, function, event)
        except BaseException as failure:
            error = type(failure).__name__
            raise
        finally:
            detail = _mapping(event.get("detail"))
            metadata = _mapping(detail.get("userMetadata"))
            record(
                "lambda",
                at=started,
                function=function.name,
                trigger=type(function.trigger).__name__,
                memoryMb=function.memory_mb or DEFAULT_FUNCTION_MEMORY_MB,
                ms=(time.perf_counter() - began) * 1000,
                end=time.time(),
                error=error,
                track=metadata.get("trackName") or detail.get("trackName"),
                status=detail.get("status"),
            )

    LocalLambda.invoke = recorded  # type: ignore[method-assign]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --- moto (S3, DynamoDB, EventBridge, SQS, ...) --------------------------------------------------


def signing_service(environ: dict[str, Any], query: dict[str, list[str]]) -> str:
    """The service a request was signed for: the credential scope's fourth part (header or presigned)."""
    credential = environ.get("HTTP_AUTHORIZATION", "").partition("Credential=")[2].split(",")[0]
    credential = credential or (query.get("X-Amz-Credential") or [""])[0]
    parts = credential.split("/")
    return parts[3] if len(parts) >= 5 else "unknown"


def s3_operation(method: str, path: str, query: dict[str, list[str]], copy_source: bool) -> str:
    """The operation of a path-style S3 request."""
    bucket_and_key = path.lstrip("/").split("/", 1)
    key = bucket_and_key[1] if len(bucket_and_key) == 2 else ""
    if method == "PUT":
        if "partNumber" in query:
            return "UploadPartCopy" if copy_source else "UploadPart"
        if key:
            return "CopyObject" if copy_source else "PutObject"
        return "PutBucket" + "".join(name.title() for name in query)
    if method == "POST":
        for name, operation in (("uploads", "CreateMultipartUpload"), ("uploadId", "CompleteMultipartUpload")):
            if name in query:
                return operation
        return "DeleteObjects" if "delete" in query else "PostObject"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    if method == "HEAD":
        return "HeadObject" if key else "HeadBucket"
    if not key:
        listing = {"versions": "ListObjectVersions", "uploads": "ListMultipartUploads", "list-type": "ListObjectsV2"}
        fallback = "GetBucket" if query else "ListObjects"
        return next((op for name, op in listing.items() if name in query), fallback)
    if "uploadId" in query:
        return "ListParts"
    return "GetObjectTagging" if "tagging" in query else "GetObject"


def item_bytes(value: Any) -> int:
    """About what DynamoDB counts for an item (attribute names plus values), from its wire form."""
    if not isinstance(value, dict):
        return 0
    return sum(len(name.encode()) + _value_bytes(attribute) for name, attribute in value.items())


def _value_bytes(attribute: Any) -> int:
    if not isinstance(attribute, dict) or not attribute:
        return 1
    kind, value = next(iter(attribute.items()))
    if kind == "S":
        return len(str(value).encode())
    if kind == "N":
        return len(str(value)) // 2 + 2
    if kind == "B":
        return len(str(value)) * 3 // 4
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(item).encode()) for item in value)
    if kind == "M":
        return 3 + sum(len(name.encode()) + _value_bytes(item) + 1 for name, item in value.items())
    if kind == "L":
        return 3 + sum(_value_bytes(item) + 1 for item in value)
    return 1  # BOOL, NULL


def dynamodb_details(operation: str, request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """What request units depend on: written item sizes or keys, read item sizes, consistency."""
    details: dict[str, Any] = {"consistent": bool(request.get("ConsistentRead"))}
    if operation == "PutItem":
        details["writes"] = [{"bytes": item_bytes(request.get("Item")), "key": _key(request.get("Item"))}]
    elif operation in ("UpdateItem", "DeleteItem"):
        details["writes"] = [{"bytes": None, "key": _key(request.get("Key"))}]
    elif operation == "TransactWriteItems":
        writes = []
        for entry in request.get("TransactItems") or []:
            action: dict[str, Any] = next(iter(entry.values()), {})
            if "Item" in action:
                writes.append({"bytes": item_bytes(action["Item"]), "key": _key(action["Item"])})
            elif "Key" in action:
                writes.append({"bytes": None, "key": _key(action["Key"]), "check": "ConditionCheck" in entry})
        details["writes"] = writes
    elif operation == "GetItem":
        details["reads"] = [item_bytes(answer.get("Item"))] if answer.get("Item") else []
    elif operation in ("Query", "Scan"):
        details["reads"] = [item_bytes(item) for item in answer.get("Items") or []]
    elif operation == "TransactGetItems":
        details["reads"] = [item_bytes(entry.get("Item")) for entry in answer.get("Responses") or []]
    elif operation == "BatchGetItem":
        details["reads"] = [item_bytes(item) for items in (answer.get("Responses") or {}).values() for item in items]
    return details


def _key(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    parts = [str(next(iter((item.get(name) or {"S": ""}).values()))) for name in ("pk", "sk")]
    return "|".join(parts)


def recording_app(app: WsgiApp, record: Recorder) -> WsgiApp:
    """Wrap the moto server's WSGI app: one record per request, the request itself untouched."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.time()
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        service = signing_service(environ, query)
        form_post = environ.get("CONTENT_TYPE", "").startswith("multipart/form-data") and service == "unknown"
        service = "s3" if form_post else service  # a browser-style POST upload: its signature is in the form
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        request_json = _read_json(environ) if target.startswith(("DynamoDB_", "AWSEvents.")) else None
        answer: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            answer["status"] = int(status.split()[0])
            answer["length"] = next((int(v) for k, v in headers if k.lower() == "content-length" and v.isdigit()), 0)
            return start_response(status, headers, *rest)

        body = app(environ, remember)
        fields: dict[str, Any] = {"service": service, "method": method}
        if target.startswith("DynamoDB_"):
            chunks = list(body)  # moto answers DynamoDB with a list already (see local.moto_server)
            body = chunks
            operation = target.split(".", 1)[1]
            details = dynamodb_details(operation, request_json or {}, _json(b"".join(chunks)))
            fields |= {"operation": operation, **details}
        elif service == "s3":
            operation = s3_operation(method, path, query, "HTTP_X_AMZ_COPY_SOURCE" in environ)
            key = path.lstrip("/").partition("/")[2]
            fields |= {"operation": operation, "key": key, "presigned": form_post or "X-Amz-Credential" in query}
            fields["bytesIn"] = int(environ.get("CONTENT_LENGTH") or 0)
        elif target:
            fields["operation"] = target.split(".", 1)[-1]
            if target == "AWSEvents.PutEvents":
                fields["sources"] = [entry.get("Source", "") for entry in (request_json or {}).get("Entries") or []]
        else:
            fields["operation"] = (query.get("Action") or [f"{method} {path[:200]}"])[0]
        sent = 0 if method == "HEAD" else answer.get("length", 0)  # a HEAD's Content-Length is the object's
        record("moto", at=started, status=answer.get("status"), bytesOut=sent, **fields)
        return body

    return wrapped


def _read_json(environ: dict[str, Any]) -> dict[str, Any] | None:
    """The request's JSON body, read once and handed on as a fresh stream (small bodies only)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= BODY_LIMIT:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    return _json(raw)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def record_moto_requests(record: Recorder) -> None:
    from local import moto_server

    outermost = moto_server.dynamodb_one_at_a_time  # LocalMotoServer.start wraps moto with it last
    moto_server.dynamodb_one_at_a_time = lambda app: recording_app(outermost(app), record)


# --- Bedrock and MediaConvert ---------------------------------------------------------------------


def record_converse(record: Recorder) -> None:
    from local import bedrock

    converse = bedrock.converse

    @functools.wraps(converse)
    def recorded(payload: Any, cache: Any = None, model_id: str = "") -> Any:
        answer = converse(payload, cache, model_id)
        body = _json(answer.body)
        usage = body.get("usage", {})
        record("bedrock", modelId=model_id, status=answer.status, stopReason=body.get("stopReason"), **usage)
        return answer

    bedrock.converse = recorded


def record_jobs(record: Recorder) -> None:
    from local.mediaconvert import LocalMediaConvert

    process, inspect = LocalMediaConvert._process, LocalMediaConvert._publish_input_information

    def inspected(self: Any, job: Any, info: Any) -> None:
        record("mediaconvert-input", job=job.id, frameRate=info.frame_rate, width=info.width, height=info.height)
        inspect(self, job, info)

    def processed(self: Any, job: Any) -> None:
        try:
            process(self, job)
        finally:
            output = job.output
            record(
                "mediaconvert",
                job=job.id,
                jobKind=job.user_metadata.get("kind"),
                track=job.user_metadata.get("trackName"),
                status=job.status,
                settings=job.settings,
                submitted=job.submitted_at,
                started=job.started_at,
                finished=job.finished_at,
                outputMs=output.duration_ms if output else None,
                width=output.width if output else None,
                height=output.height if output else None,
            )

    LocalMediaConvert._process = processed  # type: ignore[method-assign]
    LocalMediaConvert._publish_input_information = inspected  # type: ignore[method-assign]


def install(record: Recorder) -> None:
    """Every wrapper above; call before the stack is built."""
    record_invocations(record)
    record_moto_requests(record)
    record_converse(record)
    record_jobs(record)


class RecordingStack(StackProcess):
    """A `StackProcess` whose child records its calls to `record_file` (see the module docstring)."""

    def __init__(self, record_file: Path, function_log: Path, config: dict[str, Any] | None = None) -> None:
        super().__init__(config=config)
        self.record_file, self.function_log = record_file, function_log

    def start(self, timeout: float = START_TIMEOUT) -> RecordingStack:
        ready = Path(self._workdir.name) / "connection.json"
        arguments = [str(ready), json.dumps(self._config), str(self.record_file), str(self.function_log)]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.stack_recorder", *arguments],
            stdin=subprocess.PIPE,
            cwd=Path(__file__).resolve().parent.parent,
        )
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the recording local stack process did not start")
            time.sleep(0.05)
        self.connection = json.loads(ready.read_text())
        return self


def main(connection_file: str, config: str, record_file: str, function_log: str) -> None:
    from local.stack_process import serve

    # Handlers read this at import: their INFO lines are what Lambda would send to CloudWatch Logs.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
    install(Recorder(Path(record_file)))
    serve(Path(connection_file), {**json.loads(config), "function_log": Path(function_log)})


if __name__ == "__main__":
    main(*sys.argv[1:5])
