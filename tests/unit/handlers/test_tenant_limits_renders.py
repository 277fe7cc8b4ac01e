"""Renders per clip, per day and at once, through the render route and its jobs' events (MediaConvert stubbed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.lambda_events import TENANT, api_event, invoke
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.test_renders import CLIP, EPISODE, PK, episode, expect_job, finished, render
from tests.unit.handlers.test_tenant_limits import Answer, assert_retry_at_midnight, limits, not_at_midnight

__all__ = ["episode", "not_at_midnight", "render"]  # fixtures shared with other tests

SECOND_CLIP = "decafbad0000decafbad0000"
PATH = "/episodes/{episodeId}/clips/{clipId}/renders"


@pytest.fixture
def clips(episode: Any) -> Any:
    """The episode's approved clip and a second one, approved too."""
    first = episode.get_item(Key={"pk": PK, "sk": f"clip#{CLIP}"})["Item"]
    episode.put_item(Item={**first, "sk": f"clip#{SECOND_CLIP}", "clipId": SECOND_CLIP})
    return episode


@pytest.fixture
def jobs(render: Any) -> Iterator[list[dict[str, str]]]:
    """The UserMetadata of every render job created, in order."""
    created: list[dict[str, str]] = []
    events = render.services.mediaconvert.meta.events

    def capture(params: dict[str, Any], **_: Any) -> None:
        created.append(params["UserMetadata"])

    events.register("provide-client-params.mediaconvert.CreateJob", capture)
    yield created
    events.unregister("provide-client-params.mediaconvert.CreateJob", capture)


@pytest.fixture
def limited(render: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    return lambda **small: monkeypatch.setattr(
        render, "services", dataclasses.replace(render.services, limits=limits(**small))
    )


def ask(render: Any, clip_id: str, body: dict[str, Any] | None = None, starts: bool = False) -> Answer:
    """POST a render of the clip (landscape: one job; others frame first); with `starts`, MediaConvert is expected to
    be asked for one job (else for none)."""
    body = body or {"format": "landscape"}
    event = api_event("POST", PATH, path_parameters={"episodeId": EPISODE, "clipId": clip_id}, body=body)
    with Stubber(render.services.mediaconvert) as stubber:
        if starts:
            expect_job(stubber, f"job-{clip_id}")
        answer = invoke(render, event)
        stubber.assert_no_pending_responses()
    return answer


def assert_refused(answer: Answer, limit: str) -> None:
    status, body, headers = answer
    assert status == 429 and f"limit {limit} reached" in body["message"]
    assert int(headers["Retry-After"]) > 0 and "Retry-After" in headers["Access-Control-Expose-Headers"]


def renders_of(table: Any, clip_id: str) -> dict[str, Any]:
    renders: dict[str, Any] = table.get_item(Key={"pk": PK, "sk": f"clip#{clip_id}"})["Item"].get("renders") or {}
    return renders


def test_a_failed_render_is_not_asked_again_past_the_renders_per_clip(
    render: Any, clips: Any, jobs: list[dict[str, str]], handler: Any, limited: Callable[..., None]
) -> None:
    limited(renders_per_clip=1, concurrent_render_jobs=1)
    assert ask(render, CLIP, starts=True)[0] == 202
    finished(handler, "ERROR", jobs[0], errorCode=1010)

    assert_refused(ask(render, CLIP), "renders_per_clip")
    assert_refused(ask(render, CLIP, {"format": "square"}), "renders_per_clip")  # any render of the clip
    assert [r["status"] for r in renders_of(clips, CLIP).values()] == ["RenderFailed"]
    # Each clip has its own count, and the refused requests hold no render slot.
    assert ask(render, SECOND_CLIP, starts=True)[0] == 202


def test_renders_per_day_count_across_clips_and_only_approved_clips_are_rendered(
    render: Any, clips: Any, limited: Callable[..., None], not_at_midnight: None
) -> None:
    limited(renders_per_day=1)
    clips.update_item(
        Key={"pk": PK, "sk": f"clip#{SECOND_CLIP}"}, UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": "pending_review"},
    )  # fmt: skip
    status, body, _ = ask(render, SECOND_CLIP)
    assert status == 409 and "not approved" in body["message"]  # refused before anything is counted

    assert ask(render, CLIP, starts=True)[0] == 202
    clips.update_item(
        Key={"pk": PK, "sk": f"clip#{SECOND_CLIP}"}, UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": "approved"},
    )  # fmt: skip
    refused = ask(render, SECOND_CLIP)

    assert_refused(refused, "renders_per_day")
    assert_retry_at_midnight(refused[2])
    assert renders_of(clips, SECOND_CLIP) == {}


def test_a_limit_of_zero_renders_per_clip_allows_none(render: Any, clips: Any, limited: Callable[..., None]) -> None:
    limited(renders_per_clip=0)

    assert_refused(ask(render, CLIP), "renders_per_clip")
    assert renders_of(clips, CLIP) == {}


@pytest.mark.parametrize(("outcome", "recorded"), [("COMPLETE", "Rendered"), ("ERROR", "RenderFailed")])
def test_a_second_render_job_waits_until_the_first_has_ended(
    render: Any,
    clips: Any,
    jobs: list[dict[str, str]],
    handler: Any,
    limited: Callable[..., None],
    outcome: str,
    recorded: str,
) -> None:
    limited(concurrent_render_jobs=1)
    assert ask(render, CLIP, starts=True)[0] == 202

    refused = ask(render, SECOND_CLIP)

    assert_refused(refused, "concurrent_render_jobs")
    assert refused[2]["Retry-After"] == "60"
    assert renders_of(clips, SECOND_CLIP) == {}
    assert ask(render, SECOND_CLIP)[0] == 429  # still running

    detail: dict[str, Any] = {"errorCode": 1010}
    if outcome == "COMPLETE":
        key = f"renders/{TENANT}/{EPISODE}/{CLIP}/main-landscape-captions.mp4"
        boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=b"m" * 100)
        detail = {
            "outputGroupDetails": [
                {"type": "FILE_GROUP", "outputDetails": [{"outputFilePaths": [f"s3://{BUCKET}/{key}"]}]}
            ]
        }
    finished(handler, outcome, jobs[0], **detail)

    assert [r["status"] for r in renders_of(clips, CLIP).values()] == [recorded]
    assert ask(render, SECOND_CLIP, starts=True)[0] == 202
    assert [r["status"] for r in renders_of(clips, SECOND_CLIP).values()] == ["Rendering"]
