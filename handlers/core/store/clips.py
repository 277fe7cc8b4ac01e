"""Clip records and the series statistics that count them, always written together.

A clip is stored with its series' count in one transaction, and removed the same way, so the
statistics always equal the stored clips. A clip's id comes from its content, so the same
proposal delivered twice is stored once (the second write finds the first). Review changes
(status, hook) are one conditional update of an existing clip; an edit of its shape is conditional
on the revision it was made on as well (two edits from one read: one wins). A clip a producer
edited is never removed as a stale proposal, as an approved one is not.
"""

from __future__ import annotations

from typing import Any

from handlers.contract import ReviewStatus
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from handlers.core.store.conditions import written

REVISION = "revision"
"""On the clip: incremented by every accepted edit of its shape; 0 (or absent, before edits existed) as proposed."""


def get(table: Table, episode: EpisodeRef, clip_id: str, *, consistent: bool = False) -> dict[str, Any] | None:
    """The clip's record, or None when the episode has no such clip."""
    answer = table.get_item(Key=records.clip_key(episode, clip_id), **({"ConsistentRead": True} if consistent else {}))
    item: dict[str, Any] | None = answer.get("Item")
    return item


def of_episode(table: Table, episode: EpisodeRef) -> list[dict[str, Any]]:
    """Every clip record of the episode."""
    return [
        item
        for item in records.episode_items(table, episode)
        if item[records.RANGE_KEY].startswith(records.CLIP_PREFIX)
    ]


def ensure_statistics(table: Table, tenant: str, series: str, clip_types: tuple[str, ...]) -> None:
    """Create the series' statistics record with zero counts, unless it exists."""
    item = {
        **records.stats_key(tenant, series),
        "series": series,
        "totalClips": 0,
        "clipsByType": dict.fromkeys(clip_types, 0),
    }
    written(lambda: table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)"))


def add(table: Table, episode: EpisodeRef, series: str, clip: dict[str, Any]) -> bool:
    """Store a new clip and count it for the series, atomically; False if that clip is already stored."""
    now = clip["createdAt"]
    answer = written(
        lambda: table.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "Item": {**records.clip_key(episode, clip["clipId"]), **clip},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "Key": records.stats_key(episode.tenant, series),
                        "UpdateExpression": "SET totalClips = totalClips + :one, clipsByType.#type = "
                        "clipsByType.#type + :one, updatedAt = :now",
                        "ExpressionAttributeNames": {"#type": clip["clipType"]},
                        "ExpressionAttributeValues": {":one": 1, ":now": now},
                    }
                },
            ]
        )
    )
    return answer is not None


def remove_unapproved(table: Table, tenant: str, clip: dict[str, Any], series: str) -> bool:
    """Delete the clip as read and count one less for its series; False if approved or edited meanwhile, or gone."""
    now = records.now_iso()
    approved = ReviewStatus.APPROVED.value
    answer = written(
        lambda: table.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "Key": {records.HASH_KEY: clip[records.HASH_KEY], records.RANGE_KEY: clip[records.RANGE_KEY]},
                        "ConditionExpression": "attribute_exists(pk) AND #status <> :approved"
                        " AND (attribute_not_exists(#revision) OR #revision = :unedited)",
                        "ExpressionAttributeNames": {"#status": "status", "#revision": REVISION},
                        "ExpressionAttributeValues": {":approved": approved, ":unedited": 0},
                    }
                },
                {
                    "Update": {
                        "Key": records.stats_key(tenant, series),
                        "UpdateExpression": "SET totalClips = totalClips - :one, clipsByType.#type ="
                        " clipsByType.#type - :one, updatedAt = :now",
                        "ExpressionAttributeNames": {"#type": clip["clipType"]},
                        "ExpressionAttributeValues": {":one": 1, ":now": now},
                    }
                },
            ]
        )
    )
    return answer is not None


def update_review(
    table: Table, episode: EpisodeRef, clip_id: str, changes: dict[str, Any], *, revision: int | None = None
) -> dict[str, Any] | None:
    """Set the given attributes of an existing clip; the clip as updated, or None when there is no such clip.

    With `revision` (the clip's revision as read), only while the clip is still at that revision: None
    also when another edit came first (the caller reads again to tell).
    """
    names = {f"#c{n}": name for n, name in enumerate(changes)}
    condition, values = "attribute_exists(pk)", {f":c{n}": value for n, value in enumerate(changes.values())}
    if revision is not None:
        names["#revision"] = REVISION
        values[":read"] = revision
        at_read = "#revision = :read"
        condition += f" AND (attribute_not_exists(#revision) OR {at_read})" if revision == 0 else f" AND {at_read}"
    answer = written(
        lambda: table.update_item(
            Key=records.clip_key(episode, clip_id),
            UpdateExpression="SET " + ", ".join(f"#c{n} = :c{n}" for n in range(len(changes))),
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    )
    return None if answer is None else answer["Attributes"]
