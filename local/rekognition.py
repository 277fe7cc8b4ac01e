"""Amazon Rekognition's `DetectFaces` on 127.0.0.1, answered by a real face detector.

moto has no Rekognition, so the local stack runs this server and gives the functions
`AWS_ENDPOINT_URL_REKOGNITION`: boto3's `rekognition` client in a handler reaches it exactly as it
reaches Rekognition on AWS. The faces come from OpenCV's Haar cascade (`local.face_detector`).

The wire format is botocore's `rekognition` model (JSON 1.1): `POST /` with `X-Amz-Target:
RekognitionService.DetectFaces` and a body `{"Image": {"S3Object": {"Bucket", "Name", "Version"?}}
| {"Bytes": base64}, "Attributes"?: [...]}`, answered `{"FaceDetails": [{"BoundingBox": {"Width",
"Height", "Left", "Top"}, "Confidence"}]}` with the box as ratios of the picture's size. S3 objects
are read from the local S3 (moto) with a boto3 client.

Errors answer as Rekognition's (HTTP 400, `{"__type", "Code", "Message"}`), so botocore raises
the same `ClientError`s: `InvalidS3ObjectException` (the object cannot be read),
`InvalidImageFormatException` (not a JPEG or PNG), `ImageTooLargeException` (an S3 object over
15 MB, bytes over 5 MB), `InvalidParameterException` (an `Image` without exactly one source, bytes
that are not base64), `ValidationException` (an `Attributes` value outside the model's enum),
`SerializationException` (a body that is not a JSON object), `UnknownOperationException` (any
other target or request). No signature is checked.

Not reproduced: the attributes (`Attributes` is checked and accepted, but only `BoundingBox` and
`Confidence` are answered: no `Landmarks`, `Pose`, `Quality`, ages or emotions), EXIF
orientation, Rekognition's accuracy and its boxes' shape (see `local.face_detector`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from local import face_detector
from local.http_server import Answer, LocalHttpServer

logger = logging.getLogger(__name__)

TARGET_PREFIX = "RekognitionService."
CONTENT_TYPE = "application/x-amz-json-1.1"
MAX_S3_OBJECT_BYTES = 15 * 1024 * 1024
"""Rekognition's limit for an image in S3."""
MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Rekognition's limit for image bytes in the request."""
MAX_BODY_BYTES = 8 * 1024 * 1024
"""5 MB of image as base64, with room for the JSON around it."""
ATTRIBUTES = (
    "DEFAULT", "ALL", "AGE_RANGE", "BEARD", "EMOTIONS", "EYE_DIRECTION", "EYEGLASSES", "EYES_OPEN", "GENDER",
    "MOUTH_OPEN", "MUSTACHE", "FACE_OCCLUDED", "SMILE", "SUNGLASSES",
)  # fmt: skip
"""The `Attribute` enum of botocore's model."""

INVALID_PARAMETERS = "Request has invalid parameters"
INVALID_S3_OBJECT = "Unable to get object metadata from S3. Check object key, region and/or access permissions."
INVALID_IMAGE_FORMAT = "Request has invalid image format"
IMAGE_TOO_LARGE = "Image size is too large."


