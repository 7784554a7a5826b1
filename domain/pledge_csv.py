"""Pledges from a spreadsheet: reading a CSV file and judging each row.

The file: a header row, then one pledge per row; UTF-8 with or without a BOM;
comma or semicolon delimited (Finnish Excel writes semicolons). Columns (in any
order; names casefolded): `text`, `person_email` or `team`, `organisation`,
`unit`, `category` and an optional `id` (the row's own id in the sheet).

Line numbers are spreadsheet rows: the header is line 1, the first pledge line 2.
(A quoted cell with a line break inside stays one row, as it is in the sheet.)

Each row gets a key, and its action the id `uuid5(campaign id, key)`: the `id`
cell if the sheet has one, else a hash of the row's normalised content. So the
same file imported twice, or a row repeated, names the same action, and the
importer records it once.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID, uuid5

from domain import csv_sheet
from domain.change_action import IMPORT_KEY_MAX, check_category, check_text
from domain.csv_sheet import CsvRow, folded
from domain.errors import DomainError, InvalidField

COLUMNS = ("text", "person_email", "team", "organisation", "unit", "category", "id")
# Other spellings a sheet may use for a column.
ALIASES = {
    "email": "person_email",
    "e-mail": "person_email",
    "external_id": "id",
    "row_id": "id",
    "organization": "organisation",
}
ROW_ID_MAX = IMPORT_KEY_MAX - len("id:")


@dataclass
class CheckedRow:
    """A row judged: the pledge's fields and the action's key, or every reason it is refused."""

    line: int
    key: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[DomainError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class References(Protocol):
    """Looks up what a row names by words: people by e-mail, organisations and units by name."""

    def person_by_email(self, email: str) -> UUID | None: ...

    def organisation(self, name: str) -> UUID | None: ...

    def unit(self, organisation_id: UUID, name: str) -> UUID | None: ...


# ---- reading -----------------------------------------------------------------------


def read_rows(lines: Iterable[str]) -> Iterator[CsvRow]:
    """The rows of a CSV text, streamed (lines as a text file yields them, newline="").

    Raises InvalidField("file", …) when the header row is missing or names no usable columns."""
    empty = InvalidField(
        "file", "The file is empty: its first line must name the columns, such as text;team."
    )
    return csv_sheet.read_rows(lines, _columns, empty)


def _columns(header: list[str]) -> list[str]:
    names = csv_sheet.known_columns(header, lambda name: ALIASES.get(name, name), COLUMNS)
    missing = [name for name in ("text", "category") if name not in names]
    if missing:
        raise InvalidField(
            "file",
            "The header has no {columns} column; the first line must name the columns.",
            columns=" or ".join(missing),
        )
    if "person_email" not in names and "team" not in names:
        raise InvalidField("file", "The header needs a person_email or a team column (or both).")
    return names


# ---- judging a row -------------------------------------------------------------------


def check_row(row: CsvRow, refs: References) -> CheckedRow:
    """Every reason the row cannot be a pledge, or its pledge fields and key."""
    checked = CheckedRow(row.line, errors=list(row.problems))
    if row.problems:
        return checked
    values = {name: unicodedata.normalize("NFC", value).strip() for name, value in row.values.items()}
    for check, given in ((check_text, "text"), (check_category, "category")):
        try:
            checked.fields.update(check({given: values.get(given)}))
        except InvalidField as error:
            checked.errors.append(error)
    _pledger(values, refs, checked)
    _place(values, refs, checked)
    try:
        checked.key = row_key(values)
    except InvalidField as error:
        checked.errors.append(error)
    if not checked.ok:
        checked.fields = {}
    return checked


def _pledger(values: dict[str, str], refs: References, checked: CheckedRow) -> None:
    email, team = values.get("person_email", ""), values.get("team", "")
    if email and team:
        checked.errors.append(
            InvalidField("team", "Fill in person_email or team, not both: a pledge has one pledger.")
        )
    elif not email and not team:
        checked.errors.append(InvalidField("person_email", "Say who pledges: fill in person_email or team."))
    elif email:
        person_id = refs.person_by_email(email)
        if person_id is None:
            checked.errors.append(
                InvalidField(
                    "person_email", "There is no person with the e-mail address {email}.", email=email
                )
            )
        checked.fields.update(person_id=person_id, team="")
    else:
        checked.fields.update(person_id=None, team=team)


def _place(values: dict[str, str], refs: References, checked: CheckedRow) -> None:
    organisation, unit = values.get("organisation", ""), values.get("unit", "")
    organisation_id = unit_id = None
    if organisation:
        organisation_id = refs.organisation(organisation)
        if organisation_id is None:
            checked.errors.append(
                InvalidField(
                    "organisation",
                    "There is no organisation called '{organisation}'.",
                    organisation=organisation,
                )
            )
    if unit:
        if not organisation:
            checked.errors.append(
                InvalidField("unit", "A unit needs its organisation: fill in the organisation column too.")
            )
        elif organisation_id is not None:
            unit_id = refs.unit(organisation_id, unit)
            if unit_id is None:
                checked.errors.append(
                    InvalidField(
                        "unit",
                        "{organisation} has no unit called '{unit}'.",
                        organisation=organisation,
                        unit=unit,
                    )
                )
    checked.fields.update(organisation_id=organisation_id, unit_id=unit_id)


def row_key(values: dict[str, str]) -> str:
    """The row's own id if it has one, else a hash of its normalised content."""
    row_id = values.get("id", "").strip()
    if row_id:
        if len(row_id) > ROW_ID_MAX:
            raise InvalidField(
                "id",
                "The id is {length} characters long; the limit is {limit}.",
                length=len(row_id),
                limit=ROW_ID_MAX,
            )
        return f"id:{row_id}"
    content = "\x1f".join(folded(values.get(name, "")) for name in COLUMNS if name != "id")
    return "sha256:" + hashlib.sha256(content.encode("utf-8")).hexdigest()


def action_id_for(campaign_id: UUID, key: str) -> UUID:
    """The id of the action a row pledges: the same row in the same campaign, the same action."""
    return uuid5(campaign_id, key)
