"""A clip's preview plays in Chromium with hls.js, straight from storage: what it fetched and how long it played.

The raw-client page uploads a track and a transcript as a front end would, asks the API for a clip's preview, and
hands the presigned playlist to hls.js (the version studio/package-lock.json pins). The playlist's
ranges and durations are checked against the clip, and the bytes hls.js fetched against the clip's
own bytes: byte ranges from keyframes, not whole chunks.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from handlers.core.domain.timestamps import parse_timestamp
from local.samples import generate_video
from local.transcripts import sample_transcript
from tests.browser.raw_client import expect, raw_client, shown, wait_for
from tests.browser.static_site import StaticSite

VIDEO_SECONDS = 30


@pytest.fixture(scope="module")
def show(site: StaticSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 30 s track with a keyframe a second, and a transcript within its seconds, published on the site."""
    video = generate_video(tmp_path_factory.mktemp("preview-media") / "cam.mp4", VIDEO_SECONDS, width=320, height=240)
    return {
        "videoUrl": site.add("/media/preview-cam.mp4", video.read_bytes(), "video/mp4"),
        "transcriptUrl": site.add(
            "/media/preview.srt", sample_transcript(minutes=(VIDEO_SECONDS - 4) / 60, seed=11).encode(), "text/plain"
        ),
    }


def test_a_clip_preview_plays_with_hls_js_fetching_about_the_clips_own_bytes(
    raw_page: Page, show: dict[str, Any]
) -> None:
    episode_id = expect(raw_client(raw_page, "createEpisode", "Preview", 3), 201)["id"]
    transcript = raw_client(raw_page, "uploadTranscript", episode_id, show["transcriptUrl"], "preview.srt")
    assert "failedAt" not in transcript, shown(transcript)
    track = raw_client(raw_page, "uploadTrack", episode_id, show["videoUrl"], "cam.mp4", "cam")
    assert "failedAt" not in track, shown(track)
    latest: dict[str, Any] = {}

    def ready() -> bool:
        latest.update(expect(raw_client(raw_page, "getEpisode", episode_id), 200))
        return [t["status"] for t in latest.get("tracks") or []] == ["Processed"] and bool(latest.get("clipCount"))

    wait_for(ready, lambda: f"a processed track and clips:\n{shown(latest)}")
    clips = expect(raw_client(raw_page, "listClips", episode_id), 200)["items"]
    clip = max(clips, key=lambda item: len(item["segments"]))  # the one with most ranges: discontinuities

    preview = expect(raw_client(raw_page, "call", "GET", f"/episodes/{episode_id}/clips/{clip['clipId']}/preview"), 200)
    media: list[tuple[str | None, int, int]] = []  # (Range header, status, Content-Length) of every chunk answer
    raw_page.on(
        "response",
        lambda answer: (
            media.append(
                (answer.request.headers.get("range"), answer.status, int(answer.headers.get("content-length", -1)))
            )
            if ".ts?" in answer.url
            else None
        ),
    )
    played = raw_page.evaluate("url => window.preview.playPreview(url)", preview["playlistUrl"])

    assert played.get("ended") and not played.get("error"), shown(played)
    assert (played["width"], played["height"]) == (320, 240)
    # The playlist hls.js read: one discontinuity sequence per range, the durations the API announced.
    ranges = preview["ranges"]
    assert [(r["startTime"], r["endTime"]) for r in ranges] == [
        (s["startTime"], s["endTime"]) for s in clip["segments"]
    ]
    assert sorted({fragment["cc"] for fragment in played["fragments"]}) == list(range(len(ranges)))
    assert played["playlistDuration"] == pytest.approx(preview["durationSeconds"], abs=0.01)
    assert played["mediaDuration"] == pytest.approx(preview["durationSeconds"], abs=0.3)
    clip_seconds = sum(parse_timestamp(s["endTime"]) - parse_timestamp(s["startTime"]) for s in clip["segments"])
    # Pieces start and end on keyframes (one a second here): at most a second more on each side of a range.
    assert clip_seconds <= preview["durationSeconds"] <= clip_seconds + 2 * len(ranges) + 0.01
    # What went over the network: only ranged requests of chunks, adding up to what the API announced, which is
    # close to the clip's own bytes (whole chunks would be far more on a real 120 s chunking).
    assert preview["addressing"] == "keyframes"
    assert media and all(header and header.startswith("bytes=") and status == 206 for header, status, _ in media), media
    fetched = sum(size for _, _, size in media)
    assert fetched == preview["fetchBytes"], shown({"preview": preview, "media": media})
    assert preview["clipBytes"] <= fetched <= 1.5 * preview["clipBytes"], shown({"preview": preview, "media": media})
    assert all(f["bytes"] == f["byteRange"][1] - f["byteRange"][0] for f in played["fragments"]), shown(played)
    assert not played["errors"], shown(played)
