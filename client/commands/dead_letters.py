"""`nullcheck dlq …`: the events that failed, listed and sent back (`client.dlq` reads the queues).

Talks to SQS and Lambda with the operator's AWS credentials (or the local stack's moto endpoint),
not to the API.
"""

from __future__ import annotations

from typing import Annotated, Any

import boto3
import typer
from rich.table import Table
from rich.text import Text

from client import dlq
from client.commands import shared

app = typer.Typer(name="dlq", help="Failed events: list them and send them back.", no_args_is_help=True)

AwsEndpoint = Annotated[
    str | None,
    typer.Option("--aws-endpoint", envvar="NULLCHECK_AWS_ENDPOINT", help="AWS endpoint (the local stack's moto URL)."),
]
StackOption = Annotated[str | None, typer.Option("--stack", help="Only this Pulumi stack's queues.")]


def aws_client(service: str, endpoint: str | None) -> Any:
    return boto3.client(service, endpoint_url=endpoint)


@app.command("list")
def dlq_list(endpoint: AwsEndpoint = None, stack: StackOption = None, show: int = 3) -> None:
    """Each dead-letter queue with its message count and a few of its failed events."""
    sqs = aws_client("sqs", endpoint)
    table = Table(title="Dead-letter queues")
    for column in ("queue", "messages", "events"):
        table.add_column(column)
    for queue in dlq.dead_letter_queues(sqs, stack):
        letters = dlq.peek(sqs, queue, show) if queue.messages else []
        described = "\n".join(f"{letter.summary}{f': {letter.error}' if letter.error else ''}" for letter in letters)
        table.add_row(queue.name, str(queue.messages), Text(described))
    shared.console.print(table)


@app.command("redrive")
def dlq_redrive(
    queue_name: Annotated[str | None, typer.Argument(help="Queue name; all queues when omitted.")] = None,
    endpoint: AwsEndpoint = None,
    stack: StackOption = None,
) -> None:
    """Send failed events back to their function (handlers are idempotent, so this is safe)."""
    sqs, lambda_client = aws_client("sqs", endpoint), aws_client("lambda", endpoint)
    queues = [q for q in dlq.dead_letter_queues(sqs, stack) if queue_name in (None, q.name)]
    if queue_name and not queues:
        shared.fail(f"no dead-letter queue named {queue_name}")
    for queue in queues:
        shared.console.print(f"{queue.name}: {dlq.redrive(sqs, lambda_client, queue)} events sent back")
