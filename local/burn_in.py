"""`BurninDestinationSettings` (REST-JSON wire names) as the local renderer's CaptionStyle.

Colours by name or hex, size, outline, position, shadow and background, and the custom font files: as
MediaConvert takes them, all four or none (`fontFileRegular`, `fontFileBold`, `fontFileItalic`,
`fontFileBoldItalic`), each the s3:// URI of a TrueType (`.ttf`) file. A setting the service would refuse
raises BurnInError naming the field; `job_settings` reports it with its place in the job.
"""

from __future__ import annotations

import re
from typing import Any

from local.captions import CaptionStyle

_COLORS = {
    "WHITE": "FFFFFF", "BLACK": "000000", "YELLOW": "FFFF00", "RED": "FF0000", "GREEN": "00FF00", "BLUE": "0000FF",
}  # fmt: skip
FONT_FILES = ("fontFileRegular", "fontFileBold", "fontFileItalic", "fontFileBoldItalic")
_TTF_URI = re.compile(r"^s3://[^/]+/.+\.ttf$")
"""botocore's pattern for a font file, less the https:// form (the local stack reads its own S3 only)."""


class BurnInError(ValueError):
    """A burn-in setting the service refuses: the field (wire name) and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_burn_in(settings: dict[str, Any]) -> CaptionStyle:
    def color(name: str, default: str | None) -> str | None:
        value = settings.get(name, "AUTO")
        if value == "HEX" and name == "fontColor":
            return str(settings.get("hexFontColor", "FFFFFF"))[:6].upper()
        if value in ("NONE", "AUTO"):
            return None if value == "NONE" else default
        return _COLORS.get(value, default)

    background = color("backgroundColor", None)
    shadow = color("shadowColor", None)
    return CaptionStyle(
        font_files=font_files(settings),
        font_size=settings.get("fontSize") or None,  # 0 or blank: automatic
        outline_size=settings.get("outlineSize"),
        font_color=color("fontColor", "FFFFFF") or "FFFFFF",
        font_opacity=int(settings.get("fontOpacity", 255)),
        outline_color=color("outlineColor", "000000") or "000000",
        alignment="LEFT" if settings.get("alignment") == "LEFT" else "CENTERED",
        x_position=settings.get("xPosition"),
        y_position=settings.get("yPosition"),
        background_color=background,
        background_opacity=int(settings.get("backgroundOpacity", 0)) if background else 0,
        shadow_color=shadow,
        shadow_opacity=int(settings.get("shadowOpacity", 0)) if shadow else 0,
        shadow_x=int(settings.get("shadowXOffset", 0)),
        shadow_y=int(settings.get("shadowYOffset", 0)),
    )


def font_files(settings: dict[str, Any]) -> tuple[str, str, str, str] | None:
    """The four custom font files (Regular, Bold, Italic, BoldItalic), or None when none is set."""
    files = [settings.get(name) for name in FONT_FILES]
    if not any(files):
        return None
    for name, uri in zip(FONT_FILES, files, strict=True):
        if not uri:
            raise BurnInError(name, "a custom font needs all four font files")
        if not _TTF_URI.match(str(uri)):
            raise BurnInError(name, "must be the s3:// URI of a TrueType (.ttf) file")
    regular, bold, italic, bold_italic = (str(uri) for uri in files)
    return regular, bold, italic, bold_italic
