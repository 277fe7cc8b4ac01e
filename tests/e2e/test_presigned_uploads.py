"""Presigned uploads as plain HTTP clients send them: any content type gets S3's answer, a transcript's
form is held to its policy (size, key, filename) as S3 holds it."""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.request
from urllib.parse import urlsplit

import httpx
import pytest

from handlers.contract import MAX_TRANSCRIPT_BYTES
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
@pytest.mark.parametrize("file_type", ["application/x-subrip", "text/plain", "application/octet-stream", None])
def test_a_transcript_posted_with_its_form_is_stored_as_sent(
    api: httpx.Client, stack: LocalStack, file_type: str | None, size: int
) -> None:
    episode_id = new_episode(api)
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={"filename": "talk.srt"}).json()
    body = (b"1\n00:00:00,000 --> 00:00:02,000\nhello\n\n" * (size // 38 + 1))[:size]

    # What curl -F or a browser's FormData sends: the fields in order, then the file with its own type.
    file = ("talk.srt", body, file_type) if file_type else ("talk.srt", body)
    posted = httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": file}, timeout=20)

    assert posted.status_code == 204, posted.text
    stored = stack.client("s3").get_object(Bucket=stack.config.bucket_name, Key=upload["key"])
    assert stored["Body"].read() == body
    assert stored["Metadata"] == {"filename": "talk.srt"}
    assert stored["ContentType"] == "application/x-subrip"  # the form's field, whatever the file said


def test_storage_takes_a_transcript_of_10_mib_and_refuses_one_byte_more(api: httpx.Client, stack: LocalStack) -> None:
    episode_id = new_episode(api)
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={}).json()
    assert upload["maxBytes"] == MAX_TRANSCRIPT_BYTES

    def post(size: int) -> httpx.Response:
        body = b"1" * size
        return httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": body}, timeout=60)

    too_large = post(MAX_TRANSCRIPT_BYTES + 1)
    assert too_large.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in too_large.text
    assert f"<MaxSizeAllowed>{MAX_TRANSCRIPT_BYTES}</MaxSizeAllowed>" in too_large.text
    largest = post(MAX_TRANSCRIPT_BYTES)
    assert largest.status_code == 204, largest.text
    head = stack.client("s3").head_object(Bucket=stack.config.bucket_name, Key=upload["key"])
    assert head["ContentLength"] == MAX_TRANSCRIPT_BYTES


def test_a_transcript_form_refuses_another_key_and_another_filename(api: httpx.Client, stack: LocalStack) -> None:
    mine, other = new_episode(api), new_episode(api)
    upload = api.post(f"/episodes/{mine}/transcripts", json={"filename": "talk.srt"}).json()
    elsewhere = api.post(f"/episodes/{other}/transcripts", json={}).json()["key"]

    moved = {**upload["fields"], "key": elsewhere}
    renamed = {**upload["fields"], "x-amz-meta-filename": "other.srt"}
    answers = [httpx.post(upload["uploadUrl"], data=fields, files={"file": b"1\n"}) for fields in (moved, renamed)]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert all("Invalid according to Policy: Policy Condition failed" in answer.text for answer in answers)
    s3, bucket = stack.client("s3"), stack.config.bucket_name
    stored = [s3.list_objects_v2(Bucket=bucket, Prefix=key)["KeyCount"] for key in (elsewhere, upload["key"])]
    assert stored == [0, 0]
