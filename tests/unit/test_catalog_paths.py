"""Every dotted path the catalog names resolves: handler modules and their entry points, route models.

mypy cannot see these strings; a moved or renamed module would otherwise only fail when its
function first runs (a deploy, or the local stack). Handler modules are found and read, not
imported: importing one runs its init (clients, settings), which needs a function's environment.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from handlers.catalog import FUNCTIONS, EventRule, Function, Route


def _defines(source: Path, name: str) -> bool:
    """Whether the module at `source` binds `name` at its top level (a def or an assignment)."""
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return True
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
    return False


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.name)
def test_each_functions_handler_path_names_an_entry_point_in_an_existing_module(function: Function) -> None:
    module, entry = function.handler.rsplit(".", 1)
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"{function.name}: no module {module}"
    assert _defines(Path(spec.origin), entry), f"{function.name}: {module} defines no {entry}"


ROUTES = [function for function in FUNCTIONS if isinstance(function.trigger, Route)]


@pytest.mark.parametrize("function", ROUTES, ids=lambda function: function.name)
def test_each_routes_models_resolve_to_pydantic_models(function: Function) -> None:
    route = function.trigger
    assert isinstance(route, Route)
    for reference, model in (
        (route.response, route.response_model),
        (route.request, route.request_model),
        (route.query, route.query_model),
    ):
        if reference is None:
            assert model is None
            continue
        assert isinstance(model, type) and issubclass(model, BaseModel), f"{function.name}: {reference}"
        assert model.__name__ == reference.rsplit(".", 1)[1]


def test_the_catalog_names_every_entry_module_and_no_other() -> None:
    """An entry module the catalog forgot is dead code, or a function that is never deployed."""
    root = Path(__file__).resolve().parents[2] / "handlers"
    entry_modules = {
        f"handlers.{package}.{path.stem}"
        for package in ("api", "events", "agents", "triggers")
        for path in (root / package).glob("*.py")
        if path.stem != "__init__"
    }
    assert {function.handler.rsplit(".", 1)[0] for function in FUNCTIONS} == entry_modules


@pytest.mark.parametrize(
    ("key", "is_transcript"),
    [
        ("media/acme/7d1c2b3a-4e5f/transcripts/20261124T185500000000Z-0a1b2c3d.srt", True),
        ("renders/acme/7d1c2b3a-4e5f/clip/render-attempt.srt", False),  # a render's cleaned caption file
        ("media/acme/7d1c2b3a-4e5f/tracks/main.srt", False),
    ],
)
def test_only_transcript_objects_reach_the_transcript_functions(key: str, is_transcript: bool) -> None:
    """The rule AWS (and the local stack, through moto) evaluates: a caption file is no new transcript."""
    from moto.events.models import EventPattern

    function = next(function for function in FUNCTIONS if function.name == "detect-clips")
    assert isinstance(function.trigger, EventRule)
    pattern = EventPattern.load(json.dumps(function.trigger.pattern_for("media-bucket")))
    event = {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": "media-bucket"}, "object": {"key": key}},
    }
    assert pattern.matches_event(event) is is_transcript
