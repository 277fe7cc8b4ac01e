"""POST /episodes/{episodeId}/clips/{clipId}/renders: render a clip with MediaConvert (202, then poll the clip)."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.domain import render_job
from handlers.core.models.renders import RenderRequest
from handlers.core.rules import renders
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
services = renders.RenderServices(
    table=clients.table(settings().require("table_name")),
    s3=clients.client("s3"),
    mediaconvert=clients.client("mediaconvert"),
    bucket=settings().require("bucket_name"),
    role_arn=settings().require("mediaconvert_role_arn"),
    limits=settings().tenant_limits,
    caption_fonts=render_job.CaptionFonts(**fonts) if (fonts := settings().caption_fonts) else None,
)
route = catalog.route_of(__name__)


def request_render(
    request: http.Request, episodeId: str, clipId: str, body: RenderRequest | None = None
) -> http.Response:
    accepted = renders.request_render(services, request.episode(episodeId), clipId, body or RenderRequest())
    return http.json_response(route.success_status, accepted.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(route, request_render, logger)
