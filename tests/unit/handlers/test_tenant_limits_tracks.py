"""Tracks per episode and chunking jobs at once, through the upload routes and the chunking job's events."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from handlers.core.runtime import clients
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys
from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET, TABLE
from tests.unit.handlers.test_preprocessing import MASTER_PLAYLIST, MEDIA_PLAYLIST
from tests.unit.handlers.test_tenant_limits import Answer, call, create_episode, limit_uploads
from tests.unit.handlers.test_uploads_api import fail, keys_under, session_record, track, upload_parts

__all__ = ["call"]  # fixture shared with the other limits' tests

UPLOAD_ROUTES = ("start_track_upload", "complete_track_upload")
JOB = "1732474201234-abc123"


def start(call: Callable[..., Answer], episode_id: str, name: str, filename: str = "take.mp4") -> Answer:
    body = {"filename": filename, "trackName": name}
    return call("start_track_upload", "POST", "/episodes/{episodeId}/tracks", body, episodeId=episode_id)


def complete(call: Callable[..., Answer], episode_id: str, session: dict[str, Any], parts: list[Any]) -> Answer:
    return call(
        "complete_track_upload",
        "POST",
        "/episodes/{episodeId}/tracks/{trackName}/complete",
        {"uploadId": session["uploadId"], "parts": parts},
        episodeId=episode_id,
        trackName=session["trackName"],
    )


def started(api: Any, call: Callable[..., Answer], episode_id: str, name: str) -> tuple[dict[str, Any], list[Any]]:
    """An upload of the track, opened and its one part sent: the session and what completes it."""
    status, session, _ = start(call, episode_id, name)
    assert status == 200, session
    return session, upload_parts(api, episode_id, session, [name.encode() * 100])


def episode_view(api: Any, episode_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)[1]
    return answer


def assert_refused(answer: Answer, limit: str) -> None:
    status, body, headers = answer
    assert status == 429 and f"limit {limit} reached" in body["message"]
    assert int(headers["Retry-After"]) > 0


def test_a_new_track_past_the_limit_is_refused_at_start_but_a_failed_track_may_be_retried(
    api: Any, call: Callable[..., Answer], handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_uploads(monkeypatch, handler, *UPLOAD_ROUTES, tracks_per_episode=1)
    episode_id = create_episode(call)[1]["id"]
    main, parts = started(api, call, episode_id, "main")
    assert complete(call, episode_id, main, parts)[0] == 200

    assert_refused(start(call, episode_id, "guest"), "tracks_per_episode")
    assert session_record(episode_id, "guest") is None  # nothing opened

    fail(episode_id, "main")
    retry, parts = started(api, call, episode_id, "main")  # the same name: replaces the failed track
    assert complete(call, episode_id, retry, parts)[0] == 200
    view = episode_view(api, episode_id)
    tracks = [(t["trackName"], t["status"]) for t in view["tracks"]]
    assert view["numTracks"] == 1 and tracks == [("main", "Unprocessed")]


@pytest.mark.parametrize("interleaved", [False, True], ids=["one-after-the-other", "while-the-second-completes"])
def test_of_two_tracks_started_on_an_empty_episode_only_the_first_completed_is_kept(
    api: Any, call: Callable[..., Answer], handler: Any, monkeypatch: pytest.MonkeyPatch, interleaved: bool
) -> None:
    limit_uploads(monkeypatch, handler, *UPLOAD_ROUTES, tracks_per_episode=1, concurrent_chunking_jobs=2)
    episode_id, elsewhere = create_episode(call)[1]["id"], create_episode(call)[1]["id"]
    first, first_parts = started(api, call, episode_id, "first")
    second, second_parts = started(api, call, episode_id, "second")  # both starts see no track yet
    first_done: list[Answer] = []
    if interleaved:
        # The first upload completes while the second's complete is under way, past its own look at the episode.
        module = handler("handlers.api.complete_track_upload")

        class FirstCompletesMeanwhile:
            def __init__(self, s3: Any) -> None:
                self.s3 = s3

            def __getattr__(self, name: str) -> Any:
                return getattr(self.s3, name)

            def complete_multipart_upload(self, **params: Any) -> Any:
                if params["Key"] == second["key"] and not first_done:
                    first_done.append(complete(call, episode_id, first, first_parts))
                return self.s3.complete_multipart_upload(**params)

        s3_clients = {f.name for f in dataclasses.fields(module.storage)} & {"s3", "completion_s3"}
        wrapped = {name: FirstCompletesMeanwhile(getattr(module.storage, name)) for name in s3_clients}
        monkeypatch.setattr(module, "storage", dataclasses.replace(module.storage, **wrapped))
    else:
        first_done.append(complete(call, episode_id, first, first_parts))

    refused = complete(call, episode_id, second, second_parts)

    assert first_done[0][0] == 200
    assert_refused(refused, "tracks_per_episode")
    assert keys_under(f"media/{TENANT}/{episode_id}/tracks/") == [first["key"]]  # the second object is not kept
    view = episode_view(api, episode_id)
    assert view["numTracks"] == 1 and [t["trackName"] for t in view["tracks"]] == ["first"]
    # The refused upload holds no chunking slot: the first track's job and one more fit.
    assert complete(call, elsewhere, *started(api, call, elsewhere, "other"))[0] == 200


def processing(episode_id: str, name: str) -> dict[str, Any]:
    """What starting the track's chunking job leaves: the track Processing with the job's id."""
    clients.table(TABLE).update_item(
        Key={"pk": f"{TENANT}#{episode_id}", "sk": f"track#{name}"},
        UpdateExpression="SET #s = :processing, mediaConvertJobId = :job",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":processing": "Processing", ":job": JOB},
    )
    return track(episode_id, name)


def job_ends(handler: Any, episode_id: str, name: str, outcome: str) -> None:
    """The track's chunking job ends (its HLS output written when it completes): the event reaches its function."""
    attempt = processing(episode_id, name)["attemptId"]
    chunks = object_keys.chunk_prefix(EpisodeRef(TENANT, episode_id), name, attempt)
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=f"{chunks}{name}.m3u8", Body=MASTER_PLAYLIST.encode())
    s3.put_object(Bucket=BUCKET, Key=f"{chunks}main_chunk.m3u8", Body=MEDIA_PLAYLIST.encode())
    event = load_event(f"mediaconvert_{outcome.lower()}", EPISODE=episode_id, BUCKET=BUCKET)
    event["detail"]["userMetadata"].update(trackName=name, attemptId=attempt)
    if outcome == "COMPLETE":
        event["detail"]["outputGroupDetails"] = []  # the manifest is found by listing the attempt's chunks
        handler("handlers.events.preprocessing_completed").lambda_handler(event, FakeContext())
    else:
        handler("handlers.events.preprocessing_failed").lambda_handler(event, FakeContext())


