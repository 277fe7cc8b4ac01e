"""An id that cannot be an episode's is a quick 404 on every route that takes one, quoting only a short piece."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.catalog import FUNCTIONS, Route
from tests.lambda_events import api_event, invoke

EPISODE_ROUTES = [
    function for function in FUNCTIONS if isinstance(function.trigger, Route) and "{episodeId}" in function.trigger.path
]
BODIES = {
    "start-track-upload": {"trackName": "main", "filename": "main.mp4"},
    "presign-track-parts": {"uploadId": "u", "partNumbers": [1]},
    "complete-track-upload": {"uploadId": "u", "parts": [{"PartNumber": 1, "ETag": '"e"'}]},
    "review-clip": {"status": "approved"},
    "update-track": {"speakers": ["Alice"]},
}
QUERIES = {"list-track-parts": {"uploadId": "u"}}


@pytest.mark.parametrize("function", EPISODE_ROUTES, ids=lambda function: function.name)
@pytest.mark.parametrize("episode_id", ["x" * 4000, "tenant.episode", "a b"])
def test_an_id_that_is_no_episode_id_is_a_short_404(function: Any, episode_id: str, handler: Any, bucket: str) -> None:
    route = function.trigger
    parameters = {name: "main" for name in route.path_parameters} | {"episodeId": episode_id}
    event = api_event(
        route.method,
        route.path,
        path_parameters=parameters,
        query=QUERIES.get(function.name),
        body=BODIES.get(function.name),
    )
    status, answer, _ = invoke(handler(function.module), event)
    assert status == 404, answer
    assert len(answer["message"]) < 120 and "not found" in answer["message"]
