"""The single table's record keys, the partition query every record kind shares, and values as records hold them.

This is the only module that knows how `pk`/`sk`/`GSI1PK`/`GSI1SK` are composed (SPEC §4).
Every partition starts with the tenant (`{tenant}#…`), so no query can reach another tenant's
records: a caller's ids resolve only inside its own tenant, and answer 404 anywhere else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef

HASH_KEY, RANGE_KEY = "pk", "sk"
GSI1, GSI1_HASH_KEY, GSI1_RANGE_KEY = "GSI1", "GSI1PK", "GSI1SK"
EPISODE_SK = "metadata"
TTL_ATTRIBUTE = "ttl"

Key = dict[str, str]


def now_iso() -> str:
    """UTC ISO-8601 with milliseconds: sorts lexically in creation order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def episode_partition(episode: EpisodeRef) -> str:
    return f"{episode.tenant}#{episode.id}"


def episode_key(episode: EpisodeRef) -> Key:
    return {"pk": episode_partition(episode), "sk": EPISODE_SK}


def episodes_index_partition(tenant: str) -> str:
    """GSI1 partition holding one tenant's episodes."""
    return f"{tenant}#episode"


def episode_index_keys(tenant: str, created_at: str) -> Key:
    """GSI1 attributes that list a tenant's episodes newest first."""
    return {"GSI1PK": episodes_index_partition(tenant), "GSI1SK": created_at}


def track_key(episode: EpisodeRef, track_name: str) -> Key:
    return {"pk": episode_partition(episode), "sk": f"track#{track_name}"}


def track_upload_key(episode: EpisodeRef, track_name: str) -> Key:
    return {"pk": episode_partition(episode), "sk": f"track-upload:{track_name}"}


def transcript_upload_key(episode: EpisodeRef) -> Key:
    return {"pk": episode_partition(episode), "sk": "transcript-upload-url"}


def clip_key(episode: EpisodeRef, clip_id: str) -> Key:
    return {"pk": episode_partition(episode), "sk": f"clip#{clip_id}"}


def usage_key(tenant: str, day: str) -> Key:
    """The tenant's counters of one UTC day (`YYYY-MM-DD`): what it started that day."""
    return {"pk": f"{tenant}#usage#{day}", "sk": "usage"}


def slots_partition(tenant: str, kind: str) -> str:
    """The partition of the tenant's job slots of one kind (`chunking`, `render`)."""
    return f"{tenant}#slots#{kind}"


def slot_key(tenant: str, kind: str, number: int) -> Key:
    return {"pk": slots_partition(tenant, kind), "sk": f"slot#{number}"}


def agent_runs_key(episode: EpisodeRef, transcript_id: str) -> Key:
    """How many times the agent ran over one transcript object (its content may be uploaded again)."""
    return {"pk": episode_partition(episode), "sk": f"agent-runs#{transcript_id}"}


def stats_key(tenant: str, series: str) -> Key:
    return {"pk": f"{tenant}#stats#{series}", "sk": "stats"}


TRACK_PREFIX = "track#"
CLIP_PREFIX = "clip#"


def episode_items(table: Table, episode: EpisodeRef) -> list[dict[str, Any]]:
    """Every record under an episode's partition (metadata, tracks, sessions, clips)."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": episode_partition(episode)},
    }
    while True:
        page = table.query(**query)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def plain(value: Any) -> Any:
    """A record as JSON speaks it: DynamoDB's Decimals become ints or floats, at any depth."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dynamo(value: Any) -> Any:
    """A value as DynamoDB takes it: floats become Decimals (as written), at any depth."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dynamo(v) for v in value]
    return value
