"""Bedrock Runtime on 127.0.0.1: `Converse`, answered by the OFFLINE clip model.

moto has no `Converse`, and the local stack has no AWS account, so the clip detector agent
reaches this server through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` and runs its real tool-use loop
against it. The answers come from `local.offline_clip_model`, a deterministic heuristic and no
language model: it exercises the protocol and the pipeline, never the quality of the clips.

The wire format is botocore's `bedrock-runtime` service model (restJson1): `POST
/model/{modelId}/converse`, request members `messages`, `system`, `toolConfig`, ...; response
`output.message`, `stopReason`, `usage`, `metrics`. Requests Bedrock would refuse (no messages,
roles out of order, tool results without the matching tool use or without a `toolConfig`) get
a 400 `ValidationException`, so the caller sees the same `ClientError` as against AWS.

One conversation, as the agent drives it:

1. the user message carries the SRT between `<transcript>` tags → `tool_use`: a `createClip`
   call with 5 to 10 clips;
2. the tool result is an error naming invalid clips → one more `createClip` call with those
   clips fixed or dropped (once per conversation);
3. any other tool result → `end_turn` with the episode summary.

Without a `createClip` tool in the request the answer is the summary as plain text.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from local.http_server import Answer, LocalHttpServer
from local.offline_clip_model.create_clip import Clip, correct_clips
from local.offline_clip_model.episode import summarize_episode
from local.offline_clip_model.proposals import propose_clips
from local.offline_clip_model.transcript import Transcript, parse_transcript
from local.prompt_cache import PromptCache, estimate_tokens

logger = logging.getLogger(__name__)

TOOL_NAME = "createClip"
MAX_BODY_BYTES = 25 * 1024 * 1024
MAX_TOOL_CALLS = 2
"""The first `createClip` call and at most one correction."""

_ROUTE = re.compile(r"^/model/(?P<model_id>[^/]+)/converse$")
_TRANSCRIPT = re.compile(r"<transcript>(.*?)</transcript>", re.DOTALL)
_ZERO_BASED_REFERENCE = re.compile(r"\bclips\s*(?:\[\s*(\d+)\s*\]|\.(\d+))", re.IGNORECASE)
_HUMAN_REFERENCE = re.compile(r"\bclip\s*#?\s*(\d+)\b", re.IGNORECASE)

StopReason = Literal["end_turn", "tool_use"]


# --- the request, as botocore serialises it ------------------------------------------------------


class ToolUse(BaseModel):
    """A tool call the model made (`input` is a JSON document)."""

    toolUseId: str = Field(min_length=1)
    name: str = Field(min_length=1)
    input: Any


class ToolResultContent(BaseModel):
    """One item of a tool result: `json` or `text` (other media are accepted and ignored)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    json_: Any = Field(default=None, alias="json")
    text: str | None = None


class ToolResult(BaseModel):
    """The caller's answer to one tool call; `status` error asks the model to correct itself."""

    toolUseId: str = Field(min_length=1)
    content: list[ToolResultContent]
    status: Literal["success", "error"] | None = None


class ContentBlock(BaseModel):
    """A union in the service model: exactly one member is set."""

    model_config = ConfigDict(extra="allow")

    text: str | None = None
    toolUse: ToolUse | None = None
    toolResult: ToolResult | None = None

    @model_validator(mode="after")
    def _one_member(self) -> ContentBlock:
        members = [self.text, self.toolUse, self.toolResult, *(self.model_extra or {}).values()]
        if sum(member is not None for member in members) != 1:
            raise ValueError("a content block must set exactly one member")
        return self


class Message(BaseModel):
    """One turn of the conversation."""

    role: Literal["user", "assistant"]
    content: list[ContentBlock] = Field(min_length=1)

    def tool_uses(self) -> list[ToolUse]:
        return [block.toolUse for block in self.content if block.toolUse is not None]

    def tool_results(self) -> list[ToolResult]:
        return [block.toolResult for block in self.content if block.toolResult is not None]


class ToolSpec(BaseModel):
    """A tool the model may call, by name and JSON schema."""

    name: str = Field(min_length=1)
    inputSchema: dict[str, Any]


class Tool(BaseModel):
    """A union in the service model; only `toolSpec` tools matter here."""

    model_config = ConfigDict(extra="allow")

    toolSpec: ToolSpec | None = None


class ToolConfig(BaseModel):
    """The tools offered (`toolChoice` is accepted and ignored: the model always calls `createClip`)."""

    tools: list[Tool] = Field(min_length=1)


