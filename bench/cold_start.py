"""Cold-start budget: each handler's import time against `import boto3` plus one client, and the archive sizes.

A Lambda cold start pays for the handler module's imports once, in a fresh interpreter, from a
code archive without bytecode; so each measurement here runs a fresh interpreter with
`PYTHONDONTWRITEBYTECODE=1` in a directory holding the extracted code archive (no `__pycache__`
under `handlers/`), with the layer's service models named by `SERVICE_MODELS` as every function has
them. Each handler import is paired with a baseline run just before it, and the ratio is the
median of the pairs' ratios (this machine's speed drifts over seconds; a pair shares it). The
baseline is `import boto3` and creating one client, which every handler pays anyway. Goals: a
handler imports in at most 1.5x the baseline, the code archive is at most 200 KiB zipped, the
layer at most 25 MiB unzipped (MiB, as AWS counts Lambda's size quotas). Prints PASS/FAIL per
goal and exits 0: a report, not a gate.

Usage: `python bench/cold_start.py [--runs N] [module ...]` (default: every catalog handler).
Local figures (this development interpreter and its installed packages, with their bytecode
caches; this CPU) are for comparing changes, not a prediction of Lambda's numbers: the layer
ships no bytecode, and the runtime is arm64.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # run as a script, only bench/ would be on sys.path
from components import packaging, service_models  # noqa: E402
from handlers.catalog import FUNCTIONS, Env  # noqa: E402
from handlers.core.runtime.settings import SERVICE_MODELS  # noqa: E402

BENCH_ENV = {
    Env.TABLE_NAME: "bench",
    Env.BUCKET_NAME: "bench",
    Env.CURSOR_KEY_PARAMETER: "bench-cursor-key:1",
    Env.MEMORY_ID: "bench",
    Env.MEDIACONVERT_ROLE_ARN: "arn:aws:iam::123456789012:role/bench",
    "POWERTOOLS_SERVICE_NAME": "nullcheck",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
}
"""What the handlers require at import (catalog `Env` names), with values that need no AWS account,
and what Lambda sets besides: the function's name, and its role's credentials in the environment
(without them botocore would search the credential chain, down to the instance metadata
service, which Lambda never does)."""
IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
BASELINE = (
    "import time; t = time.perf_counter(); import boto3; boto3.client('dynamodb'); print(time.perf_counter() - t)"
)
BASELINE_LABEL = "import boto3 + client"

MODELS_IN_LAYER = f"{packaging.LAYER_SITE}/{service_models.LAYER_DIRECTORY}/"
RATIO_GOAL = 1.5
CODE_GOAL_KIB = 200
LAYER_GOAL_MIB = 25
KIB = 1024
MIB = 1024 * 1024


@dataclass(frozen=True)
class Sizes:
    """Bytes of the deployable archives."""

    code_zipped: int
    layer_zipped: int
    layer_unzipped: int


def catalog_modules() -> list[str]:
    """The module of every catalog function's handler."""
    return sorted({function.module for function in FUNCTIONS})


def seconds(snippet: str, code_root: Path, models: Path) -> float:
    """What `snippet` prints (seconds), run in a fresh interpreter in `code_root`.

    `code_root` holds the extracted code archive: `-c` puts the working directory first on
    `sys.path`, so `handlers` is imported from there, as Lambda imports it from `/var/task`.
    `models` holds the layer's service models, named by `SERVICE_MODELS` as on Lambda.
    """
    environment = {**os.environ, **BENCH_ENV, "PYTHONDONTWRITEBYTECODE": "1", "LAMBDA_TASK_ROOT": str(code_root)}
    environment[SERVICE_MODELS] = str(models)
    result = subprocess.run(
        [sys.executable, "-c", snippet], cwd=code_root, env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"{snippet!r} failed:\n{result.stderr}")
    return float(result.stdout.split()[-1])


@dataclass(frozen=True)
class Timing:
    """A handler's median import time, the median of its ratios to the baseline run just before it,
    and its fastest run against the baseline's fastest (what the machine gives without interference)."""

    seconds: float
    ratio: float
    best_ratio: float


