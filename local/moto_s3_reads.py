"""GetObject answered from disk a chunk at a time, only the range asked for.

moto's GetObject reads a key's whole value into memory and its range handling slices it. Here the
key is handed to moto's GetObject as a `_StreamedKey`, whose value is an `ObjectBody`: sized and
sliceable as bytes are (so moto's range handling works unchanged) and read from the key's files
while werkzeug sends it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from moto.s3.models import FakeKey
from moto.s3.responses import S3Response

from local.moto_s3_objects import CHUNK_SIZE, PartFiles, SpooledFile


def _segments(key: FakeKey, start: int, stop: int) -> Iterator[tuple[SpooledFile, int, int]]:
    buffer = key._value_buffer
    if isinstance(buffer, PartFiles):
        return buffer.segments(start, stop)
    return iter([(buffer, start, stop - start)] if stop > start else [])


class ObjectBody:
    """Bytes [start, stop) of a key on disk, read a chunk at a time while the answer is sent.

    Sized and sliceable as `bytes` are, which is all moto's range handling asks of a body; an
    iterable of bytes, which is all werkzeug needs to stream it. It holds the key, so an object
    deleted meanwhile is still read whole (moto closes a key's files when the key is collected);
    each file is read through a duplicate of its descriptor, so even a key disposed of mid-answer
    cannot make it read another file that reused the number.
    """

    def __init__(self, key: FakeKey, start: int = 0, stop: int | None = None) -> None:
        self._key = key
        self.start = start
        self.stop = key.size if stop is None else stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, index: slice) -> ObjectBody:
        if not isinstance(index, slice):
            raise TypeError("an object body is only sliced")
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("an object body is only sliced contiguously")
        return ObjectBody(self._key, self.start + start, self.start + max(start, stop))

    def __iter__(self) -> Iterator[bytes]:
        for file, offset, length in _segments(self._key, self.start, self.stop):
            with self._key.lock:
                file.flush()
                descriptor = os.dup(file.fileno())
            try:
                for start in range(offset, offset + length, CHUNK_SIZE):
                    chunk = os.pread(descriptor, min(CHUNK_SIZE, offset + length - start), start)
                    if not chunk:
                        raise OSError(f"the object's file ended before byte {start}")
                    yield chunk
            finally:
                os.close(descriptor)


class _StreamedKey:
    """A key whose `value` is an `ObjectBody` when its bytes are on disk (every other attribute is
    the key's): what `S3Response.get_object` reads while it builds a GET answer."""

    def __init__(self, key: FakeKey) -> None:
        self._key = key

    @property
    def value(self) -> bytes | ObjectBody:
        key = self._key
        # A completed upload, or a value above the in-memory limit, is on disk; below it, a copy is cheap.
        on_disk = isinstance(key._value_buffer, PartFiles) or key.size > key._max_buffer_size
        return ObjectBody(key) if on_disk else key.value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._key, name)


def streamed_get_object(original: Callable[[S3Response], Any]) -> Callable[[S3Response], Any]:
    def get_object(self: S3Response) -> Any:
        """moto's GetObject, answering with a streamed body: the key it looks up (this request's
        own `_get_key`) is handed over as a `_StreamedKey`. Only for moto's server: in-process
        mocks (`mock_aws`) hand the body to botocore, which wants bytes."""
        if not self.is_werkzeug_request:
            return original(self)
        find_key = self._get_key

        def streamed_key(*args: Any, **kwargs: Any) -> tuple[Any, bool]:
            key, not_modified = find_key(*args, **kwargs)
            return _StreamedKey(key), not_modified

        # Per request: moto makes an S3Response for every request it serves.
        setattr(self, "_get_key", streamed_key)  # noqa: B010
        try:
            return original(self)
        finally:
            delattr(self, "_get_key")

    return get_object
