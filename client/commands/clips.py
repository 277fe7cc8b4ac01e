"""`nullcheck clips …`: list, show, approve, reject, edit, render and download an episode's clips.

Review statuses, render statuses and formats are the contract's (`handlers.contract`), the
spellings the API takes and answers with.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from client import clip_shapes
from client.api import DEFAULT_RENDER_FORMAT, ApiError, NullCheckClient
from client.api_types import CaptionLine, Clip, Render
from client.commands import shared
from client.commands.shared import EpisodeArg
from client.commands.views import clip_details, clips_table
from handlers.contract import FRAME_SIZES, RENDER_FORMATS, RENDER_IN_PROGRESS, RenderStatus, ReviewStatus


def formats_help() -> str:
    """The formats in words, the default with its frame: "vertical (1080x1920), landscape or square."."""
    width, height = FRAME_SIZES[DEFAULT_RENDER_FORMAT]
    others = [name for name in RENDER_FORMATS if name != DEFAULT_RENDER_FORMAT]
    listed = [f"{DEFAULT_RENDER_FORMAT} ({width}x{height})", *others]
    return f"{', '.join(listed[:-1])} or {listed[-1]}."


app = typer.Typer(
    name="clips", help="Proposed clips: review them, render them, download the videos.", no_args_is_help=True
)
ClipArg = Annotated[str, typer.Argument(metavar="CLIP", help="Clip id (see `nullcheck clips list`).")]
FormatOption = Annotated[str, typer.Option("--format", help=formats_help())]


@app.command("list")
def list_clips(ctx: typer.Context, episode_id: EpisodeArg) -> None:
    """Show the clips proposed for an episode."""
    with shared.api_session(ctx) as client:
        items = client.list_clips(episode_id)
    shared.console.print(clips_table(items))


@app.command("approve")
def approve(ctx: typer.Context, episode_id: EpisodeArg, clip_id: ClipArg) -> None:
    """Approve a clip (approved clips are kept when a new transcript replaces the proposals)."""
    review(ctx, episode_id, clip_id, ReviewStatus.APPROVED)


@app.command("reject")
def reject(ctx: typer.Context, episode_id: EpisodeArg, clip_id: ClipArg) -> None:
    """Reject a clip."""
    review(ctx, episode_id, clip_id, ReviewStatus.REJECTED)


def review(ctx: typer.Context, episode_id: str, clip_id: str, status: ReviewStatus) -> None:
    """Set the clip's review status and say where the clip now stands."""
    with shared.api_session(ctx) as client:
        clip = client.review_clip(episode_id, clip_id, status=status)
    shared.console.print(f"Clip {clip['clipId']} is {clip['status']}: {clip['hook']}", markup=False, highlight=False)


@app.command("show")
def show(ctx: typer.Context, episode_id: EpisodeArg, clip_id: ClipArg) -> None:
    """Show one clip: its ranges, its caption lines, its renders and a preview link."""
    with shared.api_session(ctx) as client:
        clip = client.get_clip(episode_id, clip_id)
        preview = preview_line(client, episode_id, clip_id)
    shared.console.print(clip_details(clip))
    # -- Preview: one line, the clip's preview playlist (GET …/clips/{clipId}/preview) ---------------
    shared.console.print(preview, markup=False, highlight=False)


def preview_line(client: NullCheckClient, episode_id: str, clip_id: str) -> str:
    """`Preview: {playlistUrl} (until {expiresAt})`, or why there is none (e.g. no processed track yet)."""
    try:
        answer = client.clip_preview(episode_id, clip_id)
    except ApiError as error:
        return f"Preview: not available ({error.message})"
    return f"Preview: {answer['playlistUrl']} (until {answer['expiresAt']})"


@app.command("edit")
def edit(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    clip_id: ClipArg,
    start: Annotated[
        str | None, typer.Option(help="New start: +/-SECONDS from the first range's start, or HH:MM:SS,mmm.")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="New end: +/-SECONDS from the last range's end, or HH:MM:SS,mmm.")
    ] = None,
    captions: Annotated[
        Path | None, typer.Option("--captions", help="The clip's caption lines from an SRT file ('-': stdin).")
    ] = None,
    edit_captions: Annotated[
        bool, typer.Option("--edit-captions", help="Edit the caption lines in $EDITOR (as SRT).")
    ] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Back to the agent's proposal.")] = False,
) -> None:
    """Trim a clip, replace its caption text, or reset it to the proposal (each edit is a new revision)."""
    shaping = start is not None or end is not None or captions is not None or edit_captions
    if reset == shaping:
        shared.fail("give --start/--end, --captions or --edit-captions, or --reset alone")
    if captions is not None and edit_captions:
        shared.fail("give --captions or --edit-captions, not both")
    with shared.api_session(ctx) as client:
        clip = client.get_clip(episode_id, clip_id)
        try:
            ranges = clip_shapes.trimmed(clip["segments"], start, end) if (start, end) != (None, None) else None
            lines = read_captions(clip, captions, edit_captions)
        except clip_shapes.ShapeError as error:
            shared.fail(str(error))
        edited = client.edit_clip(
            episode_id,
            clip_id,
            segments=ranges,
            captions=lines,
            reset=reset,
            expected_revision=clip.get("revision", 0),
        )
    shared.console.print(
        f"Clip {edited['clipId']} is at revision {edited.get('revision', 0)}: {edited['totalDurationSeconds']:.1f} s"
        f" in {len(edited['segments'])} range(s), {len(edited.get('captions', []))} caption line(s)",
        markup=False,
        highlight=False,
    )


