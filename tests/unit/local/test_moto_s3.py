"""moto's S3 with object bytes on disk (`local/moto_s3.py`): the same answers as moto, read in chunks.

Every test talks to the local moto server over HTTP with boto3, as the stack's clients do. The
first tests fail when moto is upgraded: the patches replace moto functions and rely on others,
so a new moto must be reviewed against them before the pins move.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import resource
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.s3.models import MultipartChecksumBuilder, s3_backends

from local import moto_s3
from local.moto_s3_checksums import CRC32, Crc, MultipartChecksum, crc_combine
from local.moto_s3_objects import CHUNK_SIZE, PartFiles
from local.moto_server import READ_AT_ONCE, backend_app

MIB = 1024 * 1024
REQUIREMENTS = Path(__file__).resolve().parents[3] / "requirements-dev.txt"


def client(moto_url: str, service: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=moto_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@pytest.fixture(scope="module")
def s3(moto_url: str) -> Any:
    return client(moto_url, "s3")


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    name = f"moto-s3-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for version in s3.list_object_versions(Bucket=name).get("Versions", []):
        s3.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
    for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    s3.delete_bucket(Bucket=name)


def upload_parts(s3: Any, bucket: str, key: str, parts: list[bytes], **create: Any) -> tuple[str, list[dict[str, Any]]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    sent = [
        {
            "PartNumber": number,
            "ETag": s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)["ETag"],
        }
        for number, body in enumerate(parts, start=1)
    ]
    return upload_id, sent


def multipart_etag(parts: list[bytes]) -> str:
    """S3's ETag of a multipart object: the md5 of the parts' md5 digests, then `-N`."""
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


PARTS = [os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(3000)]
WHOLE = b"".join(PARTS)


# The pins ---------------------------------------------------------------------------------------


def test_the_patches_fit_the_installed_and_pinned_moto() -> None:
    pinned = re.search(r"^moto\[server\]==(\S+)$", REQUIREMENTS.read_text(), re.MULTILINE)
    assert pinned is not None and pinned.group(1) == moto_s3.PINNED_MOTO, "requirements-dev.txt moved moto"
    assert importlib.metadata.version("moto") == moto_s3.PINNED_MOTO
    assert moto_s3.differences() == [], "moto changed a function the patches replace or rely on: review them"


def test_a_changed_moto_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(moto_s3.PINNED_SOURCES, "FakeMultipart.complete", "0" * 16)
    assert moto_s3.differences() == ["FakeMultipart.complete changed"]
    monkeypatch.setattr(moto_s3, "_ORIGINALS", {})  # as if not installed yet
    with pytest.raises(RuntimeError, match=re.escape("FakeMultipart.complete changed")):
        moto_s3.install()
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9")
    assert moto_s3.differences() == ["moto 9.9.9 is installed, the patches are written for moto 5.2.5"]


def test_the_local_moto_server_runs_patched(moto_url: str) -> None:
    assert moto_s3.installed()
    assert backend_app("s3").debug is False
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft >= min(moto_s3.OPEN_FILES, hard, 10240), "room for the open files of parts and objects"


def test_part_files_read_as_one_file() -> None:
    pieces = [b"abc", b"", b"defgh", b"ij"]
    files = []
    for piece in pieces:
        file = tempfile.SpooledTemporaryFile(max_size=1)  # noqa: SIM115 (PartFiles closes them)
        file.rollover()
        file.write(piece)
        file.flush()
        files.append(file)
    whole = PartFiles(files, [len(piece) for piece in pieces])

    assert whole.read() == b"abcdefghij"
    assert whole.seek(2) == 2 and whole.read(4) == b"cdef" and whole.tell() == 6
    assert whole.read(100) == b"ghij" and whole.read() == b""
    assert [(files.index(file), offset, length) for file, offset, length in whole.segments(2, 9)] == [
        (0, 2, 1),
        (2, 0, 5),
        (3, 0, 1),
    ]
    whole.close()
    assert all(file.closed for file in files)


# Checksums --------------------------------------------------------------------------------------


ALGORITHMS = [None, "CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]
TYPES = [None, "COMPOSITE", "FULL_OBJECT"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("checksum_type", TYPES)
@pytest.mark.parametrize("taken_when_parts_arrive", [True, False], ids=["per-part", "read-back"])
def test_the_multipart_checksum_is_moto_s(
    algorithm: str | None, checksum_type: str | None, taken_when_parts_arrive: bool
) -> None:
    parts = [os.urandom(3 * CHUNK_SIZE + 17), os.urandom(10), b"", os.urandom(CHUNK_SIZE)]
    expected = MultipartChecksumBuilder(algorithm, checksum_type)
    for part in parts:
        expected.addPart(part)
    checksum = MultipartChecksum(algorithm, checksum_type)

    def chunks(part: bytes) -> Callable[[], Iterator[bytes]]:
        return lambda: (part[start : start + 1000] for start in range(0, len(part), 1000))

    built = checksum.build(
        (checksum.of_part(part) if taken_when_parts_arrive else None, len(part), chunks(part)) for part in parts
    )
    assert built == expected.build()


def reference_crc(width: int, polynomial: int) -> Crc:
    """A bit-at-a-time reflected CRC with all-ones initial value and final xor, continued as zlib's."""
    mask = (1 << width) - 1

    def update(data: bytes, previous: int) -> int:
        register = previous ^ mask
        for byte in data:
            register ^= byte
            for _ in range(8):
                register = (register >> 1) ^ polynomial if register & 1 else register >> 1
        return register ^ mask

    return Crc(update, width, polynomial)


