"""A series of measure values pasted from a spreadsheet or uploaded as a CSV file: one
line per value, "period and value" (and an optional note), each line judged on its own.

What people paste from Excel or LibreOffice in Finnish, Swedish or English:

* Cells separated by a tab (a copied range), a semicolon (Finnish and Swedish CSV) or a
  comma (English CSV). A line with a tab is split at tabs, else one with a semicolon at
  semicolons, else at its first comma only: a period never holds a comma, so
  "2019-03,12,5" is the period 2019-03 and the value 12,5.
* A number with a decimal comma (12,5) or point (12.5); spaces (also no-break spaces) as
  thousands separators; when both a comma and a point appear, the last one is the decimal
  mark (1.234,5 and 1,234.5 are both 1234.5); a minus sign (−) is a minus.
* A period as the measure's frequency writes it (2019-W12, 2019-03, 2019-Q1, 2019) or any
  day in it, as 2019-03-14, as Finnish and Swedish spreadsheets show a day (14.3.2019), or
  as a day with a midnight time (2019-03-14 00:00:00).
* A UTF-8 byte order mark, blank lines and a first line of column names are skipped.

Lines are numbered as the reader sees them: the first line of the text is line 1, blank
lines and the header included. A period has one value, so a period that an earlier line of
the same series already gave is refused, and one the measure already has a value for is
either *already recorded* (the same number: pasting the same series twice records nothing
twice) or refused (another number: a series never overwrites a value; a correction does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, InvalidField
from domain.measure import NOTE_MAX, check_value

# One paste or file at a time: a daily measure's three years, far below the body limits.
SERIES_LINES_MAX = 1000
SERIES_CHARS_MAX = 200_000
SHOWN_MAX = 60  # characters of a refused cell repeated in a sentence

_FINNISH_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class LineResult(StrEnum):
    NEW = "new"  # valid and not yet recorded: recorded on confirm
    RECORDED = "recorded"  # recorded by this request
    ALREADY_RECORDED = "already_recorded"  # the measure has this very value for the period
    REJECTED = "rejected"


@dataclass
class SeriesLine:
    """One line of the series: what it gives (the period written the measure's way), and
    the reasons it is refused, if any."""

    line: int
    text: str
    period: str = ""
    day: date | None = None
    value: float | None = None
    note: str = ""
    result: LineResult = LineResult.NEW
    errors: list[DomainError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_series(text: str, *, frequency: str, recorded: Mapping[str, float]) -> list[SeriesLine]:
    """Judge every line of a series for a measure of `frequency` whose values by period are
    `recorded`. Raises InvalidField("lines", …) when the whole text is unusable (empty, too
    long, too many lines); then nothing at all is recorded."""
    if len(text) > SERIES_CHARS_MAX:
        raise InvalidField(
            "lines",
            "The series is {length} characters long; the limit is {limit} at a time.",
            length=len(text),
            limit=SERIES_CHARS_MAX,
        )
    lines = text.removeprefix("\ufeff").splitlines()
    filled = [(number, raw) for number, raw in enumerate(lines, start=1) if raw.strip()]
    if filled and _is_header(_cells(filled[0][1])):
        filled = filled[1:]
    if not filled:
        raise InvalidField("lines", "Give at least one line: a period and its value, such as 2019-03;34.")
    if len(filled) > SERIES_LINES_MAX:
        raise InvalidField(
            "lines",
            "The series has {count} lines; the limit is {limit} at a time. Split it in parts.",
            count=len(filled),
            limit=SERIES_LINES_MAX,
        )
    judged: list[SeriesLine] = []
    first_line_of: dict[str, int] = {}
    for number, raw in filled:
        line = _judge(number, raw, frequency)
        if line.ok:
            earlier = first_line_of.setdefault(line.period, number)
            if earlier != number:
                line.errors.append(
                    InvalidField(
                        "period",
                        "Period {period} is already given on line {other}; a period has one value.",
                        period=line.period,
                        other=earlier,
                    )
                )
            elif line.period in recorded:
                _against_recorded(line, recorded[line.period])
        if not line.ok:
            line.result = LineResult.REJECTED
        judged.append(line)
    return judged


def _judge(number: int, raw: str, frequency: str) -> SeriesLine:
    cells = _cells(raw)
    line = SeriesLine(number, raw.strip()[:200])
    if len(cells) < 2 or not cells[1]:
        line.errors.append(
            InvalidField(
                "line",
                "A line needs a period and a value, separated by a tab, a semicolon or a comma.",
            )
        )
        return line
    if len(cells) > 3:
        line.errors.append(
            InvalidField(
                "line",
                "This line has {count} cells; a line takes a period, a value and an optional note.",
                count=len(cells),
            )
        )
        return line
    period_text, value_text = cells[0], cells[1]
    note = cells[2] if len(cells) == 3 else ""
    amount: float | None = None
    try:
        amount = decimal_number(value_text)
    except InvalidField as error:
        line.errors.append(error)
    try:
        label, first_day, cleaned, cleaned_note = check_value(
            frequency, _period_text(period_text), 0.0 if amount is None else amount, note
        )
    except DomainError as error:
        line.errors.append(error)
    else:
        line.period, line.day, line.note = label, first_day, cleaned_note
        if amount is not None:
            line.value = cleaned
    return line


def _against_recorded(line: SeriesLine, value: float) -> None:
    if line.value == value:
        line.result = LineResult.ALREADY_RECORDED
        return
    line.errors.append(
        InvalidField(
            "value",
            "{period} already has the value {recorded}; a series never overwrites a value. "
            "If {value} is right, correct that value on the measure's page.",
            period=line.period,
            recorded=f"{value:g}",
            value=f"{line.value:g}",
        )
    )


def _cells(raw: str) -> list[str]:
    text = raw.strip("\r\n")
    if "\t" in text:
        cells = text.split("\t")
    elif ";" in text:
        cells = text.split(";")
    else:
        cells = text.split(",", 1)
    cells = [_unquoted(cell.strip()) for cell in cells]
    while len(cells) > 2 and not cells[-1]:
        cells.pop()  # empty cells a spreadsheet adds at the end of a row
    return cells


def _unquoted(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"').strip()
    return cell


def _is_header(cells: list[str]) -> bool:
    """Column names, not values: the value cell is no number and the period has no digit."""
    if len(cells) < 2 or any(ch.isdigit() for ch in cells[0]):
        return False
    try:
        decimal_number(cells[1])
    except InvalidField:
        return True
    return False


def _period_text(raw: str) -> str:
    """A day written as Finnish and Swedish spreadsheets show it, or with a midnight time,
    as an ISO day; anything else as it is (the measure's frequency judges it)."""
    if found := _FINNISH_DAY.match(raw):
        day, month, year = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if found := _MIDNIGHT.match(raw):
        return found[1]
    return raw


def decimal_number(raw: str) -> float:
    """A number as a spreadsheet in fi, sv or en shows it; see the module's docstring."""
    cleaned = "".join(raw.split()).replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "")
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "")
    if not _NUMBER.match(cleaned):
        raise InvalidField(
            "value",
            "{value} is not a number such as 12 or 7.5.",
            value=raw.strip()[:SHOWN_MAX] or "–",
        )
    return float(cleaned.replace(",", "."))


def as_value_lines(lines: list[SeriesLine]) -> list[dict[str, Any]]:
    """The lines to record: valid and not yet recorded, as the command takes them."""
    return [
        {"period": line.period, "value": line.value, "note": line.note}
        for line in lines
        if line.ok and line.result is LineResult.NEW
    ]


__all__ = ["NOTE_MAX", "SERIES_CHARS_MAX", "SERIES_LINES_MAX", "LineResult", "SeriesLine", "read_series"]
