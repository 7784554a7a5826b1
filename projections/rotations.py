"""Read model: job-rotation placements, now or as of a log position, with their
reflections; and the rotation calendar built from them.

One versioned row per state of each placement, plus an append-only reflections
table. The calendar is a query on the placement rows: who is away from which home
unit and who is hosted where in a date window, and per unit and ISO week how many
people are away (and hosted), so a manager sees staffing gaps.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Connection, Index, Integer, String, Table, Text, or_, select, text

from domain.recorded import RecordedEvent
from domain.rotation import RotationPlacement
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.tables import (
    UTCDateTime,
    metadata,
    newest_first_page,
    versioned_columns,
    visible_at,
)

_CURRENT_ONLY = text("valid_to IS NULL")

rotations = Table(
    "rotations",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("rotations"),
    Column("created_position", Integer, nullable=False),
    Column("person_id", String(36), nullable=False),
    Column("home_organisation_id", String(36), nullable=False),
    Column("home_unit_id", String(36), nullable=False),
    Column("host_organisation_id", String(36), nullable=False),
    Column("host_unit_id", String(36), nullable=False),
    # ISO dates: they sort and compare as text the same way on SQLite and PostgreSQL.
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10), nullable=False),
    Column("learning_goals", JSON, nullable=False),
    Column("mentor_id", String(36)),
    Column("initiative_id", String(36)),
    # The development target it serves (linked from the target or set when proposed/edited).
    Column("target_id", String(36)),
    Column("status", String(20), nullable=False),
    Column("approved_by", String(36)),
    Column("approved_at", UTCDateTime),
    Column("started_at", UTCDateTime),
    Column("reflections_count", Integer, nullable=False),
    Column("learned", Text, nullable=False),
    Column("bring_home", Text, nullable=False),
    Column("host_feedback", Text, nullable=False),
    Column("cancel_reason", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index("ix_rotations_id", "id", "valid_to"),
    Index(
        "ix_rotations_current",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_rotations_person", "person_id", "valid_to"),
    Index(
        "ix_rotations_period",
        "starts_on",
        "ends_on",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)

rotation_reflections = Table(
    "rotation_reflections",
    metadata,
    Column("reflection_id", String(36), primary_key=True),
    Column("rotation_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
)


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(
        rotations, (str(e.originator_id) for e in events if isinstance(e, RotationPlacement.Event))
    )


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, RotationPlacement.Event):
        return
    if archive.apply(batch, rotations, position, event):
        return
    record_id = str(event.originator_id)
    previous = batch.current(rotations, record_id)
    changes = _changes(previous, event)
    if isinstance(event, RotationPlacement.Proposed):
        changes["created_position"] = position
    if isinstance(event, RotationPlacement.ReflectionRecorded):
        batch.insert(
            rotation_reflections,
            {
                "reflection_id": str(event.reflection_id),
                "rotation_id": record_id,
                "position": position,
                "text": event.text,
                "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
                "recorded_at": event.timestamp,
                "actor_id": str(event.actor),
            },
        )
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(rotations, previous, changes, position)


def _id(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _changes(previous: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any]:
    """The columns this event changes (a full row for Proposed)."""
    if isinstance(event, RotationPlacement.Proposed):
        return {
            "id": str(event.originator_id),
            "person_id": str(event.person_id),
            "home_organisation_id": str(event.home_organisation_id),
            "home_unit_id": str(event.home_unit_id),
            "host_organisation_id": str(event.host_organisation_id),
            "host_unit_id": str(event.host_unit_id),
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "learning_goals": list(event.learning_goals),
            "mentor_id": _id(event.mentor_id),
            "initiative_id": _id(event.initiative_id),
            "target_id": _id(event.target_id),
            "status": "proposed",
            "approved_by": None,
            "approved_at": None,
            "started_at": None,
            "reflections_count": 0,
            "learned": "",
            "bring_home": "",
            "host_feedback": "",
            "cancel_reason": "",
            "created_at": event.timestamp,
        }
    assert previous is not None, "a placement event arrived before its Proposed event"
    if isinstance(event, RotationPlacement.Edited):
        return {
            name: list(value) if name == "learning_goals" else _id(value)
            for name, value in event.changes.items()
        }
    if isinstance(event, RotationPlacement.Approved):
        return {"status": "approved", "approved_by": str(event.actor), "approved_at": event.timestamp}
    if isinstance(event, RotationPlacement.Started):
        return {"status": "started", "started_at": event.timestamp}
    if isinstance(event, RotationPlacement.Rescheduled):
        return {"starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat()}
    if isinstance(event, RotationPlacement.ReflectionRecorded):
        return {"reflections_count": previous["reflections_count"] + 1}
    if isinstance(event, RotationPlacement.TargetLinked):
        return {"target_id": str(event.target_id)}
    if isinstance(event, RotationPlacement.TargetUnlinked):
        return {"target_id": None}
    if isinstance(event, RotationPlacement.Completed):
        return {
            "status": "completed",
            "learned": event.learned,
            "bring_home": event.bring_home,
            "host_feedback": event.host_feedback,
        }
    assert isinstance(event, RotationPlacement.Cancelled)
    return {"status": "cancelled", "cancel_reason": event.reason}


# ---- queries -----------------------------------------------------------------


@dataclass(frozen=True)
class RotationFilter:
    person_id: UUID | None = None
    unit_id: UUID | None = None  # home or host
    status: str | None = None
    initiative_id: UUID | None = None
    archived: ArchivedFilter = "exclude"  # live records only, unless asked


def get(conn: Connection, rotation_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(rotations).where(rotations.c.id == str(rotation_id), visible_at(rotations, as_of))
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def at_version(conn: Connection, rotation_id: UUID, version: int) -> dict[str, Any] | None:
    """The placement as it was at one of its versions (what an edit form was based on)."""
    query = (
        select(rotations)
        .where(rotations.c.id == str(rotation_id), rotations.c.version <= version)
        .order_by(rotations.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def reflections(conn: Connection, rotation_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    query = select(rotation_reflections).where(rotation_reflections.c.rotation_id == str(rotation_id))
    if as_of is not None:
        query = query.where(rotation_reflections.c.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(rotation_reflections.c.position)).mappings()]


def search(
    conn: Connection,
    flt: RotationFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end).
    Raises ValueError for a cursor this server did not give out."""
    c = rotations.c
    query = select(rotations).where(visible_at(rotations, as_of), archive.shown(rotations, flt.archived))
    if flt.person_id:
        query = query.where(c.person_id == str(flt.person_id))
    if flt.unit_id:
        query = query.where(or_(c.home_unit_id == str(flt.unit_id), c.host_unit_id == str(flt.unit_id)))
    if flt.status:
        query = query.where(c.status == flt.status)
    if flt.initiative_id:
        query = query.where(c.initiative_id == str(flt.initiative_id))
    return newest_first_page(conn, query, c.created_position, limit=limit, cursor=cursor)


