"""Conversation memory of the clip agent in AgentCore Memory (short-term events).

Before a run the earlier turns of (actor, session) are loaded with ListEvents; after it the user
prompt and the assistant's final text are saved with CreateEvent. Tool calls and results are
not saved: they are bulky, and the summary and semantic strategies only need the conversation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_ID = re.compile(r"[^a-zA-Z0-9_-]+")
MAX_EVENTS = 20
MAX_TEXT = 9_000


def memory_id_part(value: str) -> str:
    """AgentCore actor/session ids: `[a-zA-Z0-9][a-zA-Z0-9-_]*`, at most 100 characters."""
    cleaned = _ID.sub("-", value).strip("-_")[:100]
    return cleaned or "nullcheck"


class ConversationMemory:
    def __init__(self, client: Any, memory_id: str, actor_id: str, session_id: str) -> None:
        self.client, self.memory_id = client, memory_id
        self.actor_id, self.session_id = memory_id_part(actor_id), memory_id_part(session_id)

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
