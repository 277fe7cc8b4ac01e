"""POST /episodes/{episodeId}/tracks/{trackName}/complete: finish the upload, record and announce the track."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, http, tracing, uploads
from handlers.core.models import CompleteTrackUploadRequest

logger = Logger()
tracer = tracing.tracer()
storage = clients.upload_storage()
bus = clients.client("events")
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def complete_track_upload(episodeId: str, trackName: str, body: CompleteTrackUploadRequest) -> Response[Any]:
    completed = uploads.complete_track_upload(storage, bus, http.caller_episode(app, episodeId), trackName, body)
    logger.info("track upload completed", extra={"episode_id": episodeId, "track": completed.trackName})
    return http.json_response(route.success_status, completed.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
