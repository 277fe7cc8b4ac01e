"""Pydantic models of the upload routes: transcript URLs and multipart track uploads."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from handlers.core.models.base import ApiModel, Model
from handlers.core.models.episodes import Speakers

PrintableName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x20-\x7E]+$")]
UploadId = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
PartNumber = Annotated[int, Field(strict=True, ge=1, le=10_000)]

MIB = 1024 * 1024
MAX_PARTS = 10_000
"""S3's limits of a multipart upload: at most 10,000 parts of 5 MiB to 5 GiB (the last one may be
smaller), an object of at most 5 TiB."""
MIN_PART_SIZE = 5 * MIB
MAX_PART_SIZE = 5 * 1024 * MIB
MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MIB


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
    size: Annotated[int, Field(strict=True, ge=1, le=MAX_OBJECT_SIZE)] | None = Field(
        None,
        description="The file's size in bytes (at most 5 TiB). Optional, so that older clients still start uploads;"
        " with it, starting the same file (same `filename` and `size`) while its session is open resumes that"
        " upload, and another size of the same filename is refused (409)",
    )
    partSize: Annotated[int, Field(strict=True, ge=MIN_PART_SIZE, le=MAX_PART_SIZE)] | None = Field(
        None,
        description="Bytes per part (5 MiB to 5 GiB; the last part may be smaller), at most 10,000 parts of `size`."
        " Optional (only with `size`); recorded on the session, whose `partSize` a resumed upload follows",
    )
    speakers: Annotated[Speakers, Field(min_length=1)] | None = Field(
        None,
        description="The people the track shows (1 to 10 names, as the transcript's cues label them), stored on the"
        " track once uploaded: a speaker-layout render cuts to this track while they speak",
    )

    @model_validator(mode="after")
    def fits_in_parts(self) -> StartTrackUploadRequest:
        """S3 takes at most 10,000 parts: refuse a part size that needs more, before any upload is opened."""
        if self.partSize is not None and self.size is None:
            raise ValueError("partSize needs size")
        if self.size is not None and self.partSize is not None and -(-self.size // self.partSize) > MAX_PARTS:
            raise ValueError(f"size / partSize needs more than {MAX_PARTS:,} parts: choose larger parts")
        return self


class TrackUploadSession(Model):
    key: str
    uploadId: str
    trackName: str = Field(description="The sanitised track name to use in the part and complete paths")
    expiresAt: datetime
    requiredHeaders: dict[str, str]
    size: int | None = Field(None, description="The file's size, as the upload was started with it")
    partSize: int | None = Field(
        None, description="Bytes per part of this upload, as it was started: a resumed upload sends parts of this size"
    )


class TrackPartsQuery(ApiModel):
    uploadId: UploadId


class UploadedPart(Model):
    partNumber: int
    size: int
    etag: str = Field(description='S3\'s ETag of the part, quoted: the MD5 of its bytes in hex (`"…"`)')


class UploadedParts(Model):
    """The parts storage holds of an open upload, by part number: a client resumes by sending the others."""

    parts: list[UploadedPart]
    size: int | None = Field(None, description="The file's size, when the upload was started with it")
    partSize: int | None = Field(None, description="Bytes per part, when the upload was started with it")


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
