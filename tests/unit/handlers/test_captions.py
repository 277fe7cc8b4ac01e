"""The caption file of a render (`handlers.core.domain.captions`): controls and pictographs out, lines that fit."""

from __future__ import annotations

import datetime
import itertools
import sys
import unicodedata

import pytest
import srt

from handlers.core.domain import captions
from handlers.core.domain.srt import InvalidTranscript

VERTICAL = captions.layout_for("vertical")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
LONG_WORD = ("nullcheckserverless" * 22)[:400]


def cue(start: float, end: float, text: str) -> str:
    def stamp(seconds: float) -> str:
        return srt.timedelta_to_srt_timestamp(datetime.timedelta(seconds=seconds))

    return f"{stamp(start)} --> {stamp(end)}\n{text}"


def transcript(*cues: str) -> str:
    return "\n\n".join(f"{number}\n{text}" for number, text in enumerate(cues, start=1)) + "\n"


def parsed(text: str) -> list[srt.Subtitle]:
    return list(srt.parse(text))


# Characters -------------------------------------------------------------------------------------


def test_bidi_controls_are_stripped_and_the_words_stay_in_order() -> None:
    for control in BIDI:
        assert captions.clean_cue_text(f"price {control}100{control} dollars") == "price 100 dollars", hex(ord(control))
    hebrew = "\u05e9\u05dc\u05d5\u05dd"
    assert captions.clean_cue_text(f"\u202eevil.exe\u202c and \u2067{hebrew}\u2069") == f"evil.exe and {hebrew}"


def test_other_controls_and_format_characters_go_newlines_stay_tabs_become_spaces() -> None:
    text = "a\x00b\x07c\x1b[31md\u00ade\ufefff\u2060g\u200bh\x7fi\tj\r\nk\u2028l\u00a0\u3000m"

    assert captions.clean_cue_text(text) == "abc[31mdefghi j\nk\nl m"


def test_emoji_sequences_leave_nothing_behind() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # ZWJ sequence
    thumbs = "\U0001f44d\U0001f3fd"  # skin tone modifier
    france = "\U0001f1eb\U0001f1f7"  # two regional indicators
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # a flag and tag characters
    flags = f"{france} {scotland}"
    heart = "\u2764\ufe0f"  # text symbol + emoji presentation selector
    text = f"We {heart} it {family} {thumbs}! {flags} \U0001f600\U0001f389 \u2b50 \u231a done"

    assert captions.clean_cue_text(text) == "We it ! done"
    keycaps = "step 1\ufe0f\u20e3 then #\ufe0f\u20e3"
    assert captions.clean_cue_text(keycaps) == "step 1 then #", "keycaps keep their digit"


def test_every_emoji_of_the_unicode_data_is_dropped() -> None:
    regex = pytest.importorskip("regex")  # a development dependency only: the handlers use explicit ranges
    emoji = regex.compile(r"\p{Emoji_Presentation}|\p{Emoji_Modifier}|\p{Regional_Indicator}")
    pictograph = regex.compile(r"\p{Extended_Pictographic}")
    kept = [
        f"U+{point:04X}"
        for point in range(sys.maxunicode + 1)
        if (emoji.match(chr(point)) or (point >= 0x1F000 and pictograph.match(chr(point))))
        and captions.clean_cue_text(f"a{chr(point)}b") != "ab"
    ]

    assert kept == []


def test_text_of_every_script_is_kept() -> None:
    text = (
        "Ça va, naïve Zoë? Привет. 日本語のテキスト 한국어 中文 שלום עולם مرحبا بالعالم नमस्ते ไทย "
        "© ® ™ 1 # * e\u0301 می\u200cخواهم"  # noqa: RUF001 (Persian, with its zero-width non-joiner)
    )

    assert captions.clean_cue_text(text) == text


def test_the_ranges_cleaned_at_c_speed_hold_nothing_to_clean() -> None:
    skipped = [
        char for char in map(chr, range(sys.maxunicode + 1)) if char != "\n" and not captions._SUSPECT.match(char)
    ]

    assert len(skipped) > 20_000
    assert [char for char in skipped if unicodedata.category(char)[0] in "CZ" and char != " "] == []
    assert [char for char in skipped if captions.is_pictograph(char)] == []


def test_markup_stays_and_lines_of_markup_only_join_their_neighbour() -> None:
    assert captions.clean_cue_text('<i>Hello</i> <font color="red">\U0001f525 there</font>') == (
        '<i>Hello</i> <font color="red"> there</font>'
    )
    assert captions.clean_cue_text("<i>\n\U0001f600\nwords</i>") == "<i>words</i>"
    assert captions.clean_cue_text("<b>\U0001f600</b>") == ""
    assert captions.clean_cue_text(" \u200f \n\t") == ""


# Lines ------------------------------------------------------------------------------------------


def test_each_format_fits_two_lines_and_vertical_is_the_narrowest() -> None:
    layouts = {name: captions.layout_for(name) for name in ("vertical", "landscape", "square")}

    assert {layout.max_lines for layout in layouts.values()} == {2}
    assert layouts["vertical"] == captions.NARROWEST
    assert layouts["vertical"].line_ems < layouts["square"].line_ems < layouts["landscape"].line_ems
    # Some 20 characters across a vertical frame at its 67 px captions: what fits 950 px.
    assert 20 <= len(captions.wrap_lines("x" * 100, VERTICAL)[0]) <= 24


