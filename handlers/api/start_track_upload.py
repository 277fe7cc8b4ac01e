"""POST /episodes/{episodeId}/tracks: open a multipart upload for a video track (files of GBs)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, http, tracing, uploads
from handlers.core.models import StartTrackUploadRequest

logger = Logger()
tracer = tracing.tracer()
storage = clients.upload_storage()
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def start_track_upload(episodeId: str, body: StartTrackUploadRequest) -> Response[Any]:
    session = uploads.start_track_upload(storage, http.caller_episode(app, episodeId), body)
    return http.json_response(route.success_status, session.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
