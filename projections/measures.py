"""Read model: measures, their values and annotations, now or as of any log position.

* `measures`: one versioned row per state of each measure (every measure event makes
  one: the row's `version` is the aggregate's, for ETags).
* `measure_values`: append-only, one row per ValueRecorded and per ValueCorrected, in
  log order. "As of P" is `position <= P`; the latest row of a value id is its current
  number, the earlier ones its history.
* `measure_annotations`: append-only, one row per annotation.

Other read models (the outcome timeline, the yearly follow-up, target coverage) read
measures through `of_initiatives`, `values_of` and `values_after`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Float, Index, Integer, String, Table, Text, func, select, text

from domain.measure import Measure
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.tables import UTCDateTime, metadata, versioned_columns, visible_at

_CURRENT_ONLY = text("valid_to IS NULL")

measures = Table(
    "measures",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("measures"),
    Column("created_position", Integer, nullable=False),
    Column("initiative_id", String(36), nullable=False),
    Column("name", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("direction", String(10), nullable=False),
    Column("baseline", Float),
    Column("target", Float),
    Column("frequency", String(20), nullable=False),
    Column("data_source", Text, nullable=False),
    Column("rules", String(10), nullable=False),
    Column("baseline_points", Integer),
    Column("values_count", Integer, nullable=False),
    Column("corrections_count", Integer, nullable=False),
    Column("annotations_count", Integer, nullable=False),
    # The first day of the latest period with a value (ISO date), and when a value was last recorded.
    Column("last_value_on", String(10)),
    Column("last_recorded_at", UTCDateTime),
    Column("defined_on", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index(
        "ix_measures_initiative",
        "initiative_id",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_measures_id", "id", "valid_to"),
)

measure_values = Table(
    "measure_values",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("value_id", String(36), nullable=False),
    Column("measure_id", String(36), nullable=False),
    Column("kind", String(10), nullable=False),  # recorded | corrected
    Column("period", String(10), nullable=False),
    Column("day", String(10), nullable=False),
    Column("value", Float, nullable=False),
    Column("note", Text, nullable=False),
    Column("previous_value", Float),
    Column("reason", Text, nullable=False),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
    Index("ix_measure_values_measure", "measure_id", "position"),
    Index("ix_measure_values_day", "day"),
)

measure_annotations = Table(
    "measure_annotations",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("annotation_id", String(36), nullable=False),
    Column("measure_id", String(36), nullable=False),
    Column("day", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("experiment_id", String(36)),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
    Index("ix_measure_annotations_measure", "measure_id", "position"),
)


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(measures, {str(e.originator_id) for e in events if isinstance(e, Measure.Event)})


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, Measure.Event):
        return
    if archive.apply(batch, measures, position, event):
        return
    previous = batch.current(measures, str(event.originator_id))
    changes = _changes(previous, event)
    if isinstance(event, Measure.ValueRecorded | Measure.ValueCorrected):
        batch.insert(measure_values, _value_row(position, event))
    if isinstance(event, Measure.Annotated):
        batch.insert(
            measure_annotations,
            {
                "position": position,
                "annotation_id": str(event.annotation_id),
                "measure_id": str(event.originator_id),
                "day": event.day.isoformat(),
                "text": event.text,
                "experiment_id": str(event.experiment_id) if event.experiment_id else None,
                "occurred_on": _day(event.occurred_on),
                "recorded_at": event.timestamp,
                "actor_id": str(event.actor),
            },
        )
    if isinstance(event, Measure.Defined):
        changes["created_position"] = position
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(measures, previous, changes, position)


def _value_row(position: int, event: Measure.ValueRecorded | Measure.ValueCorrected) -> dict[str, Any]:
    corrected = isinstance(event, Measure.ValueCorrected)
    return {
        "position": position,
        "value_id": str(event.value_id),
        "measure_id": str(event.originator_id),
        "kind": "corrected" if corrected else "recorded",
        "period": event.period,
        "day": event.day.isoformat(),
        "value": float(event.value),
        "note": event.note,
        "previous_value": float(event.previous_value) if isinstance(event, Measure.ValueCorrected) else None,
        "reason": event.reason if isinstance(event, Measure.ValueCorrected) else "",
        "occurred_on": _day(event.occurred_on),
        "recorded_at": event.timestamp,
        "actor_id": str(event.actor),
    }


def columns(values: dict[str, Any]) -> dict[str, Any]:
    """Definition field values as column values (numbers as floats)."""
    return {
        name: float(value) if name in ("baseline", "target") and value is not None else value
        for name, value in values.items()
    }


def _changes(previous: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any]:
    """The columns this event changes (a full row for Defined)."""
    if isinstance(event, Measure.Defined):
        return {
            "id": str(event.originator_id),
            "initiative_id": str(event.initiative_id),
            **columns(
                {
                    "name": event.name,
                    "unit": event.unit,
                    "direction": event.direction,
                    "baseline": event.baseline,
                    "target": event.target,
                    "frequency": event.frequency,
                    "data_source": event.data_source,
                    "rules": event.rules,
                    "baseline_points": event.baseline_points,
                }
            ),
            "values_count": 0,
            "corrections_count": 0,
            "annotations_count": 0,
            "last_value_on": None,
            "last_recorded_at": None,
            "defined_on": (event.occurred_on or event.timestamp.date()).isoformat(),
            "created_at": event.timestamp,
        }
    assert previous is not None, "a measure event arrived before its Defined event"
    if isinstance(event, Measure.Edited):
        return columns(event.changes)
    if isinstance(event, Measure.ValueRecorded):
        day = event.day.isoformat()
        last = previous["last_value_on"]
        return {
            "values_count": previous["values_count"] + 1,
            "last_value_on": day if last is None or day > last else last,
            "last_recorded_at": event.timestamp,
        }
    if isinstance(event, Measure.ValueCorrected):
        return {"corrections_count": previous["corrections_count"] + 1, "last_recorded_at": event.timestamp}
    assert isinstance(event, Measure.Annotated)
    return {"annotations_count": previous["annotations_count"] + 1}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---- queries -----------------------------------------------------------------


def get(conn: Connection, measure_id: UUID | str, as_of: int | None = None) -> dict[str, Any] | None:
    query = select(measures).where(measures.c.id == str(measure_id), visible_at(measures, as_of))
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def search(
    conn: Connection,
    *,
    initiative_id: UUID | str | None = None,
    as_of: int | None = None,
    archived: ArchivedFilter = "exclude",
) -> list[dict[str, Any]]:
    """Measures in the order they were defined, of one initiative or of all."""
    query = select(measures).where(visible_at(measures, as_of), archive.shown(measures, archived))
    if initiative_id is not None:
        query = query.where(measures.c.initiative_id == str(initiative_id))
    return [dict(r) for r in conn.execute(query.order_by(measures.c.created_position)).mappings()]


def of_initiatives(
    conn: Connection, initiative_ids: Iterable[UUID | str], as_of: int | None = None
) -> list[dict[str, Any]]:
    """The measures of these initiatives, by initiative, then in the order defined."""
    ids = {str(i) for i in initiative_ids}
    if not ids:
        return []
    query = (
        select(measures)
        .where(measures.c.initiative_id.in_(ids), visible_at(measures, as_of))
        .order_by(measures.c.initiative_id, measures.c.created_position)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def values_of(
    conn: Connection, measure_ids: Iterable[UUID | str], as_of: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The current value of each period, by measure id, oldest period first.

    Each value: value_id, period, day, value, note, corrected (bool), recorded_at (of
    the first recording), occurred_on, actor_id, position (of its latest row) and
    `history`: every row of the value (recorded, then each correction), oldest first."""
    ids = {str(i) for i in measure_ids}
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    t = measure_values
    query = select(t).where(t.c.measure_id.in_(ids))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    by_value: dict[str, dict[str, Any]] = {}
    for row in conn.execute(query.order_by(t.c.position)).mappings():
        entry = by_value.get(row["value_id"])
        step = {
            k: row[k]
            for k in (
                "kind",
                "value",
                "note",
                "previous_value",
                "reason",
                "occurred_on",
                "recorded_at",
                "actor_id",
            )
        }
        step["position"] = row["position"]
        if entry is None:
            entry = {
                "value_id": row["value_id"],
                "measure_id": row["measure_id"],
                "period": row["period"],
                "day": row["day"],
                "recorded_at": row["recorded_at"],
                "occurred_on": row["occurred_on"],
                "actor_id": row["actor_id"],
                "history": [],
            }
            by_value[row["value_id"]] = entry
            found[row["measure_id"]].append(entry)
        entry.update(value=row["value"], note=row["note"], position=row["position"])
        entry["corrected"] = row["kind"] == "corrected" or entry.get("corrected", False)
        entry["history"].append(step)
    for entries in found.values():
        entries.sort(key=lambda e: (e["day"], e["period"]))
    return found


