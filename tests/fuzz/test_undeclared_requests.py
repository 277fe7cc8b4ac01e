"""Any method on any path: never a 5xx; what the API does not declare is API Gateway's 403 in JSON.

Paths are the catalog's paths with seeded and generated ids, plus generated ones; methods are the
standard ones, WebDAV's and made-up tokens. The only answers allowed for an undeclared
(method, path) are 403 `Missing Authentication Token` with CORS headers.
"""

from __future__ import annotations

import re
import zlib

import requests
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from handlers.catalog import api_functions
from local.stack import LocalStack
from tests.fuzz.conftest import SEED, Seeds

DECLARED = {(route.method, route.path) for _, route in api_functions()}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MKCOL"]
SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~%20", min_size=1, max_size=24)


def declared_route(method: str, path: str) -> str | None:
    """The catalog path `path` matches for `method`, if any (preflights are declared on every path)."""
    for declared_method, template in DECLARED:
        pattern = "^" + re.sub(r"\{\w+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in (declared_method, "OPTIONS"):
            return template
    return None


def test_no_method_on_any_path_is_a_server_error(stack: LocalStack, seeds: Seeds) -> None:
    templates = sorted({path for _, path in DECLARED})
    ids = st.sampled_from([seeds.media_episode, seeds.done_track, seeds.open_track]) | SEGMENT
    catalog_paths = st.builds(
        lambda template, values: re.sub(r"\{\w+\}", lambda _: values.pop(), template),
        st.sampled_from(templates),
        st.lists(ids, min_size=3, max_size=3),
    )
    any_path = st.lists(SEGMENT, min_size=0, max_size=5).map(lambda parts: "/" + "/".join(parts))
    methods = st.sampled_from(METHODS) | st.from_regex(r"\A[A-Z]{3,10}\Z")

    with requests.Session() as session:

        @seed(SEED ^ zlib.crc32(b"undeclared"))
        @settings(max_examples=300, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(method=methods, path=catalog_paths | any_path)
        def answers_without_a_server_error(method: str, path: str) -> None:
            answer = session.request(method, stack.api_url + path, timeout=30)
            assert answer.status_code < 500, (method, path, answer.status_code, answer.text[:200])
            assert "Access-Control-Allow-Origin" in answer.headers
            if declared_route(method, path) is None:
                assert answer.status_code == 403
                if method != "HEAD":
                    assert answer.json() == {"message": "Missing Authentication Token"}

        answers_without_a_server_error()
