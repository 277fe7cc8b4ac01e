"""Pydantic models of the upload routes: transcript URLs and multipart track uploads."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from handlers.core.models.base import ApiModel, Model

PrintableName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x20-\x7E]+$")]
UploadId = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
PartNumber = Annotated[int, Field(strict=True, ge=1, le=10_000)]


class TranscriptUploadRequest(ApiModel):
    filename: PrintableName | None = Field(None, description="Stored as object metadata `filename`")


class TranscriptUpload(Model):
    """A presigned POST: storage itself refuses a file larger than `maxBytes` (a PUT URL cannot limit size)."""

    key: str
    uploadUrl: str = Field(
        description="Where to POST the transcript as `multipart/form-data`: every one of `fields`, then the file"
        " as the last field, `file`. Storage answers 204; 400 `EntityTooLarge` or `EntityTooSmall` outside"
        " 1..`maxBytes` bytes, 403 once expired or when a field differs"
    )
    fields: dict[str, str] = Field(description="The form fields to send, as given, before the file")
    maxBytes: int = Field(description="The largest transcript storage accepts, in bytes")
    expiresAt: datetime


class StartTrackUploadRequest(ApiModel):
    filename: PrintableName
    trackName: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TrackUploadSession(Model):
    key: str
    uploadId: str
    trackName: str = Field(description="The sanitised track name to use in the part and complete paths")
    expiresAt: datetime
    requiredHeaders: dict[str, str]


class PresignPartsRequest(ApiModel):
    uploadId: UploadId
    partNumbers: Annotated[list[PartNumber], Field(min_length=1, max_length=1000)]


class PartUrl(Model):
    partNumber: int
    url: str


class PartUrls(Model):
    urls: list[PartUrl]
    expiresAt: datetime = Field(description="The upload session now lives until then; signing more parts extends it")


class CompletedPart(ApiModel):
    # Real ETags are quoted hex (optionally "-N"); printable ASCII keeps the S3 request valid XML.
    ETag: Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[\x20-\x7E]+$")]
    PartNumber: PartNumber


class CompleteTrackUploadRequest(ApiModel):
    uploadId: UploadId
    # No `uniqueItems`: JSON-schema validators compare every pair of items, so 10,000 parts (S3's
    # maximum) took minutes at the gateway. The validator below refuses repeated part numbers.
    parts: Annotated[
        list[CompletedPart],
        Field(
            min_length=1,
            max_length=10_000,
            description="Every part of the upload once, numbered 1 to n (in any order)",
        ),
    ]

    @field_validator("parts")
    @classmethod
    def numbered_one_to_n(cls, parts: list[CompletedPart]) -> list[CompletedPart]:
        """S3 would complete an object from parts 1, 3 (or 1, 1): refuse duplicates and gaps here."""
        numbers = sorted(part.PartNumber for part in parts)
        duplicate = next((a for a, b in pairwise(numbers) if a == b), None)
        if duplicate is not None:
            raise ValueError(f"part {duplicate} is listed more than once")
        missing = next((n for n, seen in enumerate(numbers, start=1) if n != seen), None)
        if missing is not None:
            raise ValueError(f"parts must be numbered 1 to {len(numbers)}: part {missing} is missing")
        return parts


class CompletedTrackUpload(Model):
    key: str
    trackName: str
    status: str = Field(
        description="`Completing` (202) while S3 still assembles the object (follow the track on its episode), else"
        " the track's status (`Unprocessed` once complete, then on through chunking)"
    )
