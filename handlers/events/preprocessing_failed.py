"""MediaConvert job ERROR or CANCELED → the track is ProcessingFailed with the reason."""

from aws_lambda_powertools import Logger

from handlers.core import clients, eventbridge, preprocessing
from handlers.core.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))


def preprocessing_failed(event: eventbridge.JobStateChangeEvent) -> None:
    preprocessing.failed(table, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, preprocessing_failed, logger)
