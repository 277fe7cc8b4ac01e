"""`nullcheck watch`: an episode's processing, live, until its tracks (and transcript) have settled.

The exit status is the outcome, so scripts can wait on it: 0 once every track is processed,
1 when one failed, the transcript is invalid or the wait timed out. A track S3 is still assembling
(`Completing`, after a large upload) is on its way like `Unprocessed` or `Processing`: shown, and
waited through.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Annotated

import typer
from rich.console import Group
from rich.live import Live

from client.api_types import EpisodeDetail
from client.commands import shared
from client.commands.shared import EpisodeArg
from client.commands.views import episode_fields, tracks_table
from handlers.contract import TrackStatus, TranscriptStatus

SETTLED_TRACK = (TrackStatus.PROCESSED, TrackStatus.PROCESSING_FAILED)
SETTLED_TRANSCRIPT = (TranscriptStatus.CLIPS_PROPOSED, TranscriptStatus.INVALID)

app = typer.Typer()
"""Commands of the root itself (no group name)."""


class Outcome(Enum):
    """Where an episode's processing stands, as far as `watch` is concerned."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


def watch_outcome(episode: EpisodeDetail, *, transcript: bool) -> Outcome:
    """PENDING until the episode has tracks, all settled (and its transcript's outcome when asked for)."""
    tracks = episode.get("tracks", [])
    settled = bool(tracks) and all(track["status"] in SETTLED_TRACK for track in tracks)
    transcript_status = episode.get("transcriptStatus")
    if not settled or (transcript and transcript_status not in SETTLED_TRANSCRIPT):
        return Outcome.PENDING
    failed = any(track["status"] == TrackStatus.PROCESSING_FAILED for track in tracks) or (
        transcript and transcript_status == TranscriptStatus.INVALID
    )
    return Outcome.FAILED if failed else Outcome.SUCCEEDED


@app.command("watch")
def watch_episode(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    interval: Annotated[float, typer.Option(min=0, help="Seconds between polls.")] = 5.0,
    timeout: Annotated[float, typer.Option(min=0, help="Give up after this many seconds.")] = 1800.0,
    transcript: Annotated[bool, typer.Option("--transcript", help="Also wait for the transcript.")] = False,
) -> None:
    """Follow processing live until every track is Processed or ProcessingFailed.

    Waits for at least one track. Exits 0 when all are processed, 1 when one failed or on timeout.
    """
    deadline = time.monotonic() + timeout
    # Transient: the live view is replaced by a plain print of the last state, which also works
    # when stdout is not a terminal (rich only animates on terminals).
    with shared.api_session(ctx) as client, Live(console=shared.console, auto_refresh=False, transient=True) as live:
        while True:
            episode = client.get_episode(episode_id)
            outcome = watch_outcome(episode, transcript=transcript)
            view = Group(episode_fields(episode), tracks_table(episode))
            live.update(view, refresh=True)
            remaining = deadline - time.monotonic()
            if outcome is not Outcome.PENDING or remaining <= 0:
                break
            time.sleep(min(interval, remaining))
    shared.console.print(view)
    if outcome is Outcome.PENDING:
        shared.fail(f"timed out after {timeout:g} s")
    if outcome is Outcome.FAILED:
        if transcript and episode.get("transcriptStatus") == TranscriptStatus.INVALID:
            shared.fail(f"the transcript is invalid: {episode.get('transcriptError')}")
        shared.fail("processing failed for at least one track")
    shared.console.print("All tracks processed.", style="green")