@pytest.mark.parametrize(("outcome", "status"), [("COMPLETE", "Processed"), ("ERROR", "ProcessingFailed")])
def test_a_second_chunking_job_waits_until_the_first_has_ended(
    api: Any,
    call: Callable[..., Answer],
    handler: Any,
    monkeypatch: pytest.MonkeyPatch,
    outcome: str,
    status: str,
) -> None:
    limit_uploads(monkeypatch, handler, *UPLOAD_ROUTES, concurrent_chunking_jobs=1)
    episode_id = create_episode(call)[1]["id"]
    first, first_parts = started(api, call, episode_id, "first")
    second, second_parts = started(api, call, episode_id, "second")
    assert complete(call, episode_id, first, first_parts)[0] == 200

    refused = complete(call, episode_id, second, second_parts)

    assert_refused(refused, "concurrent_chunking_jobs")
    assert refused[2]["Retry-After"] == "60"
    # The upload stays open: asking again later completes it.
    assert session_record(episode_id, "second")["uploadId"] == second["uploadId"]
    assert [t["trackName"] for t in episode_view(api, episode_id)["tracks"]] == ["first"]
    assert complete(call, episode_id, second, second_parts)[0] == 429

    job_ends(handler, episode_id, "first", outcome)

    assert track(episode_id, "first")["status"] == status
    assert complete(call, episode_id, second, second_parts)[0] == 200
    assert episode_view(api, episode_id)["numTracks"] == 2


def test_a_repeated_complete_takes_no_second_slot(
    api: Any, call: Callable[..., Answer], handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_uploads(monkeypatch, handler, *UPLOAD_ROUTES, concurrent_chunking_jobs=2)
    episode_id = create_episode(call)[1]["id"]
    uploads = [started(api, call, episode_id, name) for name in ("one", "two", "three")]

    answers = [complete(call, episode_id, *uploads[0]) for _ in range(3)]
    second = complete(call, episode_id, *uploads[1])

    assert [answer[:2] for answer in answers] == [answers[0][:2]] * 3 and answers[0][0] == 200
    assert second[0] == 200  # the one repeated three times holds one slot: the other was free
    assert_refused(complete(call, episode_id, *uploads[2]), "concurrent_chunking_jobs")


def test_deleting_a_track_whose_job_never_started_frees_its_slot(
    api: Any, call: Callable[..., Answer], handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_uploads(monkeypatch, handler, *UPLOAD_ROUTES, concurrent_chunking_jobs=1)
    episode_id = create_episode(call)[1]["id"]
    first, second = started(api, call, episode_id, "first"), started(api, call, episode_id, "second")
    assert complete(call, episode_id, *first)[0] == 200
    assert complete(call, episode_id, *second)[0] == 429

    path = "/episodes/{episodeId}/tracks/{trackName}"
    assert call("delete_track", "DELETE", path, episodeId=episode_id, trackName="first")[0] == 204

    assert complete(call, episode_id, *second)[0] == 200
