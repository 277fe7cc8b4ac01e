"""Shaping a clip on the running local stack, over HTTP: trim it, rewrite a caption line, render it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from handlers.core.domain.timestamps import format_timestamp, parse_timestamp
from local.stack import LocalStack
from tests.e2e.conftest import TENANT, SignedIn
from tests.e2e.test_renders import episode, probe, rendered, video

__all__ = ["episode", "video"]  # fixtures: a processed track and a transcript's clips


def test_a_trimmed_clip_with_new_caption_text_renders_at_its_new_length(
    api: httpx.Client, episode: dict[str, Any], stack: LocalStack, tmp_path: Path
) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}"
    proposed = api.patch(path, json={"status": "approved"}).json()
    assert proposed["revision"] == 0 and proposed["captions"], "a proposal carries its caption lines"
    first, last = proposed["segments"][0], proposed["segments"][-1]
    trimmed = [{"startTime": s["startTime"], "endTime": s["endTime"]} for s in proposed["segments"]]
    trimmed[0]["startTime"] = format_timestamp(parse_timestamp(first["startTime"]) + 0.5)
    trimmed[-1]["endTime"] = format_timestamp(parse_timestamp(last["endTime"]) - 1.0)

    edited = api.patch(path, json={"segments": trimmed, "expectedRevision": 0})
    assert edited.status_code == 200, edited.text
    clip = edited.json()
    lines = [dict(line) for line in clip["captions"]]
    lines[0]["text"] = "Edited by the producer"
    answer = api.patch(path, json={"captions": lines, "expectedRevision": clip["revision"]})
    assert answer.status_code == 200, answer.text
    clip = answer.json()
    assert clip["revision"] == 2 and clip["status"] == "approved"
    assert abs(clip["totalDurationSeconds"] - (proposed["totalDurationSeconds"] - 1.5)) < 0.01
    stale = api.patch(path, json={"captions": lines, "expectedRevision": 1})
    assert stale.status_code == 409

    started = api.post(f"{path}/renders", json={"format": "square"}).json()
    assert started["revision"] == 2
    render = rendered(api, episode["id"], episode["clip"], started["renderId"])

    assert render["status"] == "Rendered" and render["revision"] == 2
    saved = tmp_path / "trimmed.mp4"
    saved.write_bytes(httpx.get(render["downloadUrl"], timeout=60).content)
    assert "1080x1080" in probe(saved)
    assert abs(render["durationSeconds"] - clip["totalDurationSeconds"]) <= 0.2
    folder = f"renders/{TENANT}/{episode['id']}/{episode['clip']}/"
    s3, bucket = stack.client("s3"), stack.config.bucket_name
    keys = [o["Key"].removeprefix(folder) for o in s3.list_objects_v2(Bucket=bucket, Prefix=folder)["Contents"]]
    assert "r2-main-square-captions.mp4" in keys
    [caption_file] = [key for key in keys if key.startswith(f"{render['renderId']}-") and key.endswith(".srt")]
    burned = s3.get_object(Bucket=bucket, Key=folder + caption_file)["Body"].read().decode()
    assert "Edited by the producer" in burned


def test_another_tenants_edit_is_404(api: httpx.Client, episode: dict[str, Any], signed_in: SignedIn) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}"
    other = signed_in("e2e-other")

    assert other.patch(path, json={"reset": True}).status_code == 404
    assert other.patch(path, json={"captions": []}).status_code == 404
    assert api.get(path).json()["revision"] == 0