@pytest.mark.parametrize(
    ("crc", "check"),
    [
        (CRC32, 0xCBF43926),
        (reference_crc(32, 0x82F63B78), 0xE3069283),  # CRC32C, as the optional `crc32c` computes it
        (reference_crc(64, 0x9A6C9329AC4BC9B5), 0xAE8B14860A799888),  # CRC64NVME, as `awscrt` does
    ],
    ids=["crc32", "crc32c", "crc64nvme"],
)
def test_crcs_of_parts_combine_into_the_crc_of_the_whole(crc: Crc, check: int) -> None:
    assert crc.function(b"123456789", 0) == check  # the catalogue's check value: the right CRC
    pieces = [os.urandom(size) for size in (0, 1, 7, 64, 1000, 4096)]
    whole, combined = crc.function(b"".join(pieces), 0), 0
    for piece in pieces:
        combined = crc_combine(crc, combined, crc.function(piece, 0), len(piece))
    assert combined == whole


# Multipart uploads ------------------------------------------------------------------------------


def test_a_completed_upload_has_s3_s_etag_size_and_bytes(s3: Any, bucket: str) -> None:
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", PARTS, ContentType="video/mp4")
    listed = s3.list_parts(Bucket=bucket, Key="track.mp4", UploadId=upload_id)["Parts"]
    assert [(part["PartNumber"], part["Size"], part["ETag"]) for part in listed] == [
        (number, len(body), f'"{hashlib.md5(body).hexdigest()}"') for number, body in enumerate(PARTS, start=1)
    ]

    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent}
    )

    assert done["ETag"] == multipart_etag(PARTS)
    head = s3.head_object(Bucket=bucket, Key="track.mp4")
    assert (head["ContentLength"], head["ETag"], head["ContentType"]) == (
        len(WHOLE),
        multipart_etag(PARTS),
        "video/mp4",
    )
    assert s3.get_object(Bucket=bucket, Key="track.mp4")["Body"].read() == WHOLE
    part_head = s3.head_object(Bucket=bucket, Key="track.mp4", PartNumber=2)
    assert (part_head["ContentLength"], part_head["ETag"]) == (len(PARTS[1]), f'"{hashlib.md5(PARTS[1]).hexdigest()}"')


