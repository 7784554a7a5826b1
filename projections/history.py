"""Read model: what happened to every record, field by field.

One row per recorded event: who, when recorded, when it occurred (if
back-dated) and the list of field changes (old → new). It serves a record's
history, the activity feed across everything, and maps a time to the last
log position recorded by then (for `?as_of=`).

It reads each record's previous state from the state read models, so the
projector must apply it *before* them (see `projector.READ_MODELS`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Connection, Index, Integer, String, Table, func, select

from domain.initiative import Initiative, LifecycleEvent
from domain.organisation import Organisation
from domain.recorded import RecordedEvent
from projections.batch import Batch
from projections.initiatives import initiatives
from projections.organisations import organisations, units
from projections.tables import UTCDateTime, metadata

history = Table(
    "history",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("record_type", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("record_title", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(60), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("occurred_on", String(10)),
    Column("actor_id", String(36), nullable=False),
    Column("changes", JSON, nullable=False),
    Index("ix_history_record", "record_id", "position"),
    Index("ix_history_recorded_at", "recorded_at"),
)

Change = dict[str, Any]


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    """History reads the state read models' rows, which they prefetch themselves."""


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if isinstance(event, Initiative.Event | LifecycleEvent):
        record_type = "initiative"
        previous = batch.current(initiatives, str(event.originator_id))
        changes = _initiative_changes(previous, event)
        title = _title_after(previous, changes, "title")
    elif isinstance(event, Organisation.Event):
        record_type = "organisation"
        previous = batch.current(organisations, str(event.originator_id))
        changes = _organisation_changes(batch, previous, event)
        title = _title_after(previous, changes, "name")
    else:
        return
    batch.insert(
        history,
        dict(
            position=position,
            record_type=record_type,
            record_id=str(event.originator_id),
            record_title=title,
            version=event.originator_version,
            event_type=type(event).__name__,
            recorded_at=event.timestamp,
            occurred_on=event.occurred_on.isoformat() if event.occurred_on else None,
            actor_id=str(event.actor),
            changes=changes,
        ),
    )


def _title_after(previous: dict[str, Any] | None, changes: list[Change], field: str) -> str:
    for change in changes:
        if change["field"] == field:
            return str(change["new"])
    return str(previous[field]) if previous else ""


def _change(field: str, old: Any, new: Any) -> Change:
    return {"field": field, "old": _plain(old), "new": _plain(new)}


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, UUID) else value


def _initiative_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, Initiative.Proposed):
        fields = {
            "title": event.title,
            "summary": event.summary,
            "organisation_id": event.organisation_id,
            "unit_id": event.unit_id,
            "owner_id": event.owner_id,
            "themes": list(event.themes),
            "target_group": event.target_group,
        }
        changes = [_change(k, None, v) for k, v in fields.items() if v not in (None, "", [])]
        return [*changes, _change("status", None, "proposed")]
    assert previous is not None
    if isinstance(event, Initiative.Edited):
        return [_change(k, previous[k], v) for k, v in event.changes.items()]
    if isinstance(event, Initiative.GoalSet):
        key = str(event.goal_id)
        return [_change(f"goals.{key}", previous["goals"].get(key), event.text)]
    if isinstance(event, Initiative.GoalRemoved):
        key = str(event.goal_id)
        return [_change(f"goals.{key}", previous["goals"].get(key), None)]
    if isinstance(event, Initiative.TeamMemberAdded):
        return [_change(f"team.{event.person_id}", None, event.role)]
    if isinstance(event, Initiative.TeamMemberRemoved):
        key = str(event.person_id)
        return [_change(f"team.{key}", previous["team"].get(key), None)]
    if isinstance(event, Initiative.NoteAdded):
        return [_change("note", None, event.text)]
    assert isinstance(event, LifecycleEvent)
    return _lifecycle_changes(previous, event)


def _lifecycle_changes(previous: dict[str, Any], event: LifecycleEvent) -> list[Change]:
    old = previous["status"]
    new = previous["paused_from"] if isinstance(event, Initiative.Resumed) else event.to_status.value
    changes = [_change("status", old, new)]
    if isinstance(event, Initiative.Paused) and event.reason:
        changes.append(_change("pause_reason", None, event.reason))
    if isinstance(event, Initiative.Discontinued):
        changes.append(_change("discontinued_reason", previous["discontinued_reason"] or None, event.reason))
        changes.append(_change("lessons", previous["lessons"] or None, event.lessons))
    return changes


def _organisation_changes(
    batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent
) -> list[Change]:
    if isinstance(event, Organisation.Registered):
        return [_change("name", None, event.name), _change("kind", None, event.kind)]
    if isinstance(event, Organisation.UnitAdded):
        return [_change(f"units.{event.unit_id}", None, event.name)]
    if isinstance(event, Organisation.UnitRenamed):
        unit = batch.current(units, str(event.unit_id))
        return [_change(f"units.{event.unit_id}", unit["name"] if unit else None, event.name)]
    return []


# ---- queries -----------------------------------------------------------------


def of_record(conn: Connection, record_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    query = select(history).where(history.c.record_id == str(record_id))
    if as_of is not None:
        query = query.where(history.c.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(history.c.position)).mappings()]


def feed(
    conn: Connection,
    *,
    limit: int,
    before: int | None = None,
    record_type: str | None = None,
    as_of: int | None = None,
) -> list[dict[str, Any]]:
    """Newest first, across all records."""
    query = select(history)
    if before is not None:
        query = query.where(history.c.position < before)
    if as_of is not None:
        query = query.where(history.c.position <= as_of)
    if record_type is not None:
        query = query.where(history.c.record_type == record_type)
    query = query.order_by(history.c.position.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def position_at(conn: Connection, moment: datetime) -> int:
    """The last log position recorded at or before `moment` (0 if none)."""
    found = conn.execute(select(func.max(history.c.position)).where(history.c.recorded_at <= moment)).scalar()
    return int(found or 0)
