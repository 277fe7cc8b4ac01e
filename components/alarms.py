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
        for key, function_name in args.function_names.items():
            self._alarm(
                f"{name}-{key}-errors",
                f"{key} raised an error",
                ("AWS/Lambda", "Errors", "Sum"),
                {"FunctionName": function_name},
                args.period_seconds,
            )
        for key, queue_name in args.dead_letter_queue_names.items():
            self._alarm(
                f"{name}-{key}-dead-letters",
                f"events for {key} could not be processed: see `nullcheck dlq list`",
                ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum"),
                {"QueueName": queue_name},
                args.period_seconds,
            )
        self.register_outputs({"topicArn": self.topic.arn})

    def _alarm(
        self,
        name: str,
        description: str,
        metric: tuple[str, str, str],
        dimensions: Mapping[str, pulumi.Input[str]],
        period_seconds: int,
    ) -> None:
        """Alarm (and notify the topic) as soon as the metric reaches 1 in a period."""
        namespace, metric_name, statistic = metric
        aws.cloudwatch.MetricAlarm(
            name,
            alarm_description=description,
            namespace=namespace,
            metric_name=metric_name,
            dimensions=dimensions,
            statistic=statistic,
            period=period_seconds,
            evaluation_periods=1,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )
