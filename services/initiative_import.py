"""Importing initiatives from a CSV file: one code path for `scripts/import_initiatives.py`,
the JSON API (`POST /api/initiatives/import`) and the import page (`/initiatives/import`).

As the pledge import (`services.pledge_import`): the file is scanned first (UTF-8, its
line count for a progress bar), then streamed row by row; rows are judged one by one
(`domain.initiative_csv`) and saved `BATCH_SIZE` at a time in one `Application.save`.
Each row names its initiative by a key (its id cell, else its organisation and title), so
importing the same file twice records each initiative once; a rejected row records
nothing and is reported with its line number and every reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any
from uuid import UUID

from domain.csv_sheet import folded
from domain.errors import DomainError, InvalidField
from domain.initiative_csv import CheckedRow, check_row, read_rows
from projections import organisations
from services.bootstrap import Services
from services.pledge_import import REJECTED_DETAILS_MAX, scan, text_lines

BATCH_SIZE = 200


@dataclass(frozen=True)
class RejectedRow:
    line: int
    errors: list[DomainError]

    @property
    def reasons(self) -> list[str]:
        return [e.detail for e in self.errors]


@dataclass
class ImportReport:
    imported: int = 0
    already_imported: int = 0
    rejected_count: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    imported_ids: list[UUID] = field(default_factory=list)
    last_position: int | None = None

    def reject(self, row: CheckedRow) -> None:
        self.rejected_count += 1
        if len(self.rejected) < REJECTED_DETAILS_MAX:
            self.rejected.append(RejectedRow(row.line, row.errors))

    def as_json(self, reason: Callable[[DomainError], str] | None = None) -> dict[str, Any]:
        """The report as the API gives it; `reason` words each refusal (else its own detail)."""
        worded = reason or (lambda error: error.detail)
        return {
            "imported": self.imported,
            "already_imported": self.already_imported,
            "rejected_count": self.rejected_count,
            "rejected": [{"line": r.line, "reasons": [worded(e) for e in r.errors]} for r in self.rejected],
            "initiatives": [str(i) for i in self.imported_ids[:REJECTED_DETAILS_MAX]],
        }


class RegistryReferences:
    """What rows name, looked up once per import: organisations and units by name
    (folded) or id, people by e-mail address or name (folded); a name two people share
    is refused, naming the e-mail addresses to tell them apart."""

    def __init__(self, services: Services) -> None:
        self.organisations: dict[str, UUID] = {}
        self.units: dict[tuple[UUID, str], UUID] = {}
        self.emails: dict[str, UUID] = {}
        self.names: dict[str, list[UUID]] = {}
        with services.projector.engine.connect() as conn:
            for org in organisations.list_all(conn):
                org_id = UUID(org["id"])
                self.organisations.setdefault(folded(org["name"]), org_id)
                self.organisations[org["id"]] = org_id
                for unit in org["units"]:
                    self.units.setdefault((org_id, folded(unit["name"])), UUID(unit["id"]))
                    self.units[(org_id, unit["id"])] = UUID(unit["id"])
            for person_id, email in services.people.with_email(conn):
                self.emails.setdefault(email.casefold(), person_id)
            for person_id_text, name in services.people.id_names(conn, limit=1_000_000):
                self.names.setdefault(folded(name), []).append(UUID(person_id_text))

    def organisation(self, name_or_id: str) -> UUID | None:
        return self.organisations.get(name_or_id.strip().lower()) or self.organisations.get(
            folded(name_or_id)
        )

    def unit(self, organisation_id: UUID, name_or_id: str) -> UUID | None:
        key = name_or_id.strip().lower()
        return self.units.get((organisation_id, key)) or self.units.get((organisation_id, folded(name_or_id)))

    def person(self, name_or_email: str) -> UUID | None:
        if "@" in name_or_email:
            return self.emails.get(name_or_email.strip().casefold())
        found = self.names.get(folded(name_or_email), [])
        if len(found) > 1:
            raise InvalidField(
                "owner",
                "{count} people in the registry are called '{owner}'; give the owner's e-mail address "
                "instead.",
                count=len(found),
                owner=name_or_email,
            )
        return found[0] if found else None


def import_file(services: Services, actor: UUID, binary: IO[bytes]) -> ImportReport:
    """Import an uploaded CSV file (the API's and the page's way); a file that is not
    UTF-8 records nothing."""
    scan(binary)
    return import_initiatives(services, actor, text_lines(binary))


def import_initiatives(
    services: Services,
    actor: UUID,
    lines: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    on_rows: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import the initiatives in `lines` (a CSV text, header first). Raises
    InvalidField("file", …) for a file without a usable header; then nothing is recorded."""
    services.projector.catch_up()  # the registry's organisations and units as they are now
    refs = RegistryReferences(services)
    rows = read_rows(lines)
    report = ImportReport()
    while True:
        chunk = list(islice(rows, batch_size))
        if not chunk:
            return report
        _import_batch(services, actor, [check_row(row, refs) for row in chunk], report)
        if on_rows is not None:
            on_rows(chunk[-1].line)


def _import_batch(services: Services, actor: UUID, checked: list[CheckedRow], report: ImportReport) -> None:
    wanted: dict[UUID, CheckedRow] = {}
    for row in checked:
        if not row.ok or row.initiative_id is None:
            report.reject(row)
        elif row.initiative_id in wanted:
            report.already_imported += 1  # the same row twice in one batch
        else:
            wanted[row.initiative_id] = row
    batch = services.app.import_initiatives(
        actor, [(i, row.fields, row.moves, row.started_on) for i, row in wanted.items()]
    )
    report.imported += len(batch.recorded)
    report.imported_ids.extend(batch.recorded)
    report.already_imported += len(wanted) - len(batch.recorded)
    if batch.positions:
        report.last_position = batch.positions[-1]
        services.projector.catch_up(up_to=batch.positions[-1])
