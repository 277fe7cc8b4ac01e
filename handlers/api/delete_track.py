"""DELETE /episodes/{episodeId}/tracks/{trackName}: remove a track, its upload and chunks (or abort its upload)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, http, tracing, uploads

logger = Logger()
tracer = tracing.tracer()
storage = clients.upload_storage()
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def delete_track(episodeId: str, trackName: str) -> Response[Any]:
    uploads.delete_track(storage, http.caller_episode(app, episodeId), trackName)
    logger.info("track deleted", extra={"episode_id": episodeId, "track": trackName})
    return http.no_content()


lambda_handler = http.lambda_handler_for(app, logger, tracer)
