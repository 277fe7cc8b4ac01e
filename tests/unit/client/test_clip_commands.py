"""`nullcheck clips approve|reject|render|download` against a fake API (httpx MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from client import cli
from tests.unit.client.fakes import EPISODE_ID
from tests.unit.client.test_cli import use_api, wide_consoles

__all__ = ["use_api", "wide_consoles"]  # fixtures shared with the CLI's other tests

Handler = Callable[[httpx.Request], httpx.Response]
runner = CliRunner()
CLIP = "c1"
RENDER = {"renderId": "r1", "format": "vertical", "captions": True, "trackName": "main", "status": "Rendering"}


def clip(*renders: dict[str, Any], status: str = "pending_review") -> dict[str, Any]:
    return {
        "clipId": CLIP,
        "clipType": "educational",
        "status": status,
        "hook": "Why queues",
        "summary": "s",
        "totalDurationSeconds": 12.0,
        "segments": [],
        "bRollSuggestions": [],
        "renders": list(renders),
    }


def test_approve_sends_the_review_and_prints_the_clip(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    received = use_api(lambda request: httpx.Response(200, json=clip(status="approved")))

    result = runner.invoke(cli.app, ["clips", "approve", EPISODE_ID, CLIP])

    assert result.exit_code == 0, result.output
    assert received[0].method == "PATCH" and received[0].url.path.endswith(f"/clips/{CLIP}")
    assert json.loads(received[0].content) == {"status": "approved"}
    assert "approved" in result.output


def test_render_waits_until_rendered(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    done = {**RENDER, "status": "Rendered", "width": 1080, "height": 1920, "durationSeconds": 12.0, "sizeBytes": 2e6}
    answers = iter([clip(RENDER), clip(done)])

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(202, json=RENDER)
        return httpx.Response(200, json=next(answers))

    received = use_api(api)
    result = runner.invoke(cli.app, ["clips", "render", EPISODE_ID, CLIP, "--no-captions", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert json.loads(received[0].content) == {"format": "vertical", "captions": False}
    assert "Rendered 1080x1920" in result.output and len(received) == 3


def test_a_failed_render_exits_1_with_the_reason(use_api: Callable[[Handler], list[httpx.Request]]) -> None:
    failed = {**RENDER, "status": "RenderFailed", "failureReason": "the original upload was gone"}
    use_api(
        lambda r: httpx.Response(202, json=RENDER) if r.method == "POST" else httpx.Response(200, json=clip(failed))
    )

    result = runner.invoke(cli.app, ["clips", "render", EPISODE_ID, CLIP, "--interval", "0"])

    assert result.exit_code == 1 and "the original upload was gone" in result.output


@pytest.mark.parametrize("fmt", ["portrait"])
def test_an_unknown_format_is_refused_before_any_call(use_api: Any, fmt: str) -> None:
    received = use_api(lambda request: httpx.Response(500))

    result = runner.invoke(cli.app, ["clips", "render", EPISODE_ID, CLIP, "--format", fmt])

    assert result.exit_code == 1 and received == []


def test_download_writes_the_rendered_file(use_api: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = {**RENDER, "status": "Rendered", "downloadUrl": "https://bucket.example/clip.mp4?X-Amz-Signature=x"}
    use_api(lambda request: httpx.Response(200, json=clip(rendered)))
    video = b"\x00\x00\x00\x18ftypmp42" + b"v" * 5000
    files = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, content=video)))
    monkeypatch.setattr(httpx, "stream", files.stream)
    target = tmp_path / "clip.mp4"

    result = runner.invoke(cli.app, ["clips", "download", EPISODE_ID, CLIP, "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert target.read_bytes() == video and not target.with_name("clip.mp4.part").exists()


def test_download_without_a_render_says_what_to_do(use_api: Any, tmp_path: Path) -> None:
    use_api(lambda request: httpx.Response(200, json=clip(RENDER)))

    result = runner.invoke(cli.app, ["clips", "download", EPISODE_ID, CLIP, "-o", str(tmp_path / "x.mp4")])

    assert result.exit_code == 1 and "clips render" in result.output and not (tmp_path / "x.mp4").exists()


def test_render_sends_the_caption_style_and_refuses_one_that_cannot_be(use_api: Any) -> None:
    done = {**RENDER, "captionStyle": "classic", "status": "Rendered", "width": 1080, "height": 1920}
    received = use_api(
        lambda r: httpx.Response(202, json=RENDER) if r.method == "POST" else httpx.Response(200, json=clip(done))
    )

    result = runner.invoke(
        cli.app, ["clips", "render", EPISODE_ID, CLIP, "--caption-style", "classic", "--interval", "0"]
    )

    assert result.exit_code == 0, result.output
    assert json.loads(received[0].content) == {"format": "vertical", "captions": True, "captionStyle": "classic"}
    for wrong in (["--caption-style", "tiktok"], ["--caption-style", "social", "--no-captions"]):
        count = len(received)
        assert runner.invoke(cli.app, ["clips", "render", EPISODE_ID, CLIP, *wrong]).exit_code == 1
        assert len(received) == count, "refused before any call"
