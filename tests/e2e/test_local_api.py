"""The episodes API on the running local stack, over HTTP."""

from __future__ import annotations

import httpx
import pytest
from botocore.exceptions import UnknownServiceError

from components import service_models
from handlers.core.runtime import clients

ORIGIN = "https://studio.example.com"


def test_create_list_and_show_an_episode(api: httpx.Client) -> None:
    created = api.post("/episodes", json={"title": "Local first", "episodeNumber": 1, "platforms": ["twitch"]})
    assert created.status_code == 201
    episode_id = created.json()["id"]

    listed = api.get("/episodes", params={"limit": 20})
    assert listed.status_code == 200
    assert episode_id in [item["id"] for item in listed.json()["items"]]

    shown = api.get(f"/episodes/{episode_id}")
    assert shown.status_code == 200
    assert shown.json()["status"] == "Draft" and shown.json()["platforms"] == ["twitch"]
    assert shown.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_gateway_validation_refuses_bad_bodies_before_the_function(api: httpx.Client) -> None:
    answer = api.post("/episodes", json={"title": "No number"})

    assert answer.status_code == 400
    assert "episodeNumber" in answer.json()["message"]
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_paginates_with_tokens_and_refuses_tampered_ones(api: httpx.Client) -> None:
    for n in range(3):
        api.post("/episodes", json={"title": f"Page {n}", "episodeNumber": n})
    first = api.get("/episodes", params={"limit": 2}).json()
    second = api.get("/episodes", params={"limit": 2, "nextToken": first["nextToken"]})
    assert second.status_code == 200
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second.json()["items"]}

    tampered = api.get("/episodes", params={"nextToken": first["nextToken"][:-2] + "xx"})
    assert tampered.status_code == 400
    assert tampered.json() == {"message": "nextToken is not a valid pagination token"}


def test_unknown_episode_is_404_and_unknown_route_403_with_cors(api: httpx.Client) -> None:
    episode = api.get("/episodes/does-not-exist")
    route = api.get("/nothing-here")

    assert episode.status_code == 404 and episode.json()["message"]
    assert route.status_code == 403 and route.json() == {"message": "Missing Authentication Token"}
    for answer in (episode, route):
        assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_preflight_and_openapi_document(api: httpx.Client) -> None:
    preflight = api.options("/episodes")
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]

    document = api.get("/openapi.json").json()
    assert document["openapi"].startswith("3.0")
    assert {"/episodes", "/episodes/{episodeId}"} <= set(document["paths"])


def test_oversized_bodies_are_413(api: httpx.Client) -> None:
    answer = api.post(
        "/episodes", content=b"{" + b" " * (10 * 1024 * 1024 + 1) + b"}", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413


def test_functions_read_the_layers_service_models_as_on_lambda(api: httpx.Client) -> None:
    """The functions here run with `SERVICE_MODELS` as on Lambda: every call above went through them."""
    assert api.post("/episodes", json={"title": "Models", "episodeNumber": 1}).status_code == 201

    session = clients.session()
    assert isinstance(session.get_component("data_loader"), clients.ServiceModelLoader)
    assert session.get_available_services() == sorted(service_models.SERVICES)
    with pytest.raises(UnknownServiceError):
        clients.client("sqs")
