"""What a local run of one episode called, summed up from the recording stack's records.

`bench.stack_recorder` writes one JSON line per call; `summarize` keeps those inside the scenario's
window (not the stack's own set-up, nor the inventory taken after) and sums them per service, in
the units AWS bills: Lambda invocations and milliseconds per function, MediaConvert jobs with
their settings and output, Converse turns with their token counts, S3 requests per operation and
the bytes left in the bucket, DynamoDB request units, EventBridge entries by source. The result is
the JSON file `bench.episode_cost` prices.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.stack_recorder import item_bytes

PLATFORM_LOG_BYTES = 330
"""Lambda's own START, END and REPORT lines per invocation (about), on top of the function's lines."""


def records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as file:
        for line in file:
            if line.strip():
                yield json.loads(line)


def in_window(path: Path, start: float, end: float) -> list[dict[str, Any]]:
    return [record for record in records(path) if start <= record["at"] <= end]


def storage_inventory(s3: Any, bucket: str) -> dict[str, dict[str, int]]:
    """Bytes and objects in the bucket by what they are: uploads, chunks, renders, ...

    Current versions only (ListObjectsV2): the scenario overwrites nothing, so there are no others,
    and moto's ListObjectVersions deep-copies every object, which takes minutes with GB-sized ones.
    """
    found: dict[str, dict[str, int]] = defaultdict(lambda: {"bytes": 0, "objects": 0})
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            kind = found[object_kind(entry["Key"])]
            kind["bytes"] += int(entry["Size"])
            kind["objects"] += 1
    return dict(found)


def written_storage(window: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The same by the bytes written (PUT, part uploads, POST) in the window: a stand-in for the inventory."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: {"bytes": 0, "objects": 0})
    for record in window:
        if record["kind"] == "moto" and record.get("operation") in WRITES and record.get("status") in (200, 204):
            kind = found[object_kind(record.get("key", ""))]
            kind["bytes"] += record.get("bytesIn", 0)
            kind["objects"] += record["operation"] != "UploadPart"
    return dict(found)


WRITES = ("PutObject", "UploadPart", "PostObject")


def object_kind(key: str) -> str:
    """media/{tenant}/{episode}/tracks|transcripts|videos/…, renders/…: see handlers/core/store/object_keys."""
    parts = key.split("/")
    if parts[0] == "renders":
        return "renders" if key.endswith(".mp4") else "render captions"
    if parts[0] == "media" and len(parts) > 3:
        return {"tracks": "uploads", "transcripts": "transcripts", "videos": "chunks"}.get(parts[3], "other media")
    return "other"


def table_items(dynamodb: Any, table: str) -> dict[str, dict[str, Any]]:
    """Every item's size and whether the GSI holds it, by `pk|sk` (request units of updates follow them)."""
    items: dict[str, dict[str, Any]] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page.get("Items", []):
            key = f"{item['pk']['S']}|{item['sk']['S']}"
            items[key] = {"bytes": item_bytes(item), "indexed": "GSI1PK" in item}
    return items


