"""Episode rules: creation, newest-first listing with opaque cursors, and the detail view."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from handlers.core import table as records
from handlers.core.cursor import CursorCodec
from handlers.core.errors import BadRequest, NotFound
from handlers.core.models import (
    ClipList,
    ClipView,
    CreateEpisodeRequest,
    EpisodeDetail,
    EpisodeList,
    EpisodeStatus,
    EpisodeSummary,
    TrackView,
)

_EPISODE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_CURSOR_KEYS = {"pk", "sk", "GSI1PK", "GSI1SK"}


def create_episode(table: Any, request: CreateEpisodeRequest) -> str:
    """Store a new Draft episode and return its id."""
    episode_id = str(uuid.uuid4())
    now = records.now_iso()
    item: dict[str, Any] = {
        **records.episode_key(episode_id),
        **records.episode_index_keys(now),
        "id": episode_id,
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


def list_episodes(table: Any, codec: CursorCodec, limit: int, next_token: str | None) -> EpisodeList:
    """One page of episodes, newest first; `nextToken` only when more remain."""
    query: dict[str, Any] = {
        "IndexName": records.GSI1,
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": records.EPISODES_GSI1PK},
        "ScanIndexForward": False,
        # One extra item tells whether another page exists, so the last page has no token.
        "Limit": limit + 1,
    }
    if next_token:
        start = codec.decode(next_token)
        if set(start) != _CURSOR_KEYS or start["GSI1PK"] != records.EPISODES_GSI1PK:
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


def get_episode(table: Any, episode_id: str) -> EpisodeDetail:
    """The episode with its tracks and clip count; `NotFound` when it does not exist."""
    if not _EPISODE_ID.match(episode_id):
        raise NotFound(f"episode {episode_id} not found")
    items = records.episode_items(table, episode_id)
    metadata = next((item for item in items if item["sk"] == records.EPISODE_SK), None)
    if metadata is None:
        raise NotFound(f"episode {episode_id} not found")
    tracks = [_track_view(item) for item in items if item["sk"].startswith(records.TRACK_PREFIX)]
    clip_count = sum(1 for item in items if item["sk"].startswith(records.CLIP_PREFIX))
    return EpisodeDetail.model_validate({**_plain(metadata), "tracks": tracks, "clipCount": clip_count})


def _track_view(item: dict[str, Any]) -> TrackView:
    plain = _plain(item)
    if "segmentIndex" in plain:
        plain["segments"] = [_plain(segment) for segment in plain["segmentIndex"]]
    return TrackView.model_validate(plain)


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB numbers come back as Decimal; the API speaks JSON numbers."""
    return {
        name: (int(value) if value == value.to_integral_value() else float(value))
        if isinstance(value, Decimal)
        else value
        for name, value in item.items()
    }


def list_clips(table: Any, episode_id: str) -> ClipList:
    """The clips proposed for the episode, best confidence first; kept ones from replaced transcripts say so."""
    episode = require_episode(table, episode_id)
    current = episode.get("clipsTranscriptKey")
    items = [
        {**_plain(item), "fromEarlierTranscript": bool(current) and item.get("transcriptKey") not in (None, current)}
        for item in records.episode_items(table, episode_id)
        if item["sk"].startswith(records.CLIP_PREFIX)
    ]
    items.sort(key=lambda item: (-(item.get("confidence") or 0), item["createdAt"]))
    return ClipList(items=[ClipView.model_validate(item) for item in items])


def require_episode(table: Any, episode_id: str) -> dict[str, Any]:
    """The episode's metadata record; `NotFound` when there is none."""
    if not _EPISODE_ID.match(episode_id):
        raise NotFound(f"episode {episode_id} not found")
    item: dict[str, Any] | None = table.get_item(Key=records.episode_key(episode_id)).get("Item")
    if item is None:
        raise NotFound(f"episode {episode_id} not found")
    return item
