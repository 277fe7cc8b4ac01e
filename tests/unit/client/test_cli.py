"""The `nullcheck` command line, with the API client's transport injected through `client_factory`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from client import cli
from client.api import NullCheckClient
from client.api_types import EpisodeDetail
from client.commands import shared, watch
from tests.unit.client.fakes import EPISODE_ID, FakeApi

Handler = Callable[[httpx.Request], httpx.Response]

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render as on a wide terminal, so table cells are not wrapped across lines."""
    monkeypatch.setattr(shared, "console", Console(width=200))
    monkeypatch.setattr(shared, "errors", Console(width=200, stderr=True))


@pytest.fixture
def use_api(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], list[httpx.Request]]:
    """Point the CLI at an API served by `handler`; returns the list of requests it receives."""

    def install(handler: Handler) -> list[httpx.Request]:
        received: list[httpx.Request] = []

        def recording(request: httpx.Request) -> httpx.Response:
            received.append(request)
            return handler(request)

        transport = httpx.MockTransport(recording)
        monkeypatch.setattr(shared, "client_factory", lambda url: NullCheckClient(url, transport=transport))
        monkeypatch.setenv("NULLCHECK_TOKEN", "Bearer test-token")
        return received

    return install


def episode(
    *tracks: dict[str, Any], transcript_key: str | None = None, transcript_status: str = "ClipsProposed", **extra: Any
) -> dict[str, Any]:
    """An episode answer as the API gives it."""
    body: dict[str, Any] = {
        "id": EPISODE_ID,
        "title": "Pilot",
        "episodeNumber": 1,
        "status": "Draft",
        "platforms": ["twitch"],
        "themes": [],
        "numTracks": len(tracks),
        "clipCount": 2,
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-01-01T00:00:00Z",
        "tracks": list(tracks),
    }
    if transcript_key:
        body.update(transcriptKey=transcript_key, transcriptStatus=transcript_status, **extra)
    return body


def track(status: str, **fields: Any) -> dict[str, Any]:
    return {"trackName": "main-camera", "status": status, **fields}


