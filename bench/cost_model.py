"""Prices what a local run of an episode called (`bench.three_hour_show`'s calls file) at AWS list prices.

Pure functions: each service's calls become `Line`s (quantity times unit price), every price taken
from `bench.prices`. What is measured and what is estimated is said on each line. MediaConvert's
jobs are priced in `bench.mediaconvert_cost`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bench import prices

GIB = 1 << 30
DAYS_PER_MONTH = 30.0
API_ACCESS_LOG_BYTES = 400
"""One API Gateway access-log line per request (about; the stage writes one as JSON)."""
TIER1_S3 = ("Put", "Upload", "Copy", "Create", "Complete", "Post", "List", "DeleteObjects")
FREE_S3 = ("DeleteObject", "AbortMultipartUpload")


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    quantity: float
    unit: str
    usd: float
    basis: str
    """`measured` (counted in the local run), `estimated` (a local stand-in's figure) or `assumed`."""
    source: str = ""
    """The pricing page the unit price is listed on."""


def price(service: str, item: str, quantity: float, unit_price: prices.Price, basis: str, unit: str = "") -> Line:
    return Line(service, item, quantity, unit or unit_price.unit, quantity * unit_price.usd, basis, unit_price.source)


# --- Bedrock ----------------------------------------------------------------------------------------


def billed_turn(turn: dict[str, Any], model: prices.ModelPrices) -> dict[str, int]:
    """A turn's tokens as Bedrock bills them: a cached prefix shorter than the model's minimum per
    cache point is not cached (the local endpoint does not model the minimum), so it is plain input."""
    read, write = turn.get("cacheReadInputTokens", 0), turn.get("cacheWriteInputTokens", 0)
    cached = max(read, write)
    if cached and cached < model.min_tokens_per_cache_point:
        return {"input": turn["inputTokens"] + read + write, "output": turn["outputTokens"], "read": 0, "write": 0}
    return {"input": turn["inputTokens"], "output": turn["outputTokens"], "read": read, "write": write}


def turn_cost(tokens: dict[str, int], model: prices.ModelPrices) -> float:
    return (
        tokens["input"] * model.input_per_1k
        + tokens["output"] * model.output_per_1k
        + tokens["read"] * model.cache_read_per_1k
        + tokens["write"] * model.cache_write_per_1k
    ) / 1000


def bedrock_lines(turns: list[dict[str, Any]], scale: float) -> list[Line]:
    model = next((m for m in prices.MODELS if turns and m.model_id == turns[0]["modelId"]), prices.NOVA_PRO)
    billed = [billed_turn(scaled_turn(turn, scale), model) for turn in turns]
    total = {kind: sum(tokens[kind] for tokens in billed) for kind in ("input", "output", "read", "write")}
    price_of = {
        "input": model.input_per_1k,
        "output": model.output_per_1k,
        "read": model.cache_read_per_1k,
        "write": model.cache_write_per_1k,
    }
    return [
        Line(
            "Bedrock",
            f"{model.name}: {kind} tokens ({len(turns)} turns)",
            count,
            "token",
            count * price_of[kind] / 1000,
            "estimated",
            model.source,
        )
        for kind, count in total.items()
        if count
    ]


def scaled_turn(turn: dict[str, Any], scale: float) -> dict[str, Any]:
    """A turn of a show `scale` times as long: its uncached input (the transcript) grows, the cached
    prefix does not (a transcript short enough to be cached does not scale: run at the length priced)."""
    return {**turn, "inputTokens": round(turn.get("inputTokens", 0) * scale)}


def caching_scenarios(turns: list[dict[str, Any]], scale: float) -> list[tuple[str, float, float, str]]:
    """The agent's run with and without prompt caching, per model: (case, USD, USD saved, what is cached).

    The same turns (prompt and output tokens as recorded) priced three ways: nothing cached; as the
    run was (Nova: the cache points the agent set, minus a prefix under Nova's minimum); the whole
    first request (instructions, tool, transcript) written once and read by every later turn, which
    is what the agent asks of a model whose cache holds the transcript (Claude), and what Nova
    would save if its cache held it (it holds about 20K tokens: a hypothetical past that).
    """
    turns = [scaled_turn(turn, scale) for turn in turns]
    prompts = [t["inputTokens"] + t.get("cacheReadInputTokens", 0) + t.get("cacheWriteInputTokens", 0) for t in turns]
    outputs = [t["outputTokens"] for t in turns]
    marked = max((max(t.get("cacheReadInputTokens", 0), t.get("cacheWriteInputTokens", 0)) for t in turns), default=0)
    first = prompts[0] if prompts else 0
    cases: list[tuple[str, float, float, str]] = []
    for model in prices.MODELS:
        plain = sum(
            turn_cost(prefix_cached(p, o, 0, i, model), model)
            for i, (p, o) in enumerate(zip(prompts, outputs, strict=True))
        )
        cases.append((f"{model.name}, nothing cached", plain, 0.0, "nothing"))
        if model is prices.NOVA_PRO:
            as_run = sum(turn_cost(billed_turn(t, model), model) for t in turns)
            cases.append((f"{model.name}, as run", as_run, plain - as_run, cached_words(marked, first, model)))
        whole = sum(
            turn_cost(prefix_cached(p, o, first, i, model), model)
            for i, (p, o) in enumerate(zip(prompts, outputs, strict=True))
        )
        fits = first <= model.max_cached_tokens
        label = (
            "transcript cached"
            if fits
            else f"transcript cached (hypothetical: over its {model.max_cached_tokens:,}-token cache)"
        )
        cases.append((f"{model.name}, {label}", whole, plain - whole, f"the first request, {first:,} tokens"))
    return cases


def cached_words(marked: int, first: int, model: prices.ModelPrices) -> str:
    if marked < model.min_tokens_per_cache_point:
        return (
            f"nothing: the marked prefix ({marked:,} tokens) is under the {model.min_tokens_per_cache_point:,} minimum"
        )
    if marked >= first * 0.9:
        return f"the first request, transcript included ({marked:,} tokens)"
    return f"instructions and tool only ({marked:,} tokens)"


def prefix_cached(prompt: int, output: int, prefix: int, index: int, model: prices.ModelPrices) -> dict[str, int]:
    """A turn whose first `prefix` tokens are cached: written by the first turn, read by the others
    (a prefix under the model's minimum per cache point is not cached)."""
    if prefix < model.min_tokens_per_cache_point:
        return {"input": prompt, "output": output, "read": 0, "write": 0}
    if index == 0:
        return {"input": prompt - prefix, "output": output, "read": 0, "write": prefix}
    return {"input": prompt - prefix, "output": output, "read": prefix, "write": 0}


# --- Lambda, API Gateway, logs, X-Ray ----------------------------------------------------------------


def lambda_lines(functions: dict[str, dict[str, Any]], scale: float) -> list[Line]:
    gb_seconds = requests = 0.0
    for name, entry in functions.items():
        factor = scale if name == "presign-track-parts" else 1.0  # part URLs grow with the file
        gb_seconds += entry["totalMs"] / 1000 * entry["memoryMb"] / 1024 * factor
        requests += entry["invocations"] * factor
    return [
        price(
            "Lambda",
            "duration, arm64 (local durations)",
            gb_seconds,
            prices.LAMBDA_ARM_GB_SECOND,
            "estimated",
            "GB-second",
        ),
        price("Lambda", "invocations", requests, prices.LAMBDA_REQUEST, "measured", "request"),
        price(
            "X-Ray",
            "traces (active tracing, one per invocation)",
            requests,
            prices.XRAY_TRACE_RECORDED,
            "measured",
            "trace",
        ),
    ]


def api_lines(functions: dict[str, dict[str, Any]], scale: float) -> list[Line]:
    api = sum(
        e["invocations"] * (scale if n == "presign-track-parts" else 1)
        for n, e in functions.items()
        if e["trigger"] == "Route"
    )
    return [price("API Gateway", "REST API requests", api, prices.API_GATEWAY_REST_REQUEST, "measured", "request")]


def log_lines(logs: dict[str, Any], functions: dict[str, dict[str, Any]]) -> list[Line]:
    api = sum(entry["invocations"] for entry in functions.values() if entry["trigger"] == "Route")
    ingested = (logs["ingestedBytes"] + api * API_ACCESS_LOG_BYTES) / GIB
    return [
        price(
            "CloudWatch Logs",
            "function + access logs ingested",
            ingested,
            prices.CLOUDWATCH_LOGS_INGEST_GB,
            "estimated",
            "GB",
        )
    ]


# --- S3, DynamoDB, EventBridge, AgentCore ------------------------------------------------------------


def s3_lines(s3: dict[str, Any], scale: float, retention: dict[str, int]) -> list[Line]:
    """Requests by price class; storage of each kind of object for as long as the lifecycle keeps it."""
    tier1 = tier2 = 0.0
    for operation, entry in s3["operations"].items():
        count = entry["count"] * (scale if operation in ("UploadPart", "PutObject") else 1.0)
        if operation in FREE_S3:
            continue
        if operation.startswith(TIER1_S3):
            tier1 += count
        else:
            tier2 += count
    lines = [
        price("S3", "PUT, COPY, POST, LIST requests", tier1, prices.S3_TIER1_REQUEST, "measured", "request"),
        price("S3", "GET and other requests", tier2, prices.S3_TIER2_REQUEST, "measured", "request"),
    ]
    for kind, entry in sorted(s3["storage"].items(), key=lambda pair: -pair[1]["bytes"]):
        days = retention["renders"] if kind.startswith("render") else retention["media"]
        grows = kind in ("uploads", "chunks")
        gb_months = entry["bytes"] * (scale if grows else 1.0) / GIB * days / DAYS_PER_MONTH
        item = f"storage: {kind}, {days} days"
        basis = "estimated" if kind == "chunks" else "measured"
        lines.append(price("S3", item, gb_months, prices.S3_STANDARD_GB_MONTH, basis, "GB-month"))
    out = s3["bytesOutToInternet"] / GIB
    lines.append(price("S3", "transfer out: the producer's download", out, prices.S3_TRANSFER_OUT_GB, "measured", "GB"))
    return lines


def retention_days() -> dict[str, int]:
    """Days objects are billed: the bucket's expiry plus the day a noncurrent version is kept (versioning on)."""
    from components.media_bucket import DEFAULTS

    noncurrent = DEFAULTS["noncurrent_version_expiration_days"]
    return {
        "media": DEFAULTS["expiration_days"] + noncurrent,
        "renders": DEFAULTS["render_retention_days"] + noncurrent,
    }


def other_lines(calls: dict[str, Any]) -> list[Line]:
    dynamodb, events, memory = calls["dynamodb"], calls["eventbridge"], calls["agentcore"]
    return [
        price(
            "DynamoDB", "write request units", dynamodb["writeUnits"], prices.DYNAMODB_WRITE_UNIT, "estimated", "WRU"
        ),
        price("DynamoDB", "read request units", dynamodb["readUnits"], prices.DYNAMODB_READ_UNIT, "estimated", "RRU"),
        price(
            "EventBridge",
            "custom events",
            events["customEvents"],
            prices.EVENTBRIDGE_CUSTOM_EVENT,
            "measured",
            "event",
        ),
        price(
            "AgentCore Memory",
            "short-term events",
            memory.get("CreateEvent", 0),
            prices.AGENTCORE_MEMORY_EVENT,
            "measured",
            "event",
        ),
        price(
            "AgentCore Memory",
            "long-term records, a month (one per event, assumed)",
            memory.get("CreateEvent", 0),
            prices.AGENTCORE_LONG_TERM_RECORD_MONTH,
            "assumed",
            "record-month",
        ),
    ]


def framing_lines(clip_seconds: float, pieces: int = 1) -> list[Line]:
    """What framing one vertical or square render on faces adds (issue: frame the face, not the centre).

    Not from a run (framing is not wired into renders yet): one frame capture job over the clip's
    `pieces`, a JPEG a second of clip (captures at 0, 1, … s: one more than its whole seconds) and the
    small MP4 MediaConvert requires beside a frame capture output, then DetectFaces on every JPEG."""
    captures = math.floor(clip_seconds) + 1
    minutes = max(clip_seconds, prices.MEDIACONVERT_MINIMUM_SECONDS) / 60
    sd = prices.MEDIACONVERT_MINUTE["basic"][prices.MEDIACONVERT_FRAME_CAPTURE_BAND]
    return [
        price(
            "MediaConvert", "frame capture output, 960x540 JPEG a second (counted SD, Basic)", minutes, sd, "assumed"
        ),
        price("MediaConvert", "the 480x270 MP4 a frame capture job must also write", minutes, sd, "assumed"),
        price(
            "Rekognition",
            f"DetectFaces, a frame a second over {pieces} piece(s)",
            captures,
            prices.REKOGNITION_DETECT_FACES_IMAGE,
            "assumed",
            "image",
        ),
        price("S3", "JPEG and MP4 PUTs", captures + 1, prices.S3_TIER1_REQUEST, "assumed", "request"),
        price(
            "S3", "GETs of the JPEGs (Rekognition reads them)", captures, prices.S3_TIER2_REQUEST, "assumed", "request"
        ),
    ]


def by_service(lines: list[Line]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in lines:
        totals[line.service] = totals.get(line.service, 0.0) + line.usd
    return dict(sorted(totals.items(), key=lambda pair: -pair[1]))


def total(lines: list[Line]) -> float:
    return math.fsum(line.usd for line in lines)