class ConverseRequest(BaseModel):
    """The members of a `Converse` request this server reads; the others are accepted as they are."""

    messages: list[Message] = Field(min_length=1)
    toolConfig: ToolConfig | None = None

    @model_validator(mode="after")
    def _conversation_order(self) -> ConverseRequest:
        """Bedrock's own rules: user first, roles alternate, the model answers a user message."""
        for index, message in enumerate(self.messages):
            expected = "user" if index % 2 == 0 else "assistant"
            if message.role != expected:
                raise ValueError(f"messages.{index}: a conversation starts with a user message and alternates roles")
        if self.messages[-1].role != "user":
            raise ValueError("the last message must be a user message")
        for index, message in enumerate(self.messages):
            _check_tool_blocks(index, message, self.messages[index - 1] if index else None, self.toolConfig)
        return self

    def offers_clip_tool(self) -> bool:
        tools = self.toolConfig.tools if self.toolConfig else []
        return any(tool.toolSpec is not None and tool.toolSpec.name == TOOL_NAME for tool in tools)


def _check_tool_blocks(index: int, message: Message, previous: Message | None, config: ToolConfig | None) -> None:
    """Tool uses come from the assistant, results from the user, each result answering a use."""
    uses, results = message.tool_uses(), message.tool_results()
    if (uses or results) and config is None:
        raise ValueError("toolConfig must be defined when using toolUse and toolResult content blocks")
    if message.role == "user" and uses:
        raise ValueError(f"messages.{index}: toolUse blocks belong in assistant messages")
    if message.role == "assistant" and results:
        raise ValueError(f"messages.{index}: toolResult blocks belong in user messages")
    asked = {use.toolUseId for use in previous.tool_uses()} if previous else set()
    unknown = [result.toolUseId for result in results if result.toolUseId not in asked]
    if unknown:
        raise ValueError(f"messages.{index}: toolResult {unknown[0]} answers no toolUse of the previous turn")


# --- the offline model's turn --------------------------------------------------------------------


OFFLINE_LABEL = "[Offline clip model, not a language model] "
"""Starts every summary it writes, so a stored summary never passes for a model's."""


@dataclass(frozen=True)
class Turn:
    """What the model says: the assistant message's content and why it stopped."""

    content: list[dict[str, Any]]
    stop_reason: StopReason


def respond(request: ConverseRequest) -> Turn:
    """The offline model's answer to a valid conversation."""
    srt_text = _latest_transcript(request.messages)
    if srt_text is None:
        return _say(
            "Offline clip model: the conversation holds no <transcript>…</transcript>, so there is nothing to clip."
        )
    transcript = parse_transcript(srt_text)
    results = request.messages[-1].tool_results()
    if not request.offers_clip_tool() or not transcript.cues:
        return _say(OFFLINE_LABEL + summarize_episode(transcript))
    if not results:
        clips = propose_clips(transcript)
        cues = len(transcript.cues)
        note = f"Offline clip model, a heuristic and no language model: {len(clips)} clips from {cues} cues."
        return _call_tool(request, note, clips)
    if any(result.status == "error" for result in results) and _tool_calls(request.messages) < MAX_TOOL_CALLS:
        correction = _correction(request.messages, transcript)
        if correction is not None:
            note = f"Offline clip model: sending {len(correction)} clips again, rejected ones fixed or dropped."
            return _call_tool(request, note, correction)
    return _say(OFFLINE_LABEL + summarize_episode(transcript))


def _latest_transcript(messages: Sequence[Message]) -> str | None:
    """The SRT of the most recent user message that carries one (earlier ones may be memory)."""
    for message in reversed(messages):
        if message.role != "user":
            continue
        for block in message.content:
            match = _TRANSCRIPT.search(block.text or "")
            if match:
                return match.group(1)
    return None


def _say(text: str) -> Turn:
    return Turn([{"text": text}], "end_turn")


def _call_tool(request: ConverseRequest, note: str, clips: Sequence[Clip]) -> Turn:
    # Unique within the conversation and the same for the same conversation.
    tool_use_id = f"tooluse_offline_{len(request.messages)}"
    tool_input = {"clips": [clip.tool_input() for clip in clips]}
    return Turn(
        [{"text": note}, {"toolUse": {"toolUseId": tool_use_id, "name": TOOL_NAME, "input": tool_input}}], "tool_use"
    )


def _tool_calls(messages: Sequence[Message]) -> int:
    return sum(use.name == TOOL_NAME for message in messages for use in message.tool_uses())


def _correction(messages: Sequence[Message], transcript: Transcript) -> list[Clip] | None:
    """The clips to send again, or None when correcting would change nothing."""
    failed = [result for result in messages[-1].tool_results() if result.status == "error"]
    failed_ids = {result.toolUseId for result in failed}
    previous = next((use for use in messages[-2].tool_uses() if use.toolUseId in failed_ids), None)
    if previous is None or previous.name != TOOL_NAME or not isinstance(previous.input, dict):
        return None
    proposed = previous.input.get("clips")
    if not isinstance(proposed, list):
        return None
    corrected = correct_clips(transcript, proposed, rejected_positions(failed, len(proposed)))
    if not corrected or [clip.tool_input() for clip in corrected] == proposed:
        return None
    return corrected


