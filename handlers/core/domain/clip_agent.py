"""The clip detector: a Bedrock Converse tool-use loop proposing clips through `createClip`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from handlers.core.domain import clip_proposals
from handlers.core.domain.clip_proposals import ToolOutcome
from handlers.core.domain.srt import Transcript

logger = Logger(child=True)
MAX_TURNS = 10
MAX_OUTPUT_TOKENS = 4096

SYSTEM_PROMPT = """You are the editor of a livestreamed tech show. From the episode transcript, propose 5 to 10 clips
for social media and save them with the createClip tool.

Rules for every clip:
- One or more transcript segments, copied with their exact startTime and endTime (HH:MM:SS,mmm).
  All segments of a clip together last 45 seconds at most.
- A mix of clip types (educational, funny, demo, hot_take, insight), educational ones first.
- The hook reads like a good video title: specific, curious, no clickbait.
- The summary is 1-2 factual sentences about what is said; never invent facts.
- Suggest b-roll that would illustrate the clip.
- Score the clip from 0 to 100 (an integer) for how well it will do on social media, comparing it with
  the other clips: a strong hook, a laugh, a question asked and answered, a clear takeaway score high;
  a slow start or a moment that needs context scores low. Use the whole range.
- Give the reason for the score in one short line naming what makes the clip work
  (e.g. "opens on a question and answers it in 20 s; one laugh").

If the tool rejects clips, correct them as the errors say and call it again with the corrected clips only.
When the clips are saved, answer with a 2-3 sentence summary of the whole episode, and nothing else."""


class ClipStore(Protocol):
    """Executes the model's `createClip` calls for one episode (the caller, never the model, names it)."""

    def create_clips(self, tool_input: Any) -> ToolOutcome: ...


class ConversationMemory(Protocol):
    """The earlier turns of this conversation, and where this run's turn is saved."""

    def load(self) -> list[dict[str, Any]]: ...

    def save(self, prompt: str, reply: str) -> None: ...


@dataclass(frozen=True)
class EpisodeContext:
    episode_id: str
    title: str
    series: str


@dataclass
class AgentRun:
    summary: str
    turns: int
    stored: int
    rejected: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


CACHE_POINT = {"cachePoint": {"type": "default"}}
PROMPT_CACHE_TOKENS = {"amazon.nova-": 20_000, "anthropic.claude-": 200_000}
"""Model families Bedrock caches prompts for, and about how many tokens a cached prefix may hold."""


def cached_tokens_limit(model_id: str) -> int | None:
    """How long a prompt prefix `model_id` caches (an inference profile names its model after a region prefix)."""
    model = model_id.rsplit("/", 1)[-1]
    return next((limit for family, limit in PROMPT_CACHE_TOKENS.items() if family in model), None)


def estimated_tokens(text: str) -> int:
    """About four characters a token: enough to decide whether a prefix fits the model's cache."""
    return len(text) // 4 + 1


def user_prompt(episode: EpisodeContext) -> str:
    """What is asked (and remembered): the transcript itself travels separately, it is not memory."""
    return (
        f'Propose clips for episode "{episode.title}" of the series "{episode.series}" '
        f"(episode id {episode.episode_id}). The transcript follows."
    )


def conversation_request(
    model_id: str, history: list[dict[str, Any]], episode: EpisodeContext, transcript: Transcript
) -> dict[str, Any]:
    """The first Converse request of a run, exactly as sent (also used to estimate its cost).

    Every turn of a run sends the whole conversation again, transcript included. Where the model
    caches prompts, cache points mark the instructions and the transcript, so turns after the first
    read them from the cache (a quarter of the input price on Nova, a tenth on Claude) instead of paying
    for them again; a transcript
    longer than the model caches (Nova: about 20K tokens, some 80 minutes of talk) is not marked,
    and only the instructions and the tool are cached.
    """
    prompt = user_prompt(episode)
    first_text = f"{prompt}\n\n<transcript>\n{transcript.srt_text}\n</transcript>"
    first: dict[str, Any] = {"role": "user", "content": [{"text": first_text}]}
    system: list[dict[str, Any]] = [{"text": SYSTEM_PROMPT}]
    tools: list[dict[str, Any]] = [clip_proposals.tool_spec()]
    limit = cached_tokens_limit(model_id)
    if limit is not None:
        system.append(CACHE_POINT)
        prefix = SYSTEM_PROMPT + str(tools) + str(history) + first_text
        if estimated_tokens(prefix) <= limit:
            first["content"].append(CACHE_POINT)
    return {
        "modelId": model_id,
        "system": system,
        "messages": [*history, first],
        "toolConfig": {"tools": tools, "toolChoice": {"auto": {}}},
        "inferenceConfig": {"maxTokens": MAX_OUTPUT_TOKENS, "temperature": 0.3},
    }


def run(
    bedrock: Any,
    model_id: str,
    episode: EpisodeContext,
    transcript: Transcript,
    memory: ConversationMemory,
    store: ClipStore,
) -> AgentRun:
    """Tool calls are executed and answered until the model ends its turn (at most MAX_TURNS)."""
    request = conversation_request(model_id, memory.load(), episode, transcript)
    result = AgentRun(summary="", turns=0, stored=0, rejected=0, input_tokens=0, output_tokens=0)
    while result.turns < MAX_TURNS:
        response = bedrock.converse(**request)
        result.turns += 1
        usage = response.get("usage", {})
        result.input_tokens += usage.get("inputTokens", 0)
        result.output_tokens += usage.get("outputTokens", 0)
        result.cache_read_tokens += usage.get("cacheReadInputTokens", 0)
        result.cache_write_tokens += usage.get("cacheWriteInputTokens", 0)
        message = response["output"]["message"]
        request["messages"].append(message)
        tool_uses = [block["toolUse"] for block in message["content"] if "toolUse" in block]
        if response["stopReason"] != "tool_use" or not tool_uses:
            result.summary = " ".join(block["text"] for block in message["content"] if "text" in block).strip()
            break
        request["messages"].append({"role": "user", "content": [_execute(use, store, result) for use in tool_uses]})
    else:
        logger.warning("clip agent stopped at the turn limit", extra={"turns": MAX_TURNS})
    memory.save(user_prompt(episode), result.summary)
    return result


def _execute(tool_use: dict[str, Any], store: ClipStore, result: AgentRun) -> dict[str, Any]:
    if tool_use["name"] != "createClip":
        answer: dict[str, Any] = {"error": f"unknown tool {tool_use['name']}; the only tool is createClip"}
        status = "error"
    else:
        outcome = store.create_clips(tool_use["input"])
        result.stored += outcome.stored
        result.rejected += len(outcome.rejected)
        answer, status = outcome.result(), "error" if outcome.rejected else "success"
    return {"toolResult": {"toolUseId": tool_use["toolUseId"], "content": [{"json": answer}], "status": status}}
