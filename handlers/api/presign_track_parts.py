"""POST /episodes/{episodeId}/tracks/{trackName}/parts: presigned URLs for parts of the open upload."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, http, tracing, uploads
from handlers.core.models import PresignPartsRequest

logger = Logger()
tracer = tracing.tracer()
storage = clients.upload_storage()
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def presign_track_parts(episodeId: str, trackName: str, body: PresignPartsRequest) -> Response[Any]:
    urls = uploads.presign_parts(storage, http.caller_episode(app, episodeId), trackName, body)
    return http.json_response(route.success_status, urls.model_dump(mode="json"))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
