"""The `nullcheck` command line: episodes, uploads, clips, a live processing watch and failed events.

Every command talks to the API through `NullCheckClient`; `client_factory` builds it, so tests
swap in a client on an `httpx.MockTransport`. API refusals, unreachable servers and failed
uploads are reported as one red line and exit status 1, never as a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import boto3
import httpx
import typer
from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table
from rich.text import Text

from client import dlq
from client.api import ApiError, Clip, EpisodeDetail, NullCheckClient
from client.uploads import DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, MIB, MIN_PART_SIZE, UploadError
from client.uploads import upload_track as send_track
from client.uploads import upload_transcript as send_transcript

DEFAULT_API = "http://127.0.0.1:3000/api"
PROCESSED = "Processed"
FAILED = "ProcessingFailed"
INVALID = "Invalid"
TRANSCRIPT_OUTCOMES = ("ClipsProposed", INVALID)
DEFAULT_PART_MIB = DEFAULT_PART_SIZE // MIB
MIN_PART_MIB = MIN_PART_SIZE // MIB

client_factory: Callable[[str], NullCheckClient] = NullCheckClient
"""Builds the API client from the `--api` URL; tests replace it to inject a transport."""

console = Console()
errors = Console(stderr=True)

app = typer.Typer(help="NullCheck: episodes, track and transcript uploads, proposed clips.", no_args_is_help=True)
episodes_app = typer.Typer(help="Create, list and inspect episodes.", no_args_is_help=True)
app.add_typer(episodes_app, name="episodes")


@app.callback()
def main(
    ctx: typer.Context,
    api: Annotated[str, typer.Option("--api", envvar="NULLCHECK_API", help="Base URL of the API.")] = DEFAULT_API,
) -> None:
    """Remember the API URL for the command that follows."""
    ctx.obj = api


@contextmanager
def api_session(ctx: typer.Context) -> Iterator[NullCheckClient]:
    """A client for the command's API; any API, network or upload failure ends the command with status 1."""
    try:
        with client_factory(ctx.obj) as client:
            yield client
    except ApiError as error:
        fail(f"{error.message} (HTTP {error.status})")
    except UploadError as error:
        fail(f"upload failed: {error}")
    except httpx.RequestError as error:
        url = error.request.url
        fail(f"cannot reach {url.scheme}://{url.netloc.decode()}: {error}")


def fail(message: str) -> None:
    """Print the message in red on stderr and exit with status 1."""
    errors.print(message, style="red", markup=False, highlight=False)
    raise typer.Exit(1)


@episodes_app.command("create")
def create_episode(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="Episode title.")],
    number: Annotated[int, typer.Option(help="Episode number.")],
    summary: Annotated[str | None, typer.Option(help="Short summary.")] = None,
    air_date: Annotated[str | None, typer.Option(help="ISO-8601 date or date-time.")] = None,
    platform: Annotated[
        list[str] | None, typer.Option(help="linkedin live, X, twitch or youtube; repeat for several.")
    ] = None,
    theme: Annotated[list[str] | None, typer.Option(help="A theme; repeat for several.")] = None,
    series: Annotated[str | None, typer.Option(help="Series the episode belongs to.")] = None,
) -> None:
    """Create an episode and print its id (alone, so scripts can capture it)."""
    with api_session(ctx) as client:
        episode_id = client.create_episode(
            title,
            number,
            summary=summary,
            air_date=air_date,
            platforms=platform or (),
            themes=theme or (),
            series_name=series,
        )
    console.print(episode_id, markup=False, highlight=False)


@episodes_app.command("list")
def list_episodes(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="Episodes per page (1 to 20, the API's default is 20).")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Follow nextToken through every page.")] = False,
) -> None:
    """List episodes, newest first: one page, or every page with --all."""
    with api_session(ctx) as client:
        if all_pages:
            items, more = list(client.iter_episodes(limit=limit)), False
        else:
            page = client.list_episodes(limit=limit)
            items, more = page["items"], bool(page.get("nextToken"))
    table = Table("id", "title", "status", "air date", "platforms", title=f"Episodes ({len(items)})")
    for item in items:
        platforms = ", ".join(item.get("platforms", []))
        table.add_row(*map(Text, (item["id"], item["title"], item["status"], item.get("airDate", ""), platforms)))
    console.print(table)
    if more:
        console.print("More episodes exist: use --all to list them all.", style="dim")


