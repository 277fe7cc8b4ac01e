"""A completion that outlasts its request, over HTTP: 202 `Completing`, then the track moves on by itself.

The local S3 takes 3 s to complete any multipart upload and `complete` waits 1 s for it, so a
small file behaves as a multi-GB recording does on AWS. Handlers read their settings when they
are first imported, so this stack, set up unlike the suite's, runs in a child process of its own
(`local.stack_process`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from client import cli
from local.samples import generate_video
from local.stack_process import StackProcess

pytestmark = pytest.mark.e2e

COMPLETE_WAIT_SECONDS = 1
S3_COMPLETION_DELAY_SECONDS = 3
SETTLED = ("Processed", "ProcessingFailed")


@pytest.fixture(scope="module")
def stack() -> Iterator[StackProcess]:
    config = {
        "complete_wait_seconds": COMPLETE_WAIT_SECONDS,
        "s3_completion_delay_seconds": S3_COMPLETION_DELAY_SECONDS,
        "chunk_seconds": 2,
    }
    with StackProcess(config=config) as running:
        yield running


@pytest.fixture(scope="module")
def api(stack: StackProcess) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {stack.connection['idToken']}"}
    with httpx.Client(base_url=stack.connection["apiUrl"], headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("completing") / "camera.mp4", 3, width=160, height=120)


def new_episode(api: httpx.Client) -> str:
    answer = api.post("/episodes", json={"title": "Completing", "episodeNumber": 1})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def send_parts(api: httpx.Client, episode_id: str, path: Path, track: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start the upload and PUT its one part; (the session, the complete request's body)."""
    session = api.post(f"/episodes/{episode_id}/tracks", json={"filename": path.name, "trackName": track}).json()
    [entry] = api.post(
        f"/episodes/{episode_id}/tracks/{session['trackName']}/parts",
        json={"uploadId": session["uploadId"], "partNumbers": [1]},
    ).json()["urls"]
    put = httpx.put(entry["url"], content=path.read_bytes(), headers=session["requiredHeaders"], timeout=60)
    assert put.status_code == 200
    return session, {"uploadId": session["uploadId"], "parts": [{"ETag": put.headers["ETag"], "PartNumber": 1}]}


def track_of(api: httpx.Client, episode_id: str) -> dict[str, Any]:
    [track] = api.get(f"/episodes/{episode_id}").json()["tracks"]
    return dict(track)


def wait_for(check: Callable[[], dict[str, Any] | None], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := check()) is not None:
            return found
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def test_complete_answers_202_completing_and_the_track_moves_on(api: httpx.Client, video: Path) -> None:
    episode_id = new_episode(api)
    session, body = send_parts(api, episode_id, video, "Main Camera")
    complete = f"/episodes/{episode_id}/tracks/{session['trackName']}/complete"

    answer = api.post(complete, json=body)

    assert answer.status_code == 202, answer.text
    assert answer.json() == {"key": session["key"], "trackName": "main-camera", "status": "Completing"}
    track = track_of(api, episode_id)
    assert (track["status"], track["uploadId"]) == ("Completing", session["uploadId"])
    refused = api.delete(f"/episodes/{episode_id}/tracks/main-camera")
    assert refused.status_code == 409, refused.text
    again = api.post(complete, json=body)
    # The same answer: still Completing (202), or, once S3 has finished, the track as it now is (200).
    assert again.status_code == (202 if again.json()["status"] == "Completing" else 200)
    assert {k: again.json()[k] for k in ("key", "trackName")} == {"key": session["key"], "trackName": "main-camera"}

    moved_on = wait_for(lambda: track if (track := track_of(api, episode_id))["status"] != "Completing" else None)
    assert moved_on["status"] in ("Unprocessed", "Processing", "Processed"), moved_on
    settled = wait_for(lambda: track if (track := track_of(api, episode_id))["status"] in SETTLED else None)
    assert settled["status"] == "Processed", settled
    assert settled["segmentCount"] >= 1


def test_the_cli_waits_through_completing_and_reports_the_upload(
    stack: StackProcess, api: httpx.Client, video: Path
) -> None:
    episode_id = new_episode(api)

    result = CliRunner().invoke(
        cli.app,
        ["--api", stack.connection["apiUrl"], "upload-track", episode_id, str(video), "--track", "cam"],
        env={"NULLCHECK_TOKEN": stack.connection["idToken"]},
    )

    assert result.exit_code == 0, result.output
    assert "S3 is still putting the parts together" in result.output
    assert "Uploaded track cam to " in result.output and "still putting it together" not in result.output
    assert track_of(api, episode_id)["status"] != "Completing"
