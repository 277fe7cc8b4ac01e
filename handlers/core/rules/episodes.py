"""Episode rules: creation, newest-first listing with opaque cursors, and the detail view."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from handlers.contract import EpisodeStatus
from handlers.core.models.episodes import (
    CreateEpisodeRequest,
    EpisodeDetail,
    EpisodeList,
    EpisodeSummary,
    TrackView,
)
from handlers.core.runtime.errors import BadRequest, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records

if TYPE_CHECKING:  # only the listing needs cursors (and cryptography): imported by `cursor_codec`
    from handlers.core.runtime.cursor import CursorCodec

_CURSOR_KEYS = {"pk", "sk", "GSI1PK", "GSI1SK"}


def create_episode(table: Any, tenant: str, request: CreateEpisodeRequest) -> str:
    """Store a new Draft episode of the tenant and return its id."""
    episode_id = str(uuid.uuid4())
    now = records.now_iso()
    item: dict[str, Any] = {
        **records.episode_key(EpisodeRef(tenant, episode_id)),
        **records.episode_index_keys(tenant, now),
        "id": episode_id,
        "tenantId": tenant,
        "title": request.title,
        "episodeNumber": request.episodeNumber,
        "status": EpisodeStatus.DRAFT.value,
        "numTracks": 0,
        "platforms": list(request.platforms),
        "themes": list(request.themes),
        "createdAt": now,
        "updatedAt": now,
    }
    optional = {
        "summary": request.summary,
        "airDate": request.airDate.isoformat() if request.airDate else None,
        "seriesName": request.seriesName,
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
    return episode_id


def list_episodes(table: Any, codec: CursorCodec, tenant: str, limit: int, next_token: str | None) -> EpisodeList:
    """One page of the tenant's episodes, newest first; `nextToken` only when more remain.

    `codec` must be bound to the tenant (`cursor_codec`), so another tenant cannot replay a token.
    """
    partition = records.episodes_index_partition(tenant)
    query: dict[str, Any] = {
        "IndexName": records.GSI1,
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": partition},
        "ScanIndexForward": False,
        # One extra item tells whether another page exists, so the last page has no token.
        "Limit": limit + 1,
    }
    if next_token:
        start = codec.decode(next_token)
        if set(start) != _CURSOR_KEYS or start["GSI1PK"] != partition:
            raise BadRequest("nextToken is not a valid pagination token")
        query["ExclusiveStartKey"] = start
    items = table.query(**query)["Items"]
    page, more = items[:limit], len(items) > limit
    token = codec.encode({name: page[-1][name] for name in _CURSOR_KEYS}) if more else None
    summaries = [
        EpisodeSummary(
            id=item["id"],
            title=item["title"],
            status=item["status"],
            airDate=item.get("airDate"),
            platforms=item.get("platforms"),
        )
        for item in page
    ]
    return EpisodeList(items=summaries, count=len(summaries), nextToken=token)


def cursor_codec(secret: str, tenant: str) -> CursorCodec:
    """The cursor codec of one tenant's episode listing."""
    from handlers.core.runtime.cursor import CursorCodec

    return CursorCodec(secret, listing=f"episodes/{tenant}")


def get_episode(table: Any, episode: EpisodeRef) -> EpisodeDetail:
    """The episode with its tracks and clip count; `NotFound` when it does not exist (in this tenant)."""
    if not records.is_episode_id(episode.id):
        raise NotFound(f"episode {episode.id} not found")
    items = records.episode_items(table, episode)
    metadata = next((item for item in items if item["sk"] == records.EPISODE_SK), None)
    if metadata is None:
        raise NotFound(f"episode {episode.id} not found")
    tracks = [_track_view(item) for item in items if item["sk"].startswith(records.TRACK_PREFIX)]
    clip_count = sum(1 for item in items if item["sk"].startswith(records.CLIP_PREFIX))
    return EpisodeDetail.model_validate({**records.plain(metadata), "tracks": tracks, "clipCount": clip_count})


def _track_view(item: dict[str, Any]) -> TrackView:
    plain = records.plain(item)
    if "segmentIndex" in plain:
        plain["segments"] = [records.plain(segment) for segment in plain["segmentIndex"]]
    return TrackView.model_validate(plain)
