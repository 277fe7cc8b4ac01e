"""The base of the API's models: each builds its validator on first use, not at import.

Every API function imports the modules that define the whole API's models, but validates and
serialises only its own route's: building all of them at import (pydantic's schema building, a
few hundred microseconds to milliseconds each) would be paid by every cold start for models
that function never touches (`bench/cold_start.py`).
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
