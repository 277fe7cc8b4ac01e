"""Resuming an interrupted track upload: only the parts storage lacks, or holds with other bytes, are sent again."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.api import NullCheckClient
from client.uploads import MIB, UploadError, upload_track
from tests.unit.client.fakes import EPISODE_ID, FakeApi
from tests.unit.client.test_uploads import StorageTransport, stored_bytes

PART_SIZE = 5 * MIB


def put_part(fake_api: FakeApi, track: str, number: int, body: bytes) -> None:
    key, upload_id = fake_api.sessions[track]
    url = fake_api._part_url(key, upload_id, number)
    assert httpx.put(url, content=body).status_code == 200


def listed(fake_api: FakeApi, track: str) -> dict[int, str]:
    key, upload_id = fake_api.sessions[track]
    parts = fake_api.s3.list_parts(Bucket=fake_api.bucket, Key=key, UploadId=upload_id).get("Parts", [])
    return {part["PartNumber"]: part["ETag"] for part in parts}


def test_the_start_sends_the_files_size_and_part_size(
    api_client: NullCheckClient, fake_api: FakeApi, video: Path
) -> None:
    upload_track(api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE)
    [start] = fake_api.start_requests
    assert start == {"filename": video.name, "trackName": "cam", "size": video.stat().st_size, "partSize": PART_SIZE}


def test_an_interrupted_upload_sends_only_the_missing_parts_when_run_again(
    api_client: NullCheckClient, fake_api: FakeApi, s3: Any, bucket: str, video: Path
) -> None:
    failing = StorageTransport(refuse=lambda part, attempt: part == 2)
    with pytest.raises(UploadError):
        upload_track(
            api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, transport=failing, concurrency=1, attempts=1
        )
    already = listed(fake_api, "cam")
    assert 2 not in already and 1 in already
    storage, lines = StorageTransport(), list[str]()

    done = upload_track(
        api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, transport=storage, report=lines.append
    )

    assert sorted(number for number, _ in storage.puts) == sorted({1, 2, 3} - set(already))
    assert lines[0] == (
        f"Resuming the upload: {len(already)} of 3 parts were already uploaded; sending {3 - len(already)}."
    )
    assert hashlib.sha256(stored_bytes(s3, bucket, done["key"])).digest() == hashlib.sha256(video.read_bytes()).digest()
    assert len({start["filename"] for start in fake_api.start_requests}) == 1


def test_a_stored_part_with_other_bytes_is_sent_again(
    api_client: NullCheckClient, fake_api: FakeApi, s3: Any, bucket: str, video: Path
) -> None:
    size = video.stat().st_size
    api_client.start_track_upload(EPISODE_ID, video.name, "cam", size=size, part_size=PART_SIZE)
    content = video.read_bytes()
    put_part(fake_api, "cam", 1, content[:PART_SIZE])
    put_part(fake_api, "cam", 2, b"x" * PART_SIZE)  # the right size, other bytes: its ETag is another MD5
    storage, lines = StorageTransport(), list[str]()

    done = upload_track(
        api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, transport=storage, report=lines.append
    )

    assert sorted(number for number, _ in storage.puts) == [2, 3]
    assert "2 of 3 parts were already uploaded (1 of them differ from the file and are sent again)" in lines[0]
    assert stored_bytes(s3, bucket, done["key"]) == content


def test_a_resumed_upload_keeps_the_part_size_it_began_with(
    api_client: NullCheckClient, fake_api: FakeApi, s3: Any, bucket: str, video: Path
) -> None:
    size, first_size = video.stat().st_size, 6 * MIB
    api_client.start_track_upload(EPISODE_ID, video.name, "cam", size=size, part_size=first_size)
    content = video.read_bytes()
    put_part(fake_api, "cam", 1, content[:first_size])
    storage = StorageTransport()

    done = upload_track(api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, transport=storage)

    assert sorted(number for number, _ in storage.puts) == [2, 3]  # 6 MiB, 6 MiB and the rest
    assert stored_bytes(s3, bucket, done["key"]) == content


def test_a_fresh_upload_says_nothing_of_resuming(api_client: NullCheckClient, fake_api: FakeApi, video: Path) -> None:
    lines: list[str] = []
    upload_track(api_client, EPISODE_ID, video, "cam", part_size=PART_SIZE, report=lines.append)
    assert not any("Resuming" in line for line in lines)
