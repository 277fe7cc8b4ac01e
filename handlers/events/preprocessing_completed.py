"""MediaConvert job COMPLETE → the track's segment index, status Processed."""

from aws_lambda_powertools import Logger

from handlers.core import clients, eventbridge, preprocessing
from handlers.core.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
s3 = clients.client("s3")
bucket = settings().require("bucket_name")


def preprocessing_completed(event: eventbridge.JobStateChangeEvent) -> None:
    preprocessing.completed(table, s3, bucket, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, preprocessing_completed, logger)
