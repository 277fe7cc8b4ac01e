"""What a tenant has started: counters per UTC day and per object, each moved by one conditional write.

A counter only moves while it is below its limit, in the same write that moves it, so a burst
of requests (or two writers from the same stale read) can never pass a limit: exactly the
requests that fit are counted. Daily counters live in one record per tenant and day, removed by
TTL two days later; per-object counters live on the object's record (or beside it).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from handlers.core.store.conditions import Refused, transacted, written

EPISODES, AGENT_RUNS, RENDERS = "episodes", "agentRuns", "renders"
"""The daily counters."""
DAILY_KEEP = timedelta(days=2)
"""A day's counters outlive it a little (a request at midnight may still read yesterday's)."""
RUNS_KEEP = timedelta(days=30)
"""A transcript's run count outlives the transcript object (the bucket expires media sooner)."""


def day_of(now: datetime) -> str:
    return now.astimezone(UTC).date().isoformat()


def seconds_to_next_day(now: datetime) -> int:
    """Seconds until the next UTC midnight, when the daily counters start again (at least 1)."""
    tomorrow = datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(), UTC)
    return max(1, int((tomorrow - now).total_seconds()))


def below(counter: str, limit: int) -> str:
    """The condition that `counter` is below `limit` (`:limit`): one not written yet is 0, below any limit but 0."""
    if limit <= 0:
        return f"(attribute_exists({counter}) AND {counter} < :limit)"
    return f"(attribute_not_exists({counter}) OR {counter} < :limit)"


def _daily_update(tenant: str, counter: str, limit: int, now: datetime) -> dict[str, Any]:
    expires = datetime.combine(now.astimezone(UTC).date(), time(), UTC) + timedelta(days=1) + DAILY_KEEP
    return {
        "Key": records.usage_key(tenant, day_of(now)),
        "UpdateExpression": "ADD #counter :one SET #ttl = :ttl",
        "ConditionExpression": below("#counter", limit),
        "ExpressionAttributeNames": {"#counter": counter, "#ttl": records.TTL_ATTRIBUTE},
        "ExpressionAttributeValues": {":one": 1, ":limit": limit, ":ttl": int(expires.timestamp())},
    }


def count_today(table: Table, tenant: str, counter: str, limit: int, now: datetime) -> bool:
    """Count one more `counter` for the tenant today; False (nothing counted) when it is at `limit`."""
    return written(lambda: table.update_item(**_daily_update(tenant, counter, limit, now))) is not None


def used_today(table: Table, tenant: str, counter: str, now: datetime) -> int:
    """How many `counter` the tenant started today."""
    item = table.get_item(Key=records.usage_key(tenant, day_of(now))).get("Item") or {}
    return int(item.get(counter, 0))


def count_on_episode(table: Table, episode: EpisodeRef, counter: str, limit: int) -> bool:
    """Count one more `counter` on the episode's record; False when it is at `limit` (or the episode is gone)."""
    answer = written(
        lambda: table.update_item(
            Key=records.episode_key(episode),
            UpdateExpression="ADD #counter :one",
            ConditionExpression=f"attribute_exists(pk) AND {below('#counter', limit)}",
            ExpressionAttributeNames={"#counter": counter},
            ExpressionAttributeValues={":one": 1, ":limit": limit},
        )
    )
    return answer is not None


TRANSCRIPT_RUNS, DAY_RUNS = 0, 1
"""Positions in `count_agent_run`'s transaction: the transcript's runs, the tenant's runs today."""


def count_agent_run(
    table: Table,
    episode: EpisodeRef,
    transcript: tuple[str, str],
    per_transcript: int,
    per_day: int,
    now: datetime,
) -> Refused | None:
    """Count a run of the agent over one content (`transcript`: id, ETag) of a transcript, once, and for the
    tenant today: both or neither.

    None when counted; `Refused` naming the item refused: `TRANSCRIPT_RUNS` (at its limit, or this content
    already counted: `agent_run_counted` tells), `DAY_RUNS` (the tenant's runs today at their limit).
    """
    transcript_id, etag = transcript
    expires = int((now + RUNS_KEEP).timestamp())
    per_transcript_update = {
        "Key": records.agent_runs_key(episode, transcript_id),
        # Each content once: a retried run of the same content (a model error, a timeout) is not another run.
        "UpdateExpression": "ADD runs :one, etags :etags SET #ttl = :ttl",
        "ConditionExpression": f"{below('runs', per_transcript)} AND NOT contains(etags, :etag)",
        "ExpressionAttributeNames": {"#ttl": records.TTL_ATTRIBUTE},
        "ExpressionAttributeValues": {
            ":one": 1,
            ":limit": per_transcript,
            ":ttl": expires,
            ":etags": {etag},
            ":etag": etag,
        },
    }
    daily = _daily_update(episode.tenant, AGENT_RUNS, per_day, now)
    return transacted(
        lambda: table.transact_write_items(TransactItems=[{"Update": per_transcript_update}, {"Update": daily}])
    )


def agent_run_counted(table: Table, episode: EpisodeRef, transcript_id: str, etag: str) -> bool:
    """Whether a run over this content of the transcript was counted already."""
    item = table.get_item(Key=records.agent_runs_key(episode, transcript_id), ConsistentRead=True).get("Item") or {}
    return etag in item.get("etags", set())


def daily_item(tenant: str, counter: str, limit: int, now: datetime) -> dict[str, Any]:
    """The daily counter's conditional update, as an item of another record kind's transaction."""
    return {"Update": _daily_update(tenant, counter, limit, now)}
