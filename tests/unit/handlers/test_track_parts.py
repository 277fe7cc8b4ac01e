"""Resuming a track upload: a start with `size` and `partSize` answers the open session of the same file, and
`GET …/tracks/{trackName}/parts?uploadId=` lists the parts storage holds (real handlers, against moto)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from handlers import catalog
from handlers.core.rules import upload_sessions
from handlers.core.store import track_media
from tests.lambda_events import TENANT, api_event, invoke
from tests.unit.handlers.iam_calls import granted_actions, recorded_actions
from tests.unit.handlers.test_uploads_api import complete, session_record, start, upload_parts

MIB = 1024 * 1024
PARTS_PATH = "/episodes/{episodeId}/tracks/{trackName}/parts"


@pytest.fixture
def episode_id(api: Any) -> str:
    return api("create_episode", "POST", "/episodes", {"title": "Resumable", "episodeNumber": 8})[1]["id"]


@pytest.fixture
def list_parts(api: Any, handler: Any) -> Any:
    """`list_parts(episode_id, track, query)`: the list-track-parts handler, as API Gateway calls it."""
    module = handler("handlers.api.list_track_parts")

    def call(episode_id: str, track: str, query: dict[str, str] | None, as_tenant: str = TENANT) -> tuple[int, Any]:
        path = {"episodeId": episode_id, "trackName": track}
        status, answer, _ = invoke(
            module, api_event("GET", PARTS_PATH, path_parameters=path, query=query, tenant=as_tenant)
        )
        return status, answer

    return call


def start_sized(
    api: Any, episode_id: str, track: str = "main", filename: str = "main.mp4", **sizes: int
) -> tuple[int, Any]:
    body = {"filename": filename, "trackName": track, **sizes}
    return api("start_track_upload", "POST", "/episodes/{episodeId}/tracks", body, episodeId=episode_id)


def put_parts(api: Any, episode_id: str, session: dict[str, Any], chunks: dict[int, bytes]) -> None:
    numbers = sorted(chunks)
    _, answer = api(
        "presign_track_parts",
        "POST",
        PARTS_PATH,
        {"uploadId": session["uploadId"], "partNumbers": numbers},
        episodeId=episode_id,
        trackName=session["trackName"],
    )
    for entry in answer["urls"]:
        assert requests.put(entry["url"], data=chunks[entry["partNumber"]], timeout=30).status_code == 200


def md5(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def test_a_start_with_sizes_records_them_and_the_same_file_resumes_its_session(api: Any, episode_id: str) -> None:
    status, first = start_sized(api, episode_id, size=12 * MIB, partSize=5 * MIB)
    assert status == 200 and (first["size"], first["partSize"]) == (12 * MIB, 5 * MIB)
    stored = session_record(episode_id, "main")
    assert stored and (stored["size"], stored["partSize"]) == (12 * MIB, 5 * MIB)

    # The same file again, even asking for other parts: the open session, with the part size it started with.
    _, again = start_sized(api, episode_id, size=12 * MIB, partSize=8 * MIB)
    assert again == first
    # An older client sends no size: the same filename is the same upload, as before.
    _, older = start(api, episode_id, filename="main.mp4", track="main")
    assert older["uploadId"] == first["uploadId"]


def test_another_size_of_the_same_filename_is_refused_while_the_upload_is_open(api: Any, episode_id: str) -> None:
    _, first = start_sized(api, episode_id, size=12 * MIB, partSize=5 * MIB)

    status, answer = start_sized(api, episode_id, size=13 * MIB, partSize=5 * MIB)

    assert status == 409, answer
    assert "'main.mp4' of 12,582,912 bytes" in answer["message"] and "delete the track" in answer["message"]
    assert start_sized(api, episode_id, size=12 * MIB)[1]["uploadId"] == first["uploadId"]


def test_a_session_without_sizes_leaves_them_out(api: Any, episode_id: str) -> None:
    status, session = start(api, episode_id, filename="old.mp4", track="old")
    assert status == 200 and "size" not in session and "partSize" not in session
    _, resumed = start_sized(api, episode_id, track="old", filename="old.mp4", size=6 * MIB, partSize=5 * MIB)
    assert resumed["uploadId"] == session["uploadId"] and "partSize" not in resumed


@pytest.mark.parametrize(
    ("sizes", "problem"),
    [
        ({"size": 0}, "body.size"),
        ({"size": 5 * 1024**4 + 1}, "body.size"),
        ({"size": 10 * MIB, "partSize": 5 * MIB - 1}, "body.partSize"),
        ({"size": 10 * MIB, "partSize": 5 * 1024 * MIB + 1}, "body.partSize"),
        ({"size": 10_001 * 5 * MIB, "partSize": 5 * MIB}, "more than 10,000 parts"),
        ({"partSize": 5 * MIB}, "partSize needs size"),
        ({"size": "12"}, "body.size"),
    ],
)
def test_sizes_outside_s3s_limits_are_a_400(api: Any, episode_id: str, sizes: dict[str, Any], problem: str) -> None:
    status, answer = start_sized(api, episode_id, **sizes)
    assert status == 400 and problem in answer["message"], answer
    assert session_record(episode_id, "main") is None


def test_the_parts_list_says_what_storage_holds_with_each_parts_md5(api: Any, episode_id: str, list_parts: Any) -> None:
    _, session = start_sized(api, episode_id, size=11 * MIB, partSize=5 * MIB)
    query = {"uploadId": session["uploadId"]}
    assert list_parts(episode_id, "main", query) == (200, {"parts": [], "size": 11 * MIB, "partSize": 5 * MIB})

    chunks = {1: b"a" * (5 * MIB), 3: b"c" * MIB}
    put_parts(api, episode_id, session, chunks)
    status, answer = list_parts(episode_id, "Main", query)  # the raw name reaches the sanitised track

    assert status == 200
    assert answer["parts"] == [
        {"partNumber": n, "size": len(chunk), "etag": md5(chunk)} for n, chunk in sorted(chunks.items())
    ]


def test_the_parts_list_follows_pages_across_gaps(
    api: Any, episode_id: str, list_parts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(track_media, "LIST_PARTS_PAGE", 2)
    _, session = start(api, episode_id, filename="paged.mp4", track="paged")
    chunks = {n: f"part {n}".encode() for n in (2, 3, 5, 8, 9, 13, 14)}
    put_parts(api, episode_id, session, chunks)

    status, answer = list_parts(episode_id, "paged", {"uploadId": session["uploadId"]})

    assert status == 200 and [part["partNumber"] for part in answer["parts"]] == sorted(chunks)
    assert "size" not in answer and "partSize" not in answer


@pytest.mark.parametrize("query", [None, {"uploadId": ""}, {"uploadId": "u" * 1025}])
def test_a_missing_or_malformed_upload_id_is_a_400(api: Any, episode_id: str, list_parts: Any, query: Any) -> None:
    start_sized(api, episode_id, size=6 * MIB)
    status, answer = list_parts(episode_id, "main", query)
    assert status == 400 and "uploadId" in answer["message"], answer


def test_unknown_uploads_and_other_tenants_ids_are_a_404(api: Any, episode_id: str, list_parts: Any) -> None:
    _, session = start_sized(api, episode_id, size=6 * MIB)
    put_parts(api, episode_id, session, {1: b"secret"})
    query = {"uploadId": session["uploadId"]}

    answers = [
        list_parts(episode_id, "main", query, as_tenant="studio-b"),
        list_parts(episode_id, "other", query),
        list_parts(episode_id, "main", {"uploadId": "not-this-upload"}),
        list_parts("no-such-episode", "main", query),
    ]

    assert [status for status, _ in answers] == [404] * len(answers), answers
    assert all("secret" not in str(answer) and "parts" not in answer for _, answer in answers)


def test_an_upload_no_longer_open_is_a_409(
    api: Any, episode_id: str, list_parts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, done = start(api, episode_id, filename="done.mp4", track="done")
    assert complete(api, episode_id, "done", done["uploadId"], upload_parts(api, episode_id, done, [b"v"]))[0] == 200
    status, answer = list_parts(episode_id, "done", {"uploadId": done["uploadId"]})
    assert status == 409 and "completed (the track is Unprocessed)" in answer["message"], answer

    _, idle = start(api, episode_id, filename="idle.mp4", track="idle")
    later = datetime.fromisoformat(idle["expiresAt"]) + timedelta(seconds=1)
    monkeypatch.setattr(upload_sessions, "_now", lambda: later)
    status, answer = list_parts(episode_id, "idle", {"uploadId": idle["uploadId"]})
    assert status == 409 and "start the upload again" in answer["message"], answer


def test_the_catalog_grants_exactly_what_listing_parts_calls(
    api: Any, episode_id: str, handler: Any, list_parts: Any
) -> None:
    _, session = start_sized(api, episode_id, size=6 * MIB)
    _, done = start(api, episode_id, filename="done.mp4", track="done")
    complete(api, episode_id, "done", done["uploadId"], upload_parts(api, episode_id, done, [b"v"]))
    module = handler("handlers.api.list_track_parts")

    with recorded_actions(dynamodb=module.storage.table.client, s3=module.storage.s3) as used:
        assert list_parts(episode_id, "main", {"uploadId": session["uploadId"]})[0] == 200
        assert list_parts(episode_id, "done", {"uploadId": done["uploadId"]})[0] == 409

    assert used == granted_actions(catalog.function_for_module(module.__name__))
