"""Deterministic packaging: the handlers' code archive and the arm64 dependency layer.

Fast tests use a fake package tree and a fake pip; the `slow` ones build the real layer from
PyPI once per session (pip's cache lives under pytest's temporary directory).
"""

from __future__ import annotations

import ast
import compileall
import dataclasses
import gzip
import importlib.machinery
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from components import packaging, service_models
from handlers.catalog import Env
from handlers.core.domain.render_job import CaptionFonts

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "handlers"
REQUIREMENTS = HANDLERS / "requirements.txt"

EM_AARCH64 = 0xB7
MiB = 1024 * 1024
LAYER_BUDGET = 25 * MiB
"""The layer goal; in MiB, as AWS counts Lambda's size quotas (250 MB = 262,144,000 bytes)."""
LAYER_CEILING = LAYER_BUDGET - 2 * MiB
"""What this suite lets the layer grow to: 2 MiB of the goal stay free for dependency upgrades."""
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "urllib3", "dateutil", "six.py", "snapshot_restore_py.py")
"""What Lambda's Python runtime provides; `snapshot_restore_py` registers SnapStart's runtime hooks."""
RUNTIME_MODULES = {name.removesuffix(".py") for name in RUNTIME_PROVIDED}
OPTIONAL_IMPORTS = {"certifi"}
"""Imported by a runtime-provided package only when installed: botocore uses certifi's CA bundle
if it can, its own otherwise."""
LEFT_OUT_OF_THE_LAYER = (
    *("python/pydantic/v1/", "python/pydantic/mypy.py", "python/cffi/", "python/pycparser"),
    *("python/aws_xray_sdk", "python/wrapt"),
)
"""Path prefixes nothing imports on Lambda: pruned by `LAYER_OMITS` or never installed."""
LAMBDA_EXTENSION_SUFFIXES = (".cpython-313-aarch64-linux-gnu.so", ".abi3.so", ".so")
"""The file names CPython 3.13 on arm64 Linux loads an extension module from, in its order."""
LAMBDA_LIKE_ENVIRONMENT = {
    **{variable.value: "1" for variable in Env},
    Env.TENANT_LIMITS.value: "{}",  # JSON: every limit at its default
    Env.CAPTION_FONTS.value: json.dumps(
        {face.name: f"s3://fonts/{face.name}.ttf" for face in dataclasses.fields(CaptionFonts)}
    ),
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "packaging-test",
    "LAMBDA_TASK_ROOT": str(ROOT),
}
"""Every variable a function can ask for ("1" is valid for each setting but the limits' and fonts' JSON) and the
runtime's own, which Powertools reads to behave as on Lambda. Nothing else: no test-only setting reaches the import."""
LOADED_MODULES = """
import json, sys, sysconfig
before = set(sys.modules)
for statement in json.loads(sys.argv[1]):
    exec(statement, {})
sites = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
loaded = {}
for name in sorted(set(sys.modules) - before):
    spec = getattr(sys.modules[name], "__spec__", None)
    origin = spec.origin if spec is not None and spec.has_location else None
    for site in sites:
        if origin and origin.startswith(site + "/"):
            loaded[name] = origin[len(site) + 1 :]
print(json.dumps(loaded))
"""
"""Runs the import statements it is given, then prints each module they loaded from site-packages
with its path there (namespace packages have no file; their modules are listed)."""

FAKE_PACKAGE = {
    "__init__.py": "",
    "catalog.py": "FUNCTIONS = ()\n",
    "api/__init__.py": "",
    "api/create_episode.py": "def lambda_handler(event, context):\n    return {}\n",
    "core/schema.json": "{}\n",
    "requirements.txt": "srt==3.5.3\n",
    "README.md": "not code\n",
    "__pycache__/catalog.cpython-311.pyc": "bytecode",
    "api/__pycache__/create_episode.cpython-313.pyc": "bytecode",
    "stale.pyc": "bytecode",
    "tests/test_catalog.py": "def test_nothing():\n    pass\n",
    "tests/helpers.py": "HELPER = 1\n",
    "core/test_keys.py": "def test_nothing():\n    pass\n",
}
FAKE_ARCHIVE = [
    "handlers/__init__.py",
    "handlers/api/__init__.py",
    "handlers/api/create_episode.py",
    "handlers/catalog.py",
    "handlers/core/schema.json",
]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path → text) under `root`, in the dict's order."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def fake_package(root: Path, *, reverse: bool = False) -> Path:
    """The fake `handlers` tree, written in either order."""
    items = list(FAKE_PACKAGE.items())
    return write_tree(root / "handlers", dict(reversed(items) if reverse else items))


