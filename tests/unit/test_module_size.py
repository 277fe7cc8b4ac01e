"""No project module is over 400 lines: a module that long is doing more than the one thing its name says.

The modules are the Python files git knows of: tracked ones, and untracked ones it does not ignore
(a new module counts before its first commit; a deleted one no longer does). Outside the project's
code: `tests/` (test modules are exempt), `venv/`, `policy/venv/`, `build/` and `node_modules/`.
`handlers/catalog.py` is the one exception: it declares every function in one place, so that no
second copy exists, and grows with each function.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400
EXEMPT = frozenset({"handlers/catalog.py"})
OUTSIDE = ("tests/", "venv/", "policy/venv/", "build/")


def project_modules() -> list[str]:
    """Repository-relative paths of the project's Python modules, from git's index and working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(
        {
            path
            for path in listed.split("\0")
            if path
            and not path.startswith(OUTSIDE)
            and "node_modules" not in PurePosixPath(path).parts
            # Still in the index but removed from the working tree: no longer a module.
            and (ROOT / path).is_file()
        }
    )


def test_the_walk_sees_the_project_and_leaves_out_what_is_not_its_code() -> None:
    modules = project_modules()
    assert {"__main__.py", "handlers/catalog.py", "local/__init__.py", "policy/__main__.py"} <= set(modules)
    assert not [path for path in modules if path.startswith(OUTSIDE)]


def test_no_module_is_over_400_lines() -> None:
    too_long = {}
    for path in project_modules():
        lines = len((ROOT / path).read_bytes().splitlines())
        if lines > MAX_LINES and path not in EXEMPT:
            too_long[path] = lines
    assert not too_long, f"modules over {MAX_LINES} lines (split each by purpose): " + ", ".join(
        f"{path} ({lines})" for path, lines in sorted(too_long.items())
    )
