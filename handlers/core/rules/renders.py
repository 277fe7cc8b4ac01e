"""Rendering a clip: one MediaConvert job per (revision, track, format, captions and their style, layout), its
outcome on the clip.

Renders live in the clip record's `renders` map, keyed by an id derived from (the clip's revision,
track, format, captions, layout: `domain.render_sources`): asking again answers the same render,
unless it failed, when a new attempt starts; asking after an edit is a new render (those of
earlier revisions stay listed).
Captions are burned from the clip's own caption lines (a clip proposed before it had lines: from
its transcript).
Every write is conditional on the attempt, so duplicate and late job events change nothing twice.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.contract import FRAME_SIZES, RenderStatus, ReviewStatus
from handlers.core.domain import (
    captions,
    frame_capture_job,
    render_job,
    render_plan,
    render_sources,
    social_captions,
)
from handlers.core.domain.srt import InvalidTranscript
from handlers.core.domain.timestamps import parse_timestamp
from handlers.core.models import events
from handlers.core.models.renders import RenderAccepted, RenderRequest
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import Conflict, LimitReached, NotFound
from handlers.core.runtime.settings import TenantLimits
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips, episodes, job_slots, object_keys, objects, records, usage
from handlers.core.store import renders as render_records
from handlers.core.store import tracks as track_records

logger = Logger(child=True)


@dataclass(frozen=True)
class RenderServices:
    table: Table
    s3: Any
    mediaconvert: Any
    bucket: str
    role_arn: str
    limits: TenantLimits = field(default_factory=TenantLimits)
    caption_fonts: render_job.CaptionFonts | None = None
    """The social style's font files (`CAPTION_FONTS`); without them MediaConvert draws it in its own font."""


def render_id(
    track_name: str,
    format_name: str,
    captions: bool,
    revision: int = 0,
    *,
    layout: str = "single",
    caption_style: str | None = None,
) -> str:
    """The render's identity: the clip's revision it shows, its track, format, captions and their style, and layout
    (revision 0's single-layout renders with classic captions or none keep the ids renders had before clips had
    revisions, layouts and caption styles)."""
    identity = f"{track_name}|{format_name}|{captions}" + (f"|r{revision}" if revision else "")
    identity += f"|{layout}" if layout != render_sources.SINGLE else ""
    identity += f"|{caption_style}" if captions and caption_style not in (None, render_job.CLASSIC) else ""
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def require_clip(table: Table, episode: EpisodeRef, clip_id: str) -> dict[str, Any]:
    episodes.require(table, episode)
    clip = clips.get(table, episode, clip_id, consistent=True)
    if clip is None:
        raise NotFound(f"clip {clip_id[:64]} not found in episode {episode.id}")
    return clip


