"""The archived flag every kind of record's read model keeps, and the lists' filter on it.

`Archived` and `Restored` events (`domain/archive.py`) change nothing but the flag (and the
record's version), the same way for every kind, so each kind's `apply` hands them here
first. The flag is a column of the record's versioned row: a record archived later is still
listed as of a moment before it was archived.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from sqlalchemy import Boolean, Column, Connection, Index, Table, Text, select, text, true
from sqlalchemy.sql.elements import ColumnElement

from domain.archive import ArchiveEvent, RecordArchived
from domain.recorded import RecordedEvent
from projections.batch import Batch
from projections.tables import visible_at

# What a list shows: live records only (the default), archived ones too, or only them.
ArchivedFilter = Literal["exclude", "include", "only"]
ARCHIVED_FILTERS: tuple[str, ...] = get_args(ArchivedFilter)

_CURRENT_ONLY = text("valid_to IS NULL")


def archived_columns(table_name: str) -> list[Any]:
    """The flag, and an index on it over the current rows (the lists filter every page by it)."""
    return [
        Column("archived", Boolean, nullable=False, default=False),
        Column("archived_reason", Text, nullable=False, default=""),
        Index(
            f"ix_{table_name}_archived",
            "archived",
            sqlite_where=_CURRENT_ONLY,
            postgresql_where=_CURRENT_ONLY,
        ),
    ]


def apply(batch: Batch, table: Table, position: int, event: RecordedEvent) -> bool:
    """Apply an Archived or Restored event to the record's row; False for any other event."""
    if not isinstance(event, ArchiveEvent):
        return False
    previous = batch.current(table, str(event.originator_id))
    assert previous is not None, "a record was archived before it was made"
    changes: dict[str, Any] = {
        "archived": isinstance(event, RecordArchived),
        "archived_reason": event.reason if isinstance(event, RecordArchived) else "",
        "version": event.originator_version,
        "updated_at": event.timestamp,
    }
    if "updated_by" in table.c:
        changes["updated_by"] = str(event.actor)
    batch.replace(table, previous, changes, position)
    return True


def shown(table: Table, archived: ArchivedFilter = "exclude") -> ColumnElement[bool]:
    """The rows a list shows for `?archived=`: live ones, all, or archived ones only."""
    if archived == "include":
        return true()
    return table.c.archived == (archived == "only")


def state(conn: Connection, table: Table, record_id: str, as_of: int | None = None) -> dict[str, Any] | None:
    """A record's id, version and archived flag with its reason (None: no such record then)."""
    columns = (table.c.id, table.c.version, table.c.archived, table.c.archived_reason)
    query = select(*columns).where(table.c.id == record_id, visible_at(table, as_of))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None
