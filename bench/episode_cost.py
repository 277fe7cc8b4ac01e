"""What one three-hour, three-track episode costs on AWS, priced from what a local run of it called.

`bench.three_hour_show` runs the episode on the local stack and writes the calls the stack saw
to `build/bench/three-hour-show-calls-<minutes>min.json` (this reads the 180-minute one, else the
latest, else `--calls`): MediaConvert jobs (settings, output duration and size), Converse turns
(token counts), Lambda invocations (durations, memory), S3 requests and the bytes left in the
bucket, DynamoDB request units, EventBridge events, AgentCore Memory events and the functions' log
bytes. This prices them at the list prices of `bench.prices` (us-east-1, each with its page; not
re-checked when written: check them before quoting) with `bench.cost_model` and
`bench.mediaconvert_cost`.

Measured in the local run: job output minutes and sizes, request and invocation counts, stored
and downloaded bytes. Estimated: token counts (the offline model's, about four characters a token),
Lambda durations (local ones, on this machine, against local emulators), DynamoDB units (item sizes
as the local table holds them), chunk sizes (the local MediaConvert copies the stream; AWS re-encodes
at QVBR 7) and log bytes. Assumed: one long-term memory record per agent run.

`--minutes N` prices an N-minute show from a run of another length: chunked minutes, stored bytes,
part uploads, segment writes and transcript tokens scale linearly; the render, the API calls and
the rest stay as recorded (whether the transcript fits a model's cache does not scale: run at the
length you price). `--markdown` prints the tables as the README shows them.

Run from the project root: `venv/bin/python -m bench.episode_cost [--minutes 180] [--markdown]`
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import cost_model, mediaconvert_cost, prices
from bench.three_hour_show import CALLS_DIR, calls_file

console = Console(width=None if sys.stdout.isatty() else 130)

CUTS = {
    "MediaConvert": [
        "chunk fewer tracks: every track is transcoded in full, though clips are cut from one at a time "
        "(chunk the others on demand, when a render or an editor asks for them)",
        "segment by stream copy instead of transcoding: the chunks would be the upload's own H.264 cut at its "
        "keyframes (what the local stack does); no output minutes, a few minutes of compute",
        "at steady volume: MediaConvert's monthly volume discounts apply by themselves; reserved transcode "
        "slots for a fixed monthly price",
        "SD chunks (below 720 lines) cost half of HD; above 30 fps doubles the price",
    ],
    "S3": [
        "uploads and chunks are kept 7 days (+1 for the noncurrent version): a shorter media expiry, "
        "or expiring a track's upload once it is chunked (renders read the upload: they would read the chunks)",
        "no noncurrent versions of media (versioning keeps each expired object a day longer)",
    ],
    "Bedrock": [
        "a model that caches the whole transcript (the second and later turns read it at a tenth, "
        "see the caching table), or a smaller model",
        "send the transcript compactly (one line per cue, no SRT numbering) and only what a clip can come from",
    ],
}


def episode_lines(calls: dict[str, Any], scale: float, tier_override: str | None = None) -> list[cost_model.Line]:
    """Every priced line of the episode, service by service."""
    functions = calls["lambda"]
    return [
        *mediaconvert_cost.mediaconvert_lines(calls["mediaconvert"], scale, tier_override),
        *cost_model.bedrock_lines(calls["bedrock"], scale),
        *cost_model.s3_lines(calls["s3"], scale, cost_model.retention_days()),
        *cost_model.lambda_lines(functions, scale),
        *cost_model.api_lines(functions, scale),
        *cost_model.log_lines(calls["logs"], functions),
        *cost_model.other_lines(calls),
    ]


def load(path: Path | None) -> dict[str, Any]:
    """The calls of the given file, else of a 180-minute run, else of the latest run."""
    runs = sorted(CALLS_DIR.glob("three-hour-show-calls-*min.json"), key=lambda found: found.stat().st_mtime)
    path = path or (calls_file(180) if calls_file(180).exists() else (runs[-1] if runs else None))
    if path is None or not path.exists():
        raise SystemExit("no calls recorded yet: run `venv/bin/python -m bench.three_hour_show` first")
    calls: dict[str, Any] = json.loads(path.read_text())
    return calls


def lines_table(lines: list[cost_model.Line], title: str) -> Table:
    table = Table(title=title)
    for column in ("service", "item", "quantity", "unit", "USD", "basis"):
        table.add_column(column, justify="right" if column in ("quantity", "USD") else "left")
    for line in lines:
        quantity = f"{line.quantity:,.0f}" if line.quantity >= 100 else f"{line.quantity:,.3f}"
        table.add_row(line.service, line.item, quantity, line.unit, f"{line.usd:.4f}", line.basis)
    return table


def services_rows(lines: list[cost_model.Line]) -> list[tuple[str, str, str]]:
    services = cost_model.by_service(lines)
    total = cost_model.total(lines)
    rows = [(service, f"${usd:.4f}", f"{usd / total:.1%}") for service, usd in services.items()]
    return [*rows, ("total", f"${total:.2f}", "100%")]


def print_rich(calls: dict[str, Any], lines: list[cost_model.Line], scale: float, minutes: int) -> None:
    scenario = calls["scenario"]
    title = f"One {minutes}-minute episode, {len(scenario['tracks'])} tracks, one vertical render (us-east-1)"
    console.print(lines_table(lines, title))
    services = Table(title="By service")
    for column in ("service", "USD", "share"):
        services.add_column(column, justify="left" if column == "service" else "right")
    for row in services_rows(lines):
        services.add_row(*row)
    console.print(services)
    dominant = next(iter(cost_model.by_service(lines)))
    console.print(f"[bold]Dominant: {dominant}[/]. Ways to cut it (none applied here):")
    for cut in CUTS.get(dominant, []):
        console.print(f"  - {cut}")
    professional = cost_model.total(episode_lines(calls, scale, tier_override="professional"))
    for kind, job in {job["kind"]: job for job in calls["mediaconvert"]}.items():
        tier, reasons = mediaconvert_cost.mediaconvert_tier(job["settings"])
        used = ", ".join(mediaconvert_cost.features(job["settings"]))
        console.print(f"MediaConvert {kind} job: {tier} tier{' for ' + ', '.join(reasons) if reasons else ''} ({used})")
    console.print(
        f"Were the jobs billed Professional (if the page counts QVBR or burned-in captions as such): "
        f"${professional:.2f} an episode."
    )
    caching = Table(title=f"The clip agent's run with prompt caching ({len(calls['bedrock'])} turns)")
    for column in ("model, case", "USD a run", "saved", "cached"):
        caching.add_column(column, justify="left" if column in ("model, case", "cached") else "right")
    for case, usd, saved, cached in cost_model.caching_scenarios(calls["bedrock"], scale):
        caching.add_row(case, f"${usd:.4f}", f"${saved:.4f}", cached)
    console.print(caching)
    console.print(f"Prices: bench/prices.py, {prices.REGION}, {prices.AS_OF}, as listed on:")
    for page in sorted({line.source for line in lines}):
        console.print(f"  {page}")


def print_markdown(calls: dict[str, Any], lines: list[cost_model.Line], scale: float) -> None:
    print("| service | USD an episode | share | what |")
    print("|---|---:|---:|---|")
    items: dict[str, list[str]] = {}
    for line in lines:
        if line.usd >= 0.00005:
            quantity = f"{line.quantity:,.0f}" if line.quantity >= 100 else f"{line.quantity:.3g}"
            items.setdefault(line.service, []).append(f"{line.item}: {quantity} {line.unit}")
    for service, cost, share in services_rows(lines):
        print(f"| {service} | {cost} | {share} | {'; '.join(items.get(service, []))} |")
    print()
    print("| model, case | USD a run | saved | cached |")
    print("|---|---:|---:|---|")
    for case, usd, saved, cached in cost_model.caching_scenarios(calls["bedrock"], scale):
        print(f"| {case} | ${usd:.4f} | ${saved:.4f} | {cached} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=Path, default=None, help="a calls file of bench.three_hour_show")
    parser.add_argument("--minutes", type=int, default=None, help="length of the show to price (default: the run's)")
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    args = parser.parse_args()
    calls = load(args.calls)
    recorded = int(calls["scenario"]["minutes"])
    minutes = args.minutes or recorded
    scale = minutes / recorded
    if scale != 1:
        console.print(f"[yellow]Scaled from a {recorded}-minute run to {minutes} minutes (see --help).[/]")
    lines = episode_lines(calls, scale)
    if args.markdown:
        print_markdown(calls, lines, scale)
    else:
        print_rich(calls, lines, scale, minutes)


if __name__ == "__main__":
    main()
