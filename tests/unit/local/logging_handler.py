"""A handler that logs as ours do (Powertools, correlation id from the event), slowly enough to overlap."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger

logger = Logger(service="nullcheck", level="INFO")


@logger.inject_lambda_context(correlation_id_path="id")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    for step in range(3):
        logger.info("working", extra={"step": step, "handled_event": event["id"]})
        time.sleep(0.01)
    return {"statusCode": 200}
