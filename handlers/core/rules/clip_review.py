"""Clips as producers see and review them: the clip with its renders, approve / reject / rewrite the hook,
and shape it (its ranges and caption lines, or back to the agent's proposal)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from handlers.contract import RenderStatus
from handlers.core.domain import clip_edits
from handlers.core.models.clips import ClipList, ClipView
from handlers.core.models.renders import ReviewClipRequest
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import BadRequest, Conflict, NotFound
from handlers.core.runtime.settings import TenantLimits
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
    # A clip proposed before edits: never edited, so at revision 0, its proposal what it shows.
    shape = {"revision": plain.get("revision", 0), "proposed": clip_edits.proposed_of(plain)}
    view = {**plain, **shape, **ranking(plain), "renders": renders, "fromEarlierTranscript": earlier}
    return ClipView.model_validate(view)


def ranking(clip: dict[str, Any]) -> dict[str, Any]:
    """The clip's `score`, `reason` and `scoreSource`: the agent's, or for a clip proposed before
    scores, derived on read from its confidence (round(confidence x 100), 0 without one), labelled so."""
    if clip.get("score") is not None:
        return {"score": int(clip["score"]), "reason": clip.get("reason"), "scoreSource": "agent"}
    confidence = clip.get("confidence")
    derived = 0 if confidence is None else min(100, max(0, round(float(confidence) * 100)))
    return {"score": derived, "reason": None, "scoreSource": "confidence"}


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
    """The clips proposed for the episode, highest score first (then the earliest proposed); kept ones
    from replaced transcripts say so."""
    current = episodes.require(table, episode).get("clipsTranscriptKey")
    views = [clip_view(item, current) for item in clips.of_episode(table, episode)]
    views.sort(key=lambda view: (-view.score, view.createdAt))
    return ClipList(items=views)


def get_clip(table: Table, episode: EpisodeRef, clip_id: str, presign: Presign) -> ClipView:
    record = episodes.require(table, episode)
    item = clips.get(table, episode, clip_id)
    if item is None:
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    return clip_view(item, record.get("clipsTranscriptKey"), presign)


def review_clip(
    table: Table,
    episode: EpisodeRef,
    clip_id: str,
    request: ReviewClipRequest,
    presign: Presign,
    limits: TenantLimits | None = None,
) -> ClipView:
    """Set the clip's review status, hook and/or shape; 404 for an unknown clip (of this tenant).

    A shape edit (segments, captions, reset) is checked against the clip (`domain.clip_edits`: 400
    naming the range or line at fault) and written only while the clip is at the revision it was
    checked on, as the next revision: 409 when another edit came first, or `expectedRevision` is not
    the clip's. The review status is kept. An edit that changes nothing makes no new revision.
    """
    record = episodes.require(table, episode)
    changes: dict[str, Any] = {"updatedAt": records.now_iso()}
    if request.status is not None:
        changes["status"] = request.status.value
    if request.hook is not None:
        changes["hook"] = request.hook
    read = _shape_changes(table, episode, clip_id, request, limits or TenantLimits(), changes)
    updated = clips.update_review(table, episode, clip_id, changes, revision=read)
    if updated is None:
        if read is not None and clips.get(table, episode, clip_id, consistent=True) is not None:
            raise Conflict(
                f"clip {clip_id[:64]} was edited meanwhile (it was at revision {read}): get it and edit again"
            )
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    return clip_view(updated, record.get("clipsTranscriptKey"), presign)


def _shape_changes(
    table: Table,
    episode: EpisodeRef,
    clip_id: str,
    request: ReviewClipRequest,
    limits: TenantLimits,
    changes: dict[str, Any],
) -> int | None:
    """Add the request's new shape and revision to `changes`; the revision read (None: no shape written)."""
    if not request.shapes() and request.expectedRevision is None:
        return None
    item = clips.get(table, episode, clip_id, consistent=True)
    if item is None:
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    clip = records.plain(item)
    read = int(clip.get("revision") or 0)
    if request.expectedRevision is not None and request.expectedRevision != read:
        raise Conflict(
            f"clip {clip_id[:64]} is at revision {read}, not {request.expectedRevision}: get it and edit again"
        )
    try:
        shape = clip_edits.edit(
            clip,
            segments=None if request.segments is None else [r.model_dump() for r in request.segments],
            captions=None if request.captions is None else [line.model_dump() for line in request.captions],
            reset=bool(request.reset),
            max_seconds=limits.clip_seconds_max,
        )
    except clip_edits.ShapeRefused as refused:
        raise BadRequest(refused.describe()) from refused
    except clip_edits.NotShapeable as refused:
        raise Conflict(str(refused)) from refused
    if shape is not None:
        changes.update(records.dynamo(shape), revision=read + 1)
    return read
