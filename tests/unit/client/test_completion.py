"""Completing an upload truthfully: a lost answer is asked about, `Completing` is success, failures are real ones.

The parts go to a real S3 (moto) through the fake API; the complete request and the episode are
answered here, so each test decides what the API says, or that it says nothing (a timeout, a
dropped connection). Time is a fake clock: the waits between looks cost nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from client import cli, completion
from client.api import ApiError, NullCheckClient
from client.api_types import CompletedPart, EpisodeDetail
from client.commands import shared, watch
from client.commands.views import COMPLETING_NOTE, tracks_table
from client.completion import CompletionPolicy, complete_upload
from tests.unit.client.fakes import EPISODE_ID, FakeApi

runner = CliRunner()
KEY = f"{EPISODE_ID}/tracks/cam.mp4"
PARTS: list[CompletedPart] = [{"ETag": '"e"', "PartNumber": 1}]
Answer = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """`time` for `client.completion`: sleeping moves the clock on at once."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(completion, "time", fake)
    return fake


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared, "console", Console(width=300))
    monkeypatch.setattr(shared, "errors", Console(width=300, stderr=True))


class Api:
    """The fake API for the parts; `complete` and `episode` say what the complete route and the episode answer."""

    def __init__(self, fake_api: FakeApi) -> None:
        self.fake_api = fake_api
        self.completes: list[dict[str, Any]] = []
        self.looks = 0
        self.complete: Callable[[httpx.Request, int], httpx.Response] = lambda request, n: self.completed(request)
        self.episode: Callable[[int], list[dict[str, Any]]] = lambda n: []

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api")
        if path.endswith("/complete"):
            self.completes.append(json.loads(request.content))
            return self.complete(request, len(self.completes))
        if request.method == "GET" and path == f"/episodes/{EPISODE_ID}":
            self.looks += 1
            return httpx.Response(200, json=episode(*self.episode(self.looks)))
        return self.fake_api.handle(request)

    def completed(self, request: httpx.Request) -> httpx.Response:
        """S3 completes the upload and the API answers as the handler does."""
        return self.fake_api.handle(request)

    @property
    def upload_id(self) -> str:
        return str(self.completes[0]["uploadId"])

    def track(self, status: str, **fields: Any) -> dict[str, Any]:
        return {"trackName": "cam", "status": status, "uploadId": self.upload_id, **fields}


def episode(*tracks: dict[str, Any]) -> dict[str, Any]:
    stamp = "2025-01-01T00:00:00Z"
    fields = {"id": EPISODE_ID, "title": "Pilot", "episodeNumber": 1, "status": "Draft"}
    return {**fields, "createdAt": stamp, "updatedAt": stamp, "tracks": list(tracks)}


def timed_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.fixture
def api(fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    served = Api(fake_api)
    transport = httpx.MockTransport(served.handle)
    monkeypatch.setattr(shared, "client_factory", lambda url: NullCheckClient(url, transport=transport))
    monkeypatch.setenv("NULLCHECK_TOKEN", "Bearer test-token")
    yield served


def upload(video: Path, *options: str) -> Any:
    return runner.invoke(
        cli.app, ["upload-track", EPISODE_ID, str(video), "--track", "cam", "--part-size", "5", *options]
    )


def test_a_complete_that_times_out_but_completed_is_a_success(api: Api, video: Path) -> None:
    def complete_then_time_out(request: httpx.Request, n: int) -> httpx.Response:
        api.completed(request)  # the server completed it; its answer never arrives
        return timed_out(request)

    api.complete = complete_then_time_out
    api.episode = lambda n: [api.track("Unprocessed")]

    result = upload(video)

    assert result.exit_code == 0, result.output
    assert len(api.completes) == 1, "a completed upload is not completed again"
    assert "complete got no answer (timed out): asking the API whether the upload completed" in result.output
    assert "The track shows the upload completed (status Unprocessed)" in result.output
    assert f"Uploaded track cam to {KEY}; processing starts now." in result.output


def test_a_dropped_connection_without_a_track_sends_complete_again(api: Api, video: Path, clock: FakeClock) -> None:
    def drop_the_first(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return api.completed(request)

    api.complete = drop_the_first

    result = upload(video)

    assert result.exit_code == 0, result.output
    assert len(api.completes) == 2 and api.completes[0] == api.completes[1]
    assert "The upload has not completed: sending complete again (2 of 3)" in result.output
    # It waited for a complete that might still be running on the server before sending another.
    assert clock.now >= CompletionPolicy.settle_seconds
    assert f"Uploaded track cam to {KEY}; processing starts now." in result.output


def test_no_answer_and_no_track_fails_after_the_last_attempt(api: Api, video: Path) -> None:
    api.complete = lambda request, n: timed_out(request)

    result = upload(video)

    assert result.exit_code == 1
    assert len(api.completes) == CompletionPolicy.attempts
    assert "upload not completed: complete got no answer after 3 attempts (timed out)" in result.stderr


def test_a_refused_complete_fails_at_once(api: Api, video: Path) -> None:
    api.complete = lambda request, n: httpx.Response(400, json={"message": "the parts do not complete the upload"})

    result = upload(video)

    assert result.exit_code == 1
    assert "the parts do not complete the upload (HTTP 400)" in result.stderr
    assert len(api.completes) == 1 and api.looks == 0


def test_a_gateway_timeout_then_a_refused_retry_is_a_success_once_the_track_shows(api: Api) -> None:
    """The first complete finished on the server after the gateway gave up; the retry finds its session closed."""
    answers = {
        1: httpx.Response(504, json={"message": "Endpoint request timed out"}),
        2: httpx.Response(404, json={"message": "no upload in progress for this track"}),
    }
    api.complete = lambda request, n: answers[n]
    api.episode = lambda n: [api.track("Processing")] if n > 20 else []
    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(api.handle))

    done = complete_upload(client, EPISODE_ID, "cam", "upload-1", KEY, PARTS)

    assert done == {"key": KEY, "trackName": "cam", "status": "Processing"}
    assert len(api.completes) == 2


def test_a_refused_retry_without_a_track_is_the_refusal() -> None:
    completes: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/complete"):
            completes.append(request)
            if len(completes) == 1:
                return timed_out(request)
            return httpx.Response(404, json={"message": "no upload in progress for this track"})
        return httpx.Response(200, json=episode())

    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(handle))

    with pytest.raises(ApiError, match="no upload in progress"):
        complete_upload(client, EPISODE_ID, "cam", "upload-1", KEY, PARTS)


