"""The caption file of one render: a clip's caption lines (or, for a clip proposed before it had lines, its
transcript's SRT) made safe to burn into a frame. Pure.

A transcript is the producer's file; burned in as uploaded, three things in real transcripts
spoil the frame:

- control and format characters (Unicode Cc, Cf), explicitly the bidi controls (U+202A-U+202E,
  U+2066-U+2069, U+200E, U+200F, U+061C): they draw nothing but reorder the words around them;
- emoji and other pictographs: MediaConvert's burn-in font has none, nor has the local renderer's
  Noto Sans, so each one draws an empty box;
- long lines: a line is broken at spaces if at all, so a 400-character word runs off the frame.

So each cue's text is cleaned (`clean_cue_text`), then wrapped into lines that fit the frame at
the format's burn-in font size (`layout_for`, `wrap_lines`), a word wider than a line broken
inside. A cue that needs more lines than fit below the captions' top is shown page by page within
its own time span; a cue with nothing left to show, or outside the clip's segments, is dropped. Cue
times are otherwise kept as they are: relative to the input, so the job's input clippings cut the
captions with the video, as they did the transcript.

Pictographs are found with the standard library (`unicodedata`) and the explicit ranges below,
not the `regex` or `emoji` packages, which the handlers' layer does not ship.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import srt

from handlers.contract import FRAME_SIZES
from handlers.core.domain.render_job import burn_in
from handlers.core.domain.srt import subtitles

# Characters -------------------------------------------------------------------------------------

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides, isolates and marks. All are Cf; named so no exception to Cf lets one through."""
ZWNJ = "\u200c"
"""Zero-width non-joiner, the one Cf kept: part of Persian and Indic spelling, it neither draws nor reorders."""
PICTOGRAPH_BLOCKS = (
    (0x2600, 0x27BF),  # Miscellaneous Symbols, Dingbats: ☀ ☺ ♥ ♪ ✂ ✅ ❤
    (0x2B00, 0x2BFF),  # Miscellaneous Symbols and Arrows: ⬛ ⭐ ⭕
    (0x1F000, 0x1FBFF),  # Mahjong tiles to Legacy Computing: emoticons, pictographs, regional indicators, skin tones
)
"""Blocks whose symbols (categories So and Sk) are all dropped."""
EMOJI_ELSEWHERE = frozenset(
    [0x231A, 0x231B, 0x2328, 0x23CF, *range(0x23E9, 0x23F4), *range(0x23F8, 0x23FB), 0x25FD, 0x25FE]
)
"""Emoji outside those blocks (⌚ ⌛ ⌨ ⏏ ⏩-⏳ ⏸-⏺ ◽ ◾). Other symbols (© ® ™, arrows, shapes) stay: they are text."""
EMOJI_MARKS = (
    (0xFE00, 0xFE0F),  # variation selectors (FE0F: "draw the emoji")
    (0xE0100, 0xE01EF),  # variation selectors supplement
    (0x20E3, 0x20E3),  # combining enclosing keycap (1️⃣ leaves its digit)
)
"""Marks that only shape an emoji sequence. ZWJ (U+200D) and the tag characters of subdivision flags are Cf."""

_TAG = re.compile(r"<[^>]*>")
"""SRT's markup (<i>, <b>, <u>, <font color=…>): kept, and takes no room on a line."""
_TAG_OR_CHAR = re.compile(r"<[^>]*>|.", re.DOTALL)
_WORD = re.compile(r"(?:<[^>]*>|[^\s<]|<)+")
"""A run of characters and tags between spaces (a tag may hold a space: `<font color="red">`)."""
_SUSPECT = re.compile("[^\n\x20-\x7e\u00c0-\u024f\u0400-\u04ff\u3041-\u3096\u30a0-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")
"""Characters that need a look: everything but a few ranges where every character is kept (ASCII,
Latin, Cyrillic, kana, CJK ideographs, Hangul), so most transcripts are cleaned at C speed."""


def clean_cue_text(text: str) -> str:
    """A cue's text without controls and pictographs, spaces collapsed, lines without text merged away.

    Tabs and other spaces become one space, line and paragraph separators a line break. Markup
    tags stay; a line left with tags only joins the next one. "" when nothing visible is left.
    """
    text = _SUSPECT.sub(lambda match: _replacement(match.group()), text.replace("\r\n", "\n").replace("\r", "\n"))
    lines: list[str] = []
    pending = ""
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if visible_text(line):
            lines.append(pending + line)
            pending = ""
        else:
            pending += line
    if pending and lines:
        lines[-1] += pending
    return "\n".join(lines)


