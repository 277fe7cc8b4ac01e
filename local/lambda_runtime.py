"""The Lambda runtime's part, in this process: import the handler, pass a context, keep logs apart.

On Lambda each execution environment runs one function and one request at a time, so Powertools
keeps the function name and correlation id in logger state shared by the process. Here every
function runs in one process, many requests at once, so each log line gets the fields of the
invocation that wrote it from a context variable (set per invocation, per thread) instead.

Each invocation runs on a thread of its own, bounded by its function's timeout (the catalog's
`timeout_seconds`, else the deployed default): past it the caller gets `FunctionTimedOut`, as
Lambda reports `Task timed out`, and the handler runs on to its end on its thread
(`local/timeouts.py`: a thread cannot be stopped, where Lambda would stop the function).
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import sys
import time
import uuid
from typing import IO, Any

from handlers.catalog import Function
from handlers.contract import DEFAULT_FUNCTION_TIMEOUT_SECONDS
from local.timeouts import TimedOut, call_within

SERVICE_LOGGER = "nullcheck"
"""The logger every handler's Powertools `Logger` writes through (`POWERTOOLS_SERVICE_NAME`)."""


_invocation: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("invocation")


def timeout_of(function: Function) -> int:
    """How long Lambda lets the function run, in seconds."""
    return function.timeout_seconds or DEFAULT_FUNCTION_TIMEOUT_SECONDS


class FunctionTimedOut(Exception):
    """The invocation passed its function's timeout: a failed invocation, as Lambda reports it."""

    def __init__(self, function: Function) -> None:
        super().__init__(f"{function.name}: Task timed out after {timeout_of(function):.2f} seconds")
        self.function_name = function.name


class LambdaContext:
    """The context object a handler reads (function name, request id, remaining time)."""

    def __init__(self, function: Function) -> None:
        self._deadline = time.monotonic() + timeout_of(function)
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = function.memory_mb or 1024
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function.name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class InvocationFields(logging.Filter):
    """Stamps each record with its own invocation's fields; Powertools prefers them to shared state."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _invocation.get({}).items():
            setattr(record, name, value)
        return True


class LocalLambda:
    """Invokes catalog functions as Lambda would; their logs go to `log_stream` when one is given."""

    def __init__(self, log_stream: IO[str] | None = None) -> None:
        self.log_stream = log_stream
        self._fields = InvocationFields()

    def invoke(self, function: Function, event: dict[str, Any]) -> dict[str, Any]:
        """Call the catalog entry's `module.function` with the event and a fresh context, within the
        function's timeout (`FunctionTimedOut` past it; the handler runs on, see above).

        The module is imported first, outside the timeout, as Lambda's init phase is not counted in it.
        """
        module_name, attribute = function.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), attribute)
        self._adopt_handler_logs()
        context = LambdaContext(function)
        fields = {
            "function_name": context.function_name,
            "function_memory_size": context.memory_limit_in_mb,
            "function_arn": context.invoked_function_arn,
            "function_request_id": context.aws_request_id,
            # The correlation ids the handlers ask Powertools for: API request id, event id.
            "correlation_id": (event.get("requestContext") or {}).get("requestId") or event.get("id"),
        }

        def run() -> dict[str, Any]:
            # The invocation's thread runs in a copy of the caller's context: this never leaks back.
            _invocation.set(fields)
            result: dict[str, Any] = handler(event, context)
            return result

        try:
            return call_within(timeout_of(function), run, name=f"lambda-{function.name}")
        except TimedOut:
            raise FunctionTimedOut(function) from None

    def send_logs_to(self, stream: IO[str] | None) -> None:
        """Send the functions' log lines to `stream` from now on (None: back to standard output)."""
        self.log_stream = stream
        self._adopt_handler_logs()
        if stream is None:
            for log_handler in logging.getLogger(SERVICE_LOGGER).handlers:
                if isinstance(log_handler, logging.StreamHandler):
                    log_handler.setStream(sys.stdout)

    def _adopt_handler_logs(self) -> None:
        """Once the handlers' log handler exists: stamp its records, and send them where asked."""
        for log_handler in logging.getLogger(SERVICE_LOGGER).handlers:
            if self._fields not in log_handler.filters:
                log_handler.addFilter(self._fields)
            stream = self.log_stream
            if (
                stream is not None
                and isinstance(log_handler, logging.StreamHandler)
                and log_handler.stream is not stream
            ):
                log_handler.setStream(stream)


invoke_handler = LocalLambda().invoke
"""Invokes with logs on the handlers' own stream (standard output, as in Lambda's console)."""
