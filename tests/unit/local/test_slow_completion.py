"""The slow-completion knob: moto's S3 takes as long as asked to complete a multipart upload, then no longer."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.s3.models import S3Backend

from local import moto_s3, slow_completion
from local.stack import LocalStack, LocalStackConfig


@pytest.fixture(scope="module")
def s3(moto_url: str) -> Any:
    return boto3.client(
        "s3", region_name="us-east-1", endpoint_url=moto_url, aws_access_key_id="l", aws_secret_access_key="l"
    )


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    name = f"slow-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name


def timed_completion(s3: Any, bucket: str) -> float:
    """Seconds a one-part upload takes to complete."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key="track.mp4")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="track.mp4", UploadId=upload, PartNumber=1, Body=b"x" * 100)["ETag"]
    started = time.monotonic()
    s3.complete_multipart_upload(
        Bucket=bucket, Key="track.mp4", UploadId=upload, MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]}
    )
    return time.monotonic() - started


def test_completion_takes_the_delay_while_slowed(s3: Any, bucket: str) -> None:
    before = S3Backend.complete_multipart_upload
    with slow_completion.slowed(0.6):
        assert slow_completion.delay() == 0.6
        assert timed_completion(s3, bucket) >= 0.6
        # The wrapper keeps moto's source in view: the pins of the other S3 patches still hold.
        assert moto_s3.differences() == []
    assert S3Backend.complete_multipart_upload is before
    assert slow_completion.delay() == 0
    assert timed_completion(s3, bucket) < 0.5
    assert s3.get_object(Bucket=bucket, Key="track.mp4")["Body"].read() == b"x" * 100


def test_slowed_blocks_nest_and_installing_again_changes_the_delay() -> None:
    with slow_completion.slowed(2):
        with slow_completion.slowed(0.1):
            assert slow_completion.delay() == 0.1
        assert slow_completion.delay() == 2
    assert slow_completion.delay() == 0
    with pytest.raises(ValueError):
        slow_completion.install(-1)


def test_a_patch_over_the_wrapper_is_kept_when_it_is_uninstalled() -> None:
    original = S3Backend.complete_multipart_upload
    slow_completion.install(0.1)
    wrapper = S3Backend.complete_multipart_upload

    def over(self: S3Backend, *args: Any, **kwargs: Any) -> Any:
        return wrapper(self, *args, **kwargs)

    S3Backend.complete_multipart_upload = over  # type: ignore[method-assign]
    try:
        slow_completion.uninstall()
        assert S3Backend.complete_multipart_upload is over and slow_completion.delay() == 0
    finally:
        S3Backend.complete_multipart_upload = wrapper  # type: ignore[method-assign]
        slow_completion.uninstall()
    assert S3Backend.complete_multipart_upload is original


def test_the_stack_tells_the_functions_how_long_complete_waits() -> None:
    assert "COMPLETE_WAIT_SECONDS" not in LocalStack().function_environment()
    waiting = LocalStack(LocalStackConfig(complete_wait_seconds=1.5, s3_completion_delay_seconds=3))
    assert waiting.function_environment()["COMPLETE_WAIT_SECONDS"] == "1.5"
