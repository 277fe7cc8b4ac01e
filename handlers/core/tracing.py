"""The functions' Tracer: X-Ray subsegments for the AWS calls, patched at cold start.

By default Powertools' Tracer patches every library the X-Ray SDK supports (`patch_all`), which
imports each one installed, at every cold start. NullCheck's functions call nothing but AWS, all
through botocore: patching botocore alone keeps a subsegment per AWS call and costs a fraction
of the import time (`bench/cold_start.py`). Lambda's Active tracing records the function's own
segment either way.
"""

from __future__ import annotations

from aws_lambda_powertools import Tracer

PATCHED_MODULES = ("botocore",)


def tracer() -> Tracer:
    return Tracer(patch_modules=list(PATCHED_MODULES))
