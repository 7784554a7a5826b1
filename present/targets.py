"""How a development target is shown: its row with its organisation's name, its links with
the names of the linked records and who linked them, its yearly reviews with their authors,
and its coverage (the linked initiatives with their latest evaluation and measures, the
placements, the Change Day actions, and the "no measure" and "no activity" flags)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.development_target import RecordType
from domain.errors import RecordNotFound
from domain.initiative import Status as InitiativeStatus
from present import people as people_views
from present.reader import Reader
from projections import coverage as coverage_queries
from projections import development_targets as read_model
from projections import evaluations, initiatives, measures, organisations
from services.people_registry import ERASED_NAME, PeopleRegistry

# No activity recorded on any linked record for this long flags a target (a year: KS reviews yearly).
ACTIVITY_WINDOW = timedelta(days=365)
# What a target's summary holds: its own fields, and `organisation` as {id, name}.
SUMMARY_FIELDS = (
    "id",
    "version",
    "archived",
    "title",
    "strategy_goal",
    "strategy",
    "responsible_role",
    "period_start",
    "period_end",
    "organisation",
    "description",
    "status",
    "retired_reason",
    "links_count",
    "reviews_count",
    "created_at",
    "updated_at",
)


def summaries(conn: Connection, rows: list[dict[str, Any]], as_of: int | None) -> list[dict[str, Any]]:
    """The rows' summary fields, with their organisation as {id, name} (None where unset)."""
    names = organisations.names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]}, as_of)
    return [
        {
            **{k: r[k] for k in SUMMARY_FIELDS if k in r},
            "organisation": {"id": r["organisation_id"], "name": names.get(r["organisation_id"], "")}
            if r["organisation_id"]
            else None,
        }
        for r in rows
    ]


