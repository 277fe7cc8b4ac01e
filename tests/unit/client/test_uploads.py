"""Multipart track uploads and transcript uploads, driven against a real S3 (moto server)."""

from __future__ import annotations

import hashlib
import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.api import ApiError, NullCheckClient
from client.uploads import MIB, Part, UploadError, plan_parts, upload_track, upload_transcript
from handlers.contract import MAX_TRANSCRIPT_BYTES
from tests.unit.client.fakes import EPISODE_ID, FakeApi

PART_SIZE = 5 * MIB


class StorageTransport(httpx.BaseTransport):
    """Real HTTP to moto, recording each PUT (part number, headers) and failing those `refuse` picks."""

    def __init__(self, refuse: Callable[[int, int], bool] = lambda part, attempt: False) -> None:
        self._network = httpx.HTTPTransport()
        self._refuse = refuse
        self._lock = threading.Lock()
        self.puts: list[tuple[int, httpx.Headers]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        part = int(request.url.params.get("partNumber", "0"))
        with self._lock:
            self.puts.append((part, request.headers))
            attempt = sum(1 for number, _ in self.puts if number == part)
        if self._refuse(part, attempt):
            request.read()  # the body goes out before S3 answers, as with a real 500
            return httpx.Response(500, text="<Error><Code>InternalError</Code></Error>")
        return self._network.handle_request(request)

    def attempts_of(self, part: int) -> int:
        return sum(1 for number, _ in self.puts if number == part)


class ProgressTotal:
    """A thread-safe progress callback that keeps the running total."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0

    def __call__(self, sent: int) -> None:
        with self._lock:
            self.total += sent


def stored_bytes(s3: Any, bucket: str, key: str) -> bytes:
    return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def test_track_lands_in_s3_byte_for_byte(
    api_client: NullCheckClient, fake_api: FakeApi, s3: Any, bucket: str, video: Path
) -> None:
    storage, progress = StorageTransport(), ProgressTotal()

    done = upload_track(
        api_client, EPISODE_ID, video, "Main Camera", part_size=PART_SIZE, progress=progress, transport=storage
    )

    assert done == {"key": f"{EPISODE_ID}/tracks/main-camera.mp4", "trackName": "main-camera", "status": "Unprocessed"}
    assert stored_bytes(s3, bucket, done["key"]) == video.read_bytes()
    assert fake_api.part_requests == [[1, 2, 3]], "part URLs are requested in one batch"
    assert [part["PartNumber"] for part in fake_api.completions[0]["parts"]] == [1, 2, 3]
    assert all(headers["x-nullcheck-test"] == "required" for _, headers in storage.puts)
    assert progress.total == video.stat().st_size


def test_part_urls_are_requested_in_batches(api_client: NullCheckClient, fake_api: FakeApi, video: Path) -> None:
    upload_track(api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, concurrency=1, url_batch=2)

    assert fake_api.part_requests == [[1, 2], [3]]


def test_a_part_failing_once_is_retried_with_a_fresh_url(
    api_client: NullCheckClient, fake_api: FakeApi, s3: Any, bucket: str, video: Path
) -> None:
    storage = StorageTransport(refuse=lambda part, attempt: part == 2 and attempt == 1)
    progress = ProgressTotal()

    done = upload_track(
        api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, progress=progress, transport=storage, retry_delay=0
    )

    assert stored_bytes(s3, bucket, done["key"]) == video.read_bytes()
    assert storage.attempts_of(2) == 2
    assert fake_api.part_requests[0] == [1, 2, 3]
    assert [2] in fake_api.part_requests[1:], "the retry asks the API for a new URL for part 2"
    assert progress.total == video.stat().st_size, "bytes of the failed attempt are taken back"


def test_a_part_failing_every_attempt_stops_the_upload_without_completing(
    api_client: NullCheckClient, fake_api: FakeApi, video: Path
) -> None:
    storage = StorageTransport(refuse=lambda part, attempt: part == 2)

    with pytest.raises(UploadError, match="part 2 failed after 3 attempts"):
        upload_track(api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, transport=storage, retry_delay=0)

    assert storage.attempts_of(2) == 3
    assert fake_api.completions == []


def test_an_unknown_episode_surfaces_as_api_error(api_client: NullCheckClient, video: Path) -> None:
    with pytest.raises(ApiError) as raised:
        upload_track(api_client, "nope", video, "cam", part_size=PART_SIZE)

    assert (raised.value.status, raised.value.message) == (404, "episode not found")


class HashingStorage(httpx.BaseTransport):
    """Storage that consumes each body as the stream it is (never buffering it) and answers with its MD5."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        digest = hashlib.md5()
        for chunk in request.stream:  # type: ignore[union-attr]
            digest.update(chunk)
        return httpx.Response(200, headers={"ETag": f'"{digest.hexdigest()}"'})


def accept_any_upload(request: httpx.Request) -> httpx.Response:
    """An API that starts, presigns and completes any track upload without storing anything."""
    if request.url.path.endswith("/tracks"):
        answer = {"key": "ep/tracks/cam.mp4", "uploadId": "u", "expiresAt": "2030-01-01T00:00:00Z"}
        return httpx.Response(200, json={**answer, "requiredHeaders": {}})
    if request.url.path.endswith("/parts") and request.method == "GET":
        return httpx.Response(200, json={"parts": []})
    if request.url.path.endswith("/parts"):
        numbers = httpx.Response(200, content=request.content).json()["partNumbers"]
        return httpx.Response(200, json={"urls": [{"partNumber": n, "url": f"http://s3.test/{n}"} for n in numbers]})
    return httpx.Response(200, json={"key": "ep/tracks/cam.mp4", "trackName": "cam"})


def test_the_file_is_streamed_never_held_whole_in_memory(video: Path) -> None:
    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(accept_any_upload))

    tracemalloc.start()
    try:
        upload_track(client, "ep", video, "cam", part_size=PART_SIZE, transport=HashingStorage())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 3 * MIB, f"peak {peak / MIB:.1f} MiB: a 5 MiB part was held in memory"


