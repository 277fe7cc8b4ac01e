"""The I-frame only playlist MediaConvert writes beside an HLS rendition (`IFrameOnlyManifest: INCLUDE`).

The bundled ffmpeg has no ffprobe and its HLS muxer writes no I-frame playlist, so the segments are
scanned for their keyframes (`handlers.core.domain.transport_stream`) and the playlist written as
MediaConvert does: one entry per keyframe, `EXT-X-BYTERANGE` of the keyframe's packets inside its
segment, `EXTINF` the time to the next keyframe, listed in the multivariant playlist by an
`EXT-X-I-FRAME-STREAM-INF` tag. Segments are memory-mapped, so a long rendition is scanned in
bounded memory.
"""

from __future__ import annotations

import math
import mmap
from pathlib import Path

import m3u8

from handlers.core.domain import transport_stream

SUFFIX = "_I-Frame.m3u8"
_HEAD_BYTES = 16 * transport_stream.PACKET


def write(out_dir: Path, master: str, media: str) -> str | None:
    """Write the I-frame playlist of the media playlist `media` and list it in `master`; its name, or
    None when the segments carry no video keyframes the scan can find (nothing is written then)."""
    playlist = m3u8.load(str(out_dir / media))
    names = [str(segment.uri) for segment in playlist.segments]
    durations = [float(segment.duration or 0) for segment in playlist.segments]
    if not names:
        return None
    with (out_dir / names[0]).open("rb") as file:
        init = transport_stream.init_section(file.read(_HEAD_BYTES))
    if init is None:
        return None
    entries: list[tuple[str, transport_stream.Keyframe, float]] = []
    base: float | None = None
    for name in names:
        for keyframe in _scan(out_dir / name, init.video_pid):
            base = keyframe.pts if base is None else base
            entries.append((name, keyframe, keyframe.pts - base))
    if not entries:
        return None
    total = sum(durations)
    lines = ["#EXTM3U", "#EXT-X-VERSION:4"]
    body, longest, peak = [], 0.0, 0
    for index, (name, keyframe, start) in enumerate(entries):
        end = entries[index + 1][2] if index + 1 < len(entries) else total
        duration = max(end - start, 0.001)
        longest = max(longest, duration)
        peak = max(peak, math.ceil(keyframe.length * 8 / duration))
        body += [f"#EXTINF:{duration:.5f},", f"#EXT-X-BYTERANGE:{keyframe.length}@{keyframe.offset}", name]
    name = media.removesuffix(".m3u8") + SUFFIX
    lines += [
        f"#EXT-X-TARGETDURATION:{math.ceil(longest)}",
        "#EXT-X-MEDIA-SEQUENCE:1",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-I-FRAMES-ONLY",
        *body,
        "#EXT-X-ENDLIST",
    ]
    (out_dir / name).write_text("\n".join(lines) + "\n")
    with (out_dir / master).open("a") as file:
        file.write(f'#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH={peak},URI="{name}"\n')
    return name


def _scan(path: Path, video_pid: int) -> list[transport_stream.Keyframe]:
    with path.open("rb") as file:
        if path.stat().st_size == 0:
            return []
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped, memoryview(mapped) as data:
            return transport_stream.keyframes(data, video_pid)
