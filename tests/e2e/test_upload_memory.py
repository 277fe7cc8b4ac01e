"""The local stack's memory does not grow with the size of a recording.

moto used to hold a whole upload in memory, several times over, while completing it and for
every GET: a 2.2 GB recording peaked at 9 GB. Here the stack runs in a child process of its own
(`local.stack_process`), files of 200 MB and 600 MB are uploaded as the CLI uploads them
(`client.uploads.upload_track`: 8 MiB parts, four at a time, through presigned URLs), read back in
ranges, and processed by the local MediaConvert (which reads the whole object and fails on these
random bytes). The peak resident memory of the stack's process tree, ffmpeg included, must be
about the same for both.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from client.api import NullCheckClient, bearer
from client.uploads import upload_track
from local.stack_process import StackProcess, TreeMemory, supported

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not supported(), reason="reads process memory from /proc (Linux)"),
]

MB = 1_000_000
MIB = 1 << 20
SMALL, LARGE = 200 * MB, 600 * MB
GROWTH_MARGIN = 100 * MB
"""How much more the 600 MB upload may take than the 200 MB one (it took 1.8 GB more before)."""
CEILING = 1000 * MB
FINAL = {"Processed", "ProcessingFailed"}
PROCESSING_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def stack() -> Iterator[StackProcess]:
    with StackProcess() as running:
        yield running


def write_recording(path: Path, size: int) -> Path:
    """`size` cheap random-looking bytes: one random MiB, each copy stamped with its index."""
    block = bytearray(os.urandom(MIB))
    with path.open("wb") as file:
        for index, offset in enumerate(range(0, size, MIB)):
            block[:8] = index.to_bytes(8, "big")
            file.write(block[: min(MIB, size - offset)])
    return path


def read_back(stack: StackProcess, key: str, path: Path) -> None:
    """HEAD and a few ranged GETs of the object, compared with the file."""
    s3: Any = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=stack.connection["motoUrl"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    size = path.stat().st_size
    assert s3.head_object(Bucket=stack.connection["bucket"], Key=key)["ContentLength"] == size
    with path.open("rb") as file:
        # The start, across the first part boundary, the middle, the end.
        for start in sorted({0, min(8 * MIB - 10, size - 1), size // 2, max(size - 1000, 0)}):
            file.seek(start)
            expected = file.read(1000)
            answer = s3.get_object(
                Bucket=stack.connection["bucket"], Key=key, Range=f"bytes={start}-{start + len(expected) - 1}"
            )
            assert answer["Body"].read() == expected


def upload_peak(stack: StackProcess, path: Path) -> int:
    """Peak resident bytes of the stack's tree while `path` is uploaded, read back and processed."""
    with (
        TreeMemory(stack.pid) as memory,
        NullCheckClient(stack.connection["apiUrl"], authorization=bearer(stack.connection["idToken"])) as api,
    ):
        episode_id = api.create_episode(f"Memory {path.name}", 1)
        completed = upload_track(api, episode_id, path, "main")
        read_back(stack, completed["key"], path)
        deadline = time.monotonic() + PROCESSING_TIMEOUT
        while not any(track["status"] in FINAL for track in api.get_episode(episode_id).get("tracks", [])):
            assert time.monotonic() < deadline, "the local MediaConvert did not finish with the track"
            time.sleep(0.2)
        return memory.peak


def test_peak_memory_does_not_grow_with_the_upload(stack: StackProcess, tmp_path: Path) -> None:
    # Every code path once (imports, first ffmpeg), so neither measured upload pays for it.
    upload_peak(stack, write_recording(tmp_path / "warm-up.bin", 6 * MIB))
    peaks = {}
    for size in (SMALL, LARGE):
        path = write_recording(tmp_path / f"{size // MB}MB.bin", size)
        try:
            peaks[size] = upload_peak(stack, path)
        finally:
            path.unlink()

    growth = peaks[LARGE] - peaks[SMALL]
    summary = f"peaks {peaks[SMALL] // MB} MB (200 MB upload), {peaks[LARGE] // MB} MB (600 MB upload)"
    assert growth < GROWTH_MARGIN, summary
    assert peaks[LARGE] < CEILING, summary
