"""The offline model's `score` and `reason`: from the signals its heuristic weighs, named in words."""

from __future__ import annotations

import pytest

from handlers.core.domain.clip_proposals import CreateClipInput
from local.offline_clip_model.appeal import appeal
from local.offline_clip_model.create_clip import Clip
from local.offline_clip_model.proposals import propose_clips
from local.offline_clip_model.transcript import parse_transcript
from tests.unit.local.test_offline_clip_model import cues_srt, talk_show_srt

PLAIN = "yeah, we were just talking about that before"
"""Only stop words: no signal and no key phrase."""


def rated(*cues: tuple[float, float, str]) -> tuple[int, str]:
    transcript = parse_transcript(cues_srt(*cues))
    found = appeal(transcript.cues, transcript.end_ms - transcript.start_ms)
    return found.score, found.reason


@pytest.fixture(scope="module")
def clips() -> list[Clip]:
    return propose_clips(parse_transcript(talk_show_srt()))


def test_every_proposal_passes_the_agents_own_validation(clips: list[Clip]) -> None:
    accepted = CreateClipInput.model_validate({"clips": [clip.tool_input() for clip in clips]}).clips
    assert [(clip.score, clip.reason) for clip in accepted] == [(clip.score, clip.reason) for clip in clips]


def test_scores_spread_and_are_not_the_confidence_restated(clips: list[Clip]) -> None:
    scores = [clip.score for clip in clips]
    assert len(set(scores)) >= 3 and max(scores) - min(scores) >= 15
    assert any(clip.score != round((clip.confidence or 0) * 100) for clip in clips)


def test_plain_talk_scores_low_and_says_so() -> None:
    score, reason = rated(*((i * 5, i * 5 + 5, f"Alice: {PLAIN}") for i in range(6)))
    assert score <= 15
    assert reason == "no strong signal: 30 s of steady talk"


def test_a_question_answered_a_laugh_and_key_phrases_raise_the_score_and_are_named() -> None:
    plain, _ = rated(*((i * 5, i * 5 + 5, f"Alice: {PLAIN}") for i in range(6)))
    asked, asked_reason = rated(
        (0, 5, "Alice: Why does everybody get DynamoDB streams wrong?"),
        (5, 10, "Bob: Because DynamoDB streams replay old records."),
        *((10 + i * 5, 15 + i * 5, f"Bob: {PLAIN}") for i in range(4)),
    )
    lively, lively_reason = rated(
        (0, 5, "Alice: Why does everybody get DynamoDB streams wrong?"),
        (5, 10, "Bob: Because DynamoDB streams replay old records [laughter]"),
        (10, 15, "Alice: haha, and then it took down staging [laughs]"),
        *((15 + i * 5, 20 + i * 5, f"Bob: {PLAIN}") for i in range(3)),
    )

    assert plain < asked < lively <= 100
    assert asked_reason.startswith("opens on a question and answers it")
    assert "key phrase" in asked_reason and "DynamoDB streams" in asked_reason
    assert lively_reason.startswith("opens on a question and answers it; ")
    assert "laughs" in lively_reason


def test_signal_phrases_after_the_opening_are_named_by_their_kind() -> None:
    score, reason = rated(
        (0, 5, "Alice: Honestly, YAML is overrated."),
        (5, 10, "Bob: Nobody reads the docs."),
        (10, 15, "Bob: Never deploy on Fridays."),
        (15, 20, f"Bob: {PLAIN}"),
    )
    assert reason.startswith("opens strong (a strong opinion); two strong opinions")
    assert score == 20 + 10 + 15, "opening (two phrases), two more phrases, a full 20 s"


def test_a_short_clip_scores_below_a_full_one_with_the_same_signals() -> None:
    line = "Alice: Here's how to set it up, step one."
    short, _ = rated((0, 5, line), (5, 10, f"Bob: {PLAIN}"))
    full, full_reason = rated((0, 5, line), (5, 25, f"Bob: {PLAIN}"))
    assert short < full
    assert "a complete 25 s moment" in full_reason


def test_a_reason_is_one_line_of_at_most_160_characters() -> None:
    long_phrases = " ".join(f"Supercalifragilistic{i} Extraordinarily{i}" for i in range(2))
    _, reason = rated(*((i * 5, i * 5 + 5, f"Alice: {long_phrases}? [laughter] honestly never") for i in range(8)))
    assert len(reason) <= 160 and "\n" not in reason
