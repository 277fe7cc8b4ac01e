"""Episode rules: creation, newest-first listing with opaque cursors, and the detail view."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from handlers.contract import EpisodeStatus, is_episode_id, quoted
from handlers.core.models.episodes import (
    CreateEpisodeRequest,
    EpisodeDetail,
    EpisodeList,
    EpisodeSummary,
    TrackView,
)
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import BadRequest, Conflict, LimitReached, NotFound
from handlers.core.runtime.settings import TenantLimits
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, records, usage

if TYPE_CHECKING:  # only the listing needs cursors (and cryptography): imported by `cursor_codec`
    from handlers.core.runtime.cursor import CursorCodec


def create_episode(table: Table, tenant: str, request: CreateEpisodeRequest, limits: TenantLimits) -> str:
    """Store a new Draft episode of the tenant and return its id; 429 past the tenant's episodes per day."""
    started = datetime.now(UTC)
    if not usage.count_today(table, tenant, usage.EPISODES, limits.episodes_per_day, started):
        raise LimitReached.daily("episodes_per_day", limits.episodes_per_day, usage.seconds_to_next_day(started))
    episode_id = str(uuid.uuid4())
    now = records.now_iso()
    fields: dict[str, Any] = {
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
    fields.update({name: value for name, value in optional.items() if value is not None})
    if not episodes.create(table, EpisodeRef(tenant, episode_id), now, fields):
        raise Conflict("a new episode id collided with an existing one: try again")
    return episode_id


def list_episodes(table: Table, codec: CursorCodec, tenant: str, limit: int, next_token: str | None) -> EpisodeList:
    """One page of the tenant's episodes, newest first; `nextToken` only when more remain.

    `codec` must be bound to the tenant (`cursor_codec`), so another tenant cannot replay a token.
    """
    start = codec.decode(next_token) if next_token else None
    if start is not None and not episodes.is_position(tenant, start):
        raise BadRequest("nextToken is not a valid pagination token")
    found, following = episodes.page(table, tenant, limit, start)
    summaries = [
        EpisodeSummary(
            id=item["id"],
            title=item["title"],
            status=item["status"],
            airDate=item.get("airDate"),
            platforms=item.get("platforms"),
        )
        for item in found
    ]
    token = codec.encode(following) if following else None
    return EpisodeList(items=summaries, count=len(summaries), nextToken=token)


def cursor_codec(secret: str, tenant: str) -> CursorCodec:
    """The cursor codec of one tenant's episode listing."""
    from handlers.core.runtime.cursor import CursorCodec

    return CursorCodec(secret, listing=f"episodes/{tenant}")


def get_episode(table: Table, episode: EpisodeRef) -> EpisodeDetail:
    """The episode with its tracks and clip count; `NotFound` when it does not exist (in this tenant)."""
    if not is_episode_id(episode.id):
        raise NotFound(f"episode {quoted(episode.id)} not found")
    metadata, track_records, clip_count = episodes.with_children(table, episode)
    if metadata is None:
        raise NotFound(f"episode {quoted(episode.id)} not found")
    tracks = [_track_view(item) for item in track_records]
    return EpisodeDetail.model_validate({**records.plain(metadata), "tracks": tracks, "clipCount": clip_count})


def _track_view(item: dict[str, Any]) -> TrackView:
    plain = records.plain(item)
    if "segmentIndex" in plain:
        plain["segments"] = [records.plain(segment) for segment in plain["segmentIndex"]]
    return TrackView.model_validate(plain)
