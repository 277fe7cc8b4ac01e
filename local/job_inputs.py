"""The inputs of a CreateJob request, as the local MediaConvert reads them: one or several files, in order.

MediaConvert concatenates a job's inputs in order (at most 150), each with its own clippings,
timecode source, caption selectors and audio selectors. A FILE_GROUP job here may have several;
an HLS job (chunking) has one. Each input's caption selector named by the output is read for that
input (cue times are that input's own), and an audio selector with `externalAudioFileInput` takes
the input's audio from that file instead, at the input's own times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_INPUTS = 150
S3_URI = re.compile(r"^s3://([^/]+)/(.*)$")
TIMECODE = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)([:;])(\d{2})$")


class InvalidSettings(ValueError):
    """A CreateJob request the service (or this local renderer) refuses: where, and why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class Clipping:
    """One `InputClippings` entry; None leaves that end open (start or end of the input)."""

    start: str | None
    end: str | None


@dataclass(frozen=True)
class InputSpec:
    """One input of a FILE_GROUP job: its file, clippings, timecode, captions file and audio."""

    location: S3Location
    clippings: tuple[Clipping, ...]
    timecode_source: str = "EMBEDDED"
    timecode_start: str | None = None
    captions_source: S3Location | None = None
    audio_source: S3Location | None = None
    """`externalAudioFileInput` of the audio selector the output plays; None: the input's own audio."""
    crop: tuple[int, int, int, int] | None = None
    """`crop` (X, Y, Width, Height) of the input's picture, applied before scaling; None: the whole picture."""


def s3_location(uri: Any) -> S3Location | None:
    """Bucket and key of an s3://bucket/key URI naming an object (not a folder)."""
    match = S3_URI.match(str(uri or ""))
    if match is None or not match.group(2) or match.group(2).endswith("/"):
        return None
    return S3Location(match.group(1), match.group(2))


def input_list(inputs: Any) -> list[dict[str, Any]]:
    """The job's inputs (1 to 150 objects, each with an s3:// `fileInput`), or InvalidSettings."""
    if not isinstance(inputs, list) or not inputs or not all(isinstance(item, dict) for item in inputs):
        raise InvalidSettings("/settings/inputs", "the job needs at least one input")
    if len(inputs) > MAX_INPUTS:
        raise InvalidSettings("/settings/inputs", f"a job takes at most {MAX_INPUTS} inputs")
    for number, item in enumerate(inputs):
        if s3_location(item.get("fileInput")) is None:
            raise InvalidSettings(f"/settings/inputs/{number}/fileInput", "must be an s3://bucket/key URI")
    return inputs


def parse_inputs(
    inputs: list[dict[str, Any]], *, captions_selector: str | None, audio_selector: str | None
) -> tuple[InputSpec, ...]:
    """Every input's spec; the output's caption selector must exist on every input (as MediaConvert requires)."""
    specs = []
    for number, item in enumerate(inputs):
        where = f"/settings/inputs/{number}"
        location = s3_location(item.get("fileInput"))
        assert location is not None  # input_list checked it
        timecode_source = item.get("timecodeSource", "EMBEDDED")
        if timecode_source not in ("EMBEDDED", "ZEROBASED", "SPECIFIEDSTART"):
            raise InvalidSettings(f"{where}/timecodeSource", "must be EMBEDDED, ZEROBASED or SPECIFIEDSTART")
        timecode_start = item.get("timecodeStart")
        if timecode_source == "SPECIFIEDSTART" and not TIMECODE.match(str(timecode_start)):
            raise InvalidSettings(f"{where}/timecodeStart", "SPECIFIEDSTART needs a timecode HH:MM:SS:FF")
        specs.append(
            InputSpec(
                location=location,
                clippings=parse_clippings(item.get("inputClippings"), where=f"{where}/inputClippings"),
                timecode_source=timecode_source,
                timecode_start=timecode_start if timecode_source == "SPECIFIEDSTART" else None,
                captions_source=_captions_source(item, captions_selector, where),
                audio_source=_audio_source(item, audio_selector, where),
                crop=_crop(item.get("crop"), f"{where}/crop"),
            )
        )
    return tuple(specs)


