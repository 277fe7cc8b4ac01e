"""Bedrock prompt caching as the local Converse endpoint reports it: `cachePoint` blocks and cache tokens.

A request may mark cache checkpoints (`{"cachePoint": {"type": "default"}}`) in `system`, in
`toolConfig.tools` and in message content. Bedrock caches the prompt up to the last checkpoint for
five minutes (resetting on each hit): the first request writes it (`cacheWriteInputTokens`), the
next ones with the same prefix read it (`cacheReadInputTokens`), and `inputTokens` counts only
what follows the checkpoint. A checkpoint after more tokens than the model caches, or after fewer
than its minimum, is ignored, as the service ignores it (Amazon Nova caches between about 1K and
20K tokens; the cache is per model).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

CACHE_SECONDS = 300.0
"""A cached prefix lives five minutes after its last use."""
NOVA_MAX_CACHED_TOKENS = 20_000
MIN_CACHED_TOKENS = 1_000
"""A checkpoint after fewer tokens caches nothing (Nova's minimum; Claude's is 1,024 and more)."""
_CACHE_POINT = "cachePoint"


def estimate_tokens(value: Any) -> int:
    """A deterministic stand-in for a tokenizer: one token per four characters of JSON."""
    return max(1, -(-len(json.dumps(value, separators=(",", ":"), ensure_ascii=False)) // 4))


def max_cached_tokens(model_id: str) -> int | None:
    """How many prompt tokens the model caches; None when it does not cache prompts."""
    model = model_id.rsplit("/", 1)[-1].lower()
    if ".amazon.nova-" in f".{model}" or model.startswith("amazon.nova-"):
        return NOVA_MAX_CACHED_TOKENS
    if "anthropic.claude" in model:
        return 200_000
    return None


def prompt_parts(payload: dict[str, Any]) -> list[Any]:
    """The prompt in the order Bedrock caches it: tools, system, then messages, block by block."""
    tools = (payload.get("toolConfig") or {}).get("tools") or []
    parts: list[Any] = list(tools)
    parts.extend(payload.get("system") or [])
    for message in payload.get("messages") or []:
        parts.extend({"role": message.get("role"), **block} for block in message.get("content") or [])
    return parts


class PromptCache:
    """The prefixes this endpoint has cached, per model, with their expiry."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}

    def usage(self, payload: dict[str, Any], model_id: str, output_tokens: int) -> dict[str, int]:
        """The `usage` of one request: input split into cached-read, cache-written and uncached tokens."""
        parts = prompt_parts(payload)
        total = estimate_tokens(parts)
        cut = max((n for n, part in enumerate(parts) if isinstance(part, dict) and _CACHE_POINT in part), default=-1)
        limit = max_cached_tokens(model_id)
        prefix_tokens = estimate_tokens(parts[: cut + 1]) if cut >= 0 else 0
        usage = {"inputTokens": total, "outputTokens": output_tokens, "totalTokens": total + output_tokens}
        if cut < 0 or limit is None or not MIN_CACHED_TOKENS <= prefix_tokens <= limit:
            return usage
        key = hashlib.sha256(json.dumps([model_id, parts[: cut + 1]], sort_keys=True).encode()).hexdigest()
        now = self._clock()
        with self._lock:
            hit = self._expiry.get(key, 0.0) > now
            self._expiry[key] = now + CACHE_SECONDS
        usage["inputTokens"] = max(0, total - prefix_tokens)
        usage["cacheReadInputTokens" if hit else "cacheWriteInputTokens"] = prefix_tokens
        return usage
