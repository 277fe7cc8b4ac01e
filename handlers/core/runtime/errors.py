"""Domain errors: what went wrong in terms a caller can act on.

The HTTP layer maps each to a 4xx status; event handlers treat `InvalidEvent` as "log and drop".
"""


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
