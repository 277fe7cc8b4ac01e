"""GET /episodes/{episodeId}/clips/{clipId}: one clip with its renders (download URLs when rendered)."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.rules import clip_review
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
presign = clip_review.presigner(clients.s3, settings().require("bucket_name"))
route = catalog.route_of(__name__)


def get_clip(request: http.Request, episodeId: str, clipId: str) -> http.Response:
    clip = clip_review.get_clip(table, request.episode(episodeId), clipId, presign)
    return http.json_response(route.success_status, clip.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, get_clip, logger)
