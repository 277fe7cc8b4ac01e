"""Chunking events through the real handlers: one job per track, outcomes recorded once, in order."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from handlers.core.domain import chunking_job
from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET

EPISODE = "4f6c3f8e-5b1e-4a8e-9a57-0d2f7f3d9c11"
ROLE = "arn:aws:iam::123456789012:role/nullcheck-mediaconvert"
JOB = "1732474201234-abc123"
ATTEMPT = "20261124T184348123456Z-0a1b2c3d"
"""The attempt the sample events (tests/events) name."""
CHUNKS = f"media/{TENANT}/{EPISODE}/videos/main/{ATTEMPT}/chunks/"
MEDIA_PLAYLIST = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:121
#EXT-X-MEDIA-SEQUENCE:1
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:120.000,
main_chunk_00001.ts
#EXTINF:120.000,
main_chunk_00002.ts
#EXTINF:60.500,
main_chunk_00003.ts
#EXT-X-ENDLIST
"""
MASTER_PLAYLIST = """#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1280x720
main_chunk.m3u8
"""


@pytest.fixture
def track(table: Any, bucket: str) -> Any:
    """An episode with one uploaded, unprocessed track."""
    table.put_item(Item={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata", "id": EPISODE, "title": "T", "status": "Draft"})
    table.put_item(
        Item={
            "pk": f"{TENANT}#{EPISODE}",
            "sk": "track#main",
            "trackName": "main",
            "status": "Unprocessed",
            "attemptId": ATTEMPT,
            "uploadId": "upload-1",
            "uploadKey": f"media/{TENANT}/{EPISODE}/tracks/main.mp4",
        }
    )
    return lambda: table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"})["Item"]


@pytest.fixture
def start(handler: Any) -> Any:
    return handler("handlers.events.start_preprocessing")


def expect_job(stubber: Stubber) -> None:
    stubber.add_response(
        "create_job",
        {"Job": {"Id": JOB, "Role": ROLE, "Settings": {}, "Status": "SUBMITTED"}},
        {
            "Role": ROLE,
            "Settings": ANY,
            "UserMetadata": {
                "kind": "chunks",
                "tenantId": TENANT,
                "episodeId": EPISODE,
                "trackName": "main",
                "attemptId": ATTEMPT,
            },
            "ClientRequestToken": ANY,
            "StatusUpdateInterval": "SECONDS_60",
        },
    )


def test_upload_event_creates_one_hls_job_and_a_redelivery_creates_none(start: Any, track: Any) -> None:
    event = load_event("video_upload_completed", EPISODE=EPISODE)
    with Stubber(start.mediaconvert) as stubber:
        expect_job(stubber)
        start.lambda_handler(event, FakeContext())
        start.lambda_handler(event, FakeContext())  # no second stubbed response: a second job would raise
        stubber.assert_no_pending_responses()

    stored = track()
    assert stored["status"] == "Processing" and stored["mediaConvertJobId"] == JOB
    assert "lockExpiresAt" not in stored


def test_job_settings_chunk_to_hls_at_chunk_seconds(start: Any, track: Any) -> None:
    with Stubber(start.mediaconvert) as stubber:
        expect_job(stubber)
        captured: dict[str, Any] = {}
        start.mediaconvert.meta.events.register(
            "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
        )
        start.lambda_handler(load_event("video_upload_completed", EPISODE=EPISODE), FakeContext())

    settings = captured["Settings"]
    assert settings["Inputs"][0]["FileInput"] == f"s3://{BUCKET}/media/{TENANT}/{EPISODE}/tracks/main.mp4"
    [group] = settings["OutputGroups"]
    hls = group["OutputGroupSettings"]["HlsGroupSettings"]
    assert group["OutputGroupSettings"]["Type"] == "HLS_GROUP_SETTINGS"
    assert hls["Destination"] == f"s3://{BUCKET}/{CHUNKS}"
    assert hls["SegmentLength"] == 120
    [output] = group["Outputs"]
    assert output["VideoDescription"]["CodecSettings"]["H264Settings"]["RateControlMode"] == "QVBR"
    assert output["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]["Bitrate"] == 128000


def test_a_failed_create_job_releases_the_lock_and_raises_for_a_retry(start: Any, track: Any) -> None:
    event = load_event("video_upload_completed", EPISODE=EPISODE)
    with Stubber(start.mediaconvert) as stubber:
        stubber.add_client_error("create_job", "ForbiddenException", http_status_code=403)
        with pytest.raises(Exception, match="ForbiddenException"):
            start.lambda_handler(event, FakeContext())
        assert track()["status"] == "Unprocessed"

        expect_job(stubber)
        start.lambda_handler(event, FakeContext())
    assert track()["mediaConvertJobId"] == JOB


def test_malformed_upload_events_are_dropped_without_a_job(start: Any, track: Any) -> None:
    event = load_event("video_upload_completed", EPISODE=EPISODE)
    del event["detail"]["key"]
    with Stubber(start.mediaconvert) as stubber:
        assert start.lambda_handler(event, FakeContext()) is None
        stubber.assert_no_pending_responses()
    assert track()["status"] == "Unprocessed"


@pytest.mark.parametrize(
    "key",
    [
        f"media/{TENANT}/{EPISODE}/tracks/other.mp4",  # another track's object of the same episode
        "media/another-tenant/some-episode/tracks/main.mp4",  # another tenant's object
    ],
)
def test_an_upload_event_naming_another_object_than_the_track_recorded_starts_no_job(
    start: Any, track: Any, key: str
) -> None:
    event = load_event("video_upload_completed", EPISODE=EPISODE)
    event["detail"]["key"] = key
    with Stubber(start.mediaconvert) as stubber:
        start.lambda_handler(event, FakeContext())  # no stubbed response: a job would raise
        stubber.assert_no_pending_responses()
    assert track()["status"] == "Unprocessed" and "mediaConvertJobId" not in track()


@pytest.fixture
def processing(track: Any, table: Any) -> Any:
    table.update_item(
        Key={"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"},
        UpdateExpression="SET #s = :p, mediaConvertJobId = :j",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":p": "Processing", ":j": JOB},
    )
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=f"{CHUNKS}main.m3u8", Body=MASTER_PLAYLIST.encode())
    s3.put_object(Bucket=BUCKET, Key=f"{CHUNKS}main_chunk.m3u8", Body=MEDIA_PLAYLIST.encode())
    return track


def test_complete_indexes_the_segments_once(handler: Any, processing: Any) -> None:
    completed = handler("handlers.events.preprocessing_completed")
    event = load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)

    completed.lambda_handler(event, FakeContext())
    first = processing()
    completed.lambda_handler(event, FakeContext())

    assert first["status"] == "Processed"
    assert first["segmentCount"] == 3 and float(first["totalDurationSeconds"]) == 300.5
    assert first["manifestKey"] == f"{CHUNKS}main_chunk.m3u8"
    assert [(s["key"].rsplit("/", 1)[1], float(s["start"]), float(s["end"])) for s in first["segmentIndex"]] == [
        ("main_chunk_00001.ts", 0.0, 120.0),
        ("main_chunk_00002.ts", 120.0, 240.0),
        ("main_chunk_00003.ts", 240.0, 300.5),
    ]
    assert processing()["updatedAt"] == first["updatedAt"]


