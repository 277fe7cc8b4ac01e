"""What makes a cue clip-worthy: the signal phrases of each clip type, and their weights.

Each clip type has its phrases (how-to talk is educational, "let me show" a demo, laughter funny,
...); a cue's weight for a type counts its phrases, three times at most. Questions and a change of
speaker add to a cue's score on their own (`transcript`).
"""

from __future__ import annotations

import re
from typing import Literal, cast, get_args

ClipType = Literal["educational", "demo", "insight", "hot_take", "funny"]
CLIP_TYPES: tuple[ClipType, ...] = get_args(ClipType)
"""In order of precedence: the first one wins a tie, and educational clips are listed first."""

QUESTION_WEIGHT = 0.75
SPEAKER_CHANGE_WEIGHT = 0.5
MATCHES_PER_CUE = 3
"""One rambling cue cannot outweigh a lively exchange: each signal counts three times at most."""

_SIGNAL_PHRASES: dict[ClipType, str] = {
    "educational": r"how to|here's how|here is how|steps?|tutorial|tips?|the trick|make sure|you need to",
    "demo": r"let me show|show you|on (?:my|the) screen|demo|as you can see|watch this|click|terminal",
    "insight": r"the key|lessons?|learned|realized|turns out|the reason|what matters|the point is|in my experience",
    "hot_take": r"hot take|honestly|never|always|overrated|underrated|unpopular opinion|controversial|worst|nobody",
    "funny": r"(?<=[\[(])(?:laughter|laughs|laughing)(?=[\])])|ha(?:ha)+|lol|lmao",
}
_SIGNAL_WEIGHTS: dict[ClipType, float] = {
    "educational": 1.0,
    "demo": 1.0,
    "insight": 1.0,
    "hot_take": 1.0,
    "funny": 1.5,
}
# One pass per cue: each alternative is a named group, so a match says which signal it is.
SIGNAL = re.compile("|".join(rf"\b(?P<{name}>{phrases})\b" for name, phrases in _SIGNAL_PHRASES.items()), re.IGNORECASE)
LAUGHTER = re.compile(rf"\b(?:{_SIGNAL_PHRASES['funny']})\b", re.IGNORECASE)


def signal_weights(text: str) -> dict[ClipType, float]:
    """Weight per clip type of the signal phrases in `text` (each counted three times at most)."""
    found = [cast(ClipType, match.lastgroup) for match in SIGNAL.finditer(straight_quotes(text))]
    return {name: _SIGNAL_WEIGHTS[name] * min(found.count(name), MATCHES_PER_CUE) for name in dict.fromkeys(found)}


def straight_quotes(text: str) -> str:
    return text.replace("\u2019", "'")
