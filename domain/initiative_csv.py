"""Initiatives from a spreadsheet: reading a CSV file and judging each row.

The file: a header row, then one initiative per row; UTF-8 with or without a BOM;
comma, semicolon (Finnish and Swedish Excel) or tab delimited. Columns in any order,
named in Finnish, Swedish or English (see HEADERS; case and spacing do not matter):
title (required), summary, organisation (its name or id), unit (its name or id, within
the organisation), owner (a person's name or e-mail address in the registry), themes
(separated by commas, semicolons or |), status (its code or its name in fi, sv or en;
proposed when empty), start date (2019-03-14 or 14.3.2019: the day the work began, for
an initiative in progress or further along) and an optional id (the row's own id in
the sheet).

Line numbers are spreadsheet rows: the header is line 1, the first initiative line 2.

The key: each row names the initiative `uuid5(IMPORT_NAMESPACE, key)`, where the key is
the `id` cell when the sheet has one, else the organisation and the title (case and
spacing folded). So the same file imported twice, or a row repeated, names the same
initiative, and the importer records it once; a row whose title changed is a new one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID, uuid5

from domain import csv_sheet
from domain.csv_sheet import CsvRow, folded
from domain.errors import DomainError, InvalidField
from domain.initiative import Status, clean_fields
from domain.values import past_or_today, plausible_date

IMPORT_NAMESPACE = UUID("6f1d3c1e-8a57-4c1b-9a43-6a1f0c3e2b71")
COLUMNS = ("title", "summary", "organisation", "unit", "owner", "themes", "status", "start_date", "id")
ROW_ID_MAX = 200

# What a header cell may say, casefolded with spaces squeezed, in fi, sv and en.
HEADERS: dict[str, str] = {
    name: column
    for column, names in {
        "title": (
            "title",
            "name",
            "otsikko",
            "nimi",
            "hankkeen nimi",
            "kehittämishanke",
            "titel",
            "namn",
            "rubrik",
        ),
        "summary": (
            "summary",
            "description",
            "kuvaus",
            "tiivistelmä",
            "yhteenveto",
            "sammanfattning",
            "beskrivning",
        ),
        "organisation": (
            "organisation",
            "organization",
            "organisaatio",
            "organisation id",
            "organisaatio-id",
        ),
        "unit": ("unit", "yksikkö", "enhet"),
        "owner": (
            "owner",
            "vastuuhenkilö",
            "omistaja",
            "vastuuhenkilön sähköposti",
            "ansvarig",
            "ansvarsperson",
            "ägare",
        ),
        "themes": ("themes", "theme", "teemat", "teema", "teman", "tema"),
        "status": ("status", "tila", "vaihe", "läge"),
        "start_date": (
            "start date",
            "start_date",
            "started on",
            "aloituspäivä",
            "alkamispäivä",
            "aloitettu",
            "startdatum",
            "startdag",
        ),
        "id": ("id", "row id", "external id", "tunniste", "rivin tunniste", "radens id"),
    }.items()
    for name in names
}

# A status by its code or its name in fi, sv or en (the words the pages show).
STATUS_NAMES: dict[str, Status] = {
    name: status
    for status, names in {
        Status.PROPOSED: ("proposed", "ehdotettu", "föreslagen"),
        Status.PLANNED: ("planned", "suunniteltu", "planerad"),
        Status.IN_PROGRESS: ("in_progress", "in progress", "käynnissä", "pågår", "pågående"),
        Status.EVALUATING: ("evaluating", "arvioitavana", "utvärderas"),
        Status.PAUSED: ("paused", "tauolla", "pausad"),
        Status.COMPLETED: ("completed", "valmis", "slutförd"),
        Status.SPREAD: ("spread", "levitetty", "spridd"),
    }.items()
    for name in names
}
# Statuses an import can reach; a discontinued initiative needs its reason and lessons.
IMPORTABLE = (
    Status.PROPOSED,
    Status.PLANNED,
    Status.IN_PROGRESS,
    Status.EVALUATING,
    Status.PAUSED,
    Status.COMPLETED,
    Status.SPREAD,
)
# The lifecycle moves that lead from proposed to each status, in order.
MOVES_TO: dict[Status, tuple[str, ...]] = {
    Status.PROPOSED: (),
    Status.PLANNED: ("plan",),
    Status.IN_PROGRESS: ("plan", "start"),
    Status.EVALUATING: ("plan", "start", "evaluate"),
    Status.PAUSED: ("plan", "start", "pause"),
    Status.COMPLETED: ("plan", "start", "evaluate", "complete"),
    Status.SPREAD: ("plan", "start", "evaluate", "complete", "spread"),
}
BEGUN = frozenset(s for s, moves in MOVES_TO.items() if "start" in moves)

_FINNISH_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_THEME_SPLIT = re.compile(r"[,;|]")


@dataclass
class CheckedRow:
    """A row judged: the initiative's id, fields, moves and start day, or every reason it is refused."""

    line: int
    initiative_id: UUID | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    moves: tuple[str, ...] = ()
    started_on: date | None = None
    errors: list[DomainError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class References(Protocol):
    """Looks up what a row names by words; each returns the id, or None when there is no
    such record, and raises InvalidField when the words name more than one."""

    def organisation(self, name_or_id: str) -> UUID | None: ...

    def unit(self, organisation_id: UUID, name_or_id: str) -> UUID | None: ...

    def person(self, name_or_email: str) -> UUID | None: ...


# ---- reading -----------------------------------------------------------------------


def read_rows(lines: Iterable[str]) -> Iterator[CsvRow]:
    """The rows of a CSV text, streamed. Raises InvalidField("file", …) when the header row
    is missing, names a column twice, names one Kipinä does not know or has no title."""
    empty = InvalidField(
        "file", "The file is empty: its first line must name the columns, such as title;status."
    )
    return csv_sheet.read_rows(lines, _columns, empty)


def _columns(header: list[str]) -> list[str]:
    names = csv_sheet.known_columns(header, lambda name: HEADERS.get(name, ""), COLUMNS)
    if "title" not in names:
        raise InvalidField("file", "The header has no title column; the first line must name the columns.")
    return names


# ---- judging a row -------------------------------------------------------------------


def check_row(row: CsvRow, refs: References) -> CheckedRow:
    """Every reason the row cannot be an initiative, or its id, fields, moves and start day."""
    checked = CheckedRow(row.line, errors=list(row.problems))
    if row.problems:
        return checked
    values = {name: unicodedata.normalize("NFC", value).strip() for name, value in row.values.items()}
    fields: dict[str, Any] = {"title": values.get("title", ""), "summary": values.get("summary", "")}
    fields["themes"] = [t.strip() for t in _THEME_SPLIT.split(values.get("themes", "")) if t.strip()]
    fields.update(_place(values, refs, checked))
    fields["owner_id"] = _owner(values.get("owner", ""), refs, checked)
    for name, value in fields.items():
        try:
            clean_fields({name: value})
        except InvalidField as error:
            checked.errors.append(error)
    status = _status(values.get("status", ""), checked)
    started_on = _start_date(values.get("start_date", ""), status, checked)
    key = _key(values, fields, checked)
    if checked.ok and status is not None:
        checked.initiative_id = uuid5(IMPORT_NAMESPACE, key)
        checked.fields = fields
        checked.moves = MOVES_TO[status]
        checked.started_on = started_on
    return checked


def _place(values: dict[str, str], refs: References, checked: CheckedRow) -> dict[str, UUID | None]:
    organisation, unit = values.get("organisation", ""), values.get("unit", "")
    organisation_id = unit_id = None
    try:
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
        if unit and not organisation:
            checked.errors.append(
                InvalidField("unit", "A unit needs its organisation: fill in the organisation column too.")
            )
        elif unit and organisation_id is not None:
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
    except InvalidField as error:
        checked.errors.append(error)
    return {"organisation_id": organisation_id, "unit_id": unit_id}


def _owner(words: str, refs: References, checked: CheckedRow) -> UUID | None:
    if not words:
        return None
    try:
        person_id = refs.person(words)
    except InvalidField as error:
        checked.errors.append(error)
        return None
    if person_id is None:
        checked.errors.append(
            InvalidField(
                "owner",
                "There is nobody called '{owner}' in the people registry; give a registered person's "
                "name or e-mail address.",
                owner=words,
            )
        )
    return person_id


def _status(words: str, checked: CheckedRow) -> Status | None:
    if not words:
        return Status.PROPOSED
    status = STATUS_NAMES.get(folded(words))
    if status is None:
        checked.errors.append(
            InvalidField(
                "status",
                "'{status}' is not a status an import can give; use one of: {statuses}.",
                status=words,
                statuses=", ".join(s.value for s in IMPORTABLE),
            )
        )
    return status


def _start_date(words: str, status: Status | None, checked: CheckedRow) -> date | None:
    if not words:
        return None
    if status is not None and status not in BEGUN:
        checked.errors.append(
            InvalidField(
                "start_date",
                "A start date goes with an initiative whose work has begun (in progress or further "
                "along); leave it empty for a proposed or planned one.",
            )
        )
        return None
    text = words
    if found := _FINNISH_DAY.match(words):
        text = f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}"
    try:
        if not _ISO_DAY.match(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
        plausible_date("start_date", day)
        return past_or_today("start_date", day)
    except ValueError:
        checked.errors.append(
            InvalidField(
                "start_date", "'{day}' is not a date such as 2019-03-14 or 14.3.2019.", day=words[:40]
            )
        )
    except InvalidField as error:
        checked.errors.append(error)
    return None


def _key(values: dict[str, str], fields: dict[str, Any], checked: CheckedRow) -> str:
    """The row's own id if it has one, else its organisation and folded title."""
    row_id = values.get("id", "")
    if row_id:
        if len(row_id) > ROW_ID_MAX:
            checked.errors.append(
                InvalidField(
                    "id",
                    "The id is {length} characters long; the limit is {limit}.",
                    length=len(row_id),
                    limit=ROW_ID_MAX,
                )
            )
        return f"id:{row_id}"
    return f"title:{fields.get('organisation_id') or ''}:{folded(str(fields.get('title', '')))}"
