"""Transcript and track uploads through the real handlers, against moto S3, DynamoDB and EventBridge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from components import media_bucket
from components.media_bucket import MediaBucketArgs
from handlers import catalog, contract, openapi
from handlers.core.rules import upload_sessions
from handlers.core.runtime import clients
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import tracks
from tests.lambda_events import TENANT
from tests.unit.handlers.conftest import BUCKET, TABLE
from tests.unit.handlers.iam_calls import granted_actions, recorded_actions

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


def track(episode_id: str, name: str) -> dict[str, Any]:
    """The stored track record."""
    table = clients.table(TABLE)
    item: dict[str, Any] = table.get_item(Key={"pk": f"{TENANT}#{episode_id}", "sk": f"track#{name}"})["Item"]
    return item


def session_record(episode_id: str, name: str) -> dict[str, Any] | None:
    table = clients.table(TABLE)
    item: dict[str, Any] | None = table.get_item(
        Key={"pk": f"{TENANT}#{episode_id}", "sk": f"track-upload:{name}"}
    ).get("Item")
    return item


def test_transcript_form_uploads_to_the_episode_key_and_is_reused(api: Any, episode_id: str) -> None:
    status, first = transcript(api, episode_id, {"filename": "ep7.srt"})
    _, again = transcript(api, episode_id, {"filename": "ep7.srt"})

    assert status == 201
    assert first["key"].startswith(f"media/{TENANT}/{episode_id}/transcripts/") and first["key"].endswith(".srt")
    assert again == first
    assert first["fields"]["key"] == first["key"] and first["fields"]["x-amz-meta-filename"] == "ep7.srt"
    assert first["maxBytes"] == 10 * MIB
    expires = datetime.fromisoformat(first["expiresAt"])
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)

    body = b"1\n00:00:00,000 --> 00:00:01,000\nHi\n"
    post = requests.post(first["uploadUrl"], data=first["fields"], files={"file": ("ep7.srt", body)}, timeout=30)
    assert post.status_code == 204, post.text
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=first["key"])
    assert stored["Body"].read() == body
    assert stored["Metadata"] == {"filename": "ep7.srt"} and stored["ContentType"] == "application/x-subrip"


def test_transcript_without_body_and_for_unknown_episode(api: Any, episode_id: str) -> None:
    status, answer = transcript(api, episode_id)
    assert status == 201 and "x-amz-meta-filename" not in answer["fields"]
    assert transcript(api, "no-such-episode")[0] == 404


def test_multipart_track_upload_records_counts_and_announces_the_track(
    api: Any, episode_id: str, published: Any
) -> None:
    status, session = start(api, episode_id)
    assert status == 200
    assert session["trackName"] == "main-cam"
    assert session["key"] == f"media/{TENANT}/{episode_id}/tracks/main-cam.mp4"
    assert start(api, episode_id)[1]["uploadId"] == session["uploadId"]  # idempotent while open

    content = [b"a" * (5 * MIB), b"b" * 1000]
    etags = upload_parts(api, episode_id, session, content)
    status, done = complete(api, episode_id, "main-cam", session["uploadId"], etags)

    assert status == 200 and done == {"key": session["key"], "trackName": "main-cam", "status": "Unprocessed"}
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=session["key"])["Body"].read()
    assert stored == b"".join(content)
    _, episode = api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)
    assert episode["numTracks"] == 1
    assert episode["tracks"] == [{"trackName": "main-cam", "status": "Unprocessed", "uploadId": session["uploadId"]}]
    [event] = published()
    assert event["detail-type"] == "Video Upload Completed" and event["source"] == "nullcheck"
    assert event["detail"] == {
        "tenantId": TENANT,
        "episodeId": episode_id,
        "trackName": "main-cam",
        "attemptId": track(episode_id, "main-cam")["attemptId"],
        "key": session["key"],
    }


def test_repeated_complete_answers_the_same_and_counts_once(api: Any, episode_id: str, published: Any) -> None:
    _, session = start(api, episode_id, track="guest")
    etags = upload_parts(api, episode_id, session, [b"x" * 2000])

    first = complete(api, episode_id, "guest", session["uploadId"], etags)
    second = complete(api, episode_id, "guest", session["uploadId"], etags)

    assert first == second == (200, {"key": session["key"], "trackName": "guest", "status": "Unprocessed"})
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


def fail(episode_id: str, name: str, chunks: tuple[str, ...] = ("main_chunk.m3u8", "main_chunk_00001.ts")) -> None:
    """What a failed chunking job leaves: the track ProcessingFailed, some chunks of its attempt."""
    stored = track(episode_id, name)
    clients.table(TABLE).update_item(
        Key={"pk": f"{TENANT}#{episode_id}", "sk": f"track#{name}"},
        UpdateExpression="SET #s = :failed, mediaConvertJobId = :job, failureReason = :reason",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":failed": "ProcessingFailed", ":job": "job-1", ":reason": "the file could not…"},
    )
    for chunk in chunks:
        boto3.client("s3").put_object(
            Bucket=BUCKET,
            Key=f"media/{TENANT}/{episode_id}/videos/{name}/{stored['attemptId']}/chunks/{chunk}",
            Body=b"x",
        )


def keys_under(prefix: str) -> list[str]:
    return [
        item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    ]


def test_a_failed_track_is_uploaded_again_as_a_new_attempt_that_replaces_it(
    api: Any, episode_id: str, published: Any
) -> None:
    _, first = start(api, episode_id, filename="take1.mov", track="main")
    complete(api, episode_id, "main", first["uploadId"], upload_parts(api, episode_id, first, [b"corrupt"]))
    failed = track(episode_id, "main")
    fail(episode_id, "main")
    published()  # the first attempt's event

    status, second = start(api, episode_id, filename="take2.mp4", track="main")
    assert status == 200 and second["uploadId"] != first["uploadId"]
    assert session_record(episode_id, "main")["attemptId"] != failed["attemptId"]
    # Until the new upload completes, the failed track stays as it was.
    assert track(episode_id, "main")["status"] == "ProcessingFailed"
    status, done = complete(
        api, episode_id, "main", second["uploadId"], upload_parts(api, episode_id, second, [b"good video"])
    )

    assert status == 200 and done == {
        "key": f"media/{TENANT}/{episode_id}/tracks/main.mp4",
        "trackName": "main",
        "status": "Unprocessed",
    }
    replaced = track(episode_id, "main")
    assert replaced["status"] == "Unprocessed" and replaced["uploadId"] == second["uploadId"]
    assert replaced["attemptId"] != failed["attemptId"]
    assert not {"failureReason", "mediaConvertJobId"} & set(replaced)
    _, episode = api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)
    assert episode["numTracks"] == 1 and [t["trackName"] for t in episode["tracks"]] == ["main"]
    # The failed attempt's upload (another extension, so another key) and chunks are gone.
    assert keys_under(f"media/{TENANT}/{episode_id}/tracks/") == [f"media/{TENANT}/{episode_id}/tracks/main.mp4"]
    assert keys_under(f"media/{TENANT}/{episode_id}/videos/main/") == []
    [event] = published()
    assert event["detail"]["attemptId"] == replaced["attemptId"]


def test_a_retry_to_the_same_key_keeps_the_new_object(api: Any, episode_id: str) -> None:
    _, first = start(api, episode_id, filename="cam.mp4", track="cam")
    complete(api, episode_id, "cam", first["uploadId"], upload_parts(api, episode_id, first, [b"bad"]))
    fail(episode_id, "cam")

    _, second = start(api, episode_id, filename="cam.mp4", track="cam")
    complete(api, episode_id, "cam", second["uploadId"], upload_parts(api, episode_id, second, [b"good"]))

    assert second["key"] == first["key"]
    assert boto3.client("s3").get_object(Bucket=BUCKET, Key=second["key"])["Body"].read() == b"good"
    assert keys_under(f"media/{TENANT}/{episode_id}/videos/cam/") == []


def test_a_track_that_is_not_failed_cannot_be_started_again(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, track="main")
    complete(api, episode_id, "main", session["uploadId"], upload_parts(api, episode_id, session, [b"z"]))
    clients.table(TABLE).update_item(
        Key={"pk": f"{TENANT}#{episode_id}", "sk": "track#main"},
        UpdateExpression="SET #s = :processed",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":processed": "Processed"},
    )

    status, answer = start(api, episode_id, track="main")

    assert status == 409 and "delete it to upload it again" in answer["message"]


def test_completing_another_upload_over_a_track_that_is_not_failed_is_refused(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, track="main")
    etags = upload_parts(api, episode_id, session, [b"z"])
    complete(api, episode_id, "main", session["uploadId"], etags)

    status, answer = complete(api, episode_id, "main", "another-upload", etags)

    assert status == 409 and "another upload" in answer["message"]


def test_signing_parts_keeps_a_long_upload_open_until_complete(
    api: Any, episode_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = datetime.now(UTC)
    _, session = start(api, episode_id, track="long")
    assert datetime.fromisoformat(session["expiresAt"]) - started <= upload_sessions.SESSION_IDLE
    etags = []
    # Two hours of uploading, a batch of part URLs every 20 minutes: the session follows.
    for number, minutes in enumerate(range(20, 121, 20), start=1):
        now = started + timedelta(minutes=minutes)
        monkeypatch.setattr(upload_sessions, "_now", lambda now=now: now)
        status, answer = parts(api, episode_id, "long", session["uploadId"], [number])
        assert status == 200, answer
        assert datetime.fromisoformat(answer["expiresAt"]) == (now + upload_sessions.SESSION_IDLE).replace(
            microsecond=0
        )
        put = requests.put(answer["urls"][0]["url"], data=b"p" * (5 * MIB if number < 6 else 10), timeout=30)
        etags.append({"ETag": put.headers["ETag"], "PartNumber": number})
    stored = session_record(episode_id, "long")
    assert stored and stored["ttl"] == int(datetime.fromisoformat(stored["expiresAt"]).timestamp())

    monkeypatch.setattr(upload_sessions, "_now", lambda: started + timedelta(minutes=145))
    status, done = complete(api, episode_id, "long", session["uploadId"], etags)

    assert status == 200, done


def test_an_idle_upload_session_ends_and_signing_never_extends_it_past_the_window(
    api: Any, episode_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = datetime.now(UTC)
    _, session = start(api, episode_id, track="idle")

    monkeypatch.setattr(upload_sessions, "_now", lambda: started + upload_sessions.SESSION_IDLE + timedelta(seconds=5))
    assert parts(api, episode_id, "idle", session["uploadId"], [1])[0] == 404

    monkeypatch.undo()
    _, session = start(api, episode_id, track="window")
    window_end = datetime.fromisoformat(session_record(episode_id, "window")["startedAt"]) + contract.UPLOAD_WINDOW
    late = window_end - timedelta(minutes=5)
    clients.table(TABLE).update_item(  # kept alive by signing until near the window's end
        Key={"pk": f"{TENANT}#{episode_id}", "sk": "track-upload:window"},
        UpdateExpression="SET expiresAt = :soon",
        ExpressionAttributeValues={":soon": (late + timedelta(minutes=2)).isoformat(timespec="seconds")},
    )
    monkeypatch.setattr(upload_sessions, "_now", lambda: late)
    status, answer = parts(api, episode_id, "window", session["uploadId"], [1])
    assert status == 200
    assert datetime.fromisoformat(answer["expiresAt"]) == window_end
    monkeypatch.setattr(upload_sessions, "_now", lambda: window_end + timedelta(seconds=1))
    assert parts(api, episode_id, "window", session["uploadId"], [1])[0] == 404


def test_the_upload_window_is_the_buckets_abort_incomplete_upload_window() -> None:
    assert media_bucket.with_defaults()["abort_incomplete_multipart_days"] == contract.INCOMPLETE_UPLOAD_DAYS
    assert timedelta(days=contract.INCOMPLETE_UPLOAD_DAYS) == contract.UPLOAD_WINDOW
    with pytest.raises(ValueError, match="at least"):
        media_bucket.with_defaults(MediaBucketArgs(abort_incomplete_multipart_days=contract.INCOMPLETE_UPLOAD_DAYS - 1))


def test_starting_an_open_upload_with_another_file_is_refused_naming_the_open_one(
    api: Any, episode_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first = start(api, episode_id, filename="first take.mp4", track="main")

    status, answer = start(api, episode_id, filename="second take.mp4", track="main")

    assert status == 409
    assert "'first take.mp4'" in answer["message"] and first["expiresAt"] in answer["message"]
    assert start(api, episode_id, filename="first take.mp4", track="main")[1]["uploadId"] == first["uploadId"]

    # Once the first session has ended, the other file starts a new upload and the old one is aborted.
    later = datetime.fromisoformat(first["expiresAt"]) + timedelta(seconds=1)
    monkeypatch.setattr(upload_sessions, "_now", lambda: later)
    status, second = start(api, episode_id, filename="second take.mp4", track="main")
    assert status == 200 and second["uploadId"] != first["uploadId"]
    open_uploads = boto3.client("s3").list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
    assert [u["UploadId"] for u in open_uploads] == [second["uploadId"]]


@pytest.mark.parametrize(
    ("numbers", "problem"),
    [([1, 1, 2], "part 1 is listed more than once"), ([1, 3], "part 2 is missing"), ([2], "part 1 is missing")],
)
def test_complete_refuses_duplicate_and_missing_parts(
    api: Any, episode_id: str, numbers: list[int], problem: str
) -> None:
    _, session = start(api, episode_id, track="parts")
    etags = upload_parts(api, episode_id, session, [b"a" * (5 * MIB), b"b" * (5 * MIB), b"c"])
    by_number = {etag["PartNumber"]: etag for etag in etags}
    sent = [{**by_number[n], "ETag": f'"{i}"' if i else by_number[n]["ETag"]} for i, n in enumerate(numbers)]

    status, answer = complete(api, episode_id, "parts", session["uploadId"], sent)

    assert status == 400 and problem in answer["message"], answer
    assert complete(api, episode_id, "parts", session["uploadId"], etags[::-1])[0] == 200  # any order is fine


def test_the_openapi_document_leaves_repeated_parts_to_the_handler() -> None:
    """No `uniqueItems` anywhere: validators check it comparing every pair of items, so a complete
    with S3's 10,000 parts kept the gateway busy for minutes; the handler refuses repeats (above)."""
    schema = openapi.document()["components"]["schemas"]["CompleteTrackUploadRequest"]
    assert schema["properties"]["parts"]["maxItems"] == 10_000
    assert "uniqueItems" not in json.dumps(openapi.document())


