"""The local MediaConvert's job records, and the shapes they take in GetJob answers and events.

A `Job` is what CreateJob received plus the state the worker moves it through; a `Rendition` is
what a finished job wrote. Both render themselves as MediaConvert spells them: the REST-JSON Job
of CreateJob/GetJob, and the `detail` of a "MediaConvert Job State Change" event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from local import media
from local.job_settings import JobSpec


@dataclass(frozen=True)
class Rendition:
    """What a finished job wrote, as COMPLETE and GetJob report it."""

    group_type: str
    output_file: str  # s3:// URI: the MP4, or HLS's media playlist
    playlist: str | None  # HLS: the master playlist's s3:// URI
    duration_ms: int
    width: int
    height: int

    def output_detail(self) -> dict[str, Any]:
        return {
            "outputFilePaths": [self.output_file],
            "durationInMs": self.duration_ms,
            "videoDetails": {"widthInPx": self.width, "heightInPx": self.height},
        }

    def group_detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"type": self.group_type}
        if self.playlist is not None:
            detail["playlistFilePaths"] = [self.playlist]
        detail["outputDetails"] = [self.output_detail()]
        return detail


@dataclass
class Job:
    """One job: what CreateJob received plus the state the worker moves it through."""

    id: str
    arn: str
    queue: str
    role: str
    settings: dict[str, Any]
    user_metadata: dict[str, str]
    spec: JobSpec
    submitted_at: float = field(default_factory=time.time)
    status: str = "SUBMITTED"
    started_at: float | None = None
    finished_at: float | None = None
    error: media.MediaError | None = None
    output: Rendition | None = None

    def to_wire(self) -> dict[str, Any]:
        """The Job shape as MediaConvert's REST-JSON API spells it."""
        timing = {"submitTime": self.submitted_at, "startTime": self.started_at, "finishTime": self.finished_at}
        wire: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "createdAt": int(self.submitted_at),
            "queue": self.queue,
            "role": self.role,
            "settings": self.settings,
            "status": self.status,
            "userMetadata": self.user_metadata,
            "timing": {name: int(value) for name, value in timing.items() if value is not None},
        }
        if self.error is not None:
            wire |= {"errorCode": self.error.code, "errorMessage": self.error.message}
        if self.output is not None:
            # GetJob's OutputDetail holds the duration and picture size only.
            detail = self.output.output_detail()
            wire["outputGroupDetails"] = [{"outputDetails": [{k: detail[k] for k in ("durationInMs", "videoDetails")}]}]
        return wire

    def event_detail(self, status: str | None = None) -> dict[str, Any]:
        """`detail` of a "MediaConvert Job State Change" event (default: for the current status)."""
        detail: dict[str, Any] = {
            "timestamp": int(time.time() * 1000),
            "accountId": self.arn.split(":")[4],
            "queue": self.queue,
            "jobId": self.id,
            "status": status or self.status,
            "userMetadata": self.user_metadata,
        }
        if status is None and self.error is not None:
            detail |= {"errorCode": self.error.code, "errorMessage": self.error.message}
        if status is None and self.output is not None:
            detail["outputGroupDetails"] = [self.output.group_detail()]
        return detail
