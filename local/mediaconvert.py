"""A local stand-in for AWS Elemental MediaConvert: CreateJob, GetJob and DescribeEndpoints.

Neither moto nor any other emulator transcodes, so the local stack runs this instead: a small
REST-JSON server on 127.0.0.1 that boto3's `mediaconvert` client reaches through
`AWS_ENDPOINT_URL_MEDIACONVERT`, and one worker thread that runs jobs in submission order with
ffmpeg (see `local.hls`). Inputs are read from and outputs written to S3 (moto), and job state
changes are published to EventBridge in the shape MediaConvert documents, so the same handlers
and rules run locally and in AWS.

Scope: jobs with one `s3://` file input and one HLS output group holding one output. Request
errors answer 400 `BadRequestException` like the service; job failures end in an `ERROR`
event carrying MediaConvert's documented error codes.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import secrets
import shutil
import string
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from local import hls

logger = logging.getLogger(__name__)

API_PREFIX = "/2017-08-29"
EVENT_SOURCE = "aws.mediaconvert"
EVENT_DETAIL_TYPE = "MediaConvert Job State Change"
# AWS's default when HlsGroupSettings.SegmentLength is left out.
DEFAULT_SEGMENT_LENGTH = 10
UPLOAD_THREADS = 4
# MediaConvert error codes for S3 failures (docs: "Error codes"); the media ones live in local.hls.
PERMISSIONS_ERROR = 1401
FILE_NOT_FOUND = 1404

_S3_URI = re.compile(r"^s3://([^/]+)/(.*)$")
_JOB_PATH = re.compile(rf"^{API_PREFIX}/jobs/([^/]+)$")
_HLS_PATH = "/settings/outputGroups/0/outputGroupSettings/hlsGroupSettings"
_CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/MP2T"}
_JOB_ID_ALPHABET = string.ascii_lowercase + string.digits
# How often the HTTP loop checks for stop(); the default 0.5 s would make every stop that slow.
_SHUTDOWN_POLL_SECONDS = 0.05
# stop() waits this long for an upload in flight before leaving the (daemon) worker behind.
_STOP_JOIN_SECONDS = 10.0


class ApiError(Exception):
    """A request the service would refuse: HTTP status, `x-amzn-ErrorType` and message."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequestException", message)


@dataclass(frozen=True)
class JobSpec:
    """The parts of a job's settings the local transcoder acts on."""

    input_bucket: str
    input_key: str
    output_bucket: str
    output_prefix: str  # key prefix, "" or ending in "/"
    base_name: str
    name_modifier: str | None  # None: derived from the output height, e.g. "_720p"
    segment_length: int

    @property
    def input_uri(self) -> str:
        return f"s3://{self.input_bucket}/{self.input_key}"

    def output_uri(self, name: str) -> str:
        return f"s3://{self.output_bucket}/{self.output_prefix}{name}"


def parse_settings(settings: Any) -> JobSpec:
    """Validate CreateJob's wire `settings` (lowerCamel names) into a JobSpec, or raise a 400."""
    if not isinstance(settings, dict):
        raise bad_request("/settings: settings are required")
    bucket, key = _parse_input(settings.get("inputs"))
    hls_settings, output = _parse_output_group(settings.get("outputGroups"))
    destination = _S3_URI.match(str(hls_settings.get("destination", "")))
    if destination is None:
        raise bad_request(f"{_HLS_PATH}/destination: must be an s3://bucket/prefix/ URI")
    out_bucket, out_path = destination.groups()
    # As in MediaConvert: a destination ending in "/" names a folder and the input names the
    # files; otherwise its last component is the base file name.
    prefix, _, base_name = out_path.rpartition("/")
    segment_length = hls_settings.get("segmentLength", DEFAULT_SEGMENT_LENGTH)
    if not isinstance(segment_length, int) or segment_length < 1:
        raise bad_request(f"{_HLS_PATH}/segmentLength: must be an integer of at least 1")
    return JobSpec(
        input_bucket=bucket,
        input_key=key,
        output_bucket=out_bucket,
        output_prefix=f"{prefix}/" if prefix else "",
        base_name=base_name or PurePosixPath(key).stem,
        name_modifier=output.get("nameModifier") or None,
        segment_length=segment_length,
    )


def _parse_input(inputs: Any) -> tuple[str, str]:
    """Bucket and key of the single s3:// file input."""
    if not isinstance(inputs, list) or len(inputs) != 1 or not isinstance(inputs[0], dict):
        raise bad_request("/settings/inputs: the local MediaConvert takes exactly one input")
    match = _S3_URI.match(str(inputs[0].get("fileInput", "")))
    if match is None or not match.group(2) or match.group(2).endswith("/"):
        raise bad_request("/settings/inputs/0/fileInput: must be an s3://bucket/key URI")
    return match.group(1), match.group(2)


