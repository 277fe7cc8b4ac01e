"""Where the CLI's API and user pool are: options and environment, else the running local stack.

`make dev` writes `.nullcheck/local-stack.json` in the project root; the CLI looks for it from the
current directory upwards, so against the local stack every command works with no setup. For a
deployed stack, `--api`, `--user-pool-id`, `--client-id` and `--region` (or `NULLCHECK_API`,
`NULLCHECK_USER_POOL_ID`, `NULLCHECK_CLIENT_ID`, `AWS_REGION`) say where it is.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from handlers.contract import LOCAL_STACK_FILE

DEFAULT_API = "http://127.0.0.1:3000/api"


@dataclass(frozen=True)
class Settings:
    """One stack: its API and the user pool that signs its users in."""

    api_url: str
    region: str | None = None
    user_pool_id: str | None = None
    client_id: str | None = None
    cognito_endpoint: str | None = None
    """The Cognito endpoint of the local stack; None for AWS's own (from the region)."""
    source: Path | None = None
    """The local stack file these settings come from, if any."""


def normalise(api_url: str) -> str:
    return api_url.rstrip("/")


def is_loopback(url: str) -> bool:
    """Whether `url` points at this machine (127.0.0.0/8, ::1, localhost): only there lives a local stack."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _trusted(content: dict[str, Any]) -> bool:
    """A local stack file is trusted only when every endpoint it names is on this machine.

    The CLI sends passwords to the Cognito endpoint such a file names, and any directory above the
    current one may hold one (a cloned repository, a shared folder): a file pointing anywhere else is
    ignored, so a password never leaves the machine on a file's word.
    """
    cognito = content.get("cognito") or {}
    if not isinstance(cognito, dict):
        return False
    endpoints = [content["apiUrl"], *([cognito["endpoint"]] if isinstance(cognito.get("endpoint"), str) else [])]
    return all(is_loopback(url) for url in endpoints)


def find_local_stack(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest `.nullcheck/local-stack.json` from `start` (the current directory) upwards, whose
    endpoints are all on this machine (others are ignored: see `_trusted`)."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / LOCAL_STACK_FILE
        if candidate.is_file():
            try:
                content = json.loads(candidate.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(content, dict) and isinstance(content.get("apiUrl"), str) and _trusted(content):
                return candidate, content
    return None


def resolve(
    api: str | None = None,
    *,
    user_pool_id: str | None = None,
    client_id: str | None = None,
    region: str | None = None,
    start: Path | None = None,
) -> Settings:
    """Options first; the local stack file fills in what they leave out when it is their API (or none is given).

    The local stack has one region, so its file's region wins over `AWS_REGION`.
    """
    found = find_local_stack(start)
    if found is not None:
        path, local = found
        local_api = normalise(local["apiUrl"])
        if api is None or normalise(api) == local_api:
            cognito = local.get("cognito") or {}
            return Settings(
                api_url=local_api,
                region=local.get("region") or region,
                user_pool_id=user_pool_id or cognito.get("userPoolId"),
                client_id=client_id or cognito.get("userPoolClientId"),
                cognito_endpoint=cognito.get("endpoint"),
                source=path,
            )
    return Settings(
        api_url=normalise(api or DEFAULT_API), region=region, user_pool_id=user_pool_id, client_id=client_id
    )
