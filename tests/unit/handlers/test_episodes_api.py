"""The episodes API through the real handlers, against moto."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lambda_events import TENANT, api_event, invoke

ORIGIN = "https://studio.example.com"


@pytest.fixture
def create(table: Any, handler: Any) -> Any:
    module = handler("handlers.api.create_episode")

    def call(
        body: Any = None, raw_body: str | None = None, tenant: str | None = TENANT
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        return invoke(module, api_event("POST", "/episodes", body=body, raw_body=raw_body, tenant=tenant))

    return call


@pytest.fixture
def listing(table: Any, handler: Any) -> Any:
    module = handler("handlers.api.list_episodes")

    def call(tenant: str = TENANT, **query: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        return invoke(module, api_event("GET", "/episodes", query=query or None, tenant=tenant))

    return call


@pytest.fixture
def show(table: Any, handler: Any) -> Any:
    module = handler("handlers.api.get_episode")

    def call(episode_id: str, tenant: str = TENANT) -> tuple[int, dict[str, Any], dict[str, str]]:
        event = api_event("GET", "/episodes/{episodeId}", path_parameters={"episodeId": episode_id}, tenant=tenant)
        return invoke(module, event)

    return call


FULL_EPISODE = {
    "title": "Serverless at scale",
    "episodeNumber": 42,
    "summary": "We talk about queues.",
    "airDate": "2026-11-20T18:00:00Z",
    "platforms": ["youtube", "linkedin live"],
    "themes": ["aws", "events"],
    "seriesName": "Null Check",
}


def test_create_stores_a_draft_episode_with_every_field(create: Any, show: Any) -> None:
    status, body, headers = create(FULL_EPISODE)

    assert status == 201
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    status, episode, _ = show(body["id"])
    assert status == 200
    assert episode["status"] == "Draft"
    assert episode["numTracks"] == 0 and episode["clipCount"] == 0 and episode["tracks"] == []
    assert {k: episode[k] for k in ("title", "episodeNumber", "summary", "platforms", "themes", "seriesName")} == {
        k: FULL_EPISODE[k] for k in ("title", "episodeNumber", "summary", "platforms", "themes", "seriesName")
    }
    assert episode["airDate"].startswith("2026-11-20T18:00:00")


def test_create_accepts_a_plain_date(create: Any, show: Any) -> None:
    status, body, _ = create({"title": "Dates", "episodeNumber": 1, "airDate": "2026-12-01"})
    assert status == 201
    assert show(body["id"])[1]["airDate"] == "2026-12-01"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"episodeNumber": 1}, "title"),
        ({"title": "   ", "episodeNumber": 1}, "title"),
        ({"title": "No number"}, "episodeNumber"),
        ({"title": "Text number", "episodeNumber": "7"}, "episodeNumber"),
        ({"title": "Bad platform", "episodeNumber": 1, "platforms": ["myspace"]}, "platforms"),
        ({"title": "Bad date", "episodeNumber": 1, "airDate": "next tuesday"}, "airDate"),
        ({"title": "Typo", "episodeNumber": 1, "seires": "x"}, "seires"),
        ([1, 2], "body"),
    ],
)
def test_create_refuses_invalid_bodies_with_400_naming_the_field(
    create: Any, listing: Any, body: Any, field: str
) -> None:
    status, answer, headers = create(body)

    assert status == 400
    assert field in answer["message"]
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert listing()[1]["count"] == 0


@pytest.mark.parametrize("raw", ["{not json", "", "null"])
def test_create_refuses_unparseable_bodies_with_400(create: Any, raw: str) -> None:
    status, answer, _ = create(raw_body=raw)
    assert status == 400
    assert answer["message"]


def test_list_pages_newest_first_across_pages_with_an_opaque_token(create: Any, listing: Any) -> None:
    ids = [create({"title": f"Episode {n}", "episodeNumber": n})[1]["id"] for n in range(5)]

    status, first, _ = listing(limit="2")
    _, second, _ = listing(limit="2", nextToken=first["nextToken"])
    _, last, _ = listing(limit="2", nextToken=second["nextToken"])

    assert status == 200
    seen = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert seen == list(reversed(ids))
    assert (first["count"], second["count"], last["count"]) == (2, 2, 1)
    assert "nextToken" not in last
    assert ids[0] not in first["nextToken"] and "GSI1" not in first["nextToken"]


def test_list_defaults_to_twenty(create: Any, listing: Any) -> None:
    for n in range(21):
        create({"title": f"E{n}", "episodeNumber": n})
    _, page, _ = listing()
    assert page["count"] == 20 and "nextToken" in page


def test_list_takes_the_first_of_a_repeated_parameter(create: Any, handler: Any) -> None:
    """`?limit=1&limit=3`: API Gateway keeps the last in `queryStringParameters`, all in the multi-value map."""
    for n in range(3):
        create({"title": f"E{n}", "episodeNumber": n})
    event = api_event("GET", "/episodes", query={"limit": "3"})
    event["multiValueQueryStringParameters"] = {"limit": ["1", "3"]}
    _, page, _ = invoke(handler("handlers.api.list_episodes"), event)
    assert page["count"] == 1


@pytest.mark.parametrize("limit", ["0", "21", "ten", "-1"])
def test_list_refuses_a_bad_limit(listing: Any, limit: str) -> None:
    status, answer, _ = listing(limit=limit)
    assert status == 400
    assert "limit" in answer["message"]


def test_list_refuses_tampered_and_garbage_tokens(create: Any, listing: Any) -> None:
    for n in range(3):
        create({"title": f"E{n}", "episodeNumber": n})
    token = listing(limit="1")[1]["nextToken"]
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]

    for bad in (flipped, token[:-4], "garbage", "%%%", "A" * 200):
        status, answer, headers = listing(nextToken=bad)
        assert status == 400, bad
        assert answer == {"message": "nextToken is not a valid pagination token"}
        assert headers["Access-Control-Allow-Origin"] == ORIGIN


def test_get_unknown_episode_is_404(show: Any, table: Any) -> None:
    for episode_id in ("00000000-0000-0000-0000-000000000000", "x" * 3000, "a b", "../etc"):
        status, answer, headers = show(episode_id)
        assert status == 404
        assert answer["message"]
        assert headers["Access-Control-Allow-Origin"] == ORIGIN


def test_get_shows_tracks_and_clip_count(create: Any, show: Any, table: Any) -> None:
    episode_id = create({"title": "With media", "episodeNumber": 3})[1]["id"]
    table.put_item(
        Item={
            "pk": f"{TENANT}#{episode_id}",
            "sk": "track#main",
            "trackName": "main",
            "status": "Processed",
            "segmentCount": 3,
            "totalDurationSeconds": 300,
        }
    )
    table.put_item(Item={"pk": f"{TENANT}#{episode_id}", "sk": "clip#abc", "clipId": "abc"})

    episode = show(episode_id)[1]

    assert episode["tracks"] == [
        {"trackName": "main", "status": "Processed", "segmentCount": 3, "totalDurationSeconds": 300}
    ]
    assert episode["clipCount"] == 1


@pytest.mark.parametrize("raw", ["[" * 50_000 + "]" * 50_000, '{"title":' * 5000 + "1" + "}" * 5000])
def test_create_refuses_json_nested_too_deeply_with_400(create: Any, raw: str) -> None:
    status, answer, _ = create(raw_body=raw)
    assert status == 400
    assert answer == {"message": "invalid request body: nested too deeply"}


@pytest.mark.parametrize("raw", ["", "title=x"])
def test_create_refuses_a_body_that_is_not_json_with_415(handler: Any, table: Any, raw: str) -> None:
    event = api_event("POST", "/episodes", raw_body=raw)
    event["headers"] = {"Content-Type": "text/plain"}
    status, answer, headers = invoke(handler("handlers.api.create_episode"), event)
    assert status == 415
    assert answer == {"message": "send the body as application/json"}
    assert headers["Access-Control-Allow-Origin"] == ORIGIN


def test_each_tenant_sees_only_its_own_episodes(create: Any, listing: Any, show: Any) -> None:
    mine = create({"title": "Mine", "episodeNumber": 1})[1]["id"]
    theirs = create({"title": "Theirs", "episodeNumber": 2}, tenant="studio-b")[1]["id"]

    assert [item["id"] for item in listing()[1]["items"]] == [mine]
    assert [item["id"] for item in listing(tenant="studio-b")[1]["items"]] == [theirs]
    assert show(mine)[0] == 200 and show(theirs, tenant="studio-b")[0] == 200
    status, answer, _ = show(theirs)
    assert status == 404 and answer == {"message": f"episode {theirs} not found"}


def test_a_page_token_replayed_by_another_tenant_is_refused(create: Any, listing: Any) -> None:
    for n in range(2):
        create({"title": f"E{n}", "episodeNumber": n})
    token = listing(limit="1")[1]["nextToken"]

    status, answer, _ = listing(tenant="studio-b", nextToken=token)

    assert status == 400 and answer == {"message": "nextToken is not a valid pagination token"}
    assert listing(nextToken=token)[0] == 200


@pytest.mark.parametrize("tenant", [None, "", "has space", "a/b", "x" * 65])
def test_a_signed_in_user_without_a_usable_tenant_is_403(create: Any, tenant: str | None) -> None:
    status, answer, headers = create({"title": "T", "episodeNumber": 1}, tenant=tenant)

    assert status == 403 and "tenant" in answer["message"]
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
