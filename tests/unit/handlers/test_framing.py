"""Choosing a piece's crop from the faces in its frames (`handlers.core.domain.framing`), with synthetic boxes."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.contract import FRAME_SIZES
from handlers.core.domain.framing import Crop, frame_piece

TRACK = (1280, 720)
VERTICAL = FRAME_SIZES["vertical"]
SQUARE = FRAME_SIZES["square"]


def face(left: float, width: float = 0.09, top: float = 0.36, height: float = 0.16, confidence: float = 99.5) -> Any:
    return {"BoundingBox": {"Left": left, "Top": top, "Width": width, "Height": height}, "Confidence": confidence}


def contains(crop: Crop, detail: Any, frame: tuple[int, int] = TRACK) -> bool:
    box = detail["BoundingBox"]
    left, right = box["Left"] * frame[0], (box["Left"] + box["Width"]) * frame[0]
    return bool(crop.x <= left and right <= crop.x + crop.width)


def all_even(crop: Crop) -> bool:
    return all(value % 2 == 0 for value in (crop.x, crop.y, crop.width, crop.height))


@pytest.mark.parametrize("aspect", [VERTICAL, SQUARE])
@pytest.mark.parametrize("left", [0.105, 0.75])
def test_the_crop_holds_the_face_on_either_side(aspect: tuple[int, int], left: float) -> None:
    detail = face(left)

    framing = frame_piece(TRACK, aspect, [[detail]] * 5)

    assert framing.framed_on == "face"
    assert contains(framing.crop, detail)
    assert framing.crop.height == 720 and framing.crop.y == 0
    assert framing.crop.width == (404 if aspect == VERTICAL else 720)
    assert all_even(framing.crop)


def test_centred_on_the_face_when_the_frame_allows() -> None:
    framing = frame_piece(TRACK, VERTICAL, [[face(0.40, width=0.1)]])

    centre = framing.crop.x + framing.crop.width / 2
    assert abs(centre - 0.45 * 1280) <= 2
    assert framing.record() == {"crop": {"X": 374, "Y": 0, "Width": 404, "Height": 720}, "framedOn": "face"}


def test_no_face_is_the_centre_crop() -> None:
    for frames in ([], [[]], [[], []]):
        framing = frame_piece(TRACK, VERTICAL, frames)
        assert framing.framed_on == "centre"
        assert framing.crop == Crop(438, 0, 404, 720)  # the centre 9:16 window, x 438..842
    assert frame_piece(TRACK, SQUARE, [[]]).crop == Crop(280, 0, 720, 720)


def test_clamped_at_the_edges() -> None:
    assert frame_piece(TRACK, VERTICAL, [[face(0.0, width=0.05)]]).crop.x == 0
    right = frame_piece(TRACK, VERTICAL, [[face(0.95, width=0.05)]]).crop
    assert right.x + right.width == 1280 and right.x == 876


def test_even_numbers_on_odd_frames() -> None:
    for frame in ((1281, 721), (1919, 1079), (853, 480)):
        for left in (0.0, 0.33, 0.9):
            crop = frame_piece(frame, VERTICAL, [[face(left)]]).crop
            assert all_even(crop)
            assert crop.x >= 0 and crop.x + crop.width <= frame[0] and crop.height <= frame[1]


def test_steady_median_of_the_largest_face() -> None:
    speaker, listener = face(0.75, width=0.12, height=0.2), face(0.1, width=0.06, height=0.1)
    flicker = face(0.2, width=0.12, height=0.2)  # one frame where a box jumps
    frames = [[speaker, listener]] * 4 + [[flicker, listener]]

    framing = frame_piece(TRACK, VERTICAL, frames)

    assert contains(framing.crop, speaker) and not contains(framing.crop, listener)


def test_tiny_or_unsure_boxes_are_ignored() -> None:
    unsure = face(0.75, confidence=40)
    tiny = face(0.75, width=0.01, height=0.02)

    assert frame_piece(TRACK, VERTICAL, [[unsure], [tiny]]).framed_on == "centre"
    assert frame_piece(TRACK, VERTICAL, [[{"BoundingBox": {}}, {"Confidence": 99}]]).framed_on == "centre"
    assert contains(frame_piece(TRACK, VERTICAL, [[unsure, face(0.1)]]).crop, face(0.1))


def test_a_frame_narrower_than_the_aspect_keeps_its_width() -> None:
    crop = frame_piece((400, 720), SQUARE, [[face(0.5)]]).crop
    assert crop == Crop(0, 0, 400, 720)
    with pytest.raises(ValueError):
        frame_piece((0, 720), VERTICAL, [])
