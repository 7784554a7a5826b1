"""A unit of work for one projector transaction.

Applying events one statement at a time costs a database round trip per read and
per write, several per event. A batch instead reads the current rows of the
records it will touch in one query per table, keeps every change in memory, and
writes them in bulk when the projector flushes it. A row made and replaced in
the same batch is never written twice: the pending insert is closed in place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update

Row = dict[str, Any]


class Batch:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._current: dict[Table, dict[str, Row | None]] = defaultdict(dict)
        self._inserts: dict[Table, list[Row]] = defaultdict(list)
        self._closes: dict[Table, list[Row]] = defaultdict(list)
        self._pending: set[int] = set()  # id() of rows waiting in _inserts

    # ---- versioned rows ----------------------------------------------------------

    def prefetch(self, table: Table, record_ids: Iterable[str]) -> None:
        """Read the current rows of these records in one query."""
        cache = self._current[table]
        wanted = {record_id for record_id in record_ids if record_id not in cache}
        if not wanted:
            return
        cache.update(dict.fromkeys(wanted))
        query = select(table).where(table.c.id.in_(wanted), table.c.valid_to.is_(None))
        for row in self.conn.execute(query).mappings():
            cache[row["id"]] = dict(row)

    def current(self, table: Table, record_id: str) -> Row | None:
        """The record's current row, as this batch has left it so far."""
        cache = self._current[table]
        if record_id not in cache:
            self.prefetch(table, [record_id])
        return cache[record_id]

    def replace(self, table: Table, previous: Row | None, changes: Row, position: int) -> Row:
        """Close `previous` at `position` and add its successor with `changes` applied; a
        record's first row takes its columns' defaults (such as `archived`) for what it omits."""
        new = {**(previous or _defaults(table)), **changes, "valid_from": position, "valid_to": None}
        if previous is not None:
            self._end(table, previous, position)
        self.insert(table, new)
        self._current[table][new["id"]] = new
        return new

    def close(self, table: Table, previous: Row, position: int) -> None:
        """Close `previous` at `position` with no successor: the item left its list (a removed
        goal), so from then on no row of it is current."""
        self._end(table, previous, position)
        self._current[table][previous["id"]] = None

    def _end(self, table: Table, row: Row, position: int) -> None:
        if id(row) in self._pending:  # not written yet: close it in place
            row["valid_to"] = position
        else:
            self._closes[table].append(
                {"closed_id": row["id"], "closed_from": row["valid_from"], "closed_at": position}
            )

    # ---- plain rows ----------------------------------------------------------------

    def insert(self, table: Table, row: Row) -> None:
        self._inserts[table].append(row)
        self._pending.add(id(row))

    # ---- writing -------------------------------------------------------------------

    def flush(self) -> None:
        for table, closes in self._closes.items():
            self.conn.execute(_close_statement(table), closes)
        for table, rows in self._inserts.items():
            self.conn.execute(table.insert(), rows)
        self._closes.clear()
        self._inserts.clear()
        self._pending.clear()


_CLOSE: dict[Table, Any] = {}
_DEFAULTS: dict[Table, Row] = {}


def _defaults(table: Table) -> Row:
    """The columns' plain default values: every row of a bulk insert must name the same columns."""
    defaults = _DEFAULTS.get(table)
    if defaults is None:
        defaults = {
            column.name: column.default.arg  # type: ignore[attr-defined]
            for column in table.columns
            if column.default is not None and column.default.is_scalar
        }
        _DEFAULTS[table] = defaults
    return defaults


def _close_statement(table: Table) -> Any:
    """Built once per table: SQLAlchemy's statement construction costs more than the database."""
    statement = _CLOSE.get(table)
    if statement is None:
        statement = (
            update(table)
            .where(table.c.id == bindparam("closed_id"), table.c.valid_from == bindparam("closed_from"))
            .values(valid_to=bindparam("closed_at"))
        )
        _CLOSE[table] = statement
    return statement
