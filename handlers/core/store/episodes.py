"""Episode records: created once, listed newest first per tenant, read with everything under them.

The transcript fields an episode carries are written by `store.transcripts`; the track count by
`store.tracks` (in the same transactions as the tracks themselves).
"""

from __future__ import annotations

from typing import Any

from handlers.contract import is_episode_id, quoted
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from handlers.core.store.conditions import written

CURSOR_KEYS = frozenset({records.HASH_KEY, records.RANGE_KEY, records.GSI1_HASH_KEY, records.GSI1_RANGE_KEY})
"""The attributes of a listing position (DynamoDB's LastEvaluatedKey on the index)."""


def require(table: Table, episode: EpisodeRef) -> dict[str, Any]:
    """The episode's metadata record; `NotFound` when there is none (in this tenant)."""
    if not is_episode_id(episode.id):
        raise NotFound(f"episode {quoted(episode.id)} not found")
    item: dict[str, Any] | None = table.get_item(Key=records.episode_key(episode)).get("Item")
    if item is None:
        raise NotFound(f"episode {quoted(episode.id)} not found")
    return item


def get(table: Table, episode: EpisodeRef) -> dict[str, Any] | None:
    """The episode's metadata record, or None."""
    item: dict[str, Any] | None = table.get_item(Key=records.episode_key(episode)).get("Item")
    return item


def create(table: Table, episode: EpisodeRef, created_at: str, fields: dict[str, Any]) -> bool:
    """Store a new episode record (listed by its creation time); False if the id is taken."""
    item = {**records.episode_key(episode), **records.episode_index_keys(episode.tenant, created_at), **fields}
    return written(lambda: table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")) is not None


def page(
    table: Table, tenant: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Up to `limit` of the tenant's episodes newest first, from `start`; and where the next page starts.

    `start` must be a position this listing gave out (`is_position`); the next position is None on the last page.
    """
    query: dict[str, Any] = {
        "IndexName": records.GSI1,
        "KeyConditionExpression": f"{records.GSI1_HASH_KEY} = :pk",
        "ExpressionAttributeValues": {":pk": records.episodes_index_partition(tenant)},
        "ScanIndexForward": False,
        # One extra item tells whether another page exists, so the last page has no token.
        "Limit": limit + 1,
    }
    if start is not None:
        query["ExclusiveStartKey"] = start
    items: list[dict[str, Any]] = table.query(**query)["Items"]
    found, more = items[:limit], len(items) > limit
    return found, ({name: found[-1][name] for name in CURSOR_KEYS} if more else None)


def is_position(tenant: str, start: dict[str, Any]) -> bool:
    """Whether `start` is a listing position inside the tenant's episodes."""
    return set(start) == CURSOR_KEYS and start[records.GSI1_HASH_KEY] == records.episodes_index_partition(tenant)


def with_children(table: Table, episode: EpisodeRef) -> tuple[dict[str, Any] | None, list[dict[str, Any]], int]:
    """The episode's metadata (None when it does not exist), its track records, and how many clips it has."""
    items = records.episode_items(table, episode)
    metadata = next((item for item in items if item[records.RANGE_KEY] == records.EPISODE_SK), None)
    tracks = [item for item in items if item[records.RANGE_KEY].startswith(records.TRACK_PREFIX)]
    clips = sum(1 for item in items if item[records.RANGE_KEY].startswith(records.CLIP_PREFIX))
    return metadata, tracks, clips
