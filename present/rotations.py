"""How a job-rotation placement is shown: its row with the names of its person, mentor,
approver, units, initiative and development target, the moves its status allows, its
reflections with their authors' names, and the rotation calendar by unit and week."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.errors import RecordNotFound
from domain.rotation import Status, accepts_edits, allowed_moves
from present import people as people_views
from projections import development_targets, initiatives, organisations
from projections import rotations as read_model
from services.people_registry import ERASED_NAME, PeopleRegistry

# The columns by which a placement names where its person comes from and goes to.
PLACE_KEYS = ("home_organisation_id", "home_unit_id", "host_organisation_id", "host_unit_id")


def summaries(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    as_of: int | None,
    *,
    erased: str = ERASED_NAME,
    gone: str = "",
    initiatives_now: bool = False,
) -> list[dict[str, Any]]:
    """The rows with names resolved: `person`, `mentor` and `approver` as {id, name}; the
    home and host units and organisations as names (`gone` for one the read model does not
    know); `initiative` and `target` as {id, title}. The pages name the initiative by its
    title now (`initiatives_now`), the API by its title as of the view."""
    places = organisations.names(conn, {r[k] for r in rows for k in PLACE_KEYS}, as_of)
    person_ids = {r[k] for r in rows for k in ("person_id", "mentor_id", "approved_by") if r[k]}
    names = people_views.names(conn, people, person_ids, erased)
    initiative_ids = {r["initiative_id"] for r in rows if r["initiative_id"]}
    titles = initiatives.titles(conn, initiative_ids, None if initiatives_now else as_of)
    targets = development_targets.titles(conn, {r["target_id"] for r in rows if r["target_id"]}, as_of)

    def person(value: str | None) -> dict[str, str] | None:
        return {"id": value, "name": names[value]} if value else None

    def titled(value: str | None, found: dict[str, str]) -> dict[str, str] | None:
        return {"id": value, "title": found.get(value, gone)} if value else None

    return [
        {
            **r,
            "person": person(r["person_id"]),
            "mentor": person(r["mentor_id"]),
            "approver": person(r["approved_by"]),
            "home_unit": places.get(r["home_unit_id"], gone),
            "home_organisation": places.get(r["home_organisation_id"], gone),
            "host_unit": places.get(r["host_unit_id"], gone),
            "host_organisation": places.get(r["host_organisation_id"], gone),
            "initiative": titled(r["initiative_id"], titles),
            "target": titled(r["target_id"], targets),
            "allowed_moves": allowed_moves(Status(r["status"])),
            "accepts_edits": accepts_edits(Status(r["status"])),
        }
        for r in rows
    ]


def require(
    conn: Connection, rotation_id: UUID, as_of: int | None = None, moment: str | None = None
) -> dict[str, Any]:
    """The placement's row (as of), or RecordNotFound; `moment` (ISO) names the as-of view."""
    row = read_model.get(conn, rotation_id, as_of)
    if row is not None:
        return row
    if moment:
        raise RecordNotFound(
            "There is no rotation placement with id {id} as of {moment}.", id=rotation_id, moment=moment
        )
    raise RecordNotFound("There is no rotation placement with id {id}.", id=rotation_id)


def reflections(
    conn: Connection,
    people: PeopleRegistry,
    rotation_id: UUID,
    as_of: int | None,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The placement's reflections, oldest first, each with its author's name as `author`."""
    rows = read_model.reflections(conn, rotation_id, as_of)
    return people_views.with_authors(conn, people, rows, erased=erased)


def initiative_reflections(
    conn: Connection, people: PeopleRegistry, initiative_id: UUID, as_of: int | None
) -> list[dict[str, Any]]:
    """Reflections recorded during the placements linked to an initiative, each with its
    author, the placement's person and its home and host units as {id, name}."""
    rows = read_model.reflections_for_initiative(conn, initiative_id, as_of)
    names = people.names(conn, {r["actor_id"] for r in rows} | {r["rotation_person_id"] for r in rows})
    places = organisations.names(
        conn, {r[k] for r in rows for k in ("rotation_home_unit_id", "rotation_host_unit_id")}, as_of
    )
    return [
        {
            "id": r["reflection_id"],
            "text": r["text"],
            "occurred_on": r["occurred_on"],
            "recorded_at": r["recorded_at"],
            "author": {"id": r["actor_id"], "name": names[r["actor_id"]]},
            "rotation_id": r["rotation_id"],
            "person": {"id": r["rotation_person_id"], "name": names[r["rotation_person_id"]]},
            "home_unit": {
                "id": r["rotation_home_unit_id"],
                "name": places.get(r["rotation_home_unit_id"], ""),
            },
            "host_unit": {
                "id": r["rotation_host_unit_id"],
                "name": places.get(r["rotation_host_unit_id"], ""),
            },
        }
        for r in rows
    ]


def calendar(
    conn: Connection,
    people: PeopleRegistry,
    first: date,
    last: date,
    *,
    unit_id: UUID | None = None,
    as_of: int | None = None,
    erased: str = ERASED_NAME,
    gone: str = "",
    initiatives_now: bool = False,
) -> dict[str, Any]:
    """The rotation calendar of a window: its ISO weeks, the placements overlapping it (as
    `summaries`) and per unit the people away and hosted each week, with the unit's `name`
    (None for a unit the read model does not know)."""
    found = read_model.calendar(conn, first, last, unit_id=unit_id, as_of=as_of)
    placements = summaries(
        conn, people, found["placements"], as_of, erased=erased, gone=gone, initiatives_now=initiatives_now
    )
    names = organisations.names(conn, {u["unit_id"] for u in found["units"]}, as_of)
    return {
        "weeks": found["weeks"],
        "placements": placements,
        "units": [{**u, "name": names.get(u["unit_id"])} for u in found["units"]],
    }


def calendar_sections(found: dict[str, Any], sort_key: Callable[[str], Any]) -> list[dict[str, Any]]:
    """One section per unit of a `calendar`, sorted by name: who is away from it, who it
    hosts, and the counts per week."""
    sections = [
        {
            "unit_id": u["unit_id"],
            "name": u["unit_id"] if u["name"] is None else u["name"],
            "away": [p for p in found["placements"] if p["home_unit_id"] == u["unit_id"]],
            "hosted": [p for p in found["placements"] if p["host_unit_id"] == u["unit_id"]],
            "weeks": list(zip(found["weeks"], u["away"], u["hosted"], strict=True)),
        }
        for u in found["units"]
    ]
    return sorted(sections, key=lambda s: sort_key(s["name"]))
