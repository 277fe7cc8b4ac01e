"""Rendering a job of several inputs (MediaConvert concatenates them in order): one part per input, then joined.

Each input is rendered on its own, exactly as a one-input job is (`rendering.prepare`: its
clippings, its captions burned in at its own times, its audio or its external audio file), into
a part with the output's size and codecs; the parts are then joined without re-encoding (the
concat demuxer, `-c copy`). One ffmpeg at a time, each reading one input: memory stays that of a
one-input render however many inputs (up to 150) the job has. Every file is downloaded once, to
disk, however many inputs name it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import srt

from local import rendering
from local.job_inputs import InputSpec, S3Location
from local.job_settings import RenderSettings
from local.media import MediaInfo

PARTS_LIST = "parts.txt"


@dataclass(frozen=True)
class FetchedInput:
    """An input as read: its file on disk, what probing it found, its captions and its external audio file."""

    spec: InputSpec
    source: Path
    info: MediaInfo
    subtitles: list[srt.Subtitle] | None = None
    audio_from: Path | None = None


def fetch_inputs(
    specs: Sequence[InputSpec],
    folder: Path,
    *,
    download: Callable[[S3Location, Path], None],
    probe: Callable[[S3Location, Path], MediaInfo],
    subtitles: Callable[[S3Location], list[srt.Subtitle]],
    known: dict[str, tuple[Path, MediaInfo]] | None = None,
) -> list[FetchedInput]:
    """Download (once per file), probe and read every input; `known`: files already downloaded, by URI."""
    files: dict[str, tuple[Path, MediaInfo]] = dict(known or {})
    captions: dict[str, list[srt.Subtitle]] = {}

    def local_file(location: S3Location) -> tuple[Path, MediaInfo]:
        if location.uri not in files:
            path = folder / f"{len(files):03d}-{PurePosixPath(location.key).name}"
            download(location, path)
            files[location.uri] = (path, probe(location, path))
        return files[location.uri]

    fetched = []
    for spec in specs:
        source, info = local_file(spec.location)
        cues = None
        if spec.captions_source is not None:
            if spec.captions_source.uri not in captions:
                captions[spec.captions_source.uri] = subtitles(spec.captions_source)
            cues = captions[spec.captions_source.uri]
        audio = local_file(spec.audio_source)[0] if spec.audio_source is not None else None
        fetched.append(FetchedInput(spec, source, info, cues, audio))
    return fetched


def prepare_inputs(
    inputs: Sequence[FetchedInput], settings: RenderSettings, workdir: Path, *, fonts: Path | None = None
) -> rendering.RenderPlan:
    """One run per input writing its part (`before`), then the run joining the parts into the output."""
    parts = []
    for number, item in enumerate(inputs):
        folder = workdir / f"part-{number:03d}"
        folder.mkdir(exist_ok=True)
        part_settings = dataclasses.replace(
            settings,
            clippings=item.spec.clippings,
            timecode_source=item.spec.timecode_source,
            timecode_start=item.spec.timecode_start,
            captions=settings.captions if item.spec.captions_source is not None else None,
            captions_source=item.spec.captions_source,
            crop=item.spec.crop,
            faststart=False,
            inputs=(),
        )
        parts.append(
            rendering.prepare(
                item.source,
                item.info,
                part_settings,
                folder,
                subtitles=item.subtitles,
                fonts=fonts,
                audio_from=item.audio_from,
            )
        )
    listing = "".join(f"file '{part.output.relative_to(workdir).as_posix()}'\n" for part in parts)
    (workdir / PARTS_LIST).write_text(listing, encoding="utf-8")
    args = [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "concat", "-safe", "0", "-i", PARTS_LIST,
        "-map", "0", "-c", "copy",
        *(["-movflags", "+faststart"] if settings.faststart else []),
        "-f", "mp4", rendering.OUTPUT_FILE,
    ]  # fmt: skip
    return rendering.RenderPlan(
        args=args,
        workdir=workdir,
        output=workdir / rendering.OUTPUT_FILE,
        width=parts[0].width,
        height=parts[0].height,
        duration=sum(part.duration for part in parts),
        before=tuple(parts),
    )
