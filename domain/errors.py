"""Domain errors: each says, in a sentence a person understands, what is wrong.

The API maps each class to an HTTP status (see `api/errors.py`); the domain
only knows which kind of problem it is.

Every error is built from a message *template* and keyword params, e.g.
``InvalidField("title", "{field} is {length} characters long; the limit is {limit}.",
length=201, limit=200)``. The template is the gettext msgid the web UI translates;
`detail` is the template filled in, in English, which is what the JSON API returns.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a literal message for Babel's extraction (`-k N_`); it is not translated here."""
    return message


class DomainError(Exception):
    """Base class: a command was refused and nothing was recorded.

    `message` is a literal template so Babel can extract it (see babel.cfg keywords);
    never pass an f-string. Put the values in `params`: the template names them as
    `str.format` placeholders (a literal brace is written `{{` or `}}`).
    """

    title = "The request was refused"

    def __init__(self, message: str, /, **params: Any) -> None:
        self.message = message  # the template; it is the gettext msgid
        self.params = params  # values for the placeholders
        self.detail = message.format(**params)
        super().__init__(self.detail)


class RecordNotFound(DomainError):
    """No record of that kind has that id."""

    title = "Record not found"


class InvalidField(DomainError):
    """A field value breaks a rule that can be judged from the value alone.

    The template may use `{field}`: it is filled with the field's name."""

    title = "Invalid field"

    def __init__(self, field: str, message: str, /, **params: Any) -> None:
        params.setdefault("field", field)
        super().__init__(message, **params)
        self.field = field


class InvalidFields(InvalidField):
    """Several fields are invalid at once (e.g. everything publishing still needs), so a
    person can fix them all in one go instead of one refusal at a time.

    `errors` holds one `InvalidField` per field; the first one's sentence is the detail."""

    def __init__(self, errors: list[InvalidField]) -> None:
        assert errors, "InvalidFields needs at least one error"
        first = errors[0]
        super().__init__(first.field, first.message, **first.params)
        self.errors = errors


class RuleViolation(DomainError):
    """The command is well-formed but the record's current state forbids it."""

    title = "Rule broken"


class IllegalTransition(RuleViolation):
    """A lifecycle move that is not allowed from the record's current status."""

    title = "Lifecycle move not allowed"

    def __init__(self, message: str, allowed: list[str], /, **params: Any) -> None:
        super().__init__(message, **params)
        self.allowed = allowed


class StaleVersion(DomainError):
    """The client's If-Match version is not the record's current version.

    The template may use `{current_version}`."""

    title = "The record has changed since you read it"

    def __init__(self, message: str, /, current_version: int, **params: Any) -> None:
        super().__init__(message, current_version=current_version, **params)
        self.current_version = current_version


class ConcurrentChange(DomainError):
    """Another command changed the record between our read and our write."""

    title = "Concurrent change"


class IdempotencyKeyReused(DomainError):
    """An Idempotency-Key that was already used for a different request."""

    title = "Idempotency-Key reused for a different request"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request."
            )
        )
