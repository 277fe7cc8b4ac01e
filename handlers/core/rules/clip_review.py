"""Clips as producers see and review them: the clip with its renders, approve / reject / rewrite the hook."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from handlers.contract import RenderStatus
from handlers.core.models.clips import ClipList, ClipView
from handlers.core.models.renders import ReviewClipRequest
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips, episodes, records

DOWNLOAD_SECONDS = 15 * 60
Presign = Callable[[str], str]
"""Object key → a presigned GET URL."""


def clip_view(item: dict[str, Any], current_transcript: str | None, presign: Presign | None = None) -> ClipView:
    """The clip as the API shows it; with `presign`, each Rendered render gets its `downloadUrl`."""
    plain = records.plain(item)
    renders = []
    for render in sorted((plain.get("renders") or {}).values(), key=lambda r: r.get("requestedAt", "")):
        if presign and render["status"] == RenderStatus.RENDERED.value and render.get("key"):
            render = {**render, "downloadUrl": presign(render["key"])}
        renders.append(render)
    earlier = bool(current_transcript) and plain.get("transcriptKey") not in (None, current_transcript)
    return ClipView.model_validate({**plain, "renders": renders, "fromEarlierTranscript": earlier})


def presigner(s3: Callable[[], Any], bucket: str) -> Presign:
    """Download URLs for rendered files; `s3` gives the client, created on the first URL signed
    (only a clip with a finished render needs one, so most cold starts never pay for it)."""
    client = cache(s3)

    def presign(key: str) -> str:
        name = key.rsplit("/", 1)[-1]
        url: str = client().generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{name}"'},
            ExpiresIn=DOWNLOAD_SECONDS,
        )
        return url

    return presign


def list_clips(table: Table, episode: EpisodeRef) -> ClipList:
    """The clips proposed for the episode, best confidence first; kept ones from replaced transcripts say so."""
    current = episodes.require(table, episode).get("clipsTranscriptKey")
    items = clips.of_episode(table, episode)
    items.sort(key=lambda item: (-(item.get("confidence") or 0), item["createdAt"]))
    return ClipList(items=[clip_view(item, current) for item in items])


def get_clip(table: Table, episode: EpisodeRef, clip_id: str, presign: Presign) -> ClipView:
    record = episodes.require(table, episode)
    item = clips.get(table, episode, clip_id)
    if item is None:
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    return clip_view(item, record.get("clipsTranscriptKey"), presign)


def review_clip(
    table: Table, episode: EpisodeRef, clip_id: str, request: ReviewClipRequest, presign: Presign
) -> ClipView:
    """Set the clip's review status and/or hook; 404 for an unknown clip (of this tenant)."""
    record = episodes.require(table, episode)
    changes: dict[str, Any] = {"updatedAt": records.now_iso()}
    if request.status is not None:
        changes["status"] = request.status.value
    if request.hook is not None:
        changes["hook"] = request.hook
    updated = clips.update_review(table, episode, clip_id, changes)
    if updated is None:
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    return clip_view(updated, record.get("clipsTranscriptKey"), presign)
