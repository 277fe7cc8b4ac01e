"""A completed multipart object made of its parts' files, and keys' values written to disk.

moto's completion joins the parts in memory (several times over) and writes the result to a new
file; here the object takes over the listed parts' files and reads them as one (`PartFiles`):
no copy in memory or on disk. The ETag (md5 of the parts' md5s, `-N`) and the checksum are
moto's; the checksum is combined from values each part contributed when it arrived
(`local/moto_s3_checksums.py`), so completion reads no object bytes. moto's value setter writes a value to
memory, then copies it to disk when it is large; `value_setter` writes a large one to disk at once
and adopts a completed object's files.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

from moto.s3 import models
from moto.s3.exceptions import EntityTooSmall, InvalidPart, MalformedXML, NoSuchUpload
from moto.s3.models import FakeKey, FakeMultipart

from local.moto_s3_checksums import MultipartChecksum

CHUNK_SIZE = 1 << 20
"""Bytes read from a file at a time: what completion and a GET hold per request."""

SpooledFile = tempfile.SpooledTemporaryFile[bytes]


class PartFiles:
    """The files of a completed upload's parts, read as one file: the buffer of the object.

    Completion moves the listed parts' files here (moto disposes of the parts right after), so an
    object costs no copy and no second helping of disk. It offers what moto does with a key's
    buffer (`seek`, `tell`, `read`, `flush`, `close`), reads with `pread` (no shared file
    position), and `segments` for a streamed GET.
    """

    def __init__(self, files: list[SpooledFile], sizes: list[int]) -> None:
        self._files = files
        self._starts = list(itertools.accumulate(sizes, initial=0))
        self.size = self._starts[-1]
        self._position = 0
        self.closed = False

    def segments(self, start: int, stop: int) -> Iterator[tuple[SpooledFile, int, int]]:
        """(file, offset in it, length) of each piece of bytes [start, stop), in order."""
        index = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while start < stop and index < len(self._files):
            offset = start - self._starts[index]
            length = min(self._starts[index + 1], stop) - start
            if length > 0:
                yield self._files[index], offset, length
                start += length
            index += 1

    def read(self, size: int = -1) -> bytes:
        stop = self.size if size is None or size < 0 else min(self.size, self._position + size)
        pieces = [read_at(file, offset, length) for file, offset, length in self.segments(self._position, stop)]
        self._position = max(self._position, stop)
        return b"".join(pieces)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        self._position = max(base + offset, 0)
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        """Nothing to write: completion flushed the parts' files."""

    def close(self) -> None:
        for file in self._files:
            file.close()
        self.closed = True


class CompletedValue:
    """What completion hands to `FakeKey` (moto passes it on through `put_object`): the parts'
    files, which the patched value setter adopts as the key's buffer."""

    def __init__(self, files: PartFiles) -> None:
        self.files = files


def read_at(file: SpooledFile, offset: int, length: int) -> bytes:
    """`length` bytes at `offset` of a file on disk, without moving its position."""
    pieces = []
    while length > 0:
        piece = os.pread(file.fileno(), min(length, CHUNK_SIZE), offset)
        if not piece:
            raise OSError(f"a part's file ended before byte {offset}")
        pieces.append(piece)
        offset += len(piece)
        length -= len(piece)
    return b"".join(pieces)


def complete(
    self: FakeMultipart, body: Iterator[tuple[int, str]]
) -> tuple[CompletedValue, str, tuple[str, str, int] | None]:
    """`FakeMultipart.complete` with the parts' files moved to the object instead of joined in memory.

    The same checks in the same order (InvalidPart, EntityTooSmall, MalformedXML), the same ETag
    (md5 of the parts' md5s, `-N`) and the same checksum, combined from what each part contributed
    when it arrived. On a failure the parts stay as they were, so the upload can still be completed or
    aborted. On success each listed part keeps its ETag and size (moto answers HEAD
    `?partNumber` from them) and hands its file to the object; moto then disposes of the parts,
    which deletes the files of parts left out, as S3 does.
    """
    # One completion at a time per upload: another one sent meanwhile finds the upload gone
    # (moto's own would build the object twice, or fail on the parts the first disposed of); one
    # sent after it gets moto's idempotent answer, the object completed.
    with _completing_lock:
        if getattr(self, "_completed", False) or self.id in _completing:
            raise NoSuchUpload(upload_id=self.id)
        _completing.add(self.id)
    try:
        value, etag, checksum = _complete_once(self, body)
        setattr(self, "_completed", True)  # noqa: B010 (a mark of ours on moto's object)
        return value, etag, checksum
    finally:
        with _completing_lock:
            _completing.discard(self.id)


