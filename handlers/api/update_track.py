"""PATCH /episodes/{episodeId}/tracks/{trackName}: who a track shows (speakers) and whether it is the program audio."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.episodes import UpdateTrackRequest
from handlers.core.rules import tracks
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
route = catalog.route_of(__name__)


def update_track(request: http.Request, episodeId: str, trackName: str, body: UpdateTrackRequest) -> http.Response:
    track = tracks.update_track(table, request.episode(episodeId), trackName, body)
    logger.info(
        "track updated",
        extra={"episode_id": episodeId, "track": track.trackName, "speakers": len(track.speakers or [])},
    )
    return http.json_response(route.success_status, track.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, update_track, logger)
