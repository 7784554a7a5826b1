"""Read model: the Change Day wall — how many actions were pledged, completed and
withdrawn in a campaign, per organisation, per unit and per category.

Counters, not counts: each pledge, completion and withdrawal adds one to two or
three counter rows (its category, its organisation — "" for none — and its unit
if it has one), so the wall reads a few dozen rows whatever the number of
pledges (320,000 in NHS Change Day 2014). The campaign's totals are the sum of its
category counters: every action has exactly one category.

As of a past moment: counter rows are versioned like every read-model row (a
change closes the old row at its log position and inserts the next). The wall as
of position P takes, for each counter of the campaign, its row with the greatest
`valid_from <= P`: one primary-key lookup per counter, so it too costs the same
at 1,000 pledges as at 320,000. A counter that did not exist at P is left out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from sqlalchemy import Column, Connection, Index, Integer, String, Table, select, text

from domain.change_action import ChangeAction
from domain.recorded import RecordedEvent
from projections.batch import Batch
from projections.change_actions import change_actions
from projections.tables import metadata, versioned_columns

_CURRENT_ONLY = text("valid_to IS NULL")
_NAMESPACE = uuid5(NAMESPACE_URL, "https://kipina.invalid/change-day-wall")
DIMENSIONS = ("category", "organisation", "unit")

wall_counters = Table(
    "change_day_wall",
    metadata,
    *versioned_columns(),
    Column("campaign_id", String(36), nullable=False),
    Column("dimension", String(20), nullable=False),
    Column("key", String(40), nullable=False),
    # For a unit counter: the unit's organisation (the wall groups units under it).
    Column("organisation_id", String(36)),
    Column("pledged", Integer, nullable=False),
    Column("completed", Integer, nullable=False),
    Column("withdrawn", Integer, nullable=False),
    Index(
        "ix_change_day_wall_current",
        "campaign_id",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)

_COUNTED = (ChangeAction.Pledged, ChangeAction.Completed, ChangeAction.Withdrawn)
_COLUMN = {
    ChangeAction.Pledged: "pledged",
    ChangeAction.Completed: "completed",
    ChangeAction.Withdrawn: "withdrawn",
}


@lru_cache(maxsize=65_536)  # a campaign has a few dozen counters; uuid5 per event adds up
def counter_id(campaign_id: str, dimension: str, key: str) -> str:
    return str(uuid5(_NAMESPACE, f"{campaign_id}/{dimension}/{key}"))


def _counters_of(action: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(dimension, key, organisation of a unit) of every counter an action counts in."""
    found: list[tuple[str, str, str | None]] = [
        ("category", action["category"], None),
        ("organisation", action["organisation_id"] or "", None),
    ]
    if action["unit_id"]:
        found.append(("unit", action["unit_id"], action["organisation_id"]))
    return found


def _action(batch: Batch, event: RecordedEvent) -> dict[str, Any]:
    if isinstance(event, ChangeAction.Pledged):
        return {
            "campaign_id": str(event.campaign_id),
            "category": event.category,
            "organisation_id": str(event.organisation_id) if event.organisation_id else None,
            "unit_id": str(event.unit_id) if event.unit_id else None,
        }
    row = batch.current(change_actions, str(event.originator_id))
    assert row is not None, "an action event arrived before its Pledged event"
    return row


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    counted = [e for e in events if isinstance(e, _COUNTED)]
    later = (str(e.originator_id) for e in counted if not isinstance(e, ChangeAction.Pledged))
    batch.prefetch(change_actions, later)
    ids: set[str] = set()
    for event in counted:
        if (
            not isinstance(event, ChangeAction.Pledged)
            and batch.current(change_actions, str(event.originator_id)) is None
        ):
            continue  # pledged in this same batch: its counters are read when they are needed
        action = _action(batch, event)
        ids |= {counter_id(action["campaign_id"], d, k) for d, k, _ in _counters_of(action)}
    batch.prefetch(wall_counters, ids)


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, _COUNTED):
        return
    action = _action(batch, event)
    column = _COLUMN[type(event)]
    campaign_id = action["campaign_id"]
    for dimension, key, organisation_id in _counters_of(action):
        record_id = counter_id(campaign_id, dimension, key)
        previous = batch.current(wall_counters, record_id)
        if previous is None:
            previous_counts = {"pledged": 0, "completed": 0, "withdrawn": 0}
            changes: dict[str, Any] = {
                "id": record_id,
                "campaign_id": campaign_id,
                "dimension": dimension,
                "key": key,
                "organisation_id": organisation_id,
                **previous_counts,
            }
        else:
            previous_counts, changes = previous, {}
        changes[column] = previous_counts[column] + 1
        batch.replace(wall_counters, previous, changes, position)


# ---- queries -----------------------------------------------------------------


def counters(conn: Connection, campaign_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every counter row of the campaign, now or as of a log position."""
    c = wall_counters.c
    current = [
        dict(r)
        for r in conn.execute(
            select(wall_counters).where(c.campaign_id == str(campaign_id), c.valid_to.is_(None))
        ).mappings()
    ]
    if as_of is None:
        return current
    found: list[dict[str, Any]] = []
    for row in current:
        if row["valid_from"] <= as_of:
            found.append(row)
            continue
        earlier = (
            conn.execute(
                select(wall_counters)
                .where(c.id == row["id"], c.valid_from <= as_of)
                .order_by(c.valid_from.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if earlier is not None:
            found.append(dict(earlier))
    return found


def wall(conn: Connection, campaign_id: UUID, as_of: int | None = None) -> dict[str, Any]:
    """Totals, and the counts per category, organisation and unit (keys are ids or codes)."""
    rows = counters(conn, campaign_id, as_of)
    by: dict[str, list[dict[str, Any]]] = {d: [] for d in DIMENSIONS}
    for row in rows:
        by[row["dimension"]].append(
            {
                "key": row["key"],
                "organisation_id": row["organisation_id"],
                **_counts(row),
            }
        )
    totals = {"pledged": 0, "completed": 0, "withdrawn": 0}
    for row in by["category"]:
        for name in totals:
            totals[name] += row[name]
    return {"totals": _with_rate(totals), **{d: [_with_rate(r) for r in by[d]] for d in DIMENSIONS}}


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {"pledged": row["pledged"], "completed": row["completed"], "withdrawn": row["withdrawn"]}


def _with_rate(counts: dict[str, Any]) -> dict[str, Any]:
    """Open = pledged − completed − withdrawn; the completion rate leaves withdrawn pledges out."""
    standing = counts["pledged"] - counts["withdrawn"]
    return {
        **counts,
        "open": standing - counts["completed"],
        "completion_rate": round(counts["completed"] / standing, 4) if standing else 0.0,
    }
