"""Domain errors: each says, in a sentence a person understands, what is wrong.

The API maps each class to an HTTP status (see `api/errors.py`); the domain
only knows which kind of problem it is.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a command was refused and nothing was recorded."""

    title = "The request was refused"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class RecordNotFound(DomainError):
    """No record of that kind has that id."""

    title = "Record not found"


class InvalidField(DomainError):
    """A field value breaks a rule that can be judged from the value alone."""

    title = "Invalid field"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class RuleViolation(DomainError):
    """The command is well-formed but the record's current state forbids it."""

    title = "Rule broken"


class IllegalTransition(RuleViolation):
    """A lifecycle move that is not allowed from the record's current status."""

    title = "Lifecycle move not allowed"

    def __init__(self, detail: str, allowed: list[str]) -> None:
        super().__init__(detail)
        self.allowed = allowed


class StaleVersion(DomainError):
    """The client's If-Match version is not the record's current version."""

    title = "The record has changed since you read it"

    def __init__(self, detail: str, current_version: int) -> None:
        super().__init__(detail)
        self.current_version = current_version


class ConcurrentChange(DomainError):
    """Another command changed the record between our read and our write."""

    title = "Concurrent change"


class IdempotencyKeyReused(DomainError):
    """An Idempotency-Key that was already used for a different request."""

    title = "Idempotency-Key reused for a different request"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used for a different request. Use a new key for a new request."
        )
