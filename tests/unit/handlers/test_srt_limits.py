"""A file that is no transcript is refused at once, saying where: never minutes of the clip agent's time."""

from __future__ import annotations

import time

import pytest

from handlers.core.domain.srt import MAX_TRANSCRIPT_BYTES, InvalidTranscript, parse_srt
from local.transcripts import sample_transcript

TEN_MIB = MAX_TRANSCRIPT_BYTES


def refused_quickly(data: bytes) -> str:
    """The reason `parse_srt` refuses `data`; the refusal takes far less than the agent's timeout."""
    started = time.perf_counter()
    with pytest.raises(InvalidTranscript) as refused:
        parse_srt(data)
    assert time.perf_counter() - started < 10, "a refusal must not take the agent's timeout"
    return refused.value.reason


def test_ten_mib_of_digits_is_refused_at_its_first_line() -> None:
    assert refused_quickly(b"1" * TEN_MIB).startswith("line 1: ")


def test_a_file_that_does_not_start_with_a_cue_is_refused() -> None:
    assert "expected a cue" in refused_quickly((b"1" * 24 + b" ") * (TEN_MIB // 25))


def test_a_file_with_no_timing_for_ten_thousand_characters_is_refused() -> None:
    reason = refused_quickly(b"1\n00:00:01,000 --> 00:00:02,000\n" + (b"1" * 24 + b"\n") * (TEN_MIB // 26))
    assert "without a cue" in reason


def test_a_real_three_hour_transcript_is_still_read() -> None:
    transcript = parse_srt(sample_transcript(minutes=180))
    assert transcript.end > 3 * 3600 - 120
