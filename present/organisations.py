"""How organisations and their units are shown: their names next to the records that name them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from projections import organisations

# The columns by which a record names where it belongs.
PLACE_KEYS = ("organisation_id", "unit_id")


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
