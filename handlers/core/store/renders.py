"""Renders of a clip: entries of the clip record's `renders` map, one per render id.

A render is claimed once (a failed one may be claimed again by a new attempt) and every later
write is conditioned on its attempt, so duplicate and late job events change nothing twice.
"""

from __future__ import annotations

from typing import Any

from handlers.contract import JOB_KIND, RenderStatus, is_valid_tenant
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from handlers.core.store.conditions import Refused, transacted, written
from handlers.core.store.usage import below

REQUESTS = "renderRequests"
"""On the clip: how many render attempts it was given (each a billed job)."""
CLIP_ITEM, DAY_ITEM = 0, 1
"""Positions in `claim`'s transaction: the clip, the counter of the day `claim` is given."""


def claim(
    table: Table, episode: EpisodeRef, clip_id: str, render: dict[str, Any], per_clip: int, daily: dict[str, Any]
) -> Refused | None:
    """Record a new render (or a new attempt at a failed one), counted on the clip and by `daily`, all or nothing.

    `Refused` naming `CLIP_ITEM` when the render is there already or the clip is at `per_clip` attempts,
    `DAY_ITEM` when the day's counter is at its limit.
    """
    key = records.clip_key(episode, clip_id)
    table.update_item(
        Key=key,
        UpdateExpression="SET renders = if_not_exists(renders, :empty)",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":empty": {}},
    )
    update = {
        "Key": key,
        "UpdateExpression": "SET renders.#id = :render ADD #requests :one",
        "ConditionExpression": "(attribute_not_exists(renders.#id) OR renders.#id.#status = :failed)"
        f" AND {below('#requests', per_clip)}",
        "ExpressionAttributeNames": {"#id": render["renderId"], "#status": "status", "#requests": REQUESTS},
        "ExpressionAttributeValues": {
            ":render": records.dynamo(render),
            ":failed": RenderStatus.RENDER_FAILED.value,
            ":one": 1,
            ":limit": per_clip,
        },
    }
    # A transaction of another request of the tenant (its day's counter) cancels this one: refused, asked again.
    return transacted(
        lambda: table.transact_write_items(TransactItems=[{"Update": update}, daily]), conflict_refuses=True
    )


_ATTEMPT_FIELDS = ("tenantId", "episodeId", "clipId", "renderId", "attempt")


def job_metadata(
    episode: EpisodeRef, clip_id: str, render_id: str, attempt: str, kind: str = "render"
) -> dict[str, str]:
    """The `UserMetadata` of a render attempt's jobs: what its job events name it by."""
    return {
        JOB_KIND: kind,
        "tenantId": episode.tenant,
        "episodeId": episode.id,
        "clipId": clip_id,
        "renderId": render_id,
        "attempt": attempt,
    }


def attempt_of_job(metadata: dict[str, str], kind: str) -> dict[str, str] | None:
    """The render attempt a job of `kind` names in its UserMetadata; None for other jobs or incomplete metadata."""
    if metadata.get(JOB_KIND) != kind or not all(metadata.get(name) for name in _ATTEMPT_FIELDS):
        return None
    return metadata if is_valid_tenant(metadata["tenantId"]) else None


def start_rendering(table: Table, metadata: dict[str, str], job_id: str, framing: list[dict[str, Any]]) -> bool:
    """A framed render's faces are known and its render job started: once, on this attempt while it is Framing."""
    return _update(
        table,
        metadata,
        "SET renders.#id.#status = :rendering, renders.#id.jobId = :job, renders.#id.framing = :framing",
        {":rendering": RenderStatus.RENDERING.value, ":job": job_id, ":framing": records.dynamo(framing)},
        condition="renders.#id.#status = :framing_status",
        extra_values={":framing_status": RenderStatus.FRAMING.value},
    )


def fail_framing(table: Table, metadata: dict[str, str], reason: str) -> bool:
    """A framed render whose render job could not start: once, on this attempt while it is Framing."""
    return _update(
        table,
        metadata,
        "SET renders.#id.#status = :failed, renders.#id.failureReason = :reason, renders.#id.finishedAt = :now",
        {":failed": RenderStatus.RENDER_FAILED.value, ":reason": reason, ":now": records.now_iso()},
        condition="renders.#id.#status = :framing_status",
        extra_values={":framing_status": RenderStatus.FRAMING.value},
    )


def record_job(table: Table, attempt: dict[str, str], job_id: str) -> bool:
    """The MediaConvert job of this attempt of the render; False when the attempt moved on."""
    return _update(table, attempt, "SET renders.#id.jobId = :job", {":job": job_id})


def finish(table: Table, metadata: dict[str, str], status: RenderStatus, fields: dict[str, Any]) -> bool:
    """The render's outcome (`fields` beside the status), once, on this attempt while it is Rendering (or still
    Framing, when its render job ended before `start_rendering` recorded it)."""
    names = {f"#f{n}": name for n, name in enumerate(fields)}
    assignments = ", ".join(f"renders.#id.{alias} = :v{n}" for n, alias in enumerate(names))
    values = {f":v{n}": records.dynamo(value) for n, value in enumerate(fields.values())}
    return _update(
        table,
        metadata,
        f"SET renders.#id.#status = :status, renders.#id.finishedAt = :now, {assignments}",
        {":status": status.value, ":now": records.now_iso(), **values},
        names,
        # Framing too: a framed render's job may end before its start is recorded (`start_rendering` then refuses).
        condition="renders.#id.#status IN (:rendering, :framing_status)",
        extra_values={":rendering": RenderStatus.RENDERING.value, ":framing_status": RenderStatus.FRAMING.value},
    )


def _update(
    table: Table,
    metadata: dict[str, str],
    update: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
    condition: str | None = None,
    extra_values: dict[str, Any] | None = None,
) -> bool:
    """One conditional write to this attempt of the render; False when the attempt moved on."""
    episode = EpisodeRef(metadata["tenantId"], metadata["episodeId"])
    conditions = ["renders.#id.attempt = :attempt", *([condition] if condition else [])]
    answer = written(
        lambda: table.update_item(
            Key=records.clip_key(episode, metadata["clipId"]),
            UpdateExpression=update,
            ConditionExpression=" AND ".join(conditions),
            ExpressionAttributeNames={
                "#id": metadata["renderId"],
                **({"#status": "status"} if "#status" in update + (condition or "") else {}),
                **(names or {}),
            },
            ExpressionAttributeValues={":attempt": metadata["attempt"], **values, **(extra_values or {})},
        )
    )
    return answer is not None
