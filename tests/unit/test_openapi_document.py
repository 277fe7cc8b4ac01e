"""The committed OpenAPI document is the one the code generates.

Clients in other languages generate their types from `openapi/nullcheck.json`, so a route or a
model that changes without it would hand them a contract the API no longer keeps.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from handlers import openapi

REGENERATE = "run `make openapi` (or `python -m handlers.openapi write`) and commit openapi/nullcheck.json"


def test_the_committed_document_is_the_generated_one() -> None:
    if not openapi.PUBLISHED.exists():
        pytest.fail(f"openapi/nullcheck.json is missing: {REGENERATE}")
    committed = openapi.PUBLISHED.read_text(encoding="utf-8")
    generated = openapi.published()
    if committed != generated:
        diff = difflib.unified_diff(
            committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"openapi/nullcheck.json is stale: {REGENERATE}\n{shown}", pytrace=False)


def test_the_committed_document_is_the_public_one() -> None:
    """What the local stack serves: no API Gateway integrations, authorizers or validators."""
    published = json.loads(openapi.published())

    assert published == openapi.document()
    assert "x-amazon-apigateway" not in json.dumps(published)


def test_the_writer_writes_the_committed_form(tmp_path: Path) -> None:
    target = tmp_path / "api.json"

    assert openapi.main(["write", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text == openapi.published() and text.endswith("}\n")
    assert openapi.main(["check"]) == 2
