"""An S3 that takes its time to complete a multipart upload, so tests meet a slow completion without a 6 GB file.

S3 documents that `CompleteMultipartUpload` can take minutes for a large object, longer than an API
request may last. moto completes any upload at once; while `install(seconds)` is in effect, moto's
S3 backend waits `seconds` before each completion (in the server thread answering it, so the
client's request waits too, as it does on S3). A repeated complete of an upload moto already
completed answers at once, as moto answers it without reaching the backend.

The wrapper goes around whatever `S3Backend.complete_multipart_upload` is when it is installed (moto's
own, or another patch of it) and carries the wrapped function's source (`functools.wraps`), so code
that pins moto's sources (`local/moto_s3.py`) still sees moto's. Process-wide, as moto's backends are.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.s3.models import S3Backend

_lock = threading.Lock()
_installed: list[tuple[Callable[..., Any], Callable[..., Any]]] = []
"""(the wrapped function, the wrapper) while installed."""
_delay = 0.0


def install(seconds: float) -> None:
    """From now on every completion takes `seconds` longer (installing again changes the delay)."""
    global _delay
    if seconds < 0:
        raise ValueError("the delay cannot be negative")
    with _lock:
        _delay = seconds
        if _installed:
            return
        original = S3Backend.complete_multipart_upload

        @functools.wraps(original)
        def complete_multipart_upload(self: S3Backend, *args: Any, **kwargs: Any) -> Any:
            time.sleep(_delay)
            return original(self, *args, **kwargs)

        _installed.append((original, complete_multipart_upload))
        # setattr: a method replaced on moto's class, which mypy would refuse.
        setattr(S3Backend, "complete_multipart_upload", complete_multipart_upload)  # noqa: B010


def uninstall() -> None:
    """Completions take no extra time again: the wrapped function is put back, unless another patch was
    installed over the wrapper since (then the wrapper stays, waiting 0 s, so that patch is kept)."""
    global _delay
    with _lock:
        _delay = 0.0
        if _installed and S3Backend.complete_multipart_upload is _installed[-1][1]:
            original, _ = _installed.pop()
            setattr(S3Backend, "complete_multipart_upload", original)  # noqa: B010


def delay() -> float:
    """The extra seconds each completion takes now."""
    return _delay


@contextmanager
def slowed(seconds: float) -> Iterator[None]:
    """Completions take `seconds` longer inside the block, then as long as before it."""
    before = delay()
    install(seconds)
    try:
        yield
    finally:
        if before:
            install(before)
        else:
            uninstall()
