"""Queries (no tables of its own) for a development target's coverage: what is linked to
it, what those records are doing, and when anything was last recorded on them.

It reads other read models' tables, as of the same log position, so the coverage of a
target "as of" a moment is what Kipinä knew then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from projections.change_actions import change_actions
from projections.history import history
from projections.initiatives import initiatives
from projections.rotations import rotations
from projections.tables import visible_at

# Linking is bookkeeping about the target, not work on the record: it does not count as activity.
LINK_EVENTS = ("LinkedToTarget", "UnlinkedFromTarget", "TargetLinked", "TargetUnlinked")


def _rows(conn: Connection, table: Any, ids: Iterable[str], as_of: int | None) -> dict[str, dict[str, Any]]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(table).where(table.c.id.in_(wanted), visible_at(table, as_of))
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def initiatives_by_id(conn: Connection, ids: Iterable[str], as_of: int | None) -> dict[str, dict[str, Any]]:
    return _rows(conn, initiatives, ids, as_of)


def rotations_by_id(conn: Connection, ids: Iterable[str], as_of: int | None) -> dict[str, dict[str, Any]]:
    return _rows(conn, rotations, ids, as_of)


def actions_by_id(conn: Connection, ids: Iterable[str], as_of: int | None) -> dict[str, dict[str, Any]]:
    return _rows(conn, change_actions, ids, as_of)


def last_activity(conn: Connection, record_ids: Iterable[str], as_of: int | None) -> datetime | None:
    """When anything (other than linking) was last recorded on these records, as of."""
    wanted = sorted(set(record_ids))
    if not wanted:
        return None
    h = history.c
    query = select(func.max(h.recorded_at)).where(h.record_id.in_(wanted), h.event_type.not_in(LINK_EVENTS))
    if as_of is not None:
        query = query.where(h.position <= as_of)
    found = conn.execute(query).scalar()
    if found is None:
        return None
    # max() over the UTC text column comes back as text on some drivers: parse it the same way.
    return found if isinstance(found, datetime) else datetime.fromisoformat(found)


# ---- what can still be linked ------------------------------------------------------------


def linkable_placements(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """Placements as they are now that serve no target yet and are not cancelled, earliest
    period first: who goes, from which unit to which, and when."""
    r = rotations
    query = (
        select(r.c.id, r.c.person_id, r.c.home_unit_id, r.c.host_unit_id, r.c.starts_on, r.c.ends_on)
        .where(r.c.valid_to.is_(None), r.c.target_id.is_(None), r.c.status != "cancelled")
        .order_by(r.c.starts_on)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def linkable_actions(conn: Connection, *, limit: int) -> list[tuple[str, str]]:
    """(id, text) of Change Day actions as they are now that are not withdrawn, oldest first."""
    a = change_actions
    query = (
        select(a.c.id, a.c.text)
        .where(a.c.valid_to.is_(None), a.c.status != "withdrawn")
        .order_by(a.c.created_position)
        .limit(limit)
    )
    return [(row.id, row.text) for row in conn.execute(query)]
