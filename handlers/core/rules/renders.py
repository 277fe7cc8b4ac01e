"""Rendering a clip: one MediaConvert job per (revision, track, format, captions), its outcome on the clip.

Renders live in the clip record's `renders` map, keyed by an id derived from (the clip's revision,
track, format, captions): asking again answers the same render, unless it failed, when a new
attempt starts; asking after an edit is a new render (those of earlier revisions stay listed).
Captions are burned from the clip's own caption lines (a clip proposed before it had lines: from
its transcript).
Every write is conditional on the attempt, so duplicate and late job events change nothing twice.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.contract import FRAME_SIZES, RenderStatus, ReviewStatus, TrackStatus, is_valid_tenant
from handlers.core.domain import captions, chunking_job, render_job
from handlers.core.domain.srt import InvalidTranscript
from handlers.core.domain.timestamps import parse_timestamp
from handlers.core.models import events
from handlers.core.models.renders import RenderAccepted, RenderRequest
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import Conflict, LimitReached, NotFound
from handlers.core.runtime.settings import TenantLimits
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips, episodes, job_slots, object_keys, records, usage
from handlers.core.store import renders as render_records
from handlers.core.store import tracks as track_records

logger = Logger(child=True)
_MISSING = ("404", "NoSuchKey", "NotFound")
"""Error codes of an object that is not there (HeadObject answers 404 without a body)."""


@dataclass(frozen=True)
class RenderServices:
    table: Table
    s3: Any
    mediaconvert: Any
    bucket: str
    role_arn: str
    limits: TenantLimits = field(default_factory=TenantLimits)


def render_id(track_name: str, format_name: str, captions: bool, revision: int = 0) -> str:
    """The render's identity: the clip's revision it shows, its track, format and captions (revision 0's ids are
    those renders had before clips had revisions)."""
    identity = f"{track_name}|{format_name}|{captions}" + (f"|r{revision}" if revision else "")
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
    track = _source_track(services.table, episode, request.trackName)
    revision = int(clip.get("revision") or 0)
    # The clip's own caption lines; a clip proposed before it had any reads them from its transcript.
    own_lines = clip.get("captions") if request.captions else None
    transcript_key = clip.get("transcriptKey") if request.captions and own_lines is None else None
    if request.captions and own_lines is None and not transcript_key:
        raise Conflict("captions need the transcript the clip came from, and the episode has none")
    _require_objects(services, track, transcript_key)
    rid = render_id(track["trackName"], request.format, request.captions, revision)
    existing = (clip.get("renders") or {}).get(rid)
    if existing and existing["status"] != RenderStatus.RENDER_FAILED.value:
        return _accepted(existing)
    segments = [_segment_seconds(segment) for segment in clip["segments"]]
    caption_file = (
        _caption_file_of_lines(own_lines, request.format, segments)
        if own_lines is not None
        else _caption_file(services, transcript_key, request.format, segments)
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
        "trackName": track["trackName"],
        "status": RenderStatus.RENDERING.value,
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
        episode, clip_id, track["trackName"], request.format, request.captions, revision
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
    )
    metadata = {
        events.JOB_KIND: events.RENDER_JOB,
        "tenantId": episode.tenant,
        "episodeId": episode.id,
        "clipId": clip_id,
        "renderId": rid,
        "attempt": attempt,
    }
    try:
        if captions_key is not None and caption_file is not None:
            services.s3.put_object(
                Bucket=services.bucket, Key=captions_key, Body=caption_file.encode(), ContentType=captions.CONTENT_TYPE
            )
        job = services.mediaconvert.create_job(
            Role=services.role_arn,
            Settings=settings,
            UserMetadata=metadata,
            ClientRequestToken=hashlib.sha256(f"{destination}|{attempt}".encode()).hexdigest()[:64],
            StatusUpdateInterval="SECONDS_60",
        )["Job"]
    except Exception:
        render_records.finish(
            services.table,
            metadata,
            RenderStatus.RENDER_FAILED,
            {"failureReason": "the render could not start: ask again"},
        )
        job_slots.give_back(services.table, episode.tenant, job_slots.RENDER, holder)
        raise
    render_records.record_job(services.table, metadata, job["Id"])
    logger.info("render job created", extra={"job_id": job["Id"], "clip_id": clip_id, "render_id": rid})
    return _accepted(render)


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


def _source_track(table: Table, episode: EpisodeRef, track_name: str | None) -> dict[str, Any]:
    tracks = track_records.of_episode(table, episode)
    if track_name is not None:
        name = object_keys.sanitize_track_name(track_name)
        track = next((item for item in tracks if item["trackName"] == name), None)
        if track is None:
            raise NotFound(f"track {name} not found in episode {episode.id}")
        if track["status"] != TrackStatus.PROCESSED.value:
            raise Conflict(f"track {name} is {track['status']}: only a Processed track can be rendered")
    else:
        track = next((item for item in tracks if item["status"] == TrackStatus.PROCESSED.value), None)
        if track is None:
            raise Conflict("no track of this episode is Processed yet")
    if not track.get("frameRate"):
        raise Conflict(f"the frame rate of track {track['trackName']} is not known: upload the track again")
    return track


def _require_objects(services: RenderServices, track: dict[str, Any], transcript_key: str | None) -> None:
    """Uploads and transcripts expire with the media (`media/`); a render needs both still there."""
    needed = [(track["uploadKey"], f"the original upload of track {track['trackName']}")]
    if transcript_key:
        needed.append((transcript_key, "the transcript the clip came from"))
    for key, what in needed:
        try:
            services.s3.head_object(Bucket=services.bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] not in _MISSING:
                raise
            raise Conflict(f"{what} has expired (the bucket keeps uploads a few days): upload it again") from error


def _caption_file(
    services: RenderServices, transcript_key: str, format_name: str, segments: list[tuple[float, float]]
) -> str:
    """The render's captions: the clip's cues of the transcript, cleaned and wrapped for the format's frame
    (`domain.captions`). Read before the render is claimed, so captions with nothing to show are a 409
    that costs no render."""
    try:
        body = services.s3.get_object(Bucket=services.bucket, Key=transcript_key)["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] not in _MISSING:
            raise
        raise Conflict("the transcript the clip came from has expired (the bucket keeps it a few days)") from error
    try:
        text = captions.caption_file(body, captions.layout_for(format_name), within=segments)
    except InvalidTranscript as error:
        raise Conflict(f"the transcript the clip came from cannot be burned in: {error.reason}") from error
    if not text:
        raise Conflict("the clip's part of the transcript has no text captions can show: render it without captions")
    return text


def _caption_file_of_lines(lines: list[dict[str, Any]], format_name: str, segments: list[tuple[float, float]]) -> str:
    """The render's captions from the clip's own lines, cleaned and wrapped like a transcript's (`domain.captions`)."""
    text = captions.caption_file_of_lines(
        [(parse_timestamp(line["startTime"]), parse_timestamp(line["endTime"]), line["text"]) for line in lines],
        captions.layout_for(format_name),
        within=segments,
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
            **{name: render[name] for name in ("renderId", "format", "captions", "trackName", "status")},
        }
    )


