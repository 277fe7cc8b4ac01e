"""The local Bedrock Runtime, driven through a real boto3 `bedrock-runtime` client as the clip agent drives it."""

from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
import srt
from botocore.config import Config
from botocore.exceptions import ClientError

from local.bedrock import OFFLINE_LABEL, LocalBedrockRuntime, ToolResult, rejected_positions
from local.offline_clip_model.create_clip import Clip, ClipSegment, format_timestamp, parse_timestamp
from local.offline_clip_model.episode import summarize_episode
from local.offline_clip_model.transcript import parse_transcript

MODEL_ID = "us.amazon.nova-pro-v1:0"
TOOL_CONFIG: dict[str, Any] = {
    "tools": [
        {
            "toolSpec": {
                "name": "createClip",
                "description": "Propose clips",
                "inputSchema": {"json": {"type": "object", "properties": {"clips": {"type": "array"}}}},
            }
        }
    ]
}
LINES = (
    "Alice: Welcome back to the show, today we talk about cold starts.",
    "Bob: Thanks for having me.",
    "Here's how to cut cold starts in three steps.",
    "Step one, trim the package.",
    "Alice: Honestly, provisioned concurrency is overrated.",
    "Bob: haha [laughter] you always say that.",
    "Let me show you the graph on my screen.",
    "Alice: What did you learn from the migration?",
    "Bob: The key lesson is to measure first.",
    "It turns out the database was the bottleneck.",
)


def episode_srt() -> str:
    """Ten minutes of talk: the lines above over and over, 4 s cues."""
    subtitles = [
        srt.Subtitle(i + 1, timedelta(seconds=i * 4.0), timedelta(seconds=i * 4.0 + 3.8), LINES[i % len(LINES)])
        for i in range(150)
    ]
    return srt.compose(subtitles)


SRT = episode_srt()
PROMPT = {"role": "user", "content": [{"text": f"Find the clips in this episode.\n<transcript>\n{SRT}</transcript>"}]}
SUMMARY = [{"text": OFFLINE_LABEL + summarize_episode(parse_transcript(SRT))}]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    runtime = LocalBedrockRuntime()
    yield runtime.start()
    runtime.stop()


