"""The preview route's answer: a playlist any HLS player plays without our token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from handlers.core.models.base import ApiModel, Model


class ClipPreviewQuery(ApiModel):
    trackName: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = Field(
        None, description="The track to watch the clip on. Default: the first Processed track"
    )


class PreviewRange(Model):
    startTime: str = Field(description="The clip's range in the track, HH:MM:SS,mmm, as its segments")
    endTime: str
    playFrom: float = Field(
        description="Where the range starts in the playlist's timeline (a player's currentTime), seconds. Pieces start"
        " on a keyframe, up to a few seconds before the range: seek here to start at the clip's first word"
    )
    playTo: float = Field(description="Where the range ends in the playlist's timeline, seconds")


class ClipPreview(Model):
    playlistUrl: str = Field(
        description="Presigned GET of an HLS media playlist (hls.js, Safari, VLC, ffmpeg): the clip's ranges in order,"
        " EXT-X-DISCONTINUITY between them, every URI an absolute presigned URL"
    )
    expiresAt: datetime = Field(description="The playlist and the URLs in it stop working then: ask again")
    trackName: str
    revision: int = Field(description="The clip's revision the playlist shows")
    durationSeconds: float = Field(description="The playlist's length (the clip plus each range's lead-in and tail)")
    addressing: Literal["keyframes", "chunks"] = Field(
        description="`keyframes`: byte ranges of the chunks from a keyframe before each range to one after it;"
        " `chunks`: whole 120 s chunks (tracks chunked before keyframe indexes)"
    )
    ranges: list[PreviewRange]
    fetchBytes: int | None = Field(
        None, description="What a player fetches to play it all (keyframe addressing), bytes"
    )
    clipBytes: int = Field(description="The bytes of the clip's own seconds in the chunks (at the chunks' mean rate)")
