"""POST /episodes/{episodeId}/tracks/{trackName}/complete: finish the upload, record and announce the track."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.contract import TrackStatus
from handlers.core.models.uploads import CompleteTrackUploadRequest
from handlers.core.rules import track_completion
from handlers.core.runtime import clients, http

logger = Logger()
storage = clients.upload_storage()
bus = clients.client("events")
route = catalog.route_of(__name__)


def complete_track_upload(
    request: http.Request, episodeId: str, trackName: str, body: CompleteTrackUploadRequest
) -> http.Response:
    completed = track_completion.complete_track_upload(storage, bus, request.episode(episodeId), trackName, body)
    logger.info("track upload completed", extra={"episode_id": episodeId, "status": completed.status})
    accepted = completed.status == TrackStatus.COMPLETING.value
    return http.json_response(202 if accepted else route.success_status, completed.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(route, complete_track_upload, logger)