def visible_text(text: str) -> str:
    """What a renderer draws of `text`: without markup tags and surrounding space."""
    return _TAG.sub("", text).strip()


@functools.cache
def _replacement(char: str) -> str:
    """What one suspect character becomes: itself, a space, a line break or nothing."""
    if char in BIDI_CONTROLS:
        return ""
    if char == "\t":
        return " "
    category = unicodedata.category(char)
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if char == ZWNJ:
        return char
    if category[0] == "C":  # Cc, Cf, Cs, Co (private use: no font), Cn (unassigned)
        return ""
    return "" if is_pictograph(char) else char


def is_pictograph(char: str) -> bool:
    """An emoji, a pictograph or a mark of an emoji sequence: no burn-in font draws it."""
    point = ord(char)
    if any(low <= point <= high for low, high in EMOJI_MARKS) or point in EMOJI_ELSEWHERE:
        return True
    return unicodedata.category(char) in ("So", "Sk") and any(low <= point <= high for low, high in PICTOGRAPH_BLOCKS)


# Width and lines --------------------------------------------------------------------------------

SIDE_MARGIN = 0.06
"""Room kept free at each side of the frame, as a share of its width (the local renderer's margin)."""
LINE_SPACING_EMS = 1.4
"""Distance between two lines' baselines, in font sizes (Noto Sans: ascent 1.069 + descent 0.293)."""
MAX_LINES = 2
"""Lines shown at once, the usual limit for captions; fewer when fewer fit below the captions' top."""
_WIDE = frozenset("mwMW@%ŒœÆæЖжМмШшЩщЮю")


@dataclass(frozen=True)
class CaptionLayout:
    """How much text one caption may hold: its lines' width in ems (font sizes) and how many lines."""

    line_ems: float
    max_lines: int


@functools.cache
def advance_ems(char: str) -> float:
    """A character's width in ems, an estimate on the wide side so a line never ends up wider.

    Taken from Noto Sans's advances, which every ASCII and nearly every Latin letter stays within:
    East Asian wide characters are square (1 em), the widest Latin and Cyrillic glyphs (m, W, @)
    about 1 em, other capitals at most 0.8, everything else at most 0.62; marks take no room.
    """
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F") or char in _WIDE:
        return 1.0
    return 0.8 if char.isupper() else 0.62


def text_ems(text: str) -> float:
    """The estimated width of a line of text, markup tags taking no room."""
    return sum(map(advance_ems, _TAG.sub("", text)))


