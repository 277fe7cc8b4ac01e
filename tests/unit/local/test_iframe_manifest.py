"""The I-frame only playlist the local MediaConvert writes beside an HLS rendition, on real ffmpeg output.

A 12 s H.264 + AAC video with a keyframe every second is packaged into 4 s segments (stream copy, so
the segments are cut on its keyframes): the playlist must list every keyframe, with byte ranges a
player (or the keyframe index) can seek to.
"""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import botocore.session
import m3u8
import pytest
from botocore.serialize import create_serializer

from handlers.core.domain import chunking_job, transport_stream
from local import hls, media, samples
from local.hls import HlsOutput
from local.iframe_manifest import SUFFIX
from local.job_settings import parse_settings

pytestmark = pytest.mark.slow

SECONDS, SEGMENT = 12, 4


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("source") / "talk.mp4"
    return samples.generate_video(path, seconds=SECONDS, width=320, height=180, keyframe_seconds=1)


def package(source: Path, out_dir: Path, *, iframe_manifest: bool) -> HlsOutput:
    out_dir.mkdir(parents=True, exist_ok=True)
    cancel = threading.Event()
    return hls.package(
        source,
        out_dir,
        base_name="main",
        name_modifier="_chunk",
        segment_length=SEGMENT,
        info=media.probe(source, cancel=cancel),
        timeout=60,
        cancel=cancel,
        iframe_manifest=iframe_manifest,
    )


@pytest.fixture(scope="module")
def packaged(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, HlsOutput]:
    out_dir = tmp_path_factory.mktemp("hls")
    return out_dir, package(source, out_dir, iframe_manifest=True)


def iframe_playlist(packaged: tuple[Path, HlsOutput]) -> m3u8.M3U8:
    out_dir, output = packaged
    assert output.iframe_playlist is not None
    return m3u8.load(str(out_dir / output.iframe_playlist))


def byterange(entry: m3u8.Segment) -> tuple[int, int]:
    """(length, offset) of an I-frame entry's `EXT-X-BYTERANGE:length@offset`."""
    length, offset = str(entry.byterange).split("@")
    return int(length), int(offset)


def test_the_master_playlist_lists_the_iframe_playlist(packaged: tuple[Path, HlsOutput]) -> None:
    out_dir, output = packaged

    master = m3u8.load(str(out_dir / output.master_playlist))

    assert output.iframe_playlist == f"main_chunk{SUFFIX}"
    assert (out_dir / output.iframe_playlist).is_file()
    assert master.is_variant
    assert [str(playlist.uri) for playlist in master.iframe_playlists] == [output.iframe_playlist]
    assert master.iframe_playlists[0].iframe_stream_info.bandwidth > 0
    # The rendition itself is still listed.
    assert [str(playlist.uri) for playlist in master.playlists] == [output.media_playlist]


def test_the_iframe_playlist_has_one_entry_per_keyframe_spanning_the_rendition(
    packaged: tuple[Path, HlsOutput],
) -> None:
    out_dir, output = packaged
    text = (out_dir / str(output.iframe_playlist)).read_text()
    playlist = iframe_playlist(packaged)
    rendition = m3u8.load(str(out_dir / output.media_playlist))

    assert "#EXT-X-I-FRAMES-ONLY" in text.splitlines()
    assert playlist.is_i_frames_only and playlist.is_endlist
    assert len(playlist.segments) == SECONDS  # a keyframe every second
    assert [str(entry.uri) for entry in playlist.segments] == [name for name in output.segments for _ in range(SEGMENT)]
    assert [entry.duration for entry in playlist.segments] == pytest.approx([1.0] * SECONDS, abs=0.01)
    rendition_seconds = sum(float(segment.duration or 0) for segment in rendition.segments)
    assert sum(float(entry.duration or 0) for entry in playlist.segments) == pytest.approx(rendition_seconds, abs=0.05)
    assert rendition_seconds == pytest.approx(SECONDS, abs=0.05)
    assert playlist.target_duration >= max(float(entry.duration or 0) for entry in playlist.segments)


def test_every_byte_range_starts_on_a_random_access_packet_of_its_segment(packaged: tuple[Path, HlsOutput]) -> None:
    out_dir, _ = packaged
    playlist = iframe_playlist(packaged)

    for entry in playlist.segments:
        data = (out_dir / str(entry.uri)).read_bytes()
        length, offset = byterange(entry)
        assert offset % transport_stream.PACKET == 0
        assert data[offset] == transport_stream.SYNC
        packet = transport_stream.packet_at(data, offset)
        assert packet is not None
        assert packet.random_access and packet.unit_start, f"{entry.uri} @ {offset}"
        assert length > 0 and offset + length <= len(data)
        assert length % transport_stream.PACKET == 0


def test_byte_ranges_of_one_segment_are_in_order_and_do_not_overlap(packaged: tuple[Path, HlsOutput]) -> None:
    playlist = iframe_playlist(packaged)
    by_segment: dict[str, list[tuple[int, int]]] = {}
    for entry in playlist.segments:
        by_segment.setdefault(str(entry.uri), []).append(byterange(entry))

    for ranges in by_segment.values():
        for (length, offset), (_, following) in itertools.pairwise(ranges):
            assert offset + length <= following


