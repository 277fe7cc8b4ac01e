"""The single table: key builders for every record and the few access patterns they serve.

This is the only module that knows how `pk`/`sk`/`GSI1PK`/`GSI1SK` are composed (SPEC §4).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

HASH_KEY, RANGE_KEY = "pk", "sk"
GSI1, GSI1_HASH_KEY, GSI1_RANGE_KEY = "GSI1", "GSI1PK", "GSI1SK"
EPISODE_SK = "metadata"
EPISODES_GSI1PK = "episode"
TTL_ATTRIBUTE = "ttl"

Key = dict[str, str]


def now_iso() -> str:
    """UTC ISO-8601 with milliseconds: sorts lexically in creation order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def episode_key(episode_id: str) -> Key:
    return {"pk": episode_id, "sk": EPISODE_SK}


def episode_index_keys(created_at: str) -> Key:
    """GSI1 attributes that list episodes newest first."""
    return {"GSI1PK": EPISODES_GSI1PK, "GSI1SK": created_at}


def track_key(episode_id: str, track_name: str) -> Key:
    return {"pk": episode_id, "sk": f"track#{track_name}"}


def track_upload_key(episode_id: str, track_name: str) -> Key:
    return {"pk": episode_id, "sk": f"track-upload:{track_name}"}


def transcript_upload_key(episode_id: str) -> Key:
    return {"pk": episode_id, "sk": "transcript-upload-url"}


def clip_key(episode_id: str, clip_id: str) -> Key:
    return {"pk": episode_id, "sk": f"clip#{clip_id}"}


def stats_key(series: str) -> Key:
    return {"pk": f"stats#{series}", "sk": "stats"}


TRACK_PREFIX = "track#"
CLIP_PREFIX = "clip#"


def episode_items(table: Any, episode_id: str) -> list[dict[str, Any]]:
    """Every record under an episode's partition (metadata, tracks, sessions, clips)."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": episode_id},
    }
    while True:
        page = table.query(**query)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