def test_the_object_takes_over_the_parts_files_without_a_copy(s3: Any, bucket: str) -> None:
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", [*PARTS, os.urandom(100)])
    stored = s3_backends["123456789012"]["aws"].buckets[bucket]
    files = [part._value_buffer for part in stored.multiparts[upload_id].parts.values()]

    s3.complete_multipart_upload(
        Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent[:3]}
    )

    key = stored.keys["track.mp4"]
    assert isinstance(key._value_buffer, PartFiles) and key._value_buffer._files == files[:3]
    assert [file.closed for file in files] == [False, False, False, True], "a part left out is deleted"
    assert key.multipart is not None and all(part.disposed for part in key.multipart.parts.values())
    assert key.value == WHOLE, "moto's own reader (CopyObject, pickling) reads the parts' files as one"


def test_completions_sent_at_once_store_the_object_once(s3: Any, bucket: str) -> None:
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", PARTS)

    def complete() -> str:
        try:
            s3.complete_multipart_upload(
                Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent}
            )
            return "completed"
        except ClientError as error:
            return str(error.response["Error"]["Code"])

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: complete(), range(4)))

    # One completes it; the others find it completed (moto's idempotent answer) or, while it is
    # being completed, gone.
    assert "completed" in answers and set(answers) <= {"completed", "NoSuchUpload"}, answers
    assert len(s3.list_object_versions(Bucket=bucket, Prefix="track.mp4")["Versions"]) == 1
    assert s3.get_object(Bucket=bucket, Key="track.mp4")["Body"].read() == WHOLE


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-9", 0, 10),
        ("bytes=5242870-5242890", 5242870, 5242891),  # across the first part boundary
        ("bytes=10485000-", 10485000, len(WHOLE)),
        ("bytes=-100", len(WHOLE) - 100, len(WHOLE)),
        (f"bytes=100-{len(WHOLE) + 5000}", 100, len(WHOLE)),
    ],
)
def test_a_ranged_get_answers_exactly_the_range(s3: Any, bucket: str, header: str, start: int, stop: int) -> None:
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", PARTS)
    s3.complete_multipart_upload(Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent})

    answer = s3.get_object(Bucket=bucket, Key="track.mp4", Range=header)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert answer["ContentRange"] == f"bytes {start}-{stop - 1}/{len(WHOLE)}"
    assert answer["ContentLength"] == stop - start
    assert answer["Body"].read() == WHOLE[start:stop]


def test_a_range_past_the_end_is_refused(s3: Any, bucket: str) -> None:
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", PARTS)
    s3.complete_multipart_upload(Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent})

    with pytest.raises(ClientError) as refused:
        s3.get_object(Bucket=bucket, Key="track.mp4", Range=f"bytes={len(WHOLE)}-")
    assert refused.value.response["Error"]["Code"] == "InvalidRange"


def test_an_object_deleted_while_it_is_read_is_still_read_whole(s3: Any, bucket: str) -> None:
    body = os.urandom(24 * MIB)  # more than the sockets buffer: the server is still reading its file
    s3.put_object(Bucket=bucket, Key="big.bin", Body=body)
    stream = s3.get_object(Bucket=bucket, Key="big.bin")["Body"]
    first = stream.read(MIB)

    for version in s3.list_object_versions(Bucket=bucket, Prefix="big.bin").get("Versions", []):
        s3.delete_object(Bucket=bucket, Key="big.bin", VersionId=version["VersionId"])

    assert first + stream.read() == body


def test_a_failed_completion_leaves_the_upload_to_complete_or_abort(s3: Any, bucket: str) -> None:
    small_first = [os.urandom(1000), os.urandom(5 * MIB)]
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", small_first)
    with pytest.raises(ClientError) as too_small:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent}
        )
    assert too_small.value.response["Error"]["Code"] == "EntityTooSmall"
    wrong = [{**sent[0], "ETag": '"' + "0" * 32 + '"'}]
    with pytest.raises(ClientError) as invalid:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": wrong}
        )
    assert invalid.value.response["Error"]["Code"] == "InvalidPart"

    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent[:1]}
    )
    assert done["ETag"] == multipart_etag(small_first[:1])
    assert s3.get_object(Bucket=bucket, Key="track.mp4")["Body"].read() == small_first[0]


