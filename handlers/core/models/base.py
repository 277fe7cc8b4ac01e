"""The base of NullCheck's models (API bodies and answers, events): each builds on first use.

A function imports the modules that define its area's models (or every event's), but validates
and serialises only a few: building all of them at import (pydantic's schema building,
up to milliseconds each) would be paid by every cold start for models that function never
touches (`bench/cold_start.py`). The entry points build their own route's or event's models
during init.
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


class ApiModel(Model):
    """Request models reject unknown fields, so a typo is a 400 instead of silently ignored."""

    model_config = ConfigDict(extra="forbid")
