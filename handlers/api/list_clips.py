"""GET /episodes/{episodeId}/clips: the clips the agent proposed for the episode."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, clip_review, http, tracing
from handlers.core.settings import settings

logger = Logger()
tracer = tracing.tracer()
table = clients.table(settings().require("table_name"))
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def list_clips(episodeId: str) -> Response[Any]:
    clips = clip_review.list_clips(table, http.caller_episode(app, episodeId))
    return http.json_response(route.success_status, clips.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
