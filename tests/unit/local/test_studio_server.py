"""The local studio host answers as the studio's CloudFront distribution: files, deep links, `config.json`, the API
under `/api`, and the security headers of `components/studio_site.py` on every answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from components import studio_site
from local.http_server import Answer, LocalHttpServer
from local.studio_server import StudioServer, StudioSite, built

COGNITO = "http://127.0.0.1:4101"
MEDIA = "http://127.0.0.1:4102"
INDEX_HTML = b"<!doctype html><title>Studio</title><div id=root></div>"


class EchoApi:
    """A stand-in API gateway (stage `api`) that answers what it was sent, and records it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []
        self._server = LocalHttpServer(self.handle, name="echo-api", max_body=1 << 20, refuse=self.refuse)
        self.url = ""

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        self.seen.append((method, target, {k.lower(): v for k, v in headers.items()}, body))
        if target.startswith("/api/missing"):
            return Answer(404, b'{"message": "no such episode"}', {"Content-Type": "application/json"})
        return Answer(201, body or b"{}", {"Content-Type": "application/json", "X-Request-Id": "r-1"})

    def refuse(self, status: int, reason: str) -> Answer:
        return Answer(status, reason.encode(), {})

    def start(self) -> EchoApi:
        self.url = f"http://127.0.0.1:{self._server.start()}/api"
        return self

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX_HTML)
    (dist / "assets" / "index-3f9a1c.js").write_text("console.log('studio')")
    (dist / "assets" / "index-77aa00.css").write_text("body{}")
    (dist / ".vite").mkdir()
    (dist / ".vite" / "manifest.json").write_text("{}")
    (dist / "config.json").write_text('{"apiUrl": "https://elsewhere.example"}')
    (tmp_path / "secret.txt").write_text("outside the site")
    return dist


@pytest.fixture
def api() -> Iterator[EchoApi]:
    running = EchoApi().start()
    yield running
    running.stop()


@pytest.fixture
def studio(site: Path, api: EchoApi) -> Iterator[str]:
    server = StudioServer(
        StudioSite(
            directory=site,
            api_url=api.url,
            region="us-east-1",
            user_pool_id="us-east-1_local",
            user_pool_client_id="client-1",
            cognito_endpoint=COGNITO,
            media_origin=MEDIA,
        )
    )
    url = server.start()
    yield url
    server.stop()


def expected_headers() -> dict[str, str]:
    return studio_site.security_headers(cognito_endpoint=COGNITO, media_origin=MEDIA)


def assert_secured(answer: httpx.Response) -> None:
    for name, value in expected_headers().items():
        assert answer.headers.get(name) == value, name


def test_files_are_served_with_their_type_and_cache_control(studio: str) -> None:
    index = httpx.get(studio + "/")
    script = httpx.get(studio + "/assets/index-3f9a1c.js")
    style = httpx.get(studio + "/assets/index-77aa00.css")

    assert (index.status_code, index.content) == (200, INDEX_HTML)
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert index.headers["cache-control"] == studio_site.NO_CACHE
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.headers["cache-control"] == studio_site.IMMUTABLE
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    for answer in (index, script, style):
        assert_secured(answer)


def test_a_deep_link_is_the_app_and_a_missing_file_is_404(studio: str) -> None:
    deep = httpx.get(studio + "/episodes/ep-1/clips/c-2")
    missing = httpx.get(studio + "/assets/gone-123.js")

    assert (deep.status_code, deep.content) == (200, INDEX_HTML)
    assert missing.status_code == 404
    assert_secured(missing)


def test_nothing_outside_the_site_nor_hidden_is_served(studio: str) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/.vite/manifest.json"):
        answer = httpx.get(studio + path)
        assert answer.status_code == 404, path
        assert b"outside" not in answer.content


def test_config_json_is_made_from_the_stack_not_taken_from_the_build(studio: str) -> None:
    answer = httpx.get(studio + "/config.json")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == studio_site.NO_CACHE
    assert answer.json() == studio_site.config_document(
        region="us-east-1", user_pool_id="us-east-1_local", user_pool_client_id="client-1", cognito_endpoint=COGNITO
    )
    assert_secured(answer)


def test_the_api_is_forwarded_under_api_with_its_method_body_and_authorization(studio: str, api: EchoApi) -> None:
    body = json.dumps({"title": "Pilot", "episodeNumber": 1}).encode()

    created = httpx.post(
        studio + "/api/episodes?limit=5",
        content=body,
        headers={"Authorization": "Bearer id-token", "Content-Type": "application/json"},
    )
    missing = httpx.get(studio + "/api/missing")
    patched = httpx.patch(studio + "/api/episodes/e%201", content=b'{"a": 1}')

    assert (created.status_code, created.content) == (201, body)
    assert created.headers["x-request-id"] == "r-1"
    assert_secured(created)
    assert (missing.status_code, missing.json()) == (404, {"message": "no such episode"})
    assert patched.status_code == 201
    method, target, headers, sent = api.seen[0]
    assert (method, target, sent) == ("POST", "/api/episodes?limit=5", body)
    assert headers["authorization"] == "Bearer id-token"
    assert headers["content-type"] == "application/json"
    assert api.seen[2][:2] == ("PATCH", "/api/episodes/e%201")


def test_only_reads_reach_the_files(studio: str) -> None:
    answer = httpx.post(studio + "/index.html", content=b"x")

    assert answer.status_code == 405
    assert_secured(answer)


def test_a_directory_without_index_html_is_not_a_built_studio(tmp_path: Path, site: Path) -> None:
    assert built(site)
    assert not built(tmp_path / "empty")
