"""Read model: experiments (PDSA cycles) as they are now or as they were at any log
position, their observations, the learning log of each initiative, and counts per
unit and month.

* `experiments`: one versioned row per state of each experiment. The unit is the
  initiative's unit when the experiment was planned (recorded in its Planned event).
  `chain_id` is the first cycle's id: every cycle of one change idea shares it.
* `experiment_observations`: append-only, one row per observation.
* `experiment_learning`: append-only, one row per Studied and Decided event, in log
  order: an initiative's learning log.

Dates (`logged_on`, `started_on`, …) are the back-dated `occurred_on` when given, else
the UTC date it was recorded; the counts per month group by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.sql import Select

from domain.experiment import Experiment
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.initiatives import initiatives
from projections.tables import (
    UTCDateTime,
    metadata,
    newest_first_page,
    versioned_columns,
    visible_at,
)

_CURRENT_ONLY = text("valid_to IS NULL")

experiments = Table(
    "experiments",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("experiments"),
    Column("created_position", Integer, nullable=False),
    Column("initiative_id", String(36), nullable=False),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    Column("follows", String(36)),
    Column("chain_id", String(36), nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("change_idea", Text, nullable=False),
    Column("prediction", Text, nullable=False),
    Column("plan_who", Text, nullable=False),
    Column("plan_what", Text, nullable=False),
    Column("plan_when", Text, nullable=False),
    Column("plan_where", Text, nullable=False),
    Column("measures", JSON, nullable=False),
    Column("planned_start", String(10)),
    Column("planned_end", String(10)),
    Column("stage", String(20), nullable=False),
    Column("result", Text, nullable=False),
    Column("learning", Text, nullable=False),
    Column("decision", String(20)),
    Column("rationale", Text, nullable=False),
    Column("next_cycle_id", String(36)),
    Column("cancel_reason", Text, nullable=False),
    Column("cancelled_from", String(20)),
    Column("observations_count", Integer, nullable=False),
    Column("logged_on", String(10), nullable=False),
    Column("started_on", String(10)),
    Column("studied_on", String(10)),
    Column("decided_on", String(10)),
    Column("cancelled_on", String(10)),
    # The date the from/to filters use: the planned start, else the day it was logged.
    Column("filter_on", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index(
        "ix_experiments_current",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index(
        "ix_experiments_initiative",
        "initiative_id",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_experiments_chain", "chain_id", "cycle"),
    Index("ix_experiments_id", "id", "valid_to"),
)

experiment_observations = Table(
    "experiment_observations",
    metadata,
    Column("observation_id", String(36), primary_key=True),
    Column("experiment_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("values", JSON, nullable=False),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
)

experiment_learning = Table(
    "experiment_learning",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("initiative_id", String(36), nullable=False),
    Column("experiment_id", String(36), nullable=False),
    Column("experiment_title", Text, nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # studied | decided
    Column("prediction", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("learning", Text, nullable=False),
    Column("decision", String(20)),
    Column("rationale", Text, nullable=False),
    Column("next_cycle_id", String(36)),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
    Index("ix_experiment_learning_initiative", "initiative_id", "position"),
)


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    ids = {str(e.originator_id) for e in events if isinstance(e, Experiment.Event)}
    ids |= {str(e.follows) for e in events if isinstance(e, Experiment.Planned) and e.follows}
    batch.prefetch(experiments, ids)


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, Experiment.Event):
        return
    if archive.apply(batch, experiments, position, event):
        return
    record_id = str(event.originator_id)
    previous = batch.current(experiments, record_id)
    day = (event.occurred_on or event.timestamp.date()).isoformat()
    changes = _changes(batch, previous, event, day)
    if isinstance(event, Experiment.Planned):
        changes["created_position"] = position
    if isinstance(event, Experiment.ObservationRecorded):
        batch.insert(
            experiment_observations,
            {
                "observation_id": str(event.observation_id),
                "experiment_id": record_id,
                "position": position,
                "text": event.text,
                "values": list(event.values),
                "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
                "recorded_at": event.timestamp,
                "actor_id": str(event.actor),
            },
        )
    if isinstance(event, Experiment.Studied | Experiment.Decided):
        assert previous is not None
        _learn(batch, position, previous, event)
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(experiments, previous, changes, position)


def _learn(batch: Batch, position: int, previous: dict[str, Any], event: RecordedEvent) -> None:
    studied = isinstance(event, Experiment.Studied)
    decided = event if isinstance(event, Experiment.Decided) else None
    batch.insert(
        experiment_learning,
        {
            "position": position,
            "initiative_id": previous["initiative_id"],
            "experiment_id": previous["id"],
            "experiment_title": previous["title"],
            "cycle": previous["cycle"],
            "kind": "studied" if studied else "decided",
            "prediction": previous["prediction"],
            "result": event.result if isinstance(event, Experiment.Studied) else previous["result"],
            "learning": event.learning if isinstance(event, Experiment.Studied) else previous["learning"],
            "decision": decided.decision if decided else None,
            "rationale": decided.rationale if decided else "",
            "next_cycle_id": str(decided.next_cycle_id) if decided and decided.next_cycle_id else None,
            "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
            "recorded_at": event.timestamp,
            "actor_id": str(event.actor),
        },
    )


def _changes(batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent, day: str) -> dict[str, Any]:
    """The columns this event changes (a full row for Planned)."""
    if isinstance(event, Experiment.Planned):
        chain_id = str(event.originator_id)
        if event.follows is not None:
            followed = batch.current(experiments, str(event.follows))
            chain_id = followed["chain_id"] if followed else str(event.follows)
        row = {
            "id": str(event.originator_id),
            "initiative_id": str(event.initiative_id),
            "organisation_id": _text(event.organisation_id),
            "unit_id": _text(event.unit_id),
            "follows": _text(event.follows),
            "chain_id": chain_id,
            "cycle": event.cycle,
            **plan_columns(
                {
                    "title": event.title,
                    "question": event.question,
                    "change_idea": event.change_idea,
                    "prediction": event.prediction,
                    "plan_who": event.plan_who,
                    "plan_what": event.plan_what,
                    "plan_when": event.plan_when,
                    "plan_where": event.plan_where,
                    "measures": event.measures,
                    "planned_start": event.planned_start,
                    "planned_end": event.planned_end,
                }
            ),
            "stage": "planned",
            "result": "",
            "learning": "",
            "decision": None,
            "rationale": "",
            "next_cycle_id": None,
            "cancel_reason": "",
            "cancelled_from": None,
            "observations_count": 0,
            "logged_on": day,
            "started_on": None,
            "studied_on": None,
            "decided_on": None,
            "cancelled_on": None,
            "created_at": event.timestamp,
        }
        row["filter_on"] = row["planned_start"] or day
        return row
    assert previous is not None, "an experiment event arrived before its Planned event"
    if isinstance(event, Experiment.Edited):
        changed = plan_columns(event.changes)
        if "planned_start" in changed:
            changed["filter_on"] = changed["planned_start"] or previous["logged_on"]
        return changed
    if isinstance(event, Experiment.Started):
        return {"stage": "started", "started_on": day}
    if isinstance(event, Experiment.ObservationRecorded):
        return {"observations_count": previous["observations_count"] + 1}
    if isinstance(event, Experiment.Studied):
        return {"stage": "studied", "studied_on": day, "result": event.result, "learning": event.learning}
    if isinstance(event, Experiment.Decided):
        return {
            "stage": "decided",
            "decided_on": day,
            "decision": event.decision,
            "rationale": event.rationale,
            "next_cycle_id": _text(event.next_cycle_id),
        }
    assert isinstance(event, Experiment.Cancelled)
    return {
        "stage": "cancelled",
        "cancelled_on": day,
        "cancel_reason": event.reason,
        "cancelled_from": previous["stage"],
    }


def plan_columns(values: dict[str, Any]) -> dict[str, Any]:
    """Plan field values as column values (dates as ISO text, measures as a list)."""
    columns: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):
            columns[name] = value.isoformat()
        elif name == "measures":
            columns[name] = list(value)
        else:
            columns[name] = value
    return columns


def _text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


# ---- queries -----------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentFilter:
    stage: str | None = None
    decision: str | None = None
    initiative_id: UUID | None = None
    unit_id: UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    archived: ArchivedFilter = "exclude"  # live records only, unless asked


def get(conn: Connection, experiment_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    query = select(experiments).where(experiments.c.id == str(experiment_id), visible_at(experiments, as_of))
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def observations(conn: Connection, experiment_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    t = experiment_observations
    query = select(t).where(t.c.experiment_id == str(experiment_id))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(t.c.position)).mappings()]


def search(
    conn: Connection,
    flt: ExperimentFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end).
    Raises ValueError for a cursor this module did not make."""
    query = _filtered(select(experiments), flt, as_of)
    return newest_first_page(conn, query, experiments.c.created_position, limit=limit, cursor=cursor)


