"""Renders of a clip: entries of the clip record's `renders` map, one per render id.

A render is claimed once (a failed one may be claimed again by a new attempt) and every later
write is conditioned on its attempt, so duplicate and late job events change nothing twice.
"""

from __future__ import annotations

from typing import Any

from handlers.contract import RenderStatus
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from handlers.core.store.conditions import written


def claim(table: Table, episode: EpisodeRef, clip_id: str, render: dict[str, Any]) -> bool:
    """Record a new render (or a new attempt at a failed one); False when another is there."""
    key = records.clip_key(episode, clip_id)
    table.update_item(
        Key=key,
        UpdateExpression="SET renders = if_not_exists(renders, :empty)",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":empty": {}},
    )
    answer = written(
        lambda: table.update_item(
            Key=key,
            UpdateExpression="SET renders.#id = :render",
            ConditionExpression="attribute_not_exists(renders.#id) OR renders.#id.#status = :failed",
            ExpressionAttributeNames={"#id": render["renderId"], "#status": "status"},
            ExpressionAttributeValues={":render": records.dynamo(render), ":failed": RenderStatus.RENDER_FAILED.value},
        )
    )
    return answer is not None


def record_job(table: Table, attempt: dict[str, str], job_id: str) -> bool:
    """The MediaConvert job of this attempt of the render; False when the attempt moved on."""
    return _update(table, attempt, "SET renders.#id.jobId = :job", {":job": job_id})


def finish(table: Table, metadata: dict[str, str], status: RenderStatus, fields: dict[str, Any]) -> bool:
    """The render's outcome (`fields` beside the status), once, on this attempt while it is Rendering."""
    names = {f"#f{n}": name for n, name in enumerate(fields)}
    assignments = ", ".join(f"renders.#id.{alias} = :v{n}" for n, alias in enumerate(names))
    values = {f":v{n}": records.dynamo(value) for n, value in enumerate(fields.values())}
    return _update(
        table,
        metadata,
        f"SET renders.#id.#status = :status, renders.#id.finishedAt = :now, {assignments}",
        {":status": status.value, ":now": records.now_iso(), **values},
        names,
        condition="renders.#id.#status = :rendering",
        extra_values={":rendering": RenderStatus.RENDERING.value},
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
