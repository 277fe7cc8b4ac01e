"""POST /episodes: create an episode; it starts in Draft."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, episodes, http, tracing
from handlers.core.models import CreateEpisodeRequest, CreateEpisodeResponse
from handlers.core.settings import settings

logger = Logger()
tracer = tracing.tracer()
table = clients.table(settings().require("table_name"))
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def create_episode(body: CreateEpisodeRequest) -> Response[Any]:
    episode_id = episodes.create_episode(table, http.caller_tenant(app), body)
    logger.info("episode created", extra={"episode_id": episode_id})
    return http.json_response(route.success_status, CreateEpisodeResponse(id=episode_id).model_dump())


lambda_handler = http.lambda_handler_for(app, logger, tracer)
