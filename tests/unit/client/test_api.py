"""The API client: requests on the wire, answers, and errors as `ApiError`."""

from __future__ import annotations

import json

import httpx
import pytest

from client.api import ApiError, NullCheckClient


def client_answering(*responses: httpx.Response) -> tuple[NullCheckClient, list[httpx.Request]]:
    """A client whose API answers the given responses in turn, and the requests it received."""
    received: list[httpx.Request] = []
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return queue.pop(0)

    return NullCheckClient("http://api.test/api/", transport=httpx.MockTransport(answer)), received


def test_an_error_answer_raises_api_error_with_status_and_message() -> None:
    client, _ = client_answering(httpx.Response(404, json={"message": "episode not found"}))

    with pytest.raises(ApiError) as raised:
        client.get_episode("missing")

    assert (raised.value.status, raised.value.message) == (404, "episode not found")


def test_an_error_without_a_json_message_keeps_the_body_text() -> None:
    client, _ = client_answering(httpx.Response(502, text="Bad Gateway from the load balancer"))

    with pytest.raises(ApiError) as raised:
        client.list_clips("ep-1")

    assert (raised.value.status, raised.value.message) == (502, "Bad Gateway from the load balancer")


def test_create_episode_sends_the_api_field_names_and_returns_the_id() -> None:
    client, received = client_answering(httpx.Response(201, json={"id": "ep-9"}))

    episode_id = client.create_episode("Pilot", 1, platforms=["twitch", "X"], series_name="Null Talk")

    assert episode_id == "ep-9"
    assert (received[0].method, received[0].url.path) == ("POST", "/api/episodes")
    assert json.loads(received[0].content) == {
        "title": "Pilot",
        "episodeNumber": 1,
        "platforms": ["twitch", "X"],
        "seriesName": "Null Talk",
    }


def test_path_parameters_are_escaped() -> None:
    client, received = client_answering(httpx.Response(200, json={"urls": []}))

    client.get_part_urls("ep/1", "cam 1", "upload", [1])

    assert received[0].url.raw_path == b"/api/episodes/ep%2F1/tracks/cam%201/parts"
    assert json.loads(received[0].content) == {"uploadId": "upload", "partNumbers": [1]}


def test_iter_episodes_follows_next_token_until_the_last_page() -> None:
    client, received = client_answering(
        httpx.Response(
            200, json={"items": [{"id": "a", "title": "A", "status": "Draft"}], "count": 1, "nextToken": "t1"}
        ),
        httpx.Response(200, json={"items": [{"id": "b", "title": "B", "status": "Draft"}], "count": 1}),
    )

    ids = [episode["id"] for episode in client.iter_episodes(limit=1)]

    assert ids == ["a", "b"]
    assert [dict(request.url.params) for request in received] == [{"limit": "1"}, {"limit": "1", "nextToken": "t1"}]
