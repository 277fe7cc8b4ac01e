"""DELETE /episodes/{episodeId}/tracks/{trackName}: remove a track, its upload and chunks (or abort its upload)."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.rules import tracks
from handlers.core.runtime import clients, http

logger = Logger()
storage = clients.upload_storage()
route = catalog.route_of(__name__)


def delete_track(request: http.Request, episodeId: str, trackName: str) -> http.Response:
    tracks.delete_track(storage, request.episode(episodeId), trackName)
    logger.info("track deleted", extra={"episode_id": episodeId, "track": trackName})
    return http.no_content()


lambda_handler = http.lambda_handler_for(route, delete_track, logger)
