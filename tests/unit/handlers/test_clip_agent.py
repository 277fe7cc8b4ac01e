"""The clip detector: createClip rules, the Converse tool loop (botocore Stubber), memory in moto."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from handlers.core.domain import clip_agent
from handlers.core.domain.clip_proposals import ClipProposal, clip_errors
from handlers.core.domain.srt import parse_srt
from handlers.core.rules.clip_detection import AgentServices, ClipStore, TranscriptSource, detect_clips
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store.memory import ConversationMemory, series_actor
from local.resources import create_agent_memory
from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET

EPISODE = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
KEY = f"media/{TENANT}/{EPISODE}/transcripts/20261124T185500000000Z-0a1b2c3d.srt"
"""The transcript key of the sample S3 event."""
SRT = "\n".join(
    f"{n}\n00:00:{2 * (n - 1):02d},000 --> 00:00:{2 * n:02d},000\n{'Alice' if n % 2 else 'Bob'}: line {n}\n"
    for n in range(1, 30)
)
TRANSCRIPT = parse_srt(SRT)


def clip(start: str = "00:00:02,000", end: str = "00:00:10,000", kind: str = "educational", hook: str = "Hook") -> dict:
    return {
        "segments": [{"startTime": start, "endTime": end, "text": "line", "speaker": "Alice"}],
        "hook": hook,
        "summary": "What is said.",
        "bRollSuggestions": ["terminal"],
        "clipType": kind,
        "confidence": 0.8,
        "score": 80,
        "reason": "opens on a question and answers it",
    }


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        ([("00:00:02,000", "00:00:10,000")], []),
        ([("00:00:10,000", "00:00:02,000")], ["not after startTime"]),
        ([("00:01:30,000", "00:01:40,000")], ["outside the transcript"]),
        ([("00:00:00,000", "00:00:30,000"), ("00:00:30,000", "00:00:56,000")], ["45 s at most"]),
        ([("0:2", "00:00:03,000")], ["not a timestamp"]),
    ],
)
def test_clip_rules(segments: list[tuple[str, str]], expected: list[str]) -> None:
    proposal = ClipProposal.model_validate(
        {**clip(), "segments": [{"startTime": a, "endTime": b, "text": "t"} for a, b in segments]}
    )
    errors = clip_errors(proposal, TRANSCRIPT)
    assert len(errors) == len(expected)
    for error, fragment in zip(errors, expected, strict=True):
        assert fragment in error


@pytest.fixture
def episode(table: Any, bucket: str) -> Any:
    table.put_item(
        Item={
            "pk": f"{TENANT}#{EPISODE}",
            "sk": "metadata",
            "id": EPISODE,
            "title": "Queues",
            "status": "Draft",
            "seriesName": "Null Check",
        }
    )
    boto3.client("s3").put_object(Bucket=BUCKET, Key=KEY, Body=SRT.encode())
    return table


@pytest.fixture
def services(episode: Any) -> AgentServices:
    memory_id = create_agent_memory(boto3.client("bedrock-agentcore-control"), "clipAgentMemory_test")
    return AgentServices(
        table=episode,
        s3=boto3.client("s3"),
        bedrock=boto3.client("bedrock-runtime"),
        agentcore=boto3.client("bedrock-agentcore"),
        bucket=BUCKET,
        memory_id=memory_id,
        model_id="us.amazon.nova-pro-v1:0",
    )


def tool_turn(clips: list[dict], use_id: str = "use-1") -> dict:
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": use_id, "name": "createClip", "input": {"clips": clips}}}],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 1000, "outputTokens": 200, "totalTokens": 1200},
        "metrics": {"latencyMs": 10},
    }


def final_turn(text: str) -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1500, "outputTokens": 50, "totalTokens": 1550},
        "metrics": {"latencyMs": 10},
    }


def sent_requests(client: Any) -> list[dict]:
    captured: list[dict] = []
    client.meta.events.register(
        "provide-client-params.bedrock-runtime.Converse", lambda params, **_: captured.append(copy.deepcopy(params))
    )
    return captured


def stored_clips(table: Any, episode_id: str = EPISODE) -> list[dict]:
    items = table.query(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": f"{TENANT}#{episode_id}"})[
        "Items"
    ]
    return [item for item in items if item["sk"].startswith("clip#")]


def test_tool_errors_are_fed_back_and_the_corrected_clips_stored(services: AgentServices) -> None:
    requests = sent_requests(services.bedrock)
    with Stubber(services.bedrock) as stubber:
        stubber.add_response("converse", tool_turn([clip(), clip("00:00:20,000", "00:00:10,000", "funny", "Bad")]))
        stubber.add_response("converse", tool_turn([clip("00:00:10,000", "00:00:20,000", "funny", "Fixed")], "use-2"))
        stubber.add_response("converse", final_turn("An episode about queues."))
        result = detect_clips(services, KEY)

    assert result == {"episodeId": EPISODE, "stored": 2, "replaced": 0, "turns": 3}
    feedback = requests[1]["messages"][-1]["content"][0]["toolResult"]
    assert feedback["status"] == "error" and feedback["toolUseId"] == "use-1"
    assert feedback["content"][0]["json"]["rejected"][0]["index"] == 1
    assert "not after startTime" in feedback["content"][0]["json"]["rejected"][0]["errors"][0]
    assert requests[2]["messages"][-1]["content"][0]["toolResult"]["status"] == "success"
    assert "<transcript>" in requests[0]["messages"][0]["content"][0]["text"]
    assert requests[0]["toolConfig"]["tools"][0]["toolSpec"]["name"] == "createClip"

    clips = stored_clips(services.table)
    assert sorted(c["hook"] for c in clips) == ["Fixed", "Hook"]
    assert {c["status"] for c in clips} == {"pending_review"}
    assert float(next(c for c in clips if c["hook"] == "Hook")["totalDurationSeconds"]) == 8.0
    stats = services.table.get_item(Key={"pk": f"{TENANT}#stats#Null Check", "sk": "stats"})["Item"]
    assert stats["totalClips"] == 2 and stats["clipsByType"]["educational"] == 1 and stats["clipsByType"]["funny"] == 1
    episode = services.table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata"})["Item"]
    assert episode["agentSummary"] == "An episode about queues."


def test_the_same_clip_delivered_twice_is_stored_and_counted_once(services: AgentServices) -> None:
    store = ClipStore(
        services.table, EpisodeRef(TENANT, EPISODE), "Null Check", TRANSCRIPT, TranscriptSource(KEY, "etag")
    )

    first = store.create_clips({"clips": [clip()]})
    second = store.create_clips({"clips": [clip()]})

    assert (first.stored, second.stored, second.duplicates) == (1, 0, 1)
    assert len(stored_clips(services.table)) == 1
    assert services.table.get_item(Key={"pk": f"{TENANT}#stats#Null Check", "sk": "stats"})["Item"]["totalClips"] == 1


def test_invalid_tool_input_is_reported_not_raised(services: AgentServices) -> None:
    outcome = ClipStore(
        services.table, EpisodeRef(TENANT, EPISODE), "s", TRANSCRIPT, TranscriptSource(KEY, "etag")
    ).create_clips({"clips": [{**clip(), "clipType": "meme"}]})

    assert outcome.stored == 0
    assert outcome.rejected[0]["errors"][0]["location"][:2] == ["clips", 0]


def test_the_loop_stops_at_ten_turns(services: AgentServices) -> None:
    with Stubber(services.bedrock) as stubber:
        for turn in range(clip_agent.MAX_TURNS):
            stubber.add_response("converse", tool_turn([clip()], f"use-{turn}"))
        result = detect_clips(services, KEY)
        stubber.assert_no_pending_responses()

    assert result["turns"] == 10 and result["stored"] == 1


def test_memory_is_loaded_before_and_saved_after(services: AgentServices) -> None:
    memory = ConversationMemory(
        services.agentcore, services.memory_id, actor_id=series_actor(TENANT, "Null Check"), session_id=EPISODE
    )
    memory.save("Earlier prompt", "Earlier answer")
    requests = sent_requests(services.bedrock)
    with Stubber(services.bedrock) as stubber:
        stubber.add_response("converse", final_turn("Summary two."))
        detect_clips(services, KEY)

    assert [m["role"] for m in requests[0]["messages"]] == ["user", "assistant", "user"]
    assert requests[0]["messages"][1]["content"] == [{"text": "Earlier answer"}]
    history = memory.load()
    assert history[-1] == {"role": "assistant", "content": [{"text": "Summary two."}]}
    assert "Queues" in history[-2]["content"][0]["text"] and "<transcript>" not in history[-2]["content"][0]["text"]


def test_a_redelivered_transcript_event_does_not_run_the_agent_again(
    services: AgentServices, handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = handler("handlers.agents.detect_clips")
    monkeypatch.setattr(module, "services", dataclasses.replace(services))
    event = load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET)
    with Stubber(services.bedrock) as stubber:
        stubber.add_response("converse", tool_turn([clip()]))
        stubber.add_response("converse", final_turn("Once."))
        module.lambda_handler(event, FakeContext())
        module.lambda_handler(event, FakeContext())  # nothing stubbed: a second run would raise
        stubber.assert_no_pending_responses()

    assert len(stored_clips(services.table)) == 1


def test_srt_is_parsed_with_speakers() -> None:
    transcript = parse_srt(SRT)
    assert transcript.cues[0].speaker == "Alice" and transcript.cues[0].text == "line 1"
    assert (transcript.start, transcript.end) == (0.0, 58.0)


ADVERSARIAL_PAIRS = [
    (("ta", "foo bar"), ("ta-foo", "bar")),  # once both `ta-foo-bar`
    (("ta", "foo bar"), ("ta", "foo-bar")),  # once the same cleaned series
    (("acme", "x" * 120 + "a"), ("acme", "x" * 120 + "b")),  # once cut at 100 characters alike
    (("a", "b/c"), ("a-b", "c")),
    (("T1", "Show"), ("t1", "Show")),
]


@pytest.mark.parametrize(("first", "second"), ADVERSARIAL_PAIRS)
def test_two_series_never_share_an_actor_nor_a_semantic_namespace(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    one, other = series_actor(*first), series_actor(*second)
    assert one != other
    assert f"{one}-topics" != f"{other}-topics"  # the semantic strategy's namespace template
    for (tenant, _), actor in ((first, one), (second, other)):
        assert actor.split("/", 1)[0] == tenant and len(actor) <= 255


def test_one_tenants_memory_is_not_loaded_for_another(services: AgentServices) -> None:
    """Events saved under one tenant's series never come back for another tenant's look-alike series."""
    (first_tenant, first_series), (second_tenant, second_series) = ADVERSARIAL_PAIRS[0]
    first = ConversationMemory(services.agentcore, services.memory_id, series_actor(first_tenant, first_series), "ep")
    second = ConversationMemory(
        services.agentcore, services.memory_id, series_actor(second_tenant, second_series), "ep"
    )
    first.save("first tenant's prompt", "first tenant's answer")
    assert second.load() == []
    assert first.load()[-1] == {"role": "assistant", "content": [{"text": "first tenant's answer"}]}


def test_an_actor_is_only_made_for_a_valid_tenant() -> None:
    with pytest.raises(ValueError, match="not a tenant"):
        series_actor("ta/foo", "bar")
