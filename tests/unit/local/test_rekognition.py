"""The local Rekognition, called as a handler calls Rekognition: boto3's `rekognition` client.

Faces are real: frames of generated tracks with scikit-image's astronaut at the left or the right
of a 16:9 frame, read from the local S3 (moto) by the server.
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from local import face_samples
from local.rekognition import LocalRekognition
from local.samples import ffmpeg_exe

pytestmark = pytest.mark.slow

BUCKET = "faces"
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
WIDTH, HEIGHT = 1280, 720
CENTRE_WINDOW = (438, 842)
"""The centre 9:16 window of a 1280x720 frame (x range)."""


@pytest.fixture(scope="module")
def s3(moto_url: str) -> Any:
    client = boto3.client("s3", endpoint_url=moto_url, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def rekognition(s3: Any) -> Iterator[tuple[Any, str]]:
    server = LocalRekognition(s3=s3)
    url = server.start()
    yield boto3.client("rekognition", endpoint_url=url, **CREDENTIALS), url
    server.stop()


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory, s3: Any) -> dict[str, bytes]:
    """A JPEG frame (at 1 s) of a generated track of each side, also stored as `frames/{side}.jpg`."""
    folder = tmp_path_factory.mktemp("face-tracks")
    found = {}
    for side in ("left", "right"):
        video = face_samples.generate_face_video(folder / f"{side}.mp4", side, 2)
        still = folder / f"{side}.jpg"
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", "1", "-i", str(video),
             "-frames:v", "1", "-q:v", "3", str(still)],
            check=True,
        )  # fmt: skip
        found[side] = still.read_bytes()
        s3.put_object(Bucket=BUCKET, Key=f"frames/{side}.jpg", Body=found[side])
    return found


def centre_x(detail: dict[str, Any]) -> float:
    box = detail["BoundingBox"]
    return float((box["Left"] + box["Width"] / 2) * WIDTH)


def test_the_samples_put_the_face_outside_the_centre_window() -> None:
    for side in ("left", "right"):
        x, _, width, _ = face_samples.placement(side, WIDTH, HEIGHT).person
        assert x + width < CENTRE_WINDOW[0] if side == "left" else x > CENTRE_WINDOW[1]


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.usefixtures("frames")
def test_one_face_on_its_side_of_a_frame_in_s3(rekognition: tuple[Any, str], side: str) -> None:
    client, _ = rekognition

    faces = client.detect_faces(Image={"S3Object": {"Bucket": BUCKET, "Name": f"frames/{side}.jpg"}})["FaceDetails"]

    assert len(faces) == 1
    face = faces[0]
    assert 50 < face["Confidence"] <= 100
    box = face["BoundingBox"]
    assert all(0 <= box[name] <= 1 for name in ("Left", "Top", "Width", "Height"))
    x = centre_x(face)
    assert x < CENTRE_WINDOW[0] if side == "left" else x > CENTRE_WINDOW[1]
    expected = face_samples.placement(side, WIDTH, HEIGHT).face_centre_x
    assert abs(x - expected) < 0.05 * WIDTH


def test_image_bytes_and_attributes(rekognition: tuple[Any, str], frames: dict[str, bytes]) -> None:
    client, _ = rekognition

    faces = client.detect_faces(Image={"Bytes": frames["right"]}, Attributes=["ALL"])["FaceDetails"]

    assert len(faces) == 1 and set(faces[0]) == {"BoundingBox", "Confidence"}
    assert centre_x(faces[0]) > CENTRE_WINDOW[1]


def test_no_face_in_a_plain_picture(rekognition: tuple[Any, str], tmp_path: Path) -> None:
    client, _ = rekognition
    plain = tmp_path / "plain.png"
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=gray:s=640x360",
         "-frames:v", "1", str(plain)],
        check=True,
    )  # fmt: skip

    assert client.detect_faces(Image={"Bytes": plain.read_bytes()})["FaceDetails"] == []


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(raised.value.response["Error"]["Code"])


def test_errors_as_rekognition_answers_them(rekognition: tuple[Any, str], s3: Any) -> None:
    client, _ = rekognition
    s3.put_object(Bucket=BUCKET, Key="notes.txt", Body=b"not a picture")
    s3.put_object(Bucket=BUCKET, Key="huge.jpg", Body=b"\xff\xd8\xff" + bytes(15 * 1024 * 1024))

    def s3_image(name: str, bucket: str = BUCKET) -> Any:
        return lambda: client.detect_faces(Image={"S3Object": {"Bucket": bucket, "Name": name}})

    assert error_code(s3_image("frames/missing.jpg")) == "InvalidS3ObjectException"
    assert error_code(s3_image("frames/left.jpg", bucket="no-such-bucket")) == "InvalidS3ObjectException"
    assert error_code(s3_image("notes.txt")) == "InvalidImageFormatException"
    assert error_code(s3_image("huge.jpg")) == "ImageTooLargeException"
    assert error_code(lambda: client.detect_faces(Image={"Bytes": b"GIF89a"})) == "InvalidImageFormatException"
    too_large = b"\xff\xd8\xff" + bytes(5 * 1024 * 1024)
    assert error_code(lambda: client.detect_faces(Image={"Bytes": too_large})) == "ImageTooLargeException"
    both = {"Bytes": b"\xff\xd8\xff", "S3Object": {"Bucket": BUCKET, "Name": "frames/left.jpg"}}
    assert error_code(lambda: client.detect_faces(Image=both)) == "InvalidParameterException"
    assert error_code(lambda: client.compare_faces(SourceImage={"Bytes": b"x"}, TargetImage={"Bytes": b"x"})) == (
        "UnknownOperationException"
    )


def post(url: str, target: str, body: bytes) -> requests.Response:
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    return requests.post(url, data=body, headers=headers, timeout=10)


def test_requests_botocore_would_not_send(rekognition: tuple[Any, str]) -> None:
    _, url = rekognition
    cases = {
        b'{"Image": {}}': "InvalidParameterException",
        b'{"Image": {"Bytes": "not base64!"}}': "InvalidParameterException",
        b'{"Image": {"Bytes": "/9j/"}, "Attributes": ["HAIR"]}': "ValidationException",
        b"[1, 2]": "SerializationException",
        b"{": "SerializationException",
    }
    for body, code in cases.items():
        answer = post(url, "RekognitionService.DetectFaces", body)
        assert (answer.status_code, answer.json()["__type"]) == (400, code), body
        assert answer.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert post(url, "Nothing.DetectFaces", b"{}").json()["__type"] == "UnknownOperationException"
    assert requests.get(url, timeout=10).json()["__type"] == "UnknownOperationException"
    encoded = json.dumps({"Image": {"Bytes": base64.b64encode(b"\x89PNG\r\n\x1a\nbroken").decode()}}).encode()
    assert post(url, "RekognitionService.DetectFaces", encoded).json()["__type"] == "InvalidImageFormatException"
