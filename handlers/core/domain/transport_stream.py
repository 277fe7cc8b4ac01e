"""Just enough of MPEG-2 transport streams (ISO/IEC 13818-1) to address chunks by byte range.

A chunk is a sequence of 188-byte packets. A player that starts reading in the middle of one needs
the chunk's Program Association and Program Map tables (its Media Initialization Section, RFC 8216
§3.2) and a video keyframe to start from. `init_section` finds the first, `keyframes` the second
(a packet that starts a video PES and carries the random access indicator, as muxers mark them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PACKET = 188
SYNC = 0x47
_PAT_PID = 0
_VIDEO_STREAM_TYPES = {0x01, 0x02, 0x1B, 0x24}
"""MPEG-1/2 video, H.264, H.265."""
PTS_HZ = 90_000


@dataclass(frozen=True)
class Packet:
    offset: int
    pid: int
    unit_start: bool
    random_access: bool
    payload: bytes


def packet_at(data: bytes | memoryview, offset: int) -> Packet | None:
    """The packet starting at `offset`, or None where there is no whole packet with its sync byte."""
    if offset + PACKET > len(data) or data[offset] != SYNC:
        return None
    raw = bytes(data[offset : offset + PACKET])
    pid = ((raw[1] & 0x1F) << 8) | raw[2]
    control = (raw[3] >> 4) & 0x3
    start = 4
    random_access = False
    if control & 0x2:  # adaptation field
        length = raw[4]
        random_access = length > 0 and bool(raw[5] & 0x40)
        start = 5 + length
    payload = raw[start:] if control & 0x1 and start < PACKET else b""
    return Packet(offset, pid, bool(raw[1] & 0x40), random_access, payload)


def packets(data: bytes | memoryview) -> Iterator[Packet]:
    for offset in range(0, len(data) - PACKET + 1, PACKET):
        packet = packet_at(data, offset)
        if packet is None:
            return
        yield packet


def _section(payload: bytes) -> bytes:
    """The PSI section a unit-start payload carries (after its pointer field)."""
    return payload[1 + payload[0] :] if payload else b""


def pmt_pid(pat_payload: bytes) -> int | None:
    """The PID of the first program's map table in a Program Association Table."""
    section = _section(pat_payload)
    if len(section) < 12 or section[0] != 0x00:
        return None
    end = 3 + (((section[1] & 0x0F) << 8) | section[2]) - 4
    for entry in range(8, min(end, len(section) - 3), 4):
        program = (section[entry] << 8) | section[entry + 1]
        if program != 0:
            return ((section[entry + 2] & 0x1F) << 8) | section[entry + 3]
    return None


def video_pid(pmt_payload: bytes) -> int | None:
    """The PID of the first video stream a Program Map Table lists."""
    section = _section(pmt_payload)
    if len(section) < 12 or section[0] != 0x02:
        return None
    end = 3 + (((section[1] & 0x0F) << 8) | section[2]) - 4
    entry = 12 + (((section[10] & 0x0F) << 8) | section[11])
    while entry + 5 <= min(end, len(section)):
        stream_type = section[entry]
        pid = ((section[entry + 1] & 0x1F) << 8) | section[entry + 2]
        if stream_type in _VIDEO_STREAM_TYPES:
            return pid
        entry += 5 + (((section[entry + 3] & 0x0F) << 8) | section[entry + 4])
    return None


@dataclass(frozen=True)
class InitSection:
    """Where a chunk's PAT and PMT sit (contiguous), and the video stream they name."""

    offset: int
    length: int
    video_pid: int


def init_section(head: bytes | memoryview) -> InitSection | None:
    """The PAT followed by its PMT among the first packets of a chunk; None when they are not there, adjacent."""
    previous: Packet | None = None
    wanted: int | None = None
    for packet in packets(head):
        if packet.pid == _PAT_PID and packet.unit_start:
            wanted = pmt_pid(packet.payload)
        elif wanted is not None and packet.pid == wanted and packet.unit_start:
            video = video_pid(packet.payload)
            if video is None or previous is None or previous.pid != _PAT_PID:
                return None
            return InitSection(previous.offset, 2 * PACKET, video)
        previous = packet
    return None


def pts_seconds(payload: bytes) -> float | None:
    """The presentation time stamp of a PES packet header, in seconds."""
    if len(payload) < 14 or payload[:3] != b"\x00\x00\x01" or not payload[7] & 0x80:
        return None
    raw = payload[9:14]
    ticks = ((raw[0] >> 1) & 0x07) << 30 | raw[1] << 22 | (raw[2] >> 1) << 15 | raw[3] << 7 | raw[4] >> 1
    return ticks / PTS_HZ


@dataclass(frozen=True)
class Keyframe:
    offset: int
    """Byte offset of the packet that starts the keyframe's PES."""
    length: int
    """Bytes from there to the next video PES (the keyframe's own packets, with what is muxed between them)."""
    pts: float
    """Its presentation time stamp, in seconds (wraps at 2^33 ticks, about 26.5 hours)."""


def keyframes(data: bytes | memoryview, video: int) -> list[Keyframe]:
    """Every video keyframe of a whole chunk, in order.

    Searching for the two header bytes a unit-start packet of the video PID has is done by `re` (in C),
    so a chunk of a few hundred megabytes is scanned in well under a second; candidates off the packet
    grid are skipped.
    """
    pattern = re.compile(re.escape(bytes([SYNC, 0x40 | (video >> 8), video & 0xFF])))
    found: list[Keyframe] = []
    pending: tuple[int, float] | None = None
    for match in pattern.finditer(data):
        if match.start() % PACKET:
            continue
        packet = packet_at(data, match.start())
        if packet is None:
            continue
        if pending is not None:
            found.append(Keyframe(pending[0], packet.offset - pending[0], pending[1]))
            pending = None
        pts = pts_seconds(packet.payload) if packet.random_access else None
        if pts is not None:
            pending = (packet.offset, pts)
    if pending is not None:
        found.append(Keyframe(pending[0], len(data) - pending[0], pending[1]))
    return found
