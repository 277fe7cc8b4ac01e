"""How the CLI shows the API's answers: an episode's fields, its tracks, its clips and one clip, as rich tables.

Only rendering: the commands fetch and print. Statuses are coloured and explained with the
contract's spellings (`handlers.contract`), the ones the API answers with.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from client.api_types import Clip, EpisodeDetail
from handlers.contract import TrackStatus, TranscriptStatus

TRACK_STYLES: dict[str, str] = {TrackStatus.PROCESSED: "green", TrackStatus.PROCESSING_FAILED: "red"}
"""Settled tracks in colour; every other status (still on its way) is yellow."""
COMPLETING_NOTE = "Completing: S3 is still putting the uploaded parts together (minutes for a large file)."


def transcript_state(episode: EpisodeDetail) -> str:
    """The newest transcript's status, its key and, when it is invalid, what to fix."""
    key = episode.get("transcriptKey")
    if not key:
        return "not uploaded"
    status = episode.get("transcriptStatus", TranscriptStatus.UPLOADED)
    if status == TranscriptStatus.INVALID:
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
        "platforms": ", ".join(episode.get("platforms", [])),
        "themes": ", ".join(episode.get("themes", [])),
        "summary": episode.get("summary", ""),
        "transcript": transcript_state(episode),
        "clips": str(episode.get("clipCount", 0)),
        "clip agent": episode.get("agentSummary", ""),
        "updated": episode["updatedAt"],
    }
    for name, value in rows.items():
        if value:
            grid.add_row(Text(name, style="bold"), Text(value))
    return grid


def tracks_table(episode: EpisodeDetail) -> Table:
    """The episode's tracks: status (coloured), segment count, duration, failure reason."""
    tracks = episode.get("tracks", [])
    completing = any(track["status"] == TrackStatus.COMPLETING for track in tracks)
    table = Table(
        "track",
        "status",
        "segments",
        "duration",
        "failure",
        title=f"Tracks ({len(tracks)})",
        caption=COMPLETING_NOTE if completing else None,
    )
    for track in tracks:
        duration = track.get("totalDurationSeconds")
        table.add_row(
            Text(track["trackName"]),
            Text(track["status"], style=TRACK_STYLES.get(track["status"], "yellow")),
            str(track.get("segmentCount", "")),
            f"{duration:.1f} s" if duration is not None else "",
            Text(track.get("failureReason", "")),
        )
    return table


DERIVED_SCORE_NOTE = "* score derived from confidence: the clip was proposed before clips had scores"


def score_of(clip: Clip) -> str:
    """The clip's score, starred when derived from its confidence (a clip proposed before scores)."""
    score = clip.get("score")
    if score is None:
        return ""
    return f"{score}*" if clip.get("scoreSource") == "confidence" else str(score)


def hook_and_reason(clip: Clip) -> Text:
    """`"hook" — reason`, the reason dimmed (a clip proposed before scores has none)."""
    text = Text(f'"{clip["hook"]}"')
    if reason := clip.get("reason"):
        text.append(f" — {reason}", style="dim")
    return text


def clips_table(items: list[Clip]) -> Table:
    """The clips as the API ranks them: score, id (for review and render), type, status, hook and the
    reason for the score, total duration, each segment, renders."""
    derived = any(clip.get("scoreSource") == "confidence" for clip in items)
    table = Table(title=f"Clips ({len(items)})", show_lines=True, caption=DERIVED_SCORE_NOTE if derived else None)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("clip", no_wrap=True)
    for column in ("type", "status", "hook — reason", "duration", "segments"):
        table.add_column(column)
    for clip in items:
        segments = "\n".join(
            f"{segment['startTime']} - {segment['endTime']}  {segment['text']}" for segment in clip["segments"]
        )
        renders = [f"{r['format']}: {r['status']}" for r in clip.get("renders", [])]
        status = "\n".join([clip["status"], *renders])
        duration = f"{clip['totalDurationSeconds']:.1f} s"
        table.add_row(
            score_of(clip),
            clip["clipId"],
            Text(clip["clipType"]),
            Text(status),
            hook_and_reason(clip),
            duration,
            Text(segments),
        )
    return table


def clip_details(clip: Clip) -> Group:
    """One clip in full: its fields, its ranges, its caption lines and its renders (with their revisions)."""
    grid = Table.grid(padding=(0, 2))
    rows = {
        "clip": clip["clipId"],
        "hook": clip["hook"],
        "score": _score_line(clip),
        "type": clip["clipType"],
        "status": clip["status"],
        "revision": f"{clip.get('revision', 0)}" + (" (as proposed)" if is_proposed(clip) else " (edited)"),
        "duration": f"{clip['totalDurationSeconds']:.1f} s",
        "summary": clip["summary"],
    }
    for name, value in rows.items():
        grid.add_row(Text(name, style="bold"), Text(value))
    ranges = Table("#", "start", "end", "text", title=f"Ranges ({len(clip['segments'])})")
    for number, segment in enumerate(clip["segments"], start=1):
        ranges.add_row(str(number), segment["startTime"], segment["endTime"], Text(segment["text"]))
    lines = clip.get("captions", [])
    captions = Table("start", "end", "caption", title=f"Caption lines ({len(lines)})")
    for line in lines:
        captions.add_row(line["startTime"], line["endTime"], Text(line["text"]))
    renders = Table("render", "revision", "format", "captions", "status", title="Renders")
    for render in clip.get("renders", []):
        renders.add_row(
            render["renderId"],
            str(render.get("revision", 0)),
            render["format"],
            "yes" if render["captions"] else "no",
            Text(render["status"]),
        )
    parts: list[RenderableType] = [grid, ranges, captions]
    if clip.get("renders"):
        parts.append(renders)
    return Group(*parts)


def _score_line(clip: Clip) -> str:
    """`92 — reason`, or how a clip proposed before scores got its score."""
    score = clip.get("score")
    if score is None:
        return "none"
    if clip.get("scoreSource") == "confidence":
        return f"{score} (derived from confidence: proposed before clips had scores)"
    reason = clip.get("reason")
    return f"{score} — {reason}" if reason else str(score)


def is_proposed(clip: Clip) -> bool:
    """Whether the clip shows what the agent proposed (never edited, or reset)."""
    proposed = clip["proposed"]
    return proposed["segments"] == clip["segments"] and proposed.get("captions", []) == clip.get("captions", [])
