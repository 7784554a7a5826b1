"""What a coordinator opens on workshop day: the programme dashboard and the digest of
what changed since the previous workshop, now or as of any log position.

Both are read from the read models, bounded by the programme's own records: its
enrolment rows, the enrolled initiatives' rows (`id IN (…)`), their experiments (by
initiative, on the partial index of current rows) and those records' history rows
(`record_id IN (…)`, on `ix_history_record`). Nothing scans the whole history or
store, so the cost does not grow with unrelated records; each call is a handful of
queries whatever the number of initiatives.

Everything returned is plain JSON-friendly data: dates and times as ISO strings.

`dashboard(...)`::

    {"as_of": int | None, "programme": {... "organisations": [{id, name}]},
     "workshops": [{id, number, day, title, kind, agenda, held, held_on, reschedule_reason,
                    check_ins: int}],
     "next_workshop": workshop | None,          # the first one not yet held
     "enrolled": int,
     "rows": [{"initiative_id", "title", "organisation": {id, name} | None, "unit_id",
               "owner_id", "status", "enrolled_on", "latest_check_in": check-in | None,
               "scores": [{workshop_id, day, score, status}],   # workshop order: the trend
               "open_experiments": [{id, title, stage}], "checked_in_for_next": bool}],
     "missing_for_next": [initiative id],
     "totals": {"by_organisation": [{organisation: {id, name} | None, initiatives, by_rag,
                                     checked_in_for_next}],
                "by_status": {status: n}, "by_rag": {green, amber, red, none}}}

`digest(...)`::

    {"as_of", "programme", "workshop", "previous_workshop": workshop | None,
     "window": {"from": first day included, "to": last day included},
     "initiatives": [{"initiative_id", "title", "organisation", "owner_id", "status",
                      "check_in": check-in for this workshop | None,
                      "counts": {kind: n}, "entries": [entry]}],   # quiet ones too
     "totals": {kind: n}}

An entry is a history row: position, version, record_type, record_id, record_title,
event_type, kind, day, recorded_at, occurred_on, actor_id, changes. Its `day` is the
back-dated `occurred_on` when given, else the local (tz) date it was recorded; the
window is (previous workshop's day, this workshop's day], or from the programme's
start for the first workshop. Kinds: status, note, check_in, edit (the initiative's);
experiment_planned, experiment_started, experiment_studied, experiment_decided,
experiment_cancelled, measure, experiment_edit (its experiments').
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from projections import organisations
from projections import programmes as model
from projections.experiments import experiments
from projections.history import history
from projections.initiatives import initiatives
from projections.tables import visible_at

OPEN_STAGES = ("planned", "started", "studied")
RAG = ("green", "amber", "red")

# The initiative's lifecycle events, as history names them.
_LIFECYCLE = {
    "Planned",
    "Started",
    "Paused",
    "Resumed",
    "EvaluationStarted",
    "Completed",
    "Spread",
    "Discontinued",
}
_EXPERIMENT_KIND = {
    "Planned": "experiment_planned",
    "Started": "experiment_started",
    "Studied": "experiment_studied",
    "Decided": "experiment_decided",
    "Cancelled": "experiment_cancelled",
    "ObservationRecorded": "measure",
}
_INITIATIVE_COLUMNS = (
    initiatives.c.id,
    initiatives.c.title,
    initiatives.c.organisation_id,
    initiatives.c.unit_id,
    initiatives.c.owner_id,
    initiatives.c.status,
)


def dashboard(
    conn: Connection, programme_id: UUID | str, as_of: int | None, tz: tzinfo | str
) -> dict[str, Any] | None:
    """The programme's dashboard as of the position (None: now); None if there is no
    such programme (then)."""
    programme = model.get(conn, programme_id, as_of)
    if programme is None:
        return None
    workshops = model.workshops(conn, programme_id, as_of)
    enrolled = model.enrolments(conn, programme_id, as_of)
    ids = [e["initiative_id"] for e in enrolled]
    people = _initiatives(conn, ids, as_of)
    counted = model.check_ins(conn, programme_id, as_of)
    open_experiments = _open_experiments(conn, ids, as_of)
    names = _organisation_names(conn, programme, people.values(), as_of)

    order = {w["id"]: n for n, w in enumerate(workshops)}
    next_workshop = next((w for w in workshops if not w["held"]), None)
    enrolled_ids = set(ids)
    per_initiative: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    per_workshop: Counter[str] = Counter()
    for check_in in counted:
        if check_in["initiative_id"] in enrolled_ids and check_in["workshop_id"] in order:
            per_initiative[check_in["initiative_id"]].append(check_in)
            per_workshop[check_in["workshop_id"]] += 1

    days = {w["id"]: w["day"] for w in workshops}
    rows = []
    for enrolment in enrolled:
        initiative_id = enrolment["initiative_id"]
        found = sorted(per_initiative[initiative_id], key=lambda c: (order[c["workshop_id"]], c["position"]))
        latest = found[-1] if found else None
        rows.append(
            {
                **_initiative(people.get(initiative_id), initiative_id, names),
                "enrolled_on": enrolment["enrolled_on"],
                "latest_check_in": _check_in(latest) if latest else None,
                "scores": [
                    {
                        "workshop_id": c["workshop_id"],
                        "day": days[c["workshop_id"]],
                        "score": c["progress_score"],
                        "status": c["status"],
                    }
                    for c in found
                ],
                "open_experiments": open_experiments.get(initiative_id, []),
                "checked_in_for_next": next_workshop is not None
                and any(c["workshop_id"] == next_workshop["id"] for c in found),
            }
        )
    rows.sort(key=_row_order)

    return {
        "as_of": as_of,
        "programme": _programme(programme, names),
        "workshops": [_workshop(w, n, per_workshop[w["id"]]) for n, w in enumerate(workshops)],
        "next_workshop": (
            _workshop(next_workshop, order[next_workshop["id"]], per_workshop[next_workshop["id"]])
            if next_workshop
            else None
        ),
        "enrolled": len(rows),
        "rows": rows,
        "missing_for_next": (
            [r["initiative_id"] for r in rows if not r["checked_in_for_next"]] if next_workshop else []
        ),
        "totals": _totals(rows),
    }


def digest(
    conn: Connection,
    programme_id: UUID | str,
    workshop_id: UUID | str,
    as_of: int | None,
    tz: tzinfo | str,
) -> dict[str, Any] | None:
    """Per enrolled initiative, everything recorded about it and its experiments whose day
    falls in the window up to this workshop; None if there is no such programme or workshop."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    programme = model.get(conn, programme_id, as_of)
    if programme is None:
        return None
    workshops = model.workshops(conn, programme_id, as_of)
    index = next((n for n, w in enumerate(workshops) if w["id"] == str(workshop_id)), None)
    if index is None:
        return None
    this = workshops[index]
    previous = workshops[index - 1] if index > 0 else None
    first = date.fromisoformat(previous["day"]) + timedelta(days=1) if previous else None
    first = first or date.fromisoformat(programme["period_start"])
    last = date.fromisoformat(this["day"])

    enrolled = model.enrolments(conn, programme_id, as_of)
    ids = [e["initiative_id"] for e in enrolled]
    people = _initiatives(conn, ids, as_of)
    names = _organisation_names(conn, programme, people.values(), as_of)
    owner_of = _experiments_of(conn, ids, as_of)
    for initiative_id in ids:
        owner_of[initiative_id] = initiative_id
    entries: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in _history(conn, set(owner_of), first, last, zone, as_of):
        entry = _entry(row, zone)
        entries[owner_of[row["record_id"]]].append(entry)
    check_ins = {
        c["initiative_id"]: c for c in model.check_ins(conn, programme_id, as_of, workshop_id=this["id"])
    }

    listed = []
    totals: Counter[str] = Counter()
    for initiative_id in ids:
        found = sorted(entries[initiative_id], key=lambda e: (e["day"], e["position"]))
        counts = Counter(e["kind"] for e in found)
        totals.update(counts)
        check_in = check_ins.get(initiative_id)
        listed.append(
            {
                **_initiative(people.get(initiative_id), initiative_id, names),
                "check_in": _check_in(check_in) if check_in else None,
                "counts": dict(sorted(counts.items())),
                "entries": found,
            }
        )
    listed.sort(key=_row_order)
    return {
        "as_of": as_of,
        "programme": _programme(programme, names),
        "workshop": _workshop(this, index, len(check_ins)),
        "previous_workshop": _workshop(previous, index - 1, None) if previous else None,
        "window": {"from": first.isoformat(), "to": last.isoformat()},
        "initiatives": listed,
        "totals": dict(sorted(totals.items())),
    }


