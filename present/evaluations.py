"""How evaluations are shown: an initiative's evaluations with their author named, the
latest one and the decision hint it gives, and the yearly follow-up's three lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.evaluation import EFFECT_AREAS
from domain.initiative import Status, allowed_moves
from present import people as people_views
from projections import evaluations as read_model
from projections import good_practices
from projections import measures as measures_read_model
from services.people_registry import ERASED_NAME, PeopleRegistry

NO_GOOD_PRACTICE = "recommended spreading; no good practice recorded yet"

# Moves that follow each recommendation, in the order a person would make them.
_FOLLOWING_MOVES: dict[str, tuple[str, ...]] = {
    "continue": ("complete",),
    "spread": ("complete", "spread"),
    "adapt": ("start",),
    "stop": ("discontinue",),
}


def decision_hint(status: str, latest: dict[str, Any] | None) -> dict[str, Any] | None:
    """The latest recommendation and the next moves it points to, among those allowed now."""
    if latest is None:
        return None
    allowed = allowed_moves(Status(status))
    return {
        "status": Status(status).value,
        "recommendation": latest["recommendation"],
        "evaluation_id": latest["evaluation_id"],
        "suggested_moves": [verb for verb in _FOLLOWING_MOVES[latest["recommendation"]] if verb in allowed],
    }


def latest_of_initiative(
    conn: Connection, initiative: dict[str, Any], position: int | None
) -> dict[str, Any] | None:
    """The latest evaluation and the decision hint it gives, for the initiative page."""
    rows = read_model.of_initiative(conn, UUID(initiative["id"]), position)
    if not rows:
        return None
    return {**rows[-1], "count": len(rows), "hint": decision_hint(initiative["status"], rows[-1])}


def evaluations(
    conn: Connection,
    people: PeopleRegistry,
    initiative: dict[str, Any],
    rows: list[dict[str, Any]],
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The evaluations (rows of `projections.evaluations`) with their initiative and author named."""
    names = people_views.names(conn, people, {r["actor_id"] for r in rows}, erased)
    return [
        {
            "id": r["evaluation_id"],
            "initiative": {"id": initiative["id"], "name": initiative["title"]},
            "evaluated_on": r["evaluated_on"],
            "method": r["method"],
            "effects": {area: r["effects"][area] for area in EFFECT_AREAS},
            "costs": {"text": r["costs_text"], "amount_eur": r["costs_amount_eur"]},
            "worked": r["worked"],
            "did_not_work": r["did_not_work"],
            "lessons": r["lessons"],
            "recommendation": r["recommendation"],
            "recorded_at": r["recorded_at"],
            "author": {"id": r["actor_id"], "name": names[r["actor_id"]]},
        }
        for r in rows
    ]


# ---- the yearly follow-up ------------------------------------------------------------


def follow_up(
    conn: Connection, year: int, position: int | None, organisation_id: UUID | None
) -> dict[str, Any]:
    """The follow-up of `year`: started initiatives not evaluated yet, completed ones still
    measured, and those recommended for spreading that have no good practice."""
    missing = read_model.not_evaluated(conn, year, position, organisation_id)
    completed = read_model.initiatives_in(conn, read_model.CLOSED_WELL, position, organisation_id)
    completed = [r for r in completed if r["status"] in read_model.CLOSED_WELL]
    days = read_model.completed_on(conn, (r["id"] for r in completed), position)
    measure_rows = measures_read_model.of_initiatives(conn, (r["id"] for r in completed), position)
    values = measures_read_model.values_of(conn, (m["id"] for m in measure_rows), position)
    spreading = read_model.recommended_spreading(conn, year, position, organisation_id)
    written_up = good_practices.initiatives_with_practices(conn, (i["id"] for i, _ in spreading), position)
    return {
        "year": year,
        "organisation_id": str(organisation_id) if organisation_id else None,
        "not_evaluated": [{"initiative": _initiative_ref(r)} for r in missing],
        "still_measured": still_measured(completed, days, measure_rows, values, year),
        # An initiative with a good practice drafted from it (even an unpublished one) is being
        # written up already: it is left out.
        "recommended_spreading": [
            {
                "initiative": _initiative_ref(initiative),
                "evaluation": {
                    "id": evaluation["evaluation_id"],
                    "evaluated_on": evaluation["evaluated_on"],
                    "recommendation": evaluation["recommendation"],
                },
                "good_practice": None,
                "note": NO_GOOD_PRACTICE,
            }
            for initiative, evaluation in spreading
            if initiative["id"] not in written_up
        ],
    }


def _initiative_ref(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["title"],
        "status": row["status"],
        "organisation_id": row["organisation_id"],
    }


def still_measured(
    completed: list[dict[str, Any]],
    completed_days: dict[str, date],
    measure_rows: Iterable[dict[str, Any]],
    values_by_measure: dict[str, list[dict[str, Any]]],
    year: int,
) -> list[dict[str, Any]]:
    """Completed initiatives whose measures have values for days in `year` on or after the
    completion. Pure: it takes the measure rows and their values (projections/measures.py)."""
    year_start, year_end = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    by_initiative: dict[str, list[dict[str, Any]]] = {}
    for measure in measure_rows:
        by_initiative.setdefault(measure["initiative_id"], []).append(measure)
    found = []
    for initiative in completed:
        done = completed_days.get(initiative["id"])
        since = max(year_start, done.isoformat()) if done else year_start
        active = []
        for measure in by_initiative.get(initiative["id"], []):
            days = [
                v["day"] for v in values_by_measure.get(measure["id"], []) if since <= v["day"] <= year_end
            ]
            if days:
                active.append(
                    {
                        "id": measure["id"],
                        "name": measure["name"],
                        "values_since_completion": len(days),
                        "last_value_on": max(days),
                    }
                )
        if active:
            found.append(
                {"initiative": _initiative_ref(initiative), "completed_on": done, "measures": active}
            )
    return found
