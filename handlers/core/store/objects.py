"""Objects of the media bucket that may be gone: uploads, transcripts and chunks expire with `media/`."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

MISSING = ("404", "NoSuchKey", "NotFound")
"""Error codes of an object that is not there (HeadObject answers 404 without a body)."""


def is_missing(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in MISSING


def head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """HeadObject's answer, or None when the object is not there; other errors raise."""
    try:
        answer: dict[str, Any] = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if not is_missing(error):
            raise
        return None
    return answer


def exists(s3: Any, bucket: str, key: str) -> bool:
    return head(s3, bucket, key) is not None