def summarize(window: list[dict[str, Any]], items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in window:
        by_kind[record["kind"]].append(record)
    moto = by_kind["moto"]
    return {
        "lambda": lambda_functions(by_kind["lambda"]),
        "mediaconvert": jobs(by_kind["mediaconvert"], by_kind["mediaconvert-input"]),
        "bedrock": [
            {
                name: record.get(name, 0)
                for name in ("modelId", "inputTokens", "outputTokens", "cacheReadInputTokens", "cacheWriteInputTokens")
            }
            | {"stopReason": record.get("stopReason")}
            for record in by_kind["bedrock"]
        ],
        "s3": s3_requests([record for record in moto if record["service"] == "s3"]),
        "dynamodb": dynamodb_units([record for record in moto if record["service"] == "dynamodb"], items),
        "eventbridge": events([record for record in moto if record["service"] == "events"]),
        "agentcore": agentcore([record for record in moto if record["service"] == "bedrock-agentcore"]),
        "otherRequests": dict(
            Counter(
                f"{record['service']} {record.get('operation')}"
                for record in moto
                if record["service"] not in ("s3", "dynamodb", "events", "bedrock-agentcore")
            )
        ),
    }


def lambda_functions(invocations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    functions: dict[str, dict[str, Any]] = {}
    for record in invocations:
        entry = functions.setdefault(
            record["function"],
            {"trigger": record["trigger"], "memoryMb": record["memoryMb"], "invocations": 0, "totalMs": 0.0},
        )
        entry["invocations"] += 1
        entry["totalMs"] += record["ms"]
        entry["maxMs"] = max(entry.get("maxMs", 0.0), record["ms"])
        entry["errors"] = entry.get("errors", 0) + (record["error"] is not None)
    return functions


def jobs(finished: list[dict[str, Any]], inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    frame_rates = {record["job"]: record for record in inputs}
    found = []
    for record in finished:
        source = frame_rates.get(record["job"], {})
        found.append(
            {
                "job": record["job"],
                "kind": record.get("jobKind"),
                "track": record.get("track"),
                "status": record["status"],
                "outputSeconds": (record["outputMs"] or 0) / 1000,
                "width": record["width"],
                "height": record["height"],
                "inputFrameRate": source.get("frameRate"),
                "inputSize": [source.get("width"), source.get("height")],
                "queueSeconds": (record["started"] or record["submitted"]) - record["submitted"],
                "runSeconds": (record["finished"] or 0) - (record["started"] or 0),
                "settings": record["settings"],
            }
        )
    return found


def s3_requests(requests: list[dict[str, Any]]) -> dict[str, Any]:
    operations: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "bytesIn": 0, "bytesOut": 0})
    for record in requests:
        entry = operations[record["operation"]]
        entry["count"] += 1
        entry["bytesIn"] += record.get("bytesIn", 0)
        entry["bytesOut"] += record.get("bytesOut") or 0
    downloads = [r for r in requests if r["operation"] == "GetObject" and r.get("presigned") and r["status"] == 200]
    return {
        "operations": dict(operations),
        "presignedDownloads": len(downloads),
        "bytesOutToInternet": sum(r.get("bytesOut") or 0 for r in downloads),
    }


def dynamodb_units(requests: list[dict[str, Any]], items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Request units: writes by item size (an update by the item's size at the end of the run, so an
    upper bound), doubled in a transaction and again for the GSI (it projects everything); reads by
    the size of what was read, halved when eventually consistent, doubled in a transaction."""
    write_units = read_units = 0.0
    for record in requests:
        transactional = record["operation"].startswith("Transact")
        for write in record.get("writes", []):
            item = items.get(write.get("key") or "", {})
            size = write["bytes"] if write["bytes"] is not None else item.get("bytes", 1)
            units = max(1, math.ceil(size / 1024)) * (2 if transactional else 1)
            write_units += units * (2 if item.get("indexed") and not write.get("check") else 1)
        if "reads" in record:
            sizes = record["reads"] or [0]
            if record["operation"] in ("Query", "Scan"):
                units = max(1, math.ceil(sum(sizes) / 4096))
            else:
                units = sum(max(1, math.ceil(size / 4096)) for size in sizes)
            factor = 2 if transactional else (1 if record.get("consistent") else 0.5)
            read_units += units * factor
    return {
        "operations": dict(Counter(record["operation"] for record in requests)),
        "writeUnits": write_units,
        "readUnits": read_units,
        "items": len(items),
        "tableBytes": sum(item["bytes"] for item in items.values()),
    }


def events(requests: list[dict[str, Any]]) -> dict[str, int]:
    sources = [source for record in requests for source in record.get("sources", [])]
    return {
        "customEvents": sum(not source.startswith("aws.") for source in sources),
        "awsServiceEvents": sum(source.startswith("aws.") for source in sources),
    }


def agentcore(requests: list[dict[str, Any]]) -> dict[str, int]:
    def operation(record: dict[str, Any]) -> str:
        path = str(record.get("operation", ""))
        if path.startswith("POST") and path.endswith("/events"):
            return "CreateEvent"
        if path.startswith("POST") and path.endswith("/retrieve"):
            return "RetrieveMemoryRecords"
        return "ListEvents" if "/sessions/" in path and path.startswith("POST") else path.split(" ")[0]

    return dict(Counter(operation(record) for record in requests))


def log_bytes(function_log_bytes: int, invocations: int) -> int:
    """What CloudWatch Logs would ingest: the functions' lines plus Lambda's own per invocation."""
    return function_log_bytes + PLATFORM_LOG_BYTES * invocations
