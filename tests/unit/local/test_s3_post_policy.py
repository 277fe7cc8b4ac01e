"""Presigned POSTs against the local moto server: held to their policy as S3 holds them (`local/s3_post_policy.py`).

moto alone stores any POST; these tests fail without the policy layer. The forms are boto3's own
`generate_presigned_post`, sent as a browser or curl sends them (the fields, then the file); a few
carry a policy written here (the local stack checks no signature, so an expired one needs no key).
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from components.media_bucket import CorsRule, MediaBucketArgs
from local.resources import create_bucket
from local.s3_post_policy import checked_post_policies

ROOT = Path(__file__).resolve().parents[3]
MIB = 1024 * 1024
LIMIT = 10 * MIB
ORIGIN = "https://studio.example.com"


@pytest.fixture(scope="module")
def s3(moto_url: str) -> Any:
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=moto_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=config,
    )


@pytest.fixture
def bucket(s3: Any) -> str:
    """A bucket made as the local stack makes the media bucket (its CORS rule allows POST from any origin)."""
    name = f"post-{uuid.uuid4().hex[:12]}"
    create_bucket(s3, name)
    return name


def presigned(s3: Any, bucket: str, key: str, filename: str = "talk.srt") -> dict[str, Any]:
    """A form as the API makes it: this key, this filename, 1 byte to 10 MiB."""
    fields = {"Content-Type": "application/x-subrip", "x-amz-meta-filename": filename}
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 1, LIMIT])
    post: dict[str, Any] = s3.generate_presigned_post(bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=900)
    return post


def send(form: dict[str, Any], body: bytes, **extra: Any) -> requests.Response:
    return requests.post(form["url"], data=form["fields"], files={"file": ("talk.srt", body)}, timeout=60, **extra)


def error(answer: requests.Response) -> dict[str, str]:
    """The elements of S3's error document."""
    return {element.tag: element.text or "" for element in ElementTree.fromstring(answer.content)}


