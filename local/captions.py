"""Burned-in captions for the local MediaConvert: SRT cues re-timed into a clip, drawn with libass.

MediaConvert reads an SRT caption selector by time from the start of the input; with input
clippings, each clipping keeps the cues of its range, re-timed into the output. Burn-in
settings (font size, outline, position) refer to the output frame, so the cues become an ASS
script on the output's pixel grid (PlayRes = output size), drawn after cropping and scaling.
The font is Noto Sans from the `fontpkg-noto-sans` wheel: no system fonts needed.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import srt

from local.media import INPUT_ERROR, MediaError

FONT_NAME = "Noto Sans"
_SRT_TAGS = re.compile(r"<(/?)([biu])>|<[^>]*>", re.IGNORECASE)
_STYLE_FIELDS = (
    "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, "
    "StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, "
    "Encoding"
)


@dataclass(frozen=True)
class CaptionStyle:
    """BurninDestinationSettings; a None size means automatic, sized from the output frame."""

    font_size: int | None = None
    outline_size: int | None = None
    font_color: str = "FFFFFF"  # RRGGBB
    font_opacity: int = 255
    outline_color: str = "000000"
    alignment: str = "CENTERED"  # or LEFT
    x_position: int | None = None
    y_position: int | None = None  # the top of the captions, in output pixels
    background_color: str | None = None
    background_opacity: int = 0
    shadow_color: str | None = None
    shadow_opacity: int = 0
    shadow_x: int = 0
    shadow_y: int = 0
    font_files: tuple[str, str, str, str] | None = None
    """FontFileRegular, FontFileBold, FontFileItalic, FontFileBoldItalic (s3:// URIs), or None: Noto Sans."""


@dataclass(frozen=True)
class Cue:
    start: float  # seconds in output time
    end: float
    text: str  # SRT text (may hold <i>, <b>, <u>)


def parse_srt(text: str, *, uri: str) -> list[srt.Subtitle]:
    """The cues of an SRT file in time order; MediaError(1010) when it is not one."""
    try:
        return sorted(srt.parse(text), key=lambda subtitle: subtitle.start)
    except (srt.SRTParseError, ValueError) as error:
        raise MediaError(INPUT_ERROR, f"Unable to read caption file [{uri}]: [{error}]") from error


def retime_cues(subtitles: Sequence[srt.Subtitle], ranges: Sequence[tuple[float, float]]) -> list[Cue]:
    """The cues of each (start, end) input range, clipped to it and shifted into output time.

    A range's output time starts where the ranges before it end, so a cue at input time t in a
    range starting at s, after ranges lasting d in all, shows at t - s + d.
    """
    cues = []
    offset = 0.0
    for range_start, range_end in ranges:
        for subtitle in subtitles:
            start, end = subtitle.start.total_seconds(), subtitle.end.total_seconds()
            if end <= range_start or start >= range_end:
                continue
            begin = max(start, range_start) - range_start + offset
            finish = min(end, range_end) - range_start + offset
            if finish - begin >= 0.01:
                cues.append(Cue(begin, finish, subtitle.content))
        offset += range_end - range_start
    return cues


def ass_document(cues: Sequence[Cue], style: CaptionStyle, width: int, height: int, font_name: str = FONT_NAME) -> str:
    """An ASS script drawing the cues on a width x height frame (1 unit = 1 output pixel).

    Automatic size: 5.5 % of the output height, at most 7.5 % of its width (81 px on 1080x1920,
    59 px on 1920x1080 and 1080x1080), with an outline of 7 % of that. `font_name`: the face the job's
    FontFileRegular holds (libass finds it in the fonts folder), Noto Sans without one. Without a YPosition the
    text sits at the bottom above a safe area: a fifth of the height on vertical outputs, where the apps draw
    their own controls over the bottom of the picture, 7 % otherwise.
    """
    font_size = style.font_size or round(min(0.055 * height, 0.075 * width))
    outline = style.outline_size if style.outline_size is not None else max(2, round(font_size * 0.07))
    margin_v = round(height * (0.2 if height > width else 0.07))
    margin_h = round(width * 0.06)
    boxed = style.background_color is not None and style.background_opacity > 0
    primary = _ass_color(style.font_color, style.font_opacity)
    if boxed:  # BorderStyle 3: an opaque box in the outline colour instead of an outline
        background = _ass_color(style.background_color or "000000", style.background_opacity)
        border_style, border, border_color = 3, max(outline, 4), background
    else:
        border_style, border, border_color = 1, outline, _ass_color(style.outline_color, 255)
    shadow_color = _ass_color(style.shadow_color or "000000", style.shadow_opacity)
    alignment = 1 if style.alignment == "LEFT" else 2  # numpad positions: bottom left, bottom centre
    style_values = [
        "Default", font_name, font_size, primary, primary, border_color, shadow_color,
        0, 0, 0, 0, 100, 100, 0, 0, border_style, border, 0, alignment, margin_h, margin_h, margin_v, 1,
    ]  # fmt: skip
    lines = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "",
        "[V4+ Styles]",
        f"Format: {_STYLE_FIELDS}",
        "Style: " + ",".join(str(value) for value in style_values),
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    prefix = _override_tags(style, width, height, margin_h, margin_v)
    for cue in cues:
        text = prefix + _ass_text(cue.text)
        lines.append(f"Dialogue: 0,{_ass_time(cue.start)},{_ass_time(cue.end)},Default,,0,0,0,,{text}")
    return "\n".join(lines) + "\n"


def fonts_dir() -> Path:
    """Where the caption font's TTF files are (the fontpkg-noto-sans wheel)."""
    return Path(str(importlib.resources.files("fontpkg_noto_sans") / "files"))


def _override_tags(style: CaptionStyle, width: int, height: int, margin_h: int, margin_v: int) -> str:
    """Explicit XPosition/YPosition and shadow offsets, as tags starting every cue."""
    tags = ""
    if style.y_position is not None or style.x_position is not None:
        left = style.alignment == "LEFT"
        x = style.x_position if style.x_position is not None else (margin_h if left else width // 2)
        if style.y_position is not None:  # anchored by the top of the text
            tags += f"\\an{7 if left else 8}\\pos({x},{style.y_position})"
        else:
            tags += f"\\an{1 if left else 2}\\pos({x},{height - margin_v})"
    if style.shadow_opacity and (style.shadow_x or style.shadow_y):
        tags += f"\\xshad{style.shadow_x}\\yshad{style.shadow_y}"
    return f"{{{tags}}}" if tags else ""


def _ass_text(text: str) -> str:
    """SRT text as ASS: <i>/<b>/<u> become override tags, other tags go, braces stay literal."""
    # A backslash could start an ASS escape (\N, \h): a zero-width space after it keeps it literal.
    text = text.replace("\\", "\\\u200b").replace("{", "\\{").replace("}", "\\}")

    def tag(match: re.Match[str]) -> str:
        if match.group(2) is None:
            return ""  # <font ...> and anything else
        return f"{{\\{match.group(2).lower()}{0 if match.group(1) else 1}}}"

    text = _SRT_TAGS.sub(tag, text.strip())
    return "\\N".join(line.strip() for line in text.splitlines())


def _ass_color(rgb: str, opacity: int) -> str:
    """&HAABBGGRR, where alpha 00 is opaque."""
    red, green, blue = rgb[0:2], rgb[2:4], rgb[4:6]
    return f"&H{255 - max(0, min(255, opacity)):02X}{blue}{green}{red}".upper()


def _ass_time(seconds: float) -> str:
    centiseconds = max(0, round(seconds * 100))
    hours, rest = divmod(centiseconds, 360000)
    minutes, rest = divmod(rest, 6000)
    return f"{hours}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"
