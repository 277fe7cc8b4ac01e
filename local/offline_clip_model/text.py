"""Cue text as the clips and the summary quote it: markers removed, shortened at a word, the cue worth quoting."""

from __future__ import annotations

import re
from collections.abc import Sequence

from local.offline_clip_model.transcript import Cue

QUOTE_CHARS = 150

_MARKER = re.compile(r"\[[^\]]*\]|\([^)]*\)")


def strongest(cues: Sequence[Cue]) -> Cue:
    """The best-scoring cue with words to quote (the earliest of equals); the first cue otherwise."""
    quotable = [cue for cue in cues if clean(cue.text)]
    return max(quotable, key=lambda cue: cue.score) if quotable else cues[0]


def clean(text: str) -> str:
    """The cue's words without stage markers (`[laughter]`, `(applause)`) or extra spaces."""
    return " ".join(_MARKER.sub(" ", text).split())


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary and ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
