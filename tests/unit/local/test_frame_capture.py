"""Frame capture in the local MediaConvert, and the blocks of face framing end to end.

The job is the one a handler would send (`frame_capture_settings`) over two tracks with a real face,
one at the left and one at the right; the captures are read back through the local Rekognition and
each piece's crop is chosen from them (`framing`), as the render flow will.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import cv2
import numpy as np
import pytest
from botocore.exceptions import ClientError

from handlers.contract import FRAME_SIZES
from handlers.core.domain import frame_capture_job
from handlers.core.domain.framing import frame_piece
from local import face_samples
from local.mediaconvert import LocalMediaConvert
from local.rekognition import LocalRekognition

pytestmark = pytest.mark.slow

BUCKET = "frame-capture"
ROLE = "arn:aws:iam::123456789012:role/mediaconvert"
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
WIDTH, HEIGHT = 640, 360
PIECES = [("tracks/left.mp4", 0.5, 2.5, 25.0), ("tracks/right.mp4", 1.0, 3.0, 25.0)]
DESTINATION = "renders/t/e/c/render-1-frames"


@dataclass
class Services:
    s3: Any
    sqs: Any
    queue_url: str
    emulator: LocalMediaConvert
    mediaconvert: Any
    rekognition: Any

    def complete(self, job_id: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in response.get("Messages", []):
                detail = json.loads(message["Body"])["detail"]
                if detail["jobId"] == job_id and detail["status"] in ("COMPLETE", "ERROR"):
                    return dict(detail)
        raise AssertionError(f"no COMPLETE or ERROR for {job_id}")


@pytest.fixture(scope="module")
def services(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    s3 = boto3.client("s3", endpoint_url=moto_url, **CREDENTIALS)
    events = boto3.client("events", endpoint_url=moto_url, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=moto_url, **CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    queue_url = sqs.create_queue(QueueName="frame-capture-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="frame-capture", EventPattern=json.dumps({"source": ["aws.mediaconvert"]}))
    events.put_targets(Rule="frame-capture", Targets=[{"Id": "queue", "Arn": queue_arn}])
    folder = tmp_path_factory.mktemp("face-tracks")
    for side in ("left", "right"):
        video = face_samples.generate_face_video(folder / f"{side}.mp4", side, 4, width=WIDTH, height=HEIGHT)
        s3.upload_file(str(video), BUCKET, f"tracks/{side}.mp4")
    emulator = LocalMediaConvert(s3=s3, events=events)
    rekognition = LocalRekognition(s3=s3)
    mediaconvert = boto3.client("mediaconvert", endpoint_url=emulator.start(), **CREDENTIALS)
    faces = boto3.client("rekognition", endpoint_url=rekognition.start(), **CREDENTIALS)
    yield Services(s3, sqs, queue_url, emulator, mediaconvert, faces)
    emulator.stop()
    rekognition.stop()


def settings() -> dict[str, Any]:
    return frame_capture_job.frame_capture_settings(bucket=BUCKET, pieces=PIECES, destination_key=DESTINATION)


def test_captures_a_jpeg_a_second_and_frames_each_piece_on_its_face(services: Services) -> None:
    job = services.mediaconvert.create_job(Role=ROLE, Settings=settings(), UserMetadata={"kind": "frames"})["Job"]
    detail = services.complete(job["Id"])

    assert detail["status"] == "COMPLETE", detail.get("errorMessage")
    [group] = detail["outputGroupDetails"]
    proxy, frames = group["outputDetails"]
    assert group["type"] == "FILE_GROUP"
    assert proxy["outputFilePaths"] == [f"s3://{BUCKET}/{DESTINATION}_proxy.mp4"]
    assert proxy["videoDetails"] == {"widthInPx": 480, "heightInPx": 270}
    assert abs(proxy["durationInMs"] - 4000) <= 80
    assert frames["videoDetails"] == {"widthInPx": 960, "heightInPx": 540}
    [last] = frames["outputFilePaths"]  # MediaConvert names the last capture only
    count = frame_capture_job.capture_count(last)
    assert count in (4, 5)  # 4 s of clip: captures at 0, 1, 2, 3 (and 4) s
    listed = services.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{DESTINATION}_frame.")["Contents"]
    assert {item["Key"] for item in listed} == {frame_capture_job.capture_key(DESTINATION, n) for n in range(count)}
    assert last == f"s3://{BUCKET}/{frame_capture_job.capture_key(DESTINATION, count - 1)}"

    faces_by_piece: list[list[Any]] = [[], []]
    for capture in frame_capture_job.captures(PIECES, count):
        key = frame_capture_job.capture_key(DESTINATION, capture.number)
        found = services.rekognition.detect_faces(Image={"S3Object": {"Bucket": BUCKET, "Name": key}})
        assert len(found["FaceDetails"]) == 1, key
        faces_by_piece[capture.piece].append(found["FaceDetails"])
    for piece, side in enumerate(("left", "right")):
        framing = frame_piece((WIDTH, HEIGHT), FRAME_SIZES["vertical"], faces_by_piece[piece])
        x, _, width, _ = face_samples.placement(side, WIDTH, HEIGHT).face
        assert framing.framed_on == "face"
        assert framing.crop.x <= x and x + width <= framing.crop.x + framing.crop.width, (side, framing)


def refusal(services: Services, changed: dict[str, Any]) -> str:
    with pytest.raises(ClientError) as raised:
        services.mediaconvert.create_job(Role=ROLE, Settings=changed)
    assert raised.value.response["Error"]["Code"] == "BadRequestException"
    return str(raised.value.response["Error"]["Message"])


def test_refuses_what_mediaconvert_refuses(services: Services) -> None:
    only_frames = settings()
    only_frames["OutputGroups"][0]["Outputs"] = only_frames["OutputGroups"][0]["Outputs"][1:]
    assert "regular audio and video output" in refusal(services, only_frames)

    unnamed = settings()
    del unnamed["OutputGroups"][0]["Outputs"][1]["NameModifier"]
    assert "outputs/1/nameModifier" in refusal(services, unnamed)

    no_rate = settings()
    del no_rate["OutputGroups"][0]["Outputs"][1]["VideoDescription"]["CodecSettings"]["FrameCaptureSettings"][
        "FramerateNumerator"
    ]
    assert "framerateNumerator" in refusal(services, no_rate)

    mp4_frames = settings()
    mp4_frames["OutputGroups"][0]["Outputs"][1]["ContainerSettings"] = {"Container": "MP4"}
    assert "container RAW" in refusal(services, mp4_frames)


def test_max_captures_and_quality(services: Services) -> None:
    changed = settings()
    capture = changed["OutputGroups"][0]["Outputs"][1]["VideoDescription"]["CodecSettings"]["FrameCaptureSettings"]
    capture |= {"MaxCaptures": 2, "Quality": 30}
    destination = "renders/t/e/c/render-2-frames"
    changed["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"] = (
        f"s3://{BUCKET}/{destination}"
    )

    job = services.mediaconvert.create_job(Role=ROLE, Settings=changed)["Job"]
    detail = services.complete(job["Id"])

    assert detail["outputGroupDetails"][0]["outputDetails"][1]["outputFilePaths"] == [
        f"s3://{BUCKET}/{destination}_frame.0000001.jpg"
    ]
    written = services.s3.get_object(Bucket=BUCKET, Key=f"{destination}_frame.0000000.jpg")["Body"].read()
    picture = cv2.imdecode(np.frombuffer(written, np.uint8), cv2.IMREAD_COLOR)
    assert written[:3] == b"\xff\xd8\xff" and picture.shape == (540, 960, 3)
