"""moto's S3 with object bytes kept on disk: the local stack's memory is bounded by a part, not a recording.

moto keeps every part and object in a `SpooledTemporaryFile` (on disk above about 5 MiB), but
three of its steps hold whole objects in memory: completing a multipart upload joins the parts in
a `bytearray`, copies it to `bytes` and joins them once more for the full-object checksum; a
value written to a key goes to memory first and is copied to disk afterwards; and a GET, ranged
or not, reads the whole object before slicing it. A 2.2 GB upload peaked at 9 GB. `install()`
replaces exactly those steps:

- completion moves the listed parts' files to the object, which reads them as one file (no copy
  in memory or on disk), with the same ETag (md5 of the parts' md5s, `-N`) and the same checksum
  as moto, combined from what each part contributed when it arrived (`set_part`), so it reads no
  object bytes and takes no longer for a 6 GB recording than for a small one; the parts keep their
  ETags and sizes (HEAD with `partNumber`);
- a value larger than the in-memory limit is written straight to disk;
- a GET of an object on disk answers with a body that reads its files in chunks as it is sent,
  and moto's own range handling slices that body, so only the range asked for is read;
- ListParts pages by part number, as S3 does (moto lost parts of an upload with gaps in its part
  numbers: `local/moto_s3_parts.py`), so a client resuming an interrupted upload sees every part.

Every part or object on disk is an open temporary file, and a completed upload keeps its parts'
files (up to 10,000): `allow_open_files()` raises the process's limit of open files.

Everything else is moto's own code: parsing, validation, ListParts' answer, AbortMultipartUpload, HEAD,
headers, and the S3 → EventBridge notifications (built from the key's name, size and ETag, which
are the same as before).

The patches live in `local/moto_s3_objects.py` (completion, writing a value),
`local/moto_s3_reads.py` (GetObject), `local/moto_s3_parts.py` (ListParts' pages) and
`local/moto_s3_checksums.py`; this module checks moto
and installs them. They are written against the pinned moto: `install()` refuses any other
version, and any change to the source of a function they replace or rely on (`PINNED_SOURCES`),
naming what changed, so an upgrade is reviewed rather than silently undoing the bound (or
corrupting the bytes).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import threading
from collections.abc import Callable
from typing import Any

from moto.core.responses import BaseResponse
from moto.core.utils import convert_to_flask_response
from moto.s3 import utils
from moto.s3.models import FakeKey, FakeMultipart, MultipartChecksumBuilder, S3Backend
from moto.s3.responses import S3Response

from local import moto_s3_parts
from local.moto_s3_objects import complete, set_part_checksummed, value_setter
from local.moto_s3_reads import streamed_get_object

PINNED_MOTO = "5.2.5"

PINNED_SOURCES: dict[str, str] = {
    # Replaced.
    "FakeMultipart.complete": "a5cd01f2f2f28c9b",
    "FakeMultipart.set_part": "87e31635d97f3a10",
    "FakeKey.value.fset": "519ac4d9ad6adcd8",
    "S3Response.get_object": "e9731229dec14fcd",
    "FakeMultipart.list_parts": "9a3450c7e8f78a03",
    "S3Backend.is_truncated": "e7303f3271264d71",
    # Relied on: how the assembled value reaches the key, how bytes are read and answered.
    "FakeKey.__init__": "cd9d1347667a9ccf",
    "FakeKey.value.fget": "5e9a53c3d82cc883",
    "FakeKey.etag.fget": "aa3062e82e089cb3",
    "FakeKey.dispose": "3e18a93bddaad7ba",
    "MultipartChecksumBuilder.__init__": "a05011269a1a5479",
    "MultipartChecksumBuilder.addPart": "c68e6c318daee32e",
    "MultipartChecksumBuilder.build": "7acda6d3637d74e3",
    "compute_checksum": "30a7569e3106abf8",
    "S3Backend.complete_multipart_upload": "f16c9a08e5db3f4f",
    "S3Backend.put_object": "db803f2da9d786ad",
    "S3Response._get_key": "f196655b011dc07a",
    "S3Response.key_response": "482dd528b49e0359",
    "S3Response._handle_range_header": "d6480a54a4dff374",
    "S3Response._send_response": "1637e0b7d5eef536",
    "BaseResponse._enrich_response": "86cd4a4051dd20e8",
    "BaseResponse.setup_class": "0045fc77574abb17",
    "S3Backend.list_parts": "7b409abd24a3b385",
    "S3Response.list_parts": "c4391890df0169a6",
    "convert_to_flask_response.__call__": "2c82766d05909ebb",
}
"""The first 16 hex digits of the sha256 of each function's source in the pinned moto."""

_ORIGINALS: dict[str, Any] = {}
"""moto's own `complete`, `set_part`, `value` property, `get_object`, `list_parts` and `is_truncated`,
once `install()` has replaced them."""
_install_lock = threading.Lock()


