"""PATCH /episodes/{episodeId}/clips/{clipId}: a producer approves, rejects or rewrites a clip's hook."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, clip_review, http, tracing
from handlers.core.render_models import ReviewClipRequest
from handlers.core.settings import settings

logger = Logger()
tracer = tracing.tracer()
table = clients.table(settings().require("table_name"))
presign = clip_review.presigner(clients.s3, settings().require("bucket_name"))
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def review_clip(episodeId: str, clipId: str, body: ReviewClipRequest) -> Response[Any]:
    clip = clip_review.review_clip(table, http.caller_episode(app, episodeId), clipId, body, presign)
    logger.info("clip reviewed", extra={"episode_id": episodeId, "clip_id": clipId, "status": clip.status})
    return http.json_response(route.success_status, clip.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