def render_of_job(metadata: dict[str, str]) -> dict[str, str] | None:
    """The render a job's UserMetadata names; None for other jobs or incomplete metadata."""
    needed = ("tenantId", "episodeId", "clipId", "renderId", "attempt")
    if metadata.get(events.JOB_KIND) != events.RENDER_JOB or not all(metadata.get(name) for name in needed):
        return None
    return metadata if is_valid_tenant(metadata["tenantId"]) else None


def record_outcome(table: Table, s3: Any, bucket: str, change: events.JobStateChange) -> bool:
    """COMPLETE, ERROR or CANCELED onto the render; False when it is not this attempt's or already recorded."""
    metadata = render_of_job(change.userMetadata)
    if metadata is None:
        logger.warning("job without render metadata ignored", extra={"job_id": change.jobId})
        return False
    holder = job_slots.render_holder(
        metadata["episodeId"], metadata["clipId"], metadata["renderId"], metadata["attempt"]
    )
    job_slots.give_back(table, metadata["tenantId"], job_slots.RENDER, holder)
    if change.status != "COMPLETE":
        reason = chunking_job.failure_reason(change.status, change.errorCode, retry="ask for the render again")
        changed = render_records.finish(table, metadata, RenderStatus.RENDER_FAILED, {"failureReason": reason})
        logger.warning(
            "render failed" if changed else "render outcome already recorded",
            extra={"job_id": change.jobId, "error_code": change.errorCode, "error_message": change.errorMessage},
        )
        return changed
    output = next((out for group in change.outputGroupDetails for out in group.outputDetails), None)
    if output is None or not output.outputFilePaths:
        return render_records.finish(
            table, metadata, RenderStatus.RENDER_FAILED, {"failureReason": "the render produced no file"}
        )
    key = output.outputFilePaths[0].removeprefix(f"s3://{bucket}/")
    fields: dict[str, Any] = {"key": key, "sizeBytes": s3.head_object(Bucket=bucket, Key=key)["ContentLength"]}
    if output.durationInMs is not None:
        fields["durationSeconds"] = Decimal(output.durationInMs) / 1000
    if output.videoDetails and output.videoDetails.widthInPx and output.videoDetails.heightInPx:
        fields.update(width=output.videoDetails.widthInPx, height=output.videoDetails.heightInPx)
    changed = render_records.finish(table, metadata, RenderStatus.RENDERED, fields)
    logger.info("render complete" if changed else "render outcome already recorded", extra={"job_id": change.jobId})
    return changed
