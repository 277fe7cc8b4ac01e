"""MediaConvert COMPLETE / ERROR / CANCELED of a framed render's frame capture → faces, crops, the render job."""

from aws_lambda_powertools import Logger

from handlers.core.rules import render_framing
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
services = render_framing.FramingServices(
    table=clients.table(settings().require("table_name")),
    s3=clients.client("s3"),
    rekognition=clients.client("rekognition"),
    mediaconvert=clients.client("mediaconvert"),
    bucket=settings().require("bucket_name"),
    role_arn=settings().require("mediaconvert_role_arn"),
)


def frames_captured(event: eventbridge.JobStateChangeEvent) -> None:
    render_framing.frames_captured(services, event.detail)


lambda_handler = eventbridge.event_handler_for(eventbridge.JobStateChangeEvent, frames_captured, logger)