def request_render(
    services: RenderServices, episode: EpisodeRef, clip_id: str, request: RenderRequest
) -> RenderAccepted:
    """Start (or return) the render of a clip; 404 unknown clip or track, 409 when it cannot be made."""
    clip = require_clip(services.table, episode, clip_id)
    if clip.get("status") != ReviewStatus.APPROVED.value:
        raise Conflict(f"clip {clip_id[:64]} is not approved: approve it before rendering it (each render is billed)")
    # The layout is resolved before the identity: a request without one names the same render as with it.
    tracks = track_records.of_episode(services.table, episode)
    sources = render_sources.choose(_source_track(episode, tracks, request.trackName), tracks, request.layout, clip)
    track = sources.main
    revision = int(clip.get("revision") or 0)
    # The clip's own caption lines; a clip proposed before it had any reads them from its transcript.
    own_lines = clip.get("captions") if request.captions else None
    transcript_key = clip.get("transcriptKey") if request.captions and own_lines is None else None
    if request.captions and own_lines is None and not transcript_key:
        raise Conflict("captions need the transcript the clip came from, and the episode has none")
    _require_objects(services, sources.used_tracks(), transcript_key)
    style = (request.captionStyle or render_job.default_caption_style(request.format)) if request.captions else None
    rid = render_id(
        track["trackName"], request.format, request.captions, revision, layout=sources.layout, caption_style=style
    )
    existing = (clip.get("renders") or {}).get(rid)
    if existing and existing["status"] != RenderStatus.RENDER_FAILED.value:
        return _accepted(existing)
    segments = [_segment_seconds(segment) for segment in clip["segments"]]
    caption_file = (
        _caption_file_of_lines(own_lines, request.format, segments, style)
        if own_lines is not None
        else _caption_file(services, transcript_key, request.format, segments, style)
        if transcript_key
        else None
    )
    now = datetime.now(UTC)
    attempt = f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"
    width, height = FRAME_SIZES[request.format]
    render = {
        "renderId": rid,
        "revision": revision,
        "format": request.format,
        "captions": request.captions,
        **({"captionStyle": style} if style else {}),
        "trackName": track["trackName"],
        **sources.record(),
        "status": (RenderStatus.FRAMING if render_plan.framed(request.format) else RenderStatus.RENDERING).value,
        "width": width,
        "height": height,
        "durationSeconds": clip["totalDurationSeconds"],
        "attempt": attempt,
        "requestedAt": records.now_iso(),
    }
    holder = job_slots.render_holder(episode.id, clip_id, rid, attempt)
    capacity = services.limits.concurrent_render_jobs
    if not job_slots.take(services.table, episode.tenant, job_slots.RENDER, holder, capacity, now):
        raise LimitReached.concurrent("concurrent_render_jobs", capacity)
    try:
        refused = _claim(services, episode, clip_id, render, now)
    except BaseException:
        job_slots.give_back(services.table, episode.tenant, job_slots.RENDER, holder)
        raise
    if refused is not None:
        job_slots.give_back(services.table, episode.tenant, job_slots.RENDER, holder)
        return refused
    destination = object_keys.render_key(
        episode,
        clip_id,
        track["trackName"],
        request.format,
        request.captions,
        revision,
        layout=sources.layout,
        caption_style=style,
    )
    captions_key = object_keys.caption_key(episode, clip_id, rid, attempt) if caption_file is not None else None
    settings = render_job.render_settings(
        bucket=services.bucket,
        upload_key=track["uploadKey"],
        segments=segments,
        frame_rate=float(track["frameRate"]),
        format_name=request.format,
        destination_key=destination,
        captions_key=captions_key,
        pieces=sources.inputs(),
        caption_style=style or render_job.CLASSIC,
        caption_fonts=services.caption_fonts,
    )
    metadata = render_records.job_metadata(episode, clip_id, rid, attempt)
    try:
        if captions_key is not None and caption_file is not None:
            services.s3.put_object(
                Bucket=services.bucket, Key=captions_key, Body=caption_file.encode(), ContentType=captions.CONTENT_TYPE
            )
        if render_plan.framed(request.format):
            inputs = sources.inputs() or [
                render_job.SourceInput(track["uploadKey"], tuple(segments), float(track["frameRate"]))
            ]
            names = [piece.track for piece in sources.plan.pieces] if sources.plan else [track["trackName"]]
            plan = render_plan.RenderPlan.of(settings, inputs, names)
            job = _start_framing(services, episode, clip_id, metadata, plan)
        else:
            job = services.mediaconvert.create_job(
                Role=services.role_arn,
                Settings=settings,
                UserMetadata=metadata,
                ClientRequestToken=render_job.request_token(destination, attempt),
                StatusUpdateInterval="SECONDS_60",
            )["Job"]
    except Exception:
        reason = "the render could not start: ask again"
        if render_plan.framed(request.format):
            render_records.fail_framing(services.table, metadata, reason)
        else:
            render_records.finish(services.table, metadata, RenderStatus.RENDER_FAILED, {"failureReason": reason})
        job_slots.give_back(services.table, episode.tenant, job_slots.RENDER, holder)
        raise
    render_records.record_job(services.table, metadata, job["Id"])
    logger.info("render job created", extra={"job_id": job["Id"], "clip_id": clip_id, "render_id": rid})
    return _accepted(render)


def _start_framing(
    services: RenderServices, episode: EpisodeRef, clip_id: str, metadata: dict[str, str], plan: render_plan.RenderPlan
) -> dict[str, Any]:
    """Keep the render's plan beside it and capture its pieces' frames: `rules.render_framing` starts the render
    once the faces are known (the render is `Framing` until then)."""
    rid, attempt = metadata["renderId"], metadata["attempt"]
    plan_key = object_keys.render_plan_key(episode, clip_id, rid, attempt)
    services.s3.put_object(
        Bucket=services.bucket, Key=plan_key, Body=plan.model_dump_json().encode(), ContentType="application/json"
    )
    frames = object_keys.frames_key(episode, clip_id, rid, attempt)
    job: dict[str, Any] = services.mediaconvert.create_job(
        Role=services.role_arn,
        Settings=frame_capture_job.frame_capture_settings(
            bucket=services.bucket, pieces=plan.pieces, destination_key=frames
        ),
        UserMetadata={**metadata, events.JOB_KIND: events.FRAMES_JOB},
        ClientRequestToken=render_job.request_token(frames, attempt),
        StatusUpdateInterval="SECONDS_60",
    )["Job"]
    return job


