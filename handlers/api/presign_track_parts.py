"""POST /episodes/{episodeId}/tracks/{trackName}/parts: presigned URLs for parts of the open upload."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.uploads import PresignPartsRequest
from handlers.core.rules import upload_sessions
from handlers.core.runtime import clients, http

logger = Logger()
storage = clients.upload_storage()
route = catalog.route_of(__name__)


def presign_track_parts(
    request: http.Request, episodeId: str, trackName: str, body: PresignPartsRequest
) -> http.Response:
    urls = upload_sessions.presign_parts(storage, request.episode(episodeId), trackName, body)
    return http.json_response(route.success_status, urls.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(route, presign_track_parts, logger)