def require(
    conn: Connection, target_id: UUID, as_of: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The target's row (as of), or RecordNotFound; `moment` names the as-of view."""
    row = read_model.get(conn, target_id, as_of)
    if row is not None:
        return row
    if moment:
        raise RecordNotFound(
            "There is no development target with id {id} as of {moment}.",
            id=target_id,
            moment=moment.isoformat(),
        )
    raise RecordNotFound("There is no development target with id {id}.", id=target_id)


def detail(
    conn: Connection,
    people: PeopleRegistry,
    target_id: UUID,
    as_of: int | None = None,
    moment: datetime | None = None,
    *,
    erased: str = ERASED_NAME,
) -> dict[str, Any]:
    """The target's summary with its links (each with the linked record's `name` and who
    linked it), its reviews, oldest first, and the review that counts for the latest year."""
    found = summaries(conn, [require(conn, target_id, as_of, moment)], as_of)[0]
    links = read_model.links_of(conn, target_id, as_of)
    names = _link_names(conn, links, as_of)
    linkers = people_views.names(conn, people, {link["linked_by"] for link in links}, erased)
    found["links"] = [
        {
            "record_type": link["record_type"],
            "record_id": link["record_id"],
            "name": names.get(link["record_id"], ""),
            "linked_at": link["linked_at"],
            "linked_by": {"id": link["linked_by"], "name": linkers[link["linked_by"]]},
        }
        for link in links
    ]
    found["reviews"] = reviews(conn, people, target_id, as_of, erased=erased)
    found["latest_review"] = latest_review(found["reviews"])
    return found


def reviews(
    conn: Connection, people: PeopleRegistry, target_id: UUID, as_of: int | None, *, erased: str = ERASED_NAME
) -> list[dict[str, Any]]:
    """The target's yearly reviews, oldest first, corrected ones included, with their authors."""
    rows = read_model.reviews_of(conn, target_id, as_of)
    names = people_views.names(conn, people, {r["actor_id"] for r in rows}, erased)
    return [
        {
            "id": r["review_id"],
            **{k: r[k] for k in ("year", "status", "what_changed", "decision", "corrects", "corrected_by")},
            "occurred_on": r["occurred_on"],
            "recorded_at": r["recorded_at"],
            "author": {"id": r["actor_id"], "name": names[r["actor_id"]]},
        }
        for r in rows
    ]


def latest_review(found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The review that counts for the latest year reviewed (a corrected one does not count)."""
    counting = [r for r in found if r["corrected_by"] is None]
    return max(counting, key=lambda r: r["year"]) if counting else None


def coverage(
    conn: Connection,
    people: PeopleRegistry,
    target_id: UUID,
    as_of: int | None = None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    """What is linked to the target and what those records are doing, as of `moment` (now
    when None): initiatives with their status, latest evaluation and measures; placements
    with their units; Change Day actions; the latest review; when anything was last
    recorded on them; and the flags for no measure and no activity."""
    now = moment or datetime.now(UTC)
    target = summaries(conn, [require(conn, target_id, as_of, moment)], as_of)[0]
    links = read_model.links_of(conn, target_id, as_of)
    ids = _ids_by_type(links)
    linked_initiatives = coverage_queries.initiatives_by_id(conn, ids["initiative"], as_of)
    latest = evaluations.latest_of(conn, ids["initiative"], as_of)
    measure_rows = measures.of_initiatives(conn, ids["initiative"], as_of)
    placements = coverage_queries.rotations_by_id(conn, ids["rotation"], as_of)
    units = organisations.names(
        conn, {p[k] for p in placements.values() for k in ("home_unit_id", "host_unit_id")}, as_of
    )
    actions = coverage_queries.actions_by_id(conn, ids["change_action"], as_of)
    watched = [link["record_id"] for link in links] + [m["id"] for m in measure_rows]
    last_activity = coverage_queries.last_activity(conn, watched, as_of)
    return {
        "target": target,
        "initiatives": _covered_initiatives(ids["initiative"], linked_initiatives, latest, measure_rows),
        "placements": [
            {
                "id": p["id"],
                "status": p["status"],
                "starts_on": p["starts_on"],
                "ends_on": p["ends_on"],
                "home_unit": {"id": p["home_unit_id"], "name": units.get(p["home_unit_id"], "")},
                "host_unit": {"id": p["host_unit_id"], "name": units.get(p["host_unit_id"], "")},
            }
            for i in ids["rotation"]
            if (p := placements.get(i)) is not None
        ],
        "actions": [
            {"id": a["id"], "text": a["text"], "status": a["status"]}
            for i in ids["change_action"]
            if (a := actions.get(i)) is not None
        ],
        "latest_review": latest_review(reviews(conn, people, target_id, as_of)),
        "last_activity_at": last_activity,
        "flags": {
            "no_measure": not measure_rows,
            "no_activity": not links or last_activity is None or last_activity < now - ACTIVITY_WINDOW,
        },
    }


def link_choices(
    conn: Connection, reader: Reader, linked: set[str], *, limit: int
) -> dict[str, list[tuple[str, str]]]:
    """What can be linked, as (id, label) options: initiatives (not discontinued), placements
    that serve no target yet (not cancelled) and Change Day actions (not withdrawn); none
    already in `linked`; at most `limit` of each kind."""
    key = reader.fmt.sort_key()
    initiative_rows = initiatives.current_titles(
        conn, limit=limit, excluding=InitiativeStatus.DISCONTINUED.value
    )
    placements = coverage_queries.linkable_placements(conn, limit=limit)
    units = organisations.names(
        conn, {p["home_unit_id"] for p in placements} | {p["host_unit_id"] for p in placements}
    )
    people = reader.person_names(conn, {p["person_id"] for p in placements})
    return {
        "initiative": sorted((o for o in initiative_rows if o[0] not in linked), key=lambda o: key(o[1])),
        "rotation": [
            (
                p["id"],
                f"{people[p['person_id']]}: {units.get(p['home_unit_id'], '')} → "
                f"{units.get(p['host_unit_id'], '')} "
                f"({reader.fmt.date(p['starts_on'])} – {reader.fmt.date(p['ends_on'])})",
            )
            for p in placements
            if p["id"] not in linked
        ],
        "change_action": [
            (action_id, _short(words))
            for action_id, words in coverage_queries.linkable_actions(conn, limit=limit)
            if action_id not in linked
        ],
    }


def _short(words: str, limit: int = 120) -> str:
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _link_names(conn: Connection, links: list[dict[str, Any]], as_of: int | None) -> dict[str, str]:
    """Each linked record's name: an initiative's title, a placement's units, an action's text."""
    ids = _ids_by_type(links)
    found = {
        i: row["title"]
        for i, row in coverage_queries.initiatives_by_id(conn, ids["initiative"], as_of).items()
    }
    placements = coverage_queries.rotations_by_id(conn, ids["rotation"], as_of)
    units = organisations.names(
        conn, {p[k] for p in placements.values() for k in ("home_unit_id", "host_unit_id")}, as_of
    )
    for i, p in placements.items():
        found[i] = f"{units.get(p['home_unit_id'], '')} → {units.get(p['host_unit_id'], '')}"
    for i, a in coverage_queries.actions_by_id(conn, ids["change_action"], as_of).items():
        found[i] = a["text"]
    return found


def _ids_by_type(links: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Linked record ids by record type (initiative, rotation, change_action), in link order."""
    return {
        kind.value: [link["record_id"] for link in links if link["record_type"] == kind.value]
        for kind in RecordType
    }


def _covered_initiatives(
    ids: list[str],
    rows: dict[str, dict[str, Any]],
    latest: dict[str, dict[str, Any]],
    measure_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The linked initiatives in link order, each with its latest evaluation and its measures
    (rows of projections/measures.py)."""
    found = []
    for initiative_id in ids:
        row = rows.get(initiative_id)
        if row is None:
            continue
        evaluation = latest.get(initiative_id)
        found.append(
            {
                "id": initiative_id,
                "name": row["title"],
                "status": row["status"],
                "latest_evaluation": {
                    "id": evaluation["evaluation_id"],
                    "evaluated_on": evaluation["evaluated_on"],
                    "recommendation": evaluation["recommendation"],
                }
                if evaluation
                else None,
                "measures": [
                    {
                        "id": m["id"],
                        "name": m["name"],
                        "unit": m["unit"],
                        "values_count": m["values_count"],
                        "last_value_on": m["last_value_on"],
                    }
                    for m in measure_rows
                    if m["initiative_id"] == initiative_id
                ],
            }
        )
    return found
