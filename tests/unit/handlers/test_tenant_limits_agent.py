"""Clip agent runs per transcript and per day: past them the transcript ends `Invalid` naming the limit, unasked."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from handlers.core.rules.clip_detection import AgentServices, detect_clips
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys
from tests.lambda_events import TENANT
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.test_clip_agent import EPISODE, KEY, SRT, clip, episode, final_turn, services, tool_turn
from tests.unit.handlers.test_tenant_limits import (
    OTHER_TENANT,
    Answer,
    assert_retry_at_midnight,
    call,
    limit_uploads,
    limits,
    not_at_midnight,
    transcript_url,
)
from tests.unit.handlers.test_transcript_outcomes import START, episode_record, upload

__all__ = ["call", "episode", "not_at_midnight", "services", "upload"]  # fixtures shared with other tests


def proposing(services: AgentServices, key: str) -> dict[str, Any]:
    """Run the agent over the transcript with a model that proposes one clip."""
    with Stubber(services.bedrock) as stubber:
        stubber.add_response("converse", tool_turn([clip()]))
        stubber.add_response("converse", final_turn("Summary."))
        result = detect_clips(services, key)
        stubber.assert_no_pending_responses()
    return result


def unasked(services: AgentServices, key: str) -> dict[str, Any]:
    """Run the agent over the transcript with nothing stubbed: a call to the model would raise."""
    with Stubber(services.bedrock):
        return detect_clips(services, key)


def assert_invalid(services: AgentServices, result: dict[str, Any], limit: str, tenant: str = TENANT) -> None:
    assert f"limit {limit} reached" in result["invalid"]
    stored = services.table.get_item(Key={"pk": f"{tenant}#{EPISODE}", "sk": "metadata"})["Item"]
    assert stored["transcriptStatus"] == "Invalid" and f"limit {limit} reached" in stored["transcriptError"]


def test_new_content_at_the_same_key_past_the_runs_per_transcript_ends_invalid(services: AgentServices) -> None:
    limited = dataclasses.replace(services, limits=limits(agent_runs_per_transcript=1))
    assert proposing(limited, KEY)["stored"] == 1
    assert episode_record(limited)["transcriptStatus"] == "ClipsProposed"
    boto3.client("s3").put_object(Bucket=BUCKET, Key=KEY, Body=SRT.replace("line", "words").encode())  # a new ETag

    assert_invalid(limited, unasked(limited, KEY), "agent_runs_per_transcript")


def test_a_run_retried_over_the_same_content_is_counted_once(services: AgentServices, upload: Any) -> None:
    limited = dataclasses.replace(services, limits=limits(agent_runs_per_transcript=1, agent_runs_per_day=2))
    first = upload(SRT.encode(), 1)
    with Stubber(limited.bedrock) as stubber:
        stubber.add_client_error("converse", "ThrottlingException", "slow down", 429)
        with pytest.raises(ClientError):
            detect_clips(limited, first)  # a transient error: Lambda runs it again

    assert proposing(limited, first)["stored"] == 1  # not refused as a second run of this transcript
    second = upload(SRT.replace("line", "words").encode(), 2)
    assert proposing(limited, second)["stored"] == 1  # the day had counted one run, not two
    assert_invalid(limited, unasked(limited, upload(SRT.encode(), 3)), "agent_runs_per_day")


def other_tenants_transcript(services: AgentServices) -> str:
    """An episode of another tenant (the same id), with a transcript uploaded."""
    services.table.put_item(
        Item={"pk": f"{OTHER_TENANT}#{EPISODE}", "sk": "metadata", "id": EPISODE, "title": "Q", "status": "Draft"}
    )
    key = object_keys.transcript_key(EpisodeRef(OTHER_TENANT, EPISODE), object_keys.new_transcript_id(START))
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=SRT.encode())
    return key


def test_past_the_runs_per_day_transcripts_end_invalid_and_no_upload_url_is_given(
    services: AgentServices,
    upload: Any,
    call: Callable[..., Answer],
    handler: Any,
    monkeypatch: pytest.MonkeyPatch,
    not_at_midnight: None,
) -> None:
    limited = dataclasses.replace(services, limits=limits(agent_runs_per_day=1))
    limit_uploads(monkeypatch, handler, "request_transcript_upload", agent_runs_per_day=1)
    assert transcript_url(call, EPISODE, "first.srt")[0] == 201
    assert proposing(limited, upload(SRT.encode(), 1))["stored"] == 1

    assert_invalid(limited, unasked(limited, upload(SRT.replace("line", "words").encode(), 2)), "agent_runs_per_day")
    status, body, headers = transcript_url(call, EPISODE, "second.srt")
    assert status == 429 and "limit agent_runs_per_day reached" in body["message"]
    assert_retry_at_midnight(headers)

    # Another tenant's day is its own.
    other_key = other_tenants_transcript(limited)
    assert transcript_url(call, EPISODE, "first.srt", tenant=OTHER_TENANT)[0] == 201
    assert proposing(limited, other_key)["stored"] == 1
    other = limited.table.get_item(Key={"pk": f"{OTHER_TENANT}#{EPISODE}", "sk": "metadata"})["Item"]
    assert other["transcriptStatus"] == "ClipsProposed"
