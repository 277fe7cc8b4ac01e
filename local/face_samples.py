"""Test media with a real face: a 16:9 track with a person at the left or at the right of the frame.

The face is a photograph shipped inside a wheel, so nothing is downloaded: scikit-image's
`astronaut()` (Eileen Collins, NASA, public domain). Its head and shoulders are pasted on a plain
background wholly outside the centre 9:16 window (x 438..842 of a 1280x720 frame), so a vertical
render cropped at the centre shows no face and one framed on the face shows it. Video H.264 +
AAC (a tone) from the ffmpeg of the imageio-ffmpeg wheel.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from local.samples import ffmpeg_exe

Side = Literal["left", "right"]

CROP = (120, 0, 260, 240)
"""x, y, width, height of the astronaut's head and shoulders in the 512x512 photograph."""
FACE_IN_PHOTO = (177, 66, 95, 95)
"""Where the face is in the photograph (x, y, width, height), as OpenCV's frontal cascade finds it."""
BACKGROUND_BGR = (96, 80, 64)
MARGIN_SHARE = 1 / 20
"""The person's distance from the frame's edge, as a share of its width."""
PERSON_SHARE = 0.42
"""The person's height as a share of the frame's."""


@dataclass(frozen=True)
class Placement:
    """Where the person is in the frame: the pasted picture and the face in it, in pixels."""

    person: tuple[int, int, int, int]
    face: tuple[int, int, int, int]

    @property
    def face_centre_x(self) -> float:
        x, _, width, _ = self.face
        return x + width / 2


def placement(side: Side, width: int = 1280, height: int = 720) -> Placement:
    """Where `frame` puts the person for `side` in a width x height frame."""
    crop_x, crop_y, crop_w, crop_h = CROP
    scale = height * PERSON_SHARE / crop_h
    person_w, person_h = round(crop_w * scale), round(crop_h * scale)
    margin = round(width * MARGIN_SHARE)
    x = margin if side == "left" else width - margin - person_w
    y = (height - person_h) // 2
    face_x, face_y, face_w, face_h = FACE_IN_PHOTO
    face = (
        x + round((face_x - crop_x) * scale),
        y + round((face_y - crop_y) * scale),
        round(face_w * scale),
        round(face_h * scale),
    )
    return Placement((x, y, person_w, person_h), face)


def frame(side: Side, width: int = 1280, height: int = 720) -> np.ndarray:
    """One BGR picture: the plain background and the person at `side`."""
    from skimage import data  # imported here: scikit-image takes a while to import

    photo = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    crop_x, crop_y, crop_w, crop_h = CROP
    where = placement(side, width, height)
    x, y, person_w, person_h = where.person
    person = cv2.resize(photo[crop_y : crop_y + crop_h, crop_x : crop_x + crop_w], (person_w, person_h))
    picture = np.full((height, width, 3), BACKGROUND_BGR, dtype=np.uint8)
    picture[y : y + person_h, x : x + person_w] = person
    return picture


def generate_face_video(path: Path, side: Side, seconds: float, *, width: int = 1280, height: int = 720) -> Path:
    """An H.264 + AAC MP4 of `frame(side)` (25 fps, a keyframe a second) with a tone."""
    tone = 330 if side == "left" else 550  # two speakers, two voices
    with tempfile.TemporaryDirectory(prefix="face-sample-") as tmp:
        still = Path(tmp) / "frame.png"
        if not cv2.imwrite(str(still), frame(side, width, height)):
            raise OSError(f"could not write {still}")
        command = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-loop", "1", "-framerate", "25", "-t", str(seconds), "-i", str(still),
            "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
            "-c:a", "aac", "-b:a", "128k", "-shortest", str(path),
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=600)
    return path
