"""MediaConvert job ERROR or CANCELED → the track is ProcessingFailed with the reason."""

from aws_lambda_powertools import Logger

from handlers.core.rules import chunking
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))


def preprocessing_failed(event: eventbridge.JobStateChangeEvent) -> None:
    chunking.failed(table, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, preprocessing_failed, logger)
