"""Transcript timestamps (`HH:MM:SS,mmm`) as seconds: how clips name their ranges.

Apart from the SRT parser, so that rendering a clip's ranges does not import it.
"""

import re

from handlers.contract import CLIP_TIMESTAMP_PATTERN

_TIMESTAMP = re.compile(CLIP_TIMESTAMP_PATTERN)


def parse_timestamp(value: str) -> float:
    """`HH:MM:SS,mmm` (or `.mmm`) to seconds; ValueError for anything else."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a timestamp like 00:01:02,500")
    hours, minutes, secs, millis = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(secs) + int((millis or "0").ljust(3, "0")) / 1000


def format_timestamp(seconds: float) -> str:
    """Seconds to `HH:MM:SS,mmm`, the form clips name their ranges in (to the millisecond)."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"