def test_an_aborted_upload_is_gone(s3: Any, bucket: str) -> None:
    upload_id, _ = upload_parts(s3, bucket, "track.mp4", PARTS[:1])
    s3.abort_multipart_upload(Bucket=bucket, Key="track.mp4", UploadId=upload_id)
    with pytest.raises(ClientError) as gone:
        s3.list_parts(Bucket=bucket, Key="track.mp4", UploadId=upload_id)
    assert gone.value.response["Error"]["Code"] == "NoSuchUpload"


def test_a_composite_checksum_is_moto_s(s3: Any, bucket: str) -> None:
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", PARTS, ChecksumAlgorithm="SHA256")
    s3.complete_multipart_upload(Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent})
    expected = MultipartChecksumBuilder("SHA256", None)
    for part in PARTS:
        expected.addPart(part)
    checksum_type, value, count = expected.build()

    answer = s3.get_object(Bucket=bucket, Key="track.mp4", ChecksumMode="ENABLED")

    assert (answer["ChecksumSHA256"], answer["ChecksumType"]) == (f"{value}-{count}", checksum_type)


def test_a_large_put_reads_back(s3: Any, bucket: str) -> None:
    body = os.urandom(7 * MIB)
    s3.put_object(Bucket=bucket, Key="segment.ts", Body=body)
    assert s3.get_object(Bucket=bucket, Key="segment.ts")["Body"].read() == body
    assert (
        s3.get_object(Bucket=bucket, Key="segment.ts", Range="bytes=6000000-6000009")["Body"].read()
        == body[6000000:6000010]
    )


def test_a_completed_upload_notifies_eventbridge_as_moto_does(moto_url: str, s3: Any, bucket: str) -> None:
    events, sqs = client(moto_url, "events"), client(moto_url, "sqs")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    queue = sqs.create_queue(QueueName=bucket)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name=bucket, EventPattern=json.dumps({"source": ["aws.s3"], "detail": {"bucket": {"name": [bucket]}}})
    )
    events.put_targets(Rule=bucket, Targets=[{"Id": "queue", "Arn": arn}])
    upload_id, sent = upload_parts(s3, bucket, "track.mp4", PARTS)

    s3.complete_multipart_upload(Bucket=bucket, Key="track.mp4", UploadId=upload_id, MultipartUpload={"Parts": sent})

    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    seen = [json.loads(message["Body"]) for message in received]
    # moto 5.2.5 announces a completion as a put (Object Created), tags (Object Tags Added) and
    # the completion (Object Created), each with the object's key, size and ETag.
    assert [(event["detail-type"], event["detail"]["reason"]) for event in seen] == [
        ("Object Created", "ObjectCreated"),
        ("Object Tags Added", "ObjectTagging"),
        ("Object Created", "ObjectCreated"),
    ]
    etag = multipart_etag(PARTS).strip('"')
    assert {
        (e["detail"]["object"]["key"], e["detail"]["object"]["size"], e["detail"]["object"]["eTag"]) for e in seen
    } == {("track.mp4", len(WHOLE), etag)}
    events.remove_targets(Rule=bucket, Ids=["queue"])
    events.delete_rule(Name=bucket)
    sqs.delete_queue(QueueUrl=queue)


# Request bodies ---------------------------------------------------------------------------------


def test_a_body_shorter_than_its_length_is_refused(s3: Any, bucket: str) -> None:
    url = urlsplit(s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "short.bin"}))
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        head = (
            f"PUT {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Length: {2 * READ_AT_ONCE}\r\n\r\n"
        )
        connection.sendall(head.encode() + os.urandom(READ_AT_ONCE))
        connection.shutdown(socket.SHUT_WR)
        answer = connection.makefile("rb").readline()
    assert answer.split()[1] == b"400"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="short.bin")
