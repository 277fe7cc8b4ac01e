"""Captions for a phone: the social style's caption file, burn-in settings, render identity and requests."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import timedelta
from typing import Any

import boto3
import botocore.session
import pytest
import srt
from botocore.validate import validate_parameters

from handlers.contract import FRAME_SIZES
from handlers.core.domain import captions, render_job, social_captions
from handlers.core.models.renders import RenderView
from handlers.core.rules.renders import render_id
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys
from tests.lambda_events import TENANT
from tests.unit.handlers import test_renders
from tests.unit.handlers.conftest import BUCKET, HANDLER_ENV
from tests.unit.handlers.test_renders import CLIP, EPISODE, PK, ROLE, TRANSCRIPT, call, clip_record, started_job

VERTICAL = social_captions.layout_for("vertical")
episode, render = test_renders.episode, test_renders.render
"""The clip, its track and transcript, and the request-render handler (fixtures of the render tests)."""
FONTS = render_job.CaptionFonts(**json.loads(HANDLER_ENV["CAPTION_FONTS"]))


def cue_file(*cues: tuple[float, float, str]) -> list[srt.Subtitle]:
    return [
        srt.Subtitle(number, timedelta(seconds=start), timedelta(seconds=end), text)
        for number, (start, end, text) in enumerate(cues, start=1)
    ]


# The caption file ---------------------------------------------------------------------------------


def test_a_cue_is_shown_one_to_three_words_at_a_time_on_one_line() -> None:
    text = "So the thing about queues is that <i>nobody</i> \U0001f600 waits for them, ever. Really!"
    groups = social_captions.word_groups(text, VERTICAL)

    assert " ".join(groups) == "So the thing about queues is that nobody waits for them, ever. Really!"
    assert all(1 <= len(group.split()) <= social_captions.MAX_WORDS for group in groups)
    assert all(captions.text_ems(group) <= VERTICAL.line_ems for group in groups)
    assert [len(group.split()) for group in social_captions.word_groups("a b c d", VERTICAL)] == [2, 2]
    assert [len(group.split()) for group in social_captions.word_groups("a b c d e f g", VERTICAL)] == [2, 2, 3]


def test_a_word_wider_than_the_line_is_broken_and_cjk_too() -> None:
    for text in ("nullcheckserverless" * 5, "これは日本語のテキストです、とても長い文章になります"):
        groups = social_captions.word_groups(text, VERTICAL)
        assert len(groups) > 1 and "".join(groups) == text
        assert all(captions.text_ems(group) <= VERTICAL.line_ems for group in groups)


def test_groups_share_their_cue_by_length_without_gaps_and_never_outside_it() -> None:
    cues = social_captions.social_cues(
        cue_file((10.0, 13.0, "Hi everyone, welcome back to the extraordinary show")), VERTICAL
    )

    assert cues[0].start == timedelta(seconds=10) and cues[-1].end == timedelta(seconds=13)
    assert all(before.end == after.start for before, after in itertools.pairwise(cues))
    durations = {cue.content: (cue.end - cue.start).total_seconds() for cue in cues}
    rate = [seconds / (len(text) + 1) for text, seconds in durations.items()]
    assert max(rate) - min(rate) < 0.002, "time follows the words' length"
    assert [cue.index for cue in cues] == list(range(1, len(cues) + 1))


def test_the_file_of_a_clips_own_lines_keeps_only_the_cues_it_shows() -> None:
    text = social_captions.caption_file_of_lines(
        [(1.0, 2.0, "before the clip"), (10.0, 12.0, "first words here now"), (60.0, 61.0, "\U0001f600")],
        "vertical",
        within=[(9.0, 20.0), (59.0, 62.0)],
    )
    cues = list(srt.parse(text))
    assert [cue.content for cue in cues] == ["first words", "here now"]
    assert social_captions.caption_file_of_lines([(0.0, 1.0, "\u200f")], "vertical") == ""


def test_every_format_has_one_line_and_vertical_is_the_narrowest() -> None:
    layouts = {name: social_captions.layout_for(name) for name in FRAME_SIZES}
    assert all(layout.max_lines == 1 for layout in layouts.values())
    assert layouts["vertical"].line_ems == min(layout.line_ems for layout in layouts.values()) > 8


# Burn-in settings ---------------------------------------------------------------------------------


def test_social_burn_in_is_large_bold_outlined_and_above_the_bottom_fifth() -> None:
    for name, (width, height) in FRAME_SIZES.items():
        settings = render_job.burn_in(height, height > width, render_job.SOCIAL, FONTS)["BurninDestinationSettings"]
        font, outline, top = settings["FontSize"], settings["OutlineSize"], settings["YPosition"]
        assert font <= render_job.MAX_FONT_SIZE and font >= 0.045 * min(height, 1920), name
        assert outline >= 7 and settings["Alignment"] == "CENTERED"
        # One line (Lato: ascent 0.99 + descent 0.21 em) and its outline end above the bottom fifth.
        assert top + 1.2 * font + 2 * outline < 0.8 * height, name
        assert {settings[f"FontFile{slot}"] for slot in ("Regular", "Bold", "Italic", "BoldItalic")} == {
            FONTS.regular,
            FONTS.bold,
            FONTS.italic,
            FONTS.bold_italic,
        }
    classic = render_job.burn_in(1920, True)["BurninDestinationSettings"]
    assert "FontFileRegular" not in classic and classic["FontSize"] < 96


def test_social_settings_are_valid_create_job_parameters() -> None:
    settings = render_job.render_settings(
        bucket=BUCKET, upload_key="media/t/e/tracks/main.mp4", segments=[(10.0, 20.0)], frame_rate=25.0,
        format_name="vertical", destination_key="renders/k", captions_key="renders/k.srt",
        caption_style=render_job.SOCIAL, caption_fonts=FONTS,
    )  # fmt: skip
    model = botocore.session.get_session().get_service_model("mediaconvert").operation_model("CreateJob")
    validate_parameters({"Role": ROLE, "Settings": settings}, model.input_shape)
    burn = settings["OutputGroups"][0]["Outputs"][0]["CaptionDescriptions"][0]["DestinationSettings"]
    assert burn["BurninDestinationSettings"]["FontFileRegular"].endswith("/assets/fonts/Lato-Bold.ttf")


# Identity -----------------------------------------------------------------------------------------


def test_classic_and_plain_renders_keep_their_ids_and_keys_social_ones_get_their_own() -> None:
    before = hashlib.sha256(b"main|vertical|True").hexdigest()[:16]
    assert render_id("main", "vertical", True) == render_id("main", "vertical", True, caption_style="classic") == before
    social = render_id("main", "vertical", True, caption_style="social")
    assert social != before and social == render_id("main", "vertical", True, caption_style="social")
    assert (
        render_id("main", "vertical", False, caption_style=None)
        == hashlib.sha256(b"main|vertical|False").hexdigest()[:16]
    )
    where = EpisodeRef("t", "e")
    key = object_keys.render_key
    assert key(where, "c", "main", "vertical", True, 2, caption_style="social").endswith(
        "/r2-main-vertical-captions-social"
    )
    assert key(where, "c", "main", "vertical", True, 2, caption_style="classic").endswith("/r2-main-vertical-captions")
    assert key(where, "c", "main", "vertical", False, 2).endswith("/r2-main-vertical-plain")


def test_a_render_recorded_before_styles_shows_classic_captions() -> None:
    recorded = {
        "renderId": "a", "format": "vertical", "captions": True, "trackName": "main", "status": "Rendered",
        "width": 1080, "height": 1920, "durationSeconds": 3,
    }  # fmt: skip
    assert RenderView.model_validate(recorded).captionStyle == "classic"
    assert RenderView.model_validate({**recorded, "captions": False}).captionStyle is None


# Requests -----------------------------------------------------------------------------------------

PATH = "/episodes/{episodeId}/clips/{clipId}/renders"


def test_vertical_renders_are_social_by_default_and_the_same_request_is_the_same_render(render: Any) -> None:
    boto3.client("s3").put_object(
        Bucket=BUCKET, Key=TRANSCRIPT, Body=b"1\n00:00:10,000 --> 00:00:12,000\nhello there my dear old friend\n"
    )
    metadata, settings = started_job(render)

    status, again = call(render, "POST", PATH, {"format": "vertical", "captionStyle": "social"})
    assert status == 202 and again["renderId"] == metadata["renderId"] and again["captionStyle"] == "social"
    record = clip_record(render.services.table)["renders"][metadata["renderId"]]
    assert record["captionStyle"] == "social"
    output = settings["OutputGroups"][0]["Outputs"][0]
    destination = settings["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    assert destination.endswith("/r0-main-vertical-captions-social")
    burn = output["CaptionDescriptions"][0]["DestinationSettings"]["BurninDestinationSettings"]
    assert burn["FontFileRegular"] == FONTS.regular and burn["FontSize"] == 96
    caption_key = f"renders/{TENANT}/{EPISODE}/{CLIP}/{metadata['renderId']}-{metadata['attempt']}.srt"
    text = boto3.client("s3").get_object(Bucket=BUCKET, Key=caption_key)["Body"].read().decode()
    assert [cue.content for cue in srt.parse(text)] == ["hello there my", "dear old friend"]


def test_classic_is_asked_for_or_the_default_of_other_formats(render: Any) -> None:
    social, _ = started_job(render)
    classic, _ = started_job(render, {"captionStyle": "classic"})
    landscape, _ = started_job(render, {"format": "landscape"})
    plain, _ = started_job(render, {"format": "square", "captions": False})

    assert classic["renderId"] == hashlib.sha256(b"main|vertical|True").hexdigest()[:16] != social["renderId"]
    recorded = clip_record(render.services.table)["renders"]
    jobs = {"social": social, "classic": classic, "landscape": landscape, "plain": plain}
    styles = {name: recorded[job["renderId"]].get("captionStyle") for name, job in jobs.items()}
    assert styles == {"social": "social", "classic": "classic", "landscape": "classic", "plain": None}
    status, again = call(render, "POST", PATH, {"format": "landscape", "captionStyle": "classic"})
    assert status == 202 and again["renderId"] == landscape["renderId"] and again["captionStyle"] == "classic"


@pytest.mark.parametrize("body", [{"captionStyle": "tiktok"}, {"captions": False, "captionStyle": "social"}])
def test_a_style_that_cannot_be_is_refused(render: Any, body: dict[str, Any]) -> None:
    status, answer = call(render, "POST", PATH, body)
    assert status == 400 and "captionStyle" in answer["message"]
    assert "renders" not in clip_record(render.services.table)
    assert PK
