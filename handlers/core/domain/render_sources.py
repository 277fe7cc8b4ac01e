"""What a render is cut from: its layout, main track, and (speaker layout) the track of each piece. Pure.

`single` renders the main track alone (the one the request names, else the first `Processed`).
`speaker` cuts each of the clip's ranges to the track of whoever speaks (`domain.speaker_pieces`),
the main track where no track names the speaker; the audio is each piece's own, unless a track is
the episode's program audio. A request without a layout is `speaker` when a track of the episode
names speakers, else `single`: resolved here, before the render's identity is computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.contract import TrackStatus
from handlers.core.domain import speaker_pieces
from handlers.core.domain.render_job import SourceInput
from handlers.core.domain.timestamps import format_timestamp, parse_timestamp

SINGLE, SPEAKER = "single", "speaker"


@dataclass(frozen=True)
class Sources:
    layout: str
    main: dict[str, Any]
    tracks: dict[str, dict[str, Any]]
    """Every track of the episode, by name."""
    plan: speaker_pieces.Plan | None = None
    """The pieces of a speaker-layout render (None: single)."""
    program_audio: dict[str, Any] | None = None

    def used_tracks(self) -> list[dict[str, Any]]:
        """The tracks whose uploads the job reads (the main track first)."""
        names = [self.main["trackName"]]
        for piece in self.plan.pieces if self.plan else ():
            if piece.track not in names:
                names.append(piece.track)
        if self.program_audio is not None and self.program_audio["trackName"] not in names:
            names.append(self.program_audio["trackName"])
        return [self.main if name == self.main["trackName"] else self.tracks[name] for name in names]

    def inputs(self) -> list[SourceInput] | None:
        """One input per piece (speaker layout); None for a single-layout render."""
        if self.plan is None:
            return None
        audio = self.program_audio["uploadKey"] if self.program_audio is not None else None
        return [
            SourceInput(
                upload_key=self.tracks[piece.track]["uploadKey"],
                segments=((piece.start, piece.end),),
                frame_rate=float(self.tracks[piece.track]["frameRate"]),
                audio_key=audio,
            )
            for piece in self.plan.pieces
        ]

    def record(self) -> dict[str, Any]:
        """What the render records of its sources: its layout, and its pieces and fallbacks when cut to speakers."""
        fields: dict[str, Any] = {"layout": self.layout}
        if self.plan is not None:
            fields["pieces"] = [
                {
                    "trackName": piece.track,
                    "startTime": format_timestamp(piece.start),
                    "endTime": format_timestamp(piece.end),
                }
                for piece in self.plan.pieces
            ]
            if self.plan.fallbacks:
                fields["fallbacks"] = list(self.plan.fallbacks)
        if self.program_audio is not None:
            fields["programAudioTrack"] = self.program_audio["trackName"]
        return fields


def names_speakers(tracks: Sequence[Mapping[str, Any]]) -> bool:
    return any(track.get("speakers") for track in tracks)


def choose(
    main: dict[str, Any], tracks: Sequence[dict[str, Any]], layout: str | None, clip: Mapping[str, Any]
) -> Sources:
    """The render's sources from its main track (the one named, else the first Processed: `rules.renders`)."""
    resolved = layout or (SPEAKER if names_speakers(tracks) else SINGLE)
    by_name = {track["trackName"]: track for track in tracks}
    if resolved == SINGLE:
        return Sources(SINGLE, main, by_name)
    unusable = {name: why for name, track in by_name.items() if (why := _unusable(track)) is not None}
    planned = speaker_pieces.plan(
        [_seconds(segment) for segment in clip["segments"]],
        turns(clip),
        speaker_pieces.speakers_by_track(tracks),
        main["trackName"],
        unusable,
    )
    audio = next((track for track in tracks if track.get("programAudio")), None)
    fallbacks = list(planned.fallbacks)
    if audio is not None and (why := _unusable(audio)) is not None:
        fallbacks.append(f"program-audio track {audio['trackName']} {why}: each piece keeps its own audio")
        audio = None
    if len(fallbacks) != len(planned.fallbacks):
        planned = speaker_pieces.Plan(planned.pieces, tuple(fallbacks))
    return Sources(SPEAKER, main, by_name, planned, audio)


def turns(clip: Mapping[str, Any]) -> list[speaker_pieces.Turn]:
    """Who speaks when in the clip: its caption lines' speakers, else (lines without any) its segments'."""
    lines = [line for line in clip.get("captions") or [] if line.get("speaker")]
    source = lines or [segment for segment in clip["segments"] if segment.get("speaker")]
    return [speaker_pieces.Turn(*_seconds(item), str(item["speaker"])) for item in source]


def _unusable(track: Mapping[str, Any]) -> str | None:
    if track["status"] != TrackStatus.PROCESSED.value:
        return f"is {track['status']}"
    if not track.get("frameRate"):
        return "has no known frame rate"
    return None


def _seconds(item: Mapping[str, Any]) -> tuple[float, float]:
    return parse_timestamp(item["startTime"]), parse_timestamp(item["endTime"])
