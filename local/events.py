"""EventBridge → Lambda on one machine: each catalog rule targets an SQS queue a worker drains.

moto's EventBridge cannot invoke Lambda, so each rule delivers to a queue; a worker hands every
message to the real handler as Lambda would. A handler that raises leaves its message to be
received again (Lambda's async retries); after the last attempt SQS moves it to the rule's
dead-letter queue with the original event, as the deployed function's on-failure destination does.
An invocation that passes its function's timeout fails the same way: the local Lambda runtime raises
`FunctionTimedOut` (its handler runs on in its thread, so a retry may overlap it, which the handlers,
idempotent as Lambda's at-least-once delivery requires, allow).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from handlers.catalog import Function, event_functions
from handlers.contract import PROJECT_TAG, REDRIVE_QUEUE_TAG

logger = Logger(service="local-events")
Invoke = Callable[[Function, dict[str, Any]], Any]
RETRY_ATTEMPTS = 2
"""Matches EventSubscriptionArgs.invoke_retry_attempts: one try plus two retries."""


@dataclass
class Subscription:
    function: Function
    queue_url: str
    dead_letter_queue_url: str


def normalize_event(event: dict[str, Any], delivery_id: str, account: str) -> dict[str, Any]:
    """Make moto's EventBridge deliveries look like AWS's.

    moto leaves out `account`, and its S3 `Object Created` events have `eTag` (AWS: `etag`), reason
    `ObjectCreated` (AWS: the API call) and the same id every time. Handlers are written against
    AWS, so the differences are mended here, not in them.
    """
    event = {"account": account, **event}
    if event.get("source") != "aws.s3":
        return event
    detail = dict(event.get("detail") or {})
    obj = dict(detail.get("object") or {})
    if "eTag" in obj:
        obj["etag"] = obj.pop("eTag")
    detail["object"] = obj
    if detail.get("reason") == "ObjectCreated":
        detail["reason"] = "PutObject"
    return {**event, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, delivery_id)), "detail": detail}


class LocalEventBus:
    """Creates the catalog's rules in moto and runs one worker per rule."""

    def __init__(
        self, *, events: Any, sqs: Any, bucket_name: str, invoke: Invoke, account: str, visibility_seconds: int = 1
    ) -> None:
        self.events, self.sqs = events, sqs
        self.account = account
        self.bucket_name = bucket_name
        self.invoke = invoke
        self.visibility_seconds = visibility_seconds
        self.subscriptions: list[Subscription] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._lock = threading.Lock()

    def create_rules(self) -> None:
        for function, rule in event_functions():
            queue_url = self.sqs.create_queue(
                QueueName=f"{function.name}-events",
                Attributes={"VisibilityTimeout": str(self.visibility_seconds)},
            )["QueueUrl"]
            dlq_url = self.sqs.create_queue(
                QueueName=f"{function.name}-dlq",
                # Tagged like the deployed stack's queues, so `nullcheck dlq` finds and redrives them.
                tags={PROJECT_TAG[0]: PROJECT_TAG[1], "stack": "local", REDRIVE_QUEUE_TAG: queue_url},
            )["QueueUrl"]
            self.sqs.set_queue_attributes(
                QueueUrl=queue_url,
                Attributes={
                    "RedrivePolicy": json.dumps(
                        {"deadLetterTargetArn": self._arn(dlq_url), "maxReceiveCount": str(1 + RETRY_ATTEMPTS)}
                    )
                },
            )
            self.events.put_rule(
                Name=f"{function.name}-rule",
                EventPattern=json.dumps(rule.pattern_for(self.bucket_name) if rule.bucket_scoped else rule.pattern),
                Description=rule.description,
            )
            self.events.put_targets(
                Rule=f"{function.name}-rule", Targets=[{"Id": function.name, "Arn": self._arn(queue_url)}]
            )
            self.subscriptions.append(Subscription(function, queue_url, dlq_url))

    def _arn(self, queue_url: str) -> str:
        attributes = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        return str(attributes["Attributes"]["QueueArn"])

    def start(self) -> None:
        for subscription in self.subscriptions:
            thread = threading.Thread(
                target=self._drain, args=(subscription,), name=f"events-{subscription.function.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def idle(self) -> bool:
        """No handler running and no message waiting or in flight."""
        with self._lock:
            if self._busy:
                return False
        for subscription in self.subscriptions:
            counts = self.sqs.get_queue_attributes(
                QueueUrl=subscription.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if int(counts["ApproximateNumberOfMessages"]) or int(counts["ApproximateNumberOfMessagesNotVisible"]):
                return False
        return True

    def _drain(self, subscription: Subscription) -> None:
        while not self._stop.is_set():
            try:
                messages = self.sqs.receive_message(
                    QueueUrl=subscription.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1
                ).get("Messages", [])
            except Exception:  # moto shutting down, or a transient error: try again
                self._stop.wait(0.5)
                continue
            for message in messages:
                self._deliver(subscription, message)

    def _deliver(self, subscription: Subscription, message: dict[str, Any]) -> None:
        with self._lock:
            self._busy += 1
        try:
            event = normalize_event(json.loads(message["Body"]), message["MessageId"], self.account)
            self.invoke(subscription.function, event)
        except Exception:
            # Left in the queue: received again after the visibility timeout, then dead-lettered.
            logger.exception(
                "handler failed; the event will be retried", extra={"function": subscription.function.name}
            )
        else:
            self.sqs.delete_message(QueueUrl=subscription.queue_url, ReceiptHandle=message["ReceiptHandle"])
        finally:
            with self._lock:
                self._busy -= 1
