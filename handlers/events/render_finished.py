"""MediaConvert COMPLETE / ERROR / CANCELED of a render job → the render on its clip, never a track."""

from aws_lambda_powertools import Logger

from handlers.core.rules import render_outcomes
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
s3 = clients.client("s3")
bucket = settings().require("bucket_name")


def render_finished(event: eventbridge.JobStateChangeEvent) -> None:
    render_outcomes.record_outcome(table, s3, bucket, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, render_finished, logger)
