"""Clip review and rendering through the real handlers, against moto (MediaConvert stubbed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import botocore.session
import pytest
import srt
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber
from botocore.validate import validate_parameters

from handlers import catalog
from handlers.core.domain import captions, render_job
from handlers.core.store import object_keys, records
from tests.lambda_events import TENANT, FakeContext, api_event, invoke, load_event
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.iam_calls import granted_actions, recorded_actions
from tests.unit.handlers.render_jobs import render_job_of

EPISODE = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLIP = "c0ffee00c0ffee00c0ffee00"
PK = f"{TENANT}#{EPISODE}"
UPLOAD = f"media/{TENANT}/{EPISODE}/tracks/main.mp4"
TRANSCRIPT = f"media/{TENANT}/{EPISODE}/transcripts/20261124T185500000000Z-0a1b2c3d.srt"
ROLE = "arn:aws:iam::123456789012:role/nullcheck-mediaconvert"


@pytest.fixture
def episode(table: Any, bucket: str) -> Any:
    table.put_item(Item={"pk": PK, "sk": "metadata", "id": EPISODE, "title": "T", "status": "Draft"})
    table.put_item(
        Item={
            "pk": PK,
            "sk": "track#main",
            "trackName": "main",
            "status": "Processed",
            "attemptId": "20261124T184348123456Z-0a1b2c3d",
            "uploadKey": UPLOAD,
            "frameRate": Decimal("25"),
            "createdAt": "2026-11-24T18:40:00.000Z",
        }
    )
    table.put_item(
        Item={
            "pk": PK,
            "sk": f"clip#{CLIP}",
            "clipId": CLIP,
            "episodeId": EPISODE,
            "status": "approved",  # only an approved clip is rendered
            "clipType": "educational",
            "hook": "Why queues",
            "summary": "Queues explained.",
            "segments": [
                {"startTime": "00:00:10,000", "endTime": "00:00:20,000", "text": "one"},
                {"startTime": "00:01:00,500", "endTime": "00:01:05,000", "text": "two"},
            ],
            "totalDurationSeconds": Decimal("14.5"),
            "transcriptKey": TRANSCRIPT,
            "createdAt": "2026-11-24T18:50:00.000Z",
        }
    )
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=UPLOAD, Body=b"video")
    s3.put_object(Bucket=BUCKET, Key=TRANSCRIPT, Body=b"1\n00:00:10,000 --> 00:00:12,000\nhi\n")
    return table


def call(module: Any, method: str, path: str, body: Any = None, tenant: str = TENANT, **params: str) -> Any:
    event = api_event(
        method, path, path_parameters={"episodeId": EPISODE, "clipId": CLIP, **params}, body=body, tenant=tenant
    )
    return invoke(module, event)[:2]


@pytest.fixture
def render(handler: Any, episode: Any) -> Any:
    return handler("handlers.api.request_render")


def expect_job(stubber: Stubber, job_id: str = "render-job-1") -> None:
    stubber.add_response(
        "create_job",
        {"Job": {"Id": job_id, "Role": ROLE, "Settings": {}, "Status": "SUBMITTED"}},
        {"Role": ROLE, "Settings": ANY, "UserMetadata": ANY, "ClientRequestToken": ANY, "StatusUpdateInterval": ANY},
    )


def clip_record(table: Any) -> dict[str, Any]:
    item: dict[str, Any] = table.get_item(Key={"pk": PK, "sk": f"clip#{CLIP}"})["Item"]
    return item


def test_job_settings_are_valid_create_job_parameters_and_cut_by_frame() -> None:
    settings = render_job.render_settings(
        bucket=BUCKET,
        upload_key=UPLOAD,
        segments=[(10.0, 20.0), (60.5, 65.0)],
        frame_rate=25.0,
        format_name="vertical",
        destination_key="renders/x/y/z/main-vertical-captions",
        captions_key=TRANSCRIPT,
    )
    model = botocore.session.get_session().get_service_model("mediaconvert").operation_model("CreateJob")
    validate_parameters({"Role": ROLE, "Settings": settings}, model.input_shape)  # raises on a wrong field

    [job_input] = settings["Inputs"]
    assert job_input["InputClippings"] == [
        {"StartTimecode": "00:00:10:00", "EndTimecode": "00:00:19:24"},
        {"StartTimecode": "00:01:00:12", "EndTimecode": "00:01:04:24"},
    ]
    assert job_input["TimecodeSource"] == "ZEROBASED" and settings["TimecodeConfig"] == {"Source": "ZEROBASED"}
    source = job_input["CaptionSelectors"]["Captions Selector 1"]["SourceSettings"]
    assert source["FileSourceSettings"]["SourceFile"] == f"s3://{BUCKET}/{TRANSCRIPT}"
    [group] = settings["OutputGroups"]
    assert group["OutputGroupSettings"]["Type"] == "FILE_GROUP_SETTINGS"
    [output] = group["Outputs"]
    video = output["VideoDescription"]
    assert (video["Width"], video["Height"], video["ScalingBehavior"]) == (1080, 1920, "FILL")
    assert output["ContainerSettings"]["Mp4Settings"]["MoovPlacement"] == "PROGRESSIVE_DOWNLOAD"
    assert output["CaptionDescriptions"][0]["DestinationSettings"]["DestinationType"] == "BURN_IN"


def test_no_captions_means_no_caption_selector_and_other_formats_have_their_sizes() -> None:
    for name, size in (("landscape", (1920, 1080)), ("square", (1080, 1080))):
        settings = render_job.render_settings(
            bucket=BUCKET, upload_key=UPLOAD, segments=[(0, 1)], frame_rate=29.97, format_name=name,
            destination_key="renders/k", captions_key=None,
        )  # fmt: skip
        output = settings["OutputGroups"][0]["Outputs"][0]
        assert (output["VideoDescription"]["Width"], output["VideoDescription"]["Height"]) == size
        assert "CaptionDescriptions" not in output and "CaptionSelectors" not in settings["Inputs"][0]


def test_a_render_is_one_job_and_asking_again_returns_it(render: Any, episode: Any) -> None:
    with Stubber(render.services.mediaconvert) as stubber:
        expect_job(stubber)
        first = call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", {})
        again = call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", {"format": "vertical"})
        stubber.assert_no_pending_responses()

    assert first[0] == 202 and first == again
    # Vertical: its frames are captured and searched for faces first (rules.render_framing starts the render).
    assert first[1]["status"] == "Framing" and first[1]["trackName"] == "main" and first[1]["captions"] is True
    stored = clip_record(episode)["renders"][first[1]["renderId"]]
    assert stored["jobId"] == "render-job-1" and stored["width"] == 1080 and stored["height"] == 1920


def test_job_metadata_marks_a_render_and_the_output_names_episode_clip_track_format(render: Any) -> None:
    captured: dict[str, Any] = {}
    render.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(render.services.mediaconvert) as stubber:
        expect_job(stubber)
        call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", {"format": "landscape", "captions": False})

    assert captured["UserMetadata"]["kind"] == "render" and captured["UserMetadata"]["clipId"] == CLIP
    destination = captured["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    assert destination == f"s3://{BUCKET}/renders/{TENANT}/{EPISODE}/{CLIP}/r0-main-landscape-plain"


def test_render_refusals(render: Any, episode: Any) -> None:
    path = "/episodes/{episodeId}/clips/{clipId}/renders"
    assert call(render, "POST", path, {"format": "portrait"})[0] == 400
    assert call(render, "POST", path, {"trackName": "guest"})[0] == 404
    assert call(render, "POST", path, {}, clipId="nope")[0] == 404
    assert call(render, "POST", path, {}, tenant="studio-b")[0] == 404
    episode.update_item(Key={"pk": PK, "sk": f"clip#{CLIP}"}, UpdateExpression="REMOVE transcriptKey")
    status, answer = call(render, "POST", path, {})
    assert status == 409 and "transcript" in answer["message"]
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=UPLOAD)
    status, answer = call(render, "POST", path, {"captions": False})
    assert status == 409 and "expired" in answer["message"]
    episode.update_item(
        Key={"pk": PK, "sk": "track#main"}, UpdateExpression="SET #s = :p", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":p": "Processing"},
    )  # fmt: skip
    status, answer = call(render, "POST", path, {})
    assert status == 409 and "no track" in answer["message"]


def test_an_unapproved_clip_is_not_rendered(render: Any, episode: Any) -> None:
    path = "/episodes/{episodeId}/clips/{clipId}/renders"
    for review in ("pending_review", "rejected"):
        episode.update_item(
            Key={"pk": PK, "sk": f"clip#{CLIP}"}, UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": review},
        )  # fmt: skip
        status, answer = call(render, "POST", path, {})
        assert status == 409 and "not approved" in answer["message"]
    assert "renders" not in episode.get_item(Key={"pk": PK, "sk": f"clip#{CLIP}"})["Item"]


def finished(handler: Any, status: str, metadata: dict[str, str], **detail: Any) -> None:
    event = load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"].update(status=status, userMetadata=metadata, **detail)
    handler("handlers.events.render_finished").lambda_handler(event, FakeContext())


def started(render: Any, body: dict[str, Any] | None = None) -> dict[str, str]:
    """Start a landscape render (others are framed first: tests/unit/handlers/test_render_framing.py)."""
    captured: dict[str, Any] = {}
    render.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(render.services.mediaconvert) as stubber:
        expect_job(stubber)
        call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", body or {"format": "landscape"})
    metadata: dict[str, str] = captured["UserMetadata"]
    return metadata


def test_complete_records_the_file_and_get_clip_hands_out_a_download(handler: Any, render: Any, episode: Any) -> None:
    metadata = started(render)
    key = f"renders/{TENANT}/{EPISODE}/{CLIP}/r0-main-landscape-captions.mp4"
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=b"m" * 1234)
    outputs = [
        {
            "type": "FILE_GROUP",
            "outputDetails": [
                {
                    "outputFilePaths": [f"s3://{BUCKET}/{key}"],
                    "durationInMs": 14520,
                    "videoDetails": {"widthInPx": 1920, "heightInPx": 1080},
                }
            ],
        }
    ]
    finished(handler, "COMPLETE", metadata, outputGroupDetails=outputs)
    finished(handler, "ERROR", metadata, errorCode=1010)  # a late, contradicting event changes nothing

    status, clip = call(handler("handlers.api.get_clip"), "GET", "/episodes/{episodeId}/clips/{clipId}")
    [rendered] = clip["renders"]
    assert status == 200 and rendered["status"] == "Rendered"
    assert (rendered["durationSeconds"], rendered["sizeBytes"]) == (14.52, 1234)
    assert key in rendered["downloadUrl"] and "X-Amz-Expires=900" in rendered["downloadUrl"]


def test_a_failed_render_says_why_and_asking_again_starts_a_new_job(handler: Any, render: Any, episode: Any) -> None:
    metadata = started(render)
    finished(handler, "ERROR", metadata, errorCode=1404, errorMessage=f"s3://{BUCKET}/{UPLOAD} not found")

    [failed] = call(handler("handlers.api.get_clip"), "GET", "/episodes/{episodeId}/clips/{clipId}")[1]["renders"]
    assert failed["status"] == "RenderFailed" and BUCKET not in failed["failureReason"]
    assert "downloadUrl" not in failed

    retried = started(render)
    assert retried["renderId"] == metadata["renderId"] and retried["attempt"] != metadata["attempt"]
    finished(handler, "COMPLETE", metadata, outputGroupDetails=[])  # the old attempt's late event
    assert clip_record(episode)["renders"][metadata["renderId"]]["status"] == "Rendering"


def test_review_sets_status_and_hook_and_refuses_nonsense(handler: Any, episode: Any) -> None:
    review = handler("handlers.api.review_clip")
    path = "/episodes/{episodeId}/clips/{clipId}"

    status, clip = call(review, "PATCH", path, {"status": "approved", "hook": "  Queues, explained  "})
    assert status == 200 and (clip["status"], clip["hook"]) == ("approved", "Queues, explained")
    assert clip_record(episode)["status"] == "approved"
    assert call(review, "PATCH", path, {})[0] == 400
    assert call(review, "PATCH", path, {"status": "maybe"})[0] == 400
    assert call(review, "PATCH", path, {"hook": "x" * 201})[0] == 400
    assert call(review, "PATCH", path, {"status": "rejected"}, clipId="nope")[0] == 404
    assert call(review, "PATCH", path, {"status": "rejected"}, tenant="studio-b")[0] == 404
    assert clip_record(episode)["status"] == "approved"


def test_a_canceled_render_says_to_ask_again_not_to_upload(handler: Any, render: Any, episode: Any) -> None:
    metadata = started(render)

    finished(handler, "CANCELED", metadata)

    reason = clip_record(episode)["renders"][metadata["renderId"]]["failureReason"]
    assert reason == "processing was canceled: ask for the render again"


# Captions: the render burns a cleaned copy of the transcript, never the transcript itself.

BIDI = "\u202e\u2067\u200f\u061c"
EMOJI = "\U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f1eb\U0001f1f7 \u2764\ufe0f"
LONG_WORD = ("nullcheckserverless" * 22)[:400]
MESSY_TRANSCRIPT = f"""1
00:00:09,000 --> 00:00:12,000
{BIDI[0]}Queues{BIDI[1]} first {EMOJI} {LONG_WORD} done{BIDI[2:]}

