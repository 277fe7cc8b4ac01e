"""The whole NullCheck stack in one process on 127.0.0.1, no AWS account and no Docker.

moto (server mode) stands in for DynamoDB, S3, EventBridge, SQS, AgentCore and Cognito (behind
the front in `local/cognito.py`); the local API gateway verifies ID tokens as API Gateway's
Cognito authorizer does and calls the real handlers. Handlers reach moto only through
`AWS_ENDPOINT_URL*`, exactly as they reach AWS in Lambda: there is no "local mode" in them.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import boto3

from components.identity import IdentityArgs
from handlers.catalog import cognito_triggers
from handlers.contract import DEFAULT_CHUNK_SECONDS, TENANT_LIMIT_DEFAULTS, new_password
from handlers.core.runtime.settings import SERVICE_MODELS
from local import slow_completion
from local.apigateway import LocalApiGateway
from local.authorizer import CognitoAuthorizer
from local.bedrock import LocalBedrockRuntime
from local.cognito import LocalCognito, create_user, sign_in
from local.events import LocalEventBus
from local.lambda_runtime import LocalLambda
from local.mediaconvert import LocalMediaConvert
from local.moto_server import LocalMotoServer
from local.rekognition import LocalRekognition
from local.resources import (
    create_agent_memory,
    create_bucket,
    create_cursor_key,
    create_table,
    create_user_pool,
    layer_service_models,
    upload_caption_fonts,
)
from local.studio_server import StudioServer, StudioSite, built

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


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
    """Cursor key for the local stack (deployed stacks take theirs from a Pulumi secret), kept in moto's SSM as a
    SecureString parameter, as the CursorKey component keeps it: the functions read it at run time."""
    cursor_key_parameter: str = "nullcheck-local-cursor-key"
    """Name of that parameter; the functions that need the key are given `name:version`."""
    chunk_seconds: int = DEFAULT_CHUNK_SECONDS
    function_log: Path | None = None
    """Where the functions' log lines go (appended); standard output when None."""
    allow_self_sign_up: bool = False
    """As the stack setting `allowSelfSignUp` (off): operators create users. On: anyone may sign up
    and the post-confirmation function gives each new user a tenant of their own."""
    cognito_port: int = 0
    """Port of the Cognito endpoint (the front before moto's user pools); 0 picks a free one."""
    user_pool_name: str = "nullcheck-local"
    tenant_limits: dict[str, int] = field(default_factory=lambda: dict(TENANT_LIMIT_DEFAULTS))
    """What one tenant may start, as a deployed stack's defaults; suites that start more set theirs."""
    complete_wait_seconds: float | None = None
    """How long `complete` waits for S3 before it answers 202 `Completing` (`COMPLETE_WAIT_SECONDS`); None:
    the functions' own default (20 s), as deployed."""
    s3_completion_delay_seconds: float = 0
    """Extra seconds the local S3 takes to complete each multipart upload (`local/slow_completion.py`), so
    a completion that outlasts its request needs no multi-GB file. Process-wide while the stack runs."""
    extra_env: dict[str, str] = field(default_factory=dict)
    studio_dir: Path | None = None
    """A built studio (`studio/dist`) to serve as its CloudFront distribution does (`local/studio_server.py`),
    on its own origin with the API under `/api`; None, or a directory without `index.html`: no studio."""
    studio_port: int = 0
    """Port of the studio (`STUDIO_PORT` for `make dev`); 0 picks a free one."""