def read_captions(clip: Clip, path: Path | None, in_editor: bool) -> list[CaptionLine] | None:
    """The new caption lines: from the SRT file, or as edited in $EDITOR; None when neither is asked."""
    if path is not None:
        return clip_shapes.caption_lines(sys.stdin.read() if str(path) == "-" else path.read_text("utf-8"))
    if not in_editor:
        return None
    before = clip_shapes.captions_srt(clip.get("captions", []))
    text = in_editor_of_user(before)
    if text == before:
        shared.fail("the captions were not changed: nothing sent")
    return clip_shapes.caption_lines(text)


def in_editor_of_user(text: str) -> str:
    """`text` as the user left it in $VISUAL or $EDITOR (vi without either), edited as an `.srt` file."""
    editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "captions.srt"
        path.write_text(text, "utf-8")
        if subprocess.run([*editor, str(path)], check=False).returncode != 0:
            shared.fail(f"{editor[0]} exited with an error: nothing sent")
        return path.read_text("utf-8")


def matching(renders: list[Render], format_name: str, captions: bool, render_id: str | None = None) -> Render | None:
    """The render with that id, or else the one of that format and captions; None when there is none."""
    for render in renders:
        if render_id and render["renderId"] == render_id:
            return render
        if not render_id and render["format"] == format_name and render["captions"] == captions:
            return render
    return None


@app.command("render")
def render(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    clip_id: ClipArg,
    format_name: FormatOption = DEFAULT_RENDER_FORMAT,
    captions: Annotated[bool, typer.Option("--captions/--no-captions", help="Burn in the captions.")] = True,
    track: Annotated[str | None, typer.Option(help="Track to render (default: the first processed one).")] = None,
    timeout: Annotated[float, typer.Option(min=0, help="Give up waiting after this many seconds.")] = 1800.0,
    interval: Annotated[float, typer.Option(min=0, help="Seconds between polls.")] = 2.0,
    layout: Annotated[
        str | None,
        typer.Option(
            help="speaker: cut to whoever speaks; single: one track (default: speaker when tracks name people)."
        ),
    ] = None,
    caption_style: Annotated[
        str | None,
        typer.Option(
            help="social: a few large bold words at a time; classic: one or two lines (default: social for vertical)."
        ),
    ] = None,
) -> None:
    """Render a clip as an MP4 (MediaConvert) and wait until it is ready."""
    if layout not in (None, "speaker", "single"):
        shared.fail("--layout must be speaker or single")
    if caption_style not in (None, "social", "classic"):
        shared.fail("--caption-style must be social or classic")
    if caption_style and not captions:
        shared.fail("--caption-style styles burned-in captions: leave out --no-captions")
    if format_name not in RENDER_FORMATS:
        shared.fail(f"--format must be one of {', '.join(RENDER_FORMATS)}")
    deadline = time.monotonic() + timeout
    with shared.api_session(ctx) as client:
        started = client.request_render(
            episode_id,
            clip_id,
            format=format_name,
            captions=captions,
            track=track,
            **({"layout": layout} if layout else {}),
            **({"caption_style": caption_style} if caption_style else {}),
        )
        with shared.console.status(f"Rendering {format_name} clip {clip_id} from track {started['trackName']}…"):
            while True:
                done = matching(client.get_clip(episode_id, clip_id).get("renders", []), "", False, started["renderId"])
                if (done and done["status"] not in RENDER_IN_PROGRESS) or time.monotonic() > deadline:
                    break
                time.sleep(interval)
    if done is None or done["status"] in RENDER_IN_PROGRESS:
        shared.fail(f"the render is not ready after {timeout:g} s; run the command again to keep waiting")
    if done["status"] == RenderStatus.RENDER_FAILED:
        shared.fail(f"the render failed: {done.get('failureReason', 'no reason given')}")
    shared.console.print(
        f"Rendered {done['width']}x{done['height']}, {done.get('durationSeconds', 0):.1f} s, "
        f"{done.get('sizeBytes', 0) / 1e6:.1f} MB: nullcheck clips download {episode_id} {clip_id} -o clip.mp4",
        markup=False,
        highlight=False,
    )


@app.command("download")
def download(
    ctx: typer.Context,
    episode_id: EpisodeArg,
    clip_id: ClipArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the MP4.")],
    format_name: FormatOption = DEFAULT_RENDER_FORMAT,
    captions: Annotated[bool, typer.Option("--captions/--no-captions", help="The captioned render or not.")] = True,
) -> None:
    """Download a rendered clip (render it first with `nullcheck clips render`)."""
    with shared.api_session(ctx) as client:
        clip = client.get_clip(episode_id, clip_id)
    found = matching(clip.get("renders", []), format_name, captions)
    if found is None or found["status"] != RenderStatus.RENDERED or "downloadUrl" not in found:
        state = found["status"] if found else "not rendered"
        shared.fail(
            f"no {format_name} render of clip {clip_id} to download ({state}): run `nullcheck clips render` first"
        )
    partial = output.with_name(output.name + ".part")
    try:
        with httpx.stream("GET", found["downloadUrl"], timeout=60, follow_redirects=True) as answer:
            answer.raise_for_status()
            total = int(answer.headers.get("Content-Length", 0)) or None
            columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn())
            with Progress(*columns, console=shared.console, transient=True) as progress, partial.open("wb") as file:
                task = progress.add_task("download", total=total)
                for chunk in answer.iter_bytes():
                    file.write(chunk)
                    progress.advance(task, len(chunk))
    except httpx.HTTPError as error:
        partial.unlink(missing_ok=True)
        shared.fail(f"download failed: {error}")
    partial.replace(output)
    shared.console.print(f"Saved {output} ({output.stat().st_size / 1e6:.1f} MB)", markup=False, highlight=False)
