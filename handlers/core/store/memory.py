"""Conversation memory of the clip agent in AgentCore Memory (short-term events).

Before a run the earlier turns of (actor, session) are loaded with ListEvents; after it the user
prompt and the assistant's final text are saved with CreateEvent. Tool calls and results are
not saved: they are bulky, and the summary and semantic strategies only need the conversation.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from handlers.contract import is_valid_tenant

_ID = re.compile(r"[^a-zA-Z0-9_-]+")
MAX_EVENTS = 20
MAX_TEXT = 9_000
SERIES_ACTOR = "series-"
"""What follows the tenant in a series' actor id, before the series' hash."""


def memory_id_part(value: str) -> str:
    """AgentCore session ids: `[a-zA-Z0-9][a-zA-Z0-9-_]*`, at most 100 characters."""
    cleaned = _ID.sub("-", value).strip("-_")[:100]
    return cleaned or "nullcheck"


def series_actor(tenant: str, series: str) -> str:
    """The agent memory's actor of one series of a tenant: `{tenant}/series-{sha256 of the series, 32 hex}`.

    Injective in the tenant: tenants hold no `/` (`handlers.contract.TENANT_PATTERN`), so everything
    before the first `/` is the tenant, and two tenants never share an actor, nor the semantic
    strategy's namespace built from it (`{actorId}-topics`). The series is hashed, not cleaned:
    `foo bar` and `foo-bar`, or two long names that share their first hundred characters, stay
    apart. At most 64 + 1 + 7 + 32 characters, well inside AgentCore's 255.
    """
    if not is_valid_tenant(tenant):
        raise ValueError(f"not a tenant: {tenant[:80]!r}")
    return f"{tenant}/{SERIES_ACTOR}{hashlib.sha256(series.encode()).hexdigest()[:32]}"


class ConversationMemory:
    """One actor's conversation in one session: `actor_id` as `series_actor` makes it, `session_id` the episode."""

    def __init__(self, client: Any, memory_id: str, actor_id: str, session_id: str) -> None:
        self.client, self.memory_id = client, memory_id
        self.actor_id, self.session_id = actor_id, memory_id_part(session_id)

    def load(self) -> list[dict[str, Any]]:
        """Earlier turns as Converse messages, oldest first, alternating and starting with the user."""
        answer = self.client.list_events(
            memoryId=self.memory_id,
            actorId=self.actor_id,
            sessionId=self.session_id,
            includePayloads=True,
            maxResults=MAX_EVENTS,
        )
        turns: list[tuple[str, str]] = []
        # AWS lists newest first (moto oldest first): order by timestamp, whatever the wire order.
        for event in sorted(answer.get("events", []), key=lambda event: event["eventTimestamp"]):
            for item in event.get("payload", []):
                conversational = item.get("conversational")
                if conversational and conversational.get("role") in ("USER", "ASSISTANT"):
                    turns.append((conversational["role"].lower(), conversational["content"]["text"]))
        return _alternating(turns)

    def save(self, prompt: str, reply: str) -> None:
        payload = [{"conversational": {"content": {"text": prompt[:MAX_TEXT]}, "role": "USER"}}]
        if reply:
            payload.append({"conversational": {"content": {"text": reply[:MAX_TEXT]}, "role": "ASSISTANT"}})
        self.client.create_event(
            memoryId=self.memory_id,
            actorId=self.actor_id,
            sessionId=self.session_id,
            eventTimestamp=datetime.now(UTC),
            payload=payload,
        )


def _alternating(turns: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Converse wants user/assistant turns in alternation, starting with the user."""
    messages: list[dict[str, Any]] = []
    for role, text in turns:
        if not messages and role != "user":
            continue
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"].append({"text": text})
        else:
            messages.append({"role": role, "content": [{"text": text}]})
    if messages and messages[-1]["role"] == "user":
        messages.pop()  # the new prompt follows; a dangling user turn would break alternation
    return messages
