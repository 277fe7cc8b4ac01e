"""Prompt caching: the agent marks what every turn repeats; the local Converse reports cache tokens as Bedrock does."""

from __future__ import annotations

import json
from typing import Any

from handlers.core.domain import clip_agent
from handlers.core.domain.srt import parse_srt
from local.bedrock import converse
from local.prompt_cache import NOVA_MAX_CACHED_TOKENS, PromptCache
from local.transcripts import sample_transcript

EPISODE = clip_agent.EpisodeContext(episode_id="ep", title="Show", series="Null Check")
NOVA = "us.amazon.nova-pro-v1:0"


def request(model_id: str, minutes: float) -> dict[str, Any]:
    return clip_agent.conversation_request(model_id, [], EPISODE, parse_srt(sample_transcript(minutes=minutes)))


def cache_points(payload: dict[str, Any]) -> list[str]:
    """Where the request marks cache checkpoints: after the system prompt, after the transcript."""
    marked = ["system" for block in payload["system"] if "cachePoint" in block]
    marked += ["transcript" for block in payload["messages"][-1]["content"] if "cachePoint" in block]
    return marked


def test_a_short_transcript_is_cached_with_the_instructions() -> None:
    assert cache_points(request(NOVA, minutes=10)) == ["system", "transcript"]


def test_a_transcript_longer_than_nova_caches_is_not_marked_only_the_instructions_are() -> None:
    long = request(NOVA, minutes=180)
    assert len(long["messages"][-1]["content"][0]["text"]) // 4 > NOVA_MAX_CACHED_TOKENS
    assert cache_points(long) == ["system"]


def test_a_model_without_prompt_caching_gets_no_cache_points() -> None:
    assert cache_points(request("mistral.mistral-large-2407-v1:0", minutes=10)) == []


def test_the_local_converse_writes_the_cache_then_reads_it_and_counts_the_rest_as_input() -> None:
    cache = PromptCache()
    payload = request(NOVA, minutes=10)
    body = {key: value for key, value in payload.items() if key != "modelId"}

    first = converse(body, cache, NOVA).body
    second = converse(body, cache, NOVA).body

    first_usage, second_usage = json.loads(first)["usage"], json.loads(second)["usage"]
    assert first_usage["cacheWriteInputTokens"] > 1000 and "cacheReadInputTokens" not in first_usage
    assert second_usage["cacheReadInputTokens"] == first_usage["cacheWriteInputTokens"]
    assert second_usage["inputTokens"] < second_usage["cacheReadInputTokens"]


def test_a_prefix_past_the_models_limit_or_an_expired_one_is_not_read() -> None:
    now = [0.0]
    cache = PromptCache(clock=lambda: now[0])
    body = {key: value for key, value in request(NOVA, minutes=10).items() if key != "modelId"}
    cache.usage(body, NOVA, 10)
    now[0] += 301
    assert "cacheReadInputTokens" not in cache.usage(body, NOVA, 10)  # expired after five minutes unused
    marked_long = {key: value for key, value in request(NOVA, minutes=180).items() if key != "modelId"}
    marked_long["messages"][-1]["content"].append({"cachePoint": {"type": "default"}})
    usage = cache.usage(marked_long, NOVA, 10)
    assert "cacheWriteInputTokens" not in usage and "cacheReadInputTokens" not in usage


def test_a_prefix_below_the_models_minimum_caches_nothing() -> None:
    """The instructions and the tool alone (a long transcript is not marked) are under Nova's 1,000 tokens."""
    long = {key: value for key, value in request(NOVA, minutes=180).items() if key != "modelId"}
    usage = PromptCache().usage(long, NOVA, 10)
    assert "cacheWriteInputTokens" not in usage and "cacheReadInputTokens" not in usage
