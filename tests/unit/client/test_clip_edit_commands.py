"""`nullcheck clips show|edit` against a fake API (httpx MockTransport), and the trims and caption files they send."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from client import cli, clip_shapes
from client.api_types import CaptionLine, ClipSegment
from tests.unit.client.fakes import EPISODE_ID
from tests.unit.client.test_cli import use_api, wide_consoles

__all__ = ["use_api", "wide_consoles"]  # fixtures shared with the CLI's other tests

Handler = Callable[[httpx.Request], httpx.Response]
runner = CliRunner()
CLIP = "c1"
SEGMENTS: list[ClipSegment] = [
    {"startTime": "00:00:10,000", "endTime": "00:00:20,000", "text": "queues decouple"},
    {"startTime": "00:01:00,500", "endTime": "00:01:05,000", "text": "retries"},
]
LINES: list[CaptionLine] = [
    {"startTime": "00:00:10,000", "endTime": "00:00:12,000", "text": "queues decouple"},
    {"startTime": "00:01:00,500", "endTime": "00:01:03,000", "text": "and retries are cheap"},
]


def clip(revision: int = 3, **changes: Any) -> dict[str, Any]:
    return {
        "clipId": CLIP,
        "clipType": "educational",
        "status": "approved",
        "hook": "Why queues",
        "summary": "Queues explained.",
        "totalDurationSeconds": 14.5,
        "segments": SEGMENTS,
        "captions": LINES,
        "revision": revision,
        "proposed": {"segments": SEGMENTS, "captions": LINES},
        "score": 87,
        "reason": "opens on a question and answers it",
        "scoreSource": "agent",
        "renders": [
            {
                "renderId": "r0",
                "revision": 0,
                "format": "vertical",
                "captions": True,
                "trackName": "main",
                "status": "Rendered",
                "width": 1080,
                "height": 1920,
                "durationSeconds": 14.5,
            },
        ],
        "createdAt": "2026-11-24T18:50:00.000Z",
        **changes,
    }


def editing(use_api: Callable[[Handler], list[httpx.Request]]) -> list[httpx.Request]:
    """An API answering GET with the clip and PATCH with the clip at the next revision."""
    return use_api(lambda request: httpx.Response(200, json=clip(4) if request.method == "PATCH" else clip()))


def sent(received: list[httpx.Request]) -> Any:
    [patch] = [request for request in received if request.method == "PATCH"]
    return json.loads(patch.content)


PREVIEW = {"playlistUrl": "https://bucket.example/p.m3u8?X-Amz-Signature=x", "expiresAt": "2026-11-24T19:05:00Z"}


def showing(shown: dict[str, Any], preview: httpx.Response) -> Handler:
    return lambda request: preview if request.url.path.endswith("/preview") else httpx.Response(200, json=shown)


def test_show_prints_the_ranges_the_caption_lines_the_renders_revisions_and_a_preview(use_api: Any) -> None:
    received = use_api(showing(clip(), httpx.Response(200, json=PREVIEW)))

    result = runner.invoke(cli.app, ["clips", "show", EPISODE_ID, CLIP])

    assert result.exit_code == 0, result.output
    assert "00:01:00,500" in result.output and "and retries are cheap" in result.output
    assert "3 (as proposed)" in result.output and "Renders" in result.output
    assert "87 — opens on a question and answers it" in result.output
    assert "Preview: https://bucket.example/p.m3u8" in result.output
    assert [request.url.path.rsplit("/", 1)[-1] for request in received] == [CLIP, "preview"]


def test_show_says_why_there_is_no_preview(use_api: Any) -> None:
    refused = httpx.Response(409, json={"message": "no track of this episode is Processed yet"})
    use_api(showing(clip(revision=1, captions=[]), refused))

    result = runner.invoke(cli.app, ["clips", "show", EPISODE_ID, CLIP])

    assert result.exit_code == 0, result.output
    assert "Preview: not available (no track of this episode is Processed yet)" in result.output
    assert "(edited)" in result.output


def test_show_says_a_score_was_derived_from_confidence(use_api: Any) -> None:
    older = clip(score=64, scoreSource="confidence", confidence=0.64, reason=None)
    use_api(showing({k: v for k, v in older.items() if v is not None}, httpx.Response(200, json=PREVIEW)))

    result = runner.invoke(cli.app, ["clips", "show", EPISODE_ID, CLIP])

    assert result.exit_code == 0, result.output
    assert "64 (derived from confidence" in result.output


def test_edit_trims_relative_to_the_first_start_and_the_last_end(use_api: Any) -> None:
    received = editing(use_api)

    result = runner.invoke(cli.app, ["clips", "edit", EPISODE_ID, CLIP, "--start", "+1.5", "--end", "-2"])

    assert result.exit_code == 0, result.output
    assert sent(received) == {
        "segments": [
            {"startTime": "00:00:11,500", "endTime": "00:00:20,000"},
            {"startTime": "00:01:00,500", "endTime": "00:01:03,000"},
        ],
        "expectedRevision": 3,
    }
    assert "revision 4" in result.output


def test_edit_takes_caption_lines_from_an_srt_file_and_resets(use_api: Any, tmp_path: Path) -> None:
    received = editing(use_api)
    edited: list[CaptionLine] = [{**LINES[0], "text": "Queues decouple everything"}, LINES[1]]
    path = tmp_path / "captions.srt"
    path.write_text(clip_shapes.captions_srt(edited), "utf-8")

    assert runner.invoke(cli.app, ["clips", "edit", EPISODE_ID, CLIP, "--captions", str(path)]).exit_code == 0
    assert sent(received) == {"captions": edited, "expectedRevision": 3}

    received.clear()
    assert runner.invoke(cli.app, ["clips", "edit", EPISODE_ID, CLIP, "--reset"]).exit_code == 0
    assert sent(received) == {"reset": True, "expectedRevision": 3}


def test_edit_captions_in_the_editor(use_api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    received = editing(use_api)
    script = (
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text().replace('queues', 'QUEUES'))"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}")

    result = runner.invoke(cli.app, ["clips", "edit", EPISODE_ID, CLIP, "--edit-captions"])

    assert result.exit_code == 0, result.output
    assert [line["text"] for line in sent(received)["captions"]] == ["QUEUES decouple", "and retries are cheap"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "--reset alone"),
        (["--reset", "--start", "+1"], "--reset alone"),
        (["--start", "1.5"], "give +SECONDS or -SECONDS"),
        (["--start", "+30", "--end", "00:00:30,000"], "nothing is left of the clip"),
    ],
)
def test_edit_refuses_what_it_cannot_make_out_before_any_change(
    use_api: Any, arguments: list[str], message: str
) -> None:
    received = editing(use_api)

    result = runner.invoke(cli.app, ["clips", "edit", EPISODE_ID, CLIP, *arguments])

    assert result.exit_code == 1 and message in result.output
    assert not [request for request in received if request.method == "PATCH"]


def test_trims_drop_passed_ranges_and_take_absolute_times() -> None:
    assert clip_shapes.trimmed(SEGMENTS, "00:00:25,000", None) == [
        {"startTime": "00:01:00,500", "endTime": "00:01:05,000"}
    ]
    assert clip_shapes.trimmed(SEGMENTS, "-2", "+1") == [
        {"startTime": "00:00:08,000", "endTime": "00:00:20,000"},
        {"startTime": "00:01:00,500", "endTime": "00:01:06,000"},
    ]
    assert clip_shapes.caption_lines(clip_shapes.captions_srt(LINES)) == LINES
