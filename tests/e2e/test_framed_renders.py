"""Framed on whoever speaks, on the running local stack: two 16:9 tracks, a face wholly outside the centre of each.

Alice's camera shows a photograph of a face at the left edge, Bob's at the right (scikit-image's
astronaut, `local.face_samples`); a centre 9:16 crop shows neither. A vertical render of a clip where
they take turns goes `Framing` (frames captured by the local MediaConvert, searched by the local
Rekognition) then `Rendering`, and every piece of the MP4 shows its speaker's face.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import pytest

from local.face_detector import detect_faces
from local.face_samples import Side, generate_face_video
from tests.e2e.test_renders import rendered
from tests.e2e.test_speaker_renders import SECONDS, download, two_speaker_episode

WIDTH, HEIGHT = 960, 540


@pytest.fixture(scope="module")
def cameras(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("faces")
    sides: dict[str, Side] = {"alice-cam": "left", "bob-cam": "right"}
    return {
        name: generate_face_video(folder / f"{name}.mp4", side, SECONDS, width=WIDTH, height=HEIGHT)
        for name, side in sides.items()
    }


@pytest.fixture
def episode(api: httpx.Client, cameras: dict[str, Path]) -> dict[str, Any]:
    return two_speaker_episode(api, cameras)


def frame_at(path: Path, at: float) -> bytes:
    """The rendered frame at `at` seconds, as PNG."""
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{at}", "-i", str(path),
         "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"],
        check=True, capture_output=True, timeout=30,
    ).stdout  # fmt: skip


def test_a_vertical_render_frames_each_speakers_face(
    api: httpx.Client, episode: dict[str, Any], tmp_path: Path
) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}/renders"
    started = api.post(path, json={"format": "vertical", "captions": False})
    assert started.status_code == 202 and started.json()["status"] == "Framing", started.text

    render = rendered(api, episode["id"], episode["clip"], started.json()["renderId"])

    assert render["status"] == "Rendered", render
    assert [piece["framedOn"] for piece in render["framing"]] == ["face", "face", "face"]
    crops = [piece["crop"] for piece in render["framing"]]
    # Alice's face at the left of her track, Bob's at the right: the windows follow them, steady within a piece.
    assert crops[0]["X"] < (WIDTH - crops[0]["Width"]) / 2 < crops[1]["X"] and crops[2] == crops[0]
    clip = download(render, tmp_path / "framed.mp4")
    for at in (0.7, 3.0, 5.3):  # inside Alice's, Bob's and Alice's pieces
        found = detect_faces(frame_at(clip, at))
        assert (found.width, found.height) == (1080, 1920)
        assert found.faces, f"no face in the rendered frame at {at} s"
        face = found.faces[0]
        assert face.left >= 0 and face.left + face.width <= found.width  # wholly inside the frame
