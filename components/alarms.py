"""Optional CloudWatch alarms (seed: "can be configured"): function errors and dead letters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class AlarmsArgs:
    """What to watch and whom to tell."""

    function_names: Mapping[str, pulumi.Input[str]]
    """Lambda functions by catalog name: alarm on any error."""
    dead_letter_queue_names: Mapping[str, pulumi.Input[str]]
    """Dead-letter queues by catalog name: alarm on any message (an event that could not be processed)."""
    email: str | None = None
    """Subscribe this address to the alarm topic (it must confirm the subscription)."""
    period_seconds: int = 300


class Alarms(pulumi.ComponentResource):
    """One alarm per function and per dead-letter queue, all notifying one encrypted SNS topic."""

    topic: aws.sns.Topic

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:monitoring:Alarms", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(f"{name}-topic", kms_master_key_id="alias/aws/sns", opts=child_opts)
        if args.email:
            aws.sns.TopicSubscription(
                f"{name}-email", topic=self.topic.arn, protocol="email", endpoint=args.email, opts=child_opts
            )
        actions = [self.topic.arn]
        for key, function_name in args.function_names.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{key}-errors",
                alarm_description=f"{key} raised an error",
                namespace="AWS/Lambda",
                metric_name="Errors",
                dimensions={"FunctionName": function_name},
                statistic="Sum",
                period=args.period_seconds,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=actions,
                ok_actions=actions,
                opts=child_opts,
            )
        for key, queue_name in args.dead_letter_queue_names.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{key}-dead-letters",
                alarm_description=f"events for {key} could not be processed: see `nullcheck dlq list`",
                namespace="AWS/SQS",
                metric_name="ApproximateNumberOfMessagesVisible",
                dimensions={"QueueName": queue_name},
                statistic="Maximum",
                period=args.period_seconds,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=actions,
                ok_actions=actions,
                opts=child_opts,
            )
        self.register_outputs({"topicArn": self.topic.arn})