# ---- reads ---------------------------------------------------------------------


def _initiatives(conn: Connection, ids: list[str], as_of: int | None) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    query = select(*_INITIATIVE_COLUMNS).where(initiatives.c.id.in_(ids), visible_at(initiatives, as_of))
    return {r["id"]: dict(r) for r in conn.execute(query).mappings()}


def _planned_by(ids: list[str], as_of: int | None) -> list[ColumnElement[bool]]:
    """The initiatives' experiments planned by the position. Every experiment has one current
    row and never changes initiative, so the partial index on current rows finds them all."""
    c = experiments.c
    found: list[ColumnElement[bool]] = [c.valid_to.is_(None), c.initiative_id.in_(ids)]
    if as_of is not None:
        found.append(c.created_position <= as_of)
    return found


def _experiments_of(conn: Connection, ids: list[str], as_of: int | None) -> dict[str, str]:
    """Experiment id → initiative id."""
    if not ids:
        return {}
    c = experiments.c
    query = select(c.id, c.initiative_id).where(*_planned_by(ids, as_of))
    return {r.id: r.initiative_id for r in conn.execute(query)}


def _open_experiments(conn: Connection, ids: list[str], as_of: int | None) -> dict[str, list[dict[str, Any]]]:
    if not ids:
        return {}
    c = experiments.c
    query = select(c.id, c.initiative_id, c.title, c.stage, c.created_position).where(
        c.stage.in_(OPEN_STAGES)
    )
    if as_of is None:
        query = query.where(c.valid_to.is_(None), c.initiative_id.in_(ids))
    else:
        planned = select(c.id).where(*_planned_by(ids, as_of)).scalar_subquery()
        query = query.where(c.id.in_(planned), visible_at(experiments, as_of))
    found: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(query.order_by(c.created_position)):
        found.setdefault(row.initiative_id, []).append({"id": row.id, "title": row.title, "stage": row.stage})
    return found


