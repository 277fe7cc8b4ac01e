"""A call with a time limit, as Lambda bounds a function's run and API Gateway its integration.

The call runs on a thread of its own and the caller waits at most `seconds` for it. Past that the
caller gets `TimedOut`, and the call goes on to its end on its thread: a Python thread cannot be
stopped from outside. That is what API Gateway's timeout does to a Lambda function (the function
runs on, until it returns or reaches its own timeout), but not what Lambda's own timeout does
(Lambda stops the function there): whatever a local function does after its timeout still happens.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class TimedOut(Exception):
    """The call did not return within its limit (it may still be running)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:.2f} seconds")
        self.seconds = seconds


def call_within(seconds: float, call: Callable[[], T], *, name: str = "timed-call") -> T:
    """`call()`'s result or exception if it ends within `seconds`; else `TimedOut`.

    The thread is a daemon, so a call that never ends does not keep the process from exiting, and
    it starts with a copy of the caller's context variables, as a call in the caller's thread would.
    """
    done = threading.Event()
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(call())
        except BaseException as error:  # handed to the caller, who raises it
            errors.append(error)
        finally:
            done.set()

    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(run,), name=name, daemon=True).start()
    if not done.wait(seconds):
        raise TimedOut(seconds)
    if errors:
        raise errors[0]
    return results[0]
