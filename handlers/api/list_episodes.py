"""GET /episodes: newest first from GSI1, paginated with an encrypted, authenticated cursor."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from handlers import catalog
from handlers.core import clients, episodes, http, tracing
from handlers.core.models import ListEpisodesQuery
from handlers.core.settings import settings

logger = Logger()
tracer = tracing.tracer()
table = clients.table(settings().require("table_name"))
cursor_secret = settings().require("encryption_key")
app = http.create_resolver()
route = catalog.route_of(__name__)


@http.bind(app, route)
def list_episodes(query: Annotated[ListEpisodesQuery, Query()]) -> Response[Any]:
    tenant = http.caller_tenant(app)
    codec = episodes.cursor_codec(cursor_secret, tenant)  # a token replayed by another tenant is refused
    page = episodes.list_episodes(table, codec, tenant, query.limit, query.nextToken)
    return http.json_response(route.success_status, page.model_dump(mode="json", exclude_none=True))


lambda_handler = http.lambda_handler_for(app, logger, tracer)
