"""A catalog event rule delivering to its function, with retries and a dead-letter queue."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.function import CatalogFunction
from handlers.catalog import EventRule
from handlers.contract import FUNCTION_TAG


@dataclass
class EventSubscriptionArgs:
    """How one function listens on the default bus; retry defaults replace EventBridge's 24 h / 185 tries."""

    function: CatalogFunction
    """The deployed function: the rule invokes its target (with SnapStart, its alias), and its role gets
    permission to dead-letter its own failures."""
    rule: EventRule
    """The catalog's pattern."""
    bucket_name: pulumi.Input[str] | None = None
    """This stack's bucket, for bucket-scoped patterns."""
    delivery_retry_attempts: int = 8
    """EventBridge retries when the function cannot be invoked (throttling, missing permission)."""
    delivery_max_event_age_seconds: int = 3600
    invoke_retry_attempts: int = 2
    """Lambda's own retries when the function raises (the AWS maximum is 2)."""
    invoke_max_event_age_seconds: int = 3600
    dlq_retention_seconds: int = 1_209_600
    """Failed events are kept 14 days (the SQS maximum) for inspection and redrive."""


class EventSubscription(pulumi.ComponentResource):
    """Rule → Lambda target; failures of delivery and of the function both land in one SQS DLQ.

    Target, invoke permission, async invoke config and redrive all name the function's invoke target: an async
    invoke config or a permission applies only to the qualifier it names, so with SnapStart they name the
    alias the rule invokes."""

    rule: aws.cloudwatch.EventRule
    dead_letter_queue: aws.sqs.Queue

    def __init__(self, name: str, args: EventSubscriptionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:events:EventSubscription", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        pattern = (
            pulumi.Output.from_input(args.bucket_name).apply(lambda bucket: json.dumps(args.rule.pattern_for(bucket)))
            if args.rule.bucket_scoped
            else json.dumps(args.rule.pattern_for())
        )
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-rule", description=args.rule.description, event_pattern=pattern, opts=child_opts
        )
        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dlq",
            message_retention_seconds=args.dlq_retention_seconds,
            sqs_managed_sse_enabled=True,
            # `nullcheck dlq redrive` sends failed events back to this function, the way the rule invokes it.
            tags={FUNCTION_TAG: args.function.target_arn},
            opts=child_opts,
        )
        aws.sqs.QueuePolicy(
            f"{name}-dlq-policy",
            queue_url=self.dead_letter_queue.url,
            policy=pulumi.Output.all(self.dead_letter_queue.arn, self.rule.arn).apply(
                lambda arns: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "EventBridgeDeadLetters",
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sqs:SendMessage",
                                "Resource": arns[0],
                                "Condition": {"ArnEquals": {"aws:SourceArn": arns[1]}},
                            }
                        ],
                    }
                )
            ),
            opts=child_opts,
        )
        # The function's async failures are sent with its own role's permissions.
        dead_letter_grant = aws.iam.RolePolicy(
            f"{name}-dead-letters",
            role=args.function.role.id,
            policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [arn]}],
                    }
                )
            ),
            opts=child_opts,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-async",
            function_name=args.function.name,
            qualifier=args.function.qualifier,
            maximum_retry_attempts=args.invoke_retry_attempts,
            maximum_event_age_in_seconds=args.invoke_max_event_age_seconds,
            destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                    destination=self.dead_letter_queue.arn
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[dead_letter_grant]),
        )
        permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=args.function.name,
            qualifier=args.function.qualifier,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
            opts=child_opts,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-target",
            rule=self.rule.name,
            arn=args.function.target_arn,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_retry_attempts=args.delivery_retry_attempts,
                maximum_event_age_in_seconds=args.delivery_max_event_age_seconds,
            ),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=self.dead_letter_queue.arn),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )
        self.register_outputs({"ruleArn": self.rule.arn, "deadLetterQueueUrl": self.dead_letter_queue.url})
