"""A transcript's size is enforced by storage: the API's presigned POST and its policy, against the local S3.

The handler's form is sent as a browser sends it (the fields, then the file) to the local moto
server, which holds POSTs to their policy as S3 does (`local/s3_post_policy.py`).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from handlers.contract import MAX_TRANSCRIPT_BYTES
from handlers.core.runtime import clients
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import transcripts
from tests.lambda_events import TENANT
from tests.unit.handlers.conftest import BUCKET, TABLE
from tests.unit.handlers.test_uploads_api import transcript


@pytest.fixture
def episode_id(api: Any) -> str:
    return api("create_episode", "POST", "/episodes", {"title": "Transcripts", "episodeNumber": 8})[1]["id"]


def post(form: dict[str, Any], body: bytes) -> requests.Response:
    return requests.post(form["uploadUrl"], data=form["fields"], files={"file": ("t.srt", body)}, timeout=60)


def error_code(answer: requests.Response) -> str:
    return ElementTree.fromstring(answer.content).findtext("Code") or ""


def stored(key: str) -> bool:
    try:
        boto3.client("s3").head_object(Bucket=BUCKET, Key=key)
    except ClientError:
        return False
    return True


def test_the_policy_allows_this_key_and_filename_1_byte_to_10_mib_for_15_minutes(api: Any, episode_id: str) -> None:
    _, form = transcript(api, episode_id, {"filename": "ep8.srt"})

    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, MAX_TRANSCRIPT_BYTES] in conditions
    assert {"key": form["key"]} in conditions and {"bucket": BUCKET} in conditions
    assert {"x-amz-meta-filename": "ep8.srt"} in conditions
    assert {"Content-Type": "application/x-subrip"} in conditions
    assert form["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"  # SigV4: S3 checks the signature and expiry
    expiration = datetime.fromisoformat(policy["expiration"])
    assert timedelta(minutes=14) < expiration - datetime.now(UTC) <= timedelta(minutes=15)
    assert abs(expiration - datetime.fromisoformat(form["expiresAt"])) < timedelta(seconds=5)


def test_storage_refuses_a_transcript_over_10_mib_and_takes_one_of_10_mib(api: Any, episode_id: str) -> None:
    _, form = transcript(api, episode_id, {"filename": "big.srt"})

    too_large = post(form, b"1" * (MAX_TRANSCRIPT_BYTES + 1))
    assert (too_large.status_code, error_code(too_large)) == (400, "EntityTooLarge")
    assert not stored(form["key"])

    largest = post(form, b"1" * MAX_TRANSCRIPT_BYTES)
    assert largest.status_code == 204, largest.text
    assert boto3.client("s3").head_object(Bucket=BUCKET, Key=form["key"])["ContentLength"] == MAX_TRANSCRIPT_BYTES


def test_storage_refuses_an_empty_transcript_and_another_key(api: Any, episode_id: str) -> None:
    _, form = transcript(api, episode_id)
    elsewhere = f"media/{TENANT}/another-episode/transcripts/x.srt"

    empty = post(form, b"")
    moved = post({**form, "fields": {**form["fields"], "key": elsewhere}}, b"1\n")

    assert (empty.status_code, error_code(empty)) == (400, "EntityTooSmall")
    assert (moved.status_code, error_code(moved)) == (403, "AccessDenied")
    assert not stored(form["key"]) and not stored(elsewhere)


def test_a_put_url_handed_out_before_the_post_is_not_reused(api: Any, episode_id: str) -> None:
    # What the route answered before: a presigned PUT, still valid for 10 minutes.
    expires = datetime.now(UTC) + timedelta(minutes=10)
    old = {
        "key": f"media/{TENANT}/{episode_id}/transcripts/old.srt",
        "uploadUrl": "https://example.com/put",
        "expiresAt": expires.isoformat(timespec="seconds"),
        "requiredHeaders": {"x-amz-meta-filename": "ep.srt"},
        "filename": "ep.srt",
    }
    transcripts.save_upload_url(clients.table(TABLE), EpisodeRef(TENANT, episode_id), old, int(expires.timestamp()))

    status, form = transcript(api, episode_id, {"filename": "ep.srt"})

    assert status == 201
    assert form["key"] != old["key"] and form["fields"]["key"] == form["key"]
    assert transcript(api, episode_id, {"filename": "ep.srt"})[1] == form  # and this one is reused
