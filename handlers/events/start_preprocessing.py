"""`Video Upload Completed` → one MediaConvert job that chunks the track into HLS segments."""

from aws_lambda_powertools import Logger

from handlers.core.rules import chunking
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
mediaconvert = clients.client("mediaconvert")
job_spec = chunking.JobSpec(
    bucket=settings().require("bucket_name"),
    role_arn=settings().require("mediaconvert_role_arn"),
    chunk_seconds=settings().chunk_seconds,
)


def start_preprocessing(event: eventbridge.VideoUploadCompletedEvent) -> None:
    chunking.start(table, mediaconvert, job_spec, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.VideoUploadCompletedEvent, start_preprocessing, logger)
