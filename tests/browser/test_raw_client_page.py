"""The raw-client page in a real browser, on another origin, drives the whole upload flow through the API.

The page is no studio (the app in `studio/` has its own suite, `test_studio.py`): it calls the API
with nothing but `fetch`, as any web client would, so these tests pin what the API and storage
give a browser on another origin.

Everything the page does is a cross-origin `fetch`: JSON calls with preflights, the transcript
posted to the bucket as a form (`FormData`: the fields the API returned, then the file; storage
refuses one over 10 MiB and the page reads why), presigned PUTs with the `requiredHeaders` the API
returned for 5 MiB `File.slice()` parts whose `ETag` the page reads from the PUT answer. The
pipeline then chunks the track and the clip agent proposes clips, observed from the page too.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from playwright.sync_api import Page

from handlers.contract import MAX_TRANSCRIPT_BYTES
from local.samples import generate_video
from local.stack import LocalStack
from local.transcripts import sample_transcript
from tests.browser.conftest import CHUNK_SECONDS
from tests.browser.raw_client import expect, raw_client, shown, wait_for
from tests.browser.static_site import StaticSite

PART_SIZE = 5 * 1024 * 1024
VIDEO_SECONDS = 7  # noise at 12 Mbit/s: about 11.6 MB, three parts
TRACK_NAME = "Browser Cam"  # a space: the page encodes it in the parts and complete paths


@pytest.fixture(scope="module")
def media(site: StaticSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The video and transcript the page uploads, published on the site (the page fetches them)."""
    video = generate_video(
        tmp_path_factory.mktemp("browser-media") / "browser cam.mp4", VIDEO_SECONDS, width=320, height=240, noise=True
    )
    data = video.read_bytes()
    assert len(data) > 2 * PART_SIZE, "the video must need three parts"
    return {
        "videoUrl": site.add("/media/browser-cam.mp4", data, "video/mp4"),
        "videoSize": len(data),
        "transcriptUrl": site.add("/media/episode.srt", sample_transcript(minutes=10).encode(), "application/x-subrip"),
    }


def test_error_answers_are_readable_from_another_origin(raw_page: Page) -> None:
    # Were CORS headers missing on errors, fetch would reject with a TypeError instead.
    invalid = expect(raw_client(raw_page, "call", "POST", "/episodes", {"title": "No number"}), 400)
    unknown = expect(raw_client(raw_page, "getEpisode", "unknown-id"), 404)
    # Without a token: with one, the browser would preflight, and API Gateway answers an undeclared
    # path's preflight with the same 403, which fails the fetch before it is sent.
    no_route = raw_client(raw_page, "call", "GET", "/no-such-route", None, {"anonymous": True})

    assert "episodeNumber" in invalid["message"], invalid
    assert unknown["message"], unknown
    # The gateway's own answer (API Gateway: 403 "Missing Authentication Token") carries CORS too.
    assert 400 <= no_route.get("status", 0) < 500 and no_route["body"]["message"], shown(no_route)


def test_a_signed_out_call_is_a_401_the_page_can_read(raw_page: Page) -> None:
    # A GET without Authorization is a simple request: no preflight, so the 401's CORS headers decide.
    signed_out = expect(raw_client(raw_page, "call", "GET", "/episodes", None, {"anonymous": True}), 401)

    assert signed_out == {"message": "Unauthorized"}


def test_storage_refuses_a_transcript_over_the_limit_and_the_page_reads_why(raw_page: Page) -> None:
    episode_id = expect(raw_client(raw_page, "createEpisode", "Too long a transcript", 8), 201)["id"]

    answer = raw_client(raw_page, "postTranscriptOfSize", episode_id, MAX_TRANSCRIPT_BYTES + 1)

    # An error the page could not read (no CORS header on it) would show as `error` here.
    assert answer.get("maxBytes") == MAX_TRANSCRIPT_BYTES, shown(answer)
    assert answer["post"].get("status") == 400, shown(answer)
    assert "<Code>EntityTooLarge</Code>" in answer["post"]["text"], shown(answer)
    assert expect(raw_client(raw_page, "getEpisode", episode_id), 200).get("transcriptKey") is None


def test_the_raw_client_page_uploads_an_episode_that_gets_chunked_and_clipped(
    raw_page: Page, media: dict[str, Any], local_stack: LocalStack
) -> None:
    episode_id = expect(raw_client(raw_page, "createEpisode", "Browser upload", 7), 201)["id"]
    listed = expect(raw_client(raw_page, "listEpisodes"), 200)
    assert episode_id in [item["id"] for item in listed["items"]]

    transcript = raw_client(raw_page, "uploadTranscript", episode_id, media["transcriptUrl"], "browser episode.srt")
    assert "failedAt" not in transcript, shown(transcript)
    assert transcript["requested"]["body"]["fields"]["x-amz-meta-filename"] == "browser episode.srt"
    assert transcript["post"].get("status") == 204, shown(transcript["post"])

    track = raw_client(raw_page, "uploadTrack", episode_id, media["videoUrl"], "browser cam.mp4", TRACK_NAME)
    (track.get("presigned", {}).get("body") or {}).pop("urls", None)  # long and unhelpful in a message
    # "put parts" with status 200 and no etag: the bucket's CORS rule does not expose ETag.
    assert "failedAt" not in track, f"the page's track upload failed at {track['failedAt']!r}:\n{shown(track)}"
    assert track["fileSize"] == media["videoSize"]
    session = track["start"]["body"]
    assert session["trackName"] == "browser-cam"
    parts = track["parts"]
    assert [part["PartNumber"] for part in parts] == [1, 2, 3]
    assert [part["size"] for part in parts] == [PART_SIZE, PART_SIZE, media["videoSize"] - 2 * PART_SIZE]
    assert all(part["sliceType"] == "" for part in parts)  # no Content-Type on the wire
    assert all(part["etag"].startswith('"') and part["etag"].endswith('"') for part in parts), shown(parts)
    assert track["complete"]["body"] == {"key": session["key"], "trackName": "browser-cam", "status": "Unprocessed"}

    stored = local_stack.client("s3").head_object(Bucket=local_stack.config.bucket_name, Key=session["key"])
    assert stored["ContentLength"] == media["videoSize"]
    assert stored["ETag"].endswith('-3"')

    latest: dict[str, Any] = {}

    def settled() -> dict[str, Any] | None:
        latest.update(expect(raw_client(raw_page, "getEpisode", episode_id), 200))
        status = [track["status"] for track in latest.get("tracks") or []]
        processed = status == ["Processed"] and latest.get("clipCount")
        return latest if processed or status == ["ProcessingFailed"] else None

    episode = wait_for(settled, lambda: f"the track to be processed and clips to be proposed:\n{shown(latest)}")
    [processed] = episode["tracks"]
    assert processed["trackName"] == "browser-cam"
    assert processed["status"] == "Processed", processed
    assert processed["segmentCount"] == math.ceil(VIDEO_SECONDS / CHUNK_SECONDS)
    assert episode["transcriptKey"] == transcript["requested"]["body"]["key"]

    clips = expect(raw_client(raw_page, "listClips", episode_id), 200)["items"]
    assert clips and len(clips) == episode["clipCount"]
