"""The listing's cursor key: a SecureString parameter read once per execution environment, never at import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
import snapshot_restore_py

from handlers import catalog
from handlers.core.rules import episodes
from handlers.core.runtime.errors import BadRequest
from handlers.core.runtime.secrets import SecureParameter
from tests.lambda_events import TENANT, api_event, invoke
from tests.unit.handlers.conftest import CURSOR_KEY, HANDLER_ENV
from tests.unit.handlers.iam_calls import granted_actions, recorded_actions

MODULE = "handlers.api.list_episodes"


class Calls:
    """The GetParameter requests an SSM client sends."""

    def __init__(self, ssm: Any) -> None:
        self.requests: list[dict[str, Any]] = []
        self._events = ssm.meta.events
        self._events.register("provide-client-params.ssm.GetParameter", self._record)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.requests.append(dict(params))

    def stop(self) -> None:
        self._events.unregister("provide-client-params.ssm.GetParameter", self._record)


@pytest.fixture
def listing(table: Any, handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The listing handler as a new execution environment has it: its parameter not read yet."""
    module = handler(MODULE)
    fresh = SecureParameter(module.cursor_key.ssm, module.cursor_key.name)
    monkeypatch.setattr(module, "cursor_key", fresh)
    calls = Calls(fresh.ssm)
    yield module, calls
    calls.stop()


def create_episodes(handler: Callable[[str], ModuleType], count: int) -> None:
    create = handler("handlers.api.create_episode")
    for number in range(count):
        status, _, _ = invoke(
            create, api_event("POST", "/episodes", body={"title": f"Episode {number}", "episodeNumber": number})
        )
        assert status == 201


def page(module: ModuleType, **query: str) -> dict[str, Any]:
    status, body, _ = invoke(module, api_event("GET", "/episodes", query=query or None))
    assert status == 200, body
    return body


def test_the_function_is_given_the_parameter_not_the_key(handler: Callable[[str], ModuleType], table: Any) -> None:
    spec = catalog.function_for_module(MODULE)
    assert catalog.Env.CURSOR_KEY_PARAMETER in spec.env
    assert CURSOR_KEY not in HANDLER_ENV.values()
    assert handler(MODULE).cursor_key.name == HANDLER_ENV["CURSOR_KEY_PARAMETER"]


def test_the_key_is_read_from_ssm_once_and_kept(listing: Any, handler: Callable[[str], ModuleType]) -> None:
    module, calls = listing
    create_episodes(handler, 3)

    first = page(module, limit="1")
    second = page(module, limit="1", nextToken=first["nextToken"])
    third = page(module, limit="1", nextToken=second["nextToken"])

    assert [len(p["items"]) for p in (first, second, third)] == [1, 1, 1]
    assert calls.requests == [{"Name": HANDLER_ENV["CURSOR_KEY_PARAMETER"], "WithDecryption": True}]
    # The tokens are sealed with the parameter's value, bound to the tenant.
    assert episodes.cursor_codec(CURSOR_KEY, TENANT).decode(first["nextToken"])
    with pytest.raises(BadRequest):
        episodes.cursor_codec("another key", TENANT).decode(first["nextToken"])


def test_the_calls_of_a_listing_are_exactly_its_grants(listing: Any, handler: Callable[[str], ModuleType]) -> None:
    module, _ = listing
    create_episodes(handler, 2)

    with recorded_actions(dynamodb=module.table.client, ssm=module.cursor_key.ssm) as used:
        page(module, limit="1")

    assert used == {"dynamodb:Query", "ssm:GetParameter"}
    assert used == granted_actions(catalog.function_for_module(MODULE))


def test_nothing_is_read_until_a_request_needs_it() -> None:
    class Refusing:
        def get_parameter(self, **_: Any) -> dict[str, Any]:
            raise AssertionError("read before it was needed")

    parameter = SecureParameter(Refusing(), "cursor-key:1")

    assert parameter.name == "cursor-key:1"
    with pytest.raises(AssertionError, match="read before it was needed"):
        parameter.value()


def test_with_snapstart_the_key_is_read_before_the_snapshot(listing: Any, handler: Callable[[str], ModuleType]) -> None:
    """The before-snapshot hook reads it (in the init Lambda snapshots); restored environments call no SSM."""
    module, calls = listing
    hooks = snapshot_restore_py.get_before_snapshot()
    hook = next(hook for hook, _, _ in reversed(hooks) if getattr(hook, "__self__", None) is module.cursor_key)

    hook()
    create_episodes(handler, 1)
    page(module)
    page(module)

    assert len(calls.requests) == 1


def test_a_missing_parameter_fails_the_request_not_the_import(
    listing: Any, handler: Callable[[str], ModuleType]
) -> None:
    module, _ = listing
    missing = SecureParameter(module.cursor_key.ssm, "no-such-parameter:1")

    with pytest.raises(missing.ssm.exceptions.ParameterNotFound):
        missing.value()
