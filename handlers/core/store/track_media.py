"""A track attempt's objects in the media bucket: its upload and its chunks, removed once nothing reads them."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys

logger = Logger(child=True)

_DELETE_BATCH = 1000  # DeleteObjects' limit per request


def discard(s3: Any, bucket: str, episode: EpisodeRef, track: dict[str, Any], keep: str | None = None) -> None:
    """Delete an attempt's upload object (unless it is `keep`, the key a newer attempt wrote) and its chunks.

    Runs once the record is gone or replaced, so nothing reads these objects any more. Best effort:
    a failure is logged with the keys left behind, which the bucket's expiry rule removes later.
    """
    doomed = [] if track["uploadKey"] == keep else [track["uploadKey"]]
    try:
        if attempt := track.get("attemptId"):  # records from before attempts keep their chunks until expiry
            prefix = object_keys.chunk_prefix(episode, track["trackName"], attempt)
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                doomed += [item["Key"] for item in page.get("Contents", [])]
        for start in range(0, len(doomed), _DELETE_BATCH):
            batch = doomed[start : start + _DELETE_BATCH]
            answer = s3.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
            if answer.get("Errors"):
                logger.error("media left behind", extra={"errors": answer["Errors"][:20], "episode_id": episode.id})
    except (ClientError, BotoCoreError):
        logger.exception("media left behind", extra={"keys": doomed[:20], "episode_id": episode.id})
        return
    logger.info("media removed", extra={"episode_id": episode.id, "track": track["trackName"], "objects": len(doomed)})


def delete_object(s3: Any, bucket: str, key: str) -> None:
    """Delete one object nothing refers to (best effort: the bucket's expiry rule removes what is left)."""
    try:
        s3.delete_object(Bucket=bucket, Key=key)
    except (ClientError, BotoCoreError):
        logger.exception("object left behind", extra={"key": key})


def abort_upload(s3: Any, bucket: str, key: str, upload_id: str) -> None:
    """Abort a multipart upload (its parts would be billed until the bucket's lifecycle aborted them)."""
    try:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchUpload":
            raise


LIST_PARTS_PAGE = 1000
"""ListParts' largest page: an upload of S3's 10,000 parts is read in ten requests."""


def list_parts(s3: Any, bucket: str, key: str, upload_id: str) -> list[dict[str, Any]] | None:
    """Every part S3 holds of the multipart upload (`PartNumber`, `Size`, `ETag`), in part order.

    Follows `NextPartNumberMarker` page by page. None when there is no such upload (completed or aborted).
    """
    parts: list[dict[str, Any]] = []
    marker = 0
    while True:
        try:
            page = s3.list_parts(
                Bucket=bucket, Key=key, UploadId=upload_id, MaxParts=LIST_PARTS_PAGE, PartNumberMarker=marker
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "NoSuchUpload":
                raise
            return None
        parts += page.get("Parts", [])
        following = int(page.get("NextPartNumberMarker") or 0)
        if not page.get("IsTruncated") or following <= marker:
            return parts
        marker = following
