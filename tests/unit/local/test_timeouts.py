"""Lambda's and API Gateway's timeouts on the local stack: 502 past the function's, 504 past the integration's.

A handler past its timeout is a failed invocation (`FunctionTimedOut`); API Gateway answers it 502
`Internal server error`, and an event worker leaves its message to be received again. An
integration that takes longer than the gateway waits is 504 `Endpoint request timed out`. The
handler runs on in its thread either way.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import fields
from typing import Any

import pytest

from components.function import CatalogFunctionArgs
from handlers.catalog import EventRule, Function, api_functions
from handlers.contract import DEFAULT_FUNCTION_TIMEOUT_SECONDS
from local.apigateway import LocalApiGateway
from local.events import LocalEventBus, Subscription
from local.lambda_runtime import FunctionTimedOut, LocalLambda, timeout_of
from local.timeouts import TimedOut, call_within
from tests.unit.local import sleepy_handler


def sleepy(timeout_seconds: int | None = 1) -> Function:
    return Function(
        name="sleepy",
        handler="tests.unit.local.sleepy_handler.lambda_handler",
        description="sleeps as long as it is told",
        trigger=EventRule("test", {"source": ["test"]}),
        timeout_seconds=timeout_seconds,
    )


def sleeping(seconds: float) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "seconds": seconds, "requestContext": {"requestId": "r"}}


@pytest.fixture(scope="module")
def gateway() -> LocalApiGateway:
    """Never started: `handle` and `answer_within` are the whole logic, no socket needed."""
    return LocalApiGateway(origin="https://studio.example.com")


def test_the_local_default_timeout_is_the_deployed_one() -> None:
    [default] = [field.default for field in fields(CatalogFunctionArgs) if field.name == "timeout_seconds"]
    assert default == DEFAULT_FUNCTION_TIMEOUT_SECONDS
    assert timeout_of(sleepy(None)) == default and timeout_of(sleepy(900)) == 900


def test_call_within_returns_raises_or_times_out() -> None:
    assert call_within(1, lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        call_within(1, lambda: 1 / 0)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        call_within(0.1, lambda: time.sleep(1))
    assert time.monotonic() - started < 0.9


def test_a_handler_past_its_timeout_fails_and_runs_on() -> None:
    event = sleeping(1.5)
    started = time.monotonic()

    with pytest.raises(FunctionTimedOut, match=r"Task timed out after 1\.00 seconds"):
        LocalLambda().invoke(sleepy(1), event)

    assert 0.9 < time.monotonic() - started < 1.4
    finished = sleepy_handler.finished[event["id"]]
    assert not finished.is_set(), "the caller is answered at the timeout, not at the end"
    assert finished.wait(2), "the handler runs on to its end"


def test_the_context_counts_down_from_the_functions_timeout() -> None:
    answer = LocalLambda().invoke(sleepy(3), sleeping(0))
    assert 2_500 < int(answer["body"]) <= 3_000


def test_the_gateway_answers_502_for_a_function_past_its_timeout(gateway: LocalApiGateway) -> None:
    gateway.invoke = LocalLambda().invoke
    gateway.integration_timeout_seconds = 5

    answer = gateway.answer_within(sleepy(1), sleeping(2))

    assert (answer.status, json.loads(answer.body)) == (502, {"message": "Internal server error"})


def test_the_gateway_answers_504_past_its_integration_timeout(gateway: LocalApiGateway) -> None:
    function = next(f for f, r in api_functions() if r.method == "GET" and r.path == "/episodes/{episodeId}")
    ran: list[str] = []

    def slow_invoke(called: Function, event: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.6)
        ran.append(called.name)
        return {"statusCode": 200, "body": "{}"}

    gateway.invoke, gateway.integration_timeout_seconds = slow_invoke, 0.3
    started = time.monotonic()

    answer = gateway.handle("GET", "/api/episodes/ep-1", {}, b"")

    assert time.monotonic() - started < 0.55
    assert (answer.status, json.loads(answer.body)) == (504, {"message": "Endpoint request timed out"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://studio.example.com"
    time.sleep(0.5)
    assert ran == [function.name], "the function runs on after the gateway gave up"


class Queue:
    """The SQS calls a worker makes for one message."""

    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
        self.deleted.append(ReceiptHandle)


def test_an_event_past_its_functions_timeout_is_left_to_be_retried() -> None:
    sqs = Queue()
    bus = LocalEventBus(events=None, sqs=sqs, bucket_name="bucket", invoke=LocalLambda().invoke, account="1")
    subscription = Subscription(sleepy(1), "queue", "dead-letters")

    for seconds, receipt in ((1.5, "slow"), (0, "quick")):
        body = json.dumps({**sleeping(seconds), "source": "test"})
        bus._deliver(subscription, {"Body": body, "MessageId": receipt, "ReceiptHandle": receipt})

    assert sqs.deleted == ["quick"], "a timed-out invocation fails: its message is received again, then dead-lettered"
