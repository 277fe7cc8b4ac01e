"""Transcript and track uploads through the real handlers, against moto S3, DynamoDB and EventBridge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from tests.unit.handlers.conftest import BUCKET

MIB = 1024 * 1024


@pytest.fixture
def episode_id(api: Any) -> str:
    return api("create_episode", "POST", "/episodes", {"title": "Uploads", "episodeNumber": 7})[1]["id"]


def transcript(api: Any, episode_id: str, body: Any = None) -> tuple[int, Any]:
    return api("request_transcript_upload", "POST", "/episodes/{episodeId}/transcripts", body, episodeId=episode_id)


def start(api: Any, episode_id: str, filename: str = "Main Cam.MP4", track: str = "Main Cam") -> tuple[int, Any]:
    body = {"filename": filename, "trackName": track}
    return api("start_track_upload", "POST", "/episodes/{episodeId}/tracks", body, episodeId=episode_id)


def parts(api: Any, episode_id: str, track: str, upload_id: str, numbers: list[int]) -> tuple[int, Any]:
    return api(
        "presign_track_parts",
        "POST",
        "/episodes/{episodeId}/tracks/{trackName}/parts",
        {"uploadId": upload_id, "partNumbers": numbers},
        episodeId=episode_id,
        trackName=track,
    )


def complete(api: Any, episode_id: str, track: str, upload_id: str, etags: list[dict[str, Any]]) -> tuple[int, Any]:
    return api(
        "complete_track_upload",
        "POST",
        "/episodes/{episodeId}/tracks/{trackName}/complete",
        {"uploadId": upload_id, "parts": etags},
        episodeId=episode_id,
        trackName=track,
    )


def upload_parts(api: Any, episode_id: str, session: dict[str, Any], chunks: list[bytes]) -> list[dict[str, Any]]:
    _, answer = parts(api, episode_id, session["trackName"], session["uploadId"], list(range(1, len(chunks) + 1)))
    etags = []
    for entry, chunk in zip(answer["urls"], chunks, strict=True):
        put = requests.put(entry["url"], data=chunk, timeout=30)
        assert put.status_code == 200
        etags.append({"ETag": put.headers["ETag"], "PartNumber": entry["partNumber"]})
    return etags


def test_transcript_url_uploads_to_the_episode_key_and_is_reused(api: Any, episode_id: str) -> None:
    status, first = transcript(api, episode_id, {"filename": "ep7.srt"})
    _, again = transcript(api, episode_id, {"filename": "ep7.srt"})

    assert status == 201
    assert first["key"] == f"{episode_id}/transcript.srt"
    assert again["uploadUrl"] == first["uploadUrl"]
    assert first["requiredHeaders"] == {"x-amz-meta-filename": "ep7.srt"}
    query = parse_qs(urlsplit(first["uploadUrl"]).query)
    assert query["X-Amz-Expires"] == ["900"]
    expires = datetime.fromisoformat(first["expiresAt"])
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)

    put = requests.put(
        first["uploadUrl"], data=b"1\n00:00:00,000 --> 00:00:01,000\nHi\n", headers=first["requiredHeaders"]
    )
    assert put.status_code == 200
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=first["key"])
    assert head["Metadata"] == {"filename": "ep7.srt"}


def test_transcript_without_body_and_for_unknown_episode(api: Any, episode_id: str) -> None:
    status, answer = transcript(api, episode_id)
    assert status == 201 and "requiredHeaders" not in answer
    assert transcript(api, "no-such-episode")[0] == 404


def test_multipart_track_upload_records_counts_and_announces_the_track(
    api: Any, episode_id: str, published: Any
) -> None:
    status, session = start(api, episode_id)
    assert status == 200
    assert session["trackName"] == "main-cam"
    assert session["key"] == f"{episode_id}/tracks/main-cam.mp4"
    assert start(api, episode_id)[1]["uploadId"] == session["uploadId"]  # idempotent while open

    content = [b"a" * (5 * MIB), b"b" * 1000]
    etags = upload_parts(api, episode_id, session, content)
    status, done = complete(api, episode_id, "main-cam", session["uploadId"], etags)

    assert status == 200 and done == {"key": session["key"], "trackName": "main-cam"}
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=session["key"])["Body"].read()
    assert stored == b"".join(content)
    _, episode = api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)
    assert episode["numTracks"] == 1
    assert episode["tracks"] == [{"trackName": "main-cam", "status": "Unprocessed"}]
    [event] = published()
    assert event["detail-type"] == "Video Upload Completed" and event["source"] == "nullcheck"
    assert event["detail"] == {"episodeId": episode_id, "trackName": "main-cam", "key": session["key"]}


def test_repeated_complete_answers_the_same_and_counts_once(api: Any, episode_id: str, published: Any) -> None:
    _, session = start(api, episode_id, track="guest")
    etags = upload_parts(api, episode_id, session, [b"x" * 2000])

    first = complete(api, episode_id, "guest", session["uploadId"], etags)
    second = complete(api, episode_id, "guest", session["uploadId"], etags)

    assert first == second == (200, {"key": session["key"], "trackName": "guest"})
    _, episode = api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)
    assert episode["numTracks"] == 1


def test_upload_errors_are_4xx(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, track="screen")

    assert start(api, "missing-episode")[0] == 404
    assert start(api, episode_id, track="!!!")[0] == 400
    assert parts(api, episode_id, "screen", "wrong-upload-id", [1])[0] == 400
    assert parts(api, episode_id, "nothing-open", session["uploadId"], [1])[0] == 404
    assert parts(api, episode_id, "screen", session["uploadId"], [0])[0] == 400
    assert parts(api, episode_id, "screen", session["uploadId"], [10001])[0] == 400
    status, answer = complete(api, episode_id, "screen", session["uploadId"], [{"ETag": '"bogus"', "PartNumber": 1}])
    assert status == 400 and "parts" in answer["message"]
    assert complete(api, episode_id, "screen", "wrong", [{"ETag": "x", "PartNumber": 1}])[0] == 400


def test_a_completed_track_cannot_be_started_again(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, track="main")
    complete(api, episode_id, "main", session["uploadId"], upload_parts(api, episode_id, session, [b"z"]))

    status, answer = start(api, episode_id, track="main")
    assert status == 409 and "already uploaded" in answer["message"]


def test_part_urls_expire_in_fifteen_minutes(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, track="cam")
    _, answer = parts(api, episode_id, "cam", session["uploadId"], [3, 1, 3])

    assert [entry["partNumber"] for entry in answer["urls"]] == [1, 3]
    for entry in answer["urls"]:
        query = parse_qs(urlsplit(entry["url"]).query)
        assert query["X-Amz-Expires"] == ["900"]
        assert query["partNumber"] == [str(entry["partNumber"])]


@pytest.mark.parametrize("as_sent", ["Browser%20Cam", "Browser Cam", "browser-cam", "BROWSER%20CAM"])
def test_a_track_is_reached_by_its_raw_encoded_or_sanitised_name(api: Any, episode_id: str, as_sent: str) -> None:
    _, session = start(api, episode_id, track="Browser Cam")

    status, answer = parts(api, episode_id, as_sent, session["uploadId"], [1])
    assert status == 200, answer
    etags = upload_parts(api, episode_id, session, [b"v" * 100])
    status, done = complete(api, episode_id, as_sent, session["uploadId"], etags)

    assert status == 200 and done["trackName"] == "browser-cam"
