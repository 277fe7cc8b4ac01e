"""POST /episodes/{episodeId}/tracks: open a multipart upload for a video track (files of GBs)."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.uploads import StartTrackUploadRequest
from handlers.core.rules import upload_sessions
from handlers.core.runtime import clients, http

logger = Logger()
storage = clients.upload_storage()
route = catalog.route_of(__name__)


def start_track_upload(request: http.Request, episodeId: str, body: StartTrackUploadRequest) -> http.Response:
    session = upload_sessions.start_track_upload(storage, request.episode(episodeId), body)
    return http.json_response(route.success_status, session.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, start_track_upload, logger)
