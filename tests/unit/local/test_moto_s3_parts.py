"""ListParts of the local S3 (`local/moto_s3_parts.py`): S3's pages by part number, each part's ETag its MD5."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest


@pytest.fixture(scope="module")
def s3(moto_url: str) -> Any:
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=moto_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@pytest.fixture
def upload(s3: Any) -> Iterator[tuple[str, str]]:
    bucket = f"moto-parts-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="track.mp4")["UploadId"]
    yield bucket, upload_id
    s3.abort_multipart_upload(Bucket=bucket, Key="track.mp4", UploadId=upload_id)
    s3.delete_bucket(Bucket=bucket)


def pages(s3: Any, bucket: str, upload_id: str, max_parts: int) -> list[list[int]]:
    """The part numbers of each page, following `NextPartNumberMarker` while truncated."""
    found, marker = [], 0
    while True:
        page = s3.list_parts(
            Bucket=bucket, Key="track.mp4", UploadId=upload_id, MaxParts=max_parts, PartNumberMarker=marker
        )
        found.append([part["PartNumber"] for part in page.get("Parts", [])])
        if not page["IsTruncated"]:
            return found
        marker = page["NextPartNumberMarker"]


def test_pages_follow_part_numbers_across_gaps(s3: Any, upload: tuple[str, str]) -> None:
    bucket, upload_id = upload
    for number in (3, 4, 5, 9, 12):
        s3.upload_part(Bucket=bucket, Key="track.mp4", UploadId=upload_id, PartNumber=number, Body=b"x" * number)

    assert pages(s3, bucket, upload_id, 1) == [[3], [4], [5], [9], [12]]
    assert pages(s3, bucket, upload_id, 2) == [[3, 4], [5, 9], [12]]
    assert pages(s3, bucket, upload_id, 5) == [[3, 4, 5, 9, 12]]
    assert pages(s3, bucket, upload_id, 1000) == [[3, 4, 5, 9, 12]]


def test_each_part_is_listed_with_its_size_and_quoted_md5(s3: Any, upload: tuple[str, str]) -> None:
    bucket, upload_id = upload
    bodies = {1: b"a" * (5 * 1024 * 1024 + 3), 2: b"second part", 7: b"z"}
    for number, body in bodies.items():
        s3.upload_part(Bucket=bucket, Key="track.mp4", UploadId=upload_id, PartNumber=number, Body=body)
    s3.upload_part(Bucket=bucket, Key="track.mp4", UploadId=upload_id, PartNumber=2, Body=b"sent again")
    bodies[2] = b"sent again"

    listed = s3.list_parts(Bucket=bucket, Key="track.mp4", UploadId=upload_id)["Parts"]

    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed] == [
        (number, len(body), f'"{hashlib.md5(body).hexdigest()}"') for number, body in sorted(bodies.items())
    ]
