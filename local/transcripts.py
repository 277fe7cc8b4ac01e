"""Sample livestream transcripts (SRT) for the demo, the end-to-end tests and the benchmarks."""

from __future__ import annotations

import random
from datetime import timedelta

import srt

HOSTS = ("Alice", "Bob", "Chen")
SUBJECTS = ("cold starts", "Lambda layers", "DynamoDB streams", "feature flags", "canary deploys", "log sampling")
CHATTER = (
    "we were just talking about {s} before the break",
    "so that brings us to {s}",
    "right, I remember when {s} came up in the retro",
    "okay, there's a question in chat about {s}",
    "yeah, the team spent a week on {s} last quarter",
    "I think {s} deserves its own episode",
)
HIGHLIGHTS = (
    "here's how you roll out {s} in three steps",
    "let me show you {s} on my screen",
    "the key lesson with {s} is to measure before you tune",
    "honestly, {s} is overrated",
    "and then {s} took down the whole staging account [laughter]",
    "why does everybody get {s} wrong?",
)


def sample_transcript(minutes: float = 20, seed: int = 7) -> str:
    """A talk-show SRT: three hosts, 2.5-6 s cues, a highlight in about one cue in five (deterministic)."""
    rng = random.Random(seed)
    subtitles: list[srt.Subtitle] = []
    at, speaker = 1.0, HOSTS[0]
    while at < minutes * 60:
        length = rng.uniform(2.5, 6.0)
        line = rng.choice(HIGHLIGHTS if rng.random() < 0.2 else CHATTER).format(s=rng.choice(SUBJECTS))
        turn = rng.random() < 0.35
        if turn:
            speaker = rng.choice([host for host in HOSTS if host != speaker])
        text = f"{speaker}: {line}" if turn or not subtitles else line
        subtitles.append(srt.Subtitle(len(subtitles) + 1, timedelta(seconds=at), timedelta(seconds=at + length), text))
        at += length + rng.uniform(0.05, 0.5)
    return str(srt.compose(subtitles))