def rejected_positions(results: Sequence[ToolResult], count: int) -> set[int] | None:
    """Which clips (0-based positions in the tool input) an error result names; None if none.

    Understood: JSON objects with an integer `index` or `clipIndex`, pydantic error locations
    starting `["clips", n]`, and text mentioning `clips[n]` / `clips.n` (0-based) or `clip n` /
    `clip #n` (counted from 1, unless some "clip 0" shows that the text counts from 0).
    """
    positions: set[int] = set()
    texts: list[str] = []
    for result in results:
        for item in result.content:
            for value in (item.json_, item.text):
                _collect(value, positions, texts)
    for text in texts:
        positions.update(int(a or b) for a, b in _ZERO_BASED_REFERENCE.findall(text))
    human = [int(number) for text in texts for number in _HUMAN_REFERENCE.findall(text)]
    offset = 0 if 0 in human else 1
    positions.update(number - offset for number in human)
    named = {position for position in positions if 0 <= position < count}
    return named or None


def _collect(value: Any, positions: set[int], texts: list[str], *, inside_clip: bool = False) -> None:
    """Walk a tool result's JSON, gathering clip positions and every string.

    Below an object that names its clip, an `index` is some other position (a segment's).
    """
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, dict):
        named = [value[key] for key in ("index", "clipIndex") if type(value.get(key)) is int]
        if not inside_clip:
            positions.update(named)
        for item in value.values():
            _collect(item, positions, texts, inside_clip=inside_clip or bool(named))
    elif isinstance(value, list):
        if len(value) >= 2 and value[0] == "clips" and type(value[1]) is int:
            positions.add(value[1])
        for item in value:
            _collect(item, positions, texts, inside_clip=inside_clip)


# --- HTTP ----------------------------------------------------------------------------------------


def converse(payload: Any, cache: PromptCache | None = None, model_id: str = "") -> Answer:
    """One `Converse` request body (parsed JSON) to `model_id`'s HTTP answer; `cache` reports prompt caching."""
    try:
        request = ConverseRequest.model_validate(payload)
    except ValidationError as error:
        return _error(400, "ValidationException", _describe(error))
    started = time.perf_counter()
    turn = respond(request)
    latency_ms = round((time.perf_counter() - started) * 1000)
    usage = (cache or PromptCache()).usage(payload, model_id, estimate_tokens(turn.content))
    body = {
        "output": {"message": {"role": "assistant", "content": turn.content}},
        "stopReason": turn.stop_reason,
        "usage": usage,
        "metrics": {"latencyMs": latency_ms},
    }
    return _json(200, body)


def _describe(error: ValidationError) -> str:
    """The first problem, worded like Bedrock's messages: where, then what."""
    first = error.errors()[0]
    where = ".".join(str(step) for step in first["loc"])
    what = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
    return f"{where}: {what}" if where else what


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        status,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4()), **(headers or {})},
    )


def _error(status: int, code: str, message: str) -> Answer:
    """An error botocore's rest-json parser turns into `ClientError` with this code."""
    return _json(status, {"message": message}, {"x-amzn-ErrorType": code})


class LocalBedrockRuntime:
    """The Bedrock Runtime endpoint of the local stack: `Converse` only, offline model inside."""

    def __init__(self) -> None:
        self.prompt_cache = PromptCache()
        self._server = LocalHttpServer(
            lambda method, target, _, body: self.handle(method, target, body),
            name="local-bedrock",
            max_body=MAX_BODY_BYTES,
            refuse=lambda _status, reason: _error(400, "ValidationException", reason),
        )

    def handle(self, method: str, target: str, body: bytes) -> Answer:
        """One HTTP request to one answer (the HTTP server only moves bytes)."""
        match = _ROUTE.match(urlsplit(target).path)
        if method != "POST" or match is None:
            return _error(404, "UnknownOperationException", f"no such operation: {method} {urlsplit(target).path}")
        if not unquote(match["model_id"]).strip():
            return _error(400, "ValidationException", "modelId must not be empty")
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "ValidationException", "the request body is not JSON")
        if not isinstance(payload, dict):
            return _error(400, "ValidationException", "the request body must be a JSON object")
        try:
            return converse(payload, self.prompt_cache, unquote(match["model_id"]))
        except Exception:  # a bug here must reach the caller as the 500 Bedrock would send
            logger.exception("offline Converse failed")
            return _error(500, "InternalServerException", "the offline clip model failed")

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (0 picks a free port) from a daemon thread; returns the endpoint URL."""
        return f"http://127.0.0.1:{self._server.start(port)}"

    def stop(self) -> None:
        self._server.stop()
