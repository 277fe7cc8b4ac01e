"""The API client's types are the OpenAPI document's schemas, field by field.

`client.api_types` hand-writes a TypedDict for each answer; these tests hold every one of them to the
committed document (`openapi/nullcheck.json`, itself held to the code by
`tests/unit/test_openapi_document.py`): the answer type of each operation has exactly the
properties of its response schema, the same ones required, and compatible types, nested types
included. A property the document does not require may be typed without None even when the
document calls it nullable, because the API leaves such fields out instead of sending null; a
required one must admit None if the document does.

The statuses and render formats the CLI compares answers with (`handlers.contract`) are held to
the document's enums as well, so the CLI never waits for a status the API cannot send.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from client import api_types
from client.api import NullCheckClient
from handlers.contract import RENDER_FORMATS, RenderStatus, ReviewStatus, TrackStatus, TranscriptStatus

DOCUMENT = json.loads((Path(__file__).resolve().parents[3] / "openapi" / "nullcheck.json").read_text("utf-8"))
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
REF = "#/components/schemas/"

ANSWERS: dict[str, tuple[str, type]] = {
    "list-episodes": ("list_episodes", api_types.EpisodePage),
    "create-episode": ("create_episode", api_types.CreatedEpisode),
    "get-episode": ("get_episode", api_types.EpisodeDetail),
    "request-transcript-upload": ("create_transcript_upload", api_types.TranscriptUpload),
    "start-track-upload": ("start_track_upload", api_types.TrackUpload),
    "presign-track-parts": ("get_part_urls", api_types.PartUrls),
    "list-track-parts": ("list_track_parts", api_types.UploadedParts),
    "complete-track-upload": ("complete_track_upload", api_types.CompletedTrack),
    "update-track": ("update_track", api_types.TrackView),
    "list-clips": ("list_clips", api_types.ClipList),
    "get-clip": ("get_clip", api_types.Clip),
    "get-clip-preview": ("clip_preview", api_types.ClipPreview),
    "review-clip": ("review_clip", api_types.Clip),
    "request-render": ("request_render", api_types.RenderAccepted),
}
"""Each operation with a JSON answer: the client method that calls it and the type of its answer."""

REQUEST_PARTS: dict[type, str] = {api_types.CompletedPart: "CompletedPart", api_types.ClipRange: "ClipRange"}
"""Types of what the client sends, by the request schema they must match."""

SIMPLE_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": bool}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a `$ref` or a one-item `allOf` (how a nullable reference is written), with its siblings."""
    rest = {key: value for key, value in schema.items() if key not in ("$ref", "allOf")}
    if "$ref" in schema:
        return resolve({**SCHEMAS[schema["$ref"].removeprefix(REF)], **rest})
    if "allOf" in schema:
        (only,) = schema["allOf"]
        return {**resolve(only), **rest}
    return schema


def fields(typed: type) -> dict[str, tuple[Any, bool]]:
    """Each key of a TypedDict: its value's type and whether the key is required.

    Read from the annotations themselves: with postponed annotations, Python 3.11's
    `__required_keys__` counts every key as required.
    """
    found = {}
    for name, hint in get_type_hints(typed, include_extras=True).items():
        if get_origin(hint) in (NotRequired, Required):
            found[name] = (get_args(hint)[0], get_origin(hint) is Required)
        else:
            found[name] = (hint, bool(getattr(typed, "__total__", True)))
    return found


