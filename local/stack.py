"""The whole NullCheck stack in one process on 127.0.0.1, no AWS account and no Docker.

moto (server mode) stands in for DynamoDB, S3, EventBridge, SQS and AgentCore; the local API
gateway calls the real handlers. Handlers reach moto only through `AWS_ENDPOINT_URL*`, exactly
as they reach AWS in Lambda: there is no "local mode" in them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from local.apigateway import LocalApiGateway
from local.resources import create_table

REGION = "us-east-1"


@dataclass
class LocalStackConfig:
    """Where things listen and what the functions are told."""

    api_port: int = 3000
    """Port of the API (`PORT` overrides it); 0 picks a free one."""
    moto_port: int = 0
    origin: str = "*"
    table_name: str = "nullcheck-local"
    bucket_name: str = "nullcheck-local-media"
    encryption_key: str = "local-development-only"
    """Cursor key for the local stack; deployed stacks take theirs from a Pulumi secret."""
    chunk_seconds: int = 120
    extra_env: dict[str, str] = field(default_factory=dict)


class LocalStack:
    """Starts moto, creates the stack's resources in it and serves the API."""

    def __init__(self, config: LocalStackConfig | None = None) -> None:
        self.config = config or LocalStackConfig()
        self._moto: ThreadedMotoServer | None = None
        self.api = LocalApiGateway(origin=self.config.origin)
        self.moto_url = ""
        self.api_url = ""

    def start(self) -> LocalStack:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.config.moto_port, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.moto_url = f"http://{host}:{port}"
        os.environ.update(self.function_environment())
        create_table(self.client("dynamodb"), self.config.table_name)
        self.api_url = self.api.start(port=self.config.api_port)
        return self

    def stop(self) -> None:
        self.api.stop()
        if self._moto:
            self._moto.stop()
            self._moto = None

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.moto_url)

    def function_environment(self) -> dict[str, str]:
        """What every handler finds in its environment when it runs here."""
        config = self.config
        return {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
            # No X-Ray daemon runs here.
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_SERVICE_NAME": "nullcheck",
            "ORIGIN": config.origin,
            "TABLE_NAME": config.table_name,
            "BUCKET_NAME": config.bucket_name,
            "ENCRYPTION_KEY": config.encryption_key,
            "CHUNK_SECONDS": str(config.chunk_seconds),
            **config.extra_env,
        }

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
