"""Dead-letter queues seen by the CLI: which queues, which events, where redrive sends them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from client import dlq

EVENT = {"source": "nullcheck", "detail-type": "Video Upload Completed", "detail": {"episodeId": "e"}}


@pytest.fixture
def sqs(s3_endpoint: str) -> Any:
    return boto3.client(
        "sqs", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )


@pytest.fixture
def queues(sqs: Any) -> tuple[str, str]:
    """A source queue and its tagged dead-letter queue, plus an unrelated queue that must be ignored."""
    suffix = uuid.uuid4().hex[:8]
    source = sqs.create_queue(QueueName=f"source-{suffix}")["QueueUrl"]
    dead = sqs.create_queue(
        QueueName=f"fn-dlq-{suffix}", tags={"project": "nullcheck", "stack": suffix, dlq.REDRIVE_QUEUE_TAG: source}
    )["QueueUrl"]
    sqs.create_queue(QueueName=f"other-dlq-{suffix}", tags={"project": "someone-else", "stack": suffix})
    return source, dead


def test_the_original_event_is_found_in_both_message_shapes() -> None:
    assert dlq.original_event(json.dumps(EVENT)) == (EVENT, None)
    record = {
        "requestContext": {"condition": "RetriesExhausted"},
        "requestPayload": EVENT,
        "responsePayload": {"errorMessage": "boom", "errorType": "RuntimeError"},
    }
    assert dlq.original_event(json.dumps(record)) == (EVENT, "boom")


def test_list_finds_only_the_projects_dead_letter_queues_and_peeks_without_taking(sqs: Any, queues: Any) -> None:
    _, dead = queues
    sqs.send_message(QueueUrl=dead, MessageBody=json.dumps(EVENT))
    stack = dead.rsplit("-", 1)[-1]

    [queue] = dlq.dead_letter_queues(sqs, stack)
    [letter] = dlq.peek(sqs, queue)

    assert queue.url == dead and queue.messages == 1
    assert letter.event == EVENT and letter.summary == "nullcheck / Video Upload Completed"
    assert dlq.peek(sqs, queue)  # still there for the next reader


def test_redrive_moves_every_event_back_to_its_source(sqs: Any, queues: Any) -> None:
    source, dead = queues
    for n in range(3):
        sqs.send_message(QueueUrl=dead, MessageBody=json.dumps({**EVENT, "id": str(n)}))
    [queue] = dlq.dead_letter_queues(sqs, dead.rsplit("-", 1)[-1])

    assert dlq.redrive(sqs, None, queue) == 3

    moved = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]
    assert sorted(json.loads(m["Body"])["id"] for m in moved) == ["0", "1", "2"]
    assert sqs.receive_message(QueueUrl=dead, WaitTimeSeconds=0).get("Messages") is None
