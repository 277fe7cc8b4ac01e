"""boto3 clients as every function creates them: once per container, at module scope.

Keep-alive and standard retries are the Python counterpart of the seed's
`AWS_NODEJS_CONNECTION_REUSE_ENABLED=1`: botocore pools connections per client, so creating
clients once and reusing them across invocations is what keeps warm calls fast. Endpoints come
from `AWS_ENDPOINT_URL*` when set (the local stack), from the region otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from handlers.core.settings import settings

if TYPE_CHECKING:  # only the upload routes need the upload machinery: imported by `upload_storage`
    from handlers.core.uploads import Storage

DEFAULT_CONFIG = Config(tcp_keepalive=True, retries={"mode": "standard", "max_attempts": 3})
# Presigned URLs must be SigV4 so they carry an expiry AWS enforces.
PRESIGN_CONFIG = DEFAULT_CONFIG.merge(Config(signature_version="s3v4"))


def client(service: str) -> Any:
    return boto3.client(service, config=DEFAULT_CONFIG)


def s3() -> Any:
    return boto3.client("s3", config=PRESIGN_CONFIG)


def table(name: str) -> Any:
    return boto3.resource("dynamodb", config=DEFAULT_CONFIG).Table(name)


def upload_storage() -> Storage:
    """The table, presigning S3 client and bucket the upload routes share."""
    from handlers.core.uploads import Storage

    config = settings()
    return Storage(table=table(config.require("table_name")), s3=s3(), bucket=config.require("bucket_name"))
