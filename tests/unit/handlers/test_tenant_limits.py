"""Per-tenant limits as a producer meets them: a 429 naming the limit, with `Retry-After`, and nothing counted twice.

The suite runs with every limit out of the way (`HANDLER_ENV`); each test here gives the functions it calls
small limits. The tracks, the agent and the renders have their own modules (`test_tenant_limits_*.py`).
"""

from __future__ import annotations

import dataclasses
import threading
import time as clock
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any

import boto3
import pytest

from handlers.contract import TENANT_LIMIT_DEFAULTS
from handlers.core.runtime.settings import TenantLimits
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import job_slots, records, usage
from tests.lambda_events import TENANT, api_event, invoke
from tests.unit.handlers.conftest import TABLE

OTHER_TENANT = "studio-b"
Answer = tuple[int, Any, dict[str, str]]


def limits(**small: int) -> TenantLimits:
    """Every limit out of the way but the ones a test sets."""
    return TenantLimits(**{**dict.fromkeys(TENANT_LIMIT_DEFAULTS, 10_000), **small})


def limit_uploads(monkeypatch: pytest.MonkeyPatch, handler: Callable[[str], Any], *names: str, **small: int) -> None:
    """Give the upload functions `names` (modules of `handlers.api` holding a `Storage`) these limits."""
    for name in names:
        module = handler(f"handlers.api.{name}")
        monkeypatch.setattr(module, "storage", dataclasses.replace(module.storage, limits=limits(**small)))


def seconds_to_midnight() -> float:
    now = datetime.now(UTC)
    return (datetime.combine(now.date() + timedelta(days=1), time(), UTC) - now).total_seconds()


def assert_retry_at_midnight(headers: dict[str, str]) -> None:
    """`Retry-After` says when the next UTC day starts (and with it the daily counters)."""
    retry_after = int(headers["Retry-After"])
    assert retry_after > 0
    assert abs(retry_after - seconds_to_midnight()) < 5


def exposed(headers: dict[str, str]) -> set[str]:
    return {name.strip().lower() for name in headers.get("Access-Control-Expose-Headers", "").split(",")}


@pytest.fixture
def not_at_midnight() -> None:
    """Daily counters start again at 00:00 UTC: a test of them does not straddle it."""
    if seconds_to_midnight() < 30:
        clock.sleep(seconds_to_midnight() + 1)


@pytest.fixture
def call(bucket: str, handler: Callable[[str], Any]) -> Callable[..., Answer]:
    """Call an API function by module name as API Gateway would; status, body and headers."""

    def answer(name: str, method: str, resource: str, body: Any = None, as_tenant: str = TENANT, **path: str) -> Answer:
        event = api_event(method, resource, path_parameters=path, body=body, tenant=as_tenant)
        return invoke(handler(f"handlers.api.{name}"), event)

    return answer


def create_episode(call: Callable[..., Answer], tenant: str = TENANT, title: str = "Limits") -> Answer:
    return call("create_episode", "POST", "/episodes", {"title": title, "episodeNumber": 1}, as_tenant=tenant)


def transcript_url(call: Callable[..., Answer], episode_id: str, filename: str, tenant: str = TENANT) -> Answer:
    return call(
        "request_transcript_upload",
        "POST",
        "/episodes/{episodeId}/transcripts",
        {"filename": filename},
        as_tenant=tenant,
        episodeId=episode_id,
    )


def episodes_stored(tenant: str) -> int:
    items = boto3.client("dynamodb").scan(
        TableName=TABLE,
        FilterExpression="sk = :metadata AND begins_with(pk, :tenant)",
        ExpressionAttributeValues={":metadata": {"S": "metadata"}, ":tenant": {"S": f"{tenant}#"}},
    )["Items"]
    return len(items)


@pytest.fixture
def episodes_per_day(handler: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    module = handler("handlers.api.create_episode")
    yield lambda limit: monkeypatch.setattr(module, "limits", limits(episodes_per_day=limit))


def test_a_burst_of_episodes_gets_exactly_the_days_limit(
    call: Callable[..., Answer], episodes_per_day: Callable[[int], None], not_at_midnight: None
) -> None:
    episodes_per_day(3)
    together = threading.Barrier(8)

    def one(n: int) -> Answer:
        together.wait()
        return create_episode(call, title=f"Burst {n}")

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(8)))

    assert sorted(status for status, _, _ in answers) == [201] * 3 + [429] * 5
    for status, body, headers in answers:
        assert "retry-after" in exposed(headers)  # a browser script may read it
        if status == 429:
            assert "episodes_per_day" in body["message"]
            assert_retry_at_midnight(headers)
        else:
            assert "Retry-After" not in headers
    assert episodes_stored(TENANT) == 3


def test_a_limit_of_zero_allows_none(call: Callable[..., Answer], episodes_per_day: Callable[[int], None]) -> None:
    episodes_per_day(0)

    status, body, headers = create_episode(call)

    assert status == 429 and "episodes_per_day" in body["message"]
    assert int(headers["Retry-After"]) > 0
    assert episodes_stored(TENANT) == 0


def test_each_tenant_has_its_own_counters(
    call: Callable[..., Answer], episodes_per_day: Callable[[int], None], not_at_midnight: None
) -> None:
    episodes_per_day(1)

    assert create_episode(call)[0] == 201
    assert create_episode(call)[0] == 429
    # Another tenant's day is untouched by the first tenant's episodes, and the other way round.
    assert create_episode(call, OTHER_TENANT)[0] == 201
    assert create_episode(call, OTHER_TENANT)[0] == 429
    assert (episodes_stored(TENANT), episodes_stored(OTHER_TENANT)) == (1, 1)


