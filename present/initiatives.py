"""How an initiative is shown: its row with the names of its places, owner and team,
its goals, the moves its status allows, and its notes with their authors' names."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.errors import RecordNotFound
from domain.initiative import Status, accepts_changes, allowed_moves
from present import organisations as organisation_views
from present import people as people_views
from projections import initiatives as read_model
from services.people_registry import ERASED_NAME, PeopleRegistry

# Initiatives a list page shows at a time (and the benchmark asks the API for).
PAGE_SIZE = 25


def summaries(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    as_of: int | None,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The rows with names resolved; `organisation` and `unit` are names (None where unset)."""
    places = organisation_views.place_names(conn, rows, as_of)
    person_ids = {r["owner_id"] for r in rows if r["owner_id"]} | {p for r in rows for p in r["team"]}
    names = people_views.names(conn, people, person_ids, erased)
    return [
        {
            **organisation_views.with_places(r, places),
            "owner": {"id": r["owner_id"], "name": names[r["owner_id"]]} if r["owner_id"] else None,
            "team": [{"person": {"id": k, "name": names[k]}, "role": v} for k, v in r["team"].items()],
            "goals": [{"id": k, "text": v} for k, v in r["goals"].items()],
            "allowed_moves": allowed_moves(Status(r["status"])),
            "accepts_changes": accepts_changes(Status(r["status"])),
        }
        for r in rows
    ]


def notes(
    conn: Connection,
    people: PeopleRegistry,
    initiative_id: UUID,
    as_of: int | None,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The initiative's progress notes, oldest first, each with its author's name as `author`."""
    rows = read_model.notes(conn, initiative_id, as_of)
    return people_views.with_authors(conn, people, rows, erased=erased)


def require(
    conn: Connection, initiative_id: UUID, as_of: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The initiative's row (as of a position); missing, it is not found (as of `moment`, when given)."""
    row = read_model.get(conn, initiative_id, as_of)
    if row is None:
        if moment is not None:
            raise RecordNotFound(
                "There is no initiative with id {id} as of {moment}.",
                id=initiative_id,
                moment=moment.isoformat(),
            )
        raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
    return row
