"""The statuses an episode, its transcript and its tracks go through, as the records and the API spell them.

Apart from the API's models: the event functions and the clip agent record statuses without
answering HTTP, so they need these names and not the models (nor pydantic's work to build them).
"""

from enum import StrEnum


class EpisodeStatus(StrEnum):
    DRAFT = "Draft"
    TRANSCRIPT_UPLOADED = "Transcript Uploaded"


class TranscriptStatus(StrEnum):
    """The episode's newest transcript: `Uploaded`, then `ClipsProposed` or `Invalid`."""

    UPLOADED = "Uploaded"
    CLIPS_PROPOSED = "ClipsProposed"
    INVALID = "Invalid"


class TrackStatus(StrEnum):
    UNPROCESSED = "Unprocessed"
    PROCESSING = "Processing"
    PROCESSED = "Processed"
    PROCESSING_FAILED = "ProcessingFailed"
