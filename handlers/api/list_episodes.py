"""GET /episodes: newest first from GSI1, paginated with an encrypted, authenticated cursor.

The cursor key is a SecureString parameter (`CURSOR_KEY_PARAMETER` names it), read on the first
request of an execution environment and kept (`handlers.core.runtime.secrets`).
"""

from aws_lambda_powertools import Logger

from handlers import catalog
from handlers.core.models.episodes import ListEpisodesQuery
from handlers.core.rules import episodes
from handlers.core.runtime import clients, cursor, http
from handlers.core.runtime.settings import settings

logger = Logger()
table = clients.table(settings().require("table_name"))
cursor_key = clients.secure_parameter(settings().require("cursor_key_parameter"))
route = catalog.route_of(__name__)


def list_episodes(request: http.Request, query: ListEpisodesQuery) -> http.Response:
    tenant = request.tenant
    # Bound to the tenant: a token replayed by another tenant is refused.
    codec: cursor.CursorCodec = episodes.cursor_codec(cursor_key.value(), tenant)
    page = episodes.list_episodes(table, codec, tenant, query.limit, query.nextToken)
    return http.json_response(route.success_status, page.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(route, list_episodes, logger)
