"""Read model: the evaluations of initiatives (KS step 7), and the yearly follow-up.

Append-only: one row per `Initiative.EvaluationRecorded`, with the log position it was
recorded at, so "as of position P" is simply `position <= P`. Evaluations are never
changed; a later evaluation is a new row. "Latest" means the latest `evaluated_on`
(a back-dated evaluation recorded today does not overtake a newer one), ties broken
by the log position.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    select,
    true,
)

from domain.initiative import Initiative
from domain.recorded import RecordedEvent
from projections.batch import Batch
from projections.history import history
from projections.initiatives import initiatives
from projections.tables import UTCDateTime, metadata, visible_at

evaluations = Table(
    "evaluations",
    metadata,
    Column("evaluation_id", String(36), primary_key=True),
    Column("initiative_id", String(36), nullable=False),
    Column("position", Integer, nullable=False),
    Column("evaluated_on", String(10), nullable=False),
    Column("method", String(20), nullable=False),
    # {"staff": {"text": …, "figures": [{"label", "value", "unit"}]}, "users": …, "quality": …, "economy": …}
    Column("effects", JSON, nullable=False),
    Column("costs_text", Text, nullable=False),
    Column("costs_amount_eur", Float),
    Column("worked", Text, nullable=False),
    Column("did_not_work", Text, nullable=False),
    Column("lessons", Text, nullable=False),
    Column("recommendation", String(20), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
    Index("ix_evaluations_initiative", "initiative_id", "evaluated_on", "position"),
)

HANDLES = Initiative.EvaluationRecorded


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    """Nothing to read: every evaluation is a new row."""


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, HANDLES):
        return
    batch.insert(
        evaluations,
        {
            "evaluation_id": str(event.evaluation_id),
            "initiative_id": str(event.originator_id),
            "position": position,
            "evaluated_on": event.evaluated_on.isoformat(),
            "method": event.method,
            "effects": event.effects,
            "costs_text": event.costs["text"],
            "costs_amount_eur": event.costs["amount_eur"],
            "worked": event.worked,
            "did_not_work": event.did_not_work,
            "lessons": event.lessons,
            "recommendation": event.recommendation,
            "recorded_at": event.timestamp,
            "actor_id": str(event.actor),
        },
    )


# ---- queries -----------------------------------------------------------------


def _visible(as_of: int | None) -> Any:
    return evaluations.c.position <= as_of if as_of is not None else true()


def of_initiative(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """The initiative's evaluations, oldest first (by `evaluated_on`, then as recorded)."""
    c = evaluations.c
    query = (
        select(evaluations)
        .where(c.initiative_id == str(initiative_id), _visible(as_of))
        .order_by(c.evaluated_on, c.position)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def get(
    conn: Connection, initiative_id: UUID, evaluation_id: UUID, as_of: int | None = None
) -> dict[str, Any] | None:
    c = evaluations.c
    query = select(evaluations).where(
        c.initiative_id == str(initiative_id), c.evaluation_id == str(evaluation_id), _visible(as_of)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def latest_of(
    conn: Connection, initiative_ids: Iterable[str], as_of: int | None = None, *, until: date | None = None
) -> dict[str, dict[str, Any]]:
    """Initiative id → its latest evaluation (evaluated on or before `until`, when given)."""
    wanted = sorted(set(initiative_ids))
    if not wanted:
        return {}
    c = evaluations.c
    query = select(evaluations).where(c.initiative_id.in_(wanted), _visible(as_of))
    if until is not None:
        query = query.where(c.evaluated_on <= until.isoformat())
    latest: dict[str, dict[str, Any]] = {}
    for row in conn.execute(query.order_by(c.evaluated_on, c.position)).mappings():
        latest[row["initiative_id"]] = dict(row)
    return latest


# ---- the yearly follow-up ------------------------------------------------------

# Work has begun in these statuses, so an evaluation is due. A paused initiative counts by
# the status it was paused from. Discontinued ones are left out: their reason and lessons
# were required when they stopped (they may still be evaluated; see Initiative.record_evaluation).
STARTED = ("in_progress", "evaluating", "completed", "spread")
CLOSED_WELL = ("completed", "spread")


def initiatives_in(
    conn: Connection, statuses: Iterable[str], as_of: int | None, organisation_id: UUID | None
) -> list[dict[str, Any]]:
    """Initiatives (as of) in these statuses, or paused from one of them; oldest first."""
    c = initiatives.c
    wanted = list(statuses)
    query = select(initiatives).where(
        visible_at(initiatives, as_of),
        c.status.in_(wanted) | ((c.status == "paused") & c.paused_from.in_(wanted)),
    )
    if organisation_id is not None:
        query = query.where(c.organisation_id == str(organisation_id))
    return [dict(r) for r in conn.execute(query.order_by(c.created_position)).mappings()]


def not_evaluated(
    conn: Connection, year: int, as_of: int | None = None, organisation_id: UUID | None = None
) -> list[dict[str, Any]]:
    """Started initiatives with no evaluation dated up to the end of `year`."""
    started = initiatives_in(conn, STARTED, as_of, organisation_id)
    evaluated = latest_of(conn, (r["id"] for r in started), as_of, until=date(year, 12, 31))
    return [r for r in started if r["id"] not in evaluated]


def recommended_spreading(
    conn: Connection, year: int, as_of: int | None = None, organisation_id: UUID | None = None
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(initiative, its latest evaluation up to the end of `year`) where that evaluation
    recommended spreading. Discontinued initiatives are left out: the work was stopped
    after all. Whether a good practice exists is the caller's question."""
    candidates = initiatives_in(conn, (*STARTED, "discontinued"), as_of, organisation_id)
    candidates = [r for r in candidates if r["status"] != "discontinued"]
    latest = latest_of(conn, (r["id"] for r in candidates), as_of, until=date(year, 12, 31))
    return [
        (r, latest[r["id"]])
        for r in candidates
        if r["id"] in latest and latest[r["id"]]["recommendation"] == "spread"
    ]


def completed_on(
    conn: Connection, initiative_ids: Iterable[str], as_of: int | None = None
) -> dict[str, date]:
    """Initiative id → the day it was (last) completed: the back-dated day when given, else the
    day it was recorded. Read from the history read model, which keeps every lifecycle move."""
    wanted = sorted(set(initiative_ids))
    if not wanted:
        return {}
    h = history.c
    query = select(h.record_id, h.occurred_on, h.recorded_at).where(
        h.record_id.in_(wanted), h.record_type == "initiative", h.event_type == "Completed"
    )
    if as_of is not None:
        query = query.where(h.position <= as_of)
    found: dict[str, date] = {}
    for row in conn.execute(query.order_by(h.position)).mappings():
        day = date.fromisoformat(row["occurred_on"]) if row["occurred_on"] else row["recorded_at"].date()
        found[row["record_id"]] = day
    return found


def count_of(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> int:
    c = evaluations.c
    query = select(func.count()).where(c.initiative_id == str(initiative_id), _visible(as_of))
    return int(conn.execute(query).scalar_one())