# Two writers from the same stale read: the conditional write lets exactly one through.


def test_a_daily_counter_one_below_its_limit_lets_one_of_two_writers_through(table: Any) -> None:
    now = datetime.now(UTC)
    assert usage.count_today(table, TENANT, usage.EPISODES, 3, now)
    assert usage.count_today(table, TENANT, usage.EPISODES, 3, now)
    seen = usage.used_today(table, TENANT, usage.EPISODES, now)  # both writers read 2 of 3

    written = [usage.count_today(table, TENANT, usage.EPISODES, 3, now) for _ in range(2)]

    assert seen == 2 and written == [True, False]
    assert usage.used_today(table, TENANT, usage.EPISODES, now) == 3
    assert usage.used_today(table, OTHER_TENANT, usage.EPISODES, now) == 0
    assert usage.used_today(table, TENANT, usage.RENDERS, now) == 0  # another counter
    assert usage.count_today(table, TENANT, usage.EPISODES, 3, now + timedelta(days=1))  # another day


def test_an_episode_counter_one_below_its_limit_lets_one_of_two_writers_through(table: Any) -> None:
    episode = EpisodeRef(TENANT, "ep-1")
    table.put_item(Item={**records.episode_key(episode), "id": "ep-1", "title": "T", "status": "Draft"})
    assert usage.count_on_episode(table, episode, "transcriptUploads", 2)

    written = [usage.count_on_episode(table, episode, "transcriptUploads", 2) for _ in range(2)]

    assert written == [True, False]
    assert table.get_item(Key=records.episode_key(episode))["Item"]["transcriptUploads"] == 2
    assert not usage.count_on_episode(table, episode, "renderRequests", 0)  # a limit of 0 allows none
    assert not usage.count_on_episode(table, EpisodeRef(TENANT, "gone"), "transcriptUploads", 2)
    assert table.get_item(Key=records.episode_key(EpisodeRef(TENANT, "gone"))).get("Item") is None


def test_a_job_slot_is_held_by_one_holder_until_given_back_or_its_lease_ends(table: Any) -> None:
    now, kind = datetime.now(UTC), job_slots.RENDER

    assert job_slots.take(table, TENANT, kind, "first", 1, now)
    assert not job_slots.take(table, TENANT, kind, "second", 1, now)
    assert job_slots.take(table, TENANT, kind, "first", 1, now)  # its own slot again, not another
    assert job_slots.take(table, OTHER_TENANT, kind, "second", 1, now)  # another tenant's slots
    assert job_slots.take(table, TENANT, job_slots.CHUNKING, "second", 1, now)  # another kind's slots

    assert job_slots.give_back(table, TENANT, kind, "first")
    assert not job_slots.give_back(table, TENANT, kind, "first")
    assert job_slots.take(table, TENANT, kind, "second", 1, now)
    assert not job_slots.take(table, TENANT, kind, "first", 1, now)

    # A job whose end event was lost: once its lease is over, another holder takes its slot.
    later = now + job_slots.LEASES[kind] + timedelta(seconds=1)
    assert not job_slots.take(table, TENANT, kind, "third", 1, now + timedelta(minutes=5))
    assert job_slots.take(table, TENANT, kind, "third", 1, later)
    assert not job_slots.give_back(table, TENANT, kind, "second")  # taken over: nothing of its to give back
    assert not job_slots.take(table, TENANT, kind, "fourth", 1, later)


def test_a_holder_asking_again_keeps_the_one_slot_it_has(table: Any) -> None:
    now, kind = datetime.now(UTC), job_slots.CHUNKING
    assert job_slots.take(table, TENANT, kind, "first", 2, now)
    assert job_slots.take(table, TENANT, kind, "second", 2, now)
    assert job_slots.give_back(table, TENANT, kind, "first")  # a slot before the second's is free

    assert job_slots.take(table, TENANT, kind, "second", 2, now)  # its own, not the free one too

    assert job_slots.take(table, TENANT, kind, "third", 2, now)
    assert not job_slots.take(table, TENANT, kind, "fourth", 2, now)


def test_transcript_urls_per_episode_count_new_urls_only(
    call: Callable[..., Answer], handler: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_uploads(monkeypatch, handler, "request_transcript_upload", transcript_uploads_per_episode=2)
    episode_id, other_episode = create_episode(call)[1]["id"], create_episode(call)[1]["id"]

    first = transcript_url(call, episode_id, "one.srt")
    again = transcript_url(call, episode_id, "one.srt")  # the same valid URL: not another upload
    second = transcript_url(call, episode_id, "two.srt")
    status, body, headers = transcript_url(call, episode_id, "three.srt")

    assert (first[0], again[0], second[0]) == (201, 201, 201)
    assert again[1] == first[1] and second[1]["key"] != first[1]["key"]  # the same form, then a new one
    assert status == 429 and "transcript_uploads_per_episode" in body["message"]
    assert int(headers["Retry-After"]) > 0 and "retry-after" in exposed(headers)
    # Asking again for the URL the episode has is never refused nor counted, however often.
    for _ in range(3):
        status, reused, _ = transcript_url(call, episode_id, "two.srt")
        assert status == 201 and reused == second[1]
    assert transcript_url(call, other_episode, "one.srt")[0] == 201  # each episode has its own count
