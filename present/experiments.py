"""How an experiment is shown: its row with its initiative's title, its places named and the
steps its stage allows; its observations and the initiative's learning log with the people
named; the counts per unit and month with the units named."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.errors import RecordNotFound
from domain.experiment import Stage, allowed_steps
from present import organisations as organisation_views
from present import people as people_views
from projections import experiments as read_model
from services.people_registry import ERASED_NAME, PeopleRegistry


def summaries(conn: Connection, rows: list[dict[str, Any]], as_of: int | None) -> list[dict[str, Any]]:
    """The rows with `initiative_title`, and `organisation` and `unit` as names (None where unset)."""
    places = organisation_views.place_names(conn, rows, as_of)
    titles = read_model.initiative_titles(conn, {r["initiative_id"] for r in rows}, as_of)
    return [
        {
            **organisation_views.with_places(r, places),
            "initiative_title": titles.get(r["initiative_id"], ""),
            "allowed_steps": allowed_steps(Stage(r["stage"])),
        }
        for r in rows
    ]


def observations(
    conn: Connection,
    people: PeopleRegistry,
    experiment_id: UUID,
    as_of: int | None,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The experiment's observations, oldest first, each with its author's name as `author`."""
    rows = read_model.observations(conn, experiment_id, as_of)
    return people_views.with_authors(conn, people, rows, erased=erased)


def learning_log(
    conn: Connection,
    people: PeopleRegistry,
    initiative_id: UUID,
    as_of: int | None,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """Every study and decision of the initiative's experiments, in order, with `actor` named."""
    rows = read_model.learning_log(conn, initiative_id, as_of)
    return people_views.with_authors(conn, people, rows, key="actor", erased=erased)


def stats(conn: Connection, date_from: date | None, date_to: date | None) -> list[dict[str, Any]]:
    """Counts per unit and month, each with its unit as {id, name} (None for no unit)."""
    rows = read_model.stats(conn, date_from=date_from, date_to=date_to)
    places = organisation_views.place_names(conn, rows, keys=("unit_id",))
    return [
        {**r, "unit": {"id": r["unit_id"], "name": places.get(r["unit_id"], "")} if r["unit_id"] else None}
        for r in rows
    ]


def require(
    conn: Connection, experiment_id: UUID, as_of: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The experiment's row (as of a position); missing, it is not found (as of `moment`, when given)."""
    row = read_model.get(conn, experiment_id, as_of)
    if row is None:
        if moment is not None:
            raise RecordNotFound(
                "There is no experiment with id {id} as of {moment}.",
                id=experiment_id,
                moment=moment.isoformat(),
            )
        raise RecordNotFound("There is no experiment with id {id}.", id=experiment_id)
    return row
