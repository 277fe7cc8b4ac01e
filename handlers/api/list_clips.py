"""GET /episodes/{episodeId}/clips: the clips the agent proposed for the episode."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.rules import clip_review
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
route = catalog.route_of(__name__)


def list_clips(request: http.Request, episodeId: str) -> http.Response:
    clips = clip_review.list_clips(table, request.episode(episodeId))
    return http.json_response(route.success_status, clips.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, list_clips, logger)
