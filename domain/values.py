"""Small value checks shared by the aggregates.

Each check either returns the cleaned value or raises `InvalidField` with a
sentence that names the field, so every command validates before it records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from domain.errors import InvalidField

# A back-dated entry may be at most one day "ahead" of UTC: Finland is UTC+2/+3,
# so shortly after local midnight the local date is already tomorrow in UTC terms.
_FUTURE_TOLERANCE = timedelta(days=1)


def required_text(field: str, value: str | None, *, max_length: int) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidField(field, "{field} is required and cannot be blank.")
    return _within_length(field, cleaned, max_length)


def optional_text(field: str, value: str | None, *, max_length: int) -> str:
    return _within_length(field, (value or "").strip(), max_length)


# C0 control characters except tab and line breaks, and DEL. PostgreSQL cannot store NUL
# in text at all (a read model would fail on the event for good), and none belongs in a text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(field: str, value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise InvalidField(field, "{field} contains a control character (such as NUL); remove it.")
    return value


def _within_length(field: str, value: str, max_length: int) -> str:
    printable(field, value)
    if len(value) > max_length:
        raise InvalidField(
            field,
            "{field} is {length} characters long; the limit is {limit}.",
            length=len(value),
            limit=max_length,
        )
    return value


def tag_list(field: str, values: Iterable[str], *, max_items: int, max_length: int) -> list[str]:
    """Trim, drop blanks and case-insensitive duplicates, keep the first spelling."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for raw in values:
        value = _within_length(field, raw.strip(), max_length)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            cleaned.append(value)
    if len(cleaned) > max_items:
        raise InvalidField(
            field, "{field} has {count} entries; the limit is {limit}.", count=len(cleaned), limit=max_items
        )
    return cleaned


def past_or_today(field: str, value: date | None) -> date | None:
    """An `occurred_on` date: when something happened, so never in the future."""
    if value is None:
        return None
    today = (datetime.now(UTC) + _FUTURE_TOLERANCE).date()
    if value > today:
        raise InvalidField(
            field,
            "{field} is {date}, which is in the future; back-dated entries must have happened already.",
            date=value.isoformat(),
        )
    return value
