"""The API's JSON as TypedDicts: the answers of every operation and the parts of a completed upload.

Keys are camelCase, as on the wire. Each type is a schema of the API's OpenAPI document
(`openapi/nullcheck.json`; the same name unless its docstring names another), and a unit test
holds them to it field by field. A field the document does not require is `NotRequired`, and
never None: the API leaves out fields without a value rather than sending null. Statuses are
plain strings, compared with the contract's (`handlers.contract`), which a test holds to the
document's enums.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from handlers.contract import CaptionStyle, RenderFormat


class EpisodeSummary(TypedDict):
    id: str
    title: str
    status: str
    airDate: NotRequired[str]
    platforms: NotRequired[list[str]]


class EpisodePage(TypedDict):
    """`EpisodeList`: one page of episodes, newest first."""

    items: list[EpisodeSummary]
    count: int
    nextToken: NotRequired[str]


class CreatedEpisode(TypedDict):
    """`CreateEpisodeResponse`."""

    id: str


class Segment(TypedDict):
    """`SegmentView`: one HLS chunk of a processed track."""

    key: str
    seq: int
    duration: float
    start: float
    end: float


class TrackView(TypedDict):
    trackName: str
    status: str
    uploadId: NotRequired[str]
    segmentCount: NotRequired[int]
    totalDurationSeconds: NotRequired[float]
    failureReason: NotRequired[str]
    manifestKey: NotRequired[str]
    segments: NotRequired[list[Segment]]
    speakers: NotRequired[list[str]]
    programAudio: NotRequired[bool]


class EpisodeDetail(TypedDict):
    id: str
    title: str
    episodeNumber: int
    status: str
    summary: NotRequired[str]
    airDate: NotRequired[str]
    platforms: NotRequired[list[str]]
    themes: NotRequired[list[str]]
    seriesName: NotRequired[str]
    numTracks: NotRequired[int]
    transcriptKey: NotRequired[str]
    transcriptStatus: NotRequired[str]
    transcriptError: NotRequired[str]
    clipsTranscriptKey: NotRequired[str]
    agentSummary: NotRequired[str]
    clipCount: NotRequired[int]
    createdAt: str
    updatedAt: str
    tracks: NotRequired[list[TrackView]]


class TranscriptUpload(TypedDict):
    """A presigned POST: `fields` then the file, as `multipart/form-data`, to `uploadUrl`."""

    key: str
    uploadUrl: str
    fields: dict[str, str]
    maxBytes: int
    expiresAt: str


class TrackUpload(TypedDict):
    """`TrackUploadSession`: the multipart upload of a track, open until `expiresAt`."""

    key: str
    uploadId: str
    trackName: str
    expiresAt: str
    requiredHeaders: dict[str, str]
    size: NotRequired[int]
    partSize: NotRequired[int]


class UploadedPart(TypedDict):
    """A part storage holds of an open upload; `etag` is S3's quoted MD5 of its bytes."""

    partNumber: int
    size: int
    etag: str


class UploadedParts(TypedDict):
    """The parts of an open upload, to resume it by sending the others."""

    parts: list[UploadedPart]
    size: NotRequired[int]
    partSize: NotRequired[int]


class PartUrl(TypedDict):
    partNumber: int
    url: str


class PartUrls(TypedDict):
    urls: list[PartUrl]
    expiresAt: str


class CompletedPart(TypedDict):
    """One item of the complete request's `parts` (S3's spelling)."""

    ETag: str
    PartNumber: int


class CompletedTrack(TypedDict):
    """`CompletedTrackUpload`: 200 complete, or 202 with `status` `Completing` while S3 assembles the object."""

    key: str
    trackName: str
    status: str


class ClipSegment(TypedDict):
    """`ClipSegmentView`: SRT timestamps (`00:01:00,000`) and what is said between them."""

    startTime: str
    endTime: str
    text: str
    speaker: NotRequired[str]


class ClipRange(TypedDict):
    """A range of the episode a clip shows, as an edit sends it (SRT timestamps)."""

    startTime: str
    endTime: str


class CaptionLine(TypedDict):
    """`CaptionLineView`: one caption line of a clip, shown from `startTime` to `endTime` (SRT timestamps), and who
    says it (`speaker`, when the transcript labels it)."""

    startTime: str
    endTime: str
    text: str
    speaker: NotRequired[str]


class ClipShape(TypedDict):
    """`ClipShapeView`: what a render of the clip shows (the agent's proposal, in `Clip.proposed`)."""

    segments: list[ClipSegment]
    captions: NotRequired[list[CaptionLine]]


class RenderPiece(TypedDict):
    """A part of a clip's ranges and the track that shows it (a `speaker`-layout render)."""

    trackName: str
    startTime: str
    endTime: str


class RenderAccepted(TypedDict):
    """The answer to a render request: which render it is and where it stands."""

    renderId: str
    revision: NotRequired[int]
    format: RenderFormat
    captions: bool
    captionStyle: NotRequired[CaptionStyle]
    trackName: str
    layout: NotRequired[str]
    pieces: NotRequired[list[RenderPiece]]
    fallbacks: NotRequired[list[str]]
    status: str


class Crop(TypedDict):
    """`CropView`: the window of a track's frame a framed render shows, in pixels."""

    X: int
    Y: int
    Width: int
    Height: int


class PieceFraming(TypedDict):
    """Where a vertical or square render's input is cropped, and on what."""

    crop: NotRequired[Crop]
    framedOn: str
    reason: NotRequired[str]


class Render(TypedDict):
    """`RenderView`: a render of a clip, with `downloadUrl` once `Rendered`."""

    renderId: str
    revision: NotRequired[int]
    format: RenderFormat
    captions: bool
    captionStyle: NotRequired[CaptionStyle]
    trackName: str
    layout: NotRequired[str]
    pieces: NotRequired[list[RenderPiece]]
    fallbacks: NotRequired[list[str]]
    programAudioTrack: NotRequired[str]
    status: str
    width: int
    height: int
    durationSeconds: float
    sizeBytes: NotRequired[int]
    failureReason: NotRequired[str]
    downloadUrl: NotRequired[str]
    framing: NotRequired[list[PieceFraming]]


ScoreSource = Literal["agent", "confidence"]
"""Where a clip's `score` comes from: the agent, or its confidence (a clip proposed before scores)."""


class Clip(TypedDict):
    """`ClipView`: `score` ranks the clips (the list comes highest first)."""

    clipId: str
    clipType: str
    status: str
    hook: str
    summary: str
    totalDurationSeconds: float
    segments: list[ClipSegment]
    captions: NotRequired[list[CaptionLine]]
    revision: NotRequired[int]
    proposed: ClipShape
    bRollSuggestions: NotRequired[list[str]]
    score: int
    reason: NotRequired[str]
    scoreSource: ScoreSource
    confidence: NotRequired[float]
    transcriptKey: NotRequired[str]
    fromEarlierTranscript: NotRequired[bool]
    renders: NotRequired[list[Render]]
    createdAt: str


class ClipList(TypedDict):
    items: list[Clip]


class PreviewRange(TypedDict):
    """One of the clip's ranges, and where it lies in the preview playlist's timeline (seconds)."""

    startTime: str
    endTime: str
    playFrom: float
    playTo: float


class ClipPreview(TypedDict):
    """A presigned HLS playlist of the clip as it stands: any player plays `playlistUrl` without a token."""

    playlistUrl: str
    expiresAt: str
    trackName: str
    revision: int
    durationSeconds: float
    addressing: str
    ranges: list[PreviewRange]
    fetchBytes: NotRequired[int]
    clipBytes: int
