"""Presigned uploads as plain HTTP clients send them: any content type gets S3's answer."""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.request
from urllib.parse import urlsplit

import httpx
import pytest

from local.stack import LocalStack

KIB = 1024
MIB = 1024 * KIB
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",  # curl --data-binary and urllib's default
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "video/mp4",
    "text/plain",
    None,
]


def raw_put(url: str, body: bytes, content_type: str | None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """One PUT with only the headers given: urllib adds its form content type when none is."""
    if content_type is None:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.netloc, timeout=20)
        connection.request("PUT", f"{parts.path}?{parts.query}", body=body, headers=headers or {})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        return answer.status, answer.headers["ETag"]
    request = urllib.request.Request(
        url, data=body, method="PUT", headers={**(headers or {}), "Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.headers["ETag"]


def new_episode(api: httpx.Client) -> str:
    return str(api.post("/episodes", json={"title": "Raw clients", "episodeNumber": 3}).json()["id"])


@pytest.mark.parametrize("size", [KIB, 6 * MIB], ids=["1KiB", "6MiB"])
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_part_of_any_content_type_is_stored_as_sent(
    api: httpx.Client, stack: LocalStack, content_type: str | None, size: int
) -> None:
    episode_id = new_episode(api)
    session = api.post(f"/episodes/{episode_id}/tracks", json={"filename": "cam.mp4", "trackName": "cam"}).json()
    [part] = api.post(
        f"/episodes/{episode_id}/tracks/cam/parts", json={"uploadId": session["uploadId"], "partNumbers": [1]}
    ).json()["urls"]
    body = os.urandom(size)

    status, etag = raw_put(part["url"], body, content_type)

    assert status == 200 and etag.strip('"') == hashlib.md5(body).hexdigest()
    done = api.post(
        f"/episodes/{episode_id}/tracks/cam/complete",
        json={"uploadId": session["uploadId"], "parts": [{"ETag": etag, "PartNumber": 1}]},
    )
    assert done.status_code == 200
    stored = stack.client("s3").get_object(Bucket=stack.config.bucket_name, Key=session["key"])["Body"].read()
    assert stored == body


@pytest.mark.parametrize("size", [KIB, 6 * MIB], ids=["1KiB", "6MiB"])
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_transcript_of_any_content_type_is_stored_as_sent(
    api: httpx.Client, stack: LocalStack, content_type: str | None, size: int
) -> None:
    episode_id = new_episode(api)
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={"filename": "talk.srt"}).json()
    body = (b"1\n00:00:00,000 --> 00:00:02,000\nhello\n\n" * (size // 38 + 1))[:size]

    status, etag = raw_put(upload["uploadUrl"], body, content_type, upload["requiredHeaders"])

    assert status == 200 and etag.strip('"') == hashlib.md5(body).hexdigest()
    stored = stack.client("s3").get_object(Bucket=stack.config.bucket_name, Key=upload["key"])
    assert stored["Body"].read() == body
    assert stored["Metadata"] == {"filename": "talk.srt"}
