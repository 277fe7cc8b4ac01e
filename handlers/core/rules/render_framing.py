"""A framed render's faces: its captured frames searched with Rekognition `DetectFaces`, then its render job.

A vertical or square render starts as `Framing` (`rules.renders`): a frame capture job writes a frame a
second of its pieces. When that job ends, each capture is searched for faces (Rekognition reads the
JPEG from the bucket), each render input gets one crop centred on its most prominent face
(`domain.framing`; the centre where none is found, said on the render), and the render job kept in
the render's plan (`domain.render_plan`) starts with those crops: the render is `Rendering`. A frame
capture that fails does not fail the render: it is rendered centred, and says why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.core.domain import frame_capture_job, framing, render_job, render_plan
from handlers.core.models import events
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips, job_slots, object_keys
from handlers.core.store import renders as render_records
from handlers.core.store import tracks as track_records

logger = Logger(child=True)
_UNREADABLE_IMAGE = ("InvalidImageFormatException", "ImageTooLargeException", "InvalidS3ObjectException")
"""DetectFaces refusals of one frame: that frame shows no face; any other error is retried with the event."""


@dataclass(frozen=True)
class FramingServices:
    table: Table
    s3: Any
    rekognition: Any
    mediaconvert: Any
    bucket: str
    role_arn: str


def frames_captured(services: FramingServices, change: events.JobStateChange) -> bool:
    """Frame the render's pieces and start its render job; False when the render is not this attempt's, or moved on."""
    metadata = render_records.attempt_of_job(change.userMetadata, events.FRAMES_JOB)
    if metadata is None:
        logger.warning("job without render metadata ignored", extra={"job_id": change.jobId})
        return False
    episode = EpisodeRef(metadata["tenantId"], metadata["episodeId"])
    clip = clips.get(services.table, episode, metadata["clipId"], consistent=True)
    render = ((clip or {}).get("renders") or {}).get(metadata["renderId"])
    if render is None or render.get("attempt") != metadata["attempt"] or render.get("status") != "Framing":
        logger.info("frames of a render that moved on", extra={"job_id": change.jobId})
        return False
    plan_key = object_keys.render_plan_key(episode, metadata["clipId"], metadata["renderId"], metadata["attempt"])
    plan = render_plan.RenderPlan.model_validate_json(
        services.s3.get_object(Bucket=services.bucket, Key=plan_key)["Body"].read()
    )
    faces = _faces_by_input(services, plan, change) if change.status == "COMPLETE" else None
    framings = _framings(services.table, episode, plan, render["format"], faces)
    records = [item.record() if item else {"framedOn": "centre"} for item in framings]
    if faces is None:
        records = [{**item, "reason": "the frames could not be captured: centred"} for item in records]
    settings = render_plan.with_crops(plan.settings, [item.crop.settings() if item else None for item in framings])
    destination = settings["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    try:
        job = services.mediaconvert.create_job(
            Role=services.role_arn,
            Settings=settings,
            UserMetadata={**metadata, events.JOB_KIND: events.RENDER_JOB},
            ClientRequestToken=render_job.request_token(destination, metadata["attempt"]),
            StatusUpdateInterval="SECONDS_60",
        )["Job"]
    except ClientError:
        logger.exception("render job not started after framing")
        if render_records.fail_framing(services.table, metadata, "the render could not start: ask again"):
            holder = job_slots.render_holder(
                metadata["episodeId"], metadata["clipId"], metadata["renderId"], metadata["attempt"]
            )
            job_slots.give_back(services.table, metadata["tenantId"], job_slots.RENDER, holder)
        return True
    changed = render_records.start_rendering(services.table, metadata, job["Id"], records)
    logger.info(
        "render framed" if changed else "framing already recorded",
        extra={"job_id": job["Id"], "framed_on": [item["framedOn"] for item in records]},
    )
    return changed


def _faces_by_input(
    services: FramingServices, plan: render_plan.RenderPlan, change: events.JobStateChange
) -> dict[int, list[framing.FaceDetails]]:
    """Every capture's faces, by the render input it shows."""
    frames = [
        path
        for group in change.outputGroupDetails
        for output in group.outputDetails
        for path in output.outputFilePaths
        if path.endswith(".jpg")
    ]
    found: dict[int, list[framing.FaceDetails]] = defaultdict(list)
    if not frames:
        return found
    destination = frames[-1].removeprefix(f"s3://{services.bucket}/").rsplit(frame_capture_job.FRAMES_MODIFIER, 1)[0]
    count = frame_capture_job.capture_count(frames[-1])
    for capture in frame_capture_job.captures(plan.pieces, count):
        key = frame_capture_job.capture_key(destination, capture.number)
        found[plan.piece_inputs[capture.piece]].append(_detect_faces(services, key))
    return found


def _detect_faces(services: FramingServices, key: str) -> framing.FaceDetails:
    try:
        answer = services.rekognition.detect_faces(Image={"S3Object": {"Bucket": services.bucket, "Name": key}})
    except ClientError as error:
        if error.response["Error"]["Code"] not in _UNREADABLE_IMAGE:
            raise
        logger.warning("a frame could not be searched for faces", extra={"key": key})
        return []
    details: framing.FaceDetails = answer.get("FaceDetails", [])
    return details


def _framings(
    table: Table,
    episode: EpisodeRef,
    plan: render_plan.RenderPlan,
    format_name: str,
    faces: dict[int, list[framing.FaceDetails]] | None,
) -> list[framing.Framing | None]:
    """One crop per render input, from its track's frame size and its frames' faces (none: the centre); None for
    a track whose frame size is not known (chunked before sizes were recorded): `FILL` crops its centre."""
    tracks = {track["trackName"]: track for track in track_records.of_episode(table, episode)}
    framings: list[framing.Framing | None] = []
    for number, name in enumerate(plan.input_tracks):
        track = tracks.get(name) or {}
        size = (int(track.get("sourceWidth") or 0), int(track.get("sourceHeight") or 0))
        if size[0] < 2 or size[1] < 2:
            framings.append(None)
            continue
        framings.append(framing.frame_piece(size, render_plan.aspect(format_name), (faces or {}).get(number, [])))
    return framings
