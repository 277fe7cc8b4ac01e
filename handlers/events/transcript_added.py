"""S3 `Object Created` for an .srt → the episode points at its newest transcript (`Uploaded`)."""

from aws_lambda_powertools import Logger

from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings
from handlers.core.store import transcripts

logger = Logger()
table = clients.table(settings().require("table_name"))


def transcript_added(event: eventbridge.S3ObjectNotification) -> None:
    transcripts.record_uploaded(table, event.detail.object.key)


lambda_handler = eventbridge.event_handler_for(eventbridge.S3ObjectNotification, transcript_added, logger)