def zip_entries(archive: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(archive) as opened:
        return opened.infolist()


def layer_names(layer: Path) -> set[str]:
    with zipfile.ZipFile(layer) as archive:
        return set(archive.namelist())


def elf_machine(header: bytes) -> int:
    """`e_machine` of an ELF file: two bytes at offset 18, in the byte order the header declares."""
    assert header[:4] == b"\x7fELF", "not an ELF file"
    byte_order = {1: "little", 2: "big"}[header[5]]
    return int.from_bytes(header[18:20], byte_order)


# Code archive


def test_code_archive_is_byte_identical_whatever_the_file_times_modes_and_order(tmp_path: Path) -> None:
    first = fake_package(tmp_path / "a")
    second = fake_package(tmp_path / "b", reverse=True)
    for path in second.rglob("*.py"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (second / "catalog.py").chmod(0o755)

    one = packaging.build_code_archive(first, tmp_path / "out-1")
    two = packaging.build_code_archive(second, tmp_path / "out-2")

    assert packaging.sha256_of(one) == packaging.sha256_of(two)


def test_code_archive_holds_only_modules_and_json_sorted_with_fixed_metadata(tmp_path: Path) -> None:
    archive = packaging.build_code_archive(fake_package(tmp_path), tmp_path / "out")

    entries = zip_entries(archive)
    assert archive.name == "handlers.zip"
    assert [entry.filename for entry in entries] == FAKE_ARCHIVE
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}
    assert {entry.external_attr >> 16 for entry in entries} == {0o100644}
    assert {entry.compress_type for entry in entries} == {zipfile.ZIP_DEFLATED}


def test_code_archive_hash_follows_the_content(tmp_path: Path) -> None:
    package = fake_package(tmp_path)
    before = packaging.sha256_of(packaging.build_code_archive(package, tmp_path / "before"))
    (package / "catalog.py").write_text("FUNCTIONS = ('changed',)\n")
    after = packaging.sha256_of(packaging.build_code_archive(package, tmp_path / "after"))

    assert before != after


def test_real_handlers_archive_leaves_out_bytecode(tmp_path: Path) -> None:
    compileall.compile_dir(HANDLERS, quiet=1)
    assert any(HANDLERS.rglob("__pycache__/*.pyc")), "the tree should hold bytecode for this test"

    names = {entry.filename for entry in zip_entries(packaging.build_code_archive(HANDLERS, tmp_path))}

    sources = {
        f"handlers/{path.relative_to(HANDLERS).as_posix()}"
        for suffix in ("*.py", "*.json", "*.json.gz")
        for path in HANDLERS.rglob(suffix)
        if "__pycache__" not in path.parts
    }
    assert names == sources
    assert "handlers/catalog.py" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


# Dependency layer: cache and stripping rules, with a fake pip


@pytest.fixture
def fake_pip(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace pip with a writer of a small site-packages tree; returns the targets it was run for."""
    targets: list[Path] = []

    def install(requirements: Path, target: Path, **options: Any) -> None:
        targets.append(target)
        write_tree(
            target,
            {
                "dep/__init__.py": "VALUE = 1\n",
                "dep/__pycache__/__init__.cpython-311.pyc": "bytecode",
                "dep/__init__.pyi": "VALUE: int\n",
                "dep-1.0.dist-info/METADATA": "Name: dep\nVersion: 1.0\n",
                "dep-1.0.dist-info/RECORD": "dep/__init__.py,sha256=...,10\n",
                "bin/dep-tool": "#!/some/machine/python\n",
            },
        )

    monkeypatch.setattr(packaging, "pip_install", install)
    return targets


@pytest.fixture
def requirements(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text("dep==1.0\n")
    return path


def test_layer_leaves_out_what_varies_per_machine(tmp_path: Path, requirements: Path, fake_pip: list[Path]) -> None:
    layer = packaging.build_dependency_layer(requirements, tmp_path / "layer")

    entries = zip_entries(layer)
    installed = [entry.filename for entry in entries if not entry.filename.startswith("python/botocore_data/")]
    assert installed == ["python/dep-1.0.dist-info/METADATA", "python/dep/__init__.py"]
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("pydantic/main.py", True),
        ("pydantic-2.14.4.dist-info/METADATA", True),
        ("_cffi_backend.cpython-313-aarch64-linux-gnu.so", True),
        ("cffi-2.1.1.dist-info/METADATA", True),
        ("pydantic/v1/main.py", False),
        ("pydantic/mypy.py", False),
        ("cffi/api.py", False),
        ("cffi/_cffi_include.h", False),
        ("aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui-bundle.min.js", False),
        ("cryptography/hazmat/bindings/_rust/openssl/aead.pyi", False),
    ],
)
def test_layer_rules_leave_out_only_what_nothing_imports_at_run_time(path: str, kept: bool) -> None:
    assert packaging.is_layer_file(Path(path)) is kept


def test_layer_is_reused_for_the_same_inputs(tmp_path: Path, requirements: Path, fake_pip: list[Path]) -> None:
    first = packaging.build_dependency_layer(requirements, tmp_path / "layer", cache_dir=tmp_path / "pip")
    second = packaging.build_dependency_layer(requirements, tmp_path / "layer", cache_dir=tmp_path / "pip")

    assert first == second
    assert len(fake_pip) == 1


@pytest.mark.parametrize(
    "option",
    [{"python_version": "3.12"}, {"platform": "manylinux2014_x86_64"}],
    ids=["python-version", "platform"],
)
def test_layer_is_rebuilt_for_another_target(
    tmp_path: Path, requirements: Path, fake_pip: list[Path], option: dict[str, str]
) -> None:
    first = packaging.build_dependency_layer(requirements, tmp_path / "layer")
    second = packaging.build_dependency_layer(requirements, tmp_path / "layer", **option)

    assert first != second
    assert second.is_file()
    assert len(fake_pip) == 2


def test_layer_is_rebuilt_when_the_requirements_change(
    tmp_path: Path, requirements: Path, fake_pip: list[Path]
) -> None:
    first = packaging.build_dependency_layer(requirements, tmp_path / "layer")
    requirements.write_text("dep==2.0\n")
    second = packaging.build_dependency_layer(requirements, tmp_path / "layer")

    assert first != second
    assert len(fake_pip) == 2


# Dependency layer: the real build (downloads from PyPI once per session)


@pytest.fixture(scope="session")
def pip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture(scope="session")
def layer(tmp_path_factory: pytest.TempPathFactory, pip_cache: Path) -> Path:
    return packaging.build_dependency_layer(REQUIREMENTS, tmp_path_factory.mktemp("layer"), cache_dir=pip_cache)


@pytest.mark.slow
def test_layer_native_libraries_are_aarch64(layer: Path) -> None:
    with zipfile.ZipFile(layer) as archive:
        libraries = [name for name in archive.namelist() if re.search(r"\.so(\.\d+)*$", name)]
        machines = {name: elf_machine(archive.read(name)[:20]) for name in libraries}

    assert "python/pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so" in machines
    assert any(name.startswith("python/cryptography/") for name in machines)
    assert {name: machine for name, machine in machines.items() if machine != EM_AARCH64} == {}


@pytest.mark.slow
def test_layer_holds_the_lock_and_not_what_the_runtime_provides(layer: Path) -> None:
    names = [entry.filename for entry in zip_entries(layer)]
    top_level = {name.split("/")[1] for name in names}

    expected = {"aws_lambda_powertools", "pydantic", "pydantic_core", "annotated_types", "typing_extensions.py"}
    expected |= {"typing_inspection", "cryptography", "_cffi_backend.cpython-313-aarch64-linux-gnu.so"}
    expected |= {"srt.py", "m3u8", "jmespath"}
    assert expected <= top_level
    assert not top_level & set(RUNTIME_PROVIDED)
    assert all(name.startswith("python/") for name in names)
    varying = [n for n in names if "__pycache__" in n or n.endswith((".pyc", "/RECORD")) or n.startswith("python/bin/")]
    assert varying == []


@pytest.mark.slow
def test_layer_leaves_out_what_nothing_imports_at_run_time(layer: Path) -> None:
    names = layer_names(layer)

    assert sorted(name for name in names if name.startswith(LEFT_OUT_OF_THE_LAYER) or name.endswith((".c", ".h"))) == []
    distributions = {name.split("/")[1] for name in names if name.split("/")[1].endswith(".dist-info")}
    assert {name for name in distributions if f"python/{name}/METADATA" not in names} == set(), (
        "importlib.metadata reads every distribution's METADATA"
    )


@pytest.mark.slow
def test_layer_keeps_a_margin_under_the_size_goal(layer: Path) -> None:
    assert sum(entry.file_size for entry in zip_entries(layer)) <= LAYER_CEILING


@pytest.mark.slow
def test_layer_fresh_rebuild_is_byte_identical(
    layer: Path, pip_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installs: list[Path] = []
    real_install = packaging.pip_install

    def counting_install(requirements: Path, target: Path, **options: Any) -> None:
        installs.append(target)
        real_install(requirements, target, **options)

    monkeypatch.setattr(packaging, "pip_install", counting_install)
    rebuilt = packaging.build_dependency_layer(REQUIREMENTS, tmp_path / "fresh", cache_dir=pip_cache)

    assert len(installs) == 1, "a fresh directory must not reuse the cached layer"
    assert rebuilt != layer
    assert packaging.sha256_of(rebuilt) == packaging.sha256_of(layer)


class RunTimeImports(ast.NodeVisitor):
    """Collects a module's absolute import statements, wherever they are, except under `if TYPE_CHECKING:`."""

    def __init__(self) -> None:
        self.statements: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.statements.add(ast.unparse(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0:
            self.statements.add(ast.unparse(node))


def handlers_import_statements() -> list[str]:
    """Statements loading what the handlers can load: each module of the code archive, then each
    import statement in their source, function-level ones included (run on first use, not at import)."""
    modules: list[str] = []
    statements = RunTimeImports()
    for path in sorted(HANDLERS.rglob("*.py")):
        relative = path.relative_to(HANDLERS)
        if not packaging.is_code_file(relative):
            continue
        module = relative.parent if relative.name == "__init__.py" else relative.with_suffix("")
        modules.append(f"import {'.'.join((HANDLERS.name, *module.parts))}")
        statements.visit(ast.parse(path.read_text(encoding="utf-8")))
    return modules + sorted(statements.statements)


def modules_loaded_by_the_handlers() -> dict[str, str]:
    """Module name → path under site-packages of every module the handlers load, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-B", "-c", LOADED_MODULES, json.dumps(handlers_import_statements())],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **LAMBDA_LIKE_ENVIRONMENT},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, str] = json.loads(result.stdout)
    return loaded


def layer_paths(site_path: str) -> set[str]:
    """Where the python3.13 arm64 runtime finds the module this interpreter loaded from `site_path`."""
    for suffix in sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True):
        if site_path.endswith(suffix):
            return {f"python/{site_path.removesuffix(suffix)}{native}" for native in LAMBDA_EXTENSION_SUFFIXES}
    return {f"python/{site_path}"}


@pytest.mark.slow
def test_layer_has_the_development_venv_versions(layer: Path) -> None:
    """The import check below runs in this venv: its packages must be the layer's, version for version."""
    pinned = dict(
        name.removeprefix("python/").removesuffix(".dist-info/METADATA").rsplit("-", 1)
        for name in layer_names(layer)
        if name.endswith(".dist-info/METADATA")
    )

    assert {name: importlib.metadata.version(name) for name in pinned} == pinned


@pytest.mark.slow
def test_layer_holds_every_module_the_handlers_import(layer: Path) -> None:
    """The pruned layer still has each module the handlers load, from their own imports to the last
    dependency's: the handlers run here on this venv's copies of the layer's packages, and each module
    they loaded from a package the runtime does not provide must be in the layer, where the runtime
    would look for it. Presence, not a real import: the layer's native modules are arm64 for 3.13."""
    names = layer_names(layer)
    loaded = modules_loaded_by_the_handlers()

    missing = {
        module: site_path
        for module, site_path in loaded.items()
        if module.partition(".")[0] not in RUNTIME_MODULES | OPTIONAL_IMPORTS and not layer_paths(site_path) & names
    }
    assert missing == {}
    native = {"pydantic_core._pydantic_core", "cryptography.hazmat.bindings._rust", "_cffi_backend"}
    assert native | {"aws_lambda_powertools.utilities.idempotency", "srt", "m3u8"} <= loaded.keys()


@pytest.mark.slow
def test_layer_ships_every_service_model_without_its_documentation(layer: Path) -> None:
    with zipfile.ZipFile(layer) as archive:
        for relative, model in service_models.shipped_models().items():
            shipped = json.loads(gzip.decompress(archive.read(f"python/botocore_data/{relative}")))
            assert shipped == model, relative
    assert packaging.LAYER_SERVICE_MODELS == "/opt/python/botocore_data"
