"""A handler that sleeps as long as its event says (the timeout tests), noting when it has finished."""

from __future__ import annotations

import threading
import time
from typing import Any

finished: dict[str, threading.Event] = {}
"""Event id → set once the invocation of that event has returned."""


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    done = finished.setdefault(event["id"], threading.Event())
    remaining = context.get_remaining_time_in_millis()
    time.sleep(event["seconds"])
    done.set()
    return {"statusCode": 200, "body": str(remaining)}
