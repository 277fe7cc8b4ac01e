"""Cold-start budget: each handler's import time against `import boto3`, and the archive sizes.

A Lambda cold start pays for the handler module's imports once, in a fresh interpreter; so each
measurement here runs a fresh interpreter and takes the median of several runs. The baseline is
`import boto3`, which every handler pays anyway. Goals: a handler imports in at most 1.5x the
baseline, the code archive is at most 200 KiB zipped, the layer at most 25 MiB unzipped (MiB, as
AWS counts Lambda's size quotas). Prints PASS/FAIL per goal and exits 0: a report, not a gate.

Usage: `python bench/cold_start.py [--runs N] [module ...]` (default: every catalog handler).
Local figures (CPython of this venv, this CPU, warm bytecode caches) are for comparing
changes, not a prediction of Lambda's numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # run as a script, only bench/ would be on sys.path
from components import packaging  # noqa: E402

BENCH_ENV = {
    "TABLE_NAME": "bench",
    "BUCKET_NAME": "bench",
    "ENCRYPTION_KEY": "bench",
    "MEMORY_ID": "bench",
    "MEDIACONVERT_ROLE_ARN": "arn:aws:iam::123456789012:role/bench",
    "POWERTOOLS_SERVICE_NAME": "nullcheck",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
}
"""What the handlers require at import (catalog `Env` names), with values that need no AWS account."""
IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
CLIENT = "import boto3, time; t = time.perf_counter(); boto3.client('dynamodb'); print(time.perf_counter() - t)"
BASELINE = "boto3"
CLIENT_LABEL = "boto3.client('dynamodb')"

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
    """The module of every catalog function's handler (`handlers.api.x.lambda_handler` → `handlers.api.x`)."""
    from handlers.catalog import FUNCTIONS

    return sorted({function.handler.rsplit(".", 1)[0] for function in FUNCTIONS})


def median_seconds(snippet: str, runs: int) -> float:
    """Median of what `snippet` prints (seconds), each run in a fresh interpreter at the repo root."""
    environment = {**os.environ, **BENCH_ENV}
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", snippet], cwd=REPO_ROOT, env=environment, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"{snippet!r} failed:\n{result.stderr}")
        samples.append(float(result.stdout.split()[-1]))
    return statistics.median(samples)


def archive_sizes() -> Sizes:
    """Build both archives into `build/` (the layer comes from its cache when unchanged) and size them."""
    code = packaging.build_code_archive()
    layer = packaging.build_dependency_layer()
    with zipfile.ZipFile(layer) as archive:
        unzipped = sum(entry.file_size for entry in archive.infolist())
    return Sizes(code.stat().st_size, layer.stat().st_size, unzipped)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def report(baseline: float, client: float, imports: dict[str, float], sizes: Sizes) -> None:
    """Print the timing table, the sizes and one PASS/FAIL line per goal."""
    width = max(len(label) for label in [*imports, CLIENT_LABEL])
    print(f"{'module':<{width}}  {'median ms':>9}  {'x boto3':>7}")
    print(f"{'import boto3':<{width}}  {baseline * 1000:9.1f}  {1:7.2f}")
    print(f"{CLIENT_LABEL:<{width}}  {client * 1000:9.1f}  {'':>7}  (creation, after the import)")
    for module, seconds in imports.items():
        print(f"{module:<{width}}  {seconds * 1000:9.1f}  {seconds / baseline:7.2f}")
    print()
    print(f"code archive: {sizes.code_zipped / KIB:.1f} KiB zipped")
    print(f"layer: {sizes.layer_zipped / MIB:.1f} MiB zipped, {sizes.layer_unzipped / MIB:.1f} MiB unzipped")
    print()
    slowest = max(imports, key=imports.__getitem__)
    worst = imports[slowest] / baseline
    print(f"{verdict(worst <= RATIO_GOAL)}  import ≤ {RATIO_GOAL}x import boto3 (worst: {slowest}, {worst:.2f}x)")
    code_kib = sizes.code_zipped / KIB
    print(f"{verdict(code_kib <= CODE_GOAL_KIB)}  code archive ≤ {CODE_GOAL_KIB} KiB zipped ({code_kib:.1f} KiB)")
    layer_mib = sizes.layer_unzipped / MIB
    print(f"{verdict(layer_mib <= LAYER_GOAL_MIB)}  layer ≤ {LAYER_GOAL_MIB} MiB unzipped ({layer_mib:.1f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules to import (default: every catalog handler)")
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per measurement (default 7)")
    arguments = parser.parse_args()

    modules = arguments.modules or catalog_modules()
    baseline = median_seconds(IMPORT.format(module=BASELINE), arguments.runs)
    client = median_seconds(CLIENT, arguments.runs)
    imports = {module: median_seconds(IMPORT.format(module=module), arguments.runs) for module in modules}
    report(baseline, client, imports, archive_sizes())


if __name__ == "__main__":
    main()
