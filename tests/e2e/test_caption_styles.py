"""Captions for a phone, checked in the rendered frames: a vertical clip of a plain grey picture is rendered
on the local stack with its producer's caption lines, then frames are read back with the bundled ffmpeg.

Social: text only while a cue runs, one line of a few words narrow against the frame, glyphs large, never in
the bottom fifth. Classic: the cue's whole line, smaller, as before."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import pytest

from local.samples import generate_video
from tests.e2e.test_media_pipeline import new_episode, track_when_settled, upload_track
from tests.e2e.test_renders import put_transcript, rendered

WIDTH, HEIGHT = 1080, 1920
GREY = 0x80
"""The picture's luma: white text and its black outline both differ from it by far more than encoding noise."""
RANGE = (5.0, 12.0)
"""The clip's one range (input seconds); output time 0 is input 5 s."""
LINES = [
    (5.5, 7.5, "Hello There Friends, Welcome Back Today"),
    (9.0, 10.5, "Queues Keep Things Calm"),
]
"""The producer's caption lines: 0.5-2.5 s and 4.0-5.5 s of the clip; every word has a tall letter."""


@dataclass(frozen=True)
class Text:
    """The drawn text of one frame: how many pixels, and the box around them (x0, y0, x1, y1)."""

    pixels: int
    box: tuple[int, int, int, int] | None

    @property
    def height(self) -> int:
        return 0 if self.box is None else self.box[3] - self.box[1] + 1

    @property
    def width(self) -> int:
        return 0 if self.box is None else self.box[2] - self.box[0] + 1


def text_at(video: Path, seconds: float) -> Text:
    """Pixels of one frame far from the grey picture (text fill or outline), and their bounding box."""
    frame = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{seconds:.3f}", "-i",
         str(video), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert len(frame) == WIDTH * HEIGHT
    rows = [y for y in range(HEIGHT) if _row_has_text(frame, y)]
    if not rows:
        return Text(0, None)
    columns = [x for x in range(WIDTH) if any(abs(frame[y * WIDTH + x] - GREY) > 64 for y in rows)]
    pixels = sum(abs(frame[y * WIDTH + x] - GREY) > 64 for y in rows for x in columns)
    return Text(pixels, (columns[0], rows[0], columns[-1], rows[-1]))


def _row_has_text(frame: bytes, y: int) -> bool:
    row = frame[y * WIDTH : (y + 1) * WIDTH]
    return sum(abs(value - GREY) > 64 for value in row) >= 3


@pytest.fixture(scope="module")
def grey_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("styles") / "grey.mp4", 20, width=320, height=180, color="0x808080")


@pytest.fixture
def clip(api: httpx.Client, grey_video: Path) -> str:
    """An approved clip of one range with the producer's lines; its API path."""
    episode_id = new_episode(api)
    upload_track(api, episode_id, grey_video, "main")
    assert track_when_settled(api, episode_id)["status"] == "Processed"
    put_transcript(api, episode_id, 20 / 60, seed=5)
    clip_id = api.get(f"/episodes/{episode_id}/clips").json()["items"][0]["clipId"]
    path = f"/episodes/{episode_id}/clips/{clip_id}"

    def stamp(seconds: float) -> str:
        return f"00:00:{int(seconds):02d},{round(seconds % 1 * 1000):03d}"

    edit = {
        "status": "approved",
        "segments": [{"startTime": stamp(RANGE[0]), "endTime": stamp(RANGE[1])}],
        "captions": [{"startTime": stamp(start), "endTime": stamp(end), "text": text} for start, end, text in LINES],
    }
    answer = api.patch(path, json=edit)
    assert answer.status_code == 200, answer.text
    return path


def render_and_download(api: httpx.Client, path: str, body: dict[str, Any], target: Path) -> dict[str, Any]:
    started = api.post(f"{path}/renders", json=body)
    assert started.status_code == 202, started.text
    _, episode_id, _, clip_id = path.strip("/").split("/")
    render = rendered(api, episode_id, clip_id, started.json()["renderId"])
    assert render["status"] == "Rendered", render
    target.write_bytes(httpx.get(render["downloadUrl"], timeout=60).content)
    return {**started.json(), **render}


def test_social_captions_are_a_few_large_words_above_the_bottom_fifth_only_while_a_cue_runs(
    api: httpx.Client, clip: str, tmp_path: Path
) -> None:
    video = tmp_path / "social.mp4"
    render = render_and_download(api, clip, {}, video)
    assert render["captionStyle"] == "social" and (render["width"], render["height"]) == (WIDTH, HEIGHT)

    during = {at: text_at(video, at) for at in (0.7, 1.5, 2.3, 4.3, 5.2)}
    heights: list[int] = []
    for at, text in during.items():
        assert text.box is not None and text.pixels > 2000, f"text at {at} s"
        x0, y0, x1, y1 = text.box
        assert y1 < 0.8 * HEIGHT, f"at {at} s the text reaches into the bottom fifth ({y1})"
        assert y0 > HEIGHT / 2, f"at {at} s the text is in the lower half ({y0})"
        assert text.width < 0.8 * WIDTH, f"at {at} s a few words, narrow against the frame ({text.width} px)"
        # One line: a capital's height and the outline at least (libass sizes FontSize 96 as the line's ascent
        # plus descent: a capital is about 57 px), never a second line's worth.
        assert 0.033 * HEIGHT <= text.height <= 1.6 * 96, f"at {at} s one line of large glyphs ({text.height} px)"
        heights.append(text.height)
        assert abs((x0 + x1) / 2 - WIDTH / 2) < 0.05 * WIDTH, "centred"
    # One cue's words are shown a few at a time: the first cue changes text between its frames.
    assert during[0.7].box != during[2.3].box
    for at in (0.2, 3.2, 6.5):  # before the first cue, between the cues, after the last
        assert text_at(video, at).box is None, f"no text at {at} s"


def test_classic_captions_still_show_the_whole_line_smaller(api: httpx.Client, clip: str, tmp_path: Path) -> None:
    video = tmp_path / "classic.mp4"
    render = render_and_download(api, clip, {"captionStyle": "classic"}, video)
    assert render["captionStyle"] == "classic"

    shown = text_at(video, 1.5)
    assert shown.box is not None and shown.pixels > 1000
    assert shown.box[1] >= 0.72 * HEIGHT - 4, "classic captions hang from 72 % of the height, as before"
    assert shown.height > 96, "the cue's whole text, wrapped to two lines of smaller type"
    assert text_at(video, 0.7).box == text_at(video, 2.3).box, "the whole cue, all its time"
    assert text_at(video, 3.2).box is None
