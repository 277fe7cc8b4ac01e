"""The stack's tenant limits: defaults filled, nonsense refused, and exactly the functions that enforce them told."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from components import packaging
from components.backend import NullCheckBackend, NullCheckBackendArgs, tenant_limits
from handlers.catalog import FUNCTIONS, CognitoTrigger, Env
from handlers.contract import TENANT_LIMIT_DEFAULTS
from handlers.core.runtime.settings import Settings
from tests.pulumi_mocks import RecordingMocks

ENFORCING = {
    "handlers.api.create_episode",
    "handlers.api.request_transcript_upload",
    "handlers.api.start_track_upload",
    "handlers.api.complete_track_upload",
    "handlers.api.request_render",
    "handlers.api.review_clip",
    "handlers.agents.detect_clips",
}
"""The functions that count what a tenant starts: each must be given the stack's limits, not run on defaults."""


def test_every_limit_the_stack_leaves_out_has_its_default() -> None:
    assert tenant_limits() == tenant_limits({}) == TENANT_LIMIT_DEFAULTS
    given = tenant_limits({"episodes_per_day": 5, "concurrent_render_jobs": 0})
    assert given == {**TENANT_LIMIT_DEFAULTS, "episodes_per_day": 5, "concurrent_render_jobs": 0}
    assert TENANT_LIMIT_DEFAULTS["tracks_per_episode"] == 8  # the defaults themselves are not changed


def test_an_unknown_limit_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="episodes_per_week"):
        tenant_limits({"episodes_per_week": 3})  # type: ignore[typeddict-unknown-key]


@pytest.mark.parametrize("value", [-1, 2.5, 3.0, "3", True, None])
def test_a_limit_must_be_a_whole_number_zero_or_more(value: Any) -> None:
    with pytest.raises(ValueError, match="renders_per_day"):
        tenant_limits({"renders_per_day": value})


@pytest.fixture
def small_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dependency layer's build (tested in test_packaging) replaced by a small zip."""

    def build(*_: Any, **__: Any) -> Path:
        path = tmp_path / "layer.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("python/placeholder.py", "")
        return path

    monkeypatch.setattr(packaging, "build_dependency_layer", build)


def test_the_backend_gives_every_limit_to_exactly_the_functions_that_enforce_them(
    mocks: RecordingMocks, build: Any, small_layer: None
) -> None:
    args: NullCheckBackendArgs = {"encryption_key": "a-secret", "tenant_limits": {"episodes_per_day": 5}}
    build(lambda: NullCheckBackend("nullcheck", args))

    variables = {
        f.inputs["handler"].removesuffix(".lambda_handler"): f.inputs["environment"]["variables"]
        for f in mocks.of_type("aws:lambda/function:Function")
    }
    expected = {**TENANT_LIMIT_DEFAULTS, "episodes_per_day": 5}
    told = {module for module, env in variables.items() if "TENANT_LIMITS" in env}
    assert told == ENFORCING
    for spec in FUNCTIONS:
        if isinstance(spec.trigger, CognitoTrigger):
            continue  # only with self sign-up
        module = spec.handler.removesuffix(".lambda_handler")
        assert ("TENANT_LIMITS" in variables[module]) == (Env.TENANT_LIMITS in spec.env), module
    for module in told:
        given = variables[module]["TENANT_LIMITS"]
        assert json.loads(given) == expected
        # What the function reads at cold start is what the stack set.
        assert Settings.from_environ({"TENANT_LIMITS": given}).tenant_limits.model_dump() == expected
