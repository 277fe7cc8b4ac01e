"""The local API under rough clients: every request gets API Gateway's kind of answer, JSON with CORS."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from local.stack import LocalStack

ORIGIN = "https://studio.example.com"
MISSING_TOKEN = {"message": "Missing Authentication Token"}


def raw_request(stack: LocalStack, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (no client fixes them up) and read one answer."""
    url = urlsplit(stack.api_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(request)
        answer = http.client.HTTPResponse(connection)
        answer.begin()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "FOO", "DELETE", "PUT", "PATCH"])
@pytest.mark.parametrize("path", ["/episodes", "/episodes/some-id/clips", "/nothing-here", "/"])
def test_undeclared_methods_and_paths_get_api_gateways_403(api: httpx.Client, method: str, path: str) -> None:
    answer = api.request(method, path)

    assert answer.status_code == 403
    assert answer.json() == MISSING_TOKEN
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_head_is_an_undeclared_method_answered_without_a_body(api: httpx.Client) -> None:
    answer = api.head("/episodes")

    assert answer.status_code == 403
    assert answer.content == b""
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_burst_of_a_hundred_connections_is_served_in_full(api: httpx.Client, stack: LocalStack) -> None:
    url = urlsplit(stack.api_url)
    start = threading.Barrier(100)
    statuses: list[int | str] = []

    def create(n: int) -> None:
        connection = http.client.HTTPConnection(url.netloc, timeout=60)
        start.wait()
        try:
            body = json.dumps({"title": f"Burst {n}", "episodeNumber": n})
            headers = {"Content-Type": "application/json", "Authorization": api.headers["Authorization"]}
            connection.request("POST", f"{url.path}/episodes", body, headers)
            statuses.append(connection.getresponse().status)
        except OSError as error:
            statuses.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 100


def test_json_nested_a_thousand_deep_is_400(api: httpx.Client) -> None:
    answer = api.post("/episodes", content="[" * 1000 + "]" * 1000, headers={"Content-Type": "application/json"})

    assert answer.status_code == 400
    assert answer.json() == {"message": "invalid request body: nested too deeply"}


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", ""])
def test_a_broken_content_length_is_400_json(stack: LocalStack, length: str) -> None:
    request = (
        f"POST /api/episodes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n{{}}"
    ).encode()

    status, headers, body = raw_request(stack, request)

    assert status == 400
    assert "Content-Length" in json.loads(body)["message"]
    assert headers["access-control-allow-origin"] == ORIGIN


def test_an_overlong_url_is_a_json_error_with_cors(stack: LocalStack) -> None:
    request = f"GET /api/episodes?nextToken={'a' * 70_000} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()

    status, headers, body = raw_request(stack, request)

    assert status == 414
    assert json.loads(body)["message"]
    assert headers["access-control-allow-origin"] == ORIGIN


def test_an_empty_body_that_is_not_json_is_415_with_a_message(api: httpx.Client) -> None:
    answer = api.post("/episodes", content=b"", headers={"Content-Type": "text/plain"})

    assert answer.status_code == 415
    assert answer.json() == {"message": "send the body as application/json"}


def test_errors_never_echo_a_large_input_back(api: httpx.Client) -> None:
    answer = api.post("/episodes", json={"title": "x" * (9_900_000), "episodeNumber": 1})

    assert answer.status_code == 400
    assert "title" in answer.json()["message"]
    assert len(answer.content) < 1000
