"""The checksum of a multipart object, equal to moto's, without reading the object at completion.

moto's `MultipartChecksumBuilder` takes whole parts at completion: COMPOSITE is a checksum of
the parts' checksums, FULL_OBJECT a checksum of the whole object joined in memory (by default
CRC64NVME, or CRC32 without the optional `awscrt`). Reading a 6 GB object back at completion took
longer than an API request may. Here each part's checksum is taken when the part arrives (its
bytes are in memory then) and completion only combines them: the COMPOSITE checksum from the
parts' digests, a FULL_OBJECT CRC from the parts' CRCs and lengths (`crc_combine`, the algebra of
zlib's `crc32_combine`). Only a FULL_OBJECT SHA checksum (which S3 does not offer) still needs
the bytes: completion then streams the parts a chunk at a time.

Algorithms and fallbacks are `moto.s3.utils.compute_checksum`'s (`crc32c` and `awscrt` are
optional libraries).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from moto.s3 import utils

PartValue = bytes | int | None
"""What a part contributes, taken when it arrives: its digest (COMPOSITE), its CRC (FULL_OBJECT
with a CRC), or nothing (FULL_OBJECT with a SHA: completion reads the part)."""


class Digest(Protocol):
    def update(self, data: bytes) -> None: ...
    def digest(self) -> bytes: ...


@dataclass(frozen=True)
class Crc:
    """A reflected CRC (zlib's convention: `function(data, previous)` continues a finished CRC)
    with initial value and final xor all ones, as CRC32, CRC32C and CRC64NVME are."""

    function: Callable[[bytes, int], int]
    width: int
    polynomial: int
    """Reflected: 0xEDB88320 for CRC32."""


class _CrcDigest:
    """A CRC updated a chunk at a time; `digest()` as `compute_checksum` encodes it (big-endian)."""

    def __init__(self, crc: Crc) -> None:
        self._crc, self._value = crc, 0

    def update(self, data: bytes) -> None:
        self._value = self._crc.function(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._crc.width // 8, "big")


CRC32 = Crc(binascii.crc32, 32, 0xEDB88320)


def crc_of(algorithm: str) -> Crc | None:
    """The CRC `compute_checksum` uses for `algorithm`, with its fallbacks; None for a SHA."""
    if algorithm == "CRC32C":
        try:
            import crc32c

            return Crc(crc32c.crc32c, 32, 0x82F63B78)
        except ImportError:
            return CRC32
    if algorithm == "CRC32":
        return CRC32
    if algorithm == "CRC64NVME":
        if utils.HAS_CRT:
            from awscrt import checksums

            return Crc(checksums.crc64nvme, 64, 0x9A6C9329AC4BC9B5)
        return CRC32
    return None


def new_digest(algorithm: str) -> Digest:
    """An incremental digest giving the bytes `compute_checksum` gives for `algorithm`."""
    crc = crc_of(algorithm)
    if crc is not None:
        return _CrcDigest(crc)
    if algorithm == "SHA1":
        return hashlib.sha1(usedforsecurity=False)
    return hashlib.sha256(usedforsecurity=False)


def _multiply(crc: Crc, a: int, b: int) -> int:
    """a * b modulo the polynomial, both reflected (zlib's `multmodp`)."""
    top = 1 << (crc.width - 1)
    product = 0
    while a:
        if a & top:
            product ^= b
        a = (a << 1) & ((1 << crc.width) - 1)
        b = (b >> 1) ^ crc.polynomial if b & 1 else b >> 1
    return product


@functools.cache
def _shift(crc: Crc, length: int) -> int:
    """x^(8 * length) modulo the polynomial: what appending `length` bytes multiplies a CRC by."""
    result, power, bits = 1 << (crc.width - 1), 1 << (crc.width - 2), 8 * length  # x^0 and x^1
    while bits:
        if bits & 1:
            result = _multiply(crc, power, result)
        power = _multiply(crc, power, power)
        bits >>= 1
    return result


def crc_combine(crc: Crc, first: int, second: int, second_length: int) -> int:
    """The CRC of A + B from the CRC of A, the CRC of B and B's length (zlib's `crc32_combine`)."""
    return _multiply(crc, _shift(crc, second_length), first) ^ second


class MultipartChecksum:
    """moto's `MultipartChecksumBuilder` for one upload's algorithm and type (moto's defaults:
    CRC64NVME, FULL_OBJECT for it and COMPOSITE for the others), from values taken per part."""

    def __init__(self, algorithm: str | None, checksum_type: str | None) -> None:
        self.algorithm = algorithm or "CRC64NVME"
        self.checksum_type = checksum_type or ("FULL_OBJECT" if self.algorithm == "CRC64NVME" else "COMPOSITE")
        self._crc = crc_of(self.algorithm)

    def of_part(self, data: bytes) -> PartValue:
        """What a part contributes (taken when it arrives, from its bytes)."""
        if self.checksum_type == "COMPOSITE":
            digest = new_digest(self.algorithm)
            digest.update(data)
            return digest.digest()
        if self._crc is not None:
            return self._crc.function(data, 0)
        return None

    def build(self, parts: Iterable[tuple[PartValue, int, Callable[[], Iterator[bytes]]]]) -> tuple[str, str, int]:
        """(type, base64 checksum, parts counted) as moto's builder returns them, from each listed
        part's (value, size, chunks): a part without a value (taken before this algorithm was
        known, or a FULL_OBJECT SHA) is read."""
        if self.checksum_type == "COMPOSITE":
            combined, count = new_digest(self.algorithm), 0
            for value, _, chunks in parts:
                combined.update(value if isinstance(value, bytes) else _digest_of(self.algorithm, chunks()))
                count += 1
            return self.checksum_type, base64.b64encode(combined.digest()).decode(), count
        if self._crc is not None:
            total = 0
            for value, size, chunks in parts:
                part_crc = value if isinstance(value, int) else int.from_bytes(_digest_of(self.algorithm, chunks()))
                total = crc_combine(self._crc, total, part_crc, size)
            return self.checksum_type, base64.b64encode(total.to_bytes(self._crc.width // 8, "big")).decode(), 1
        whole = new_digest(self.algorithm)
        for _, _, chunks in parts:
            for chunk in chunks():
                whole.update(chunk)
        return self.checksum_type, base64.b64encode(whole.digest()).decode(), 1


def _digest_of(algorithm: str, chunks: Iterator[bytes]) -> bytes:
    digest = new_digest(algorithm)
    for chunk in chunks:
        digest.update(chunk)
    return digest.digest()
