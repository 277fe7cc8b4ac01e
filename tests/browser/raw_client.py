"""Helpers of the raw-client suites: calls into the raw-client page (`window.rawClient`) and waiting."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page


def raw_client(page: Page, function: str, *args: Any) -> Any:
    """Call `window.rawClient[function](...args)` in the page and return its (JSON) answer."""
    return page.evaluate("([name, args]) => window.rawClient[name](...args)", [function, list(args)])


def shown(answer: Any) -> str:
    """An answer of the page, whole, for an assertion message."""
    return json.dumps(answer, indent=1, default=str, sort_keys=True)


def expect(answer: dict[str, Any], status: int) -> dict[str, Any]:
    """The answer's body if the page got `status`; a refused fetch (CORS) shows as `error`."""
    assert answer.get("status") == status, f"expected {status}:\n{shown(answer)}"
    return dict(answer["body"])


def wait_for(check: Callable[[], Any], what: Callable[[], str], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what()}")
