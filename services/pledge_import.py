"""Importing pledges from a CSV file: one code path for `scripts/import_pledges.py`,
the JSON API (`POST /api/campaigns/{id}/actions/import`) and the import page.

Streaming, in constant memory: the file is read twice as bytes (first to check it
is UTF-8 and to count its lines, so a bad file records nothing and a progress bar
knows its total), then row by row. Rows are judged one by one (`domain.pledge_csv`)
and saved `BATCH_SIZE` at a time in one `Application.save` (one transaction), after
which the read models catch up. Each row's action id is derived from the campaign
and the row (see `domain.pledge_csv`), and ids already recorded are skipped, so
importing the same file twice records each pledge once.

Memory: a batch of rows, the people's e-mail addresses and the organisations'
names. The report keeps the first `REJECTED_DETAILS_MAX` rejected rows in detail and
counts the rest.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any
from uuid import UUID

from domain.csv_sheet import folded
from domain.errors import DomainError, InvalidField
from domain.pledge_csv import CheckedRow, action_id_for, check_row, read_rows
from projections import change_actions, organisations
from services.bootstrap import Services

BATCH_SIZE = 500
REJECTED_DETAILS_MAX = 1000
_CHUNK = 1 << 16


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
        }


class RegistryReferences:
    """What rows name, looked up once per import: people by e-mail (casefolded),
    organisations and their units by name (casefolded) or by id."""

    def __init__(self, services: Services) -> None:
        self.emails: dict[str, UUID] = {}
        self.organisations: dict[str, UUID] = {}
        self.units: dict[tuple[UUID, str], UUID] = {}
        with services.projector.engine.connect() as conn:
            for person_id, email in services.people.with_email(conn):
                self.emails.setdefault(email.casefold(), person_id)
            for org in organisations.list_all(conn):
                org_id = UUID(org["id"])
                self.organisations.setdefault(folded(org["name"]), org_id)
                self.organisations[org["id"]] = org_id
                for unit in org["units"]:
                    self.units.setdefault((org_id, folded(unit["name"])), UUID(unit["id"]))
                    self.units[(org_id, unit["id"])] = UUID(unit["id"])

    def person_by_email(self, email: str) -> UUID | None:
        return self.emails.get(email.casefold())

    def organisation(self, name: str) -> UUID | None:
        return self.organisations.get(folded(name))

    def unit(self, organisation_id: UUID, name: str) -> UUID | None:
        return self.units.get((organisation_id, folded(name)))


# ---- the file ------------------------------------------------------------------------


def scan(binary: IO[bytes]) -> int:
    """Check that the file is UTF-8 and count its lines, reading it in chunks; then rewind.

    Raises InvalidField("file", …) naming the first line with a byte that is not UTF-8
    (Excel's plain "CSV" is Windows-1252: "CSV UTF-8" is the format to pick)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    last = b""
    while True:
        chunk = binary.read(_CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            line = lines + chunk[: error.start].count(b"\n") + 1
            raise InvalidField(
                "file",
                "The file is not UTF-8 text: line {line} has a character in another encoding. "
                "Save it as CSV UTF-8 and import it again.",
                line=line,
            ) from None
        if not chunk:
            break
        lines += chunk.count(b"\n")
        last = chunk
    binary.seek(0)
    return lines + (1 if last and not last.endswith(b"\n") else 0)


def text_lines(binary: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, streamed (the BOM, if any, is left for the reader to drop)."""
    return iter(io.TextIOWrapper(binary, encoding="utf-8", newline=""))


# ---- the import ------------------------------------------------------------------------


def import_file(services: Services, actor: UUID, campaign_id: UUID, binary: IO[bytes]) -> ImportReport:
    """Import an uploaded CSV file (the JSON API's and the import page's way): the campaign
    must exist before the file is read, and a file that is not UTF-8 records nothing."""
    services.app.get_campaign(campaign_id)
    scan(binary)
    return import_pledges(services, actor, campaign_id, text_lines(binary))


def import_pledges(
    services: Services,
    actor: UUID,
    campaign_id: UUID,
    lines: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    on_rows: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import the pledges in `lines` (a CSV text, header first) into the campaign.

    Raises RecordNotFound for an unknown campaign and InvalidField("file", …) for a
    file without a usable header; either way nothing is recorded."""
    services.app.get_campaign(campaign_id)
    services.projector.catch_up()  # the read model must know what is already recorded
    refs = RegistryReferences(services)
    rows = read_rows(lines)
    report = ImportReport()
    while True:
        chunk = list(islice(rows, batch_size))
        if not chunk:
            return report
        _import_batch(services, actor, campaign_id, [check_row(row, refs) for row in chunk], report)
        if on_rows is not None:
            on_rows(chunk[-1].line)


def _import_batch(
    services: Services, actor: UUID, campaign_id: UUID, checked: list[CheckedRow], report: ImportReport
) -> None:
    wanted: dict[UUID, tuple[UUID, str, dict[str, Any]]] = {}
    for row in checked:
        if not row.ok:
            report.reject(row)
            continue
        action_id = action_id_for(campaign_id, row.key)
        if action_id in wanted:
            report.already_imported += 1  # the same row twice in one batch
            continue
        wanted[action_id] = (action_id, row.key, row.fields)
    with services.projector.engine.connect() as conn:
        known = change_actions.recorded_ids(conn, wanted)
    new = [pledge for action_id, pledge in wanted.items() if action_id not in known]
    batch = services.app.record_pledges(actor, campaign_id, new)
    report.imported += len(batch.recorded)
    report.already_imported += len(wanted) - len(batch.recorded)
    if batch.positions:
        report.last_position = batch.positions[-1]
        services.projector.catch_up(up_to=batch.positions[-1])
