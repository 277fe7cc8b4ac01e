"""Tracks naming the people they show (PATCH a track), and renders cut to whoever speaks (`layout`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from handlers.core.rules.renders import render_id
from tests.lambda_events import TENANT, api_event, invoke
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.render_jobs import render_job_of

EPISODE = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLIP = "c0ffee00c0ffee00c0ffee00"
PK = f"{TENANT}#{EPISODE}"
ROLE = "arn:aws:iam::123456789012:role/nullcheck-mediaconvert"
TRACK_PATH = "/episodes/{episodeId}/tracks/{trackName}"
RENDER_PATH = "/episodes/{episodeId}/clips/{clipId}/renders"


def upload(name: str) -> str:
    return f"media/{TENANT}/{EPISODE}/tracks/{name}.mp4"


@pytest.fixture
def episode(table: Any, bucket: str) -> Any:
    table.put_item(Item={"pk": PK, "sk": "metadata", "id": EPISODE, "title": "T", "status": "Draft", "numTracks": 3})
    s3 = boto3.client("s3")
    for number, name in enumerate(("wide", "alice", "bob")):
        table.put_item(
            Item={
                "pk": PK, "sk": f"track#{name}", "trackName": name, "status": "Processed",
                "attemptId": f"20261124T18434{number}123456Z-0a1b2c3d", "uploadId": f"u-{name}",
                "uploadKey": upload(name), "frameRate": Decimal("25"), "createdAt": f"2026-11-24T18:4{number}:00.000Z",
            }
        )  # fmt: skip
        s3.put_object(Bucket=BUCKET, Key=upload(name), Body=b"video")
    lines = [
        {"startTime": "00:00:10,000", "endTime": "00:00:12,000", "text": "Hi", "speaker": "ALICE"},
        {"startTime": "00:00:12,000", "endTime": "00:00:15,000", "text": "Hello", "speaker": "BOB"},
        {"startTime": "00:00:15,000", "endTime": "00:00:20,000", "text": "So", "speaker": "ALICE"},
    ]
    table.put_item(
        Item={
            "pk": PK, "sk": f"clip#{CLIP}", "clipId": CLIP, "episodeId": EPISODE, "status": "approved",
            "clipType": "educational", "hook": "Why queues", "summary": "Queues.",
            "segments": [{"startTime": "00:00:10,000", "endTime": "00:00:20,000", "text": "Hi Hello So"}],
            "captions": lines, "revision": 0, "totalDurationSeconds": Decimal("10"),
            "createdAt": "2026-11-24T18:50:00Z",
        }
    )  # fmt: skip
    return table


def call(module: Any, method: str, path: str, body: Any = None, tenant: str = TENANT, **params: str) -> Any:
    parameters = {"episodeId": EPISODE, "clipId": CLIP, **params}
    event = api_event(method, path, path_parameters=parameters, body=body, tenant=tenant)
    return invoke(module, event)[:2]


@pytest.fixture
def tracks(handler: Any, episode: Any) -> Any:
    return handler("handlers.api.update_track")


@pytest.fixture
def render(handler: Any, episode: Any) -> Any:
    return handler("handlers.api.request_render")


def test_a_track_names_its_speakers_and_one_track_is_the_program_audio(tracks: Any, episode: Any) -> None:
    status, view = call(tracks, "PATCH", TRACK_PATH, {"speakers": ["Alice"]}, trackName="Alice")
    assert status == 200 and view["trackName"] == "alice" and view["speakers"] == ["Alice"]
    assert call(tracks, "PATCH", TRACK_PATH, {"programAudio": True}, trackName="wide")[1]["programAudio"] is True
    assert call(tracks, "PATCH", TRACK_PATH, {"programAudio": True}, trackName="bob")[1]["programAudio"] is True
    wide = episode.get_item(Key={"pk": PK, "sk": "track#wide"})["Item"]
    assert "programAudio" not in wide  # at most one program-audio track: setting it on bob cleared it on wide
    status, view = call(tracks, "PATCH", TRACK_PATH, {"speakers": []}, trackName="alice")
    assert status == 200 and "speakers" not in view


@pytest.mark.parametrize(
    "body",
    [{}, {"speakers": ["A"] * 11}, {"speakers": [""]}, {"speakers": ["x" * 65]}, {"speakers": ["a\nb"]}, {"x": 1}],
)
def test_an_invalid_track_update_is_refused(tracks: Any, body: Any) -> None:
    assert call(tracks, "PATCH", TRACK_PATH, body, trackName="alice")[0] == 400


def test_an_unknown_track_or_another_tenants_is_not_found(tracks: Any, episode: Any) -> None:
    assert call(tracks, "PATCH", TRACK_PATH, {"speakers": ["Z"]}, trackName="nobody")[0] == 404
    assert call(tracks, "PATCH", TRACK_PATH, {"speakers": ["Z"]}, trackName="alice", tenant="studio-b")[0] == 404
    assert "speakers" not in episode.get_item(Key={"pk": PK, "sk": "track#alice"})["Item"]


def started(render: Any, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    captured: dict[str, Any] = {}
    render.services.mediaconvert.meta.events.register(
        "provide-client-params.mediaconvert.CreateJob", lambda params, **_: captured.update(params)
    )
    with Stubber(render.services.mediaconvert) as stubber:
        stubber.add_response(
            "create_job",
            {"Job": {"Id": "job-1", "Role": ROLE, "Settings": {}, "Status": "SUBMITTED"}},
            {
                "Role": ROLE,
                "Settings": ANY,
                "UserMetadata": ANY,
                "ClientRequestToken": ANY,
                "StatusUpdateInterval": ANY,
            },
        )
        status, answer = call(render, "POST", RENDER_PATH, body)
    assert status == 202, answer
    if captured["UserMetadata"]["kind"] == "frames":
        # A vertical render frames its pieces first: the render job it starts then is kept in its plan.
        assert answer["status"] == "Framing"
        captured = {**captured, "Settings": render_job_of(captured)[1]}
    return answer, captured


def name_speakers(tracks: Any) -> None:
    call(tracks, "PATCH", TRACK_PATH, {"speakers": ["alice"]}, trackName="alice")
    call(tracks, "PATCH", TRACK_PATH, {"speakers": [" Bob"]}, trackName="bob")


def test_without_speakers_named_a_render_is_single_as_before(render: Any) -> None:
    answer, job = started(render, {"captions": False})
    assert answer["layout"] == "single" and len(job["Settings"]["Inputs"]) == 1
    assert answer["renderId"] == render_id("wide", "vertical", False, 0)


def test_with_speakers_named_the_default_layout_cuts_to_whoever_speaks(tracks: Any, render: Any) -> None:
    name_speakers(tracks)
    call(tracks, "PATCH", TRACK_PATH, {"programAudio": True}, trackName="wide")
    answer, job = started(render, {"captions": False})

    assert answer["layout"] == "speaker" and answer["trackName"] == "wide"
    assert [(p["trackName"], p["startTime"], p["endTime"]) for p in answer["pieces"]] == [
        ("alice", "00:00:10,000", "00:00:12,000"),
        ("bob", "00:00:12,000", "00:00:15,000"),
        ("alice", "00:00:15,000", "00:00:20,000"),
    ]
    inputs = job["Settings"]["Inputs"]
    assert [item["FileInput"].rsplit("/", 1)[1] for item in inputs] == ["alice.mp4", "bob.mp4", "alice.mp4"]
    assert inputs[1]["InputClippings"] == [{"StartTimecode": "00:00:12:00", "EndTimecode": "00:00:14:24"}]
    assert {item["AudioSelectors"]["Audio Selector 1"]["ExternalAudioFileInput"] for item in inputs} == {
        f"s3://{BUCKET}/{upload('wide')}"
    }
    destination = job["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    assert destination.endswith(f"/{CLIP}/r0-wide-vertical-plain-speaker")
    # The layout is in the identity, resolved before it: the same request again is the same render.
    assert answer["renderId"] == render_id("wide", "vertical", False, 0, layout="speaker")
    assert answer["renderId"] != render_id("wide", "vertical", False, 0)
    assert call(render, "POST", RENDER_PATH, {"captions": False, "layout": "speaker"})[1] == answer


def test_layout_single_renders_one_track_and_a_track_not_processed_falls_back(
    tracks: Any, render: Any, episode: Any
) -> None:
    name_speakers(tracks)
    single, job = started(render, {"captions": False, "layout": "single", "trackName": "bob"})
    assert single["layout"] == "single" and [i["FileInput"] for i in job["Settings"]["Inputs"]] == [
        f"s3://{BUCKET}/{upload('bob')}"
    ]
    episode.update_item(
        Key={"pk": PK, "sk": "track#bob"}, UpdateExpression="SET #s = :p", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":p": "Processing"},
    )  # fmt: skip
    answer, job = started(render, {"captions": False, "format": "square"})
    assert [p["trackName"] for p in answer["pieces"]] == ["alice", "wide", "alice"]
    assert answer["fallbacks"] == ["track bob is Processing: its speaker's pieces show track wide"]