class RekognitionError(Exception):
    """A request Rekognition refuses: its error code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def answer(self) -> Answer:
        body = {"__type": self.code, "Code": self.code, "Message": self.message}
        return _json_answer(self.status, body)


class LocalRekognition:
    """`DetectFaces` on 127.0.0.1 over images in the local S3 or in the request."""

    def __init__(self, *, s3: Any) -> None:
        # A boto3 S3 client pointed at the moto server (typed Any: no service stubs are installed).
        self._s3 = s3
        self._server = LocalHttpServer(self.handle, name="local-rekognition", max_body=MAX_BODY_BYTES, refuse=refuse)
        self.url = ""

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (port 0: any free one); returns the base URL."""
        self.url = f"http://127.0.0.1:{self._server.start(port)}"
        return self.url

    def stop(self) -> None:
        self._server.stop()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request to one answer: DetectFaces, or Rekognition's error."""
        named = {name.lower(): value for name, value in headers.items()}
        operation = named.get("x-amz-target", "")
        try:
            if method != "POST" or target.split("?")[0] != "/" or operation != f"{TARGET_PREFIX}DetectFaces":
                raise RekognitionError("UnknownOperationException", "The local Rekognition answers DetectFaces only")
            return _json_answer(200, self.detect_faces(_json_object(body)))
        except RekognitionError as error:
            return error.answer()
        except Exception:
            logger.exception("local Rekognition failed on %s %s", method, operation)
            return RekognitionError("InternalServerError", "Internal server error", 500).answer()

    def detect_faces(self, request: dict[str, Any]) -> dict[str, Any]:
        """DetectFaces: the image's faces, largest first."""
        _check_attributes(request.get("Attributes"))
        data = self._image_bytes(request.get("Image"))
        try:
            detection = face_detector.detect_faces(data)
        except face_detector.NotAnImage:
            raise RekognitionError("InvalidImageFormatException", INVALID_IMAGE_FORMAT) from None
        return {"FaceDetails": detection.face_details()}

    def _image_bytes(self, image: Any) -> bytes:
        if not isinstance(image, dict) or len(image) != 1 or not ({"Bytes", "S3Object"} & image.keys()):
            raise RekognitionError("InvalidParameterException", INVALID_PARAMETERS)
        if "Bytes" in image:
            return _decoded(image["Bytes"])
        return self._s3_object(image["S3Object"])

    def _s3_object(self, location: Any) -> bytes:
        if not isinstance(location, dict) or not location.get("Bucket") or not location.get("Name"):
            raise RekognitionError("InvalidParameterException", INVALID_PARAMETERS)
        version = {"VersionId": location["Version"]} if location.get("Version") else {}
        try:
            found = self._s3.get_object(Bucket=location["Bucket"], Key=location["Name"], **version)
        except (ClientError, BotoCoreError):
            raise RekognitionError("InvalidS3ObjectException", INVALID_S3_OBJECT) from None
        with found["Body"] as stream:
            if found.get("ContentLength", 0) > MAX_S3_OBJECT_BYTES:
                raise RekognitionError("ImageTooLargeException", IMAGE_TOO_LARGE)
            return bytes(stream.read())


def refuse(status: int, reason: str) -> Answer:
    """The answer to a request the HTTP server could not read (bad length, body too large, broken headers)."""
    if status == 413:
        return RekognitionError("ImageTooLargeException", IMAGE_TOO_LARGE).answer()
    return RekognitionError("SerializationException", reason, status).answer()


def _check_attributes(attributes: Any) -> None:
    if attributes is None:
        return
    if not isinstance(attributes, list) or any(value not in ATTRIBUTES for value in attributes):
        allowed = ", ".join(ATTRIBUTES)
        message = (
            f"1 validation error detected: Value '{str(attributes)[:100]}' at 'attributes' failed to satisfy "
            f"constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{allowed}]]"
        )
        raise RekognitionError("ValidationException", message)


def _decoded(text: Any) -> bytes:
    if not isinstance(text, str):
        raise RekognitionError("InvalidParameterException", INVALID_PARAMETERS)
    if len(text) > (MAX_IMAGE_BYTES + 2) // 3 * 4:
        raise RekognitionError("ImageTooLargeException", IMAGE_TOO_LARGE)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RekognitionError("InvalidParameterException", INVALID_PARAMETERS) from None
    if not data:
        raise RekognitionError("InvalidParameterException", INVALID_PARAMETERS)
    return data


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        raise RekognitionError("SerializationException", "The request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise RekognitionError("SerializationException", "The request body must be a JSON object")
    return parsed


def _json_answer(status: int, payload: dict[str, Any]) -> Answer:
    return Answer(
        status, json.dumps(payload).encode(), {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": str(uuid.uuid4())}
    )
