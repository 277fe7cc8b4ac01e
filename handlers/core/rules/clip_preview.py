"""Watching a clip before it is rendered: an HLS playlist of its ranges, cut from the track's chunks.

Each request writes a playlist object under `previews/` (removed by its own lifecycle rule) whose
segment URIs are presigned, so a player needs no token; the playlist's own URL is presigned too.
With the track's keyframe index (`domain.keyframe_index`) the segments are byte ranges starting on
a keyframe before each range; without one, whole chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from handlers.core.domain import preview_playlist
from handlers.core.domain.keyframe_index import InitRange
from handlers.core.domain.preview_playlist import Chunk
from handlers.core.domain.timestamps import format_timestamp, parse_timestamp
from handlers.core.models.previews import ClipPreview, PreviewRange
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import Conflict, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips, episodes, keyframe_indexes, object_keys, objects, records
from handlers.core.store import tracks as track_records

logger = Logger(child=True)
PREVIEW_SECONDS = 60 * 60
"""How long a preview's URLs work (a URL signed with a role's session stops with the session, if sooner)."""
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"


@dataclass(frozen=True)
class PreviewServices:
    table: Table
    s3: Any
    bucket: str


def clip_preview(services: PreviewServices, episode: EpisodeRef, clip_id: str, track_name: str | None) -> ClipPreview:
    """The clip's preview at its current revision; 404 unknown clip or track, 409 when it cannot be played."""
    episodes.require(services.table, episode)
    clip = clips.get(services.table, episode, clip_id, consistent=True)
    if clip is None:
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    tracks = track_records.of_episode(services.table, episode)
    track = track_records.processed(episode, tracks, track_name, "a preview")
    ranges = [(parse_timestamp(s["startTime"]), parse_timestamp(s["endTime"])) for s in clip["segments"]]
    chunks, init = _chunks(services, track)
    try:
        preview = preview_playlist.plan(ranges, chunks, init)
    except preview_playlist.NotCovered as error:
        raise Conflict(f"track {track['trackName']} does not cover the clip: {error}") from error
    needed = sorted({piece.key for piece in preview.pieces})
    if not objects.exists(services.s3, services.bucket, needed[0]):
        raise Conflict(
            f"the chunks of track {track['trackName']} have expired (the bucket keeps media a few days):"
            " upload the track again to watch its clips"
        )
    now = datetime.now(UTC)
    text = preview_playlist.playlist_text(preview, lambda key: _presign(services, key))
    revision = int(clip.get("revision", 0))
    key = object_keys.preview_key(episode, clip_id, revision, now)
    services.s3.put_object(Bucket=services.bucket, Key=key, Body=text.encode(), ContentType=PLAYLIST_TYPE)
    logger.info(
        "preview written", extra={"clip_id": clip_id, "pieces": len(preview.pieces), "track": track["trackName"]}
    )
    return ClipPreview(
        playlistUrl=_presign(services, key),
        expiresAt=now + timedelta(seconds=PREVIEW_SECONDS),
        trackName=track["trackName"],
        revision=revision,
        durationSeconds=round(preview.duration, 3),
        addressing="keyframes" if preview.init is not None else "chunks",
        ranges=[
            PreviewRange(
                startTime=format_timestamp(position.start),
                endTime=format_timestamp(position.end),
                playFrom=position.play_from,
                playTo=position.play_to,
            )
            for position in preview.ranges
        ],
        fetchBytes=preview.fetched_bytes,
        clipBytes=round(sum(piece.own_bytes for piece in preview.pieces)),
    )


def _chunks(services: PreviewServices, track: dict[str, Any]) -> tuple[list[Chunk], InitRange | None]:
    """The track's chunks, each with its keyframes, and their init section, when the track has a keyframe index."""
    index_key = track.get("keyframeIndexKey")
    index = keyframe_indexes.read(services.s3, services.bucket, index_key) if index_key else None
    if index is None:
        segments = [records.plain(segment) for segment in track.get("segmentIndex") or []]
        return [Chunk(s["key"], float(s["start"]), float(s["end"])) for s in segments], None
    return [Chunk(c.key, c.start, c.end, c.size, c) for c in index.chunks], index.init


def _presign(services: PreviewServices, key: str) -> str:
    url: str = services.s3.generate_presigned_url(
        "get_object", Params={"Bucket": services.bucket, "Key": key}, ExpiresIn=PREVIEW_SECONDS
    )
    return url
