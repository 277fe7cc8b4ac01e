"""The local MediaConvert reads the social style's burn-in settings as the service takes them: the four font
files (all or none, TrueType in S3), their face drawn by libass from the job's own files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components.caption_fonts import FACES, font_files, font_uris
from handlers.core.domain import render_job
from local import captions, fonts, job_settings, media, rendering
from local.captions import Cue
from local.media import MediaInfo, VideoStream
from tests.unit.local.test_rendering import wire

BUCKET = "nullcheck-media"
FONTS = render_job.CaptionFonts(**json.loads(font_uris(BUCKET)))


def social_settings(**changes: Any) -> dict[str, Any]:
    settings = render_job.render_settings(
        bucket=BUCKET, upload_key="media/t/e/tracks/main.mp4", segments=[(0.0, 2.0)], frame_rate=25.0,
        format_name="vertical", destination_key="renders/t/e/c/r0-main-vertical-captions-social",
        captions_key="renders/t/e/c/r.srt", caption_style=render_job.SOCIAL, caption_fonts=FONTS,
    )  # fmt: skip
    wired = wire(settings)
    burn_in = wired["outputGroups"][0]["outputs"][0]["captionDescriptions"][0]["destinationSettings"]
    burn_in["burninDestinationSettings"].update(changes)
    return wired


def test_the_font_files_and_the_large_type_are_read() -> None:
    spec = job_settings.parse_settings(social_settings())

    assert spec.render is not None and spec.render.captions is not None
    style = spec.render.captions
    assert style.font_files == (FONTS.regular, FONTS.bold, FONTS.italic, FONTS.bold_italic)
    assert (style.font_size, style.outline_size, style.y_position) == (96, 8, round(1920 * 0.66))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fontFileItalic": None}, "fontFileItalic"),
        ({"fontFileBold": f"s3://{BUCKET}/assets/fonts/Lato-Black.otf"}, "fontFileBold"),
        ({"fontFileRegular": "Lato-Bold.ttf"}, "fontFileRegular"),
    ],
    ids=["one-missing", "not-truetype", "not-s3"],
)
def test_font_files_the_service_refuses_are_refused(changes: dict[str, Any], field: str) -> None:
    settings = social_settings(**changes)
    with pytest.raises(job_settings.InvalidSettings) as refused:
        job_settings.parse_settings({**settings})
    assert refused.value.path.endswith(f"/burninDestinationSettings/{field}")


def test_the_regular_file_names_the_bold_face_libass_draws() -> None:
    files = font_files()
    assert {slot: fonts.full_name(path) for slot, path in files.items()} == {
        "regular": "Lato Bold", "bold": "Lato Black", "italic": "Lato Bold Italic", "bold_italic": "Lato Black Italic",
    }  # fmt: skip
    assert set(FACES.values()) == {path.name for path in files.values()}
    with pytest.raises(media.MediaError):
        fonts.full_name(Path(__file__))


def test_prepare_draws_the_jobs_font_from_the_folder_it_was_given(tmp_path: Path) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name, path in zip(rendering.FONT_FILE_NAMES, font_files().values(), strict=True):
        (folder / name).write_bytes(path.read_bytes())
    spec = job_settings.parse_settings(social_settings())
    assert spec.render is not None
    info = MediaInfo(duration_ms=2000, video=(VideoStream(0, "h264", 1280, 720, 25.0),))
    work = tmp_path / "work"
    work.mkdir()
    subtitles = captions.parse_srt("1\n00:00:00,500 --> 00:00:01,500\nhello there\n", uri="s3://b/k.srt")

    rendering.prepare(Path("source.mp4"), info, spec.render, work, subtitles=subtitles, fonts=folder)

    script = (work / rendering.CAPTIONS_FILE).read_text()
    assert "Style: Default,Lato Bold,96," in script and "\\an8\\pos(540,1267)" in script
    assert (work / rendering.FONTS_LINK).resolve() == folder.resolve()
    with pytest.raises(media.MediaError, match="font files"):
        rendering.prepare(Path("source.mp4"), info, spec.render, tmp_path, subtitles=subtitles)


def test_without_font_files_captions_stay_in_noto_sans() -> None:
    document = captions.ass_document([Cue(0, 1, "hi")], captions.CaptionStyle(), 1080, 1920)
    assert "Style: Default,Noto Sans," in document
