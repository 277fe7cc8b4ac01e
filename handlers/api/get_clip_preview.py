"""GET /episodes/{episodeId}/clips/{clipId}/preview: a playlist of the clip as it stands, playable without a token."""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.previews import ClipPreviewQuery
from handlers.core.rules import clip_preview
from handlers.core.runtime import clients, http
from handlers.core.runtime.settings import settings

logger = Logger()
services = clip_preview.PreviewServices(
    table=clients.table(settings().require("table_name")), s3=clients.s3(), bucket=settings().require("bucket_name")
)
route = catalog.route_of(__name__)


def get_clip_preview(request: http.Request, episodeId: str, clipId: str, query: ClipPreviewQuery) -> http.Response:
    preview = clip_preview.clip_preview(services, request.episode(episodeId), clipId, query.trackName)
    return http.json_response(route.success_status, preview.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, get_clip_preview, logger)