def _pinned_functions() -> dict[str, Callable[..., Any]]:
    """The functions `PINNED_SOURCES` names, as moto defines them (not as patched)."""
    value = _ORIGINALS.get("value") or inspect.getattr_static(FakeKey, "value")
    return {
        "FakeMultipart.complete": _ORIGINALS.get("complete") or FakeMultipart.complete,
        "FakeMultipart.set_part": _ORIGINALS.get("set_part") or FakeMultipart.set_part,
        "FakeKey.value.fset": value.fset,
        "S3Response.get_object": _ORIGINALS.get("get_object") or S3Response.get_object,
        "FakeMultipart.list_parts": _ORIGINALS.get("list_parts") or FakeMultipart.list_parts,
        "S3Backend.is_truncated": _ORIGINALS.get("is_truncated") or S3Backend.is_truncated,
        "FakeKey.__init__": FakeKey.__init__,
        "FakeKey.value.fget": value.fget,
        "FakeKey.etag.fget": inspect.getattr_static(FakeKey, "etag").fget,
        "FakeKey.dispose": FakeKey.dispose,
        "MultipartChecksumBuilder.__init__": MultipartChecksumBuilder.__init__,
        "MultipartChecksumBuilder.addPart": MultipartChecksumBuilder.addPart,
        "MultipartChecksumBuilder.build": MultipartChecksumBuilder.build,
        "compute_checksum": utils.compute_checksum,
        "S3Backend.complete_multipart_upload": S3Backend.complete_multipart_upload,
        "S3Backend.put_object": S3Backend.put_object,
        "S3Response._get_key": S3Response._get_key,
        "S3Response.key_response": S3Response.key_response,
        "S3Response._handle_range_header": S3Response._handle_range_header,
        "S3Response._send_response": S3Response._send_response,
        "BaseResponse._enrich_response": BaseResponse._enrich_response,
        "BaseResponse.setup_class": BaseResponse.setup_class,
        "S3Backend.list_parts": S3Backend.list_parts,
        "S3Response.list_parts": S3Response.list_parts,
        "convert_to_flask_response.__call__": convert_to_flask_response.__call__,
    }


def source_digest(function: Callable[..., Any]) -> str:
    """The first 16 hex digits of the sha256 of a function's source."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def moto_digests() -> dict[str, str]:
    """`PINNED_SOURCES` as the installed moto has them."""
    return {name: source_digest(function) for name, function in _pinned_functions().items()}


def differences() -> list[str]:
    """What keeps the patches from applying: another moto version, or functions whose source changed."""
    version = importlib.metadata.version("moto")
    if version != PINNED_MOTO:
        return [f"moto {version} is installed, the patches are written for moto {PINNED_MOTO}"]
    found = moto_digests()
    return [f"{name} changed" for name, digest in PINNED_SOURCES.items() if found.get(name) != digest]


def install() -> None:
    """Patch moto's S3 in this process (once); RuntimeError when moto is not the one they fit."""
    with _install_lock:
        if _ORIGINALS:
            return
        problems = differences()
        if problems:
            raise RuntimeError(
                "local.moto_s3 does not fit the installed moto (review the patches, then update "
                "PINNED_MOTO and PINNED_SOURCES): " + "; ".join(problems)
            )
        value: property = inspect.getattr_static(FakeKey, "value")
        _ORIGINALS.update(
            complete=FakeMultipart.complete,
            set_part=FakeMultipart.set_part,
            value=value,
            get_object=S3Response.get_object,
            list_parts=FakeMultipart.list_parts,
            is_truncated=S3Backend.is_truncated,
        )
        # setattr: methods and a property replaced on moto's classes, which mypy would refuse.
        setattr(FakeMultipart, "complete", complete)  # noqa: B010
        setattr(FakeMultipart, "set_part", set_part_checksummed(FakeMultipart.set_part))  # noqa: B010
        setattr(FakeKey, "value", value.setter(value_setter(value.fset)))  # noqa: B010
        setattr(S3Response, "get_object", streamed_get_object(S3Response.get_object))  # noqa: B010
        setattr(FakeMultipart, "list_parts", moto_s3_parts.list_parts)  # noqa: B010
        setattr(S3Backend, "is_truncated", moto_s3_parts.is_truncated)  # noqa: B010


def installed() -> bool:
    return bool(_ORIGINALS)


OPEN_FILES = 1 << 18
"""The soft limit of open files the local stack asks for (within the hard limit)."""


def allow_open_files(wanted: int = OPEN_FILES) -> int:
    """Raise this process's soft limit of open files towards `wanted` and return the limit.

    Every S3 object or part larger than moto's in-memory limit is an open temporary file, and a
    completed upload keeps one per part (8 MiB each from the CLI: 128 per GB, up to 10,000), while
    many systems start processes with a limit of 1,024. Open files cost the kernel a little
    memory each, not the process. Where the system refuses `wanted` (macOS caps it below its
    "unlimited" hard limit), half as many is asked for, down to what it gave.
    """
    try:
        import resource
    except ImportError:  # not a POSIX system
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    while soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            return wanted
        except (ValueError, OSError):
            wanted //= 2
    return int(soft)
