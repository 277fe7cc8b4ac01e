"""Which IAM actions a handler's AWS calls need: recorded from its boto3 clients, compared with its grants."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_TRANSACT_KINDS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_ACTIONS = {
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "DeleteObjects"): "s3:DeleteObject",  # authorised per key
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "ListParts"): "s3:ListMultipartUploadParts",
}
"""Calls whose IAM action is not simply `service:Operation`."""


def iam_actions(service: str, operation: str, params: dict[str, Any]) -> set[str]:
    """The IAM actions that authorise one API call (TransactWriteItems: those of its items)."""
    if (service, operation) == ("dynamodb", "TransactWriteItems"):
        return {f"dynamodb:{_TRANSACT_KINDS[kind]}" for item in params["TransactItems"] for kind in item}
    return {_ACTIONS.get((service, operation), f"{service}:{operation}")}


@contextmanager
def recorded_actions(**clients: Any) -> Iterator[set[str]]:
    """The IAM actions of every call made through `clients` (service name → boto3 client) inside the block."""
    used: set[str] = set()
    hooks = []
    for service, client in clients.items():

        def hook(params: dict[str, Any], model: Any, service: str = service, **_: Any) -> None:
            used.update(iam_actions(service, model.name, params))

        hooks.append((client.meta.events, f"provide-client-params.{service}.*", hook))
    for events, name, hook in hooks:
        events.register(name, hook)
    try:
        yield used
    finally:
        for events, name, hook in hooks:
            events.unregister(name, hook)


def granted_actions(function: Any) -> set[str]:
    """Every action a catalog entry grants."""
    return {action for grant in function.grants for action in grant.actions}