def values(conn: Connection, measure_id: UUID | str, as_of: int | None = None) -> list[dict[str, Any]]:
    """The current value of each period of one measure (see `values_of`)."""
    return values_of(conn, [measure_id], as_of)[str(measure_id)]


def value(
    conn: Connection, measure_id: UUID | str, value_id: UUID | str, as_of: int | None = None
) -> dict[str, Any] | None:
    return next((v for v in values(conn, measure_id, as_of) if v["value_id"] == str(value_id)), None)


def values_after(
    conn: Connection, measure_ids: Iterable[UUID | str], day: date, as_of: int | None = None
) -> dict[str, int]:
    """How many values each measure has for periods that begin on or after `day` (e.g. an
    initiative's completion): "is it still being measured?". Measures with none are left out."""
    ids = {str(i) for i in measure_ids}
    if not ids:
        return {}
    t = measure_values
    query = (
        select(t.c.measure_id, func.count(func.distinct(t.c.value_id)))
        .where(t.c.measure_id.in_(ids), t.c.day >= day.isoformat(), t.c.kind == "recorded")
        .group_by(t.c.measure_id)
    )
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    return {row[0]: int(row[1]) for row in conn.execute(query)}


def annotations_of(
    conn: Connection, measure_id: UUID | str, as_of: int | None = None
) -> list[dict[str, Any]]:
    """The measure's annotations by day (then in the order recorded)."""
    t = measure_annotations
    query = select(t).where(t.c.measure_id == str(measure_id))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(t.c.day, t.c.position)).mappings()]
