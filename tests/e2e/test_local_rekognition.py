"""The local stack answers Rekognition's DetectFaces: a client made as a handler makes it (no endpoint given,
`AWS_ENDPOINT_URL_REKOGNITION` from the environment the stack gives the functions) finds the face in a
frame stored in the stack's bucket."""

from __future__ import annotations

import os

import boto3
import cv2
import pytest

from local import face_samples
from local.stack import REGION, LocalStack

pytestmark = pytest.mark.e2e


def test_a_handler_client_reaches_the_local_rekognition(stack: LocalStack) -> None:
    assert os.environ["AWS_ENDPOINT_URL_REKOGNITION"] == stack.rekognition_url
    encoded, jpeg = cv2.imencode(".jpg", face_samples.frame("right"))
    assert encoded
    key = "renders/e2e/frames/right.0000000.jpg"
    stack.client("s3").put_object(Bucket=stack.config.bucket_name, Key=key, Body=jpeg.tobytes())

    rekognition = boto3.session.Session().client("rekognition", region_name=REGION)
    faces = rekognition.detect_faces(Image={"S3Object": {"Bucket": stack.config.bucket_name, "Name": key}})

    [face] = faces["FaceDetails"]
    box = face["BoundingBox"]
    assert box["Left"] + box["Width"] / 2 > 842 / 1280  # right of the centre 9:16 window