def _history(
    conn: Connection, record_ids: set[str], first: date, last: date, zone: tzinfo, as_of: int | None
) -> list[dict[str, Any]]:
    """History rows of these records whose day falls in [first, last]."""
    if not record_ids or first > last:
        return []
    h = history.c
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    query = select(history).where(
        h.record_id.in_(record_ids),
        or_(
            and_(
                h.occurred_on.is_not(None),
                h.occurred_on >= first.isoformat(),
                h.occurred_on <= last.isoformat(),
            ),
            and_(h.occurred_on.is_(None), h.recorded_at >= start, h.recorded_at < end),
        ),
    )
    if as_of is not None:
        query = query.where(h.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(h.position)).mappings()]


def _organisation_names(
    conn: Connection, programme: dict[str, Any], people: Iterable[dict[str, Any]], as_of: int | None
) -> dict[str, str]:
    """Names of the programme's organisations and of the initiatives' ones."""
    ids = set(programme["organisation_ids"]) | {p["organisation_id"] for p in people if p["organisation_id"]}
    return organisations.names(conn, ids, as_of)


# ---- shapes --------------------------------------------------------------------


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A read-model row as JSON-friendly data (no versioning columns, times as ISO text)."""
    return {
        k: v.isoformat() if isinstance(v, datetime) else v
        for k, v in row.items()
        if k not in ("valid_from", "valid_to", "search_text")
    }


def _programme(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    plain = _plain(row)
    plain["organisations"] = [{"id": i, "name": names.get(i)} for i in row["organisation_ids"]]
    return plain


def _workshop(row: dict[str, Any], index: int, check_ins: int | None) -> dict[str, Any]:
    plain = {k: v for k, v in _plain(row).items() if k not in ("updated_at", "created_position")}
    plain["number"] = index + 1
    if check_ins is not None:
        plain["check_ins"] = check_ins
    return plain


def _check_in(row: dict[str, Any]) -> dict[str, Any]:
    return _plain(row)


def _initiative(row: dict[str, Any] | None, initiative_id: str, names: dict[str, str]) -> dict[str, Any]:
    row = row or {"title": "", "organisation_id": None, "unit_id": None, "owner_id": None, "status": None}
    organisation_id = row["organisation_id"]
    return {
        "initiative_id": initiative_id,
        "title": row["title"],
        "organisation": {"id": organisation_id, "name": names.get(organisation_id)}
        if organisation_id
        else None,
        "unit_id": row["unit_id"],
        "owner_id": row["owner_id"],
        "status": row["status"],
    }


def _row_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """By organisation name (none last), then title."""
    organisation = row["organisation"]
    name = (organisation["name"] or organisation["id"]) if organisation else None
    return (name is None, (name or "").casefold(), row["title"].casefold(), row["initiative_id"])


def _kind(row: dict[str, Any]) -> str:
    event_type = row["event_type"]
    if row["record_type"] == "experiment":
        return _EXPERIMENT_KIND.get(event_type, "experiment_edit")
    if event_type in _LIFECYCLE:
        return "status"
    if event_type == "NoteAdded":
        return "note"
    if event_type == "CheckInRecorded":
        return "check_in"
    return "edit"


def _entry(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    recorded_at: datetime = row["recorded_at"]
    return {
        "position": row["position"],
        "version": row["version"],
        "record_type": row["record_type"],
        "record_id": row["record_id"],
        "record_title": row["record_title"],
        "event_type": row["event_type"],
        "kind": _kind(row),
        "day": row["occurred_on"] or recorded_at.astimezone(zone).date().isoformat(),
        "recorded_at": recorded_at.isoformat(),
        "occurred_on": row["occurred_on"],
        "actor_id": row["actor_id"],
        "changes": row["changes"],
    }


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_organisation: dict[str | None, dict[str, Any]] = {}
    by_status: Counter[str] = Counter()
    by_rag: Counter[str] = Counter(dict.fromkeys((*RAG, "none"), 0))
    for row in rows:
        organisation = row["organisation"]
        group = by_organisation.setdefault(
            organisation["id"] if organisation else None,
            {
                "organisation": organisation,
                "initiatives": 0,
                "by_rag": dict.fromkeys((*RAG, "none"), 0),
                "checked_in_for_next": 0,
            },
        )
        rag = row["latest_check_in"]["status"] if row["latest_check_in"] else "none"
        group["initiatives"] += 1
        group["by_rag"][rag] += 1
        group["checked_in_for_next"] += int(row["checked_in_for_next"])
        by_status[row["status"] or "unknown"] += 1
        by_rag[rag] += 1
    return {
        "by_organisation": list(by_organisation.values()),  # rows come sorted by organisation
        "by_status": dict(sorted(by_status.items())),
        "by_rag": dict(by_rag),
    }
