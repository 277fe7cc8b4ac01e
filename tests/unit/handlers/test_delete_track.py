"""DELETE /episodes/{episodeId}/tracks/{trackName} through the real handler, against moto."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from handlers import catalog, openapi
from handlers.core.runtime import clients, cors
from tests.lambda_events import TENANT
from tests.unit.handlers.conftest import BUCKET, TABLE
from tests.unit.handlers.iam_calls import granted_actions, recorded_actions
from tests.unit.handlers.test_uploads_api import complete, fail, keys_under, start, track, upload_parts


@pytest.fixture
def episode_id(api: Any) -> str:
    return api("create_episode", "POST", "/episodes", {"title": "Deletes", "episodeNumber": 9})[1]["id"]


def delete(api: Any, episode_id: str, name: str) -> tuple[int, Any]:
    return api(
        "delete_track", "DELETE", "/episodes/{episodeId}/tracks/{trackName}", episodeId=episode_id, trackName=name
    )


def uploaded(api: Any, episode_id: str, name: str, filename: str = "cam.mp4") -> dict[str, Any]:
    _, session = start(api, episode_id, filename=filename, track=name)
    complete(api, episode_id, name, session["uploadId"], upload_parts(api, episode_id, session, [b"video"]))
    return session


def set_status(episode_id: str, name: str, status: str) -> None:
    clients.table(TABLE).update_item(
        Key={"pk": f"{TENANT}#{episode_id}", "sk": f"track#{name}"},
        UpdateExpression="SET #s = :status",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":status": status},
    )


def episode(api: Any, episode_id: str) -> dict[str, Any]:
    return dict(api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)[1])


def test_deleting_a_failed_track_removes_its_record_upload_and_chunks(api: Any, episode_id: str) -> None:
    session = uploaded(api, episode_id, "main")
    fail(episode_id, "main")

    status, body = delete(api, episode_id, "main")

    assert (status, body) == (204, None)
    assert episode(api, episode_id)["numTracks"] == 0 and episode(api, episode_id)["tracks"] == []
    assert keys_under(session["key"]) == [] and keys_under(f"media/{TENANT}/{episode_id}/videos/main/") == []
    assert delete(api, episode_id, "main")[0] == 404


def test_deleting_a_processed_track_leaves_the_other_tracks(api: Any, episode_id: str) -> None:
    uploaded(api, episode_id, "main")
    guest = uploaded(api, episode_id, "guest")
    fail(episode_id, "main")
    fail(episode_id, "guest")
    set_status(episode_id, "main", "Processed")

    assert delete(api, episode_id, "Main")[0] == 204

    detail = episode(api, episode_id)
    assert detail["numTracks"] == 1 and [t["trackName"] for t in detail["tracks"]] == ["guest"]
    assert keys_under(f"media/{TENANT}/{episode_id}/tracks/") == [guest["key"]]
    assert (
        keys_under(f"media/{TENANT}/{episode_id}/videos/main/") == []
        and len(keys_under(f"media/{TENANT}/{episode_id}/videos/guest/")) == 2
    )
    # Deleted, the name is free again.
    assert start(api, episode_id, track="main")[0] == 200


def test_a_track_being_processed_cannot_be_deleted(api: Any, episode_id: str) -> None:
    session = uploaded(api, episode_id, "main")
    set_status(episode_id, "main", "Processing")

    status, answer = delete(api, episode_id, "main")

    assert status == 409 and "being processed" in answer["message"]
    assert track(episode_id, "main")["status"] == "Processing"
    assert episode(api, episode_id)["numTracks"] == 1 and keys_under(session["key"]) == [session["key"]]


def test_unknown_tracks_and_episodes_answer_404(api: Any, episode_id: str) -> None:
    status, answer = delete(api, episode_id, "nothing-here")
    assert status == 404 and "nothing-here" in answer["message"]
    assert delete(api, "no-such-episode", "main")[0] == 404
    assert delete(api, episode_id, "!!!")[0] == 400


def test_deleting_an_open_upload_aborts_it(api: Any, episode_id: str) -> None:
    _, session = start(api, episode_id, filename="wrong file.mp4", track="Main Cam")
    etags = upload_parts(api, episode_id, session, [b"part"])
    assert start(api, episode_id, filename="right file.mp4", track="Main Cam")[0] == 409

    assert delete(api, episode_id, "Main%20Cam")[0] == 204

    assert boto3.client("s3").list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert complete(api, episode_id, "main-cam", session["uploadId"], etags)[0] == 404
    assert start(api, episode_id, filename="right file.mp4", track="Main Cam")[0] == 200
    assert episode(api, episode_id)["numTracks"] == 0


def test_deleting_a_failed_track_during_its_retry_removes_both(api: Any, episode_id: str) -> None:
    uploaded(api, episode_id, "main")
    fail(episode_id, "main")
    _, retry = start(api, episode_id, filename="again.mp4", track="main")

    assert delete(api, episode_id, "main")[0] == 204

    assert boto3.client("s3").list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert keys_under(f"media/{TENANT}/{episode_id}/") == []
    assert complete(api, episode_id, "main", retry["uploadId"], [{"ETag": '"x"', "PartNumber": 1}])[0] == 404


def test_the_catalog_grants_exactly_what_a_delete_calls(api: Any, episode_id: str, handler: Any) -> None:
    uploaded(api, episode_id, "main", filename="cam.mov")
    fail(episode_id, "main")
    start(api, episode_id, filename="cam.mp4", track="main")  # a retry in progress: its upload is aborted too
    module = handler("handlers.api.delete_track")

    with recorded_actions(dynamodb=module.storage.table.client, s3=module.storage.s3) as used:
        assert delete(api, episode_id, "main")[0] == 204

    assert used == granted_actions(catalog.function_for_module(module.__name__))


def test_the_openapi_document_declares_a_204_without_a_body() -> None:
    operation = openapi.document()["paths"]["/episodes/{episodeId}/tracks/{trackName}"]["delete"]
    assert operation["responses"]["204"] == {"description": "No content"}
    assert set(operation["responses"]) == {"204", "400", "401", "403", "404", "409"}
    assert "requestBody" not in operation


def test_cors_allows_every_method_of_the_catalog() -> None:
    allowed = cors.cors_headers("*")["Access-Control-Allow-Methods"].split(",")
    assert {route.method for _, route in catalog.api_functions()} | {"OPTIONS"} == set(allowed)
    assert "DELETE" in allowed