def _claim(
    services: RenderServices, episode: EpisodeRef, clip_id: str, render: dict[str, Any], now: datetime
) -> RenderAccepted | None:
    """Record the new render, counted for the clip and the tenant's day; None when recorded, else the answer.

    Refused: another request started the same render a moment ago (its answer), or a limit is reached (429).
    """
    limits = services.limits
    daily = usage.daily_item(episode.tenant, usage.RENDERS, limits.renders_per_day, now)
    refused = render_records.claim(services.table, episode, clip_id, render, limits.renders_per_clip, daily)
    if refused is None:
        return None
    if render_records.DAY_ITEM in refused.items:
        raise LimitReached.daily("renders_per_day", limits.renders_per_day, usage.seconds_to_next_day(now))
    current = require_clip(services.table, episode, clip_id)
    started = (current.get("renders") or {}).get(render["renderId"])
    if started and started["status"] != RenderStatus.RENDER_FAILED.value:
        return _accepted(started)
    if current.get(render_records.REQUESTS, 0) >= limits.renders_per_clip:
        raise LimitReached.per_object("renders_per_clip", limits.renders_per_clip, "clip")
    raise Conflict(f"clip {clip_id[:64]} changed while its render started: ask again")


def _source_track(episode: EpisodeRef, tracks: list[dict[str, Any]], track_name: str | None) -> dict[str, Any]:
    """The track named, else the first Processed (`store.tracks.processed`); 409 without a frame rate."""
    track = track_records.processed(episode, tracks, track_name, "a render")
    if not track.get("frameRate"):
        raise Conflict(f"the frame rate of track {track['trackName']} is not known: upload the track again")
    return track


def _require_objects(services: RenderServices, tracks: list[dict[str, Any]], transcript_key: str | None) -> None:
    """Uploads and transcripts expire with the media (`media/`); a render needs those it reads still there."""
    needed = [(track["uploadKey"], f"the original upload of track {track['trackName']}") for track in tracks]
    if transcript_key:
        needed.append((transcript_key, "the transcript the clip came from"))
    for key, what in needed:
        if not objects.exists(services.s3, services.bucket, key):
            raise Conflict(f"{what} has expired (the bucket keeps uploads a few days): upload it again")


def _caption_file(
    services: RenderServices,
    transcript_key: str,
    format_name: str,
    segments: list[tuple[float, float]],
    style: str | None = render_job.CLASSIC,
) -> str:
    """The render's captions: the clip's cues of the transcript, cleaned and wrapped for the format's frame
    (`domain.captions`), or a few words at a time (`domain.social_captions`). Read before the render is claimed,
    so captions with nothing to show are a 409 that costs no render."""
    try:
        body = services.s3.get_object(Bucket=services.bucket, Key=transcript_key)["Body"].read()
    except ClientError as error:
        if not objects.is_missing(error):
            raise
        raise Conflict("the transcript the clip came from has expired (the bucket keeps it a few days)") from error
    try:
        text = (
            social_captions.caption_file(body, format_name, within=segments)
            if style == render_job.SOCIAL
            else captions.caption_file(body, captions.layout_for(format_name), within=segments)
        )
    except InvalidTranscript as error:
        raise Conflict(f"the transcript the clip came from cannot be burned in: {error.reason}") from error
    if not text:
        raise Conflict("the clip's part of the transcript has no text captions can show: render it without captions")
    return text


def _caption_file_of_lines(
    lines: list[dict[str, Any]],
    format_name: str,
    segments: list[tuple[float, float]],
    style: str | None = render_job.CLASSIC,
) -> str:
    """The render's captions from the clip's own lines (the producer's edits), cleaned and wrapped like a
    transcript's (`domain.captions`), or a few words at a time (`domain.social_captions`)."""
    timed = [(parse_timestamp(line["startTime"]), parse_timestamp(line["endTime"]), line["text"]) for line in lines]
    text = (
        social_captions.caption_file_of_lines(timed, format_name, within=segments)
        if style == render_job.SOCIAL
        else captions.caption_file_of_lines(timed, captions.layout_for(format_name), within=segments)
    )
    if not text:
        raise Conflict("the clip's caption lines have no text captions can show: render it without captions")
    return text


def _segment_seconds(segment: dict[str, Any]) -> tuple[float, float]:
    return parse_timestamp(segment["startTime"]), parse_timestamp(segment["endTime"])


def _accepted(render: dict[str, Any]) -> RenderAccepted:
    return RenderAccepted.model_validate(
        {
            "revision": render.get("revision", 0),
            "layout": render.get("layout", render_sources.SINGLE),
            **{name: render[name] for name in ("renderId", "format", "captions", "trackName", "status")},
            **({"captionStyle": render["captionStyle"]} if render.get("captionStyle") else {}),
            **{name: render[name] for name in ("pieces", "fallbacks") if render.get(name)},
        }
    )
