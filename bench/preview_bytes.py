"""What a player fetches to preview a clip near the end of a long track: keyframe byte ranges against whole chunks.

On the local stack (in a process of its own, 120 s chunks as deployed), the bench uploads one camera
track of `--minutes` (default 60; `bench.show_media`'s cached media: 1280x720 H.264 at about 3 Mbit/s,
a keyframe every 2 s) and the show's transcript with the CLI's client, waits for the chunks and the
clips, and takes the clip that starts last. It asks for its preview twice in the same run:

- **keyframes**: the track as chunked today, with its keyframe index: byte ranges from a keyframe;
- **whole chunks** (the baseline): the same track with its index taken off the record, as a track
  chunked before the index existed is previewed (a chunk holding several ranges is listed once per
  range: "each once" counts it once, as a player with a perfect cache would fetch it).

For each it plays the playlist as a player does (httpx: the playlist, the init section, then each
segment, honouring `EXT-X-BYTERANGE` with a `Range` header) and counts the bytes received: before
the first frame (playlist, init section and first segment) and for the whole clip, as ratios to the
clip's own bytes (its seconds at the chunks' rate, `clipBytes`). ffmpeg then decodes the keyframe
playlist from its presigned URL, to show that a player plays it. A report, not a gate: exits 0.

Run from the project root: `venv/bin/python -m bench.preview_bytes [--minutes 60]`
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import m3u8
from rich.console import Console
from rich.table import Table

from bench import show_media
from client.api import NullCheckClient, bearer
from client.uploads import upload_track, upload_transcript
from handlers.contract import TENANT_LIMIT_DEFAULTS
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from local.samples import ffmpeg_exe
from local.stack import LocalStackConfig
from local.stack_process import TENANT, StackProcess

console = Console(width=None if sys.stdout.isatty() else 120)
TRACK = "main-camera"
MB = 1_000_000


@dataclass
class Fetched:
    first_frame_bytes: int
    first_frame_seconds: float
    total_bytes: int
    total_seconds: float
    segments: int
    distinct_bytes: int
    """Each distinct (URL path, byte range) once: what a player with a perfect cache fetches."""


def play(playlist_url: str) -> Fetched:
    """Fetch what a player fetches, in order; bytes received and wall time to the first segment and to the end."""
    began = time.perf_counter()
    with httpx.Client(timeout=120) as http:
        text = http.get(playlist_url).text
        received = len(text.encode())
        playlist = m3u8.loads(text)
        maps = {(m.uri, m.byterange) for m in playlist.segment_map or []}
        for uri, byterange in maps:
            received += _get(http, uri, byterange)
        first_bytes = first_seconds = 0.0
        distinct: dict[tuple[str, str | None], int] = {}
        for number, segment in enumerate(playlist.segments):
            size = _get(http, segment.uri, segment.byterange)
            received += size
            distinct[(segment.uri.split("?", 1)[0], segment.byterange)] = size
            if number == 0:
                first_bytes, first_seconds = received, time.perf_counter() - began
    elapsed = time.perf_counter() - began
    return Fetched(int(first_bytes), first_seconds, received, elapsed, len(playlist.segments), sum(distinct.values()))


def _get(http: httpx.Client, url: str, byterange: str | None) -> int:
    headers = {}
    if byterange:
        length, offset = (int(part) for part in byterange.split("@"))
        headers["Range"] = f"bytes={offset}-{offset + length - 1}"
    with http.stream("GET", url, headers=headers) as answer:
        answer.raise_for_status()
        return sum(len(chunk) for chunk in answer.iter_bytes())


def decoded_seconds(url: str) -> float:
    """The seconds of video ffmpeg decodes from the playlist (frames at the show's rate: its `time=` jumps at
    each discontinuity)."""
    run = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", url, "-map", "0:v:0", "-f", "null", "-"],
        capture_output=True,
        timeout=600,
    )
    frames = re.findall(r"frame=\s*(\d+)", run.stderr.decode(errors="replace"))
    if run.returncode != 0 or not frames:
        return float("nan")
    return int(frames[-1]) / show_media.FRAME_RATE


def wait_for_clips(api: NullCheckClient, episode_id: str) -> None:
    deadline = time.monotonic() + 3 * 3600
    while time.monotonic() < deadline:
        episode = api.get_episode(episode_id)
        tracks = [t["status"] for t in episode.get("tracks", [])]
        if "ProcessingFailed" in tracks or episode.get("transcriptStatus") == "Invalid":
            raise SystemExit(f"the episode failed: {episode}")
        if tracks == ["Processed"] and episode.get("transcriptStatus") == "ClipsProposed":
            return
        time.sleep(5)
    raise SystemExit("timed out waiting for chunks and clips")


def drop_keyframe_index(connection: dict[str, Any], episode_id: str) -> None:
    """The track as one chunked before keyframe indexes: no `keyframeIndexKey` on its record."""
    credentials = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}
    table = boto3.resource("dynamodb", endpoint_url=connection["motoUrl"], **credentials).Table(
        LocalStackConfig().table_name
    )
    table.update_item(
        Key=records.track_key(EpisodeRef(TENANT, episode_id), TRACK), UpdateExpression="REMOVE keyframeIndexKey"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=60, help="length of the track (default 60)")
    args = parser.parse_args()
    media = show_media.prepare(args.minutes, say=console.print)
    limits = dict.fromkeys(TENANT_LIMIT_DEFAULTS, 1000)
    with StackProcess(config={"tenant_limits": limits}) as stack:
        connection = stack.connection
        with NullCheckClient(connection["apiUrl"], authorization=bearer(connection["idToken"])) as api:
            episode_id = api.create_episode("Preview bench", 1)
            console.print(f"uploading {media.tracks[TRACK].stat().st_size / 1e9:.2f} GB and the transcript…")
            upload_track(api, episode_id, media.tracks[TRACK], TRACK)
            upload_transcript(api, episode_id, media.transcript)
            wait_for_clips(api, episode_id)
            clips = api.list_clips(episode_id)
            clip = max(clips, key=lambda item: item["segments"][0]["startTime"])
            keyframes = api.clip_preview(episode_id, clip["clipId"])
            fetched = {"keyframes": play(keyframes["playlistUrl"])}
            decoded = decoded_seconds(keyframes["playlistUrl"])
            drop_keyframe_index(connection, episode_id)
            chunks = api.clip_preview(episode_id, clip["clipId"])
            fetched["whole chunks"] = play(chunks["playlistUrl"])
    report(args.minutes, clip, keyframes, chunks, fetched, decoded)


def report(
    minutes: int,
    clip: Any,
    keyframes: Any,
    chunks: Any,
    fetched: dict[str, Fetched],
    decoded: float,
) -> None:
    own = keyframes["clipBytes"]
    ranges = ", ".join(f"{r['startTime']}-{r['endTime']}" for r in keyframes["ranges"])
    console.print(f"\n{minutes} min track; clip {clip['clipId']} ({ranges}); its own bytes {own / MB:.2f} MB")
    table = Table(title="Bytes fetched to preview the clip (ratios to the clip's own bytes)")
    columns = ("addressing", "segments", "playlist s", "before first frame", "whole clip", "each once", "1st segment")
    for column in columns:
        table.add_column(column, justify="right")
    for (name, got), answer in zip(fetched.items(), (keyframes, chunks), strict=True):
        table.add_row(
            name,
            str(got.segments),
            f"{answer['durationSeconds']:.1f}",
            f"{got.first_frame_bytes / MB:.2f} MB ({got.first_frame_bytes / own:.2f}x)",
            f"{got.total_bytes / MB:.2f} MB ({got.total_bytes / own:.2f}x)",
            f"{got.distinct_bytes / MB:.2f} MB ({got.distinct_bytes / own:.2f}x)",
            f"{got.first_frame_seconds * 1000:.0f} ms",
        )
    console.print(table)
    base, new = fetched["whole chunks"], fetched["keyframes"]
    console.print(
        f"keyframes vs whole chunks, same run: {new.first_frame_bytes / base.first_frame_bytes:.3f}x the bytes before"
        f" the first frame, {new.total_bytes / base.total_bytes:.3f}x for the whole clip"
        f" ({new.distinct_bytes / base.distinct_bytes:.3f}x with each chunk fetched once);"
        f" ffmpeg decoded {decoded:.1f} s of the {keyframes['durationSeconds']:.1f} s keyframe playlist"
    )


if __name__ == "__main__":
    main()