def paired_timings(modules: list[str], runs: int, code_root: Path, models: Path) -> tuple[float, dict[str, Timing]]:
    """The baseline's median seconds, and each module's `Timing`.

    Each import is paired with a baseline run right before it, and the ratio is taken per pair:
    this machine's speed drifts over seconds, and a pair shares the same spell of it.
    """
    baselines: list[float] = []
    samples: dict[str, list[tuple[float, float]]] = {module: [] for module in modules}
    for _ in range(runs):
        for module in modules:
            baseline = seconds(BASELINE, code_root, models)
            handler = seconds(IMPORT.format(module=module), code_root, models)
            baselines.append(baseline)
            samples[module].append((handler, handler / baseline))
    timings = {
        module: Timing(
            statistics.median(s for s, _ in pairs),
            statistics.median(r for _, r in pairs),
            min(s for s, _ in pairs) / min(baselines),
        )
        for module, pairs in samples.items()
    }
    return statistics.median(baselines), timings


def archive_sizes(code: Path) -> Sizes:
    """Size the code archive and the layer (built into `build/`, from its cache when unchanged)."""
    layer = packaging.build_dependency_layer()
    with zipfile.ZipFile(layer) as archive:
        unzipped = sum(entry.file_size for entry in archive.infolist())
    return Sizes(code.stat().st_size, layer.stat().st_size, unzipped)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def report(runs: int, baseline: float, imports: dict[str, Timing], sizes: Sizes) -> None:
    """Print the timing table, the sizes and one PASS/FAIL line per goal."""
    print(
        f"Python {platform.python_version()} ({platform.machine()}), the development interpreter and its"
        " installed packages (with their bytecode); handlers from the code archive, no bytecode."
    )
    print(
        f"{runs} runs of each import, each after a run of the baseline (fresh interpreters,"
        " PYTHONDONTWRITEBYTECODE=1, the layer's service models); x base: median of the paired ratios"
    )
    print()
    width = max(len(label) for label in [*imports, BASELINE_LABEL])
    print(f"{'module':<{width}}  {'median ms':>9}  {'x base':>6}  {'fastest x fastest base':>22}")
    print(f"{BASELINE_LABEL:<{width}}  {baseline * 1000:9.1f}  {1:6.2f}  {1:22.2f}")
    for module, timing in imports.items():
        print(f"{module:<{width}}  {timing.seconds * 1000:9.1f}  {timing.ratio:6.2f}  {timing.best_ratio:22.2f}")
    print()
    print(f"code archive: {sizes.code_zipped / KIB:.1f} KiB zipped")
    print(f"layer: {sizes.layer_zipped / MIB:.1f} MiB zipped, {sizes.layer_unzipped / MIB:.1f} MiB unzipped")
    print()
    slowest = max(imports, key=lambda module: imports[module].ratio)
    fastest = min(imports, key=lambda module: imports[module].ratio)
    worst = imports[slowest].ratio
    print(f"best: {fastest}, {imports[fastest].seconds * 1000:.1f} ms, {imports[fastest].ratio:.2f}x")
    print(f"{verdict(worst <= RATIO_GOAL)}  import ≤ {RATIO_GOAL}x the baseline (worst: {slowest}, {worst:.2f}x)")
    code_kib = sizes.code_zipped / KIB
    print(f"{verdict(code_kib <= CODE_GOAL_KIB)}  code archive ≤ {CODE_GOAL_KIB} KiB zipped ({code_kib:.1f} KiB)")
    layer_mib = sizes.layer_unzipped / MIB
    print(f"{verdict(layer_mib <= LAYER_GOAL_MIB)}  layer ≤ {LAYER_GOAL_MIB} MiB unzipped ({layer_mib:.1f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules to import (default: every catalog handler)")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of each import, each paired with a baseline run (default 5)"
    )
    arguments = parser.parse_args()

    modules = arguments.modules or catalog_modules()
    code = packaging.build_code_archive()
    layer = packaging.build_dependency_layer()
    with tempfile.TemporaryDirectory(prefix="nullcheck-cold-start-") as scratch:
        code_root, layer_root = Path(scratch) / "task", Path(scratch) / "opt"
        with zipfile.ZipFile(code) as archive:
            archive.extractall(code_root)
        with zipfile.ZipFile(layer) as archive:
            models = [name for name in archive.namelist() if name.startswith(MODELS_IN_LAYER)]
            archive.extractall(layer_root, models)
        baseline, timings = paired_timings(modules, arguments.runs, code_root, layer_root / MODELS_IN_LAYER)
    report(arguments.runs, baseline, timings, archive_sizes(code))


if __name__ == "__main__":
    main()
