"""S3 `Object Created` for an .srt → the episode points at its newest transcript (`Uploaded`)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel

from handlers.core import clients, eventbridge, tracing, transcripts
from handlers.core.settings import settings

logger = Logger()
tracer = tracing.tracer()
table = clients.table(settings().require("table_name"))


def transcript_added(event: S3EventNotificationEventBridgeModel) -> None:
    transcripts.record_uploaded(table, event.detail.object.key)


lambda_handler = eventbridge.event_handler_for(S3EventNotificationEventBridgeModel, transcript_added, logger, tracer)
