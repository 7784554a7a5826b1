"""A spreadsheet saved as CSV, read the way people save one: a header row naming the
columns, then one record per row; UTF-8 with or without a BOM; comma, semicolon (Finnish
and Swedish Excel) or tab delimited, whichever the header uses most. The importers of
pledges (`domain.pledge_csv`) and initiatives (`domain.initiative_csv`) read through it
and judge the rows themselves.

Line numbers are spreadsheet rows: the header is line 1, the first record line 2. (A
quoted cell with a line break inside stays one row, as it is in the sheet.) Blank lines
are skipped; a line that is not valid CSV or has more cells than the header is a row
with a problem, so the importer reports it by its number with the others.
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from domain.errors import DomainError, InvalidField

DELIMITERS = ("\t", ";", ",")


@dataclass(frozen=True)
class CsvRow:
    """One row of the sheet: its line number and its cells by column name."""

    line: int
    values: dict[str, str]
    problems: tuple[DomainError, ...] = ()  # wrong about the row's shape (e.g. too many cells)


def folded(value: str) -> str:
    """A header or a name as people may write it: NFC, spaces squeezed, casefolded."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


def read_rows(
    lines: Iterable[str], header: Callable[[list[str]], list[str]], empty: InvalidField
) -> Iterator[CsvRow]:
    """The rows of a CSV text, streamed (lines as a text file yields them, newline="").
    `header` turns the header row into column names (raising InvalidField("file", …) when
    it cannot); `empty` is the refusal of a file with no header row."""
    source = iter(lines)
    first = next(source, None)
    if first is None or not first.strip():
        raise empty
    first = first.removeprefix("\ufeff")
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(itertools.chain([first], source), delimiter=delimiter, strict=True)
    columns = header(next(reader))
    line = 1
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = InvalidField("line", "This line is not valid CSV: {problem}.", problem=str(error))
            yield CsvRow(line, {}, (problem,))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between rows
        problems: tuple[DomainError, ...] = ()
        if len(cells) > len(columns):
            problems = (
                InvalidField(
                    "line",
                    "This line has {count} cells; the header names {columns} columns.",
                    count=len(cells),
                    columns=len(columns),
                ),
            )
        values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(columns)}
        yield CsvRow(line, values, problems)


def known_columns(header: list[str], column_of: Callable[[str], str], columns: Sequence[str]) -> list[str]:
    """The header's column names (`column_of` maps a folded header cell to a column, "" when
    it names none), refused when one is unknown or named twice."""
    names = [column_of(folded(name)) for name in header]
    unknown = [raw.strip() for raw, name in zip(header, names, strict=True) if name not in columns]
    if unknown:
        raise InvalidField(
            "file",
            "The header names columns Kipinä does not know: {unknown}. The columns are: {columns}.",
            unknown=", ".join(unknown),
            columns=", ".join(columns),
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidField("file", "The header names a column twice: {columns}.", columns=", ".join(repeated))
    return names