def test_long_words_are_broken_and_no_line_is_wider_than_the_frame() -> None:
    text = f"{LONG_WORD} then short words here and there, and a {'W' * 40} of capitals"

    lines = captions.wrap_lines(text, VERTICAL)

    assert all(captions.text_ems(line) <= VERTICAL.line_ems for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert max(len(line) for line in lines) < 30


def test_cjk_without_spaces_is_broken_too_and_marks_stay_with_their_letter() -> None:
    lines = captions.wrap_lines("日本語" * 40 + " " + "e\u0301" * 60, VERTICAL)

    assert all(captions.text_ems(line) <= VERTICAL.line_ems for line in lines)
    assert not any(line.startswith("\u0301") for line in lines)
    assert "".join(lines).replace(" ", "") == "日本語" * 40 + "e\u0301" * 60


def test_markup_takes_no_room() -> None:
    word = "a" * 22
    assert captions.wrap_lines(f"<i>{word}</i>", VERTICAL) == [f"<i>{word}</i>"]
    assert captions.text_ems('<font color="#ff0000">ab</font>') == captions.text_ems("ab")


# The file ---------------------------------------------------------------------------------------


def test_cue_times_stay_as_they_were() -> None:
    text = transcript(
        cue(4.0, 5.6, "Welcome back to Null Check"),
        cue(10.0, 15.0, "\u202bThis line\u202c is cut \U0001f600 from the clip"),
        cue(20.6, 30.0, "Serverless at <i>scale</i>"),
    )

    cleaned = parsed(captions.caption_file(text, VERTICAL))

    assert [(c.start, c.end) for c in cleaned] == [(c.start, c.end) for c in parsed(text)]
    assert [c.content for c in cleaned] == [
        "Welcome back to Null\nCheck",
        "This line is cut from\nthe clip",
        "Serverless at <i>scale</i>",
    ]


def test_a_cue_left_empty_is_dropped_and_the_rest_renumbered() -> None:
    text = transcript(cue(1, 2, "first"), cue(3, 4, "\U0001f600 \U0001f389\u200f"), cue(5, 6, "third"))

    cleaned = parsed(captions.caption_file(text))

    assert [(c.index, c.content, c.start.seconds) for c in cleaned] == [(1, "first", 1), (2, "third", 5)]
    assert captions.caption_file(transcript(cue(1, 2, "\U0001f44d\U0001f3fd"))) == ""


def test_a_400_character_word_is_shown_page_by_page_within_its_cue() -> None:
    text = transcript(cue(29.0, 33.0, f"\u202eLook\u202c {LONG_WORD} \U0001f44d\U0001f3fd done"), cue(40, 41, "next"))

    pages = parsed(captions.caption_file(text, VERTICAL))
    *long, following = pages

    assert len(long) > 5
    assert all(len(page.content.split("\n")) <= VERTICAL.max_lines for page in pages)
    assert all(captions.text_ems(line) <= VERTICAL.line_ems for page in pages for line in page.content.split("\n"))
    assert long[0].start == datetime.timedelta(seconds=29) and long[-1].end == datetime.timedelta(seconds=33)
    assert all(before.end == after.start for before, after in itertools.pairwise(long))
    assert all(page.start < page.end for page in long)
    assert "".join(page.content for page in long).replace("\n", "").replace(" ", "") == f"Look{LONG_WORD}done"
    assert (following.start, following.end, following.content) == (
        datetime.timedelta(seconds=40),
        datetime.timedelta(seconds=41),
        "next",
    )


def test_a_landscape_file_has_longer_lines_than_a_vertical_one() -> None:
    text = transcript(cue(0, 4, "the frame decides how wide a line can be"))

    assert parsed(captions.caption_file(text, captions.layout_for("landscape")))[0].content == (
        "the frame decides how wide a line can be"
    )
    assert parsed(captions.caption_file(text, VERTICAL))[0].content == "the frame decides how\nwide a line can be"


def test_bytes_with_a_byte_order_mark_are_read_and_what_is_not_srt_is_refused() -> None:
    assert parsed(captions.caption_file(("\ufeff" + transcript(cue(1, 2, "hi"))).encode()))[0].content == "hi"
    with pytest.raises(InvalidTranscript, match="line 2: expected a cue"):
        captions.caption_file("1\nnot a time\nhello\n")
    with pytest.raises(InvalidTranscript, match="UTF-8"):
        captions.caption_file(b"1\n00:00:01,000 --> 00:00:02,000\n\xff\n")


def test_within_keeps_the_cues_a_clip_shows_whole_and_at_their_own_times() -> None:
    text = transcript(
        cue(4.0, 5.6, "overlaps the start of the first range"),
        cue(10.0, 15.0, "between the ranges"),
        cue(20.6, 30.0, "inside the second"),
        cue(41.2, 42.0, "starts where the last range ends"),
    )

    cleaned = parsed(captions.caption_file(text, VERTICAL, within=[(5.0, 6.2), (20.0, 21.2), (40.0, 41.2)]))

    assert [(c.start.total_seconds(), c.end.total_seconds()) for c in cleaned] == [(4.0, 5.6), (20.6, 30.0)]
    assert captions.caption_file(text, within=[(16.0, 19.0)]) == ""
