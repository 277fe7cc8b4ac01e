"""The social captions' fonts: four TrueType objects under a prefix nothing expires, named to the one function
that starts renders, readable by the MediaConvert role."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from components.caption_fonts import FACES, TYPE, CaptionFonts, CaptionFontsArgs, font_files
from components.media_bucket import expiry_by_prefix
from handlers.catalog import FUNCTIONS, Env
from handlers.core.store import object_keys
from tests.pulumi_mocks import RecordingMocks, registration, resolve

OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
FUNCTION = "aws:lambda/function:Function"


def test_four_truetype_files_from_the_wheel_under_assets_fonts(mocks: RecordingMocks, build: Any) -> None:
    component = build(lambda: CaptionFonts("caption-fonts", CaptionFontsArgs(bucket="nullcheck-media")))

    objects = {item.name: item for item in mocks.of_type(OBJECT)}
    assert set(objects) == {
        "caption-fonts-regular",
        "caption-fonts-bold",
        "caption-fonts-italic",
        "caption-fonts-bold-italic",
    }
    files = font_files()
    for slot, name in FACES.items():
        item = objects[f"caption-fonts-{slot.replace('_', '-')}"]
        assert item.inputs["key"] == f"assets/fonts/{name}" and item.inputs["contentType"] == "font/ttf"
        assert item.inputs["bucket"] == "nullcheck-media"
        assert registration(item).parent == resolve(component.urn)
        data = files[slot].read_bytes()
        assert data[:4] == b"\x00\x01\x00\x00", "TrueType outlines (MediaConvert takes .ttf only)"
        assert item.inputs["source"].path == str(files[slot])  # a file asset: hashed by content, no diff
    assert resolve(component.urn).endswith(f"{TYPE}::caption-fonts")
    assert json.loads(resolve(component.uris)) == {
        slot: f"s3://nullcheck-media/assets/fonts/{name}" for slot, name in FACES.items()
    }
    # The same bytes on every machine: the wheel's files are pinned (requirements.txt).
    assert len({hashlib.sha256(path.read_bytes()).hexdigest() for path in files.values()}) == 4


def test_no_lifecycle_rule_covers_the_fonts() -> None:
    prefixes = [prefix for prefix, _ in expiry_by_prefix().values()]
    assert not any(object_keys.CAPTION_FONTS_PREFIX.startswith(prefix) for prefix in prefixes)
    assert object_keys.CAPTION_FONTS_PREFIX == "assets/fonts/"


def test_the_stack_names_the_fonts_to_the_function_that_starts_renders(stack: Any, mocks: RecordingMocks) -> None:
    needs = {spec.handler for spec in FUNCTIONS if Env.CAPTION_FONTS in spec.env}
    assert needs == {"handlers.api.request_render.lambda_handler"}
    bucket = mocks.named("media-bucket").outputs["bucket"]  # type: ignore[attr-defined]
    for function in mocks.of_type(FUNCTION):
        variables = function.inputs["environment"]["variables"]
        if function.inputs["handler"] in needs:
            fonts = json.loads(variables[Env.CAPTION_FONTS])
            assert fonts["regular"] == f"s3://{bucket}/assets/fonts/Lato-Bold.ttf" and len(fonts) == 4
        else:
            assert Env.CAPTION_FONTS not in variables, function.name
    # MediaConvert reads them with its role: it may read every object of the bucket.
    [policy] = [p for p in mocks.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "mediaconvert-bucket-access"]
    [statement] = json.loads(policy.inputs["policy"])["Statement"]
    assert "s3:GetObject" in statement["Action"] and statement["Resource"][0].endswith(":::" + bucket + "/*")
