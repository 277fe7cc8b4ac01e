"""GET /episodes/{episodeId}/tracks/{trackName}/parts?uploadId=…: the parts of the open upload, to resume it."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.uploads import TrackPartsQuery
from handlers.core.rules import upload_sessions
from handlers.core.runtime import clients, http

logger = Logger()
storage = clients.upload_storage()
route = catalog.route_of(__name__)


def list_track_parts(request: http.Request, episodeId: str, trackName: str, query: TrackPartsQuery) -> http.Response:
    parts = upload_sessions.list_parts(storage, request.episode(episodeId), trackName, query.uploadId)
    return http.json_response(route.success_status, parts.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, list_track_parts, logger)
