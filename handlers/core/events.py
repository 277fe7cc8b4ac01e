"""Events NullCheck publishes and listens to: names shared by publishers, rules and handlers."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

SOURCE = "nullcheck"
VIDEO_UPLOAD_COMPLETED = "Video Upload Completed"
MEDIACONVERT_SOURCE = "aws.mediaconvert"
MEDIACONVERT_STATE_CHANGE = "MediaConvert Job State Change"
S3_SOURCE = "aws.s3"
S3_OBJECT_CREATED = "Object Created"


class VideoUploadCompleted(BaseModel):
    """Detail of `Video Upload Completed`: a track's object is complete in the bucket."""

    episodeId: str
    trackName: str
    key: str


def publish(events: Any, detail_type: str, detail: BaseModel) -> None:
    """Put one event on the default bus; a refused entry is an error, not a silent loss."""
    answer = events.put_events(
        Entries=[{"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail.model_dump(mode="json"))}]
    )
    if answer.get("FailedEntryCount"):
        failure = answer["Entries"][0]
        raise RuntimeError(f"EventBridge refused the event: {failure.get('ErrorCode')} {failure.get('ErrorMessage')}")
