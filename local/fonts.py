"""The names of a TrueType file, so the local renderer can ask libass for exactly the face a job names.

MediaConvert draws burned-in captions with the files a job names (`FontFileRegular`, …); libass picks fonts by
name, so the local renderer puts the job's files in the fonts folder it gives libass and names the Regular
file's face by its full name (`name` table, name ID 4: "Lato Bold"), which libass matches exactly. The
standard library reads it: the table directory, then the `name` table's records (Windows UTF-16 first).
"""

from __future__ import annotations

import struct
from pathlib import Path

from local.media import INPUT_ERROR, MediaError

FULL_NAME = 4
FAMILY = 1


def full_name(path: Path) -> str:
    """The face's full name (or its family when it has none); MediaError when the file is no TrueType font."""
    names = _names(path.read_bytes(), uri=path.name)
    name = names.get(FULL_NAME) or names.get(FAMILY)
    if not name:
        raise MediaError(INPUT_ERROR, f"Font file [{path.name}] names no font")
    return name


def _names(data: bytes, *, uri: str) -> dict[int, str]:
    """Name id → text, Windows (UTF-16BE) records before Macintosh (Roman) ones."""
    try:
        version, tables = struct.unpack_from(">IH", data, 0)
        if version not in (0x00010000, 0x74727565):  # TrueType outlines ("true" on old Macintosh fonts)
            raise ValueError("not a TrueType font")
        offset = next(
            struct.unpack_from(">I", data, 12 + 16 * number + 8)[0]
            for number in range(tables)
            if data[12 + 16 * number : 16 + 16 * number] == b"name"
        )
        _, count, strings = struct.unpack_from(">HHH", data, offset)
        found: dict[int, str] = {}
        for number in range(count):
            platform, _, _, name_id, length, start = struct.unpack_from(">HHHHHH", data, offset + 6 + 12 * number)
            raw = data[offset + strings + start : offset + strings + start + length]
            if platform == 3:
                found[name_id] = raw.decode("utf-16-be")
            elif platform == 1:
                found.setdefault(name_id, raw.decode("mac_roman"))
        return found
    except (struct.error, StopIteration, ValueError, UnicodeDecodeError) as error:
        raise MediaError(INPUT_ERROR, f"Unable to read font file [{uri}]: [{error}]") from error