def of_person(conn: Connection, person_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """A person's rotation history: every placement of theirs, earliest period first."""
    query = (
        select(rotations)
        .where(rotations.c.person_id == str(person_id), visible_at(rotations, as_of))
        .order_by(rotations.c.starts_on, rotations.c.created_position)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def reflections_for_initiative(
    conn: Connection, initiative_id: UUID, as_of: int | None = None
) -> list[dict[str, Any]]:
    """Reflections recorded during the placements linked to an initiative, oldest first,
    each with its placement's row (prefixed `rotation_`)."""
    r, f = rotations.c, rotation_reflections.c
    query = (
        select(
            rotation_reflections,
            r.person_id.label("rotation_person_id"),
            r.home_unit_id.label("rotation_home_unit_id"),
            r.host_unit_id.label("rotation_host_unit_id"),
            r.starts_on.label("rotation_starts_on"),
            r.ends_on.label("rotation_ends_on"),
            r.status.label("rotation_status"),
        )
        .join(rotations, r.id == f.rotation_id)
        .where(r.initiative_id == str(initiative_id), visible_at(rotations, as_of))
        .order_by(f.position)
    )
    if as_of is not None:
        query = query.where(f.position <= as_of)
    return [dict(row) for row in conn.execute(query).mappings()]


# The calendar shows at most a year (a leap year, both ends included) at a time.
WINDOW_MAX_DAYS = 366

# Placements that hold people away from their home unit (planned, approved or going on, or
# done): a cancelled one does not.
CALENDAR_STATUSES = ("proposed", "approved", "started", "completed")


@dataclass(frozen=True)
class Week:
    year: int
    week: int
    monday: date
    sunday: date


def weeks(start: date, end: date) -> list[Week]:
    """The ISO weeks that touch [start, end], in order."""
    monday = start - timedelta(days=start.weekday())
    found = []
    while monday <= end:
        year, week, _ = monday.isocalendar()
        found.append(Week(year, week, monday, monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return found


def calendar(
    conn: Connection, start: date, end: date, *, unit_id: UUID | None = None, as_of: int | None = None
) -> dict[str, Any]:
    """Placements whose period overlaps [start, end] (both days included), and per unit
    and ISO week how many people are away from it and how many it hosts.

    With `unit_id`, only placements away from or hosted by that unit."""
    c = rotations.c
    query = (
        select(rotations)
        .where(
            visible_at(rotations, as_of),
            c.status.in_(CALENDAR_STATUSES),
            c.starts_on <= end.isoformat(),
            c.ends_on >= start.isoformat(),
        )
        .order_by(c.starts_on, c.created_position)
    )
    if unit_id is not None:
        query = query.where(or_(c.home_unit_id == str(unit_id), c.host_unit_id == str(unit_id)))
    placements = [dict(r) for r in conn.execute(query).mappings()]
    window_weeks = weeks(start, end)
    away: dict[str, list[set[str]]] = defaultdict(lambda: [set() for _ in window_weeks])
    hosted: dict[str, list[set[str]]] = defaultdict(lambda: [set() for _ in window_weeks])
    for placement in placements:
        first, last = date.fromisoformat(placement["starts_on"]), date.fromisoformat(placement["ends_on"])
        for index, week in enumerate(window_weeks):
            # The part of the week inside the window, overlapping the placement.
            if max(first, week.monday, start) <= min(last, week.sunday, end):
                away[placement["home_unit_id"]][index].add(placement["person_id"])
                hosted[placement["host_unit_id"]][index].add(placement["person_id"])
    units = sorted(set(away) | set(hosted))
    if unit_id is not None:
        units = [u for u in units if u == str(unit_id)]
    return {
        "placements": placements,
        "weeks": window_weeks,
        "units": [
            {
                "unit_id": unit,
                "away": [len(people) for people in away[unit]] if unit in away else [0] * len(window_weeks),
                "hosted": [len(people) for people in hosted[unit]]
                if unit in hosted
                else [0] * len(window_weeks),
            }
            for unit in units
        ],
    }
