"""Query: the outcome timeline of initiatives — everything that matters for evaluating them
on one time axis, now or as of any log position.

No tables of its own: it reads the other read models by the initiatives' ids (and by the ids
of their experiments and measures), each query on an index, so its cost grows with what the
initiatives have recorded and never with the size of the whole log.

Kinds of entry (`KINDS`, in the order they sort on the same day and position):

* `lifecycle` — a move of the initiative's status (proposed, planned, … spread), from → to,
  from its history rows.
* `experiment` — an experiment's stage: planned, started, studied, decided (with the
  decision), cancelled, from the experiment's history rows.
* `check_in` — a progress check-in at a programme's workshop (status, progress score); a
  corrected check-in shows once, with the values of its latest correction.
* `measure_value` — a value of one of the initiative's measures, on the first day of its
  period, with its current number (`corrected` when a correction changed it).
* `measure_signal` — a signal of non-random variation on a measure's run chart, computed by
  `domain.run_chart.analyse` on the values as of the view. It sits at the point where the
  pattern becomes visible: the 6th point of a shift, the 5th of a trend, the first point past
  the longest run allowed, the astronomical point itself, and the latest point for the signals
  about the whole chart (too few or too many runs, few crossings).
* `annotation` — a change point annotated on a measure.
* `evaluation` — an evaluation (method, recommendation) on the day it was evaluated.
* `good_practice` — each published version of a good practice drafted from the initiative,
  and each retraction of one, on the day it was recorded.

Each entry: `day` (ISO date: the back-dated `occurred_on` when given, else the day it was
recorded in `zone`; a value's period day, an annotation's day, an evaluation's
`evaluated_on`), `kind`, `record_type`, `record_id`, `initiative_id`, `title` (a short label),
`details` (by kind), `position` (the log position that recorded it) and `recorded_at`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.run_chart import SHIFT_MIN, TREND_MIN, Analysis, RuleSet, analyse
from projections import measures as measures_read_model
from projections.evaluations import evaluations
from projections.experiments import experiments
from projections.good_practices import good_practice_retractions, good_practice_versions
from projections.history import history
from projections.measures import measure_annotations
from projections.programmes import programme_check_ins, programme_workshops, programmes, with_corrections
from projections.tables import visible_at


class Kind(StrEnum):
    LIFECYCLE = "lifecycle"
    EXPERIMENT = "experiment"
    CHECK_IN = "check_in"
    MEASURE_VALUE = "measure_value"
    MEASURE_SIGNAL = "measure_signal"
    ANNOTATION = "annotation"
    EVALUATION = "evaluation"
    GOOD_PRACTICE = "good_practice"


KINDS: tuple[str, ...] = tuple(kind.value for kind in Kind)

Entry = dict[str, Any]

_LIFECYCLE_EVENTS = (
    "Proposed",
    "Planned",
    "Started",
    "Paused",
    "Resumed",
    "EvaluationStarted",
    "Completed",
    "Spread",
    "Discontinued",
)
_EXPERIMENT_EVENTS = ("Planned", "Started", "Studied", "Decided", "Cancelled")
# What an experiment entry carries from its history row's changes (the rest of the plan stays
# on the experiment itself).
_EXPERIMENT_DETAILS = (
    "change_idea",
    "prediction",
    "planned_start",
    "planned_end",
    "follows",
    "result",
    "learning",
    "decision",
    "rationale",
    "next_cycle_id",
    "cancel_reason",
)
_CHECK_IN_DETAILS = ("status", "progress_score", "done", "next_steps", "help_needed")


def of_initiative(
    conn: Connection,
    initiative_id: UUID | str,
    *,
    kinds: set[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: int | None = None,
    zone: tzinfo = UTC,
) -> list[Entry]:
    """One initiative's timeline (see the module docstring), by day, then log position."""
    return of_initiatives(conn, [initiative_id], kinds=kinds, start=start, end=end, as_of=as_of, zone=zone)


