"""MediaConvert INPUT_INFORMATION of a chunking job → the track's frame rate and frame size.

Renders cut clips by frame (`HH:MM:SS:FF` input clippings), so they need the source's frame rate.
"""

from aws_lambda_powertools import Logger

from handlers.core.rules import chunking
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))


def track_source_details(event: eventbridge.JobStateChangeEvent) -> None:
    chunking.source_details(table, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, track_source_details, logger)
