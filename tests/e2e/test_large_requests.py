"""The largest requests the schema admits are answered quickly through the local gateway.

A complete with S3's maximum of 10,000 parts was not answered in time: the OpenAPI document had
`uniqueItems` on the part list, which JSON-schema validators check comparing every pair of items
(1,000 parts took 1.9 s, 3,000 took 14 s). Repeated parts are refused by the handler instead,
with a 400 that names the part.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

MAX_PARTS = 10_000
ANSWER_SECONDS = 2.5
"""A couple of seconds, on a shared machine, for 10,000 parts through the gateway, the handler and S3."""


def open_upload(api: httpx.Client) -> tuple[str, str]:
    """An episode and the upload id of a track upload started on it (no part sent)."""
    episode = api.post("/episodes", json={"title": "Largest requests", "episodeNumber": 10_000})
    assert episode.status_code == 201, episode.text
    episode_id = episode.json()["id"]
    session = api.post(f"/episodes/{episode_id}/tracks", json={"filename": "long.mp4", "trackName": "long"})
    assert session.status_code == 200, session.text
    return episode_id, session.json()["uploadId"]


def timed_complete(
    api: httpx.Client, episode_id: str, upload_id: str, parts: list[dict[str, Any]]
) -> tuple[int, str, float]:
    """Status, message and seconds of the complete, sent twice: the faster time counts.

    None of these completes changes anything, so the second is the same request; a quadratic
    check is slow both times, while a one-off stall of a shared machine is not.
    """
    answers = []
    for _ in range(2):
        started = time.perf_counter()
        answer = api.post(f"/episodes/{episode_id}/tracks/long/complete", json={"uploadId": upload_id, "parts": parts})
        answers.append((answer.status_code, answer.json().get("message", ""), time.perf_counter() - started))
    assert answers[0][:2] == answers[1][:2], answers
    return answers[0][0], answers[0][1], min(seconds for *_, seconds in answers)


def part(number: int) -> dict[str, Any]:
    return {"ETag": f'"{number:032x}"', "PartNumber": number}


def test_every_part_s3_allows_once_is_answered_in_time(api: httpx.Client) -> None:
    episode_id, upload_id = open_upload(api)

    status, message, seconds = timed_complete(api, episode_id, upload_id, [part(n) for n in range(1, MAX_PARTS + 1)])

    # Valid for the schema and the handler; S3 refuses parts that were never uploaded.
    assert status == 400 and "do not complete the upload" in message, message
    assert seconds < ANSWER_SECONDS, f"{MAX_PARTS} parts answered in {seconds:.1f} s"


@pytest.mark.parametrize(
    ("parts", "problem"),
    [
        ([part(n) for n in range(1, MAX_PARTS)] + [part(5_000)], "part 5000 is listed more than once"),
        ([part(1)] * MAX_PARTS, "part 1 is listed more than once"),  # identical items, once refused by uniqueItems
        ([part(n) for n in range(1, MAX_PARTS + 2)], "parts"),  # one more than S3 allows: the schema's maxItems
    ],
    ids=["a-repeated-number", "identical-parts", "too-many-parts"],
)
def test_ten_thousand_parts_the_handler_or_schema_refuses_are_answered_in_time(
    api: httpx.Client, parts: list[dict[str, Any]], problem: str
) -> None:
    episode_id, upload_id = open_upload(api)

    status, message, seconds = timed_complete(api, episode_id, upload_id, parts)

    assert status == 400 and problem in message, message
    assert seconds < ANSWER_SECONDS, f"{len(parts)} parts answered in {seconds:.1f} s"
