"""A track upload S3 is still assembling when `complete` must answer: 202 `Completing`, then finished by a function."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError

from tests.lambda_events import TENANT, FakeContext
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.test_uploads_api import MIB, complete, start, track, upload_parts

CHUNKS = [b"a" * (5 * MIB), b"b" * 1024]


@pytest.fixture
def episode_id(api: Any) -> str:
    return api("create_episode", "POST", "/episodes", {"title": "Long show", "episodeNumber": 1})[1]["id"]


@pytest.fixture
def completion_outlasts_the_request(handler: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The completion client's read times out; with `finishes_anyway`, S3 completes the upload regardless."""
    module = handler("handlers.api.complete_track_upload")
    s3 = module.storage.completion_s3
    real = s3.complete_multipart_upload
    calls: list[str] = []

    class SlowS3:
        def __getattr__(self, name: str) -> Any:
            return getattr(s3, name)

        def complete_multipart_upload(self, **request: Any) -> Any:
            calls.append(request["UploadId"])
            if "finishes_anyway" in calls:
                real(**request)
            raise ReadTimeoutError(endpoint_url="https://s3.example")

    monkeypatch.setattr(module, "storage", dataclasses.replace(module.storage, completion_s3=SlowS3()))
    return calls


def finish(handler: Any, published: list[dict[str, Any]]) -> None:
    [event] = [event for event in published if event["detail-type"] == "Track Upload Completing"]
    event.setdefault("account", "123456789012")  # EventBridge names it; moto's copy into the test queue does not
    handler("handlers.events.finish_track_upload").lambda_handler(event, FakeContext())


def test_a_completion_that_outlasts_the_request_answers_202_completing_and_is_finished_by_a_function(
    api: Any, episode_id: str, published: Any, handler: Any, completion_outlasts_the_request: list[str]
) -> None:
    _, session = start(api, episode_id)
    etags = upload_parts(api, episode_id, session, CHUNKS)

    status, answer = complete(api, episode_id, session["trackName"], session["uploadId"], etags)
    assert status == 202 and answer == {"key": session["key"], "trackName": "main-cam", "status": "Completing"}
    assert track(episode_id, "main-cam")["status"] == "Completing"
    assert api("delete_track", "DELETE", "/episodes/{episodeId}/tracks/{trackName}", None,
               episodeId=episode_id, trackName="main-cam")[0] == 409  # fmt: skip
    again_status, again = complete(api, episode_id, session["trackName"], session["uploadId"], etags)
    assert (again_status, again["status"]) == (202, "Completing")

    events = published() + published()
    finish(handler, events[:1])
    assert track(episode_id, "main-cam")["status"] == "Unprocessed"
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=session["key"])
    assert head["ContentLength"] == sum(len(chunk) for chunk in CHUNKS)
    announced = [event for event in published() if event["detail-type"] == "Video Upload Completed"]
    assert [event["detail"]["trackName"] for event in announced] == ["main-cam"]
    finish(handler, events[:1])  # a repeated event does nothing twice
    assert not [event for event in published() if event["detail-type"] == "Video Upload Completed"]
    episode = api("get_episode", "GET", "/episodes/{episodeId}", None, episodeId=episode_id)[1]
    assert episode["numTracks"] == 1 and episode["tracks"][0]["uploadId"] == session["uploadId"]


def test_an_upload_the_timed_out_request_completed_after_all_is_recognised(
    api: Any, episode_id: str, published: Any, handler: Any, completion_outlasts_the_request: list[str]
) -> None:
    completion_outlasts_the_request.append("finishes_anyway")
    _, session = start(api, episode_id)
    etags = upload_parts(api, episode_id, session, CHUNKS)
    assert complete(api, episode_id, session["trackName"], session["uploadId"], etags)[0] == 202

    finish(handler, published())
    assert track(episode_id, "main-cam")["status"] == "Unprocessed"


def test_parts_s3_refuses_fail_the_track_with_a_reason_a_producer_understands(
    api: Any, episode_id: str, published: Any, handler: Any, completion_outlasts_the_request: list[str]
) -> None:
    _, session = start(api, episode_id)
    etags = upload_parts(api, episode_id, session, CHUNKS)
    wrong = [{**etags[0], "ETag": '"' + "0" * 32 + '"'}, etags[1]]
    assert complete(api, episode_id, session["trackName"], session["uploadId"], wrong)[0] == 202

    finish(handler, published())
    stored = track(episode_id, "main-cam")
    assert stored["status"] == "ProcessingFailed"
    assert "could not be put together" in stored["failureReason"] and "upload the file again" in stored["failureReason"]
    assert BUCKET not in stored["failureReason"]


def test_a_quick_completion_still_answers_200_with_the_tracks_status(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id)
    etags = upload_parts(api, episode_id, session, CHUNKS)
    status, answer = complete(api, episode_id, session["trackName"], session["uploadId"], etags)
    assert (status, answer["status"]) == (200, "Unprocessed")


def test_the_part_list_waits_in_the_bucket_until_the_upload_is_finished(
    api: Any, episode_id: str, published: Any, handler: Any, completion_outlasts_the_request: list[str]
) -> None:
    _, session = start(api, episode_id)
    etags = upload_parts(api, episode_id, session, CHUNKS)
    complete(api, episode_id, session["trackName"], session["uploadId"], etags)
    [event] = published()
    parts_key = event["detail"]["partsKey"]
    assert parts_key.startswith(f"media/{TENANT}/{episode_id}/")
    stored = json.loads(boto3.client("s3").get_object(Bucket=BUCKET, Key=parts_key)["Body"].read())
    assert [part["PartNumber"] for part in stored] == [1, 2]
    finish(handler, [event])
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=parts_key)