def layout_for(format_name: str) -> CaptionLayout:
    """The caption layout of a format's frame at the burn-in font size of `render_job.burn_in`.

    A line spans the frame's width less the side margins and the outline; the lines hang from the
    captions' top (YPosition) and must end above the frame's bottom edge.
    """
    width, height = FRAME_SIZES[format_name]
    settings = burn_in(height, height > width)["BurninDestinationSettings"]
    font, outline, top = settings["FontSize"], settings["OutlineSize"], settings["YPosition"]
    line_ems = (width * (1 - 2 * SIDE_MARGIN) - 2 * outline) / font
    fitting = int((height - top - 2 * outline) // (font * LINE_SPACING_EMS))
    return CaptionLayout(line_ems, max(1, min(MAX_LINES, fitting)))


NARROWEST = CaptionLayout(
    min(layout_for(name).line_ems for name in FRAME_SIZES), min(layout_for(name).max_lines for name in FRAME_SIZES)
)
"""A layout that fits every format (vertical's width at its larger font, landscape's line count)."""


def wrap_lines(text: str, layout: CaptionLayout) -> list[str]:
    """The cleaned cue's lines, each at most `layout.line_ems` wide; a wider word is broken inside."""
    lines: list[str] = []
    for hard_line in text.split("\n"):
        lines.extend(_wrap(hard_line, layout.line_ems))
    return lines


def _wrap(line: str, budget: float) -> list[str]:
    """Greedy: as many words as fit, then the next line."""
    space = advance_ems(" ")
    lines: list[str] = []
    current, used = "", 0.0
    for word in _WORD.findall(line):
        for piece, width in _pieces(word, budget):
            if current and used + space + width <= budget:
                current, used = f"{current} {piece}", used + space + width
            else:
                if current:
                    lines.append(current)
                current, used = piece, width
    if current:
        lines.append(current)
    return lines


def _pieces(word: str, budget: float) -> list[tuple[str, float]]:
    """The word in pieces of at most `budget` ems, with their widths; a mark stays with its letter."""
    width = text_ems(word)
    if width <= budget:
        return [(word, width)]
    pieces: list[tuple[str, float]] = []
    current, used = "", 0.0
    for token in _TAG_OR_CHAR.findall(word):
        advance = 0.0 if len(token) > 1 else advance_ems(token)
        if advance and used and used + advance > budget:
            pieces.append((current, used))
            current, used = "", 0.0
        current, used = current + token, used + advance
    if current:
        pieces.append((current, used))
    return pieces


# The file ---------------------------------------------------------------------------------------

CONTENT_TYPE = "application/x-subrip"
"""The caption file's media type (SRT), stored with it."""
Range = tuple[float, float]
"""Start and end of a range of the input, in seconds."""


def caption_cues(
    subtitles: Iterable[srt.Subtitle], layout: CaptionLayout = NARROWEST, within: Sequence[Range] | None = None
) -> list[srt.Subtitle]:
    """Cleaned, wrapped and paged cues; cues with nothing to show, or outside every range of `within`, are left out."""
    cues: list[srt.Subtitle] = []
    for subtitle in subtitles:
        if within is not None and not shown(subtitle, within):
            continue
        lines = wrap_lines(clean_cue_text(subtitle.content), layout)
        if lines:
            pages = [lines[first : first + layout.max_lines] for first in range(0, len(lines), layout.max_lines)]
            for begin, finish, text in _paged(subtitle.start, subtitle.end, pages):
                cues.append(srt.Subtitle(len(cues) + 1, begin, finish, text))
    return cues


def shown(subtitle: srt.Subtitle, within: Sequence[Range]) -> bool:
    """Whether the cue overlaps one of the ranges (the input clippings keep it, cut to the range)."""
    start, end = subtitle.start.total_seconds(), subtitle.end.total_seconds()
    return any(end > range_start and start < range_end for range_start, range_end in within)


def _paged(start: timedelta, end: timedelta, pages: Sequence[list[str]]) -> list[tuple[timedelta, timedelta, str]]:
    """One cue per page, the cue's time shared by the pages' widths (reading time); the first page
    starts and the last ends when the cue does (SRT counts milliseconds)."""
    weights = [sum(text_ems(line) for line in page) for page in pages]
    total, span = sum(weights), (end - start) / timedelta(milliseconds=1)
    cues: list[tuple[timedelta, timedelta, str]] = []
    begin, done = start, 0.0
    for number, (page, weight) in enumerate(zip(pages, weights, strict=True), start=1):
        done += weight
        finish = end if number == len(pages) else start + timedelta(milliseconds=round(span * done / total))
        cues.append((begin, finish, "\n".join(page)))
        begin = finish
    return cues


def caption_file(
    srt_text: str | bytes, layout: CaptionLayout = NARROWEST, within: Sequence[Range] | None = None
) -> str:
    """The caption file of one render, SRT: the transcript's cues cleaned, wrapped to `layout`, renumbered.

    `within`: the input ranges the render shows (a clip's segments, in seconds); only the cues
    showing in one are kept (whole, at their own times), so the file is the clip's captions and the
    work follows the clip's length, not the episode's. "" when no cue has anything left to show;
    `InvalidTranscript` when the transcript is not SRT. Cue markup is kept; text after the
    timestamps (positions some players read) is not.
    """
    cues = caption_cues(_subtitles(srt_text), layout, within)
    return srt.compose(cues, reindex=True) if cues else ""


def caption_file_of_lines(
    lines: Iterable[tuple[float, float, str]], layout: CaptionLayout = NARROWEST, within: Sequence[Range] | None = None
) -> str:
    """The caption file of one render from a clip's own caption lines (start, end, text; seconds of the input):
    cleaned, wrapped, paged and kept or left out exactly as a transcript's cues are (`caption_file`)."""
    subtitles = [
        srt.Subtitle(number, timedelta(seconds=start), timedelta(seconds=end), text)
        for number, (start, end, text) in enumerate(lines, start=1)
    ]
    cues = caption_cues(subtitles, layout, within)
    return srt.compose(cues, reindex=True) if cues else ""


def _subtitles(data: str | bytes) -> list[srt.Subtitle]:
    return subtitles(data)[1]
