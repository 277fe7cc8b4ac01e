"""Dead-letter queues of the event functions: list what failed, send it back to be processed.

Each dead-letter queue is tagged with where its events go: `nullcheck:function-arn` on a
deployed stack (redrive = an asynchronous invoke of that function) or `nullcheck:redrive-queue`
on the local stack (redrive = the rule's queue, drained by its worker). Messages are either the
event itself (EventBridge target DLQ, local stack) or a Lambda on-failure record carrying it as
`requestPayload`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from handlers.contract import FUNCTION_TAG, PROJECT_TAG, REDRIVE_QUEUE_TAG


@dataclass(frozen=True)
class DeadLetterQueue:
    name: str
    url: str
    messages: int
    tags: dict[str, str]


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt_handle: str
    event: dict[str, Any]
    error: str | None

    @property
    def summary(self) -> str:
        return f"{self.event.get('source', '?')} / {self.event.get('detail-type', '?')}"


def original_event(body: str) -> tuple[dict[str, Any], str | None]:
    """The failed event inside a DLQ message, and the error when Lambda recorded one."""
    message = json.loads(body)
    if isinstance(message, dict) and "requestPayload" in message:
        response = message.get("responsePayload") or {}
        error = response.get("errorMessage") if isinstance(response, dict) else None
        return message["requestPayload"], error or message.get("requestContext", {}).get("condition")
    return message, None


def dead_letter_queues(sqs: Any, stack: str | None = None) -> list[DeadLetterQueue]:
    """The project's dead-letter queues (optionally of one stack), with their message counts."""
    queues = []
    for url in sqs.list_queues().get("QueueUrls", []):
        tags = sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
        if tags.get(PROJECT_TAG[0]) != PROJECT_TAG[1] or not (FUNCTION_TAG in tags or REDRIVE_QUEUE_TAG in tags):
            continue
        if stack and tags.get("stack") != stack:
            continue
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        count = int(attributes["Attributes"]["ApproximateNumberOfMessages"])
        queues.append(DeadLetterQueue(url.rsplit("/", 1)[-1], url, count, tags))
    return sorted(queues, key=lambda queue: queue.name)


def peek(sqs: Any, queue: DeadLetterQueue, limit: int = 10, *, hold: bool = False) -> list[DeadLetter]:
    """Up to `limit` failed events; unless held (to be redriven), they stay visible to others."""
    answer = sqs.receive_message(
        QueueUrl=queue.url, MaxNumberOfMessages=min(limit, 10), VisibilityTimeout=30, WaitTimeSeconds=1
    )
    letters = []
    for message in answer.get("Messages", []):
        event, error = original_event(message["Body"])
        letters.append(DeadLetter(message["MessageId"], message["ReceiptHandle"], event, error))
        if not hold:
            sqs.change_message_visibility(
                QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
    return letters


def redrive(sqs: Any, lambda_client: Any, queue: DeadLetterQueue) -> int:
    """Send every failed event of the queue back to be processed; returns how many were sent."""
    sent = 0
    while letters := peek(sqs, queue, hold=True):
        for letter in letters:
            payload = json.dumps(letter.event)
            if FUNCTION_TAG in queue.tags:
                lambda_client.invoke(FunctionName=queue.tags[FUNCTION_TAG], InvocationType="Event", Payload=payload)
            else:
                sqs.send_message(QueueUrl=queue.tags[REDRIVE_QUEUE_TAG], MessageBody=payload)
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=letter.receipt_handle)
            sent += 1
    return sent