def test_complete_finds_the_manifest_by_listing_when_the_event_names_none(handler: Any, processing: Any) -> None:
    completed = handler("handlers.events.preprocessing_completed")
    event = load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"]["outputGroupDetails"] = []

    completed.lambda_handler(event, FakeContext())

    assert processing()["manifestKey"].endswith("main_chunk.m3u8")
    assert processing()["segmentCount"] == 3


def test_error_marks_the_track_failed_with_what_went_wrong_with_the_file(
    handler: Any, processing: Any, caplog: pytest.LogCaptureFixture
) -> None:
    failed = handler("handlers.events.preprocessing_failed")

    failed.lambda_handler(load_event("mediaconvert_error", EPISODE=EPISODE, BUCKET=BUCKET), FakeContext())

    stored = processing()
    assert stored["status"] == "ProcessingFailed"
    assert stored["failureReason"].startswith("the file could not be read as video")
    # MediaConvert's own message names the bucket and key: logged for operators, never stored.
    assert BUCKET not in str(stored) and "s3://" not in str(stored)
    logged = [getattr(record, "error_message", "") for record in caplog.records]
    assert any(f"s3://{BUCKET}/media/{TENANT}/{EPISODE}/tracks/main.mp4" in message for message in logged)


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        ("ERROR", 1010, "the file could not be read as video: it may be damaged, empty or in a format"),
        ("ERROR", 1020, "the file's video or audio could not be decoded"),
        ("ERROR", 1404, "the uploaded file was gone when processing started"),
        ("ERROR", 1401, "the video could not be processed (error 1401): upload the track again"),
        ("ERROR", None, "the video could not be processed: upload the track again"),
        ("CANCELED", None, "processing was canceled"),
    ],
)
def test_failure_reasons_say_what_went_wrong_and_name_no_resource(
    handler: Any, processing: Any, status: str, code: int | None, reason: str
) -> None:
    event = load_event("mediaconvert_error", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"].update(status=status, errorCode=code)
    if code is None:
        del event["detail"]["errorCode"]

    handler("handlers.events.preprocessing_failed").lambda_handler(event, FakeContext())

    stored = processing()["failureReason"]
    assert stored.startswith(reason)
    assert BUCKET not in stored and EPISODE not in stored and "s3://" not in stored and "MediaConvert" not in stored


def test_canceled_without_message_gets_a_reason(handler: Any, processing: Any) -> None:
    failed = handler("handlers.events.preprocessing_failed")
    event = load_event("mediaconvert_error", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"].update(status="CANCELED")
    del event["detail"]["errorMessage"], event["detail"]["errorCode"]

    failed.lambda_handler(event, FakeContext())

    assert processing()["failureReason"] == "processing was canceled: upload the track again"


def test_a_late_error_never_moves_a_processed_track_backwards(handler: Any, processing: Any) -> None:
    handler("handlers.events.preprocessing_completed").lambda_handler(
        load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET), FakeContext()
    )
    handler("handlers.events.preprocessing_failed").lambda_handler(
        load_event("mediaconvert_error", EPISODE=EPISODE, BUCKET=BUCKET), FakeContext()
    )

    assert processing()["status"] == "Processed"
    assert "failureReason" not in processing()


def test_events_of_another_job_are_ignored(handler: Any, processing: Any) -> None:
    event = load_event("mediaconvert_error", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"]["jobId"] = "some-older-job"

    handler("handlers.events.preprocessing_failed").lambda_handler(event, FakeContext())

    assert processing()["status"] == "Processing"


def test_a_job_without_an_attempt_in_its_metadata_changes_nothing(handler: Any, processing: Any) -> None:
    for name, module in (("mediaconvert_error", "failed"), ("mediaconvert_complete", "completed")):
        event = load_event(name, EPISODE=EPISODE, BUCKET=BUCKET)
        del event["detail"]["userMetadata"]["attemptId"]
        handler(f"handlers.events.preprocessing_{module}").lambda_handler(event, FakeContext())

    assert processing()["status"] == "Processing"


NEW_ATTEMPT = "20261125T090000000000Z-feedbeef"


@pytest.fixture
def retried(processing: Any, table: Any) -> Any:
    """The track failed and was uploaded again: a new attempt, Unprocessed, no job yet."""
    table.put_item(
        Item={
            "pk": f"{TENANT}#{EPISODE}",
            "sk": "track#main",
            "trackName": "main",
            "status": "Unprocessed",
            "attemptId": NEW_ATTEMPT,
            "uploadId": "upload-2",
            "uploadKey": f"media/{TENANT}/{EPISODE}/tracks/main.mp4",
        }
    )
    return processing


def test_late_events_of_a_replaced_attempt_change_nothing(handler: Any, retried: Any, start: Any) -> None:
    """The old attempt's upload event, COMPLETE and ERROR arrive after the retry: none touches it."""
    with Stubber(start.mediaconvert) as stubber:
        start.lambda_handler(load_event("video_upload_completed", EPISODE=EPISODE), FakeContext())
        stubber.assert_no_pending_responses()  # no job for the old attempt
    handler("handlers.events.preprocessing_completed").lambda_handler(
        load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET), FakeContext()
    )
    handler("handlers.events.preprocessing_failed").lambda_handler(
        load_event("mediaconvert_error", EPISODE=EPISODE, BUCKET=BUCKET), FakeContext()
    )

    stored = retried()
    assert stored["status"] == "Unprocessed" and stored["attemptId"] == NEW_ATTEMPT
    assert "mediaConvertJobId" not in stored and "failureReason" not in stored and "segmentIndex" not in stored


def test_the_new_attempt_gets_its_own_job_chunk_folder_and_request_token(
    handler: Any, retried: Any, start: Any
) -> None:
    event = load_event("video_upload_completed", EPISODE=EPISODE)
    event["detail"]["attemptId"] = NEW_ATTEMPT
    captured: dict[str, Any] = {}
    start.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(start.mediaconvert) as stubber:
        stubber.add_response("create_job", {"Job": {"Id": "new-job", "Role": ROLE, "Settings": {}}})
        start.lambda_handler(event, FakeContext())

    hls = captured["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]
    assert hls["Destination"] == f"s3://{BUCKET}/media/{TENANT}/{EPISODE}/videos/main/{NEW_ATTEMPT}/chunks/"
    assert captured["UserMetadata"] == {
        "kind": "chunks",
        "tenantId": TENANT,
        "episodeId": EPISODE,
        "trackName": "main",
        "attemptId": NEW_ATTEMPT,
    }
    old = chunking_job.request_token("main", ATTEMPT, f"media/{TENANT}/{EPISODE}/tracks/main.mp4")
    assert captured["ClientRequestToken"] != old  # same key, new attempt: MediaConvert must not return the old job
    assert retried()["mediaConvertJobId"] == "new-job"


def test_a_late_complete_of_a_deleted_track_reads_nothing_and_fails_nothing(
    handler: Any, processing: Any, table: Any
) -> None:
    table.delete_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"})
    s3 = boto3.client("s3")
    for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=CHUNKS)["Contents"]:
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])

    handler("handlers.events.preprocessing_completed").lambda_handler(
        load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET), FakeContext()
    )

    assert "Item" not in table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"})


def test_input_information_records_the_sources_frame_rate_and_size(handler: Any, track: Any) -> None:
    module = handler("handlers.events.track_source_details")
    event = load_event("mediaconvert_input_information", EPISODE=EPISODE, BUCKET=BUCKET)

    module.lambda_handler(event, FakeContext())

    stored = track()
    assert (float(stored["frameRate"]), stored["sourceWidth"], stored["sourceHeight"]) == (29.97, 1280, 720)


def test_input_information_of_another_attempt_changes_nothing(handler: Any, track: Any) -> None:
    module = handler("handlers.events.track_source_details")
    event = load_event("mediaconvert_input_information", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"]["userMetadata"]["attemptId"] = "20260101T000000000000Z-00000000"

    module.lambda_handler(event, FakeContext())

    assert "frameRate" not in track()
