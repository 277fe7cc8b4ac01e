"""Every function's init runs with the cyclic garbage collector paused, and resumes it when done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.catalog import FUNCTIONS
from tests.unit.handlers.conftest import HANDLER_ENV

REPO_ROOT = Path(__file__).resolve().parents[3]
ENTRY_PACKAGES = sorted({spec.module.rsplit(".", 1)[0] for spec in FUNCTIONS})


def run(script: str) -> str:
    environment = {**os.environ, **HANDLER_ENV, "AWS_DEFAULT_REGION": "us-east-1"}
    environment |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()[-1]


@pytest.mark.parametrize("package", ENTRY_PACKAGES)
def test_importing_an_entry_package_pauses_the_collector(package: str) -> None:
    assert run(f"import gc, {package}; print(gc.isenabled())") == "False"


def test_every_function_resumes_the_collector_once_initialised() -> None:
    modules = sorted({spec.module for spec in FUNCTIONS})
    script = (
        "import gc, importlib, json\n"
        "states = {}\n"
        f"for module in {modules!r}:\n"
        # As if this were the first function of its package: only its own entry point can resume it.
        "    gc.disable()\n"
        "    importlib.import_module(module)\n"
        "    states[module] = [gc.isenabled(), gc.get_freeze_count() > 0]\n"
        "print(json.dumps(states))\n"
    )
    states = json.loads(run(script))
    assert states == {module: [True, True] for module in modules}


def test_the_pulumi_program_side_of_the_package_leaves_the_collector_alone() -> None:
    """The catalog and the OpenAPI document are read by the Pulumi program: importing them changes nothing."""
    assert run("import gc, handlers.catalog, handlers.openapi; print(gc.isenabled())") == "True"
