"""What a render request asked MediaConvert for: the render job itself, or (vertical and square) its frame capture
and the render job kept in its plan until the faces are known (`domain.render_plan`)."""

from __future__ import annotations

import json
from typing import Any

import boto3

from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys
from tests.unit.handlers.conftest import BUCKET


def render_job_of(created: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The render's job metadata and settings from the CreateJob a request made (a frame capture: from the plan)."""
    metadata: dict[str, str] = created["UserMetadata"]
    if metadata["kind"] != "frames":
        return metadata, created["Settings"]
    s3 = boto3.client("s3")
    episode = EpisodeRef(metadata["tenantId"], metadata["episodeId"])
    key = object_keys.render_plan_key(episode, metadata["clipId"], metadata["renderId"], metadata["attempt"])
    settings: dict[str, Any] = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())["settings"]
    return {**metadata, "kind": "render"}, settings