def stored(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def with_policy(form: dict[str, Any], expiration: datetime, conditions: list[Any]) -> dict[str, Any]:
    """The form with a policy of its own (unsigned: the local stack does not check signatures)."""
    document = {"expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions}
    policy = base64.b64encode(json.dumps(document).encode()).decode()
    return {**form, "fields": {**form["fields"], "policy": policy}}


def signed_conditions(form: dict[str, Any]) -> list[Any]:
    return list(json.loads(base64.b64decode(form["fields"]["policy"]))["conditions"])


def test_a_file_of_the_largest_size_allowed_is_stored_with_its_fields(s3: Any, bucket: str) -> None:
    body = bytes(range(256)) * (LIMIT // 256)

    answer = send(presigned(s3, bucket, "media/t/ep/transcripts/a.srt"), body)

    assert answer.status_code == 204, answer.text
    head = s3.get_object(Bucket=bucket, Key="media/t/ep/transcripts/a.srt")
    assert head["Body"].read() == body
    assert head["Metadata"] == {"filename": "talk.srt"}
    assert head["ContentType"] == "application/x-subrip"


def test_one_byte_more_is_refused_as_s3_refuses_it(s3: Any, bucket: str) -> None:
    answer = send(presigned(s3, bucket, "media/t/ep/transcripts/big.srt"), b"x" * (LIMIT + 1))

    assert answer.status_code == 400
    assert error(answer) | {"RequestId": ""} == {
        "Code": "EntityTooLarge",
        "Message": "Your proposed upload exceeds the maximum allowed size",
        "ProposedSize": str(LIMIT + 1),
        "MaxSizeAllowed": str(LIMIT),
        "RequestId": "",
    }
    assert not stored(s3, bucket, "media/t/ep/transcripts/big.srt")


def test_an_empty_file_is_refused(s3: Any, bucket: str) -> None:
    answer = send(presigned(s3, bucket, "media/t/ep/transcripts/empty.srt"), b"")

    assert answer.status_code == 400
    assert error(answer)["Code"] == "EntityTooSmall" and error(answer)["MinSizeAllowed"] == "1"
    assert not stored(s3, bucket, "media/t/ep/transcripts/empty.srt")


def test_another_key_is_refused(s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "media/t/ep/transcripts/mine.srt")
    form["fields"] = {**form["fields"], "key": "media/other/ep/transcripts/theirs.srt"}

    answer = send(form, b"1\n00:00:00,000 --> 00:00:01,000\nHi\n")

    assert answer.status_code == 403
    assert error(answer)["Code"] == "AccessDenied"
    assert error(answer)["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "media/t/ep/transcripts/mine.srt"]'
    )
    assert not stored(s3, bucket, "media/other/ep/transcripts/theirs.srt")
    assert not stored(s3, bucket, "media/t/ep/transcripts/mine.srt")


def test_another_filename_or_a_field_the_policy_does_not_name_is_refused(s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "media/t/ep/transcripts/a.srt")
    renamed = {**form, "fields": {**form["fields"], "x-amz-meta-filename": "other.srt"}}
    extra = {**form, "fields": {**form["fields"], "x-amz-meta-owner": "me", "x-ignore-note": "ignored"}}

    assert "Policy Condition failed" in error(send(renamed, b"data"))["Message"]
    assert error(send(extra, b"data"))["Message"] == "Invalid according to Policy: Extra input fields: x-amz-meta-owner"
    assert not stored(s3, bucket, "media/t/ep/transcripts/a.srt")


def test_an_expired_policy_is_refused(s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "media/t/ep/transcripts/late.srt")
    expired = with_policy(form, datetime.now(UTC) - timedelta(seconds=1), signed_conditions(form))
    valid = with_policy(form, datetime.now(UTC) + timedelta(minutes=1), signed_conditions(form))

    answer = send(expired, b"data")

    assert answer.status_code == 403
    assert error(answer)["Message"] == "Invalid according to Policy: Policy expired."
    assert not stored(s3, bucket, "media/t/ep/transcripts/late.srt")
    assert send(valid, b"data").status_code == 204  # the same form, in time


def test_a_post_without_a_policy_or_a_key_is_refused(s3: Any, bucket: str) -> None:
    url = presigned(s3, bucket, "k")["url"]
    unsigned = requests.post(url, data={"key": "k"}, files={"file": b"data"}, timeout=10)
    no_key = requests.post(url, data={"policy": "e30="}, files={"file": b"data"}, timeout=10)

    assert (unsigned.status_code, error(unsigned)["Code"]) == (403, "AccessDenied")
    assert (no_key.status_code, error(no_key)["Code"], error(no_key)["ArgumentName"]) == (400, "InvalidArgument", "key")
    assert not stored(s3, bucket, "k")


def test_a_policy_that_is_not_base64_json_is_refused(s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "k")
    form["fields"] = {**form["fields"], "policy": "not a policy"}

    answer = send(form, b"data")

    assert (answer.status_code, error(answer)["Code"]) == (400, "InvalidPolicyDocument")


def test_fields_after_the_file_are_ignored_as_s3_ignores_them(s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "media/t/ep/transcripts/a.srt")
    parts = [(name, (None, value)) for name, value in form["fields"].items()]
    parts += [("file", ("a.srt", b"data")), ("key", (None, "media/t/ep/transcripts/after.srt"))]

    answer = requests.post(form["url"], files=parts, timeout=10)

    assert answer.status_code == 204, answer.text
    assert stored(s3, bucket, "media/t/ep/transcripts/a.srt")
    assert not stored(s3, bucket, "media/t/ep/transcripts/after.srt")


def test_a_refusal_is_readable_from_an_origin_the_buckets_cors_allows_to_post(s3: Any, bucket: str) -> None:
    closed = f"post-{uuid.uuid4().hex[:12]}"
    create_bucket(s3, closed, MediaBucketArgs(cors_rules=[CorsRule(allowed_origins=[ORIGIN], allowed_methods=["PUT"])]))

    allowed = send(presigned(s3, bucket, "k"), b"", headers={"Origin": ORIGIN})
    not_allowed = send(presigned(s3, closed, "k"), b"", headers={"Origin": ORIGIN})

    assert allowed.status_code == not_allowed.status_code == 400
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in not_allowed.headers


def test_a_refused_body_is_read_to_its_end_and_the_connection_serves_on(s3: Any, bucket: str, moto_url: str) -> None:
    with requests.Session() as session:
        form = presigned(s3, bucket, "k")
        refused = session.post(form["url"], data=form["fields"], files={"file": b"x" * (LIMIT + MIB)}, timeout=60)
        accepted = session.post(form["url"], data=form["fields"], files={"file": b"data"}, timeout=10)
        again = session.post(form["url"], data=form["fields"], files={"file": b"x" * (LIMIT + 1)}, timeout=60)
        listed = session.get(f"{moto_url}/{bucket}?list-type=2", timeout=10)

    assert refused.status_code == 400 and accepted.status_code == 204
    assert again.status_code == 400 and listed.status_code == 200


def test_other_s3_posts_reach_moto_untouched(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="b")  # POST ?uploads

    deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}]})  # POST ?delete

    assert [item["Key"] for item in deleted["Deleted"]] == ["a"]
    s3.abort_multipart_upload(Bucket=bucket, Key="b", UploadId=upload["UploadId"])


