"""Typed configuration of a Lambda function, parsed once from its environment.

Every function gets the variables its catalog entry asks for; fields it does not need stay
unset and `require` says which one is missing instead of failing deep inside a boto3 call.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handlers.contract import DEFAULT_CHUNK_SECONDS, DEFAULT_MODEL_ID, TENANT_LIMIT_DEFAULTS

SERVICE_MODELS = "SERVICE_MODELS"
"""Given to every function (not a catalog `Env`): where its layer's botocore service models are."""


class TenantLimits(BaseModel):
    """What one tenant may start (`handlers.contract.TENANT_LIMIT_DEFAULTS`); given as JSON in `TENANT_LIMITS`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    episodes_per_day: int = Field(TENANT_LIMIT_DEFAULTS["episodes_per_day"], ge=0)
    tracks_per_episode: int = Field(TENANT_LIMIT_DEFAULTS["tracks_per_episode"], ge=0)
    transcript_uploads_per_episode: int = Field(TENANT_LIMIT_DEFAULTS["transcript_uploads_per_episode"], ge=0)
    agent_runs_per_transcript: int = Field(TENANT_LIMIT_DEFAULTS["agent_runs_per_transcript"], ge=0)
    agent_runs_per_day: int = Field(TENANT_LIMIT_DEFAULTS["agent_runs_per_day"], ge=0)
    renders_per_clip: int = Field(TENANT_LIMIT_DEFAULTS["renders_per_clip"], ge=0)
    renders_per_day: int = Field(TENANT_LIMIT_DEFAULTS["renders_per_day"], ge=0)
    concurrent_chunking_jobs: int = Field(TENANT_LIMIT_DEFAULTS["concurrent_chunking_jobs"], ge=0)
    concurrent_render_jobs: int = Field(TENANT_LIMIT_DEFAULTS["concurrent_render_jobs"], ge=0)
    clip_seconds_max: int = Field(TENANT_LIMIT_DEFAULTS["clip_seconds_max"], ge=0)

    @model_validator(mode="before")
    @classmethod
    def from_json(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class Settings(BaseModel):
    """Environment of a NullCheck function (names as the seed lists them)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    origin: str = Field("*", alias="ORIGIN", description="CORS origin sent on every answer")
    table_name: str | None = Field(None, alias="TABLE_NAME")
    bucket_name: str | None = Field(None, alias="BUCKET_NAME")
    cursor_key_parameter: str | None = Field(
        None,
        alias="CURSOR_KEY_PARAMETER",
        description="The SecureString parameter holding the cursor key, as `name:version` (read at run time)",
    )
    memory_id: str | None = Field(None, alias="MEMORY_ID")
    model_id: str = Field(DEFAULT_MODEL_ID, alias="MODEL_ID")
    mediaconvert_role_arn: str | None = Field(None, alias="MEDIACONVERT_ROLE_ARN")
    chunk_seconds: int = Field(DEFAULT_CHUNK_SECONDS, alias="CHUNK_SECONDS", ge=1, le=600)
    service_models: str | None = Field(None, alias=SERVICE_MODELS, description="See `handlers.core.runtime.clients`")
    complete_wait_seconds: float = Field(
        20.0,
        alias="COMPLETE_WAIT_SECONDS",
        gt=0,
        le=25,
        description="How long `complete` waits for S3 before answering 202 Completing (API Gateway answers at 29 s)",
    )
    tenant_limits: TenantLimits = Field(default_factory=lambda: TenantLimits(), alias="TENANT_LIMITS")
    caption_fonts: dict[str, str] | None = Field(
        None,
        alias="CAPTION_FONTS",
        description="The social captions' TrueType files as JSON: `s3://` URIs named regular, bold, italic and"
        " bold_italic (`render_job.CaptionFonts`)",
    )
    app_client_ids: frozenset[str] | None = Field(
        None,
        alias="APP_CLIENT_IDS",
        description="The stack's app client ids, comma-separated: the audiences whose ID tokens the API accepts",
    )

    @field_validator("caption_fonts", mode="before")
    @classmethod
    def json_object(cls, value: Any) -> Any:
        return (json.loads(value) if value.strip() else None) if isinstance(value, str) else value

    @field_validator("app_client_ids", mode="before")
    @classmethod
    def comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip()) or None
        return value

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return cls.model_validate(dict(os.environ if environ is None else environ))

    def allowed_audiences(self) -> frozenset[str]:
        """The app clients whose tokens the API accepts; a function without them cannot tell a caller's app."""
        if not self.app_client_ids:
            raise RuntimeError("environment variable APP_CLIENT_IDS is not set for this function")
        return self.app_client_ids

    def require(self, field: str) -> str:
        """The value of a setting this function cannot work without."""
        value = getattr(self, field)
        if not value:
            alias = type(self).model_fields[field].alias
            raise RuntimeError(f"environment variable {alias} is not set for this function")
        return str(value)


@cache
def settings() -> Settings:
    """The process-wide settings (functions read their environment once, at cold start)."""
    return Settings.from_environ()
