"""The API answers only tokens issued to the stack's app clients (`APP_CLIENT_IDS`), whatever the authorizer let in.

API Gateway's user pools authorizer accepts an ID token of any app client of the pool; the handlers
check the token's `aud` before anything else.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from handlers.catalog import FUNCTIONS, Env, Route
from handlers.core.runtime.settings import Settings
from tests.lambda_events import APP_CLIENT_ID, api_event, invoke


def test_every_api_function_and_no_other_is_given_the_app_clients() -> None:
    for spec in FUNCTIONS:
        assert (Env.APP_CLIENT_IDS in spec.env) == isinstance(spec.trigger, Route), spec.name
        assert spec.env.count(Env.APP_CLIENT_IDS) <= 1, spec.name


def test_a_token_of_each_of_the_stacks_app_clients_is_served(table: Any, handler: Any) -> None:
    listing = handler("handlers.api.list_episodes")

    for audience in (APP_CLIENT_ID, "studio-web-client-id"):
        status, body, _ = invoke(listing, api_event("GET", "/episodes", audience=audience))
        assert (status, body["items"]) == (200, []), audience


@pytest.mark.parametrize("audience", ["another-client-of-the-pool", "", f"{APP_CLIENT_ID},another"])
def test_a_token_of_another_app_client_is_refused_before_anything_is_read_or_written(
    table: Any, handler: Any, audience: str
) -> None:
    create = handler("handlers.api.create_episode")

    status, body, headers = invoke(create, api_event("POST", "/episodes", body={"title": "x"}, audience=audience))
    invalid, problems, _ = invoke(create, api_event("POST", "/episodes", body={}, audience=audience))

    assert status == 401 and "another app" in body["message"]
    assert headers["Access-Control-Allow-Origin"] == "https://studio.example.com"
    assert (invalid, "invalid request" in problems["message"]) == (401, False)  # not a 400 for its body
    assert boto3.client("dynamodb").scan(TableName=table.name)["Count"] == 0


def test_a_token_without_an_audience_is_refused(table: Any, handler: Any) -> None:
    event = api_event("GET", "/episodes")
    del event["requestContext"]["authorizer"]["claims"]["aud"]

    status, _, _ = invoke(handler("handlers.api.list_episodes"), event)

    assert status == 401


def test_app_clients_are_read_comma_separated_and_required() -> None:
    given = Settings.from_environ({"APP_CLIENT_IDS": " cli-client , web-client,,"})
    assert given.allowed_audiences() == frozenset({"cli-client", "web-client"})
    # The catalog gives every API function the list: a function without it is misconfigured, not open.
    for environ in ({}, {"APP_CLIENT_IDS": " , "}):
        with pytest.raises(RuntimeError, match="APP_CLIENT_IDS"):
            Settings.from_environ(environ).allowed_audiences()
