"""Small value checks shared by the aggregates.

Each check either returns the cleaned value or raises `InvalidField` with a
sentence that names the field, so every command validates before it records.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sized
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


# C0 and C1 control characters except tab and line breaks, and DEL. PostgreSQL cannot store
# NUL in text at all (a read model would fail on the event for good), and none belongs in a text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a UTF-16 pair on its own. JSON's "\ud800" escape brings one in; it is no character
# at all, cannot be encoded as UTF-8, and makes both stores fail when the event is written.
SURROGATES = re.compile(r"[\ud800-\udfff]")
# Invisible characters that change the direction text is shown in (LRM, RLM, ALM, the
# embeddings, overrides and isolates): a title with U+202E reads backwards from that point,
# so a list can show something other than what was typed ("Trojan Source").
BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing at all (zero-width space, word joiner and the invisible
# operators, the byte-order mark, the Mongolian vowel separator, deprecated format controls):
# two names that look the same would differ. ZWNJ and ZWJ (U+200C, U+200D) are not here:
# emoji such as 👩‍⚕️ and scripts such as Persian and the Indic ones need them.
INVISIBLE_CHARACTERS = re.compile(r"[\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff]")


def printable(field: str, value: str) -> str:
    """Refuse what no person can see or type on purpose; returns the value unchanged."""
    if found := SURROGATES.search(value):
        raise InvalidField(
            field,
            "{field} contains a broken character (a lone UTF-16 surrogate, {code}); "
            "send the text as valid Unicode.",
            code=_code(found[0]),
        )
    if CONTROL_CHARACTERS.search(value):
        raise InvalidField(field, "{field} contains a control character (such as NUL); remove it.")
    if found := BIDI_CONTROLS.search(value):
        raise InvalidField(
            field,
            "{field} contains an invisible direction-changing character ({code}); remove it.",
            code=_code(found[0]),
        )
    if found := INVISIBLE_CHARACTERS.search(value):
        raise InvalidField(
            field,
            "{field} contains an invisible zero-width character ({code}); remove it.",
            code=_code(found[0]),
        )
    return value


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


def _within_length(field: str, value: str, max_length: int) -> str:
    printable(field, value)
    # NFC: "ä" typed as one character and "a" + combining diaeresis (as some keyboards and
    # PDF copy-paste give it) look the same, so they must compare, search, sort and
    # deduplicate the same. NFC only joins canonically equal spellings, so nothing a person
    # sees changes (NFKC would: it turns "m²" into "m2"). The limit is judged on the result,
    # since that is what is stored.
    value = unicodedata.normalize("NFC", value)
    if len(value) > max_length:
        raise InvalidField(
            field,
            "{field} is {length} characters long; the limit is {limit}.",
            length=len(value),
            limit=max_length,
        )
    return value


def at_most(field: str, values: Sized, *, max_items: int) -> None:
    """A list of things a command adds at once (goals, team members …) within its limit."""
    if len(values) > max_items:
        raise InvalidField(
            field, "{field} has {count} entries; the limit is {limit}.", count=len(values), limit=max_items
        )


def tag_list(field: str, values: Iterable[str], *, max_items: int, max_length: int) -> list[str]:
    """Trim, drop blanks and case-insensitive duplicates, keep the first spelling."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for raw in values:
        value = _within_length(field, raw.strip(), max_length)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            cleaned.append(value)
    at_most(field, cleaned, max_items=max_items)
    return cleaned


# The days a record can be about. Nothing this tracker follows happened before 1900 or is
# planned after 2100; a year 1 or 9999 is a typing mistake (or an integer taken for a date),
# and charts, calendars and timelines spanning such years would be unusable.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)


# Numbers a person records (measure values, observed values, figures): larger ones are typing
# mistakes, would make a chart's axis unreadable, and an integer beyond a float's range
# cannot even be compared with NaN checks (math.isfinite raises on it).
NUMBER_MAX = 1e12


def finite_number(value: object) -> bool:
    """A number a person can mean: not a boolean, NaN or infinity, and within ±NUMBER_MAX."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= NUMBER_MAX and math.isfinite(value)


def plausible_date(field: str, value: date) -> date:
    """Any date a command takes: within EARLIEST_DAY … LATEST_DAY."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise InvalidField(
            field,
            "{field} is {date}; a date must be between {earliest} and {latest}.",
            date=f"{value.year:04d}-{value.month:02d}-{value.day:02d}",
            earliest=EARLIEST_DAY.isoformat(),
            latest=LATEST_DAY.isoformat(),
        )
    return value


def past_or_today(field: str, value: date | None) -> date | None:
    """An `occurred_on` date: when something happened, so never in the future."""
    if value is None:
        return None
    today = (datetime.now(UTC) + _FUTURE_TOLERANCE).date()
    # The future first: for a year 9999 "it has not happened yet" is the sentence that helps.
    if value > today:
        raise InvalidField(
            field,
            "{field} is {date}, which is in the future; back-dated entries must have happened already.",
            date=value.isoformat(),
        )
    return plausible_date(field, value)