@episodes_app.command("show")
def show_episode(
    ctx: typer.Context, episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")]
) -> None:
    """Show an episode: its fields, tracks, transcript state and clip count."""
    with api_session(ctx) as client:
        episode = client.get_episode(episode_id)
    console.print(episode_fields(episode))
    console.print(tracks_table(episode))


@app.command("upload-track")
def upload_track(
    ctx: typer.Context,
    episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="Video file.")
    ],
    track: Annotated[str, typer.Option(help="Track name, e.g. main-camera.")],
    part_size: Annotated[int, typer.Option(min=MIN_PART_MIB, help="Part size in MiB.")] = DEFAULT_PART_MIB,
    concurrency: Annotated[int, typer.Option(min=1, help="Parts sent at once.")] = DEFAULT_CONCURRENCY,
) -> None:
    """Upload a video track as a multipart upload, with a progress bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(binary_units=True), TransferSpeedColumn())
    with api_session(ctx) as client, Progress(*columns, TimeRemainingColumn(), console=console) as progress:
        task = progress.add_task(f"{file.name} → {track}", total=file.stat().st_size)
        done = send_track(
            client,
            episode_id,
            file,
            track,
            part_size=part_size * MIB,
            concurrency=concurrency,
            progress=lambda sent: progress.advance(task, sent),
        )
    console.print(f"Uploaded track {done['trackName']} to {done['key']}; processing starts now.", markup=False)


@app.command("upload-transcript")
def upload_transcript(
    ctx: typer.Context,
    episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="SRT transcript.")
    ],
) -> None:
    """Upload the episode's SRT transcript; clip detection starts once S3 reports it."""
    with api_session(ctx) as client:
        key = send_transcript(client, episode_id, file)
    console.print(f"Uploaded transcript to {key}.", markup=False)


@app.command("clips")
def clips(
    ctx: typer.Context, episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")]
) -> None:
    """Show the clips proposed for an episode."""
    with api_session(ctx) as client:
        items = client.list_clips(episode_id)
    console.print(clips_table(items))


