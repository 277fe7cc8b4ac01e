"""From a transcript in the bucket to stored clips and an episode summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from handlers.core import agent, keys
from handlers.core import table as records
from handlers.core.clips import ClipStore
from handlers.core.episodes import require_episode
from handlers.core.memory import ConversationMemory
from handlers.core.transcript import parse_srt

logger = Logger(child=True)
DEFAULT_SERIES = "unassigned"


@dataclass(frozen=True)
class AgentServices:
    table: Any
    s3: Any
    bedrock: Any
    agentcore: Any
    bucket: str
    memory_id: str
    model_id: str


def detect_clips(services: AgentServices, key: str) -> dict[str, Any]:
    """Run the clip agent over `{episodeId}/transcript.srt` and store its summary on the episode."""
    episode_id = keys.episode_of_transcript_key(key)
    if episode_id is None:
        return {"skipped": f"{key} is not an episode transcript"}
    episode = require_episode(services.table, episode_id)
    body = services.s3.get_object(Bucket=services.bucket, Key=key)["Body"].read()
    transcript = parse_srt(body.decode("utf-8-sig", errors="replace"))
    series = episode.get("seriesName") or DEFAULT_SERIES
    context = agent.EpisodeContext(episode_id=episode_id, title=episode["title"], series=series)
    memory = ConversationMemory(services.agentcore, services.memory_id, actor_id=series, session_id=episode_id)
    store = ClipStore(services.table, episode_id, series, transcript)
    result = agent.run(services.bedrock, services.model_id, context, transcript, memory, store)
    services.table.update_item(
        Key=records.episode_key(episode_id),
        UpdateExpression="SET agentSummary = :summary, updatedAt = :now",
        ExpressionAttributeValues={":summary": result.summary, ":now": records.now_iso()},
    )
    logger.info("clip agent finished", extra={"episode_id": episode_id, **vars(result)})
    return {"episodeId": episode_id, "stored": result.stored, "turns": result.turns}
