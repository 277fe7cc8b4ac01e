"""A processed track's keyframe index in the media bucket (`domain.keyframe_index`), and what it is built from.

Kept in S3 beside the chunks, not on the track record: a long track's index outgrows a DynamoDB item.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from handlers.core.domain import transport_stream
from handlers.core.domain.keyframe_index import InitRange, KeyframeIndex
from handlers.core.store import objects

_HEAD_BYTES = 16 * transport_stream.PACKET
"""Muxers put the PAT and PMT among a chunk's first packets."""


def sizes(s3: Any, bucket: str, prefix: str) -> dict[str, int]:
    """Every object under `prefix` with its size."""
    found: dict[str, int] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found.update({item["Key"]: int(item["Size"]) for item in page.get("Contents", [])})
    return found


def read_text(s3: Any, bucket: str, key: str) -> str:
    return str(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())


def init_range(s3: Any, bucket: str, chunk_key: str) -> InitRange | None:
    """Where the chunk's PAT and PMT are, read from its first packets (one ranged GET)."""
    head = s3.get_object(Bucket=bucket, Key=chunk_key, Range=f"bytes=0-{_HEAD_BYTES - 1}")["Body"].read()
    found = transport_stream.init_section(head)
    return None if found is None else InitRange(offset=found.offset, length=found.length)


def write(s3: Any, bucket: str, key: str, index: KeyframeIndex) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=index.model_dump_json().encode(), ContentType="application/json")


def read(s3: Any, bucket: str, key: str) -> KeyframeIndex | None:
    """The index, or None when it has expired with the chunks."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if not objects.is_missing(error):
            raise
        return None
    return KeyframeIndex.model_validate_json(body)
