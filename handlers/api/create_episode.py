"""POST /episodes: create an episode; it starts in Draft."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.episodes import CreateEpisodeRequest, CreateEpisodeResponse
from handlers.core.rules import episodes
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
limits = settings().tenant_limits
route = catalog.route_of(__name__)


def create_episode(request: http.Request, body: CreateEpisodeRequest) -> http.Response:
    episode_id = episodes.create_episode(table, request.tenant, body, limits)
    logger.info("episode created", extra={"episode_id": episode_id})
    return http.json_response(route.success_status, CreateEpisodeResponse(id=episode_id).model_dump())


lambda_handler = http.lambda_handler_for(route, create_episode, logger)
