"""`nullcheck upload-track` and `nullcheck upload-transcript`: an episode's video tracks and its SRT.

The transfers themselves (multipart parts in parallel, retries, the transcript's form POST) are
`client.uploads`', and completing them `client.completion`'s; these commands add the progress bar,
a line for each step past the parts (an answer lost and asked about, a wait for S3) and the outcome,
which is never a failure that did not happen: a track S3 is still assembling (`Completing`) is an
upload done, followed for `--completion-wait` seconds and then by `nullcheck watch`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from client import uploads
from client.api import ApiError, NullCheckClient
from client.commands import shared
from client.commands.shared import EpisodeArg
from client.completion import CompletionPolicy
from handlers.contract import TrackStatus

DEFAULT_PART_MIB = uploads.DEFAULT_PART_SIZE // uploads.MIB
MIN_PART_MIB = uploads.MIN_PART_SIZE // uploads.MIB
OUTCOMES: dict[str, str] = {
    TrackStatus.UNPROCESSED: "processing starts now",
    TrackStatus.PROCESSING: "processing has started",
    TrackStatus.PROCESSED: "it is processed",
}

app = typer.Typer()
"""Commands of the root itself (no group name)."""


@app.command("upload-track")
def upload_track(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="Video file.")
    ],
    track: Annotated[str, typer.Option(help="Track name, e.g. main-camera.")],
    part_size: Annotated[int, typer.Option(min=MIN_PART_MIB, help="Part size in MiB.")] = DEFAULT_PART_MIB,
    concurrency: Annotated[int, typer.Option(min=1, help="Parts sent at once.")] = uploads.DEFAULT_CONCURRENCY,
    completion_wait: Annotated[
        float,
        typer.Option(min=0, help="Seconds to wait while S3 assembles a large upload (0: do not wait)."),
    ] = CompletionPolicy.follow_seconds,
    speaker: Annotated[
        list[str] | None,
        typer.Option(help="A person the track shows, as the transcript labels them (NAME: text); repeatable."),
    ] = None,
) -> None:
    """Upload a video track as a multipart upload, with a progress bar.

    An interrupted upload resumes when the same file is uploaded again within 30 minutes of its
    last signed part: the parts already uploaded (checked against the file's MD5) are not sent again.
    Exits 0 once the upload is complete, or accepted and still being assembled by S3 (`Completing`;
    follow it with `nullcheck watch`); 1 when it did not complete, or S3 refused the parts.
    """
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(binary_units=True), TransferSpeedColumn())
    with shared.api_session(ctx) as client:
        with Progress(*columns, TimeRemainingColumn(), console=shared.console) as progress:
            task = progress.add_task(f"{file.name} → {track}", total=file.stat().st_size)
            done = uploads.upload_track(
                client,
                episode_id,
                file,
                track,
                part_size=part_size * uploads.MIB,
                concurrency=concurrency,
                progress=lambda sent: progress.advance(task, sent),
                completion=CompletionPolicy(follow_seconds=completion_wait),
                report=lambda line: shared.console.print(line, style="yellow", markup=False, highlight=False),
                speakers=speaker or (),
            )
        name, status = done["trackName"], done.get("status", TrackStatus.UNPROCESSED)
        if status == TrackStatus.PROCESSING_FAILED:
            shared.fail(f"track {name} was uploaded but cannot be used: {failure_reason(client, episode_id, name)}")
    if status == TrackStatus.COMPLETING:
        shared.console.print(
            f"Uploaded track {name} to {done['key']}; S3 is still putting it together. "
            f"Follow it with `nullcheck watch {episode_id}`.",
            markup=False,
        )
        return
    outcome = OUTCOMES.get(status, f"its status is {status}")
    shared.console.print(f"Uploaded track {name} to {done['key']}; {outcome}.", markup=False)


@app.command("set-track")
def set_track(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    track: Annotated[str, typer.Argument(help="Track name.")],
    speaker: Annotated[
        list[str] | None, typer.Option(help="A person the track shows (replaces the list); repeatable.")
    ] = None,
    no_speakers: Annotated[bool, typer.Option("--no-speakers", help="The track names nobody.")] = False,
    program_audio: Annotated[
        bool | None,
        typer.Option("--program-audio/--own-audio", help="Play this track's audio under every piece of a clip."),
    ] = None,
) -> None:
    """Name the people a track shows (speaker-layout renders cut to them) and/or make it the program audio."""
    speakers = [] if no_speakers else speaker
    if speakers is None and program_audio is None:
        shared.fail("give --speaker, --no-speakers or --program-audio/--own-audio")
    with shared.api_session(ctx) as client:
        view = client.update_track(episode_id, track, speakers=speakers, program_audio=program_audio)
    names = ", ".join(view.get("speakers", [])) or "nobody"
    audio = "; its audio is the program audio" if view.get("programAudio") else ""
    shared.console.print(f"Track {view['trackName']} shows {names}{audio}.", markup=False, highlight=False)


def failure_reason(client: NullCheckClient, episode_id: str, track_name: str) -> str:
    """Why the track failed, as the episode says (or where to look when it cannot be read now)."""
    try:
        tracks = client.get_episode(episode_id).get("tracks", [])
    except (ApiError, httpx.TransportError):
        tracks = []
    reason = next((t.get("failureReason") for t in tracks if t["trackName"] == track_name), None)
    return reason or f"see `nullcheck episodes show {episode_id}`"


@app.command("upload-transcript")
def upload_transcript(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="SRT transcript.")
    ],
) -> None:
    """Upload the episode's SRT transcript (at most 10 MiB); clip detection starts once S3 reports it."""
    with shared.api_session(ctx) as client:
        key = uploads.upload_transcript(client, episode_id, file)
    shared.console.print(f"Uploaded transcript to {key}.", markup=False)
