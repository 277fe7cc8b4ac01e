"""`nullcheck upload-track` and `nullcheck upload-transcript`: an episode's video tracks and its SRT.

The transfers themselves (multipart parts in parallel, retries, presigned PUTs) are
`client.uploads`'; these commands add the progress bar and the one-line outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from client import uploads
from client.commands import shared
from client.commands.shared import EpisodeArg

DEFAULT_PART_MIB = uploads.DEFAULT_PART_SIZE // uploads.MIB
MIN_PART_MIB = uploads.MIN_PART_SIZE // uploads.MIB

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
) -> None:
    """Upload a video track as a multipart upload, with a progress bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(binary_units=True), TransferSpeedColumn())
    with (
        shared.api_session(ctx) as client,
        Progress(*columns, TimeRemainingColumn(), console=shared.console) as progress,
    ):
        task = progress.add_task(f"{file.name} → {track}", total=file.stat().st_size)
        done = uploads.upload_track(
            client,
            episode_id,
            file,
            track,
            part_size=part_size * uploads.MIB,
            concurrency=concurrency,
            progress=lambda sent: progress.advance(task, sent),
        )
    shared.console.print(f"Uploaded track {done['trackName']} to {done['key']}; processing starts now.", markup=False)


@app.command("upload-transcript")
def upload_transcript(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="SRT transcript.")
    ],
) -> None:
    """Upload the episode's SRT transcript; clip detection starts once S3 reports it."""
    with shared.api_session(ctx) as client:
        key = uploads.upload_transcript(client, episode_id, file)
    shared.console.print(f"Uploaded transcript to {key}.", markup=False)