def _parse_output_group(groups: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """hlsGroupSettings and the single output of the single HLS output group."""
    if not isinstance(groups, list) or len(groups) != 1 or not isinstance(groups[0], dict):
        raise bad_request("/settings/outputGroups: the local MediaConvert takes exactly one output group")
    group_settings = groups[0].get("outputGroupSettings") or {}
    hls_settings = group_settings.get("hlsGroupSettings")
    if group_settings.get("type") != "HLS_GROUP_SETTINGS" or not isinstance(hls_settings, dict):
        raise bad_request("/settings/outputGroups/0/outputGroupSettings: must be of type HLS_GROUP_SETTINGS")
    outputs = groups[0].get("outputs")
    if not isinstance(outputs, list) or len(outputs) != 1 or not isinstance(outputs[0], dict):
        raise bad_request("/settings/outputGroups/0/outputs: the local MediaConvert takes exactly one output")
    return hls_settings, outputs[0]


@dataclass
class Job:
    """One job: what CreateJob received plus the state the worker moves it through."""

    id: str
    arn: str
    queue: str
    role: str
    settings: dict[str, Any]
    user_metadata: dict[str, str]
    spec: JobSpec
    submitted_at: float = field(default_factory=time.time)
    status: str = "SUBMITTED"
    started_at: float | None = None
    finished_at: float | None = None
    error: hls.MediaError | None = None
    output: hls.HlsOutput | None = None

    def to_wire(self) -> dict[str, Any]:
        """The Job shape as MediaConvert's REST-JSON API spells it."""
        timing = {"submitTime": self.submitted_at, "startTime": self.started_at, "finishTime": self.finished_at}
        wire: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "createdAt": int(self.submitted_at),
            "queue": self.queue,
            "role": self.role,
            "settings": self.settings,
            "status": self.status,
            "userMetadata": self.user_metadata,
            "timing": {name: int(value) for name, value in timing.items() if value is not None},
        }
        if self.error is not None:
            wire |= {"errorCode": self.error.code, "errorMessage": self.error.message}
        if self.output is not None:
            wire["outputGroupDetails"] = [{"outputDetails": [_output_detail(self.output)]}]
        return wire

    def event_detail(self) -> dict[str, Any]:
        """`detail` of the "MediaConvert Job State Change" event for the current status."""
        detail: dict[str, Any] = {
            "timestamp": int(time.time() * 1000),
            "accountId": self.arn.split(":")[4],
            "queue": self.queue,
            "jobId": self.id,
            "status": self.status,
            "userMetadata": self.user_metadata,
        }
        if self.error is not None:
            detail |= {"errorCode": self.error.code, "errorMessage": self.error.message}
        if self.output is not None:
            output_detail = _output_detail(self.output)
            output_detail["outputFilePaths"] = [self.spec.output_uri(self.output.media_playlist)]
            detail["outputGroupDetails"] = [
                {
                    "type": "HLS_GROUP",
                    "playlistFilePaths": [self.spec.output_uri(self.output.master_playlist)],
                    "outputDetails": [output_detail],
                }
            ]
        return detail


def _output_detail(output: hls.HlsOutput) -> dict[str, Any]:
    return {
        "durationInMs": output.duration_ms,
        "videoDetails": {"widthInPx": output.width, "heightInPx": output.height},
    }