class Comparison:
    """Compares types with schemas; `checked` collects every TypedDict it went through."""

    def __init__(self) -> None:
        self.checked: set[type] = set()

    def typed_dict(self, typed: type, schema: dict[str, Any], where: str) -> Iterator[str]:
        self.checked.add(typed)
        schema = resolve(schema)
        hints = fields(typed)
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        for name in sorted(properties.keys() - hints.keys()):
            yield f"{where}.{name}: in the document, missing from {typed.__name__}"
        for name in sorted(hints.keys() - properties.keys()):
            yield f"{where}.{name}: in {typed.__name__}, not in the document"
        for name in sorted(hints.keys() & properties.keys()):
            hint, in_type = hints[name]
            in_document = name in required
            if in_type != in_document:
                yield f"{where}.{name}: the document has it {'required' if in_document else 'NotRequired'}"
            yield from self.value(hint, properties[name], f"{where}.{name}", required=in_document)

    def value(self, hint: Any, schema: dict[str, Any], where: str, *, required: bool = True) -> Iterator[str]:
        schema = resolve(schema)
        nullable = bool(schema.get("nullable"))
        if get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint):
            if not nullable:
                yield f"{where}: typed with None, which the document never sends"
            others = [arg for arg in get_args(hint) if arg is not type(None)]
            hint = others[0] if len(others) == 1 else Union[tuple(others)]  # noqa: UP007
        elif nullable and required:
            yield f"{where}: the document may send null here, the type has no None"
        if "enum" in schema:
            yield from self.enum(hint, schema, where)
            return
        kind = schema.get("type")
        if kind in SIMPLE_TYPES:
            if hint is not SIMPLE_TYPES[kind]:
                yield f"{where}: {hint!r} for the document's {kind}"
        elif kind == "array":
            if get_origin(hint) is not list:
                yield f"{where}: {hint!r} for the document's array"
            else:
                yield from self.value(get_args(hint)[0], schema["items"], f"{where}[]")
        elif kind == "object" and is_typeddict(hint):
            yield from self.typed_dict(hint, schema, where)
        elif kind == "object" and get_origin(hint) is dict and "additionalProperties" in schema:
            key, item = get_args(hint)
            if key is not str:
                yield f"{where}: keys typed {key!r}, JSON object keys are strings"
            yield from self.value(item, schema["additionalProperties"], f"{where}[]")
        else:
            yield f"{where}: {hint!r} for the document's {json.dumps(schema)[:200]}"

    def enum(self, hint: Any, schema: dict[str, Any], where: str) -> Iterator[str]:
        """A string enum is a plain `str` or a Literal of exactly its values."""
        values = set(schema["enum"])
        if get_origin(hint) is Literal:
            if set(get_args(hint)) != values:
                yield f"{where}: {sorted(get_args(hint))} for the document's {sorted(values)}"
        elif hint is not str or schema.get("type") != "string":
            yield f"{where}: {hint!r} for the document's enum {sorted(values)}"


def success_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    for status, answer in operation["responses"].items():
        if status.startswith("2"):
            schema: dict[str, Any] | None = answer.get("content", {}).get("application/json", {}).get("schema")
            return schema
    return None


def operations() -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for methods in DOCUMENT["paths"].values()
        for operation in methods.values()
        if "operationId" in operation
    }


def test_every_operation_with_an_answer_has_a_client_type() -> None:
    answering = {name for name, operation in operations().items() if success_schema(operation)}

    assert set(ANSWERS) == answering


@pytest.mark.parametrize("operation_id", sorted(ANSWERS))
def test_the_answer_type_is_the_documented_schema(operation_id: str) -> None:
    _, typed = ANSWERS[operation_id]
    schema = success_schema(operations()[operation_id])
    assert schema is not None

    problems = list(Comparison().typed_dict(typed, schema, typed.__name__))

    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("operation_id", sorted(ANSWERS))
def test_the_client_method_returns_the_answer_or_one_of_its_fields(operation_id: str) -> None:
    method, typed = ANSWERS[operation_id]
    returned = get_type_hints(getattr(NullCheckClient, method))["return"]

    field_types = [hint for hint, _ in fields(typed).values()]
    assert returned == typed or returned in field_types, f"{method} returns {returned!r}"


@pytest.mark.parametrize(("typed", "name"), REQUEST_PARTS.items())
def test_request_types_are_the_documented_request_schemas(typed: type, name: str) -> None:
    problems = list(Comparison().typed_dict(typed, {"$ref": REF + name}, typed.__name__))

    assert problems == [], "\n".join(problems)


def test_every_type_of_the_client_is_checked() -> None:
    comparison = Comparison()
    for operation_id, (_, typed) in ANSWERS.items():
        schema = success_schema(operations()[operation_id])
        assert schema is not None
        list(comparison.typed_dict(typed, schema, typed.__name__))
    for typed, name in REQUEST_PARTS.items():
        list(comparison.typed_dict(typed, {"$ref": REF + name}, typed.__name__))
    declared = {value for value in vars(api_types).values() if is_typeddict(value)}

    assert declared - comparison.checked == set()


@pytest.mark.parametrize("statuses", [TrackStatus, TranscriptStatus, ReviewStatus, RenderStatus])
def test_the_contracts_statuses_are_the_documents(statuses: type[StrEnum]) -> None:
    assert SCHEMAS[statuses.__name__]["enum"] == [status.value for status in statuses]


def test_the_render_formats_are_the_documents() -> None:
    for schema in ("RenderRequest", "RenderAccepted", "RenderView"):
        assert SCHEMAS[schema]["properties"]["format"]["enum"] == list(RENDER_FORMATS)
