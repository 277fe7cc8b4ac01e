"""IAM documents the components share."""

from __future__ import annotations

import json


def trust_policy(service: str, source_account: str | None = None) -> str:
    """A role trust policy naming exactly one AWS service principal; with `source_account`, only that
    account's use of the service may assume it (the confused-deputy guard AWS documents)."""
    statement: dict[str, object] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if source_account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
