"""Where a vertical or square render crops each piece of a 16:9 track: on the speaker's face, else the centre.

Pure: given a track's frame size, the output's aspect and the faces Rekognition found in the
piece's captured frames (`FaceDetails` per frame, boxes as ratios of the frame), `frame_piece`
chooses ONE crop rectangle for the whole piece, so the picture holds still within a piece and
moves only where the piece changes:

- the crop is the frame's full height and as wide as the output's aspect allows;
- it is centred horizontally on the most prominent face: in each frame the largest box (boxes
  below `MIN_CONFIDENCE`, or smaller than `MIN_FACE_HEIGHT` of the frame, are people in the
  background or not faces, and are ignored), and across the piece's frames the median of those
  boxes' centres (a frame where someone leans in or a box flickers does not move it);
- clamped inside the frame, every number even (4:2:0 video; MediaConvert's `Input.Crop`
  `{X, Y, Width, Height}` must be even);
- `framed_on` says `face`, or `centre` where no frame of the piece has a face (the crop is then
  the centre one, as `ScalingBehavior: FILL` would cut).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

MIN_CONFIDENCE = 80.0
MIN_FACE_HEIGHT = 0.04
"""Share of the frame's height below which a box is not the speaker."""

FramedOn = Literal["face", "centre"]
FaceDetails = Sequence[Mapping[str, Any]]
"""One frame's `FaceDetails` as DetectFaces answers: `[{"BoundingBox": {...}, "Confidence": …}]`."""


@dataclass(frozen=True)
class Crop:
    """A rectangle of the track's frame, in pixels (even numbers)."""

    x: int
    y: int
    width: int
    height: int

    def settings(self) -> dict[str, int]:
        """MediaConvert's `Rectangle` (`Input.Crop`)."""
        return {"X": self.x, "Y": self.y, "Width": self.width, "Height": self.height}


@dataclass(frozen=True)
class Framing:
    """One piece's crop and what it is centred on."""

    crop: Crop
    framed_on: FramedOn

    def record(self) -> dict[str, Any]:
        """As a render stores it per piece: `{"crop": {X, Y, Width, Height}, "framedOn": …}`."""
        return {"crop": self.crop.settings(), "framedOn": self.framed_on}


def frame_piece(frame_size: tuple[int, int], aspect: tuple[int, int], frames: Sequence[FaceDetails]) -> Framing:
    """The crop of one piece of a track whose frames are `frame_size` (width, height), for an output of
    `aspect` (width, height: 1080x1920 vertical, 1080x1080 square), from the faces of its captured frames."""
    frame_width, frame_height = frame_size
    aspect_width, aspect_height = aspect
    if frame_width < 2 or frame_height < 2 or aspect_width < 1 or aspect_height < 1:
        raise ValueError(f"no crop of a {frame_width}x{frame_height} frame to {aspect_width}:{aspect_height}")
    height = _even_floor(frame_height)
    width = min(_even_floor(frame_width), max(2, _even_floor(height * aspect_width / aspect_height)))
    centres = [centre for centre in (_prominent_centre(faces) for faces in frames) if centre is not None]
    if not centres:
        return Framing(Crop(_even_floor((frame_width - width) / 2), 0, width, height), "centre")
    middle = statistics.median(centres) * frame_width
    x = min(max(0.0, middle - width / 2), frame_width - width)
    return Framing(Crop(_even_floor(x), 0, width, height), "face")


def _prominent_centre(faces: FaceDetails) -> float | None:
    """The horizontal centre (ratio of the width) of the frame's largest face worth framing, if any."""
    best: tuple[float, float] | None = None
    for face in faces:
        box = face.get("BoundingBox") or {}
        try:
            left, width, height = float(box["Left"]), float(box["Width"]), float(box["Height"])
            confidence = float(face.get("Confidence", 0))
        except (KeyError, TypeError, ValueError):
            continue
        if confidence < MIN_CONFIDENCE or height < MIN_FACE_HEIGHT or width <= 0:
            continue
        area = width * height
        if best is None or area > best[0]:
            best = (area, min(1.0, max(0.0, left + width / 2)))
    return None if best is None else best[1]


def _even_floor(value: float) -> int:
    return max(0, 2 * int(value // 2))