def test_completing_is_a_success_waited_for_until_the_track_moves_on(api: Api, video: Path) -> None:
    api.complete = lambda request, n: httpx.Response(202, json={"key": KEY, "trackName": "cam", "status": "Completing"})
    api.episode = lambda n: [api.track("Completing" if n < 3 else "Unprocessed")]

    result = upload(video)

    assert result.exit_code == 0, result.output
    assert "S3 is still putting the parts together" in result.output
    assert f"Uploaded track cam to {KEY}; processing starts now." in result.output
    assert api.looks == 3


def test_completing_without_waiting_says_how_to_follow_it(api: Api, video: Path) -> None:
    api.complete = lambda request, n: httpx.Response(202, json={"key": KEY, "trackName": "cam", "status": "Completing"})

    result = upload(video, "--completion-wait", "0")

    assert result.exit_code == 0, result.output
    assert "S3 is still putting it together. Follow it with `nullcheck watch ep-1`." in result.output
    assert api.looks == 0


def test_completing_past_the_wait_is_still_a_success(api: Api, video: Path, clock: FakeClock) -> None:
    api.complete = lambda request, n: httpx.Response(202, json={"key": KEY, "trackName": "cam", "status": "Completing"})
    api.episode = lambda n: [api.track("Completing")]

    result = upload(video, "--completion-wait", "60")

    assert result.exit_code == 0, result.output
    assert "Follow it with `nullcheck watch ep-1`." in result.output
    assert clock.now == pytest.approx(60)


def test_parts_s3_refuses_after_completing_fail_with_the_reason(api: Api, video: Path) -> None:
    reason = "the uploaded parts could not be put together (InvalidPart): upload the file again"
    api.complete = lambda request, n: httpx.Response(202, json={"key": KEY, "trackName": "cam", "status": "Completing"})
    api.episode = lambda n: [api.track("ProcessingFailed", failureReason=reason)]

    result = upload(video)

    assert result.exit_code == 1
    assert f"track cam was uploaded but cannot be used: {reason}" in result.stderr


def test_watch_shows_completing_and_waits_through_it(monkeypatch: pytest.MonkeyPatch) -> None:
    states = ["Completing", "Processing", "Processed"]
    seen: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        status = states[min(len(seen), 3) - 1]
        return httpx.Response(200, json=episode({"trackName": "cam", "status": status, "uploadId": "u"}))

    transport = httpx.MockTransport(handle)
    monkeypatch.setattr(shared, "client_factory", lambda url: NullCheckClient(url, transport=transport))
    monkeypatch.setenv("NULLCHECK_TOKEN", "Bearer test-token")

    result = runner.invoke(cli.app, ["watch", EPISODE_ID, "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert len(seen) == 3
    completing: Any = episode({"trackName": "cam", "status": "Completing"})
    assert watch.watch_outcome(completing, transcript=False) is watch.Outcome.PENDING


def test_the_tracks_table_explains_completing() -> None:
    console = Console(width=200, record=True)
    view: EpisodeDetail = episode({"trackName": "cam", "status": "Completing"})  # type: ignore[assignment]

    console.print(tracks_table(view))

    text = " ".join(console.export_text().split())  # the caption wraps at the table's width
    assert "│ cam │ Completing │" in text and COMPLETING_NOTE in text


def test_a_write_error_with_the_track_completing_is_a_completing_answer() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/complete"):
            raise httpx.WriteError("connection reset by peer", request=request)
        return httpx.Response(200, json=episode({"trackName": "cam", "status": "Completing", "uploadId": "upload-1"}))

    client = NullCheckClient("http://api.test/api", transport=httpx.MockTransport(handle))
    lines: list[str] = []
    policy = CompletionPolicy(follow_seconds=0)

    done = complete_upload(client, EPISODE_ID, "cam", "upload-1", KEY, PARTS, policy=policy, report=lines.append)

    assert done["status"] == "Completing"
    assert lines[0].startswith("complete got no answer (connection reset by peer)")