class LocalStack:
    """Starts moto, creates the stack's resources in it, runs the event workers and serves the API."""

    def __init__(self, config: LocalStackConfig | None = None) -> None:
        self.config = config or LocalStackConfig()
        self._moto: LocalMotoServer | None = None
        self._function_log: IO[str] | None = None
        self.functions = LocalLambda()
        self.api = LocalApiGateway(origin=self.config.origin, invoke=self.functions.invoke)
        self.bus: LocalEventBus | None = None
        self.mediaconvert: LocalMediaConvert | None = None
        self.rekognition: LocalRekognition | None = None
        self.bedrock = LocalBedrockRuntime()
        self.cognito: LocalCognito | None = None
        self.studio: StudioServer | None = None
        self.moto_url = ""
        self.mediaconvert_url = ""
        self.rekognition_url = ""
        self.bedrock_url = ""
        self.cognito_url = ""
        self.user_pool_id = ""
        self.user_pool_client_id = ""
        self.api_url = ""
        self.studio_url = ""
        """The studio's URL when `config.studio_dir` holds a built studio, else empty."""

    def start(self) -> LocalStack:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if self.config.function_log:
            self.config.function_log.parent.mkdir(parents=True, exist_ok=True)
            self._function_log = self.config.function_log.open("a", buffering=1)
            self.functions.send_logs_to(self._function_log)
        self._moto = LocalMotoServer(port=self.config.moto_port)
        self.moto_url = self._moto.start()
        if self.config.s3_completion_delay_seconds:
            slow_completion.install(self.config.s3_completion_delay_seconds)
        self.cognito = LocalCognito(moto_url=self.moto_url, region=REGION, invoke=self.functions.invoke)
        self.cognito_url = self.cognito.start(port=self.config.cognito_port)
        os.environ.update(self.function_environment())
        self._create_user_pool()
        create_table(self.client("dynamodb"), self.config.table_name)
        create_bucket(self.client("s3"), self.config.bucket_name)
        os.environ["CAPTION_FONTS"] = upload_caption_fonts(self.client("s3"), self.config.bucket_name)
        os.environ["CURSOR_KEY_PARAMETER"] = create_cursor_key(
            self.client("ssm"), self.config.cursor_key_parameter, self.config.encryption_key
        )
        self.mediaconvert = LocalMediaConvert(s3=self.client("s3"), events=self.client("events"), account_id=ACCOUNT)
        self.mediaconvert_url = self.mediaconvert.start()
        os.environ["AWS_ENDPOINT_URL_MEDIACONVERT"] = self.mediaconvert_url
        # DetectFaces over the local S3, answered by OpenCV's face detector (local/rekognition.py).
        self.rekognition = LocalRekognition(s3=self.client("s3"))
        os.environ["AWS_ENDPOINT_URL_REKOGNITION"] = self.rekognition_url = self.rekognition.start()
        os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = self.bedrock_url = self.bedrock.start()
        os.environ["MEMORY_ID"] = create_agent_memory(self.client("bedrock-agentcore-control"), "clipAgentMemory_local")
        self.bus = LocalEventBus(
            events=self.client("events"),
            sqs=self.client("sqs"),
            bucket_name=self.config.bucket_name,
            invoke=self.functions.invoke,
            account=ACCOUNT,
        )
        self.bus.create_rules()
        self.bus.start()
        self.api_url = self.api.start(port=self.config.api_port)
        if self.config.studio_dir is not None and built(self.config.studio_dir):
            self.studio = StudioServer(
                StudioSite(
                    directory=self.config.studio_dir,
                    api_url=self.api_url,
                    region=REGION,
                    user_pool_id=self.user_pool_id,
                    user_pool_client_id=self.user_pool_client_id,
                    cognito_endpoint=self.cognito_url,
                    media_origin=self.moto_url,
                )
            )
            self.studio_url = self.studio.start(port=self.config.studio_port)
        return self

    def _create_user_pool(self) -> None:
        """The pool and app client from the Identity component's defaults; the authorizer trusts the pool, the
        functions its app client."""
        post_confirmation = next(f for f, trigger in cognito_triggers() if trigger.source == "post_confirmation")
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{post_confirmation.name}"
        args = IdentityArgs(allow_self_sign_up=self.config.allow_self_sign_up)
        if self.config.allow_self_sign_up:
            args["post_confirmation_function_arn"] = arn
        self.user_pool_id, self.user_pool_client_id = create_user_pool(
            self.client("cognito-idp"), self.config.user_pool_name, args
        )
        # The stack's app clients, as the backend gives them to the API functions: the audiences they accept.
        os.environ["APP_CLIENT_IDS"] = self.user_pool_client_id
        # As API Gateway's user pools authorizer: a token of any app client of the pool passes it.
        self.api.authorizer = CognitoAuthorizer(
            region=REGION,
            user_pool_id=self.user_pool_id,
            jwks_url=f"{self.moto_url}/{self.user_pool_id}/.well-known/jwks.json",
        ).claims

    def connection(self) -> dict[str, Any]:
        """What `.nullcheck/local-stack.json` holds: where the API (and the studio) is and how to sign in to it."""
        return {
            "apiUrl": self.api_url,
            **({"studioUrl": self.studio_url} if self.studio_url else {}),
            "region": REGION,
            "cognito": {
                "endpoint": self.cognito_url,
                "userPoolId": self.user_pool_id,
                "userPoolClientId": self.user_pool_client_id,
            },
        }

    def write_connection(self, path: Path) -> Path:
        """Write `connection()` as JSON to `path` (the CLI looks for `.nullcheck/local-stack.json`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.connection(), indent=2) + "\n")
        return path

    def create_user(self, email: str, tenant: str | None, password: str | None = None) -> str:
        """A confirmed user of the pool with `custom:tenantId` = tenant (none when None); returns its password."""
        password = password or new_password()
        create_user(self.cognito_client(), self.user_pool_id, email, tenant, password)
        return password

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        """USER_PASSWORD_AUTH through the Cognito endpoint: IdToken, AccessToken, RefreshToken."""
        return sign_in(self.cognito_client(), self.user_pool_client_id, email, password)

    def cognito_client(self) -> Any:
        """A Cognito client of the local stack's endpoint (the front), as any Cognito client would use it."""
        return boto3.client(
            "cognito-idp",
            region_name=REGION,
            endpoint_url=self.cognito_url,
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        )

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Until no event waits or runs and no MediaConvert job is pending (for tests and the demo)."""
        deadline = time.monotonic() + timeout
        settled = 0
        while time.monotonic() < deadline:
            quiet = (self.bus is None or self.bus.idle()) and (
                self.mediaconvert is None or self.mediaconvert.wait_idle(0)
            )
            # Two quiet looks in a row: an event may be between a queue and its worker.
            settled = settled + 1 if quiet else 0
            if settled >= 2:
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.studio:
            self.studio.stop()
            self.studio = None
        self.api.stop()
        if self.bus:
            self.bus.stop()
        if self.mediaconvert:
            self.mediaconvert.stop()
        if self.rekognition:
            self.rekognition.stop()
            self.rekognition = None
        self.bedrock.stop()
        if self.cognito:
            self.cognito.stop()
            self.cognito = None
        if self._moto:
            self._moto.stop()
            self._moto = None
        if self.config.s3_completion_delay_seconds:
            slow_completion.uninstall()
        if self._function_log:
            self.functions.send_logs_to(None)
            self._function_log.close()
            self._function_log = None

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.moto_url)

    def function_environment(self) -> dict[str, str]:
        """What every handler finds in its environment when it runs here."""
        config = self.config
        wait = config.complete_wait_seconds
        return {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": self.cognito_url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
            "POWERTOOLS_SERVICE_NAME": "nullcheck",
            "ORIGIN": config.origin,
            "TABLE_NAME": config.table_name,
            "BUCKET_NAME": config.bucket_name,
            "CHUNK_SECONDS": str(config.chunk_seconds),
            "TENANT_LIMITS": json.dumps({**TENANT_LIMIT_DEFAULTS, **config.tenant_limits}, sort_keys=True),
            "MEDIACONVERT_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/nullcheck-local-mediaconvert",
            SERVICE_MODELS: str(layer_service_models()),
            **({} if wait is None else {"COMPLETE_WAIT_SECONDS": str(wait)}),
            **config.extra_env,
        }

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
