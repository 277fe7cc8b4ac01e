"""MediaConvert job COMPLETE → the track's segment index, status Processed."""

from aws_lambda_powertools import Logger

from handlers.core.rules import chunking
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
s3 = clients.client("s3")
bucket = settings().require("bucket_name")


def preprocessing_completed(event: eventbridge.JobStateChangeEvent) -> None:
    chunking.completed(table, s3, bucket, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, preprocessing_completed, logger)
