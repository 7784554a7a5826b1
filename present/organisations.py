"""How organisations and their units are shown: their names next to the records that name
them, and as the options of the lists where a reader chooses one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from sqlalchemy import Connection

from projections import organisations

# The columns by which a record names where it belongs.
PLACE_KEYS = ("organisation_id", "unit_id")
Options = list[tuple[str, str]]
SortKey = Callable[[str], Any]


class PlaceOptions(TypedDict):
    organisation_options: Options
    unit_groups: list[tuple[str, Options]]


def place_names(
    conn: Connection,
    rows: Iterable[dict[str, Any]],
    as_of: int | None = None,
    keys: Iterable[str] = PLACE_KEYS,
) -> dict[str, str]:
    """The names of the organisations and units the rows name in `keys` (one query each)."""
    keys = tuple(keys)
    return organisations.names(conn, {r[k] for r in rows for k in keys if r.get(k)}, as_of)


def with_places(row: dict[str, Any], places: dict[str, str]) -> dict[str, Any]:
    """The row with its organisation's and unit's names (None where it names none)."""
    return {
        **row,
        "organisation": places.get(row["organisation_id"]) if row["organisation_id"] else None,
        "unit": places.get(row["unit_id"]) if row["unit_id"] else None,
    }


def organisation_options(conn: Connection, sort_key: SortKey) -> Options:
    """Every organisation as (id, name), sorted by `sort_key` (the reader's way)."""
    return place_options(conn, sort_key)["organisation_options"]


def place_options(conn: Connection, sort_key: SortKey) -> PlaceOptions:
    """Options for the organisation and unit lists: `organisation_options` as (id, name) and
    `unit_groups`, the units as (id, name) under each organisation's name, sorted by `sort_key`."""
    orgs = sorted(organisations.list_all(conn), key=lambda o: sort_key(o["name"]))
    return {
        "organisation_options": [(o["id"], o["name"]) for o in orgs],
        "unit_groups": [
            (o["name"], sorted(((u["id"], u["name"]) for u in o["units"]), key=lambda u: sort_key(u[1])))
            for o in orgs
            if o["units"]
        ],
    }
