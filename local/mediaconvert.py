"""A local stand-in for AWS Elemental MediaConvert: CreateJob, GetJob and DescribeEndpoints.

Neither moto nor any other emulator transcodes, so the local stack runs this instead: a small
REST-JSON server on 127.0.0.1 that boto3's `mediaconvert` client reaches through
`AWS_ENDPOINT_URL_MEDIACONVERT`, and one worker thread that runs jobs in submission order with
ffmpeg. Inputs are read from and outputs written to S3 (moto), and job state changes are
published to EventBridge in the shape MediaConvert documents (PROGRESSING, INPUT_INFORMATION
once the input is read, then COMPLETE or ERROR), so the same handlers and rules run locally and
in AWS.

Scope: jobs with one `s3://` file input and one output group holding one output. The group's
type picks the work: HLS_GROUP_SETTINGS packages the input as HLS (`local.hls`),
FILE_GROUP_SETTINGS renders input clippings to an MP4 with captions burned in
(`local.rendering`). Request errors answer 400 `BadRequestException` like the service; job
failures end in an `ERROR` event carrying MediaConvert's documented error codes. A FILE_GROUP
with a frame capture output beside its MP4 also writes a JPEG per capture (`local.frame_capture`).

This module runs the jobs; the REST-JSON routes and error answers are in `local.mediaconvert_api`,
the job records and their wire shapes in `local.mediaconvert_jobs`.
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import shutil
import string
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from local import captions, frame_capture, hls, media, mediaconvert_api, rendering, rendering_inputs
from local.http_server import Answer, LocalHttpServer
from local.job_inputs import InputSpec
from local.job_settings import FILE_GROUP, HLS_GROUP, InvalidSettings, JobSpec, S3Location, s3_location
from local.mediaconvert_api import ApiError, bad_request
from local.mediaconvert_jobs import Job, Rendition

logger = logging.getLogger(__name__)

EVENT_SOURCE = "aws.mediaconvert"
EVENT_DETAIL_TYPE = "MediaConvert Job State Change"
UPLOAD_THREADS = 4

_CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/MP2T", ".mp4": "video/mp4", ".jpg": "image/jpeg",
}  # fmt: skip
_JOB_ID_ALPHABET = string.ascii_lowercase + string.digits
# stop() waits this long for an upload in flight before leaving the (daemon) worker behind.
_STOP_JOIN_SECONDS = 10.0


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
        self._server = LocalHttpServer(
            self.handle,
            name="mediaconvert-http",
            max_body=mediaconvert_api.MAX_BODY_BYTES,
            refuse=mediaconvert_api.refuse,
        )
        self._worker: threading.Thread | None = None
        self.url = ""

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (port 0: any free one) and start the job worker; returns the base URL."""
        if self._worker is not None:
            raise RuntimeError("LocalMediaConvert is already started")
        self.url = f"http://127.0.0.1:{self._server.start(port)}"
        self._worker = threading.Thread(target=self._work, name="mediaconvert-jobs", daemon=True)
        self._worker.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, kill a running ffmpeg and end the worker; queued jobs are dropped unpublished."""
        self._stopping.set()
        self._server.stop()
        self._queue.put(None)  # wakes a worker waiting for work
        if self._worker is not None:
            self._worker.join(_STOP_JOIN_SECONDS)
            if self._worker.is_alive():
                logger.warning("%s did not stop within %s s", self._worker.name, _STOP_JOIN_SECONDS)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One HTTP request to one answer (the HTTP server only moves bytes)."""
        return mediaconvert_api.handle(self, method, target, body)

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
        try:
            spec = frame_capture.parse_job(body.get("settings"))
        except InvalidSettings as error:
            raise bad_request(str(error)) from None
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
                unknown = media.MediaError(media.UNKNOWN_ERROR, f"Unexpected local MediaConvert failure: {error!r}")
                self._advance(job, status="ERROR", error=unknown, finished_at=time.time())
            finally:
                with self._state:
                    self._pending -= 1
                    self._state.notify_all()

    def _process(self, job: Job) -> None:
        """SUBMITTED -> PROGRESSING (-> INPUT_INFORMATION) -> COMPLETE | ERROR, with an event for each."""
        self._advance(job, status="PROGRESSING", started_at=time.time())
        try:
            output = self._transcode(job)
        except media.MediaError as error:
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

    def _transcode(self, job: Job) -> Rendition:
        """Download and probe the input, do the output group's work and upload it; MediaError on failure."""
        spec = job.spec
        with tempfile.TemporaryDirectory(prefix="local-mediaconvert-") as tmp:
            source = Path(tmp) / "input" / PurePosixPath(spec.input.key).name
            source.parent.mkdir()
            self._download(spec.input, source)
            try:
                info = media.probe(source, cancel=self._stopping)
            except media.MediaError as error:
                raise media.MediaError(
                    error.code, f"Unable to open input file [{spec.input_uri}]: [{error}]"
                ) from error
            if info.video_codec is None:
                raise media.MediaError(media.VIDEO_ERROR, f"No video stream found in input file [{spec.input_uri}]")
            self._publish_input_information(job, info)
            out_dir = Path(tmp) / "out"
            out_dir.mkdir()
            if isinstance(spec, frame_capture.FrameCaptureSpec):
                return self._capture_frames(spec, source, info, out_dir)
            if spec.group_type == FILE_GROUP:
                return self._render(spec, source, info, out_dir)
            return self._package(spec, source, info, out_dir)

    def _publish_input_information(self, job: Job, info: media.MediaInfo) -> None:
        """INPUT_INFORMATION: what MediaConvert read about the input (the job stays PROGRESSING)."""
        if self._stopping.is_set():
            return
        with self._state:
            detail = job.event_detail("INPUT_INFORMATION")
        detail["inputDetails"] = [info.input_detail(job.spec.input_uri)]
        self._publish(job.arn, detail)

    def _package(self, spec: JobSpec, source: Path, info: media.MediaInfo, out_dir: Path) -> Rendition:
        output = hls.package(
            source,
            out_dir,
            base_name=spec.base_name,
            name_modifier=spec.name_modifier or f"_{info.height}p",
            segment_length=spec.segment_length,
            info=info,
            timeout=self.ffmpeg_timeout,
            cancel=self._stopping,
            iframe_manifest=spec.iframe_manifest,
            keyframe_seconds=spec.gop_seconds,
        )
        self._upload(spec, out_dir, output)
        return Rendition(
            group_type=HLS_GROUP,
            output_file=spec.output_uri(output.media_playlist),
            playlist=spec.output_uri(output.master_playlist),
            duration_ms=output.duration_ms,
            width=output.width,
            height=output.height,
        )

    def _upload(self, spec: JobSpec, out_dir: Path, output: hls.HlsOutput) -> None:
        """Segments first (in parallel), playlists last, so a visible playlist's segments all exist."""
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            list(pool.map(lambda name: self._put(spec, out_dir / name, name), output.segments))
        for name in (
            *([output.iframe_playlist] if output.iframe_playlist else []),
            output.media_playlist,
            output.master_playlist,
        ):
            self._put(spec, out_dir / name, name)

    def _render(self, spec: JobSpec, source: Path, info: media.MediaInfo, out_dir: Path) -> Rendition:
        settings = spec.render
        assert settings is not None  # parse_settings sets it for every FILE_GROUP job
        subtitles = None
        if settings.captions_source is not None:
            text = self._read_text(settings.captions_source)
            subtitles = captions.parse_srt(text, uri=settings.captions_source.uri)
        fonts = None
        if settings.captions is not None and settings.captions.font_files is not None:
            # As MediaConvert does: the job's font files are read from S3 for the job.
            fonts = out_dir.parent / "fonts"
            fonts.mkdir(exist_ok=True)
            for name, uri in zip(rendering.FONT_FILE_NAMES, settings.captions.font_files, strict=True):
                location = s3_location(uri)
                assert location is not None  # parse_settings checked every font file's URI
                self._download(location, fonts / name)
        if len(settings.inputs) > 1 or any(item.audio_source for item in settings.inputs):
            fetched = self._fetch_inputs(settings.inputs, source, info)
            plan = rendering_inputs.prepare_inputs(fetched, settings, out_dir, fonts=fonts)
        else:
            plan = rendering.prepare(source, info, settings, out_dir, subtitles=subtitles, fonts=fonts)
        written = rendering.render(plan, timeout=self.ffmpeg_timeout, cancel=self._stopping)
        self._put(spec, written.path, spec.file_name)
        return Rendition(
            group_type=FILE_GROUP,
            output_file=spec.output_uri(spec.file_name),
            playlist=None,
            duration_ms=written.duration_ms,
            width=written.width,
            height=written.height,
        )

    def _capture_frames(
        self, spec: frame_capture.FrameCaptureSpec, source: Path, info: media.MediaInfo, out_dir: Path
    ) -> Rendition:
        """A job with a frame capture output: its MP4 and a JPEG per capture (`local.frame_capture`)."""
        assert spec.render is not None
        fetched = self._fetch_inputs(spec.render.inputs, source, info)
        written = frame_capture.capture(spec, fetched, out_dir, timeout=self.ffmpeg_timeout, cancel=self._stopping)
        for path, name in written.files(spec):
            self._put(spec, path, name)
        return written.rendition(spec)

    def _fetch_inputs(
        self, inputs: tuple[InputSpec, ...], source: Path, info: media.MediaInfo
    ) -> list[rendering_inputs.FetchedInput]:
        """Every input of a job of several, each file downloaded once next to the first input's (already read)."""

        def probe(location: S3Location, path: Path) -> media.MediaInfo:
            try:
                return media.probe(path, cancel=self._stopping)
            except media.MediaError as error:
                raise media.MediaError(error.code, f"Unable to open input file [{location.uri}]: [{error}]") from error

        return rendering_inputs.fetch_inputs(
            inputs,
            source.parent,
            download=self._download,
            probe=probe,
            subtitles=lambda location: captions.parse_srt(self._read_text(location), uri=location.uri),
            known={inputs[0].location.uri: (source, info)},
        )

    def _download(self, location: S3Location, target: Path) -> None:
        # One streamed GET: moto reads the whole object for every ranged GET of a multipart download.
        try:
            body = self._s3.get_object(Bucket=location.bucket, Key=location.key)["Body"]
            with target.open("wb") as file:
                shutil.copyfileobj(body, file, length=1 << 20)
        except (ClientError, BotoCoreError) as error:
            message = f"Unable to open input file [{location.uri}]: [{error}]"
            raise media.MediaError(_s3_error_code(error), message) from error

    def _read_text(self, location: S3Location) -> str:
        """A caption file's text (UTF-8, with or without a byte order mark)."""
        uri = location.uri
        try:
            data = self._s3.get_object(Bucket=location.bucket, Key=location.key)["Body"].read()
        except (ClientError, BotoCoreError) as error:
            message = f"Unable to open input file [{uri}]: [{error}]"
            raise media.MediaError(_s3_error_code(error), message) from error
        try:
            return str(data.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise media.MediaError(media.INPUT_ERROR, f"Unable to read caption file [{uri}]: [{error}]") from error

    def _put(self, spec: JobSpec, path: Path, name: str) -> None:
        """Upload one written file as the output `name`: one PUT, as moto reassembles multipart uploads slowly."""
        try:
            with path.open("rb") as body:
                self._s3.put_object(
                    Bucket=spec.output_bucket,
                    Key=f"{spec.output_prefix}{name}",
                    Body=body,
                    ContentType=_CONTENT_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream"),
                )
        except (ClientError, BotoCoreError) as error:
            message = f"Unable to write output file [{spec.output_uri(name)}]: [{error}]"
            raise media.MediaError(_s3_error_code(error), message) from error

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
        return media.UNKNOWN_ERROR
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return {403: media.PERMISSIONS_ERROR, 404: media.FILE_NOT_FOUND}.get(status or 0, media.UNKNOWN_ERROR)
