"""The offline clip model: clips that obey the agent's rules, chosen by the documented signals, every time the same."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import srt

from local.offline_clip_model.create_clip import Clip, correct_clips, format_timestamp, parse_timestamp
from local.offline_clip_model.episode import summarize_episode
from local.offline_clip_model.proposals import propose_clips
from local.offline_clip_model.signals import CLIP_TYPES
from local.offline_clip_model.transcript import Transcript, parse_transcript
from local.transcripts import HOSTS, SUBJECTS, sample_transcript

ROOT = Path(__file__).resolve().parents[3]
LIMIT_MS = 45_000
"""The agent's rule, written out here so that a change to the model's constant cannot hide a breach."""


def talk_show_srt(minutes: int = 20, seed: int = 7) -> str:
    """A livestream-like SRT: three hosts, 2.5-6 s cues, a highlight in about one cue in five."""
    return sample_transcript(minutes=minutes, seed=seed)


def cues_srt(*cues: tuple[float, float, str]) -> str:
    """An SRT from `(start s, end s, text)` triples, in the given order."""
    return srt.compose(
        [
            srt.Subtitle(i + 1, timedelta(seconds=start), timedelta(seconds=end), text)
            for i, (start, end, text) in enumerate(cues)
        ],
        reindex=False,
    )


def spans(clip: Clip) -> list[tuple[int, int]]:
    result = []
    for segment in clip.segments:
        start, end = parse_timestamp(segment.startTime), parse_timestamp(segment.endTime)
        assert start is not None and end is not None, segment
        result.append((start, end))
    return result


def assert_obeys_the_rules(clip: Clip, transcript: Transcript) -> None:
    """What the createClip tool checks: inside the transcript, end after start, 45 s in total."""
    clip_spans = spans(clip)
    for start, end in clip_spans:
        assert transcript.start_ms <= start < end <= transcript.end_ms
    assert sum(end - start for start, end in clip_spans) <= LIMIT_MS
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(clip_spans)), "segments run in order"


@pytest.fixture(scope="module")
def show() -> Transcript:
    return parse_transcript(talk_show_srt())


@pytest.fixture(scope="module")
def clips(show: Transcript) -> list[Clip]:
    return propose_clips(show)


def test_the_generated_show_is_a_realistic_twenty_minutes(show: Transcript) -> None:
    assert 200 <= len(show.cues) <= 400
    assert 19 * 60_000 <= show.end_ms - show.start_ms <= 21 * 60_000
    assert {cue.speaker for cue in show.cues} == set(HOSTS)


def test_speaker_labels_are_split_off_and_carry_over_to_unlabelled_cues() -> None:
    transcript = parse_transcript(
        cues_srt((0, 2, "Alice: Hello there."), (2, 4, "Still me, talking."), (4, 6, "Bob:  Hi\nAlice!"))
    )
    assert [(cue.speaker, cue.text) for cue in transcript.cues] == [
        ("Alice", "Hello there."),
        ("Alice", "Still me, talking."),
        ("Bob", "Hi Alice!"),
    ]


def test_questions_speaker_changes_and_signal_words_raise_a_cue_score() -> None:
    transcript = parse_transcript(
        cues_srt(
            (0, 2, "Alice: We covered the roadmap."),
            (2, 4, "And the budget."),
            (4, 6, "Did we?"),
            (6, 8, "Bob: We did."),
            (8, 10, "Bob: Honestly, it is overrated."),
        )
    )
    plain, plain_too, question, new_speaker, opinion = (cue.score for cue in transcript.cues)
    assert plain == plain_too == 0
    assert question > 0 and new_speaker > 0
    assert opinion > 0 and transcript.cues[-1].weights == {"hot_take": 2.0}


def test_a_twenty_minute_show_gets_five_to_ten_clips(clips: list[Clip]) -> None:
    assert 5 <= len(clips) <= 10


def test_every_clip_obeys_the_tool_rules(show: Transcript, clips: list[Clip]) -> None:
    for clip in clips:
        assert_obeys_the_rules(clip, show)


def test_clips_never_overlap(clips: list[Clip]) -> None:
    taken = sorted(span for clip in clips for span in spans(clip))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(taken))


def test_clip_fields_are_what_the_tool_takes(clips: list[Clip]) -> None:
    for clip in clips:
        text = " ".join(segment.text for segment in clip.segments)
        assert Clip.model_validate(json.loads(json.dumps(clip.tool_input()))) == clip
        assert clip.clipType in CLIP_TYPES
        assert clip.confidence is not None and 0 <= clip.confidence <= 1
        assert 0 <= clip.score <= 100 and clip.reason and "\n" not in clip.reason and len(clip.reason) <= 160
        assert clip.hook and len(clip.hook) <= 70 and clip.hook[0].isupper()
        assert 1 <= len(clip.bRollSuggestions) <= 3
        subjects = [
            idea.removeprefix("Footage of ").removeprefix("Screen recording of ") for idea in clip.bRollSuggestions
        ]
        assert any(subject.lower() in text.lower() for subject in subjects), "b-roll ideas come from the clip"
        assert 1 <= clip.summary.count(".") + clip.summary.count("?") <= 4
        quoted = re.findall(r'"([^"]+)"', clip.summary)
        assert quoted and all(quote.rstrip("…") in text for quote in quoted), "the summary quotes the clip"
        assert all(segment.speaker in HOSTS for segment in clip.segments)


def test_educational_clips_come_first(clips: list[Clip]) -> None:
    types = [clip.clipType for clip in clips]
    assert "educational" in types
    first_other = next(i for i, t in enumerate(types) if t != "educational")
    assert "educational" not in types[first_other:]


def test_the_type_follows_the_dominant_signal() -> None:
    lines = {
        "educational": ["Here's how to set it up.", "Step one, create the table.", "Step two, add the index."],
        "demo": ["Let me show you the console.", "On my screen you can see it.", "Click deploy, watch this."],
        "insight": ["The key lesson was simple.", "It turns out we learned a lot.", "That's the reason it worked."],
        "hot_take": ["Honestly, YAML is overrated.", "Nobody reads the docs.", "Never deploy on Fridays."],
        "funny": ["It deleted prod [laughter]", "haha, classic", "lol, and then it did it again [laughs]"],
    }
    cues, at = [], 0.0
    for kind, block in lines.items():
        for _ in range(10):  # a minute of plain talk between highlights
            cues.append((at, at + 5, "Yes, we were discussing the weekly roadmap."))
            at += 6
        for text in block:
            cues.append((at, at + 5, f"{kind.title()}: {text}"))
            at += 6
    transcript = parse_transcript(cues_srt(*cues))
    clips = propose_clips(transcript)
    assert len(clips) == 5
    assert sorted(clip.clipType for clip in clips) == sorted(lines)
    for clip in clips:
        assert clip.segments[0].speaker == clip.clipType.title(), "the clip is the block of that signal"
        assert clip.hook.lower() in " ".join(lines[clip.clipType]).lower(), "the hook is a line of the block"


def test_the_same_transcript_gives_the_same_clips_in_every_process(clips: list[Clip]) -> None:
    script = (
        "import json, sys\n"
        "from local.offline_clip_model.proposals import propose_clips\n"
        "from local.offline_clip_model.transcript import parse_transcript\n"
        "clips = propose_clips(parse_transcript(sys.stdin.read()))\n"
        "print(json.dumps([clip.tool_input() for clip in clips]))\n"
    )
    expected = [clip.tool_input() for clip in clips]
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            input=talk_show_srt(),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            check=True,
            timeout=60,
        )
        assert json.loads(result.stdout) == expected


def test_a_short_transcript_gets_fewer_clips_all_valid() -> None:
    transcript = parse_transcript(cues_srt((0, 4, "Alice: How to start?"), (4, 8, "Bob: Step one."), (8, 12, "Done.")))
    clips = propose_clips(transcript)
    assert 1 <= len(clips) < 5
    for clip in clips:
        assert_obeys_the_rules(clip, transcript)


def test_a_two_minute_transcript_still_gets_five_shorter_clips() -> None:
    transcript = parse_transcript(talk_show_srt(minutes=2, seed=3))
    clips = propose_clips(transcript)
    assert len(clips) == 5
    for clip in clips:
        assert_obeys_the_rules(clip, transcript)
        assert sum(end - start for start, end in spans(clip)) <= (transcript.end_ms - transcript.start_ms) // 5


def test_an_empty_or_broken_transcript_gets_no_clips() -> None:
    assert propose_clips(parse_transcript("")) == []
    assert propose_clips(parse_transcript("this is not an SRT file at all")) == []


def test_a_cue_longer_than_a_clip_is_cut_to_the_limit() -> None:
    transcript = parse_transcript(cues_srt((0, 600, "Alice: one ten-minute monologue, honestly.")))
    [clip] = propose_clips(transcript)
    assert_obeys_the_rules(clip, transcript)
    assert spans(clip) == [(0, LIMIT_MS)]


def test_overlapping_cues_still_give_clips_within_the_limit() -> None:
    # Rolling captions: every cue starts before the previous one ends, some start together.
    cues = [(i * 3.0, i * 3.0 + 7.0, f"Alice: honestly point number {i} is overrated?") for i in range(60)]
    cues.append((30.0, 31.0, "Bob: haha [laughter]"))
    transcript = parse_transcript(cues_srt(*cues))
    clips = propose_clips(transcript)
    assert 5 <= len(clips) <= 10
    for clip in clips:
        assert_obeys_the_rules(clip, transcript)


def test_the_episode_summary_is_two_or_three_sentences_from_the_transcript(show: Transcript) -> None:
    summary = summarize_episode(show)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", summary)
    assert 2 <= len(sentences) <= 3
    assert summary.startswith("In this 20-minute recording, ")
    assert all(host in summary for host in HOSTS)
    assert any(subject in summary for subject in SUBJECTS)
    assert summarize_episode(parse_transcript("")) == (
        "The transcript holds no timed cues, so there is nothing to summarise."
    )


def test_timestamps_round_trip() -> None:
    assert format_timestamp(3 * 3_600_000 + 2 * 60_000 + 1_005) == "03:02:01,005"
    assert parse_timestamp("03:02:01,005") == 3 * 3_600_000 + 2 * 60_000 + 1_005
    assert parse_timestamp("00:00:01.5") == 1_500
    assert parse_timestamp("1:2:3") is None


def test_a_correction_fixes_or_drops_only_the_rejected_clips(show: Transcript, clips: list[Clip]) -> None:
    proposed = [clip.tool_input() for clip in clips]
    last = proposed[0]["segments"][-1]
    last["startTime"], last["endTime"] = format_timestamp(show.end_ms - 5_000), format_timestamp(show.end_ms + 20_000)
    proposed[0]["segments"] = [last]  # fixable: it runs past the end of the transcript
    proposed.append({"hook": "not a clip"})  # malformed: dropped

    corrected = correct_clips(show, proposed, rejected={0, 1})

    assert corrected[0].hook == clips[0].hook
    assert spans(corrected[0]) == [(show.end_ms - 5_000, show.end_ms)], "cut at the end of the transcript"
    assert corrected[1:] == clips[2:], "clip 1 had nothing to fix, so it is dropped; the others stay as they were"


def test_a_correction_without_named_clips_fixes_whatever_breaks_the_rules(show: Transcript, clips: list[Clip]) -> None:
    proposed = [clip.tool_input() for clip in clips]
    proposed[2]["segments"][0]["startTime"] = "00:00:00,000"  # before the first cue, and now too long
    corrected = correct_clips(show, proposed, rejected=None)
    assert len(corrected) == len(clips)
    assert corrected[:2] == clips[:2] and corrected[3:] == clips[3:]
    assert corrected[2] != clips[2]
    assert_obeys_the_rules(corrected[2], show)
