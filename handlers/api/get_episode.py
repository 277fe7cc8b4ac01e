"""GET /episodes/{episodeId}: one episode with its tracks, transcript state and clip count."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.rules import episodes
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
route = catalog.route_of(__name__)


def get_episode(request: http.Request, episodeId: str) -> http.Response:
    episode = episodes.get_episode(table, request.episode(episodeId))
    return http.json_response(route.success_status, episode.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, get_episode, logger)
