"""The social captions' font files in the media bucket, where MediaConvert reads them for every render.

MediaConvert burns captions in with a custom font only from TrueType files it reads itself (`s3://….ttf`), and
once one of `FontFileRegular`, `FontFileBold`, `FontFileItalic`, `FontFileBoldItalic` is set it needs all four.
The files come from the `fontpkg-lato` wheel (Lato 2.015, OFL: static faces, Latin, Greek and Cyrillic), so
every machine deploys the same bytes and `pulumi preview` shows no diff for them. Plain caption text is drawn
with the Regular slot, so that slot holds a bold face: the style is bold throughout, `<b>` heavier still.

They live under `assets/fonts/` (`object_keys.CAPTION_FONTS_PREFIX`), a root no lifecycle rule covers, and the
MediaConvert role reads every object of the bucket.
"""

# No `from __future__ import annotations`: like the other components, its annotations are read at run time.

import json
from pathlib import Path
from typing import TypedDict

import fontpkg_lato
import pulumi
import pulumi_aws as aws

from handlers.core.store import object_keys

TYPE = "nullcheck:index:CaptionFonts"
FACES: dict[str, str] = {
    "regular": "Lato-Bold.ttf",
    "bold": "Lato-Black.ttf",
    "italic": "Lato-BoldItalic.ttf",
    "bold_italic": "Lato-BlackItalic.ttf",
}
"""MediaConvert's four font slots (`render_job.CaptionFonts` fields) → the wheel's file each one reads."""
CONTENT_TYPE = "font/ttf"


def font_files() -> dict[str, Path]:
    """Slot → the TrueType file in the installed wheel."""
    folder = Path(fontpkg_lato.__file__).resolve().parent / "files"
    return {slot: folder / name for slot, name in FACES.items()}


def font_key(file_name: str) -> str:
    """`assets/fonts/{file}`: where a font file lives in the bucket."""
    return f"{object_keys.CAPTION_FONTS_PREFIX}{file_name}"


def font_uris(bucket: str) -> str:
    """The `CAPTION_FONTS` value: slot → `s3://` URI of its file, as JSON (sorted, so always the same text)."""
    return json.dumps({slot: f"s3://{bucket}/{font_key(name)}" for slot, name in FACES.items()}, sort_keys=True)


class CaptionFontsArgs(TypedDict):
    """Where the font files go."""

    bucket: pulumi.Input[str]
    """Name of the bucket MediaConvert reads them from (the media bucket; required)."""


class CaptionFonts(pulumi.ComponentResource):
    """The four TrueType files of the social caption style, one bucket object each, never expiring."""

    uris: pulumi.Output[str]
    """The `CAPTION_FONTS` environment value: JSON of the four files' `s3://` URIs by slot."""

    def __init__(self, name: str, args: CaptionFontsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        self.objects: dict[str, aws.s3.BucketObjectv2] = {
            slot: aws.s3.BucketObjectv2(
                f"{name}-{slot.replace('_', '-')}",
                bucket=args["bucket"],
                key=font_key(path.name),
                # A file asset is compared by its content's hash: the same wheel, no diff.
                source=pulumi.FileAsset(str(path)),
                content_type=CONTENT_TYPE,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for slot, path in font_files().items()
        }
        self.uris = pulumi.Output.all(*(item.bucket for item in self.objects.values())).apply(
            lambda buckets: font_uris(buckets[0])
        )
        self.register_outputs({"uris": self.uris})
