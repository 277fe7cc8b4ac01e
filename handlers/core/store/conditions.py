"""A conditional write that did not happen, as one typed result instead of a caught ClientError.

Every store function that writes under a condition answers through `written`: the write's
answer when DynamoDB made it, None when a condition refused it. Callers decide what a refusal
means (a repeated event, a lost race, a record gone); they never see DynamoDB's error codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import ClientError

Answer = TypeVar("Answer")

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
_REFUSING_REASONS = {"ConditionalCheckFailed"}
_CONFLICT_REASONS = {"TransactionConflict"}
_UNCHANGED_REASONS = {"None", None}


def written(write: Callable[[], Answer], *, conflict_refuses: bool = False) -> Answer | None:
    """`write()`'s answer, or None when a condition of it failed.

    A transaction cancelled because one of its conditions failed counts as refused (and so does
    one that names no reasons). With `conflict_refuses`, so does a transaction cancelled by a
    concurrent one: for a caller that reads the record again and decides from what it finds.
    Any other error propagates (throttling, validation: retried or reported as they were).
    """
    try:
        return write()
    except ClientError as error:
        if _refused(error.response, conflict_refuses):
            return None
        raise


@dataclass(frozen=True)
class Refused:
    """A transaction a condition refused: the positions of its items whose condition failed."""

    items: tuple[int, ...]


def transacted(write: Callable[[], Any], *, conflict_refuses: bool = False) -> Refused | None:
    """None when the transaction `write()` made was written; `Refused` (saying which items) when a condition failed.

    With `conflict_refuses`, a transaction cancelled by a concurrent one is refused too (no items named).
    """
    try:
        write()
    except ClientError as error:
        if not _refused(error.response, conflict_refuses):
            raise
        reasons = error.response.get("CancellationReasons", [])
        return Refused(tuple(n for n, reason in enumerate(reasons) if reason.get("Code") in _REFUSING_REASONS))
    return None


def _refused(response: dict[str, Any], conflict_refuses: bool) -> bool:
    code = response.get("Error", {}).get("Code")
    if code == CONDITION_FAILED:
        return True
    if code != TRANSACTION_CANCELED:
        return False
    reasons = {reason.get("Code") for reason in response.get("CancellationReasons", [])}
    if not reasons or reasons & _REFUSING_REASONS:
        return True
    return conflict_refuses and bool(reasons & _CONFLICT_REASONS) and reasons <= _CONFLICT_REASONS | _UNCHANGED_REASONS
