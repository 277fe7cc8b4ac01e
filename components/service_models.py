"""The botocore service models the layer ships: botocore's own, without the documentation.

botocore parses a service's whole model each time a client is created, at every cold start; the
models are mostly prose (S3's 1.3 MB holds 0.2 MB of API), so shipping them without it makes
client creation several times faster (`bench/cold_start.py`). Only documentation goes: every
operation, shape and trait stays, so a client built from these behaves as botocore's. Functions
find them through `SERVICE_MODELS`: their botocore session looks there before its own data, and
knows no other services (`handlers.core.runtime.clients.ServiceModelLoader`).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import botocore.loaders

SERVICES = (
    "bedrock-agentcore",
    "bedrock-runtime",
    "cognito-idp",
    "dynamodb",
    "events",
    "mediaconvert",
    "rekognition",
    "s3",
    "ssm",
)
"""Every service a handler creates a client for (a test imports each handler and checks)."""
WITH_ENDPOINT_RULES = ("bedrock-agentcore",)
"""Services newer than the Lambda runtime's botocore: their endpoint rules ship too."""
LAYER_DIRECTORY = "botocore_data"
"""Where the models are in the layer, so at `/opt/botocore_data` on Lambda."""
ENDPOINTS = "endpoints"
"""botocore's endpoint data file (`endpoints.json`), shipped with the shipped services' entries only."""
PROSE = frozenset({"documentation", "documentationUrl"})


def without_prose(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: without_prose(value) for key, value in node.items() if key not in PROSE}
    if isinstance(node, list):
        return [without_prose(value) for value in node]
    return node


def service_without_prose(model: dict[str, Any]) -> dict[str, Any]:
    """A service model without documentation, but for the one place botocore requires the key."""
    stripped: dict[str, Any] = without_prose(model)
    for parameter in stripped.get("clientContextParams", {}).values():
        parameter["documentation"] = ""
    return stripped


def botocores_loader() -> botocore.loaders.Loader:
    """A loader of botocore's own data only (not the user's models, nor extras)."""
    loader = botocore.loaders.Loader(include_default_extras=False, include_default_search_paths=False)
    loader.search_paths.append(str(loader.BUILTIN_DATA_PATH))
    return loader


def installed_model(service: str, kind: str) -> tuple[str, dict[str, Any]]:
    """(API version, model) of `kind` (`service-2`, `endpoint-rule-set-1`) in botocore's own data."""
    loader = botocores_loader()
    version = loader.determine_latest_version(service, "service-2")
    return version, loader.load_service_model(service, kind, version)


def shipped_endpoints() -> dict[str, Any]:
    """botocore's `endpoints.json` with only the shipped services' entries, in every partition.

    botocore parses the whole file (1.2 MB, 400+ services) before its first client; the entries
    of other services could never be read by a function that knows only its own."""
    endpoints: dict[str, Any] = botocores_loader().load_data("endpoints")
    prefixes = {installed_model(service, "service-2")[1]["metadata"]["endpointPrefix"] for service in SERVICES}
    partitions = [
        {**partition, "services": {name: entry for name, entry in partition["services"].items() if name in prefixes}}
        for partition in endpoints["partitions"]
    ]
    return {**endpoints, "partitions": partitions}


def shipped_models() -> dict[str, dict[str, Any]]:
    """Relative path → content of every model file the layer ships."""
    models: dict[str, dict[str, Any]] = {f"{ENDPOINTS}.json.gz": shipped_endpoints()}
    for service in SERVICES:
        version, model = installed_model(service, "service-2")
        models[f"{service}/{version}/service-2.json.gz"] = service_without_prose(model)
        if service in WITH_ENDPOINT_RULES:
            models[f"{service}/{version}/endpoint-rule-set-1.json.gz"] = installed_model(
                service, "endpoint-rule-set-1"
            )[1]
    return models


def write_models(destination: Path) -> list[Path]:
    """Write `shipped_models()` under `destination`, gzipped without a timestamp; returns the files."""
    written = []
    for relative, model in shipped_models().items():
        path = destination / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(model, separators=(",", ":")).encode()
        path.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
        written.append(path)
    return written
