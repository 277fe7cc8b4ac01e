"""A new transcript replaces the episode's proposals; clips a producer approved are kept.

Each removal is one transaction: the clip goes (only if still not approved, so a producer's
approval racing the replacement wins) and its series statistics count one less, so the
statistics always equal the stored clips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from handlers.contract import ReviewStatus
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records

APPROVED = ReviewStatus.APPROVED.value


def remove_proposals(table: Any, episode: EpisodeRef, series: str, keep: Callable[[dict[str, Any]], bool]) -> int:
    """Delete the episode's clips that are not approved and not kept; the number removed."""
    removed = 0
    for clip in records.episode_items(table, episode):
        if not clip["sk"].startswith(records.CLIP_PREFIX) or clip.get("status") == APPROVED or keep(clip):
            continue
        if _remove(table, episode.tenant, clip, clip.get("series") or series):
            removed += 1
    return removed


def from_source(key: str, etag: str) -> Callable[[dict[str, Any]], bool]:
    """Keep the clips proposed from this transcript content."""
    return lambda clip: clip.get("transcriptKey") == key and clip.get("transcriptEtag") == etag


def _remove(table: Any, tenant: str, clip: dict[str, Any], series: str) -> bool:
    now = records.now_iso()
    try:
        table.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "Key": {"pk": clip["pk"], "sk": clip["sk"]},
                        "ConditionExpression": "attribute_exists(pk) AND #status <> :approved",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {":approved": APPROVED},
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
    except ClientError as error:
        reasons = error.response.get("CancellationReasons", [])
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False  # approved meanwhile, or already removed by a concurrent run
        raise
    return True
