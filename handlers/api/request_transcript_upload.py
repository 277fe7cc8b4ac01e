"""POST /episodes/{episodeId}/transcripts: a presigned PUT URL for the episode's SRT transcript."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from handlers import catalog
from handlers.core import clients, http, tracing, uploads
from handlers.core.models import TranscriptUploadRequest

logger = Logger()
tracer = tracing.tracer()
storage = clients.upload_storage()
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def request_transcript_upload(episodeId: str, body: TranscriptUploadRequest | None = None) -> Response[Any]:
    upload = uploads.request_transcript_upload(
        storage, http.caller_episode(app, episodeId), body.filename if body else None
    )
    return http.json_response(route.success_status, upload.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
