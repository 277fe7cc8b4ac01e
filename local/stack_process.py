"""The local stack in a child process, and the resident memory of that process tree.

Measuring the local stack's memory in the process that drives it would count the driver's own
buffers too, so tests and benchmarks start the stack here, in a child process of its own, and
sample the resident memory of that child and everything it starts (ffmpeg included) from
`/proc` (Linux only).

The child (`python -m local.stack_process CONNECTION_FILE [CONFIG_JSON]`) starts a `LocalStack` on
free ports, with the `LocalStackConfig` fields CONFIG_JSON sets (a stack set up unlike the one a test
process runs itself, whose handlers have already read their environment). It creates a user of the
tenant `memory`, signs it in and writes `{apiUrl, motoUrl, bucket, idToken}` to CONNECTION_FILE once
it serves. It stops on SIGTERM or when its standard input closes, so a driver that dies takes it along.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

PROC = Path("/proc")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TENANT = "memory"
START_TIMEOUT = 60.0


def supported() -> bool:
    """Whether this system exposes what `TreeMemory` reads (Linux's /proc with task children)."""
    return (PROC / "self" / "task").is_dir() and any((PROC / "self" / "task").glob("*/children"))


class StackProcess:
    """A local stack running in a child process; `connection` says where it is and who is signed in."""

    def __init__(self, extra_env: dict[str, str] | None = None, config: dict[str, Any] | None = None) -> None:
        self._extra_env = extra_env or {}
        self._config = config or {}
        """`LocalStackConfig` fields (JSON values) the child's stack sets."""
        self._workdir = tempfile.TemporaryDirectory(prefix="local-stack-process-")
        self._process: subprocess.Popen[bytes] | None = None
        self.connection: dict[str, Any] = {}

    @property
    def pid(self) -> int:
        assert self._process is not None, "the stack process is not running"
        return self._process.pid

    def start(self, timeout: float = START_TIMEOUT) -> StackProcess:
        ready = Path(self._workdir.name) / "connection.json"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "local.stack_process", str(ready), json.dumps(self._config)],
            stdin=subprocess.PIPE,
            env={**os.environ, **self._extra_env},
            cwd=Path(__file__).resolve().parent.parent,
        )
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self._process.poll() is not None:
                raise RuntimeError(f"the local stack process exited with {self._process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local stack process did not start within {timeout:g} s")
            time.sleep(0.05)
        self.connection = json.loads(ready.read_text())
        return self

    def stop(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            if self._process.stdin:
                self._process.stdin.close()
            self._process = None
        self._workdir.cleanup()

    def __enter__(self) -> StackProcess:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


class TreeMemory:
    """Resident memory of a process and all its descendants, sampled on a thread.

    `peak` is the largest sum of resident set sizes seen in one sample (every `interval` seconds),
    or the root's own high-water mark if that is larger: the kernel keeps the root's exactly,
    between samples too, while short-lived children (ffmpeg) are only seen when sampled.
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self._sampled_peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TreeMemory:
        self.reset()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
            self._thread = None

    def reset(self) -> None:
        """Forget the peak so far (the root's high-water mark too: `clear_refs` 5, Linux 4.0+)."""
        # Without it (an older kernel) the root's mark is its lifetime peak; the samples still reset.
        with contextlib.suppress(OSError):
            (PROC / str(self.pid) / "clear_refs").write_text("5")
        with self._lock:
            self._sampled_peak = self.current()

    def current(self) -> int:
        """Resident bytes of the tree right now."""
        return sum(resident_bytes(pid) for pid in tree(self.pid))

    @property
    def peak(self) -> int:
        with self._lock:
            return max(self._sampled_peak, high_water_mark(self.pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            now = self.current()
            with self._lock:
                self._sampled_peak = max(self._sampled_peak, now)

    def __enter__(self) -> TreeMemory:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def tree(pid: int) -> list[int]:
    """The process and its descendants (those alive while the list is read)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for children in (PROC / str(current) / "task").glob("*/children"):
            try:
                pending.extend(int(child) for child in children.read_text().split())
            except OSError:
                continue  # the thread or process ended meanwhile
    return found


def resident_bytes(pid: int) -> int:
    """The process's resident set size (0 once it has ended)."""
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def high_water_mark(pid: int) -> int:
    """The process's peak resident set size as the kernel counts it (`VmHWM`), 0 if unknown."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def serve(connection_file: Path, overrides: dict[str, Any] | None = None) -> None:
    """The child: run a local stack on free ports until SIGTERM or end of standard input."""
    from local.stack import LocalStack, LocalStackConfig

    config = LocalStackConfig(**{"api_port": 0, "function_log": Path(os.devnull), **(overrides or {})})
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with LocalStack(config) as stack:
        email = f"memory-{os.getpid()}@example.com"
        password = stack.create_user(email, TENANT)
        connection = {
            "apiUrl": stack.api_url,
            "motoUrl": stack.moto_url,
            "bucket": config.bucket_name,
            "idToken": stack.sign_in(email, password)["IdToken"],
        }
        partial = connection_file.with_suffix(".partial")
        partial.write_text(json.dumps(connection))
        partial.replace(connection_file)

        def stop_when_input_ends() -> None:
            sys.stdin.read()
            stopping.set()

        threading.Thread(target=stop_when_input_ends, daemon=True).start()
        stopping.wait()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), json.loads(sys.argv[2]) if len(sys.argv) > 2 else None)
