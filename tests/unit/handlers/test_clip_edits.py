"""Shaping a clip through the real handlers, against moto: ranges, caption lines, reset, revisions, and the
renders of each revision (MediaConvert stubbed)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
import srt
from botocore.stub import Stubber

from handlers.core.domain import captions, clip_edits
from handlers.core.domain.clip_proposals import CLIP_TYPES
from handlers.core.domain.srt import parse_srt
from handlers.core.rules import clip_detection
from handlers.core.runtime.settings import TenantLimits
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips
from tests.lambda_events import TENANT
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.render_jobs import render_job_of
from tests.unit.handlers.test_renders import CLIP, EPISODE, PK, call, clip_record, episode, expect_job

__all__ = ["episode"]  # the fixture of test_renders: an episode, its processed track and an approved clip

PATH = "/episodes/{episodeId}/clips/{clipId}"
TRANSCRIPT_TEXT = """1
00:00:10,000 --> 00:00:12,000
Alice: queues decouple

2
00:00:12,500 --> 00:00:15,000
producers from consumers

3
00:00:19,000 --> 00:00:22,000
across the boundary

4
00:01:00,000 --> 00:01:03,000
and retries are cheap

5
00:01:03,500 --> 00:01:06,000
when you batch them
"""
SEGMENTS = [
    {"startTime": "00:00:10,000", "endTime": "00:00:20,000", "text": "one", "speaker": "Alice"},
    {"startTime": "00:01:00,500", "endTime": "00:01:05,000", "text": "two"},
]
RANGE = {"startTime": "00:00:10,000", "endTime": "00:00:20,000"}
LINES = [
    {"startTime": "00:00:10,000", "endTime": "00:00:12,000", "text": "queues decouple"},
    {"startTime": "00:00:12,500", "endTime": "00:00:15,000", "text": "producers from consumers"},
    {"startTime": "00:00:19,000", "endTime": "00:00:20,000", "text": "across the boundary"},
    {"startTime": "00:01:00,500", "endTime": "00:01:03,000", "text": "and retries are cheap"},
    {"startTime": "00:01:03,500", "endTime": "00:01:05,000", "text": "when you batch them"},
]


def cues() -> list[tuple[float, float, str]]:
    return [(cue.start, cue.end, cue.text) for cue in parse_srt(TRANSCRIPT_TEXT).cues]


@pytest.fixture
def shaped(episode: Any) -> Any:
    """The fixture's clip as the agent now proposes one: caption lines, revision 0, proposal and span recorded."""
    transcript = parse_srt(TRANSCRIPT_TEXT)
    fields = {**clip_edits.proposal(SEGMENTS, cues()), "segments": SEGMENTS}
    fields.update(transcriptStart=Decimal(str(transcript.start)), transcriptEnd=Decimal(str(transcript.end)))
    names = {f"#f{n}": name for n, name in enumerate(fields)}
    episode.update_item(
        Key={"pk": PK, "sk": f"clip#{CLIP}"},
        UpdateExpression="SET " + ", ".join(f"#f{n} = :f{n}" for n in range(len(fields))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={f":f{n}": value for n, value in enumerate(fields.values())},
    )
    return episode


@pytest.fixture
def review(handler: Any, shaped: Any) -> Any:
    return handler("handlers.api.review_clip")


def patch(review: Any, body: Any, **params: str) -> tuple[int, Any]:
    status, answer = call(review, "PATCH", PATH, body, **params)
    return int(status), answer


def test_a_proposal_takes_its_lines_from_the_transcripts_cues_cut_to_its_ranges() -> None:
    proposed = clip_edits.proposal(SEGMENTS, cues())

    assert proposed["captions"] == LINES  # speakers left out, the cue across the first range's end cut
    assert proposed["revision"] == 0 and proposed["proposed"] == {"segments": SEGMENTS, "captions": LINES}


def test_a_trim_is_a_new_revision_that_keeps_the_status_and_cuts_the_lines(review: Any, shaped: Any) -> None:
    ranges = [
        {"startTime": "00:00:11,500", "endTime": "00:00:18,000"},
        {"startTime": "00:01:00,500", "endTime": "00:01:05,000"},
    ]

    status, clip = patch(review, {"segments": ranges})

    assert status == 200 and clip["revision"] == 1 and clip["status"] == "approved"
    assert clip["segments"] == [
        {"startTime": "00:00:11,500", "endTime": "00:00:18,000", "text": "queues decouple producers from consumers"},
        SEGMENTS[1],  # unchanged: keeps its text
    ]
    assert clip["captions"][:2] == [
        {"startTime": "00:00:11,500", "endTime": "00:00:12,000", "text": "queues decouple"},
        LINES[1],
    ]
    assert clip["captions"][2:] == LINES[3:]  # the line after 18 s is dropped
    assert clip["totalDurationSeconds"] == 11.0
    assert clip["proposed"] == {"segments": SEGMENTS, "captions": LINES}
    assert clip_record(shaped)["revision"] == 1


def test_new_caption_text_and_a_reset(review: Any) -> None:
    lines = [dict(line) for line in LINES]
    lines[0]["text"] = "Queues decouple everything"

    status, clip = patch(review, {"captions": lines, "expectedRevision": 0})
    assert status == 200 and clip["revision"] == 1 and clip["captions"][0]["text"] == "Queues decouple everything"
    assert clip["segments"] == SEGMENTS

    status, clip = patch(review, {"reset": True})
    assert status == 200 and clip["revision"] == 2 and clip["captions"] == LINES and clip["segments"] == SEGMENTS
    assert patch(review, {"reset": True})[1]["revision"] == 2  # already the proposal: no new revision
    assert patch(review, {"hook": "Queues!"})[1]["revision"] == 2  # a review is not a new revision


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        ({"segments": [{"startTime": "00:00:12,000", "endTime": "00:00:11,000"}]}, "body.segments.0: endTime"),
        (
            {"segments": [RANGE, {"startTime": "00:01:05,000", "endTime": "00:02:00,000"}]},
            "body.segments.1: 00:01:05,000-00:02:00,000 is outside the transcript (00:00:10,000-00:01:06,000)",
        ),
        (
            {"segments": [RANGE, RANGE]},
            "body.segments.1: starts at 00:00:10,000, before segments.0 ends",
        ),
        ({"segments": [{"startTime": "0:1", "endTime": "00:00:20,000"}]}, "body.segments.0.startTime"),
        ({"segments": []}, "body.segments"),
        (
            {"captions": [*LINES[:2], {"startTime": "00:00:30,000", "endTime": "00:00:31,000", "text": "gap"}]},
            "body.captions.2: 00:00:30,000-00:00:31,000 is not inside one of the clip's ranges",
        ),
        ({"captions": [LINES[1], LINES[0]]}, "body.captions.1: starts at 00:00:10,000, before captions.0"),
        ({"captions": [LINES[0] | {"text": "  "}]}, "body.captions.0.text"),
        ({"reset": True, "captions": LINES}, "without segments or captions"),
        ({"expectedRevision": 0}, "send a status, a hook, segments, captions or reset"),
    ],
)
def test_each_refusal_names_the_range_or_line_at_fault(review: Any, shaped: Any, body: Any, fault: str) -> None:
    status, answer = patch(review, body)

    assert status == 400 and fault in answer["message"], answer
    assert clip_record(shaped).get("revision") == 0


