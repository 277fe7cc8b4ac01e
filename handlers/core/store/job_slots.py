"""Job slots: how many MediaConvert jobs of one kind a tenant may have running at once.

A tenant has `capacity` numbered slot records per kind (`chunking`, `render`). Taking one is a
conditional put on a slot that is free, expired, or already this holder's; giving it back is a
conditional delete by holder. Every slot carries a lease: a job whose end event is lost frees its
slot when the lease ends, so a lost event cannot leak a slot for good.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.core.runtime.dynamodb import Table
from handlers.core.store import records
from handlers.core.store.conditions import written

CHUNKING, RENDER = "chunking", "render"
LEASES = {CHUNKING: timedelta(hours=3), RENDER: timedelta(hours=1)}
"""Longer than such a job takes (MediaConvert chunks a three-hour recording in well under an hour)."""


def chunking_holder(episode_id: str, track_name: str, attempt_id: str) -> str:
    """Who holds a chunking slot: one attempt at one track (its job's end gives it back)."""
    return f"{episode_id}/{track_name}/{attempt_id}"


def render_holder(episode_id: str, clip_id: str, render_id: str, attempt: str) -> str:
    """Who holds a render slot: one attempt at one render (its job's end gives it back)."""
    return f"{episode_id}/{clip_id}/{render_id}/{attempt}"


def holds(table: Table, tenant: str, kind: str, holder: str) -> bool:
    """Whether `holder` holds one of the tenant's slots of `kind` now."""
    return _held(table, tenant, kind, holder)


def _held(table: Table, tenant: str, kind: str, holder: str) -> bool:
    answer = table.query(
        KeyConditionExpression="pk = :pk",
        FilterExpression="holder = :holder",
        ExpressionAttributeValues={":pk": records.slots_partition(tenant, kind), ":holder": holder},
        ConsistentRead=True,
    )
    return bool(answer["Items"])


def take(table: Table, tenant: str, kind: str, holder: str, capacity: int, now: datetime) -> bool:
    """Take a free slot for `holder` (its own again if it holds one); False when all `capacity` are held."""
    if _held(table, tenant, kind, holder):
        return True
    expires = now + LEASES[kind]
    for number in range(capacity):
        item = {
            **records.slot_key(tenant, kind, number),
            "holder": holder,
            "takenAt": now.isoformat(),
            "leaseEnds": expires.isoformat(),
            records.TTL_ATTRIBUTE: int(expires.timestamp()),
        }
        if _put_if_free(table, item, holder, now):
            return True
    return False


def _put_if_free(table: Table, slot: dict[str, Any], holder: str, now: datetime) -> bool:
    answer = written(
        lambda: table.put_item(
            Item=slot,
            ConditionExpression="attribute_not_exists(pk) OR leaseEnds < :now OR holder = :holder",
            ExpressionAttributeValues={":now": now.isoformat(), ":holder": holder},
        )
    )
    return answer is not None


def give_back(table: Table, tenant: str, kind: str, holder: str) -> bool:
    """Free the slot `holder` holds; False when it holds none (already freed, or its lease was taken over)."""
    answer = table.query(
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": records.slots_partition(tenant, kind)},
        ConsistentRead=True,
    )
    freed = False
    for slot in answer["Items"]:
        if slot.get("holder") != holder:
            continue
        key = {records.HASH_KEY: slot[records.HASH_KEY], records.RANGE_KEY: slot[records.RANGE_KEY]}
        freed = _delete_if_held(table, key, holder) or freed
    return freed


def _delete_if_held(table: Table, key: dict[str, str], holder: str) -> bool:
    answer = written(
        lambda: table.delete_item(
            Key=key, ConditionExpression="holder = :holder", ExpressionAttributeValues={":holder": holder}
        )
    )
    return answer is not None