2
00:00:30,000 --> 00:00:31,000
between the segments: not in the clip

3
00:01:01,000 --> 00:01:02,500
\U0001f600 \U0001f389

4
00:01:03,000 --> 00:01:04,000
日本語 and שלום
"""


def test_the_job_burns_the_cleaned_caption_file_of_its_attempt(render: Any, episode: Any) -> None:
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=TRANSCRIPT, Body=MESSY_TRANSCRIPT.encode())

    metadata, settings = started_job(render, {"captionStyle": "classic"})  # social: test_social_captions

    source = settings["Inputs"][0]["CaptionSelectors"]["Captions Selector 1"]["SourceSettings"]
    key = f"renders/{TENANT}/{EPISODE}/{CLIP}/{metadata['renderId']}-{metadata['attempt']}.srt"
    assert source == {"SourceType": "SRT", "FileSourceSettings": {"SourceFile": f"s3://{BUCKET}/{key}"}}
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    text = stored["Body"].read().decode()
    assert stored["ContentType"] == "application/x-subrip"
    layout = captions.layout_for("vertical")
    assert text == captions.caption_file(MESSY_TRANSCRIPT, layout, within=[(10.0, 20.0), (60.5, 65.0)])
    assert not any(char in text for char in BIDI + EMOJI.replace(" ", ""))
    lines = [line for cue in srt.parse(text) for line in cue.content.splitlines()]
    assert all(captions.text_ems(line) <= layout.line_ems for line in lines)
    assert LONG_WORD in "".join(lines) and "日本語 and שלום" in lines
    assert "between the segments" not in text
    assert s3.get_object(Bucket=BUCKET, Key=TRANSCRIPT)["Body"].read().decode() == MESSY_TRANSCRIPT
    assert object_keys.transcript_of_key(key) is None, "the transcript rule ignores the caption file"


def test_each_attempt_writes_its_own_caption_file_and_a_plain_render_none(handler: Any, render: Any) -> None:
    first, _ = started_job(render, {"format": "landscape"})
    finished(handler, "ERROR", first, errorCode=1010)
    retried, settings = started_job(render, {"format": "landscape"})
    _, plain_settings = started_job(render, {"format": "square", "captions": False})

    listed = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=f"renders/{TENANT}/")["Contents"]
    assert sorted(item["Key"].rsplit("/", 1)[1] for item in listed if item["Key"].endswith(".srt")) == sorted(
        f"{metadata['renderId']}-{metadata['attempt']}.srt" for metadata in (first, retried)
    )
    assert "CaptionSelectors" not in plain_settings["Inputs"][0]
    assert settings["Inputs"][0]["CaptionSelectors"]["Captions Selector 1"]["SourceSettings"]["FileSourceSettings"][
        "SourceFile"
    ].endswith(f"{retried['attempt']}.srt")


def test_captions_with_nothing_to_show_are_refused_before_a_render_is_counted(render: Any, episode: Any) -> None:
    boto3.client("s3").put_object(
        Bucket=BUCKET, Key=TRANSCRIPT, Body="1\n00:00:10,000 --> 00:00:12,000\n\U0001f600\u200f\n".encode()
    )

    status, answer = call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", {})

    assert status == 409 and "without captions" in answer["message"]
    assert "renders" not in clip_record(episode)


def test_a_caption_file_that_cannot_be_written_fails_the_attempt_and_frees_its_slot(
    render: Any, episode: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow down"}}, "PutObject")

    monkeypatch.setattr(render.services.s3, "put_object", refuse)
    with Stubber(render.services.mediaconvert), pytest.raises(ClientError, match="SlowDown"):  # and no job
        call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", {})

    [failed] = clip_record(episode)["renders"].values()
    assert failed["status"] == "RenderFailed" and failed["failureReason"] == "the render could not start: ask again"
    slots = episode.query(
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": records.slots_partition(TENANT, "render")}
    )["Items"]
    assert slots == [], "the render slot is given back"


def test_the_catalog_grants_what_a_captioned_render_calls(render: Any) -> None:
    services = render.services
    with recorded_actions(dynamodb=services.table.client, s3=services.s3, mediaconvert=services.mediaconvert) as used:
        started_job(render)

    granted = granted_actions(catalog.function_for_module(render.__name__))
    assert {"s3:GetObject", "s3:PutObject", "mediaconvert:CreateJob"} <= used <= granted


def started_job(render: Any, body: dict[str, Any] | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """Start a render: the job's UserMetadata and Settings."""
    captured: dict[str, Any] = {}
    render.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(render.services.mediaconvert) as stubber:
        expect_job(stubber)
        assert call(render, "POST", "/episodes/{episodeId}/clips/{clipId}/renders", body or {})[0] == 202
    return render_job_of(captured)