class Zeros(io.RawIOBase):
    """`size` zero bytes, made as they are read: a body that never exists whole."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


class Chain(io.RawIOBase):
    """Several streams read one after another."""

    def __init__(self, *streams: io.RawIOBase | io.BytesIO) -> None:
        self.streams = list(streams)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.streams:
            count = self.streams[0].readinto(buffer)
            if count:
                return count
            self.streams.pop(0)
        return 0


def form_environ(fields: dict[str, str], file: io.RawIOBase, file_size: int) -> dict[str, Any]:
    """A WSGI environ of a form POST to `/bucket`, the file streamed from `file`."""
    boundary = "b0undary"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n'.encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = Chain(io.BytesIO(head), file, io.BytesIO(tail))
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/bucket",
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(head) + file_size + len(tail)),
        "wsgi.input": io.BufferedReader(body),
    }


def policy_fields(key: str, largest: int) -> dict[str, str]:
    expiration = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {"expiration": expiration, "conditions": [{"key": key}, ["content-length-range", 1, largest]]}
    return {"key": key, "policy": base64.b64encode(json.dumps(document).encode()).decode()}


@pytest.fixture
def downstream() -> Iterator[tuple[Callable[..., Any], list[bytes]]]:
    """A WSGI app standing for moto: records the body it is given."""
    bodies: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        bodies.append(environ["wsgi.input"].read())
        start_response("204 No Content", [])
        return []

    yield app, bodies


def call(app: Callable[..., Any], environ: dict[str, Any]) -> str:
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return statuses[0]


def refused_peak(size: int) -> tuple[str, int, int]:
    """Status, bytes left unread and peak traced memory of one refused POST of a `size`-byte file."""
    bodies: list[bytes] = []

    def moto(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        bodies.append(b"called")
        start_response("204 No Content", [])
        return []

    file = Zeros(size)
    environ = form_environ(policy_fields("k", LIMIT), file, size)
    tracemalloc.start()
    try:
        status = call(checked_post_policies(moto), environ)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return status if not bodies else "moto was called", file.left, peak


def test_memory_stays_bounded_however_large_the_refused_file() -> None:
    # In a process of its own: the moto server's threads (other tests) allocate while this one measures.
    measure = f"from {__name__} import refused_peak; print(*refused_peak({256 * MIB}), sep='|')"
    run = subprocess.run([sys.executable, "-c", measure], cwd=ROOT, capture_output=True, text=True, check=True)
    status, left, peak = run.stdout.strip().split("|")

    assert status.startswith("400 ")
    assert left == "0", "the refused body was not read to its end"
    assert int(peak) < 2 * MIB, f"peak {int(peak) / MIB:.1f} MiB: the body was held in memory"


def test_an_accepted_form_reaches_moto_as_its_fields_then_the_file(downstream: Any) -> None:
    app, bodies = downstream
    fields = policy_fields("k", LIMIT)
    environ = form_environ(fields, Zeros(3 * MIB), 3 * MIB)

    assert call(checked_post_policies(app), environ).startswith("204")
    [body] = bodies
    assert int(environ["CONTENT_LENGTH"]) == len(body)
    assert body.count(b"\x00") == 3 * MIB
    assert body.index(b'name="key"') < body.index(b'name="policy"') < body.index(b'name="file"')
