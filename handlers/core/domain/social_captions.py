"""The caption file of a `social` render: a few words at a time, on one line. Pure.

Phone viewers read captions in glances: each cue of the clip (its own caption line, or the
transcript's cue) is cleaned as `captions` cleans it, then shown one to three words at a time,
each group on one line of the large bold type `render_job.burn_in` sets for the style. The cue's
time is shared by its groups in proportion to their words' length (characters, a word wider than
a line broken inside as `captions` breaks it), so the groups follow one another from the cue's
start to its end, none outside it and no gap between them. Markup (`<i>`, `<font …>`) is dropped:
a tag opened in one group and closed in another would spoil both, and the style is bold anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

import srt

from handlers.contract import FRAME_SIZES
from handlers.core.domain import captions
from handlers.core.domain.render_job import SOCIAL, burn_in
from handlers.core.domain.srt import subtitles as parse_subtitles

MAX_WORDS = 3
"""Words shown at once."""


def layout_for(format_name: str) -> captions.CaptionLayout:
    """One line of the format's frame at the social style's font size (`captions.layout_for`'s margins)."""
    width, height = FRAME_SIZES[format_name]
    settings = burn_in(height, height > width, SOCIAL)["BurninDestinationSettings"]
    font, outline = settings["FontSize"], settings["OutlineSize"]
    return captions.CaptionLayout((width * (1 - 2 * captions.SIDE_MARGIN) - 2 * outline) / font, 1)


def word_groups(text: str, layout: captions.CaptionLayout) -> list[str]:
    """The cue's visible words in groups of one to three, each fitting one line: as few groups as can be, and
    of those the ones with the fewest single words (four words are two and two, seven three, two and two)."""
    words: list[str] = []
    for word in captions.visible_text(captions.clean_cue_text(text)).split():
        words.extend(captions.wrap_lines(word, layout))  # a word wider than the line, in pieces
    space = captions.advance_ems(" ")
    widths = [captions.text_ems(word) for word in words]
    # best[i]: (cost, where the last group starts) of the words before i; a group costs 1, a lone word 1.5.
    best: list[tuple[float, int]] = [(0.0, 0)]
    for end in range(1, len(words) + 1):
        options = []
        for size in range(1, min(MAX_WORDS, end) + 1):
            start = end - size
            if size > 1 and sum(widths[start:end]) + space * (size - 1) > layout.line_ems:
                break
            options.append((best[start][0] + (1.5 if size == 1 else 1.0), start))
        best.append(min(options))
    groups: list[str] = []
    end = len(words)
    while end:
        start = best[end][1]
        groups.insert(0, " ".join(words[start:end]))
        end = start
    return groups


def social_cues(
    subtitles: Iterable[srt.Subtitle], layout: captions.CaptionLayout, within: Sequence[captions.Range] | None = None
) -> list[srt.Subtitle]:
    """Each cue (those showing in `within`) as its word groups, one after another within the cue's time."""
    cues: list[srt.Subtitle] = []
    for subtitle in subtitles:
        if within is not None and not captions.shown(subtitle, within):
            continue
        for begin, finish, text in timed_groups(subtitle.start, subtitle.end, word_groups(subtitle.content, layout)):
            cues.append(srt.Subtitle(len(cues) + 1, begin, finish, text))
    return cues


def timed_groups(start: timedelta, end: timedelta, groups: Sequence[str]) -> list[tuple[timedelta, timedelta, str]]:
    """The groups' times: the cue's span shared by their lengths (visible characters, a space between
    words), whole milliseconds, the first starting and the last ending with the cue. A group rounded to no
    time at all (a cue of a few milliseconds) is left out."""
    weights = [len(group) + 1 for group in groups]
    total, span = sum(weights), round((end - start) / timedelta(milliseconds=1))
    timed: list[tuple[timedelta, timedelta, str]] = []
    done, previous = 0, 0
    for group, weight in zip(groups, weights, strict=True):
        done += weight
        offset = span if done == total else round(span * done / total)
        if offset > previous:
            timed.append((start + timedelta(milliseconds=previous), start + timedelta(milliseconds=offset), group))
        previous = offset
    return timed


def caption_file(srt_text: str | bytes, format_name: str, within: Sequence[captions.Range] | None = None) -> str:
    """A transcript's cues as the social file of a render (`captions.caption_file`'s rules otherwise)."""
    cues = social_cues(parse_subtitles(srt_text)[1], layout_for(format_name), within)
    return srt.compose(cues, reindex=True) if cues else ""


def caption_file_of_lines(
    lines: Iterable[tuple[float, float, str]], format_name: str, within: Sequence[captions.Range] | None = None
) -> str:
    """A clip's own caption lines (start, end, text; seconds of the input) as the social file of a render."""
    subtitles = [
        srt.Subtitle(number, timedelta(seconds=start), timedelta(seconds=end), text)
        for number, (start, end, text) in enumerate(lines, start=1)
    ]
    cues = social_cues(subtitles, layout_for(format_name), within)
    return srt.compose(cues, reindex=True) if cues else ""
