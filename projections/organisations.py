"""Read model: organisations and their units, now or as of a log position."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Index, Integer, String, Table, Text, and_, select, text

from domain.organisation import Organisation
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.tables import UTCDateTime, metadata, versioned_columns, visible_at

_CURRENT_ONLY = text("valid_to IS NULL")

organisations = Table(
    "organisations",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("organisations"),
    Column("created_position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_organisations_id", "id", "valid_to"),
    # Partial, like the initiatives' list indexes: current rows in name order. The name is
    # Text like every user text here, but indexed: a PostgreSQL B-tree entry holds at most
    # 2,704 bytes, which the domain's 200 characters (800 bytes at most) stay well within.
    Index(
        "ix_organisations_current",
        "name",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)

units = Table(
    "units",
    metadata,
    *versioned_columns(),
    Column("organisation_id", String(36), nullable=False),
    Column("name", Text, nullable=False),
    Index("ix_units_id", "id", "valid_to"),
    Index("ix_units_organisation", "organisation_id", "valid_to"),
)


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(organisations, (str(e.originator_id) for e in events if isinstance(e, Organisation.Event)))


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, Organisation.Event):
        return
    if archive.apply(batch, organisations, position, event):
        return
    org_id = str(event.originator_id)
    previous = batch.current(organisations, org_id)
    changes: dict[str, Any] = {"version": event.originator_version, "updated_at": event.timestamp}
    if isinstance(event, Organisation.Registered):
        changes.update(
            id=org_id,
            created_position=position,
            name=event.name,
            kind=event.kind,
            created_at=event.timestamp,
        )
    elif isinstance(event, Organisation.Renamed):
        changes["name"] = event.name
    elif isinstance(event, Organisation.KindChanged):
        changes["kind"] = event.kind
    elif isinstance(event, Organisation.UnitAdded | Organisation.UnitRenamed):
        unit_id = str(event.unit_id)
        unit = batch.current(units, unit_id)
        batch.replace(
            units,
            unit,
            {"id": unit_id, "organisation_id": org_id, "name": event.name},
            position,
        )
    batch.replace(organisations, previous, changes, position)


def get(conn: Connection, organisation_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(organisations).where(
                organisations.c.id == str(organisation_id), visible_at(organisations, as_of)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    result = dict(row)
    result["units"] = units_of(conn, organisation_id, as_of)
    return result


def units_of(conn: Connection, organisation_id: UUID, as_of: int | None) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(units.c.id, units.c.name)
        .where(units.c.organisation_id == str(organisation_id), visible_at(units, as_of))
        .order_by(units.c.valid_from)
    ).mappings()
    return [dict(r) for r in rows]


def list_all(
    conn: Connection, as_of: int | None = None, *, archived: ArchivedFilter = "include"
) -> list[dict[str, Any]]:
    """Every organisation with its units, in two queries (not one per organisation: the
    initiative list and forms offer every organisation and unit on each page). Archived ones
    too unless asked: a record's form must still offer the organisation it names."""
    shown = and_(visible_at(organisations, as_of), archive.shown(organisations, archived))
    rows = conn.execute(select(organisations).where(shown).order_by(organisations.c.name)).mappings()
    result = [{**dict(r), "units": []} for r in rows]
    by_id = {r["id"]: r["units"] for r in result}
    unit_rows = conn.execute(
        select(units.c.organisation_id, units.c.id, units.c.name)
        .where(visible_at(units, as_of))
        .order_by(units.c.valid_from)
    )
    for unit in unit_rows:
        if unit.organisation_id in by_id:
            by_id[unit.organisation_id].append({"id": unit.id, "name": unit.name})
    return result


def names(conn: Connection, ids: set[str], as_of: int | None = None) -> dict[str, str]:
    """Display names of organisations and units by id (one query each)."""
    if not ids:
        return {}
    found: dict[str, str] = {}
    for table in (organisations, units):
        rows = conn.execute(
            select(table.c.id, table.c.name).where(table.c.id.in_(ids), visible_at(table, as_of))
        )
        found.update({r.id: r.name for r in rows})
    return found