def test_without_iframe_manifest_nothing_is_written(source: Path, tmp_path: Path) -> None:
    output = package(source, tmp_path, iframe_manifest=False)

    assert output.iframe_playlist is None
    assert not list(tmp_path.glob(f"*{SUFFIX}"))
    master_text = (tmp_path / output.master_playlist).read_text()
    assert "EXT-X-I-FRAME-STREAM-INF" not in master_text
    assert m3u8.loads(master_text).iframe_playlists == []
    assert len(output.segments) == SECONDS // SEGMENT


def test_a_segment_head_holds_the_pat_then_the_pmt(packaged: tuple[Path, HlsOutput]) -> None:
    out_dir, output = packaged
    data = (out_dir / output.segments[0]).read_bytes()

    init = transport_stream.init_section(data[: 16 * transport_stream.PACKET])

    assert init is not None
    assert init.length == 2 * transport_stream.PACKET
    pat = transport_stream.packet_at(data, init.offset)
    pmt = transport_stream.packet_at(data, init.offset + transport_stream.PACKET)
    assert pat is not None and pat.pid == 0 and pat.unit_start
    assert pmt is not None and pmt.unit_start and pmt.pid == transport_stream.pmt_pid(pat.payload)
    assert transport_stream.video_pid(pmt.payload) == init.video_pid
    # The init section is before the first keyframe: a player reads it, then starts on a keyframe.
    first = transport_stream.keyframes(data, init.video_pid)[0]
    assert init.offset + init.length <= first.offset


def test_keyframes_of_every_segment_are_one_second_apart(packaged: tuple[Path, HlsOutput]) -> None:
    out_dir, output = packaged
    head = (out_dir / output.segments[0]).read_bytes()[: 16 * transport_stream.PACKET]
    init = transport_stream.init_section(head)
    assert init is not None
    times: list[float] = []

    for name in output.segments:
        data = (out_dir / name).read_bytes()
        found = transport_stream.keyframes(data, init.video_pid)
        assert len(found) == SEGMENT
        assert [b.pts - a.pts for a, b in itertools.pairwise(found)] == pytest.approx([1.0] * 3, abs=1e-3)
        # Each keyframe's bytes run up to the next video PES; together they stay inside the segment.
        assert all(keyframe.length > 0 for keyframe in found)
        assert found[-1].offset + found[-1].length <= len(data)
        times += [keyframe.pts for keyframe in found]

    # The segments follow each other: one keyframe a second across the whole rendition.
    assert [b - a for a, b in itertools.pairwise(times)] == pytest.approx([1.0] * (SECONDS - 1), abs=1e-3)


def test_the_iframe_playlist_matches_a_scan_of_the_segments(packaged: tuple[Path, HlsOutput]) -> None:
    out_dir, output = packaged
    head = (out_dir / output.segments[0]).read_bytes()[: 16 * transport_stream.PACKET]
    init = transport_stream.init_section(head)
    assert init is not None

    scanned = [
        (name, keyframe.length, keyframe.offset)
        for name in output.segments
        for keyframe in transport_stream.keyframes((out_dir / name).read_bytes(), init.video_pid)
    ]

    listed = [(str(entry.uri), *byterange(entry)) for entry in iframe_playlist(packaged).segments]
    assert listed == scanned


def wire_settings(settings: dict[str, object]) -> object:
    """CreateJob settings as boto3 sends them: botocore's rest-json serializer turns PascalCase into wire names."""
    model = botocore.session.get_session().get_service_model("mediaconvert")
    request = create_serializer("rest-json").serialize_to_request(
        {"Role": "arn:aws:iam::123456789012:role/mediaconvert", "Settings": settings},
        model.operation_model("CreateJob"),
    )
    return json.loads(request["body"])["settings"]


def test_the_chunking_job_asks_the_local_mediaconvert_for_iframes_and_two_second_gops() -> None:
    settings = chunking_job.job_settings("media", "uploads/talk.mp4", "media/t/e/videos/main/a/chunks/", 120)

    spec = parse_settings(wire_settings(settings))

    assert spec.iframe_manifest is True
    assert spec.gop_seconds == 2.0 == float(chunking_job.KEYFRAME_SECONDS)
    assert spec.segment_length == 120
    assert spec.name_modifier == chunking_job.NAME_MODIFIER
    assert (spec.output_bucket, spec.output_prefix) == ("media", "media/t/e/videos/main/a/chunks/")


def test_a_job_without_iframe_settings_writes_none() -> None:
    settings = chunking_job.job_settings("media", "uploads/talk.mp4", "out/", 10)
    output = settings["OutputGroups"][0]["Outputs"][0]
    del output["OutputSettings"]
    output["VideoDescription"]["CodecSettings"]["H264Settings"]["GopSizeUnits"] = "FRAMES"

    spec = parse_settings(wire_settings(settings))

    assert spec.iframe_manifest is False
    assert spec.gop_seconds is None
