"""The best clip first: every proposal carries a score (0-100) and a one-line reason, and lists rank by the score."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.core.domain import clip_agent, clip_proposals
from handlers.core.rules import clip_review
from handlers.core.rules.clip_detection import ClipStore, TranscriptSource
from handlers.core.runtime.tenancy import EpisodeRef
from tests.lambda_events import TENANT
from tests.unit.handlers.test_clip_agent import EPISODE, KEY, TRANSCRIPT, clip, episode, stored_clips

__all__ = ["episode"]  # the fixture, shared with the clip agent's tests

REF = EpisodeRef(TENANT, EPISODE)


def store(table: Any) -> ClipStore:
    return ClipStore(table, REF, "Null Check", TRANSCRIPT, TranscriptSource(KEY, "etag"))


def scored(hook: str, score: Any, reason: Any = "a laugh", start: str = "00:00:02,000") -> dict[str, Any]:
    end = f"00:00:{int(start[6:8]) + 6:02d},000"
    return {**clip(start, end, hook=hook), "score": score, "reason": reason}


def test_the_tool_schema_requires_a_score_and_a_reason_and_the_prompt_asks_for_them() -> None:
    schema = clip_proposals.tool_spec()["toolSpec"]["inputSchema"]["json"]
    proposal = schema["$defs"]["ClipProposal"]
    assert {"score", "reason"} <= set(proposal["required"])
    assert proposal["properties"]["score"] | {"description": ""} == {
        "type": "integer",
        "minimum": 0,
        "maximum": 100,
        "title": "Score",
        "description": "",
    }
    assert proposal["properties"]["reason"]["maxLength"] == 160
    assert "confidence" not in proposal["required"]
    assert "Score the clip from 0 to 100" in clip_agent.SYSTEM_PROMPT
    assert "reason for the score in one short line" in clip_agent.SYSTEM_PROMPT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"score": 72.5}, "score"),
        ({"score": True}, "score"),
        ({"score": None}, "score"),
        ({"reason": "opens on a question\nand answers it"}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 161}, "reason"),
    ],
)
def test_a_score_out_of_range_or_a_reason_not_one_line_is_refused(
    episode: Any, changes: dict[str, Any], field: str
) -> None:
    outcome = store(episode).create_clips({"clips": [clip(hook="Fine"), {**clip(), **changes}]})

    assert outcome.stored == 0, "refused like any invalid field: the model resends the call"
    assert [issue["location"] for issue in outcome.rejected[0]["errors"]] == [["clips", 1, field]]
    assert stored_clips(episode) == []


@pytest.mark.parametrize("missing", ["score", "reason"])
def test_a_clip_without_a_score_or_a_reason_is_refused(episode: Any, missing: str) -> None:
    proposal = {name: value for name, value in clip().items() if name != missing}
    outcome = store(episode).create_clips({"clips": [proposal]})
    assert outcome.stored == 0 and outcome.rejected[0]["errors"][0]["location"] == ["clips", 0, missing]


def test_the_score_and_the_reason_are_stored_on_the_clip(episode: Any) -> None:
    outcome = store(episode).create_clips({"clips": [scored("Queues", 92, "  opens on a question; one laugh ")]})

    assert outcome.stored == 1
    [record] = stored_clips(episode)
    assert (record["score"], record["reason"]) == (92, "opens on a question; one laugh")


def test_clips_are_listed_highest_score_first(episode: Any) -> None:
    proposals = [
        scored("Middle", 70, start="00:00:02,000"),
        scored("Best", 95, "opens on a question and answers it", start="00:00:10,000"),
        scored("Last", 12, start="00:00:20,000"),
    ]
    assert store(episode).create_clips({"clips": proposals}).stored == 3

    listed = clip_review.list_clips(episode, REF).items

    assert [(view.hook, view.score, view.scoreSource) for view in listed] == [
        ("Best", 95, "agent"),
        ("Middle", 70, "agent"),
        ("Last", 12, "agent"),
    ]
    assert listed[0].reason == "opens on a question and answers it"


def test_an_older_clip_gets_a_score_derived_from_its_confidence_labelled_so(episode: Any) -> None:
    proposals = [scored("Scored", 60, start="00:00:02,000"), scored("Old", 0, start="00:00:10,000")]
    proposals.append(scored("Older", 0, start="00:00:20,000"))
    store(episode).create_clips({"clips": proposals})
    for record in stored_clips(episode):  # as clips were stored before they had scores
        if record["hook"] != "Scored":
            remove = "REMOVE score, reason" + (", confidence" if record["hook"] == "Older" else "")
            episode.update_item(Key={"pk": record["pk"], "sk": record["sk"]}, UpdateExpression=remove)

    listed = clip_review.list_clips(episode, REF)

    assert [(view.hook, view.score, view.scoreSource) for view in listed.items] == [
        ("Old", 80, "confidence"),  # confidence 0.8
        ("Scored", 60, "agent"),
        ("Older", 0, "confidence"),  # no confidence either
    ]
    answer = listed.model_dump(mode="json", exclude_none=True)["items"][0]
    assert answer["score"] == 80 and answer["scoreSource"] == "confidence" and "reason" not in answer
    assert answer["confidence"] == 0.8, "kept for compatibility"
