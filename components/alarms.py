"""Optional CloudWatch alarms (seed: "can be configured"): function errors and dead letters."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

from collections.abc import Mapping
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

TYPE = "nullcheck:index:Alarms"
OLD_TYPE = "nullcheck:monitoring:Alarms"
"""The token before the components were a package: an alias, so existing stacks keep their alarms."""


class AlarmsArgs(TypedDict):
    """What to watch and whom to tell."""

    function_names: dict[str, pulumi.Input[str]]
    """Lambda function names by a short key (the catalog name): one alarm on any error each (required)."""
    dead_letter_queue_names: dict[str, pulumi.Input[str]]
    """Dead-letter queue names by a short key (the catalog name): one alarm on any message each, an event that
    could not be processed (required)."""
    email: NotRequired[str]
    """Subscribe this address to the alarm topic (it must confirm the subscription). Default none."""
    period_seconds: NotRequired[int]
    """Evaluation period of every alarm in seconds. Default 300."""


def with_defaults(args: AlarmsArgs) -> AlarmsArgs:
    """`args` with the default for every field it leaves out (the one place defaults are applied)."""
    return {"period_seconds": 300, **args}


class Alarms(pulumi.ComponentResource):
    """One CloudWatch alarm per function and per dead-letter queue, all notifying one encrypted SNS topic."""

    topic_arn: pulumi.Output[str]
    """ARN of the SNS topic the alarms notify (subscribe more endpoints to it)."""

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        settings = with_defaults(args)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.topic: aws.sns.Topic = aws.sns.Topic(f"{name}-topic", kms_master_key_id="alias/aws/sns", opts=child_opts)
        email = settings.get("email")
        if email:
            aws.sns.TopicSubscription(
                f"{name}-email", topic=self.topic.arn, protocol="email", endpoint=email, opts=child_opts
            )
        for key, function_name in settings["function_names"].items():
            self._alarm(
                f"{name}-{key}-errors",
                f"{key} raised an error",
                ("AWS/Lambda", "Errors", "Sum"),
                {"FunctionName": function_name},
                settings["period_seconds"],
            )
        for key, queue_name in settings["dead_letter_queue_names"].items():
            self._alarm(
                f"{name}-{key}-dead-letters",
                f"events for {key} could not be processed: see `nullcheck dlq list`",
                ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum"),
                {"QueueName": queue_name},
                settings["period_seconds"],
            )
        self.topic_arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic_arn})

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