def test_the_catalog_grants_exactly_what_completing_a_retry_calls(api: Any, episode_id: str, handler: Any) -> None:
    _, first = start(api, episode_id, filename="take1.mov", track="main")
    complete(api, episode_id, "main", first["uploadId"], upload_parts(api, episode_id, first, [b"corrupt"]))
    fail(episode_id, "main")
    _, second = start(api, episode_id, filename="take2.mp4", track="main")
    etags = upload_parts(api, episode_id, second, [b"video"])
    module = handler("handlers.api.complete_track_upload")

    with (
        recorded_actions(dynamodb=module.storage.table.client, s3=module.storage.s3, events=module.bus) as used,
        recorded_actions(s3=module.storage.completion_s3) as completing,
    ):
        assert complete(api, episode_id, "main", second["uploadId"], etags)[0] == 200

    used |= completing

    assert used == granted_actions(catalog.function_for_module(module.__name__))


def test_the_catalog_grants_exactly_what_signing_parts_calls(
    api: Any, episode_id: str, handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, session = start(api, episode_id, track="main")
    module = handler("handlers.api.presign_track_parts")
    later = datetime.now(UTC) + timedelta(minutes=5)
    monkeypatch.setattr(upload_sessions, "_now", lambda: later)  # so signing extends the session

    with recorded_actions(dynamodb=module.storage.table.client, s3=module.storage.s3) as used:
        assert parts(api, episode_id, "main", session["uploadId"], [1])[0] == 200

    # The URLs sign UploadPart, which S3 authorises against the function's role when they are used.
    assert used | {"s3:PutObject"} == granted_actions(catalog.function_for_module(module.__name__))


def test_a_retry_whose_failed_track_changed_meanwhile_is_refused_and_closed(
    api: Any, episode_id: str, handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first = start(api, episode_id, filename="take1.mp4", track="main")
    complete(api, episode_id, "main", first["uploadId"], upload_parts(api, episode_id, first, [b"corrupt"]))
    fail(episode_id, "main")
    _, second = start(api, episode_id, filename="take2.mp4", track="main")
    etags = upload_parts(api, episode_id, second, [b"video"])
    module = handler("handlers.api.complete_track_upload")
    s3_complete = module.storage.completion_s3.complete_multipart_upload
    table = clients.table(TABLE)

    def deleted_meanwhile(**request: Any) -> Any:
        """Another client deletes the failed track while this upload completes."""
        failed = track(episode_id, "main")
        assert tracks.remove(table, EpisodeRef(TENANT, episode_id), failed)
        return s3_complete(**request)

    monkeypatch.setattr(module.storage.completion_s3, "complete_multipart_upload", deleted_meanwhile)

    status, answer = complete(api, episode_id, "main", second["uploadId"], etags)

    assert status == 409 and "start the upload again" in answer["message"]
    assert session_record(episode_id, "main") is None
    _, detail = api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)
    assert detail["numTracks"] == 0 and detail["tracks"] == []


def test_another_tenant_reaches_none_of_an_episodes_uploads(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, track="main")
    other = {"as_tenant": "studio-b", "episodeId": episode_id}
    body = {"uploadId": session["uploadId"], "partNumbers": [1]}
    done = {"uploadId": session["uploadId"], "parts": [{"ETag": '"x"', "PartNumber": 1}]}

    answers = [
        api("get_episode", "GET", "/episodes/{episodeId}", **other),
        api("list_clips", "GET", "/episodes/{episodeId}/clips", **other),
        api("request_transcript_upload", "POST", "/episodes/{episodeId}/transcripts", None, **other),
        api(
            "start_track_upload",
            "POST",
            "/episodes/{episodeId}/tracks",
            {"filename": "a.mp4", "trackName": "x"},
            **other,
        ),
        api(
            "presign_track_parts",
            "POST",
            "/episodes/{episodeId}/tracks/{trackName}/parts",
            body,
            trackName="main",
            **other,
        ),
        api(
            "complete_track_upload",
            "POST",
            "/episodes/{episodeId}/tracks/{trackName}/complete",
            done,
            trackName="main",
            **other,
        ),
        api("delete_track", "DELETE", "/episodes/{episodeId}/tracks/{trackName}", trackName="main", **other),
    ]

    assert [status for status, _ in answers] == [404] * len(answers), answers
    assert session_record(episode_id, "main") is not None  # untouched


def test_presigned_urls_point_inside_the_callers_prefix(api: Any, episode_id: str) -> None:
    _, transcript_upload = transcript(api, episode_id)
    _, session = start(api, episode_id, track="main")
    _, urls = parts(api, episode_id, "main", session["uploadId"], [1])

    prefix = f"/{BUCKET}/media/{TENANT}/{episode_id}/"
    assert urlsplit(urls["urls"][0]["url"]).path.startswith(prefix)
    # A transcript's form posts to the bucket: its policy holds it to its key.
    assert f"/{BUCKET}/{transcript_upload['fields']['key']}".startswith(prefix)
