"""Domain errors: what went wrong in terms a caller can act on.

The HTTP layer maps each to a 4xx status; event handlers treat `InvalidEvent` as "log and drop".
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: the message is safe to show to the caller."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class LimitReached(DomainError):
    """A per-tenant limit would be passed (429): the message names it, `retry_after` says when to ask again."""

    status = 429
    CONCURRENT_RETRY_SECONDS = 60
    """A running job ends within minutes: ask again in one."""
    OBJECT_RETRY_SECONDS = 24 * 3600
    """A per-object limit does not reset by itself: a day is how long raising it takes."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @classmethod
    def daily(cls, name: str, limit: int, retry_after: int) -> LimitReached:
        return cls(
            f"limit {name} reached: {limit} a day (UTC days); ask again after 00:00 UTC, or ask your platform"
            " team for a higher limit",
            retry_after,
        )

    @classmethod
    def per_object(cls, name: str, limit: int, what: str) -> LimitReached:
        return cls(
            f"limit {name} reached: {limit} per {what}; ask your platform team for a higher limit",
            cls.OBJECT_RETRY_SECONDS,
        )

    @classmethod
    def concurrent(cls, name: str, limit: int) -> LimitReached:
        return cls(
            f"limit {name} reached: {limit} at once; ask again when one of them has finished",
            cls.CONCURRENT_RETRY_SECONDS,
        )
