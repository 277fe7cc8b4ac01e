"""The frame capture job's settings (`handlers.core.domain.frame_capture_job`), checked against botocore's model."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.validate import validate_parameters

from handlers.core.domain import frame_capture_job as job

BUCKET = "media"
PIECES = [("media/t/e/tracks/a.mp4", 10.0, 13.5, 25.0), ("media/t/e/tracks/b.mp4", 40.0, 42.0, 30.0)]
DESTINATION = "renders/t/e/c/render-1-frames"


def test_settings_are_valid_for_mediaconvert() -> None:
    settings = job.frame_capture_settings(bucket=BUCKET, pieces=PIECES, destination_key=DESTINATION)

    model = botocore.session.get_session().get_service_model("mediaconvert").operation_model("CreateJob")
    validate_parameters({"Role": "arn:aws:iam::1:role/r", "Settings": settings}, model.input_shape)


def test_one_input_per_piece_and_a_jpeg_a_second() -> None:
    settings = job.frame_capture_settings(bucket=BUCKET, pieces=PIECES, destination_key=DESTINATION)

    inputs = settings["Inputs"]
    assert [item["FileInput"] for item in inputs] == [f"s3://{BUCKET}/{key}" for key, *_ in PIECES]
    assert inputs[0]["InputClippings"] == [{"StartTimecode": "00:00:10:00", "EndTimecode": "00:00:13:12"}]
    assert inputs[1]["InputClippings"] == [{"StartTimecode": "00:00:40:00", "EndTimecode": "00:00:41:29"}]
    [group] = settings["OutputGroups"]
    assert group["OutputGroupSettings"]["FileGroupSettings"]["Destination"] == f"s3://{BUCKET}/{DESTINATION}"
    proxy, frames = group["Outputs"]
    assert proxy["ContainerSettings"]["Container"] == "MP4" and proxy["AudioDescriptions"]
    assert frames["ContainerSettings"] == {"Container": "RAW"}
    codec = frames["VideoDescription"]["CodecSettings"]
    assert codec["Codec"] == "FRAME_CAPTURE"
    assert codec["FrameCaptureSettings"] | {"Quality": 0} == {
        "FramerateNumerator": 1,
        "FramerateDenominator": 1,
        "MaxCaptures": 6,  # 5.5 s of clip: captures at 0..5 s
        "Quality": 0,
    }
    assert frames["VideoDescription"]["ScalingBehavior"] == "STRETCH_TO_OUTPUT"


def test_captures_name_their_piece_and_moment() -> None:
    found = job.captures(PIECES)

    assert [(capture.piece, capture.track_seconds) for capture in found] == [
        (0, 10.0), (0, 11.0), (0, 12.0), (0, 13.0), (1, 40.5), (1, 41.5),
    ]  # fmt: skip
    assert job.capture_key(DESTINATION, 5) == f"{DESTINATION}_frame.0000005.jpg"
    assert job.capture_count(f"s3://{BUCKET}/{DESTINATION}_frame.0000005.jpg") == 6
    assert len(job.captures(PIECES, count=3)) == 3


def test_a_capture_at_a_piece_end_belongs_to_the_next() -> None:
    found = job.captures([("a", 0.0, 2.0, 25.0), ("b", 5.0, 7.0, 25.0)])

    assert [(capture.piece, capture.track_seconds) for capture in found] == [
        (0, 0.0), (0, 1.0), (1, 5.0), (1, 6.0), (1, 7.0),
    ]  # fmt: skip


def test_no_piece_no_job() -> None:
    with pytest.raises(ValueError):
        job.frame_capture_settings(bucket=BUCKET, pieces=[], destination_key=DESTINATION)
