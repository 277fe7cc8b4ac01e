"""IAM documents the components share."""

from __future__ import annotations

import json


def trust_policy(service: str) -> str:
    """A role trust policy naming exactly one AWS service principal."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )
