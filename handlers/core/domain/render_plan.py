"""A framed render's job, decided at the request and started once its faces are known. Pure.

A vertical or square render is made in two jobs: a frame capture over the clip's pieces
(`domain.frame_capture_job`), then the render. The render's settings are built when it is asked for,
like any render's, and kept in S3 with what framing needs (`RenderPlan`): which piece of the frame
capture each render input shows, and the track each input reads (for its frame size). When the
faces are in, `with_crops` gives every input its `Crop` (`domain.framing`); `ScalingBehavior: FILL`
then scales the cropped picture, already at the output's aspect, to the output.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from handlers.contract import FRAME_SIZES
from handlers.core.domain.render_job import SourceInput

FRAMED_FORMATS: frozenset[str] = frozenset({"vertical", "square"})
"""Formats narrower than a 16:9 track: where the centre is not where the speaker is."""


class RenderPlan(BaseModel):
    settings: dict[str, Any]
    """CreateJob `Settings` of the render, without crops."""
    pieces: list[tuple[str, float, float, float]]
    """The frame capture's pieces: (upload key, start s, end s, frame rate), one per range of each input."""
    piece_inputs: list[int]
    """The render input each piece belongs to."""
    input_tracks: list[str]
    """The track each render input reads."""

    @classmethod
    def of(cls, settings: dict[str, Any], inputs: Sequence[SourceInput], tracks: Sequence[str]) -> RenderPlan:
        if len(inputs) != len(tracks) or len(inputs) != len(settings["Inputs"]):
            raise ValueError("one track per input of the render")
        pieces, owners = [], []
        for number, source in enumerate(inputs):
            for start, end in source.segments:
                pieces.append((source.upload_key, start, end, source.frame_rate))
                owners.append(number)
        return cls(settings=settings, pieces=pieces, piece_inputs=owners, input_tracks=list(tracks))


def framed(format_name: str) -> bool:
    return format_name in FRAMED_FORMATS


def aspect(format_name: str) -> tuple[int, int]:
    return FRAME_SIZES[format_name]


def with_crops(settings: dict[str, Any], crops: Sequence[dict[str, int] | None]) -> dict[str, Any]:
    """The render's settings with each input's `Crop` (None: the input keeps `FILL`'s centre crop)."""
    cropped = copy.deepcopy(settings)
    if len(crops) != len(cropped["Inputs"]):
        raise ValueError("one crop (or None) per input of the render")
    for job_input, crop in zip(cropped["Inputs"], crops, strict=True):
        if crop is not None:
            job_input["Crop"] = dict(crop)
    return cropped
