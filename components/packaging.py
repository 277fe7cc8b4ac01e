"""Deterministic build of the Lambda code archive and the arm64 dependency layer.

Pulumi hashes a `.zip` `FileArchive` by its raw bytes, so every archive built here is
byte-for-byte reproducible: entries sorted, fixed timestamps and permissions, a fixed
compression level, and nothing that varies per machine (`__pycache__`, `.pyc`, pip's RECORD,
console scripts with this interpreter's path in their shebang). Unchanged code then shows no
Lambda diff in `pulumi preview`. Pure build functions: no Pulumi import, so tests and the
benchmark can call them directly.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import botocore

from components import service_models

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / "build"
"""Default output directory (git-ignored); `make clean` removes it."""
HANDLERS_DIR = REPO_ROOT / "handlers"
REQUIREMENTS = HANDLERS_DIR / "requirements.txt"

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""The earliest timestamp a zip entry can hold; every entry gets it."""
FILE_MODE = 0o644
COMPRESS_LEVEL = 6
"""zlib's default: level 9 saves under 1% of the layer and doubles its compression time."""
_UNIX = 3
"""`create_system` of the entries: fixed, so the bytes do not depend on the building OS."""

CODE_SUFFIXES = (".py", ".json")
"""What the code archive takes from the package: modules and JSON data."""
LAYER_SITE = "python"
"""The layer's directory on the runtime's `sys.path` (`/opt/python`)."""
LAYER_SERVICE_MODELS = f"/opt/{LAYER_SITE}/{service_models.LAYER_DIRECTORY}"
"""Where the functions find the layer's service models (their `SERVICE_MODELS`, `handlers.core.runtime.clients`)."""
LAYER_OMITS = (
    # Varies per build or machine: bytecode of whichever interpreter ran pip, pip's list of
    # installed-file hashes, console scripts whose shebang is this interpreter's path.
    "*__pycache__/*",
    "*.pyc",
    "*.dist-info/RECORD",
    "bin/*",
    # Never read at run time: type stubs (for type checkers), and Powertools' Swagger UI assets,
    # served only by `enable_swagger()` without a `swagger_base_url` (NullCheck's OpenAPI
    # document comes from the catalog). Together about 2 MB of the 25 MB budget.
    "*.pyi",
    "*-stubs/*",
    "aws_lambda_powertools/event_handler/openapi/swagger_ui/*.min.*",
    # Never imported at run time (about 0.9 MB):
    # - pydantic.v1, the pydantic 1 API kept for migrations. pydantic 2 imports it only for code
    #   written against that API (v1 names removed in 2, types with `__get_validators__`), which
    #   neither the handlers nor the other packages in the layer contain.
    # - pydantic's mypy plugin, loaded by mypy only.
    # - cffi's Python package: the code generator that compiles C bindings when a wheel is built
    #   (its dependency pycparser is not installed at all). cryptography's Rust extension needs
    #   only cffi's `_cffi_backend` extension module, which stays.
    "pydantic/v1/*",
    "pydantic/mypy.py",
    "cffi/*",
)
"""Path patterns (relative to the layer's `python/`) left out of the layer."""
SDIST_BUILD_CONSTRAINTS = ("setuptools==84.2.1",)
"""Pins the backend that builds sdist-only pure-Python dependencies (srt), whose generated
METADATA/WHEEL files would otherwise change with each setuptools release."""


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file: what Pulumi's hash of a zip archive depends on."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def deterministic_zip(root: Path, destination: Path, prefix: str, include: Callable[[Path], bool]) -> Path:
    """Zip the files under `root` that `include` accepts (given their path relative to `root`).

    Entries are named `<prefix>/<relative path>`, sorted, with the same timestamp, permissions
    and compression level, so the same file contents always give the same bytes. The archive is
    written to a temporary file beside `destination` and renamed into place, so a half-written
    zip never exists under the final name (the layer cache relies on that).
    """
    names = sorted(
        (str(PurePosixPath(prefix, path.relative_to(root).as_posix())), path)
        for path in root.rglob("*")
        if path.is_file() and include(path.relative_to(root))
    )
    if not names:
        raise ValueError(f"nothing to archive under {root}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name, path in names:
                archive.writestr(_entry(name), path.read_bytes(), compresslevel=COMPRESS_LEVEL)
        os.chmod(partial, FILE_MODE)
        os.replace(partial, destination)
    finally:
        Path(partial).unlink(missing_ok=True)
    return destination


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry header carrying nothing from the file system: fixed time, mode and origin."""
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = _UNIX
    info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
    return info


def is_code_file(relative: Path) -> bool:
    """Modules and JSON data of the handlers package; no bytecode, no tests, no requirements."""
    directories = relative.parts[:-1]
    return (
        relative.name.endswith(CODE_SUFFIXES)
        and "__pycache__" not in directories
        and "tests" not in directories
        and not relative.name.startswith("test_")
    )


def build_code_archive(source: Path = HANDLERS_DIR, destination: Path = BUILD_DIR / "code") -> Path:
    """Zip the package at `source` into `destination/<package>.zip`, entries under `<package>/`.

    The Lambda runtime imports `handlers.api.…`, so the package directory's name is the prefix.
    """
    return deterministic_zip(source, destination / f"{source.name}.zip", source.name, is_code_file)


def is_layer_file(relative: Path) -> bool:
    """Everything pip installed except `LAYER_OMITS`."""
    name = relative.as_posix()
    return not any(fnmatch.fnmatchcase(name, pattern) for pattern in LAYER_OMITS)


def layer_key(requirements: Path, python_version: str, platform: str) -> str:
    """Short hash of everything that decides the layer's bytes: the cache key in its file name.

    This module's own source is an input too, so changing a build rule (omitted files, zip
    settings, the pinned sdist backend) never returns a layer cached under the old rules; so are
    the service models' rules and the botocore version they are taken from.
    """
    inputs = {
        "requirements": requirements.read_text(encoding="utf-8"),
        "python_version": python_version,
        "platform": platform,
        "build_rules": sha256_of(Path(__file__)),
        "service_models": [sha256_of(Path(service_models.__file__)), botocore.__version__],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def build_dependency_layer(
    requirements: Path = REQUIREMENTS,
    destination: Path = BUILD_DIR / "layer",
    *,
    python_version: str = "3.13",
    platform: str = "manylinux2014_aarch64",
    cache_dir: Path | None = None,
) -> Path:
    """Build (or reuse) `destination/layer-<key>.zip`: the pinned dependencies under `python/`,
    and the service models under `python/botocore_data/` (`service_models`).

    pip installs wheels for the Lambda's platform and Python version (native ones, such as
    pydantic-core and cryptography, are aarch64), with `--no-deps`: `requirements` is the lock.
    The file name holds `layer_key`, so a zip already built from the same inputs is returned
    without running pip. `cache_dir` is pip's download and wheel cache (default
    `build/pip-cache`, kept apart from the user's so sdist builds always use the pinned backend).
    """
    archive = destination / f"layer-{layer_key(requirements, python_version, platform)}.zip"
    if archive.is_file():
        return archive
    with tempfile.TemporaryDirectory(prefix="nullcheck-layer-") as scratch:
        site = Path(scratch) / LAYER_SITE
        pip_install(
            requirements,
            site,
            python_version=python_version,
            platform=platform,
            cache_dir=cache_dir or BUILD_DIR / "pip-cache",
        )
        service_models.write_models(site / service_models.LAYER_DIRECTORY)
        return deterministic_zip(site, archive, LAYER_SITE, is_layer_file)


def pip_install(requirements: Path, target: Path, *, python_version: str, platform: str, cache_dir: Path) -> None:
    """Install `requirements` into `target` for another platform; raise with pip's output on failure.

    Only wheels, except for packages the requirements file itself opts out with `--no-binary`
    (pure-Python projects that publish no wheel; their build backend is pinned by
    `SDIST_BUILD_CONSTRAINTS`). `--no-compile` skips bytecode that would only be stripped again.
    """
    with tempfile.TemporaryDirectory(prefix="nullcheck-pip-") as scratch:
        constraints = Path(scratch) / "build-constraints.txt"
        constraints.write_text("\n".join(SDIST_BUILD_CONSTRAINTS) + "\n", encoding="utf-8")
        command = [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("--no-deps", "--no-compile", "--only-binary=:all:", "--implementation", "cp"),
            *("--platform", platform, "--python-version", python_version),
            *("--target", str(target), "--cache-dir", str(cache_dir)),
            *("--build-constraint", str(constraints), "--requirement", str(requirements)),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pip could not build the layer from {requirements}:\n{result.stdout}{result.stderr}")
