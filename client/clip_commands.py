"""`nullcheck clips …`: list, approve, reject, render and download an episode's clips."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from client import cli
from client.api import Render

clips_app = typer.Typer(help="Proposed clips: review them, render them, download the videos.", no_args_is_help=True)
FORMATS = ("vertical", "landscape", "square")
EpisodeArg = Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")]
ClipArg = Annotated[str, typer.Argument(metavar="CLIP", help="Clip id (see `nullcheck clips list`).")]
FormatOption = Annotated[str, typer.Option("--format", help="vertical (1080x1920), landscape or square.")]


@clips_app.command("list")
def list_clips(ctx: typer.Context, episode_id: EpisodeArg) -> None:
    """Show the clips proposed for an episode."""
    with cli.api_session(ctx) as client:
        items = client.list_clips(episode_id)
    cli.console.print(cli.clips_table(items))


@clips_app.command("approve")
def approve(ctx: typer.Context, episode_id: EpisodeArg, clip_id: ClipArg) -> None:
    """Approve a clip (approved clips are kept when a new transcript replaces the proposals)."""
    review(ctx, episode_id, clip_id, "approved")


@clips_app.command("reject")
def reject(ctx: typer.Context, episode_id: EpisodeArg, clip_id: ClipArg) -> None:
    """Reject a clip."""
    review(ctx, episode_id, clip_id, "rejected")


def review(ctx: typer.Context, episode_id: str, clip_id: str, status: str) -> None:
    with cli.api_session(ctx) as client:
        clip = client.review_clip(episode_id, clip_id, status=status)
    cli.console.print(f"Clip {clip['clipId']} is {clip['status']}: {clip['hook']}", markup=False, highlight=False)


def matching(renders: list[Render], format_name: str, captions: bool, render_id: str | None = None) -> Render | None:
    for render in renders:
        if render_id and render["renderId"] == render_id:
            return render
        if not render_id and render["format"] == format_name and render["captions"] == captions:
            return render
    return None


@clips_app.command("render")
def render(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    clip_id: ClipArg,
    format_name: FormatOption = "vertical",
    captions: Annotated[bool, typer.Option("--captions/--no-captions", help="Burn in the captions.")] = True,
    track: Annotated[str | None, typer.Option(help="Track to render (default: the first processed one).")] = None,
    timeout: Annotated[float, typer.Option(min=0, help="Give up waiting after this many seconds.")] = 1800.0,
    interval: Annotated[float, typer.Option(min=0, help="Seconds between polls.")] = 2.0,
) -> None:
    """Render a clip as an MP4 (MediaConvert) and wait until it is ready."""
    if format_name not in FORMATS:
        cli.fail(f"--format must be one of {', '.join(FORMATS)}")
    deadline = time.monotonic() + timeout
    with cli.api_session(ctx) as client:
        started = client.request_render(episode_id, clip_id, format=format_name, captions=captions, track=track)
        with cli.console.status(f"Rendering {format_name} clip {clip_id} from track {started['trackName']}…"):
            while True:
                done = matching(client.get_clip(episode_id, clip_id).get("renders", []), "", False, started["renderId"])
                if (done and done["status"] != "Rendering") or time.monotonic() > deadline:
                    break
                time.sleep(interval)
    if done is None or done["status"] == "Rendering":
        cli.fail(f"the render is not ready after {timeout:g} s; run the command again to keep waiting")
    if done["status"] == "RenderFailed":
        cli.fail(f"the render failed: {done.get('failureReason', 'no reason given')}")
    cli.console.print(
        f"Rendered {done['width']}x{done['height']}, {done.get('durationSeconds', 0):.1f} s, "
        f"{done.get('sizeBytes', 0) / 1e6:.1f} MB: nullcheck clips download {episode_id} {clip_id} -o clip.mp4",
        markup=False,
        highlight=False,
    )


@clips_app.command("download")
def download(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    clip_id: ClipArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the MP4.")],
    format_name: FormatOption = "vertical",
    captions: Annotated[bool, typer.Option("--captions/--no-captions", help="The captioned render or not.")] = True,
) -> None:
    """Download a rendered clip (render it first with `nullcheck clips render`)."""
    with cli.api_session(ctx) as client:
        clip = client.get_clip(episode_id, clip_id)
    found = matching(clip.get("renders", []), format_name, captions)
    if found is None or found["status"] != "Rendered" or "downloadUrl" not in found:
        state = found["status"] if found else "not rendered"
        cli.fail(f"no {format_name} render of clip {clip_id} to download ({state}): run `nullcheck clips render` first")
    partial = output.with_name(output.name + ".part")
    try:
        with httpx.stream("GET", found["downloadUrl"], timeout=60, follow_redirects=True) as answer:
            answer.raise_for_status()
            total = int(answer.headers.get("Content-Length", 0)) or None
            columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn())
            with Progress(*columns, console=cli.console, transient=True) as progress, partial.open("wb") as file:
                task = progress.add_task("download", total=total)
                for chunk in answer.iter_bytes():
                    file.write(chunk)
                    progress.advance(task, len(chunk))
    except httpx.HTTPError as error:
        partial.unlink(missing_ok=True)
        cli.fail(f"download failed: {error}")
    partial.replace(output)
    cli.console.print(f"Saved {output} ({output.stat().st_size / 1e6:.1f} MB)", markup=False, highlight=False)