@pytest.fixture(scope="module")
def bedrock(endpoint: str) -> Any:
    return boto3.client(
        "bedrock-runtime",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def converse(bedrock: Any, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = bedrock.converse(modelId=MODEL_ID, messages=messages, **extra)
    return response


def milliseconds(timestamp: str) -> int:
    value = parse_timestamp(timestamp)
    assert value is not None, timestamp
    return value


def duration_ms(segment: ClipSegment) -> int:
    return milliseconds(segment.endTime) - milliseconds(segment.startTime)


def tool_use(response: dict[str, Any]) -> dict[str, Any]:
    [use] = [block["toolUse"] for block in response["output"]["message"]["content"] if "toolUse" in block]
    return use


def result_turn(tool_use_id: str, status: str, content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "role": "user",
        "content": [{"toolResult": {"toolUseId": tool_use_id, "content": content, "status": status}}],
    }


@pytest.fixture(scope="module")
def first(bedrock: Any) -> dict[str, Any]:
    return converse(bedrock, [PROMPT], system=[{"text": "You are the show's editor."}], toolConfig=TOOL_CONFIG)


def test_the_transcript_turn_answers_with_a_create_clip_call(first: dict[str, Any]) -> None:
    assert first["stopReason"] == "tool_use"
    message = first["output"]["message"]
    assert message["role"] == "assistant"
    assert "offline" in message["content"][0]["text"].lower()
    use = tool_use(first)
    assert use["name"] == "createClip" and use["toolUseId"]
    clips = [Clip.model_validate(item) for item in use["input"]["clips"]]
    assert 5 <= len(clips) <= 10
    transcript = parse_transcript(SRT)
    for clip in clips:
        durations = [duration_ms(segment) for segment in clip.segments]
        assert all(d > 0 for d in durations) and sum(durations) <= 45_000
        assert milliseconds(clip.segments[-1].endTime) <= transcript.end_ms


def test_usage_and_metrics_are_reported(first: dict[str, Any]) -> None:
    usage = first["usage"]
    assert usage["inputTokens"] >= len(SRT) // 4
    assert usage["outputTokens"] > 0
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert isinstance(first["metrics"]["latencyMs"], int) and first["metrics"]["latencyMs"] >= 0


def test_the_same_conversation_gets_the_same_answer(bedrock: Any, first: dict[str, Any]) -> None:
    again = converse(bedrock, [PROMPT], system=[{"text": "You are the show's editor."}], toolConfig=TOOL_CONFIG)
    assert again["output"] == first["output"]
    assert again["usage"] == first["usage"]


def test_a_successful_tool_result_ends_the_turn_with_the_episode_summary(bedrock: Any, first: dict[str, Any]) -> None:
    use = tool_use(first)
    messages = [PROMPT, first["output"]["message"], result_turn(use["toolUseId"], "success", [{"json": {"stored": 7}}])]
    response = converse(bedrock, messages, toolConfig=TOOL_CONFIG)
    assert response["stopReason"] == "end_turn"
    assert response["output"]["message"]["content"] == [
        {"text": OFFLINE_LABEL + summarize_episode(parse_transcript(SRT))}
    ]
    assert "Alice and Bob" in response["output"]["message"]["content"][0]["text"]


def test_an_error_result_naming_clips_gets_one_corrected_call(bedrock: Any, first: dict[str, Any]) -> None:
    proposal = copy.deepcopy(first["output"]["message"])
    use = tool_use({"output": {"message": proposal}})
    proposed = use["input"]["clips"]
    transcript_end = parse_transcript(SRT).end_ms
    proposed[0]["segments"][-1]["endTime"] = format_timestamp(transcript_end + 30_000)  # what the tool rejects
    error = {"invalidClips": [{"index": 0, "errors": ["ends after the transcript"]}, {"index": 1, "errors": ["dup"]}]}
    messages = [PROMPT, proposal, result_turn(use["toolUseId"], "error", [{"json": error}])]

    response = converse(bedrock, messages, toolConfig=TOOL_CONFIG)

    assert response["stopReason"] == "tool_use"
    correction = tool_use(response)
    assert correction["name"] == "createClip" and correction["toolUseId"] != use["toolUseId"]
    clips = correction["input"]["clips"]
    fixed = Clip.model_validate(clips[0])
    assert fixed.hook == proposed[0]["hook"], "clip 0 is fixed, not replaced"
    assert fixed.segments[0].startTime == proposed[0]["segments"][0]["startTime"]
    assert milliseconds(fixed.segments[-1].endTime) <= transcript_end
    assert sum(duration_ms(segment) for segment in fixed.segments) <= 45_000
    assert clips[1:] == proposed[2:], "clip 1 dropped (nothing the model can fix), the rest unchanged"

    # A second refusal ends the conversation: one correction at most.
    messages += [response["output"]["message"], result_turn(correction["toolUseId"], "error", [{"json": error}])]
    final = converse(bedrock, messages, toolConfig=TOOL_CONFIG)
    assert final["stopReason"] == "end_turn"
    assert final["output"]["message"]["content"] == SUMMARY


def test_without_a_tool_the_answer_is_the_summary_as_text(bedrock: Any) -> None:
    response = converse(bedrock, [PROMPT])
    assert response["stopReason"] == "end_turn"
    assert response["output"]["message"]["content"] == [
        {"text": OFFLINE_LABEL + summarize_episode(parse_transcript(SRT))}
    ]


def test_the_latest_transcript_wins_over_one_recalled_from_memory(bedrock: Any) -> None:
    recalled = srt.compose([srt.Subtitle(1, timedelta(0), timedelta(seconds=3), "Zed: an older episode")])
    earlier = {"role": "user", "content": [{"text": f"<transcript>{recalled}</transcript>"}]}
    response = converse(bedrock, [earlier, _answer("Noted."), PROMPT])
    assert response["output"]["message"]["content"] == [
        {"text": OFFLINE_LABEL + summarize_episode(parse_transcript(SRT))}
    ]


def test_without_a_transcript_there_is_nothing_to_clip(bedrock: Any) -> None:
    response = converse(bedrock, [{"role": "user", "content": [{"text": "hello"}]}], toolConfig=TOOL_CONFIG)
    assert response["stopReason"] == "end_turn"
    assert "no <transcript>" in response["output"]["message"]["content"][0]["text"]


def _answer(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": [{"text": text}]}


def _use(tool_use_id: str) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": [{"toolUse": {"toolUseId": tool_use_id, "name": "createClip", "input": {}}}],
    }


@pytest.mark.parametrize(
    ("messages", "extra", "problem"),
    [
        ([], {}, "at least 1"),
        ([_answer("hi"), PROMPT], {}, "starts with a user message"),
        ([PROMPT, PROMPT], {}, "alternates roles"),
        ([PROMPT, _answer("hi")], {}, "last message must be a user message"),
        ([PROMPT, _use("t1"), result_turn("t2", "success", [{"text": "ok"}])], {"toolConfig": TOOL_CONFIG}, "t2"),
        ([PROMPT, _use("t1"), result_turn("t1", "success", [{"text": "ok"}])], {}, "toolConfig must be defined"),
        ([{"role": "user", "content": []}], {}, "at least 1"),
    ],
    ids=["no-messages", "assistant-first", "two-user-turns", "ends-with-assistant", "unknown-tool-use",
         "no-tool-config", "empty-content"],
)  # fmt: skip
def test_bad_requests_raise_validation_exception(
    bedrock: Any, messages: list[dict[str, Any]], extra: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ClientError) as raised:
        converse(bedrock, messages, **extra)
    error = raised.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert problem in error["Error"]["Message"]


def _post(url: str, body: bytes | None, method: str = "POST") -> tuple[int, dict[str, Any], str]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), response.headers.get("x-amzn-ErrorType", "")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("x-amzn-ErrorType", "")


def test_the_model_id_arrives_url_encoded(endpoint: str) -> None:
    status, body, _ = _post(
        f"{endpoint}/model/us.amazon.nova-pro-v1%3A0/converse", json.dumps({"messages": [PROMPT]}).encode()
    )
    assert status == 200 and body["stopReason"] == "end_turn"


def test_a_body_that_is_not_json_is_a_validation_error(endpoint: str) -> None:
    status, body, error_type = _post(f"{endpoint}/model/m/converse", b"{not json")
    assert (status, error_type) == (400, "ValidationException") and body["message"]


@pytest.mark.parametrize(
    ("path", "method"), [("/model/m/converse-stream", "POST"), ("/model/m/converse", "GET"), ("/", "POST")]
)
def test_unknown_paths_are_404(endpoint: str, path: str, method: str) -> None:
    status, body, _ = _post(f"{endpoint}{path}", b"{}" if method == "POST" else None, method)
    assert status == 404 and body["message"]


@pytest.mark.parametrize(
    ("content", "count", "expected"),
    [
        ([{"json": {"invalidClips": [{"index": 2}, {"clipIndex": 0}]}}], 5, {0, 2}),
        ([{"json": {"invalidClips": [{"index": 1, "segments": [{"index": 3, "error": "ends late"}]}]}}], 5, {1}),
        ([{"json": {"errors": [{"loc": ["clips", 3, "segments"], "msg": "bad"}]}}], 5, {3}),
        ([{"text": "clips[1].segments[0].endTime is after the transcript; clips.4 too long"}], 5, {1, 4}),
        ([{"text": "Clip 2: too long. Clip #3: overlaps."}], 5, {1, 2}),
        ([{"text": "clip 0 is too long, clip 2 too"}], 5, {0, 2}),
        ([{"text": "clip 9 is too long"}], 5, None),
        ([{"text": "something went wrong"}], 5, None),
    ],
)
def test_rejected_clips_are_read_from_json_and_text(
    content: list[dict[str, Any]], count: int, expected: set[int] | None
) -> None:
    result = ToolResult.model_validate({"toolUseId": "t", "content": content, "status": "error"})
    assert rejected_positions([result], count) == expected
