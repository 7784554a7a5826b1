"""Shared table plumbing: one MetaData for all read models, portable column types,
and the versioned-row ("as of") and keyset-paging helpers every read model uses.

As of a past moment: each row carries the log positions where it became true
(`valid_from`) and stopped being true (`valid_to`, NULL while current). A change
closes the current row and inserts the next one, so "as of position P" is
`valid_from <= P AND (valid_to IS NULL OR valid_to > P)` on the same tables.
Cost: one extra row per change (an initiative with 40 events has 40 rows), and
current-state queries filter `valid_to IS NULL`, which the indexes lead with.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    TypeDecorator,
    and_,
    or_,
)
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


def items_at_owner_rows(items: Table, owner_id: str, owners: Iterable[dict[str, Any]]) -> ColumnElement[bool]:
    """The versioned item rows (an initiative's goals, a practice's fields) true when each owner
    row became true (its `valid_from`): a list read with its owner never runs ahead of it.
    Each owner gives two terms, current items and items closed since, each a range of the
    `(<owner_id>, valid_to)` index; `valid_to IS NULL OR valid_to > p` in one term would make
    SQLite read every version of the owner's items."""
    terms = []
    for owner in owners:
        mine = items.c[owner_id] == owner["id"]
        since = items.c.valid_from <= owner["valid_from"]
        terms.append(and_(mine, items.c.valid_to.is_(None), since))
        terms.append(and_(mine, items.c.valid_to > owner["valid_from"], since))
    return or_(*terms)


# ---- keyset paging ------------------------------------------------------------

# The read models keep log positions in Integer columns, 32 bits on PostgreSQL: a position
# (or cursor, or query parameter) beyond that was not made here, and comparing one with such a
# column would fail on PostgreSQL rather than match nothing. Two billion events is far beyond
# any deployment; when one nears it, these columns move to BigInteger in a rebuild.
POSITION_MAX = 2**31 - 1


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def newest_first_page(
    conn: Connection, query: Select[Any], position: ColumnElement[int], *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of `query`, newest first by `position` (a log position column), and the cursor
    of the next page (None at the end). Raises ValueError for a cursor this module did not make."""
    if cursor is not None:
        query = query.where(position < decode_cursor(cursor))
    query = query.order_by(position.desc()).limit(limit + 1)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    next_cursor = encode_cursor(rows[limit - 1][position.key]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def decode_cursor(cursor: str) -> int:
    """Raises ValueError for a cursor this module did not make."""
    padded = cursor + "=" * (-len(cursor) % 4)
    text = base64.urlsafe_b64decode(padded.encode()).decode()
    if not text.startswith("p") or not text[1:].isascii() or not text[1:].isdigit():
        raise ValueError("not a Kipinä cursor")
    position = int(text[1:])
    if position > POSITION_MAX:  # no log position is this large; the database could not compare it
        raise ValueError("not a Kipinä cursor")
    return position
