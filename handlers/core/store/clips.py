"""Clip proposals: the `createClip` tool's input, its rules, and how valid clips are stored.

The model proposes; these rules decide. A clip must lie inside the transcript, each segment must
end after it starts, and the segments together last 45 s at most. Rejections go back to the
model, which corrects itself. Stored clips are keyed by a hash of their content, so the same
clip delivered twice is stored once and counted once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field, ValidationError

from handlers.contract import ReviewStatus
from handlers.core.domain.srt import Transcript
from handlers.core.domain.timestamps import parse_timestamp
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records

ClipType = Literal["educational", "funny", "demo", "hot_take", "insight"]
CLIP_TYPES: tuple[str, ...] = ("educational", "funny", "demo", "hot_take", "insight")
MAX_CLIP_SECONDS = 45.0
PENDING_REVIEW = ReviewStatus.PENDING_REVIEW.value


class ClipSegment(BaseModel):
    startTime: str = Field(description="Start, HH:MM:SS,mmm as in the transcript")
    endTime: str = Field(description="End, HH:MM:SS,mmm as in the transcript")
    text: str = Field(description="What is said in this segment")
    speaker: str | None = None


class ClipProposal(BaseModel):
    segments: list[ClipSegment] = Field(min_length=1, description="Consecutive or nearby moments, in order")
    hook: str = Field(min_length=1, description="A title-like opening line")
    summary: str = Field(min_length=1, description="1-2 factual sentences")
    bRollSuggestions: list[str] = Field(default_factory=list)
    clipType: ClipType
    confidence: float | None = Field(None, ge=0, le=1)


class CreateClipInput(BaseModel):
    clips: list[ClipProposal] = Field(min_length=1, max_length=20)


def tool_spec() -> dict[str, Any]:
    """The `createClip` tool as Converse takes it; its schema is the pydantic model's."""
    return {
        "toolSpec": {
            "name": "createClip",
            "description": (
                "Save proposed social-media clips of this episode. Each clip is one or more transcript segments "
                "totalling at most 45 seconds. Invalid clips are returned with the reason; correct and resend them."
            ),
            "inputSchema": {"json": CreateClipInput.model_json_schema()},
        }
    }


def clip_errors(clip: ClipProposal, transcript: Transcript) -> list[str]:
    """Why a clip cannot be accepted (empty when it can)."""
    errors, total = [], 0.0
    for number, segment in enumerate(clip.segments, start=1):
        try:
            start, end = parse_timestamp(segment.startTime), parse_timestamp(segment.endTime)
        except ValueError as error:
            errors.append(f"segment {number}: {error}")
            continue
        if end <= start:
            errors.append(f"segment {number}: endTime {segment.endTime} is not after startTime {segment.startTime}")
        if start < transcript.start or end > transcript.end + 0.5:
            errors.append(f"segment {number}: {segment.startTime}-{segment.endTime} is outside the transcript")
        total += max(0.0, end - start)
    if total > MAX_CLIP_SECONDS:
        errors.append(f"segments last {total:.1f} s in total; a clip lasts {MAX_CLIP_SECONDS:.0f} s at most")
    return errors


def duration(clip: ClipProposal) -> float:
    return round(sum(parse_timestamp(s.endTime) - parse_timestamp(s.startTime) for s in clip.segments), 3)


def content_hash(clip: ClipProposal) -> str:
    """Same segments, hook and type → same clip, whatever the model's wording of the rest."""
    canonical = json.dumps(
        {"segments": [[s.startTime, s.endTime] for s in clip.segments], "type": clip.clipType, "hook": clip.hook},
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class ToolOutcome:
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def result(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates, "rejected": self.rejected}


@dataclass(frozen=True)
class TranscriptSource:
    """The transcript object (and its content, by ETag) clips are proposed from."""

    key: str
    etag: str


class ClipStore:
    """Executes `createClip` for one episode: the handler, never the model, names the episode."""

    def __init__(
        self, table: Any, episode: EpisodeRef, series: str, transcript: Transcript, source: TranscriptSource
    ) -> None:
        self.table, self.episode, self.series, self.transcript = table, episode, series, transcript
        self.source = source

    def create_clips(self, tool_input: Any) -> ToolOutcome:
        try:
            request = CreateClipInput.model_validate(tool_input)
        except ValidationError as error:
            issues = [{"location": list(e["loc"]), "error": e["msg"]} for e in error.errors()]
            return ToolOutcome(rejected=[{"index": None, "errors": issues}])
        outcome = ToolOutcome()
        self._ensure_statistics()
        for index, clip in enumerate(request.clips):
            errors = clip_errors(clip, self.transcript)
            if errors:
                outcome.rejected.append({"index": index, "hook": clip.hook, "errors": errors})
            elif self._store(clip):
                outcome.stored += 1
            else:
                outcome.duplicates += 1
        return outcome

    def _store(self, clip: ClipProposal) -> bool:
        """Store the clip and count it for the series, atomically; False if it was already stored."""
        # The same moment proposed from another transcript is another clip (it replaces, or is replaced).
        clip_id = hashlib.sha256(f"{self.source.key}#{self.source.etag}#{content_hash(clip)}".encode()).hexdigest()[:24]
        now = records.now_iso()
        item = {
            **records.clip_key(self.episode, clip_id),
            "clipId": clip_id,
            "episodeId": self.episode.id,
            "status": PENDING_REVIEW,
            "clipType": clip.clipType,
            "hook": clip.hook,
            "summary": clip.summary,
            "bRollSuggestions": clip.bRollSuggestions,
            "segments": [segment.model_dump(exclude_none=True) for segment in clip.segments],
            "totalDurationSeconds": Decimal(str(duration(clip))),
            "contentHash": content_hash(clip),
            "series": self.series,
            "transcriptKey": self.source.key,
            "transcriptEtag": self.source.etag,
            "createdAt": now,
        }
        if clip.confidence is not None:
            item["confidence"] = Decimal(str(clip.confidence))
        try:
            self.table.transact_write_items(
                TransactItems=[
                    {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
                    {
                        "Update": {
                            "Key": records.stats_key(self.episode.tenant, self.series),
                            "UpdateExpression": "SET totalClips = totalClips + :one, clipsByType.#type = "
                            "clipsByType.#type + :one, updatedAt = :now",
                            "ExpressionAttributeNames": {"#type": clip.clipType},
                            "ExpressionAttributeValues": {":one": 1, ":now": now},
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = error.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        return True

    def _ensure_statistics(self) -> None:
        try:
            self.table.put_item(
                Item={
                    **records.stats_key(self.episode.tenant, self.series),
                    "series": self.series,
                    "totalClips": 0,
                    "clipsByType": dict.fromkeys(CLIP_TYPES, 0),
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
