"""An upload killed half way resumes: the CLI, run again on the same file, sends only the missing parts.

The CLI runs as a user runs it (`python -m client upload-track`, in a process of its own, signed in
with `NULLCHECK_TOKEN`) and is killed (SIGKILL) once storage has received a few of its parts. The
parts are counted where they arrive: moto's `S3Backend.upload_part`, in this process (the local
stack runs in the test's process), is wrapped to record each part it stores, and slowed down during
the first run so that the kill lands half way. What storage holds before the second run is read
through the API (`GET …/parts`) and checked here against the file's MD5 per part; the second run
must store exactly the other parts, and the completed object must be the file, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from moto.s3.models import S3Backend

from local.stack import LocalStack
from tests.e2e.conftest import SignedIn

pytestmark = pytest.mark.e2e

MIB = 1 << 20
PART_MIB = 5
FILE_SIZE = 42 * MIB + 12_345  # nine parts of 5 MiB, the last one short
PARTS = -(-FILE_SIZE // (PART_MIB * MIB))
KILL_AFTER = 3
"""Parts storage must have received before the first run is killed."""
SLOW_PART_SECONDS = 0.4
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StoredParts:
    """Every part moto stores (upload id, part number), and how many are being stored right now."""

    delay: float = 0.0
    stored: list[tuple[str, int]] = field(default_factory=list)
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, upload_id: str) -> list[int]:
        with self.lock:
            return [number for upload, number in self.stored if upload == upload_id]

    def settled(self, timeout: float = 10.0) -> None:
        """Wait until no part is being stored (a killed client's last PUTs may still be arriving)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if self.in_flight == 0:
                    return
            assert time.monotonic() < deadline, "storage is still storing parts"
            time.sleep(0.05)


@pytest.fixture
def storage(monkeypatch: pytest.MonkeyPatch) -> StoredParts:
    """Counts the parts the local S3 stores (moto serves the presigned PUTs in this process)."""
    parts = StoredParts()
    original: Callable[..., Any] = S3Backend.upload_part

    def upload_part(self: S3Backend, bucket_name: str, multipart_id: str, part_id: int, value: Any) -> Any:
        with parts.lock:
            parts.in_flight += 1
        try:
            time.sleep(parts.delay)
            stored = original(self, bucket_name, multipart_id, part_id, value)
            with parts.lock:
                parts.stored.append((multipart_id, int(part_id)))
            return stored
        finally:
            with parts.lock:
                parts.in_flight -= 1

    monkeypatch.setattr(S3Backend, "upload_part", upload_part)
    return parts


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "Main Camera.mp4"
    path.write_bytes(os.urandom(FILE_SIZE))
    return path


def cli(stack: LocalStack, token: str, home: Path, *arguments: str) -> subprocess.Popen[str]:
    """`nullcheck` in a process of its own, signed in with the token, its config under `home`."""
    environment = {
        **os.environ,
        "NULLCHECK_API": stack.api_url,
        "NULLCHECK_TOKEN": token,
        "XDG_CONFIG_HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "client", *arguments],
        cwd=home,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def part_md5s(path: Path) -> dict[int, str]:
    content, size = path.read_bytes(), PART_MIB * MIB
    return {n + 1: hashlib.md5(content[o : o + size]).hexdigest() for n, o in enumerate(range(0, len(content), size))}


@pytest.fixture
def episode_id(api: httpx.Client) -> Iterator[str]:
    answer = api.post("/episodes", json={"title": "Resumed", "episodeNumber": 3})
    assert answer.status_code == 201
    yield str(answer.json()["id"])


def test_an_upload_killed_half_way_sends_only_the_missing_parts_when_run_again(
    stack: LocalStack,
    token: str,
    api: httpx.Client,
    episode_id: str,
    storage: StoredParts,
    recording: Path,
    tmp_path: Path,
) -> None:
    command = ("upload-track", episode_id, str(recording), "--track", "main", "--part-size", str(PART_MIB))
    storage.delay = SLOW_PART_SECONDS
    first = cli(stack, token, tmp_path, *command, "--concurrency", "2")
    try:
        deadline = time.monotonic() + 60
        while len(storage.stored) < KILL_AFTER:
            assert first.poll() is None, f"the first run ended before it was killed: {first.communicate()[0]}"
            assert time.monotonic() < deadline, "the first run stored no parts"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.communicate()
    storage.delay = 0.0
    storage.settled()
    upload_id = storage.stored[0][0]
    first_run = storage.of(upload_id)
    assert KILL_AFTER <= len(first_run) < PARTS, first_run

    # What storage holds, through the API; kept only where it is the file's bytes.
    listed = api.get(f"/episodes/{episode_id}/tracks/main/parts", params={"uploadId": upload_id})
    assert listed.status_code == 200, listed.text
    held = listed.json()
    assert (held["size"], held["partSize"]) == (FILE_SIZE, PART_MIB * MIB)
    md5s = part_md5s(recording)
    good = {part["partNumber"] for part in held["parts"] if part["etag"] == f'"{md5s[part["partNumber"]]}"'}
    assert good and len(good) == len(held["parts"]) == len(set(first_run))
    before = len(storage.stored)

    second = cli(stack, token, tmp_path, *command, "--concurrency", "4")
    output, _ = second.communicate(timeout=120)

    assert second.returncode == 0, output
    resumed = [number for upload, number in storage.stored[before:] if upload == upload_id]
    assert sorted(resumed) == sorted(set(range(1, PARTS + 1)) - good), output
    assert f"{len(good)} of {PARTS} parts were already uploaded; sending {PARTS - len(good)}." in output
    assert all(upload == upload_id for upload, _ in storage.stored), "the second run opened another upload"

    s3 = stack.client("s3")
    body = s3.get_object(Bucket=stack.config.bucket_name, Key=f"media/e2e/{episode_id}/tracks/main.mp4")["Body"]
    digest = hashlib.sha256()
    for chunk in iter(lambda: body.read(MIB), b""):
        digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(recording.read_bytes()).hexdigest()
    track = next(t for t in api.get(f"/episodes/{episode_id}").json()["tracks"] if t["trackName"] == "main")
    assert track["uploadId"] == upload_id


def test_the_parts_of_an_upload_are_the_tenants_own(api: httpx.Client, episode_id: str, signed_in: SignedIn) -> None:
    started = api.post(
        f"/episodes/{episode_id}/tracks",
        json={"filename": "cam.mp4", "trackName": "cam", "size": 6 * MIB, "partSize": 5 * MIB},
    )
    assert started.status_code == 200, started.text
    path, upload_id = f"/episodes/{episode_id}/tracks/cam/parts", started.json()["uploadId"]
    assert api.get(path, params={"uploadId": upload_id}).json() == {"parts": [], "size": 6 * MIB, "partSize": 5 * MIB}

    other = signed_in("another-studio").get(path, params={"uploadId": upload_id})
    missing = api.get(path)
    empty = api.get(path, params={"uploadId": ""})

    assert other.status_code == 404 and "parts" not in other.json()
    assert missing.status_code == 400 and "uploadId" in missing.text
    assert empty.status_code == 400
