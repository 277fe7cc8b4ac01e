"""A vertical render is framed first: its frames captured, searched for faces, then the render job with a crop.

Through the real handlers against moto; MediaConvert and Rekognition stubbed (the local stack answers both for
real: tests/e2e/test_framed_renders.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from botocore.stub import Stubber

from handlers import catalog
from handlers.core.domain import frame_capture_job
from tests.lambda_events import FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.iam_calls import granted_actions, recorded_actions
from tests.unit.handlers.test_renders import EPISODE, PK, call, clip_record, episode, expect_job, render

__all__ = ["episode", "render"]  # fixtures
CAPTURES = 15
"""The clip's 14.5 s, a frame a second from 0 s."""
LEFT_FACE = {"BoundingBox": {"Left": 0.1, "Top": 0.3, "Width": 0.12, "Height": 0.3}, "Confidence": 99.5}


def requested(render: Any, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answer to a render request and the CreateJob it made."""
    captured: dict[str, Any] = {}
    render.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(render.services.mediaconvert) as stubber:
        expect_job(stubber, "frames-job-1")
        status, answer = call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", body)
    assert status == 202, answer
    return answer, captured


@pytest.fixture
def sized(episode: Any) -> Any:
    """The track's frame size, as its chunking job's INPUT_INFORMATION recorded it."""
    episode.update_item(
        Key={"pk": PK, "sk": "track#main"},
        UpdateExpression="SET sourceWidth = :w, sourceHeight = :h",
        ExpressionAttributeValues={":w": Decimal(1920), ":h": Decimal(1080)},
    )
    return episode


def frames_event(job: dict[str, Any], status: str) -> dict[str, Any]:
    event = load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)
    destination = job["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    last = frame_capture_job.capture_key(destination, CAPTURES - 1)
    details = [{"outputFilePaths": [f"{destination}_proxy.mp4"]}, {"outputFilePaths": [last]}]
    event["detail"].update(
        status=status,
        userMetadata=job["UserMetadata"],
        outputGroupDetails=[{"type": "FILE_GROUP", "outputDetails": details}] if status == "COMPLETE" else [],
        **({"errorCode": 1999} if status != "COMPLETE" else {}),
    )
    return event


def framed(framing: Any, event: dict[str, Any], faces: list[Any] | None) -> dict[str, Any]:
    """Deliver the frame capture's end; the render job it started (its CreateJob), with `faces` per capture."""
    captured: dict[str, Any] = {}
    framing.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(framing.services.mediaconvert) as jobs, Stubber(framing.services.rekognition) as rekognition:
        for number, found in enumerate(faces or []):
            key = frame_capture_job.capture_key(
                event["detail"]["outputGroupDetails"][0]["outputDetails"][1]["outputFilePaths"][0]
                .removeprefix(f"s3://{BUCKET}/")
                .rsplit(frame_capture_job.FRAMES_MODIFIER, 1)[0],
                number,
            )
            rekognition.add_response(
                "detect_faces", {"FaceDetails": found}, {"Image": {"S3Object": {"Bucket": BUCKET, "Name": key}}}
            )
        expect_job(jobs, "render-job-2")
        framing.lambda_handler(event, FakeContext())
        rekognition.assert_no_pending_responses()
    return captured


def test_a_vertical_render_captures_frames_then_renders_cropped_on_the_face(
    handler: Any, render: Any, sized: Any
) -> None:
    answer, frames_job = requested(render, {"captions": False})

    assert answer["status"] == "Framing" and frames_job["UserMetadata"]["kind"] == "frames"
    outputs = frames_job["Settings"]["OutputGroups"][0]["Outputs"]
    assert [o["VideoDescription"]["CodecSettings"]["Codec"] for o in outputs] == ["H_264", "FRAME_CAPTURE"]
    assert len(frames_job["Settings"]["Inputs"]) == 2  # one input per range of the clip

    framing = handler("handlers.events.frames_captured")
    job = framed(framing, frames_event(frames_job, "COMPLETE"), [[LEFT_FACE]] * CAPTURES)

    assert job["UserMetadata"]["kind"] == "render" and job["UserMetadata"]["renderId"] == answer["renderId"]
    [render_input] = job["Settings"]["Inputs"]  # single layout: one input, both ranges as its clippings
    crop = render_input["Crop"]
    # 1080x1920 from a 1920x1080 track: the full height, 606 wide (even), centred on the face (at 16% of the width).
    assert (crop["Y"], crop["Height"], crop["Width"]) == (0, 1080, 606)
    assert crop["X"] == 4  # the face's centre, 307 px, in the middle of the window (even)
    stored = clip_record(sized)["renders"][answer["renderId"]]
    assert stored["status"] == "Rendering" and stored["jobId"] == "render-job-2"
    assert stored["framing"] == [{"crop": crop, "framedOn": "face"}]

    # The same event again: the render has moved on, nothing is started twice.
    with Stubber(framing.services.mediaconvert), Stubber(framing.services.rekognition):
        framing.lambda_handler(frames_event(frames_job, "COMPLETE"), FakeContext())
    assert clip_record(sized)["renders"][answer["renderId"]]["jobId"] == "render-job-2"


def test_without_faces_or_frames_the_render_is_centred_and_says_so(handler: Any, render: Any, sized: Any) -> None:
    answer, frames_job = requested(render, {"format": "square", "captions": False})
    framing = handler("handlers.events.frames_captured")

    job = framed(framing, frames_event(frames_job, "ERROR"), None)

    assert job["Settings"]["Inputs"][0]["Crop"] == {"X": 420, "Y": 0, "Width": 1080, "Height": 1080}
    [recorded] = clip_record(sized)["renders"][answer["renderId"]]["framing"]
    assert recorded["framedOn"] == "centre" and "could not be captured" in recorded["reason"]


def test_the_catalog_grants_what_framing_calls(handler: Any, render: Any, sized: Any) -> None:
    _, frames_job = requested(render, {"captions": False})
    framing = handler("handlers.events.frames_captured")
    services = framing.services
    with recorded_actions(
        dynamodb=services.table.client,
        s3=services.s3,
        mediaconvert=services.mediaconvert,
        rekognition=services.rekognition,
    ) as used:
        framed(framing, frames_event(frames_job, "COMPLETE"), [[]] * CAPTURES)

    granted = granted_actions(catalog.function_for_module(framing.__name__))
    assert {"s3:GetObject", "rekognition:DetectFaces", "mediaconvert:CreateJob", "dynamodb:UpdateItem"} <= used
    assert used <= granted


def test_a_render_job_that_ends_before_its_start_is_recorded_still_lands(handler: Any, render: Any, sized: Any) -> None:
    answer, frames_job = requested(render, {"captions": False})
    event = load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"].update(
        status="ERROR", errorCode=1010, userMetadata={**frames_job["UserMetadata"], "kind": "render"}
    )

    handler("handlers.events.render_finished").lambda_handler(event, FakeContext())  # still Framing

    stored = clip_record(sized)["renders"][answer["renderId"]]
    assert stored["status"] == "RenderFailed" and "could not be read" in stored["failureReason"]
