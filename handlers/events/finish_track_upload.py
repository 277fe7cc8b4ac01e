"""`Track Upload Completing` → complete the multipart upload S3 was still assembling; the track moves on."""

from aws_lambda_powertools import Logger
from botocore.config import Config

from handlers.core.rules import upload_finishing
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
services = upload_finishing.FinishingServices(
    table=clients.table(settings().require("table_name")),
    # S3 keeps the connection open while it assembles a large object: read for as long as the function may run.
    s3=clients.client("s3", clients.DEFAULT_CONFIG.merge(Config(read_timeout=840))),
    events=clients.client("events"),
    bucket=settings().require("bucket_name"),
)


def finish_track_upload(event: eventbridge.TrackUploadCompletingEvent) -> None:
    upload_finishing.finish(services, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.TrackUploadCompletingEvent, finish_track_upload, logger)