class Outcome(Enum):
    """Where an episode's processing stands, as far as `watch` is concerned."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


def watch_outcome(episode: EpisodeDetail, *, transcript: bool) -> Outcome:
    """PENDING until the episode has tracks, all settled (and its transcript's outcome when asked for)."""
    tracks = episode["tracks"]
    settled = bool(tracks) and all(track["status"] in (PROCESSED, FAILED) for track in tracks)
    transcript_status = episode.get("transcriptStatus")
    if not settled or (transcript and transcript_status not in TRANSCRIPT_OUTCOMES):
        return Outcome.PENDING
    failed = any(track["status"] == FAILED for track in tracks) or (transcript and transcript_status == INVALID)
    return Outcome.FAILED if failed else Outcome.SUCCEEDED


@app.command("watch")
def watch(
    ctx: typer.Context,
    episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")],
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
    with api_session(ctx) as client, Live(console=console, auto_refresh=False, transient=True) as live:
        while True:
            episode = client.get_episode(episode_id)
            outcome = watch_outcome(episode, transcript=transcript)
            view = Group(episode_fields(episode), tracks_table(episode))
            live.update(view, refresh=True)
            remaining = deadline - time.monotonic()
            if outcome is not Outcome.PENDING or remaining <= 0:
                break
            time.sleep(min(interval, remaining))
    console.print(view)
    if outcome is Outcome.PENDING:
        fail(f"timed out after {timeout:g} s")
    if outcome is Outcome.FAILED:
        if transcript and episode.get("transcriptStatus") == INVALID:
            fail(f"the transcript is invalid: {episode.get('transcriptError')}")
        fail("processing failed for at least one track")
    console.print("All tracks processed.", style="green")


def transcript_state(episode: EpisodeDetail) -> str:
    """The newest transcript's status, its key and, when it is invalid, what to fix."""
    key = episode.get("transcriptKey")
    if not key:
        return "not uploaded"
    status = episode.get("transcriptStatus", "Uploaded")
    if status == INVALID:
        return f"{status} ({key}): {episode.get('transcriptError', '')}"
    return f"{status} ({key})"


def episode_fields(episode: EpisodeDetail) -> Table:
    """The episode's fields as a two-column grid; fields without a value are left out."""
    grid = Table.grid(padding=(0, 2))
    rows = {
        "id": episode["id"],
        "title": episode["title"],
        "number": str(episode["episodeNumber"]),
        "status": episode["status"],
        "series": episode.get("seriesName", ""),
        "air date": episode.get("airDate", ""),
        "platforms": ", ".join(episode["platforms"]),
        "themes": ", ".join(episode["themes"]),
        "summary": episode.get("summary", ""),
        "transcript": transcript_state(episode),
        "clips": str(episode["clipCount"]),
        "clip agent": episode.get("agentSummary", ""),
        "updated": episode["updatedAt"],
    }
    for name, value in rows.items():
        if value:
            grid.add_row(Text(name, style="bold"), Text(value))
    return grid


def tracks_table(episode: EpisodeDetail) -> Table:
    """The episode's tracks: status (coloured), segment count, duration, failure reason."""
    table = Table("track", "status", "segments", "duration", "failure", title=f"Tracks ({len(episode['tracks'])})")
    styles = {PROCESSED: "green", FAILED: "red"}
    for track in episode["tracks"]:
        duration = track.get("totalDurationSeconds")
        table.add_row(
            Text(track["trackName"]),
            Text(track["status"], style=styles.get(track["status"], "yellow")),
            str(track.get("segmentCount", "")),
            f"{duration:.1f} s" if duration is not None else "",
            Text(track.get("failureReason", "")),
        )
    return table


def clips_table(items: list[Clip]) -> Table:
    """The clips: type, hook, total duration and each segment's time range and text."""
    table = Table("type", "hook", "duration", "segments", title=f"Clips ({len(items)})", show_lines=True)
    for clip in items:
        segments = "\n".join(
            f"{segment['startTime']} - {segment['endTime']}  {segment['text']}" for segment in clip["segments"]
        )
        duration = f"{clip['totalDurationSeconds']:.1f} s"
        table.add_row(Text(clip["clipType"]), Text(clip["hook"]), duration, Text(segments))
    return table


dlq_app = typer.Typer(help="Failed events: list them and send them back.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
AwsEndpoint = Annotated[
    str | None,
    typer.Option("--aws-endpoint", envvar="NULLCHECK_AWS_ENDPOINT", help="AWS endpoint (the local stack's moto URL)."),
]
StackOption = Annotated[str | None, typer.Option("--stack", help="Only this Pulumi stack's queues.")]


def aws_client(service: str, endpoint: str | None) -> Any:
    return boto3.client(service, endpoint_url=endpoint)


@dlq_app.command("list")
def dlq_list(endpoint: AwsEndpoint = None, stack: StackOption = None, show: int = 3) -> None:
    """Each dead-letter queue with its message count and a few of its failed events."""
    sqs = aws_client("sqs", endpoint)
    table = Table(title="Dead-letter queues")
    for column in ("queue", "messages", "events"):
        table.add_column(column)
    for queue in dlq.dead_letter_queues(sqs, stack):
        letters = dlq.peek(sqs, queue, show) if queue.messages else []
        described = "\n".join(f"{letter.summary}{f': {letter.error}' if letter.error else ''}" for letter in letters)
        table.add_row(queue.name, str(queue.messages), Text(described))
    console.print(table)


@dlq_app.command("redrive")
def dlq_redrive(
    queue_name: Annotated[str | None, typer.Argument(help="Queue name; all queues when omitted.")] = None,
    endpoint: AwsEndpoint = None,
    stack: StackOption = None,
) -> None:
    """Send failed events back to their function (handlers are idempotent, so this is safe)."""
    sqs, lambda_client = aws_client("sqs", endpoint), aws_client("lambda", endpoint)
    queues = [q for q in dlq.dead_letter_queues(sqs, stack) if queue_name in (None, q.name)]
    if queue_name and not queues:
        fail(f"no dead-letter queue named {queue_name}")
    for queue in queues:
        console.print(f"{queue.name}: {dlq.redrive(sqs, lambda_client, queue)} events sent back")
