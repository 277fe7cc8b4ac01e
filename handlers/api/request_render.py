"""POST /episodes/{episodeId}/clips/{clipId}/renders: render a clip with MediaConvert (202, then poll the clip)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, http, renders, tracing
from handlers.core.render_models import RenderRequest
from handlers.core.settings import settings

logger = Logger()
tracer = tracing.tracer()
services = renders.RenderServices(
    table=clients.table(settings().require("table_name")),
    s3=clients.client("s3"),
    mediaconvert=clients.client("mediaconvert"),
    bucket=settings().require("bucket_name"),
    role_arn=settings().require("mediaconvert_role_arn"),
)
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def request_render(episodeId: str, clipId: str, body: RenderRequest | None = None) -> Response[Any]:
    accepted = renders.request_render(services, http.caller_episode(app, episodeId), clipId, body or RenderRequest())
    return http.json_response(route.success_status, accepted.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
