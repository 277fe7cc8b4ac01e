"""Memory of the local stack with a recording of several GB: upload, completion, ranged reads, processing.

A file of `--gb` GB (default 6; random bytes, incompressible as a recording is) is uploaded to a
local stack running in a process of its own (`local.stack_process`), as `nullcheck upload-track`
uploads it (`client.uploads.upload_track`: 8 MiB parts, four at a time, presigned URLs) and
completed through the API. The local MediaConvert then processes it: it reads the whole object
and ffmpeg refuses the random bytes, so the track ends `ProcessingFailed`. Last, the object is read
back in ranges (random 1 MiB ranges, each compared with the file). All along, the resident
memory of the stack's process tree (ffmpeg included) is sampled every 20 ms (with the kernel's
high-water mark of the stack process, see `local.stack_process.TreeMemory`).

Printed per phase: time, throughput and peak memory; the peak against the stack's idle memory and
against the file. Before the local S3 kept objects on disk, a 2.2 GB upload peaked at 9.0 GB
(4.1x the file). A report, not a gate: it exits 0.

Everything is removed after: the source file, and the stack's parts and object (temporary files
of the stack process, gone when it stops); the free disk space before and after is printed.

Run from the project root: `venv/bin/python -m bench.local_s3_memory [--gb 6] [--dir DIR]`
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from rich.console import Console
from rich.table import Table

from client.api import NullCheckClient, bearer
from client.uploads import upload_track
from local.stack_process import StackProcess, TreeMemory, supported

GB = 1_000_000_000
MB = 1_000_000
MIB = 1 << 20
RANGED_GETS = 50
PROCESSING_TIMEOUT = 900.0
FINAL = {"Processed", "ProcessingFailed"}
BEFORE_PEAK, BEFORE_FILE = 9.0 * GB, 2.2 * GB

console = Console()


@dataclass
class Phase:
    name: str
    seconds: float
    peak: int
    bytes_moved: int = 0
    note: str = ""


def write_recording(path: Path, size: int) -> None:
    """`size` random-looking bytes, cheaply: one random MiB, each copy stamped with its index."""
    block = bytearray(os.urandom(MIB))
    with path.open("wb") as file:
        for index, offset in enumerate(range(0, size, MIB)):
            block[:8] = index.to_bytes(8, "big")
            file.write(block[: min(MIB, size - offset)])


def measured(memory: TreeMemory, name: str, action: Callable[[], Any]) -> tuple[Phase, Any]:
    memory.reset()
    started = time.perf_counter()
    result = action()
    return Phase(name, time.perf_counter() - started, memory.peak), result


def ranged_reads(stack: StackProcess, key: str, source: Path) -> list[float]:
    """Seconds of each of RANGED_GETS random 1 MiB ranged GETs, each checked against the file."""
    s3: Any = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=stack.connection["motoUrl"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    size, times = source.stat().st_size, []
    chooser = random.Random(7)
    with source.open("rb") as file:
        for _ in range(RANGED_GETS):
            start = chooser.randrange(0, size - MIB)
            file.seek(start)
            expected = file.read(MIB)
            began = time.perf_counter()
            answer = s3.get_object(Bucket=stack.connection["bucket"], Key=key, Range=f"bytes={start}-{start + MIB - 1}")
            body = answer["Body"].read()
            times.append(time.perf_counter() - began)
            assert body == expected, f"range at {start} differs from the file"
    return times


def wait_processed(api: NullCheckClient, episode_id: str) -> str:
    deadline = time.monotonic() + PROCESSING_TIMEOUT
    while time.monotonic() < deadline:
        for track in api.get_episode(episode_id).get("tracks", []):
            if track["status"] in FINAL:
                return str(track["status"])
        time.sleep(0.5)
    raise TimeoutError("the local MediaConvert did not finish with the track")


def run(source: Path) -> tuple[int, list[Phase]]:
    size = source.stat().st_size
    phases: list[Phase] = []
    with StackProcess() as stack:
        connection = stack.connection
        with (
            TreeMemory(stack.pid) as memory,
            NullCheckClient(connection["apiUrl"], authorization=bearer(connection["idToken"])) as api,
        ):
            time.sleep(2)
            idle = memory.current()
            episode_id = api.create_episode("Memory benchmark", 1)
            complete_seconds: list[float] = []
            complete = api.complete_track_upload

            def timed_complete(*args: Any, **kwargs: Any) -> Any:
                began = time.perf_counter()
                try:
                    return complete(*args, **kwargs)
                finally:
                    complete_seconds.append(time.perf_counter() - began)

            api.complete_track_upload = timed_complete  # type: ignore[method-assign]
            phase, completed = measured(
                memory, "upload + complete", lambda: upload_track(api, episode_id, source, "main")
            )
            phase.bytes_moved = size
            phase.note = f"complete {complete_seconds[0]:.1f} s" if complete_seconds else ""
            phases.append(phase)
            phase, status = measured(memory, "MediaConvert reads it whole", lambda: wait_processed(api, episode_id))
            phase.bytes_moved = size
            phase.note = f"track {status}"
            phases.append(phase)
            phase, times = measured(
                memory, f"{RANGED_GETS} ranged GETs of 1 MiB", lambda: ranged_reads(stack, completed["key"], source)
            )
            phase.bytes_moved = RANGED_GETS * MIB
            phase.note = f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
            phases.append(phase)
    return idle, phases


def report(size: int, idle: int, phases: list[Phase]) -> None:
    table = Table(title=f"Local stack, one {size / GB:.2f} GB recording")
    for column in ("phase", "time", "MB/s", "peak memory", "peak - idle", "note"):
        table.add_column(column, justify="left" if column in ("phase", "note") else "right")
    for phase in phases:
        rate = f"{phase.bytes_moved / MB / phase.seconds:.0f}" if phase.seconds else "-"
        table.add_row(
            phase.name,
            f"{phase.seconds:.1f} s",
            rate,
            f"{phase.peak / MB:.0f} MB",
            f"{(phase.peak - idle) / MB:.0f} MB",
            phase.note,
        )
    console.print(table)
    peak = max(phase.peak for phase in phases)
    console.print(f"Idle stack: {idle / MB:.0f} MB. Peak: {peak / MB:.0f} MB = {peak / size:.3f}x the file")
    ratio = BEFORE_PEAK / BEFORE_FILE
    console.print(
        f"Before: {BEFORE_PEAK / GB:.1f} GB for a {BEFORE_FILE / GB:.1f} GB file ({ratio:.1f}x the file); "
        f"at that ratio this file would have taken {ratio * size / GB:.1f} GB."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--gb", type=float, default=6.0, help="size of the recording in GB (default 6)")
    parser.add_argument("--dir", type=Path, default=None, help="where the source file is written (default: temp)")
    args = parser.parse_args()
    if not supported():
        parser.error("this benchmark reads process memory from /proc (Linux only)")
    size = int(args.gb * GB)
    with tempfile.TemporaryDirectory(prefix="local-s3-memory-", dir=args.dir) as workdir:
        free_before = shutil.disk_usage(workdir).free
        source = Path(workdir) / "recording.bin"
        began = time.perf_counter()
        write_recording(source, size)
        console.print(f"Wrote {size / GB:.2f} GB of random bytes in {time.perf_counter() - began:.0f} s")
        idle, phases = run(source)
        source.unlink()
    report(size, idle, phases)
    free_after = shutil.disk_usage(tempfile.gettempdir() if args.dir is None else args.dir).free
    console.print(
        f"Free disk before {free_before / GB:.1f} GB, after {free_after / GB:.1f} GB (source, parts, object removed)"
    )


if __name__ == "__main__":
    main()
