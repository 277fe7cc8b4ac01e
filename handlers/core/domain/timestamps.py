"""Transcript timestamps (`HH:MM:SS,mmm`) as seconds: how clips name their ranges.

Apart from the SRT parser, so that rendering a clip's ranges does not import it.
"""

import re

_TIMESTAMP = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)(?:[,.](\d{1,3}))?$")


def parse_timestamp(value: str) -> float:
    """`HH:MM:SS,mmm` (or `.mmm`) to seconds; ValueError for anything else."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a timestamp like 00:01:02,500")
    hours, minutes, secs, millis = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(secs) + int((millis or "0").ljust(3, "0")) / 1000
