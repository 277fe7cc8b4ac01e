"""POST /episodes/{episodeId}/transcripts: a presigned PUT URL for the episode's SRT transcript."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.uploads import TranscriptUploadRequest
from handlers.core.rules import transcript_uploads
from handlers.core.runtime import clients, http

logger = Logger()
storage = clients.upload_storage()
route = catalog.route_of(__name__)


def request_transcript_upload(
    request: http.Request, episodeId: str, body: TranscriptUploadRequest | None = None
) -> http.Response:
    upload = transcript_uploads.request_transcript_upload(
        storage, request.episode(episodeId), body.filename if body else None
    )
    return http.json_response(route.success_status, upload.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, request_transcript_upload, logger)