def test_parts_cover_the_file_with_a_short_last_part() -> None:
    assert plan_parts(12 * MIB + 1, PART_SIZE) == [
        Part(1, 0, PART_SIZE),
        Part(2, PART_SIZE, PART_SIZE),
        Part(3, 2 * PART_SIZE, 2 * MIB + 1),
    ]


def test_part_size_grows_to_stay_within_ten_thousand_parts() -> None:
    parts = plan_parts(100_000 * MIB, 8 * MIB)

    assert len(parts) == 10_000
    assert parts[0].size == 10 * MIB


def test_parts_smaller_than_five_mib_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 5 MiB"):
        plan_parts(12 * MIB, 4 * MIB)


def test_transcript_is_posted_with_its_form_fields_then_the_file(
    api_client: NullCheckClient, s3: Any, bucket: str, tmp_path: Path
) -> None:
    srt = tmp_path / "episode-1.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,500\nHello and welcome.\n")

    key = upload_transcript(api_client, EPISODE_ID, srt)

    assert key == f"{EPISODE_ID}/transcript.srt"
    stored = s3.get_object(Bucket=bucket, Key=key)
    assert stored["Body"].read() == srt.read_bytes()
    assert stored["Metadata"] == {"filename": "episode-1.srt"}


@pytest.mark.parametrize("size", [0, MAX_TRANSCRIPT_BYTES + 1], ids=["empty", "over-10-MiB"])
def test_a_transcript_storage_would_refuse_is_refused_before_the_api_is_asked(tmp_path: Path, size: int) -> None:
    asked: list[httpx.Request] = []
    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(lambda r: asked.append(r) or 500))
    srt = tmp_path / "show.srt"
    with srt.open("wb") as file:
        file.truncate(size)  # sparse: no 10 MiB written

    with pytest.raises(UploadError, match="empty" if size == 0 else "larger than the 10 MiB"):
        upload_transcript(client, EPISODE_ID, srt)
    assert asked == []  # no form asked for: it would count towards the episode's uploads


def form_api(request: httpx.Request) -> httpx.Response:
    """An API that hands out a transcript form."""
    answer = {"key": "ep/transcripts/t.srt", "uploadUrl": "http://s3.test/bucket", "fields": {"key": "ep/t.srt"}}
    return httpx.Response(201, json={**answer, "maxBytes": MAX_TRANSCRIPT_BYTES, "expiresAt": "2030-01-01T00:00:00Z"})


def test_storage_refusing_the_transcript_says_why(tmp_path: Path) -> None:
    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(form_api))
    refusal = "<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>"
    storage = httpx.MockTransport(lambda request: httpx.Response(403, text=refusal))
    srt = tmp_path / "show.srt"
    srt.write_text("1\n")

    with pytest.raises(UploadError, match=r"HTTP 403 .*Policy expired"):
        upload_transcript(client, EPISODE_ID, srt, transport=storage)


class FormStorage(httpx.BaseTransport):
    """Storage that consumes a form as the stream it is, keeping only its size and its first bytes."""

    def __init__(self) -> None:
        self.size = 0
        self.start = b""
        self.content_length = ""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.content_length = request.headers.get("Content-Length", "")
        for chunk in request.stream:  # type: ignore[union-attr]
            self.start += chunk[: max(0, 300 - len(self.start))]
            self.size += len(chunk)
        return httpx.Response(204)


def test_a_transcript_is_streamed_with_its_length_never_held_whole(tmp_path: Path) -> None:
    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(form_api))
    srt = tmp_path / "long.srt"
    srt.write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nHi\n\n" * (MAX_TRANSCRIPT_BYTES // 40))
    storage = FormStorage()

    tracemalloc.start()
    try:
        upload_transcript(client, EPISODE_ID, srt, transport=storage)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert storage.size == int(storage.content_length) > srt.stat().st_size  # S3 needs the length up front
    assert b'name="key"' in storage.start  # the fields come first
    assert peak < 3 * MIB, f"peak {peak / MIB:.1f} MiB: the transcript was held in memory"
