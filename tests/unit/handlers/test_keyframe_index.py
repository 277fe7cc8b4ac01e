"""A completed chunking job's I-frame playlist, condensed into the track's keyframe index, through the real handler.

The chunks are real: a 12 s video (a keyframe every second) packaged by the local MediaConvert's HLS
packager into three 4 s chunks with an I-frame playlist, uploaded where the job would have written them.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest

from handlers.core.domain import transport_stream
from handlers.core.domain.keyframe_index import KeyframeIndex
from local import hls, media, samples
from local.hls import HlsOutput
from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.test_preprocessing import (
    ATTEMPT,
    CHUNKS,
    EPISODE,
    JOB,
    NEW_ATTEMPT,
    processing,
    retried,
    track,
)

__all__ = ["processing", "retried", "track"]  # fixtures reused from the chunking tests
pytestmark = pytest.mark.slow

SECONDS, SEGMENT = 12, 4
KEYFRAMES_KEY = f"{CHUNKS}keyframes.json"
TRACK_KEY = {"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"}


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, HlsOutput]:
    """Three 4 s chunks of a 12 s video, their playlists and I-frame playlist, as the chunking job names them."""
    source = samples.generate_video(
        tmp_path_factory.mktemp("source") / "main.mp4", seconds=SECONDS, width=320, height=180, keyframe_seconds=1
    )
    out_dir = tmp_path_factory.mktemp("chunks")
    cancel = threading.Event()
    output = hls.package(
        source,
        out_dir,
        base_name="main",
        name_modifier="_chunk",
        segment_length=SEGMENT,
        info=media.probe(source, cancel=cancel),
        timeout=60,
        cancel=cancel,
        iframe_manifest=True,
    )
    assert output.iframe_playlist is not None and len(output.segments) == SECONDS // SEGMENT
    return out_dir, output


def upload_chunks(out_dir: Path, prefix: str) -> dict[str, int]:
    """Every file the packager wrote, under `prefix` (replacing the fake playlists); their sizes by key."""
    s3 = boto3.client("s3")
    sizes = {}
    for path in sorted(out_dir.iterdir()):
        s3.put_object(Bucket=BUCKET, Key=f"{prefix}{path.name}", Body=path.read_bytes())
        sizes[f"{prefix}{path.name}"] = path.stat().st_size
    return sizes


@pytest.fixture
def chunked(processing: Any, packaged: tuple[Path, HlsOutput]) -> dict[str, int]:
    """The Processing track's chunk folder holds the job's real output."""
    return upload_chunks(packaged[0], CHUNKS)


def complete(handler: Any, attempt: str = ATTEMPT) -> None:
    event = load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)
    if attempt != ATTEMPT:
        event["detail"]["userMetadata"]["attemptId"] = attempt
        for group in event["detail"]["outputGroupDetails"]:
            for output in group["outputDetails"]:
                output["outputFilePaths"] = [path.replace(ATTEMPT, attempt) for path in output["outputFilePaths"]]
    handler("handlers.events.preprocessing_completed").lambda_handler(event, FakeContext())


def stored_index(key: str) -> KeyframeIndex:
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return KeyframeIndex.model_validate_json(body)


def test_a_completed_job_with_an_iframe_playlist_gets_a_keyframe_index(
    handler: Any, processing: Any, chunked: dict[str, int], packaged: tuple[Path, HlsOutput]
) -> None:
    _, output = packaged

    complete(handler)

    stored = processing()
    assert stored["status"] == "Processed"
    assert stored["keyframeIndexKey"] == KEYFRAMES_KEY
    index = stored_index(stored["keyframeIndexKey"])
    assert [chunk.key for chunk in index.chunks] == [f"{CHUNKS}{name}" for name in output.segments]
    assert [chunk.key for chunk in index.chunks] == [segment["key"] for segment in stored["segmentIndex"]]
    assert [chunk.size for chunk in index.chunks] == [chunked[chunk.key] for chunk in index.chunks]
    assert [bound for chunk in index.chunks for bound in (chunk.start, chunk.end)] == pytest.approx(
        [0, 4, 4, 8, 8, 12], abs=0.05
    )
    for chunk in index.chunks:
        times = [time for time, _ in chunk.keyframes]
        assert times == pytest.approx([0.0, 1.0, 2.0, 3.0], abs=0.01), chunk.key


def test_every_indexed_offset_is_a_keyframe_of_the_chunk(
    handler: Any, processing: Any, chunked: dict[str, int], packaged: tuple[Path, HlsOutput]
) -> None:
    out_dir, _ = packaged

    complete(handler)

    index = stored_index(processing()["keyframeIndexKey"])
    for chunk in index.chunks:
        data = (out_dir / chunk.key.rsplit("/", 1)[1]).read_bytes()
        offsets = [offset for _, offset in chunk.keyframes]
        assert offsets == sorted(offsets) and offsets[0] > 0
        for offset in offsets:
            packet = transport_stream.packet_at(data, offset)
            assert packet is not None and packet.random_access and packet.unit_start, f"{chunk.key} @ {offset}"


def test_the_index_names_where_the_pat_and_pmt_are(
    handler: Any, processing: Any, chunked: dict[str, int], packaged: tuple[Path, HlsOutput]
) -> None:
    out_dir, output = packaged

    complete(handler)

    init = stored_index(processing()["keyframeIndexKey"]).init
    assert init.length == 2 * transport_stream.PACKET
    for name in output.segments:  # every chunk of one job has its tables in the same place
        data = (out_dir / name).read_bytes()
        pat = transport_stream.packet_at(data, init.offset)
        pmt = transport_stream.packet_at(data, init.offset + transport_stream.PACKET)
        assert pat is not None and pat.pid == 0 and pat.unit_start
        assert pmt is not None and pmt.pid == transport_stream.pmt_pid(pat.payload)
        assert transport_stream.video_pid(pmt.payload) is not None


def test_the_event_handled_twice_changes_nothing_the_second_time(
    handler: Any, processing: Any, chunked: dict[str, int]
) -> None:
    s3 = boto3.client("s3")
    complete(handler)
    first = processing()
    written = s3.head_object(Bucket=BUCKET, Key=KEYFRAMES_KEY)
    s3.delete_object(Bucket=BUCKET, Key=KEYFRAMES_KEY)  # a second build would write it again

    complete(handler)

    assert processing() == first
    assert written["ContentLength"] > 0
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=KEYFRAMES_KEY)


def test_a_completion_without_an_iframe_playlist_processes_the_track_without_an_index(
    handler: Any, processing: Any
) -> None:
    complete(handler)  # the folder holds the fake master and media playlists only

    stored = processing()
    assert stored["status"] == "Processed" and stored["segmentCount"] == 3
    assert "keyframeIndexKey" not in stored
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=KEYFRAMES_KEY)


def test_an_iframe_playlist_naming_a_missing_chunk_leaves_the_track_without_an_index(
    handler: Any, processing: Any, chunked: dict[str, int], packaged: tuple[Path, HlsOutput]
) -> None:
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=f"{CHUNKS}{packaged[1].segments[-1]}")

    complete(handler)

    stored = processing()
    assert stored["status"] == "Processed" and "keyframeIndexKey" not in stored


def start_new_attempt(table: Any) -> None:
    """The retried track's job for the new attempt is running; the old attempt's index key is still on the item."""
    table.update_item(
        Key=TRACK_KEY,
        UpdateExpression="SET #s = :p, mediaConvertJobId = :j, keyframeIndexKey = :old",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":p": "Processing", ":j": JOB, ":old": KEYFRAMES_KEY},
    )


def new_chunks() -> str:
    return CHUNKS.replace(ATTEMPT, NEW_ATTEMPT)


def test_a_retried_attempt_completing_without_an_index_drops_the_old_attempts_key(
    handler: Any, retried: Any, table: Any
) -> None:
    start_new_attempt(table)
    s3 = boto3.client("s3")
    for name in ("main.m3u8", "main_chunk.m3u8"):  # fake playlists: no I-frame playlist in the new folder
        body = s3.get_object(Bucket=BUCKET, Key=f"{CHUNKS}{name}")["Body"].read()
        s3.put_object(Bucket=BUCKET, Key=f"{new_chunks()}{name}", Body=body)

    complete(handler, NEW_ATTEMPT)

    stored = retried()
    assert stored["status"] == "Processed" and stored["attemptId"] == NEW_ATTEMPT
    assert stored["manifestKey"] == f"{new_chunks()}main_chunk.m3u8"
    assert "keyframeIndexKey" not in stored


def test_a_retried_attempt_completing_with_an_index_records_its_own(
    handler: Any, retried: Any, table: Any, packaged: tuple[Path, HlsOutput]
) -> None:
    start_new_attempt(table)
    upload_chunks(packaged[0], new_chunks())

    complete(handler, NEW_ATTEMPT)

    stored = retried()
    assert stored["keyframeIndexKey"] == f"{new_chunks()}keyframes.json"
    assert all(chunk.key.startswith(new_chunks()) for chunk in stored_index(stored["keyframeIndexKey"]).chunks)
