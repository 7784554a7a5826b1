"""Shared table plumbing: one MetaData for all read models, portable column types,
and the versioned-row ("as of") helpers every read model uses.

As of a past moment: each row carries the log positions where it became true
(`valid_from`) and stopped being true (`valid_to`, NULL while current). A change
closes the current row and inserts the next one, so "as of position P" is
`valid_from <= P AND (valid_to IS NULL OR valid_to > P)` on the same tables.
Cost: one extra row per change (an initiative with 40 events has 40 rows), and
current-state queries filter `valid_to IS NULL`, which the indexes lead with.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    Update,
    and_,
    bindparam,
    or_,
    select,
    update,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

metadata = MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as a fixed-width ISO 8601 string in UTC, so it sorts and compares
    the same way on SQLite and PostgreSQL and always comes back timezone-aware."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


def versioned_columns() -> list[Column[Any]]:
    """The record id and the position a row became true identify the row: a natural key,
    so a rebuild reproduces it exactly (a sequence would keep gaps a crash left behind)."""
    return [
        Column("id", String(36), primary_key=True),
        Column("valid_from", Integer, primary_key=True, autoincrement=False),
        Column("valid_to", Integer, nullable=True),
    ]


def visible_at(table: Table, position: int | None) -> ColumnElement[bool]:
    """Rows true now (position None) or as of the given log position."""
    if position is None:
        return table.c.valid_to.is_(None)
    return and_(
        table.c.valid_from <= position,
        or_(table.c.valid_to.is_(None), table.c.valid_to > position),
    )


# The projector runs the two helpers below several times per event. Statements built
# once with bound parameters skip SQLAlchemy's per-call construction and cache-key
# work, which otherwise costs more than the database does (catch-up ≈3× faster).
_CURRENT_ROW: dict[Table, Select[Any]] = {}
_CLOSE_ROW: dict[Table, Update] = {}


def current_row(conn: Connection, table: Table, record_id: str) -> dict[str, Any] | None:
    query = _CURRENT_ROW.get(table)
    if query is None:
        query = select(table).where(table.c.id == bindparam("record_id"), table.c.valid_to.is_(None))
        _CURRENT_ROW[table] = query
    row = conn.execute(query, {"record_id": record_id}).mappings().first()
    return dict(row) if row is not None else None


def replace_row(
    conn: Connection,
    table: Table,
    previous: dict[str, Any] | None,
    changes: dict[str, Any],
    position: int,
) -> dict[str, Any]:
    """Close `previous` at `position` and insert its successor with `changes` applied."""
    new = dict(previous or {})
    new.update(changes)
    new["valid_from"] = position
    new["valid_to"] = None
    if previous is not None:
        close = _CLOSE_ROW.get(table)
        if close is None:
            close = (
                update(table)
                .where(table.c.id == bindparam("closed_id"), table.c.valid_from == bindparam("closed_from"))
                .values(valid_to=bindparam("closed_at"))
            )
            _CLOSE_ROW[table] = close
        conn.execute(
            close,
            {"closed_id": previous["id"], "closed_from": previous["valid_from"], "closed_at": position},
        )
    conn.execute(table.insert(), new)
    return new
