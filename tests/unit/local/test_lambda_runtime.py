"""The local Lambda runtime: concurrent invocations in one process keep their log lines apart."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor

from handlers.catalog import EventRule, Function
from local.lambda_runtime import LocalLambda


def function(name: str) -> Function:
    return Function(
        name=name,
        handler="tests.unit.local.logging_handler.lambda_handler",
        description="logs while it works",
        trigger=EventRule("test", {"source": ["test"]}),
    )


def test_each_log_line_names_the_function_and_request_that_wrote_it() -> None:
    stream = io.StringIO()
    runtime = LocalLambda()
    runtime.send_logs_to(stream)
    calls = [(function(f"function-{n % 4}"), {"id": f"event-{n}", "n": n}) for n in range(40)]

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda call: runtime.invoke(*call), calls))
    finally:
        runtime.send_logs_to(None)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 3 * len(calls)
    for line in lines:
        assert line["correlation_id"] == line["handled_event"]
        assert line["function_name"] == f"function-{int(line['handled_event'].removeprefix('event-')) % 4}"
