"""AWS clients as every function creates them: once per container, at module scope, from one session.

Keep-alive and standard retries are the Python counterpart of the seed's
`AWS_NODEJS_CONNECTION_REUSE_ENABLED=1`: botocore pools connections per client, so creating
clients once and reusing them across invocations is what keeps warm calls fast. Endpoints come
from `AWS_ENDPOINT_URL*` when set (the local stack), from the region otherwise.

Cold start is the other half (`bench/cold_start.py`): one botocore session per process (not
boto3's, whose S3 client pulls in the transfer manager) and low-level clients (a `dynamodb.Table`
instead of the resource API). On Lambda, `SERVICE_MODELS` names the layer's service models,
botocore's own without the documentation (`components/service_models.py`), and the session reads
them through a `ServiceModelLoader`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.loaders import Loader

from handlers.core.runtime import snapshot
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.secrets import SecureParameter
from handlers.core.runtime.settings import TenantLimits, settings

DEFAULT_CONFIG = Config(tcp_keepalive=True, retries={"mode": "standard", "max_attempts": 3})
# Presigned URLs must be SigV4 so they carry an expiry AWS enforces.
PRESIGN_CONFIG = DEFAULT_CONFIG.merge(Config(signature_version="s3v4"))


@dataclass(frozen=True)
class Storage:
    """What the upload routes work with: the table, the presigning S3 client, the bucket, the tenant limits."""

    table: Table
    s3: Any
    bucket: str
    limits: TenantLimits = field(default_factory=TenantLimits)
    completion_s3: Any = None
    """The S3 client that completes multipart uploads: it waits `Settings.complete_wait_seconds` at most."""

    def __post_init__(self) -> None:
        if self.completion_s3 is None:
            object.__setattr__(self, "completion_s3", self.s3)


class ServiceModelLoader(Loader):
    """botocore's loader for a function that ships the models of the services it calls.

    Before loading a model botocore checks the service's name against every service it knows,
    which it learns by listing its whole data directory (400+ services, once per model kind: about
    25 ms of every cold start). A function knows its services: those with a model in `models`.
    Only that directory is listed; every file is still looked up there first, then in botocore's
    own data (the endpoint rules of the services botocore bundles). The layer's `endpoints.json`
    is botocore's own with only these services' entries (not 1.2 MB to parse), so botocore is told
    it is its bundled data: a file it does not bundle would count as a custom endpoint override.
    """

    def __init__(self, models: str) -> None:
        self._models = os.path.abspath(models)  # normalised: `is_builtin_path` compares directories
        super().__init__(extra_search_paths=[self._models])

    def list_available_services(self, type_name: str) -> list[str]:
        """The shipped services, whatever `type_name`: a kind not shipped is found in botocore's data."""
        return sorted(entry.name for entry in os.scandir(self._models) if entry.is_dir())

    def is_builtin_path(self, path: str) -> bool:
        return os.path.dirname(os.path.abspath(path)) == self._models or bool(super().is_builtin_path(path))


@cache
def session() -> botocore.session.Session:
    """The process's botocore session, reading the function's own service models when it ships them.

    Made with the first client, from the environment as it is then (a function's init)."""
    created = botocore.session.get_session()
    if models := settings().service_models:
        created.register_component("data_loader", ServiceModelLoader(models))
    return created


def client(service: str, config: Config = DEFAULT_CONFIG) -> Any:
    """A client of `service`, reconnecting after a SnapStart restore (its pooled sockets predate it)."""
    return snapshot.forget_connections(session().create_client(service, config=config))


def s3() -> Any:
    """The S3 client that also presigns."""
    return client("s3", PRESIGN_CONFIG)


def table(name: str) -> Table:
    return Table(client("dynamodb"), name)


def secure_parameter(name: str) -> SecureParameter:
    """A SecureString parameter of SSM Parameter Store, read on first use and kept (`secrets`)."""
    return SecureParameter(client("ssm"), name)


def upload_storage() -> Storage:
    """The table, presigning S3 client and bucket the upload routes share."""
    config = settings()
    return Storage(
        table=table(config.require("table_name")),
        s3=s3(),
        bucket=config.require("bucket_name"),
        limits=config.tenant_limits,
        # One attempt, bounded: a read that times out means S3 is still assembling (never a failure).
        completion_s3=client(
            "s3",
            DEFAULT_CONFIG.merge(
                Config(read_timeout=config.complete_wait_seconds, retries={"mode": "standard", "total_max_attempts": 1})
            ),
        ),
    )
