"""Typed configuration of a Lambda function, parsed once from its environment.

Every function gets the variables its catalog entry asks for; fields it does not need stay
unset and `require` says which one is missing instead of failing deep inside a boto3 call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from handlers.contract import DEFAULT_CHUNK_SECONDS, DEFAULT_MODEL_ID

SERVICE_MODELS = "SERVICE_MODELS"
"""Given to every function (not a catalog `Env`): where its layer's botocore service models are."""


class Settings(BaseModel):
    """Environment of a NullCheck function (names as the seed lists them)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    origin: str = Field("*", alias="ORIGIN", description="CORS origin sent on every answer")
    table_name: str | None = Field(None, alias="TABLE_NAME")
    bucket_name: str | None = Field(None, alias="BUCKET_NAME")
    encryption_key: str | None = Field(None, alias="ENCRYPTION_KEY", description="Cursor key material")
    memory_id: str | None = Field(None, alias="MEMORY_ID")
    model_id: str = Field(DEFAULT_MODEL_ID, alias="MODEL_ID")
    mediaconvert_role_arn: str | None = Field(None, alias="MEDIACONVERT_ROLE_ARN")
    chunk_seconds: int = Field(DEFAULT_CHUNK_SECONDS, alias="CHUNK_SECONDS", ge=1, le=600)
    service_models: str | None = Field(None, alias=SERVICE_MODELS, description="See `handlers.core.runtime.clients`")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return cls.model_validate(dict(os.environ if environ is None else environ))

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