def test_list_all_follows_next_token_across_pages(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    pages = {
        None: {"items": [{"id": "ep-2", "title": "Second", "status": "Draft"}], "count": 1, "nextToken": "tok"},
        "tok": {"items": [{"id": "ep-1", "title": "First", "status": "Draft"}], "count": 1},
    }
    received = use_api(lambda request: httpx.Response(200, json=pages[request.url.params.get("nextToken")]))

    result = runner.invoke(cli.app, ["--api", "http://api.test/api", "episodes", "list", "--all", "--limit", "1"])

    assert result.exit_code == 0, result.output
    assert "Second" in result.output and "First" in result.output
    assert [request.url.params.get("nextToken") for request in received] == [None, "tok"]
    assert {request.url.params.get("limit") for request in received} == {"1"}


def test_list_without_all_shows_one_page_and_says_more_exist(
    use_api: Callable[[Handler], list[httpx.Request]],
) -> None:
    page = {"items": [{"id": "ep-2", "title": "Second", "status": "Draft"}], "count": 1, "nextToken": "tok"}
    received = use_api(lambda request: httpx.Response(200, json=page))

    result = runner.invoke(cli.app, ["episodes", "list"])

    assert result.exit_code == 0, result.output
    assert len(received) == 1
    assert "--all" in result.output


def test_an_api_error_prints_its_message_and_exits_1(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    use_api(lambda request: httpx.Response(404, json={"message": "episode not found"}))

    result = runner.invoke(cli.app, ["episodes", "show", "missing"])

    assert result.exit_code == 1
    assert "episode not found" in result.stderr
    assert isinstance(result.exception, SystemExit), "no traceback for an API error"


def test_an_unreachable_api_is_reported_without_a_traceback(
    use_api: Callable[[Handler], list[httpx.Request]],
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    use_api(refuse)

    result = runner.invoke(cli.app, ["--api", "http://api.test/api", "clips", "list", EPISODE_ID])

    assert result.exit_code == 1
    assert "cannot reach http://api.test" in result.stderr
    assert isinstance(result.exception, SystemExit)


def test_api_url_comes_from_the_environment(
    use_api: Callable[[Handler], list[httpx.Request]], monkeypatch: pytest.MonkeyPatch
) -> None:
    received = use_api(lambda request: httpx.Response(200, json={"items": []}))
    monkeypatch.setenv("NULLCHECK_API", "http://elsewhere.test/stage")

    result = runner.invoke(cli.app, ["clips", "list", EPISODE_ID])

    assert result.exit_code == 0, result.output
    assert str(received[0].url) == f"http://elsewhere.test/stage/episodes/{EPISODE_ID}/clips"


def test_create_sends_every_option_and_prints_the_id(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    received = use_api(lambda request: httpx.Response(201, json={"id": "ep-new"}))
    options = ["--title", "Pilot", "--number", "3", "--summary", "First show", "--air-date", "2025-03-01"]
    repeated = ["--platform", "twitch", "--platform", "linkedin live", "--theme", "aws", "--series", "Null Talk"]

    result = runner.invoke(cli.app, ["episodes", "create", *options, *repeated])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ep-new"
    assert json.loads(received[0].content) == {
        "title": "Pilot",
        "episodeNumber": 3,
        "summary": "First show",
        "airDate": "2025-03-01",
        "platforms": ["twitch", "linkedin live"],
        "themes": ["aws"],
        "seriesName": "Null Talk",
    }


def test_show_prints_tracks_transcript_state_and_clip_count(
    use_api: Callable[[Handler], list[httpx.Request]],
) -> None:
    body = episode(
        track("ProcessingFailed", failureReason="codec not supported"),
        transcript_key="ep-1/transcripts/t1.srt",
        transcript_status="Invalid",
        transcriptError="line 12: timestamp is not valid",
    )
    use_api(lambda request: httpx.Response(200, json=body))

    result = runner.invoke(cli.app, ["episodes", "show", EPISODE_ID])

    assert result.exit_code == 0, result.output
    for text in ("main-camera", "ProcessingFailed", "codec not supported", "Invalid", "line 12: timestamp is not"):
        assert text in result.output
    assert "clips" in result.output and "2" in result.output


def test_clips_shows_score_type_hook_reason_duration_and_segments(
    use_api: Callable[[Handler], list[httpx.Request]],
) -> None:
    clip = {
        "clipId": "c1",
        "clipType": "educational",
        "hook": "Why [your] Lambda is slow",
        "summary": "Cold starts explained.",
        "totalDurationSeconds": 32.5,
        "segments": [{"startTime": "00:01:00,000", "endTime": "00:01:32,500", "text": "Cold starts..."}],
        "bRollSuggestions": [],
        "status": "pending_review",
        "score": 92,
        "reason": "opens on a question",
        "scoreSource": "agent",
    }
    use_api(lambda request: httpx.Response(200, json={"items": [clip]}))

    result = runner.invoke(cli.app, ["clips", "list", EPISODE_ID])

    assert result.exit_code == 0, result.output
    for text in (
        "92",
        "c1",
        "educational",
        "pending_review",
        '"Why [your] Lambda is slow" — opens on a question',
        "32.5 s",
        "00:01:00,000 - 00:01:32,500",
    ):
        assert text in result.output
    assert "derived from confidence" not in result.output


def test_clips_star_a_score_derived_from_confidence(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    clip = {
        "clipId": "c0",
        "clipType": "funny",
        "hook": "Older clip",
        "summary": "Proposed before scores.",
        "totalDurationSeconds": 20.0,
        "segments": [],
        "status": "approved",
        "score": 81,
        "scoreSource": "confidence",
        "confidence": 0.81,
    }
    use_api(lambda request: httpx.Response(200, json={"items": [clip]}))

    result = runner.invoke(cli.app, ["clips", "list", EPISODE_ID])

    assert result.exit_code == 0, result.output
    assert "81*" in result.output and "score derived from confidence" in result.output


def test_watch_exits_0_once_every_track_is_processed(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    answers = [episode(track("Processing")), episode(track("Processed", segmentCount=3, totalDurationSeconds=300.0))]
    received = use_api(lambda request: httpx.Response(200, json=answers[min(len(received) - 1, 1)]))

    result = runner.invoke(cli.app, ["watch", EPISODE_ID, "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert len(received) == 2
    assert "All tracks processed" in result.output


def test_watch_waits_for_the_transcripts_outcome_when_asked(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    answers = [
        episode(track("Processed")),
        episode(track("Processed"), transcript_key="ep-1/transcripts/t1.srt", transcript_status="Uploaded"),
        episode(track("Processed"), transcript_key="ep-1/transcripts/t1.srt"),
    ]
    received = use_api(lambda request: httpx.Response(200, json=answers[min(len(received) - 1, 2)]))

    result = runner.invoke(cli.app, ["watch", EPISODE_ID, "--interval", "0", "--transcript"])

    assert result.exit_code == 0, result.output
    assert len(received) == 3


def test_watch_fails_with_the_reason_of_an_invalid_transcript(
    use_api: Callable[[Handler], list[httpx.Request]],
) -> None:
    invalid = episode(
        track("Processed"), transcript_key="k", transcript_status="Invalid", transcriptError="the file is empty"
    )
    use_api(lambda request: httpx.Response(200, json=invalid))

    result = runner.invoke(cli.app, ["watch", EPISODE_ID, "--interval", "0", "--transcript"])

    assert result.exit_code == 1
    assert "the transcript is invalid: the file is empty" in result.output


def test_watch_exits_1_when_a_track_failed(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    use_api(lambda request: httpx.Response(200, json=episode(track("ProcessingFailed", failureReason="bad input"))))

    result = runner.invoke(cli.app, ["watch", EPISODE_ID, "--interval", "0"])

    assert result.exit_code == 1
    assert "processing failed" in result.stderr


def test_watch_exits_1_on_timeout(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    use_api(lambda request: httpx.Response(200, json=episode(track("Processing"))))

    result = runner.invoke(cli.app, ["watch", EPISODE_ID, "--interval", "0", "--timeout", "0"])

    assert result.exit_code == 1
    assert "timed out" in result.stderr


def test_upload_track_command_uploads_the_file(
    use_api: Callable[[Handler], list[httpx.Request]], fake_api: FakeApi, s3: Any, bucket: str, video: Path
) -> None:
    use_api(fake_api.handle)

    result = runner.invoke(cli.app, ["upload-track", EPISODE_ID, str(video), "--track", "cam", "--part-size", "5"])

    assert result.exit_code == 0, result.output
    assert "Uploaded track cam" in result.output
    assert s3.get_object(Bucket=bucket, Key=f"{EPISODE_ID}/tracks/cam.mp4")["Body"].read() == video.read_bytes()


def test_upload_transcript_command_posts_the_srt(
    use_api: Callable[[Handler], list[httpx.Request]], fake_api: FakeApi, s3: Any, bucket: str, tmp_path: Path
) -> None:
    srt = tmp_path / "show.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nHi.\n")
    use_api(fake_api.handle)

    result = runner.invoke(cli.app, ["upload-transcript", EPISODE_ID, str(srt)])

    assert result.exit_code == 0, result.output
    assert s3.get_object(Bucket=bucket, Key=f"{EPISODE_ID}/transcript.srt")["Body"].read() == srt.read_bytes()


def test_watch_keeps_waiting_while_the_episode_has_no_track() -> None:
    assert watch.watch_outcome(cast(EpisodeDetail, episode()), transcript=False) is watch.Outcome.PENDING