class LocalMediaConvert:
    """MediaConvert's CreateJob/GetJob/DescribeEndpoints on 127.0.0.1, transcoding with ffmpeg."""

    # Upper bound for one ffmpeg run; an input that takes longer ends the job in ERROR 1999.
    ffmpeg_timeout: float = 3600.0

    def __init__(self, *, s3: Any, events: Any, region: str = "us-east-1", account_id: str = "123456789012") -> None:
        # s3 and events are boto3 clients already pointed at the moto server (typed Any: boto3
        # builds its clients at run time and no service stubs are installed).
        self._s3 = s3
        self._events = events
        self._arn_prefix = f"arn:aws:mediaconvert:{region}:{account_id}"
        self._jobs: dict[str, Job] = {}
        self._pending = 0
        self._state = threading.Condition()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self.url = ""

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (port 0: any free one) and start the job worker; returns the base URL."""
        if self._server is not None:
            raise RuntimeError("LocalMediaConvert is already started")
        self._server = _Server(("127.0.0.1", port), self)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._threads = [
            threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
                name="mediaconvert-http",
                daemon=True,
            ),
            threading.Thread(target=self._work, name="mediaconvert-jobs", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, kill a running ffmpeg and end the worker; queued jobs are dropped unpublished."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._queue.put(None)  # wakes a worker waiting for work
        for thread in self._threads:
            thread.join(_STOP_JOIN_SECONDS)
            if thread.is_alive():
                logger.warning("%s did not stop within %s s", thread.name, _STOP_JOIN_SECONDS)

    def wait_idle(self, timeout: float) -> bool:
        """True once no job is queued or running; False if that did not happen within timeout seconds."""
        with self._state:
            return self._state.wait_for(lambda: self._pending == 0, timeout)

    # API operations (called from the HTTP threads) --------------------------------------------

    def create_job(self, body: dict[str, Any]) -> dict[str, Any]:
        """CreateJob: validate, queue and answer the job as SUBMITTED."""
        role = body.get("role")
        if not isinstance(role, str) or not role:
            raise bad_request("/role: role is required")
        spec = parse_settings(body.get("settings"))
        job_id = f"{int(time.time() * 1000)}-{''.join(secrets.choice(_JOB_ID_ALPHABET) for _ in range(6))}"
        job = Job(
            id=job_id,
            arn=f"{self._arn_prefix}:jobs/{job_id}",
            queue=f"{self._arn_prefix}:queues/Default",
            role=role,
            settings=body["settings"],
            user_metadata=body.get("userMetadata") or {},
            spec=spec,
        )
        with self._state:
            self._jobs[job_id] = job
            self._pending += 1
            wire = job.to_wire()
        self._queue.put(job_id)
        return wire

    def get_job(self, job_id: str) -> dict[str, Any]:
        """GetJob: the job's current state, or 404 like the service."""
        with self._state:
            job = self._jobs.get(job_id)
            if job is None:
                raise ApiError(404, "NotFoundException", f"Job {job_id} does not exist")
            return job.to_wire()

    # Job worker -------------------------------------------------------------------------------

    def _work(self) -> None:
        """Run queued jobs one at a time, in submission order, until stop()."""
        while not self._stopping.is_set():
            job_id = self._queue.get()
            if job_id is None:
                continue
            job = self._jobs[job_id]
            try:
                self._process(job)
            except Exception as error:
                # A bug must end only its own job, in ERROR: a dead worker would leave every later
                # job SUBMITTED and its consumers waiting for an event that never comes.
                logger.exception("local MediaConvert job %s crashed", job_id)
                unknown = hls.MediaError(hls.UNKNOWN_ERROR, f"Unexpected local MediaConvert failure: {error!r}")
                self._advance(job, status="ERROR", error=unknown, finished_at=time.time())
            finally:
                with self._state:
                    self._pending -= 1
                    self._state.notify_all()

    def _process(self, job: Job) -> None:
        """SUBMITTED -> PROGRESSING -> COMPLETE | ERROR, with an event for each change."""
        self._advance(job, status="PROGRESSING", started_at=time.time())
        try:
            output = self._transcode(job.spec)
        except hls.MediaError as error:
            self._advance(job, status="ERROR", error=error, finished_at=time.time())
        else:
            self._advance(job, status="COMPLETE", output=output, finished_at=time.time())

    def _advance(self, job: Job, **changes: Any) -> None:
        """Apply a state change and publish it, unless stop() interrupted the job."""
        if self._stopping.is_set():
            return
        with self._state:
            for name, value in changes.items():
                setattr(job, name, value)
            detail = job.event_detail()
        self._publish(job.arn, detail)

    def _transcode(self, spec: JobSpec) -> hls.HlsOutput:
        """Download the input, package it as HLS and upload the rendition; MediaError on failure."""
        with tempfile.TemporaryDirectory(prefix="local-mediaconvert-") as tmp:
            source = Path(tmp) / PurePosixPath(spec.input_key).name
            self._download(spec, source)
            try:
                info = hls.probe(source, cancel=self._stopping)
            except hls.MediaError as error:
                raise hls.MediaError(error.code, f"Unable to open input file [{spec.input_uri}]: [{error}]") from error
            if info.video_codec is None:
                raise hls.MediaError(hls.VIDEO_ERROR, f"No video stream found in input file [{spec.input_uri}]")
            out_dir = Path(tmp) / "out"
            out_dir.mkdir()
            output = hls.package(
                source,
                out_dir,
                base_name=spec.base_name,
                name_modifier=spec.name_modifier or f"_{info.height}p",
                segment_length=spec.segment_length,
                info=info,
                timeout=self.ffmpeg_timeout,
                cancel=self._stopping,
            )
            self._upload(spec, out_dir, output)
            return output

    def _download(self, spec: JobSpec, target: Path) -> None:
        # One streamed GET: moto reads the whole object for every ranged GET of a multipart download.
        try:
            body = self._s3.get_object(Bucket=spec.input_bucket, Key=spec.input_key)["Body"]
            with target.open("wb") as file:
                shutil.copyfileobj(body, file, length=1 << 20)
        except (ClientError, BotoCoreError) as error:
            message = f"Unable to open input file [{spec.input_uri}]: [{error}]"
            raise hls.MediaError(_s3_error_code(error), message) from error

    def _upload(self, spec: JobSpec, out_dir: Path, output: hls.HlsOutput) -> None:
        """Segments first (in parallel), playlists last, so a visible playlist's segments all exist."""
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            list(pool.map(lambda name: self._put(spec, out_dir, name), output.segments))
        for name in (output.media_playlist, output.master_playlist):
            self._put(spec, out_dir, name)

    def _put(self, spec: JobSpec, out_dir: Path, name: str) -> None:
        """One PUT per file: moto reassembles multipart uploads slowly."""
        try:
            with (out_dir / name).open("rb") as body:
                self._s3.put_object(
                    Bucket=spec.output_bucket,
                    Key=f"{spec.output_prefix}{name}",
                    Body=body,
                    ContentType=_CONTENT_TYPES[PurePosixPath(name).suffix],
                )
        except (ClientError, BotoCoreError) as error:
            message = f"Unable to write output file [{spec.output_uri(name)}]: [{error}]"
            raise hls.MediaError(_s3_error_code(error), message) from error

    def _publish(self, job_arn: str, detail: dict[str, Any]) -> None:
        """Put one "MediaConvert Job State Change" event on the default bus."""
        entry = {
            "Source": EVENT_SOURCE,
            "DetailType": EVENT_DETAIL_TYPE,
            "Resources": [job_arn],
            "Detail": json.dumps(detail),
        }
        try:
            response = self._events.put_events(Entries=[entry])
        except (ClientError, BotoCoreError):
            # A lost event must not stop the worker; the job state stays readable through GetJob.
            logger.exception("could not publish %s event for %s", detail["status"], job_arn)
            return
        if response.get("FailedEntryCount"):
            logger.error("EventBridge refused the %s event for %s: %s", detail["status"], job_arn, response["Entries"])


