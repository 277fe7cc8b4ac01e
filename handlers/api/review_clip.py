"""PATCH /episodes/{episodeId}/clips/{clipId}: a producer approves, rejects, rewrites a clip's hook or shapes it."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.renders import ReviewClipRequest
from handlers.core.rules import clip_review
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
presign = clip_review.presigner(clients.s3, settings().require("bucket_name"))
limits = settings().tenant_limits
route = catalog.route_of(__name__)


def review_clip(request: http.Request, episodeId: str, clipId: str, body: ReviewClipRequest) -> http.Response:
    clip = clip_review.review_clip(table, request.episode(episodeId), clipId, body, presign, limits)
    logger.info(
        "clip reviewed",
        extra={"episode_id": episodeId, "clip_id": clipId, "status": clip.status, "revision": clip.revision},
    )
    return http.json_response(route.success_status, clip.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, review_clip, logger)
