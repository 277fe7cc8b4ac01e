"""Faces in a JPEG or PNG, found with OpenCV's Haar cascade: what the local Rekognition answers with.

A real detector, not a stand-in that reads test fixtures: OpenCV 4.x (`opencv-python-headless`)
ships the trained cascade `haarcascade_frontalface_default.xml` in its wheel (`cv2.data`; 5.x no
longer does). It finds upright frontal faces; Rekognition's model finds more (profiles, small or
tilted faces) and draws its boxes from forehead to chin where the cascade's are square.

- Parameters: `scaleFactor` 1.1 (a 10 % step between the sizes tried), `minNeighbors` 5 (a face
  must be found in five overlapping windows, which keeps texture from passing as faces), and a
  smallest face of 4 % of the picture's shorter side (at least 24 px): Rekognition documents 40 px
  on a 1920x1080 picture as its smallest face, about the same share.
- Confidence: the cascade has no probability. `detectMultiScale3(..., outputRejectLevels=True)`
  gives each face the weight its last stage summed (how far past that stage's threshold the window
  was), and `confidence` maps it through the logistic function to 0..100: monotone in the
  detector's own score, above 50 for every face the cascade accepts with a positive margin. It
  orders faces as Rekognition's does; its values are not comparable with Rekognition's.
- At most the 100 largest faces, largest first, as `DetectFaces` answers.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import cv2.data
import numpy as np

CASCADE_FILE = "haarcascade_frontalface_default.xml"
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 5
MIN_FACE_SHARE = 0.04
"""Smallest face side as a share of the picture's shorter side."""
MIN_FACE_PIXELS = 24
"""The cascade's own window is 24x24: nothing smaller can be found."""
MAX_FACES = 100

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_lock = threading.Lock()  # a CascadeClassifier is not documented as safe to share between threads


class NotAnImage(ValueError):
    """Bytes that are not a JPEG or PNG picture (Rekognition's `InvalidImageFormatException`)."""


@dataclass(frozen=True)
class Face:
    """One face: its box in pixels and the detector's confidence (0..100)."""

    left: int
    top: int
    width: int
    height: int
    confidence: float

    def detail(self, image_width: int, image_height: int) -> dict[str, Any]:
        """A `FaceDetail` as Rekognition spells it: the box as ratios of the picture's size."""
        return {
            "BoundingBox": {
                "Width": self.width / image_width,
                "Height": self.height / image_height,
                "Left": self.left / image_width,
                "Top": self.top / image_height,
            },
            "Confidence": self.confidence,
        }


@dataclass(frozen=True)
class Detection:
    """The picture's size and the faces found in it, largest first."""

    width: int
    height: int
    faces: tuple[Face, ...]

    def face_details(self) -> list[dict[str, Any]]:
        return [face.detail(self.width, self.height) for face in self.faces]


@cache
def _cascade() -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE_FILE)
    if classifier.empty():
        raise RuntimeError(f"OpenCV's {CASCADE_FILE} is missing: opencv-python-headless 4.x ships it")
    return classifier


def confidence(level_weight: float) -> float:
    """The cascade's last-stage weight mapped to 0..100 (logistic): monotone, 50 at a zero margin."""
    return 100.0 / (1.0 + math.exp(-max(-50.0, min(50.0, level_weight))))


def detect_faces(data: bytes) -> Detection:
    """The faces in a JPEG or PNG file's bytes; NotAnImage for anything else or a file that does not decode."""
    if not (data.startswith(_JPEG) or data.startswith(_PNG)):
        raise NotAnImage("the image is neither JPEG nor PNG")
    gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None or gray.size == 0:
        raise NotAnImage("the image could not be decoded")
    height, width = gray.shape[:2]
    side = max(MIN_FACE_PIXELS, round(min(width, height) * MIN_FACE_SHARE))
    if min(width, height) < side:
        return Detection(width, height, ())
    with _lock:
        boxes, _levels, weights = _cascade().detectMultiScale3(
            gray,
            scaleFactor=SCALE_FACTOR,
            minNeighbors=MIN_NEIGHBORS,
            minSize=(side, side),
            outputRejectLevels=True,
        )
    faces = [
        Face(int(x), int(y), int(w), int(h), confidence(float(weight)))
        for (x, y, w, h), weight in zip(boxes, weights, strict=True)
    ]
    faces.sort(key=lambda face: (-face.width * face.height, face.left, face.top))
    return Detection(width, height, tuple(faces[:MAX_FACES]))