def _s3_error_code(error: ClientError | BotoCoreError) -> int:
    """MediaConvert's code for an S3 failure: 1404 missing object or bucket, 1401 access denied."""
    if not isinstance(error, ClientError):
        return hls.UNKNOWN_ERROR
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return {403: PERMISSIONS_ERROR, 404: FILE_NOT_FOUND}.get(status or 0, hls.UNKNOWN_ERROR)


class _Server(ThreadingHTTPServer):
    """The HTTP server, holding the emulator its request handlers call into."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], api: LocalMediaConvert) -> None:
        super().__init__(address, _Handler)
        self.api = api


class _Handler(BaseHTTPRequestHandler):
    """Routes MediaConvert's REST-JSON requests; the SigV4 signature is not checked."""

    server: _Server
    # botocore keeps connections alive; HTTP/1.1 with Content-Length on every answer allows that.
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        body = self._read_body()
        try:
            status, payload = self._route(method, unquote(urlsplit(self.path).path), body)
        except ApiError as error:
            self._answer(error.status, {"message": error.message}, error_type=error.error_type)
        except Exception:
            # Answer like the service's 500 instead of dropping the connection on a bug.
            logger.exception("local MediaConvert failed on %s %s", method, self.path)
            self._answer(500, {"message": "internal error"}, error_type="InternalServerErrorException")
        else:
            self._answer(status, payload)

    def _route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        api = self.server.api
        if method == "POST" and path == f"{API_PREFIX}/jobs":
            return 201, {"job": api.create_job(_json_object(body))}
        if method == "POST" and path == f"{API_PREFIX}/endpoints":
            return 200, {"endpoints": [{"url": api.url}]}
        job = _JOB_PATH.match(path)
        if method == "GET" and job is not None:
            return 200, {"job": api.get_job(job.group(1))}
        raise ApiError(404, "NotFoundException", f"The local MediaConvert does not serve {method} {path}")

    def _read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, status: int, payload: dict[str, Any], *, error_type: str | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type is not None:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # The default writes every request to stderr; keep it out of test and CLI output.
        logger.debug("%s " + format, self.address_string(), *args)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise bad_request("The request body must be a JSON object")
    return parsed