def _filtered(query: Select[Any], flt: ExperimentFilter, as_of: int | None) -> Select[Any]:
    c = experiments.c
    query = query.where(visible_at(experiments, as_of), archive.shown(experiments, flt.archived))
    if flt.stage:
        query = query.where(c.stage == flt.stage)
    if flt.decision:
        query = query.where(c.decision == flt.decision)
    if flt.initiative_id:
        query = query.where(c.initiative_id == str(flt.initiative_id))
    if flt.unit_id:
        query = query.where(c.unit_id == str(flt.unit_id))
    if flt.date_from:
        query = query.where(c.filter_on >= flt.date_from.isoformat())
    if flt.date_to:
        query = query.where(c.filter_on <= flt.date_to.isoformat())
    return query


def count_for_initiative(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> int:
    query = select(func.count()).where(
        experiments.c.initiative_id == str(initiative_id), visible_at(experiments, as_of)
    )
    return int(conn.execute(query).scalar_one())


def cycles(conn: Connection, experiment_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every cycle of the experiment's change idea (linked by `follows`), first cycle first."""
    found = get(conn, experiment_id, as_of)
    if found is None:
        return []
    query = (
        select(experiments)
        .where(experiments.c.chain_id == found["chain_id"], visible_at(experiments, as_of))
        .order_by(experiments.c.cycle, experiments.c.created_position)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def learning_log(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every study and decision of the initiative's experiments, in the order recorded."""
    t = experiment_learning
    query = select(t).where(t.c.initiative_id == str(initiative_id))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(t.c.position)).mappings()]


STAT_KINDS = ("planned", "started", "studied", "decided", "cancelled")


def stats(conn: Connection, *, date_from: date | None, date_to: date | None) -> list[dict[str, Any]]:
    """Counts per unit and month: planned, started, studied, cancelled, and decided by decision.

    Each stage is counted in the month it happened (back-dated dates count where they
    belong). Rows come sorted by month, then unit (no unit last)."""
    c = experiments.c
    parts = []
    for kind, column in (
        ("planned", c.logged_on),
        ("started", c.started_on),
        ("studied", c.studied_on),
        ("decided", c.decided_on),
        ("cancelled", c.cancelled_on),
    ):
        decision = c.decision if kind == "decided" else literal(None, String(20))
        part = select(
            c.unit_id.label("unit_id"),
            func.substr(column, 1, 7).label("month"),
            literal(kind).label("kind"),
            decision.label("decision"),
        ).where(c.valid_to.is_(None), column.is_not(None))
        if date_from is not None:
            part = part.where(column >= date_from.isoformat())
        if date_to is not None:
            part = part.where(column <= date_to.isoformat())
        parts.append(part)
    events = union_all(*parts).subquery()
    query = select(
        events.c.unit_id, events.c.month, events.c.kind, events.c.decision, func.count().label("n")
    ).group_by(events.c.unit_id, events.c.month, events.c.kind, events.c.decision)
    table: dict[tuple[str | None, str], dict[str, Any]] = {}
    for row in conn.execute(query):
        key = (row.unit_id, row.month)
        entry = table.setdefault(
            key,
            {
                "unit_id": row.unit_id,
                "month": row.month,
                **dict.fromkeys(STAT_KINDS, 0),
                "decisions": {"adopt": 0, "adapt": 0, "abandon": 0},
            },
        )
        entry[row.kind] += int(row.n)
        if row.kind == "decided" and row.decision:
            entry["decisions"][row.decision] += int(row.n)
    return sorted(table.values(), key=lambda e: (e["month"], e["unit_id"] is None, e["unit_id"] or ""))


def initiative_titles(conn: Connection, ids: set[str], as_of: int | None = None) -> dict[str, str]:
    """The titles of the experiments' initiatives, by initiative id."""
    if not ids:
        return {}
    t = initiatives
    query = select(t.c.id, t.c.title).where(t.c.id.in_(ids), visible_at(t, as_of))
    return {row.id: row.title for row in conn.execute(query)}