def of_initiatives(
    conn: Connection,
    initiative_ids: Iterable[UUID | str],
    *,
    kinds: set[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: int | None = None,
    zone: tzinfo = UTC,
) -> list[Entry]:
    """The timelines of several initiatives merged on one axis (a programme's, a target's).

    `kinds` keeps only those kinds (all when None); `start` and `end` keep the days between them,
    both included. Raises ValueError for an unknown kind."""
    unknown = (kinds or set()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown timeline kinds: {', '.join(sorted(unknown))}")
    ids = sorted({str(i) for i in initiative_ids})
    wanted = set(KINDS) if kinds is None else kinds
    if not ids or not wanted:
        return []
    entries: list[Entry] = []
    for kind, read in _READERS:
        if kind & wanted:
            entries.extend(e for e in read(conn, ids, as_of, zone) if e["kind"] in wanted)
    kept = [e for e in entries if _within(e["day"], start, end)]
    order = {kind: index for index, kind in enumerate(KINDS)}
    kept.sort(key=lambda e: (e["day"], e["position"], order[e["kind"]]))
    return kept


def _within(day: str, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start.isoformat()) and (end is None or day <= end.isoformat())


def _day(occurred_on: str | None, recorded_at: datetime, zone: tzinfo) -> str:
    return occurred_on or recorded_at.astimezone(zone).date().isoformat()


def _entry(
    *,
    day: str,
    kind: str,
    record_type: str,
    record_id: str,
    initiative_id: str,
    title: str,
    details: dict[str, Any],
    position: int,
    recorded_at: datetime,
) -> Entry:
    return {
        "day": day,
        "kind": kind,
        "record_type": record_type,
        "record_id": record_id,
        "initiative_id": initiative_id,
        "title": title,
        "details": details,
        "position": position,
        "recorded_at": recorded_at,
    }


def _news(changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {c["field"]: c["new"] for c in changes}


# ---- lifecycle ----------------------------------------------------------------------


def _lifecycle(conn: Connection, ids: list[str], as_of: int | None, zone: tzinfo) -> list[Entry]:
    h = history.c
    query = select(history).where(h.record_id.in_(ids), h.event_type.in_(_LIFECYCLE_EVENTS))
    if as_of is not None:
        query = query.where(h.position <= as_of)
    found = []
    for row in conn.execute(query.order_by(h.position)).mappings():
        if row["record_type"] != "initiative":
            continue
        status = next((c for c in row["changes"] if c["field"] == "status"), None)
        if status is None:
            continue
        details = {"event": row["event_type"], "from": status["old"], "to": status["new"]}
        for change in row["changes"]:
            if change["field"] in ("pause_reason", "discontinued_reason", "lessons"):
                details[change["field"]] = change["new"]
        found.append(
            _entry(
                day=_day(row["occurred_on"], row["recorded_at"], zone),
                kind="lifecycle",
                record_type="initiative",
                record_id=row["record_id"],
                initiative_id=row["record_id"],
                title=f"{status['old'] or '–'} → {status['new']}",
                details=details,
                position=row["position"],
                recorded_at=row["recorded_at"],
            )
        )
    return found


# ---- experiments ----------------------------------------------------------------------


def _experiments(conn: Connection, ids: list[str], as_of: int | None, zone: tzinfo) -> list[Entry]:
    """Stages of the initiatives' experiments. An experiment's initiative never changes, so
    the current rows name them all; history rows after `as_of` are left out."""
    x = experiments.c
    owner = {
        row.id: row.initiative_id
        for row in conn.execute(
            select(x.id, x.initiative_id).where(x.initiative_id.in_(ids), x.valid_to.is_(None))
        )
    }
    if not owner:
        return []
    h = history.c
    query = select(history).where(h.record_id.in_(sorted(owner)), h.event_type.in_(_EXPERIMENT_EVENTS))
    if as_of is not None:
        query = query.where(h.position <= as_of)
    found = []
    for row in conn.execute(query.order_by(h.position)).mappings():
        news = _news(row["changes"])
        old_stage = next((c["old"] for c in row["changes"] if c["field"] == "stage"), None)
        details = {"event": row["event_type"], "stage": news.get("stage"), "from": old_stage}
        details.update({k: news[k] for k in _EXPERIMENT_DETAILS if k in news})
        title = f"{row['record_title']}: {news.get('stage')}"
        if "decision" in news:
            title += f" ({news['decision']})"
        found.append(
            _entry(
                day=_day(row["occurred_on"], row["recorded_at"], zone),
                kind="experiment",
                record_type="experiment",
                record_id=row["record_id"],
                initiative_id=owner[row["record_id"]],
                title=title,
                details={"experiment": row["record_title"], **details},
                position=row["position"],
                recorded_at=row["recorded_at"],
            )
        )
    return found


# ---- check-ins --------------------------------------------------------------------------


def _check_ins(conn: Connection, ids: list[str], as_of: int | None, zone: tzinfo) -> list[Entry]:
    t = programme_check_ins
    query = select(t).where(t.c.initiative_id.in_(ids))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    rows = with_corrections(
        [dict(r) for r in conn.execute(query.order_by(t.c.position)).mappings()], include_corrected=False
    )
    if not rows:
        return []
    names = _names(conn, programmes, programmes.c.name, {r["programme_id"] for r in rows}, as_of)
    w = programme_workshops
    workshops = {
        row.id: (row.title, row.day)
        for row in conn.execute(
            select(w.c.id, w.c.title, w.c.day).where(
                w.c.id.in_(sorted({r["workshop_id"] for r in rows})), visible_at(w, as_of)
            )
        )
    }
    found = []
    for row in rows:
        workshop_title, workshop_day = workshops.get(row["workshop_id"], ("", None))
        details = {
            "check_in_id": row["check_in_id"],
            "programme_id": row["programme_id"],
            "programme": names.get(row["programme_id"], ""),
            "workshop_id": row["workshop_id"],
            "workshop": workshop_title,
            "workshop_day": workshop_day,
            **{k: row[k] for k in _CHECK_IN_DETAILS},
            "corrects": row["corrects"],
        }
        found.append(
            _entry(
                day=_day(row["occurred_on"], row["recorded_at"], zone),
                kind="check_in",
                record_type="initiative",
                record_id=row["initiative_id"],
                initiative_id=row["initiative_id"],
                title=f"{workshop_title}: {row['status']}, {row['progress_score']:g}",
                details=details,
                position=row["position"],
                recorded_at=row["recorded_at"],
            )
        )
    return found


def _names(conn: Connection, table: Any, column: Any, ids: set[str], as_of: int | None) -> dict[str, str]:
    if not ids:
        return {}
    query = select(table.c.id, column).where(table.c.id.in_(sorted(ids)), visible_at(table, as_of))
    return {row[0]: row[1] for row in conn.execute(query)}


# ---- measures -------------------------------------------------------------------------------


def _measures(conn: Connection, ids: list[str], as_of: int | None, zone: tzinfo) -> list[Entry]:
    """Values, signals and annotations of the initiatives' measures (as defined as of)."""
    defined = measures_read_model.of_initiatives(conn, ids, as_of)
    if not defined:
        return []
    values = measures_read_model.values_of(conn, [m["id"] for m in defined], as_of)
    found: list[Entry] = []
    for measure in defined:
        found.extend(_values(measure, values[measure["id"]]))
        found.extend(_signals(measure, values[measure["id"]]))
    found.extend(_annotations(conn, defined, as_of))
    return found


def _measure_entry(
    measure: dict[str, Any], kind: str, point: dict[str, Any], title: str, **more: Any
) -> Entry:
    """An entry on the first day of a value's period, recorded when the value first was."""
    first = point["history"][0]
    return _entry(
        day=point["day"],
        kind=kind,
        record_type="measure",
        record_id=measure["id"],
        initiative_id=measure["initiative_id"],
        title=title,
        details={"measure": measure["name"], "unit": measure["unit"], **more},
        position=first["position"],
        recorded_at=first["recorded_at"],
    )


def _values(measure: dict[str, Any], values: list[dict[str, Any]]) -> list[Entry]:
    unit = f" {measure['unit']}" if measure["unit"] else ""
    return [
        _measure_entry(
            measure,
            "measure_value",
            v,
            f"{measure['name']}: {v['value']:g}{unit} ({v['period']})",
            value_id=v["value_id"],
            period=v["period"],
            value=v["value"],
            corrected=v["corrected"],
            note=v["note"],
        )
        for v in values
    ]


def analysis_of(measure: dict[str, Any], values: list[dict[str, Any]]) -> Analysis:
    """The measure's run-chart analysis, with its own rules and frozen baseline."""
    return analyse(
        [v["value"] for v in values],
        rules=RuleSet(measure["rules"]),
        baseline=measure["baseline_points"],
        better="up" if measure["direction"] == "up" else "down",
    )


def _signals(measure: dict[str, Any], values: list[dict[str, Any]]) -> list[Entry]:
    if not values:
        return []
    analysis = analysis_of(measure, values)
    found = []
    for signal in analysis.signals:
        index = _detected_at(signal.rule, signal.indexes, analysis, len(values))
        point = values[index]
        found.append(
            _measure_entry(
                measure,
                "measure_signal",
                point,
                f"{measure['name']}: {signal.rule}",
                rule=signal.rule,
                detail=signal.detail,
                period=point["period"],
                points=len(signal.indexes),
                first_period=values[signal.indexes[0]]["period"] if signal.indexes else None,
                last_period=values[signal.indexes[-1]]["period"] if signal.indexes else None,
                median=analysis.median,
            )
        )
    return found


def _detected_at(rule: str, indexes: tuple[int, ...], analysis: Analysis, count: int) -> int:
    """The point at which the pattern becomes visible (see the module docstring)."""
    if not indexes:
        return count - 1
    longest = analysis.limits.get("longest_run_max")
    needed: dict[str, int] = {"shift": SHIFT_MIN, "trend": TREND_MIN, "astronomical": 1}
    if isinstance(longest, int):
        needed["long_run"] = longest + 1
    return indexes[min(needed.get(rule, len(indexes)), len(indexes)) - 1]


def _annotations(conn: Connection, defined: list[dict[str, Any]], as_of: int | None) -> list[Entry]:
    by_id = {m["id"]: m for m in defined}
    t = measure_annotations
    query = select(t).where(t.c.measure_id.in_(sorted(by_id)))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    found = []
    for row in conn.execute(query.order_by(t.c.position)).mappings():
        measure = by_id[row["measure_id"]]
        found.append(
            _entry(
                day=row["day"],
                kind="annotation",
                record_type="measure",
                record_id=row["measure_id"],
                initiative_id=measure["initiative_id"],
                title=row["text"],
                details={
                    "annotation_id": row["annotation_id"],
                    "measure": measure["name"],
                    "text": row["text"],
                    "experiment_id": row["experiment_id"],
                },
                position=row["position"],
                recorded_at=row["recorded_at"],
            )
        )
    return found


# ---- evaluations and good practices -----------------------------------------------------


def _evaluations(conn: Connection, ids: list[str], as_of: int | None, zone: tzinfo) -> list[Entry]:
    c = evaluations.c
    query = select(evaluations).where(c.initiative_id.in_(ids))
    if as_of is not None:
        query = query.where(c.position <= as_of)
    return [
        _entry(
            day=row["evaluated_on"],
            kind="evaluation",
            record_type="initiative",
            record_id=row["initiative_id"],
            initiative_id=row["initiative_id"],
            title=f"{row['method']}: {row['recommendation']}",
            details={
                "evaluation_id": row["evaluation_id"],
                "method": row["method"],
                "recommendation": row["recommendation"],
                "lessons": row["lessons"],
                "costs_amount_eur": row["costs_amount_eur"],
            },
            position=row["position"],
            recorded_at=row["recorded_at"],
        )
        for row in conn.execute(query.order_by(c.position)).mappings()
    ]


def _good_practices(conn: Connection, ids: list[str], as_of: int | None, zone: tzinfo) -> list[Entry]:
    """Each published version of a good practice drafted from these initiatives, and each
    retraction: the moment the work was shared (or withdrawn) is part of its outcome."""
    v = good_practice_versions
    query = select(v).where(v.c.initiative_id.in_(ids))
    if as_of is not None:
        query = query.where(v.c.position <= as_of)
    rows = [dict(r) for r in conn.execute(query.order_by(v.c.position)).mappings()]
    initiative_of = {row["practice_id"]: row["initiative_id"] for row in rows}
    found = [
        _entry(
            day=_day(None, row["published_at"], zone),
            kind="good_practice",
            record_type="good_practice",
            record_id=row["practice_id"],
            initiative_id=row["initiative_id"],
            title=f"{row['name']} (v{row['version']})",
            details={"event": "published", "version": row["version"], "name": row["name"]},
            position=row["position"],
            recorded_at=row["published_at"],
        )
        for row in rows
    ]
    r = good_practice_retractions
    retractions = select(r).where(r.c.practice_id.in_(sorted(initiative_of)))
    if as_of is not None:
        retractions = retractions.where(r.c.position <= as_of)
    names = {row["practice_id"]: row["name"] for row in rows}
    found += [
        _entry(
            day=_day(None, row["retracted_at"], zone),
            kind="good_practice",
            record_type="good_practice",
            record_id=row["practice_id"],
            initiative_id=initiative_of[row["practice_id"]],
            title=f"{names[row['practice_id']]} (v{row['version']}) ✕",
            details={"event": "retracted", "version": row["version"], "reason": row["reason"]},
            position=row["position"],
            recorded_at=row["retracted_at"],
        )
        for row in conn.execute(retractions.order_by(r.c.position)).mappings()
    ]
    return found


Reader = Callable[[Connection, list[str], int | None, tzinfo], list[Entry]]

# Which reader serves which kinds; a reader is skipped when none of its kinds is wanted.
_READERS: tuple[tuple[set[str], Reader], ...] = (
    ({"lifecycle"}, _lifecycle),
    ({"experiment"}, _experiments),
    ({"check_in"}, _check_ins),
    ({"measure_value", "measure_signal", "annotation"}, _measures),
    ({"evaluation"}, _evaluations),
    ({"good_practice"}, _good_practices),
)