def test_a_clip_longer_than_the_tenants_limit_is_refused(review: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review, "limits", TenantLimits(clip_seconds_max=12))
    ranges = [RANGE, {"startTime": "00:01:00,000", "endTime": "00:01:03,000"}]

    status, answer = patch(review, {"segments": ranges})

    assert status == 400 and "13.0 s in total; a clip lasts 12 s at most (limit clip_seconds_max)" in answer["message"]


def test_a_stale_or_lost_edit_is_409(review: Any, shaped: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert patch(review, {"captions": LINES[:2]})[1]["revision"] == 1
    status, answer = patch(review, {"captions": LINES[:1], "expectedRevision": 0})
    assert status == 409 and "revision 1, not 0" in answer["message"]

    real_get = clips.get
    raced: list[Any] = []

    def read_then_lose_the_race(*args: Any, **kwargs: Any) -> Any:
        item = real_get(*args, **kwargs)
        if not raced:  # another edit lands between this read and the write
            racer = {"captions": [], "revision": 2}
            raced.append(clips.update_review(shaped, EpisodeRef(TENANT, EPISODE), CLIP, racer, revision=1))
        return item

    monkeypatch.setattr("handlers.core.rules.clip_review.clips.get", read_then_lose_the_race)
    status, answer = patch(review, {"captions": LINES[:1]})
    assert status == 409 and "edited meanwhile" in answer["message"] and raced[0] is not None
    assert clip_record(shaped)["revision"] == 2 and clip_record(shaped)["captions"] == []


def test_another_tenants_edit_is_404(review: Any, shaped: Any) -> None:
    assert patch(review, {"captions": []}, tenant="studio-b")[0] == 404
    assert patch(review, {"reset": True}, clipId="nope")[0] == 404
    assert clip_record(shaped)["revision"] == 0


def test_a_clip_proposed_before_edits_shows_revision_0_resets_to_itself_and_refuses_edits(
    handler: Any, episode: Any
) -> None:
    review = handler("handlers.api.review_clip")

    status, clip = patch(review, {"reset": True})
    assert status == 200 and clip["revision"] == 0 and clip["captions"] == []
    assert clip["proposed"] == {"segments": clip["segments"], "captions": []}
    status, answer = patch(review, {"segments": [{"startTime": "00:00:10,000", "endTime": "00:00:15,000"}]})
    assert status == 409 and "proposed before clips could be edited" in answer["message"]


def render_of(render: Any, body: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    captured: dict[str, Any] = {}
    render.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(render.services.mediaconvert) as stubber:
        expect_job(stubber)
        status, accepted = call(render, "POST", f"{PATH}/renders", body or {})
    assert status == 202, accepted
    _, settings = render_job_of(captured)  # vertical: the render job its framing will start
    return accepted, {**captured, "Settings": settings}


def test_a_render_after_an_edit_is_a_new_render_of_the_new_revision(handler: Any, review: Any, shaped: Any) -> None:
    render = handler("handlers.api.request_render")
    first, _ = render_of(render)
    lines = [{**line, "text": line["text"].upper()} for line in LINES]
    patch(review, {"captions": lines})

    second, job = render_of(render)

    assert (first["revision"], second["revision"]) == (0, 1) and first["renderId"] != second["renderId"]
    destination = job["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    assert destination.endswith(f"/{CLIP}/r1-main-vertical-captions-social")
    source = job["Settings"]["Inputs"][0]["CaptionSelectors"]["Captions Selector 1"]["SourceSettings"]
    key = source["FileSourceSettings"]["SourceFile"].removeprefix(f"s3://{BUCKET}/")
    burned = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    assert "QUEUES" in burned and "DECOUPLE" in burned and "queues" not in burned  # social: a few words a cue
    listed = call(handler("handlers.api.get_clip"), "GET", PATH)[1]["renders"]
    assert sorted((r["renderId"], r["revision"]) for r in listed) == sorted(
        [(first["renderId"], 0), (second["renderId"], 1)]
    )


def test_the_caption_file_of_lines_is_the_one_of_the_same_cues_in_srt() -> None:
    layout = captions.layout_for("square")
    timed = [(start, end, text) for start, end, text in cues()]
    subtitles = [
        srt.Subtitle(n, timedelta(seconds=start), timedelta(seconds=end), text)
        for n, (start, end, text) in enumerate(timed, start=1)
    ]
    as_srt = srt.compose(subtitles)
    within = [(10.0, 20.0), (60.5, 65.0)]

    assert captions.caption_file_of_lines(timed, layout, within) == captions.caption_file(as_srt, layout, within)
    assert captions.caption_file_of_lines([(1.0, 2.0, "\u202e\U0001f600")], layout) == ""


def test_a_new_transcript_keeps_edited_proposals(review: Any, shaped: Any) -> None:
    shaped.update_item(
        Key={"pk": PK, "sk": f"clip#{CLIP}"}, UpdateExpression="SET #s = :s, clipType = :t, series = :x",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": "pending_review", ":t": "educational", ":x": "unassigned"},
    )  # fmt: skip
    episode_ref = EpisodeRef(TENANT, EPISODE)
    clips.ensure_statistics(shaped, TENANT, "unassigned", CLIP_TYPES)
    patch(review, {"captions": LINES[:1]})

    assert clip_detection.remove_proposals(shaped, episode_ref, "unassigned", keep=lambda clip: False) == 0
    assert not clips.remove_unapproved(shaped, TENANT, clip_record(shaped), "unassigned")  # the store refuses too
    assert clip_record(shaped)["revision"] == 1