_completing: set[str] = set()
"""Ids of the uploads being completed."""
_completing_lock = threading.Lock()


def _complete_once(
    self: FakeMultipart, body: Iterator[tuple[int, str]]
) -> tuple[CompletedValue, str, tuple[str, str, int] | None]:
    md5s = bytearray()
    listed: list[FakeKey] = []
    for number, etag in body:
        part = self.parts.get(number)
        part_etag = None
        if part is not None:
            part_etag = part.etag.replace('"', "")
            etag = etag.replace('"', "")
        if part is None or part_etag != etag:
            raise InvalidPart()
        # Read at call time, as moto reads its module global (tests may lower it).
        if listed and listed[-1].contentsize < models.S3_UPLOAD_PART_MIN_SIZE:
            raise EntityTooSmall()
        md5s.extend(bytes.fromhex(part_etag))
        listed.append(part)
    if not listed:
        raise MalformedXML
    for part in listed:
        with part.lock:
            part._value_buffer.rollover()  # a small last part may still be in memory
            part._value_buffer.flush()
    checksum = MultipartChecksum(
        self.metadata.get("x-amz-checksum-algorithm"), self.metadata.get("x-amz-checksum-type")
    ).build((getattr(part, PART_CHECKSUM, None), part.contentsize, _chunks_of(part)) for part in listed)
    files = []
    for part in listed:
        with part.lock:
            files.append(part._value_buffer)
            # What moto's dispose will close instead: the file belongs to the object now.
            part._value_buffer = tempfile.SpooledTemporaryFile(max_size=part._max_buffer_size)  # noqa: SIM115
    full_etag = hashlib.md5(bytes(md5s), usedforsecurity=False)
    value = CompletedValue(PartFiles(files, [part.contentsize for part in listed]))
    return value, f"{full_etag.hexdigest()}-{len(listed)}", checksum


def _chunks_of(part: FakeKey) -> Callable[[], Iterator[bytes]]:
    """A part's bytes a chunk at a time, when a checksum needs them after all."""

    def chunks() -> Iterator[bytes]:
        for start in range(0, part.contentsize, CHUNK_SIZE):
            yield read_at(part._value_buffer, start, min(CHUNK_SIZE, part.contentsize - start))

    return chunks


PART_CHECKSUM = "_part_checksum"
"""The attribute of a part's key holding what it contributes to the object's checksum."""


def set_part_checksummed(original: Callable[[FakeMultipart, int, bytes], FakeKey]) -> Callable[..., FakeKey]:
    def set_part(self: FakeMultipart, part_id: int, value: bytes) -> FakeKey:
        """moto's `set_part`, which also takes the part's contribution to the object's checksum
        while its bytes are in memory, so completion need not read them back."""
        key = original(self, part_id, value)
        if isinstance(value, bytes | bytearray | memoryview):
            checksum = MultipartChecksum(
                self.metadata.get("x-amz-checksum-algorithm"), self.metadata.get("x-amz-checksum-type")
            )
            setattr(key, PART_CHECKSUM, checksum.of_part(bytes(value)))
        return key

    return set_part


def value_setter(original: Callable[[FakeKey, Any], None] | None) -> Callable[[FakeKey, Any], None]:
    assert original is not None

    def set_value(self: FakeKey, new_value: Any) -> None:
        """moto's setter, but a completed upload's files are adopted as they are, and a value too
        large for memory goes to disk before it is written (moto writes to memory, then copies)."""
        if isinstance(new_value, CompletedValue):
            self._value_buffer.close()
            # Not a SpooledTemporaryFile, but all of it that moto uses (see PartFiles).
            self._value_buffer = new_value.files  # type: ignore[assignment]
            self.contentsize = new_value.files.size
            return
        if isinstance(self._value_buffer, PartFiles):  # a new value for a completed object
            self._value_buffer.close()
            self._value_buffer = tempfile.SpooledTemporaryFile(max_size=self._max_buffer_size)  # noqa: SIM115
        if isinstance(new_value, bytes | bytearray | memoryview) and len(new_value) > self._max_buffer_size:
            self._value_buffer.rollover()
        original(self, new_value)

    return set_value