def _crop(crop: Any, where: str) -> tuple[int, int, int, int] | None:
    """An input's `Rectangle`: even, non-negative integers, a size of at least 2x2 (as MediaConvert asks)."""
    if crop is None:
        return None
    if not isinstance(crop, dict):
        raise InvalidSettings(where, "must be a rectangle {x, y, width, height}")
    values = tuple(crop.get(name) for name in ("x", "y", "width", "height"))
    if not all(isinstance(value, int) and value >= 0 and value % 2 == 0 for value in values):
        raise InvalidSettings(where, "x, y, width and height must be even integers of at least 0")
    x, y, width, height = (int(value) for value in values)  # type: ignore[arg-type]
    if width < 2 or height < 2:
        raise InvalidSettings(where, "width and height must be at least 2")
    return x, y, width, height


def _captions_source(item: dict[str, Any], name: str | None, where: str) -> S3Location | None:
    if name is None:
        return None
    selector = (item.get("captionSelectors") or {}).get(name)
    if not isinstance(selector, dict):
        raise InvalidSettings(f"{where}/captionSelectors", f"no caption selector named {name!r} on this input")
    source = selector.get("sourceSettings") or {}
    if source.get("sourceType") != "SRT":
        raise InvalidSettings(
            f"{where}/captionSelectors/{name}/sourceSettings/sourceType", "the local MediaConvert reads SRT only"
        )
    location = s3_location((source.get("fileSourceSettings") or {}).get("sourceFile"))
    if location is None:
        raise InvalidSettings(
            f"{where}/captionSelectors/{name}/sourceSettings/fileSourceSettings/sourceFile",
            "must be an s3://bucket/key URI",
        )
    return location


def _audio_source(item: dict[str, Any], name: str | None, where: str) -> S3Location | None:
    selector = (item.get("audioSelectors") or {}).get(name or "")
    external = selector.get("externalAudioFileInput") if isinstance(selector, dict) else None
    if external is None:
        return None
    location = s3_location(external)
    if location is None:
        raise InvalidSettings(f"{where}/audioSelectors/{name}/externalAudioFileInput", "must be an s3://bucket/key URI")
    return location


def parse_clippings(clippings: Any, *, where: str = "/settings/inputs/0/inputClippings") -> tuple[Clipping, ...]:
    if clippings is None:
        return ()
    if not isinstance(clippings, list):
        raise InvalidSettings(where, "must be a list")
    parsed = []
    for number, clipping in enumerate(clippings):
        if not isinstance(clipping, dict):
            raise InvalidSettings(f"{where}/{number}", "must be an object")
        start, end = clipping.get("startTimecode"), clipping.get("endTimecode")
        for name, value in (("startTimecode", start), ("endTimecode", end)):
            if value is not None and not TIMECODE.match(str(value)):
                raise InvalidSettings(f"{where}/{number}/{name}", "must be a timecode HH:MM:SS:FF or HH:MM:SS;FF")
        if start is None and end is None:
            raise InvalidSettings(f"{where}/{number}", "Start timecode or End timecode may be left blank, not both")
        if start is not None and end is not None and timecode_parts(end) < timecode_parts(start):
            raise InvalidSettings(f"{where}/{number}/endTimecode", "must not be before startTimecode")
        parsed.append(Clipping(start, end))
    return tuple(parsed)


def timecode_parts(timecode: str) -> tuple[int, int, int, int]:
    match = TIMECODE.match(timecode)
    if match is None:
        raise ValueError(f"not a timecode: {timecode!r}")
    hours, minutes, seconds, _, frames = match.groups()
    return int(hours), int(minutes), int(seconds), int(frames)
