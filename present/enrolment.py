"""How the enrol page lists what a programme can take: each initiative with its
organisation's name beside it and whether it is already enrolled, found by words in its
title or its organisation's name and by organisation, sorted the reader's way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from projections import organisations
from projections import programmes as read_model

SortKey = Callable[[str], Any]


@dataclass(frozen=True)
class Checklist:
    """The initiatives shown (`rows`), the organisations they can be filtered by, and how
    many the programme could take before the filter."""

    rows: list[dict[str, Any]]
    organisations: list[tuple[str, str]]
    total: int


def checklist(
    conn: Connection,
    programme: dict[str, Any],
    limit: int,
    *,
    words: str,
    organisation_id: str,
    no_organisation: str,
    sort_key: SortKey,
) -> Checklist:
    """Initiatives of the participating organisations (any, when the programme lists none)
    and those without one; not discontinued ones; those not enrolled yet first. Each row:
    `id`, `title`, `organisation` (its name, or `no_organisation`), `organisation_id`,
    `enrolled`."""
    enrolled = {str(e["initiative_id"]) for e in read_model.enrolments(conn, UUID(str(programme["id"])))}
    org_ids = [str(o) for o in programme.get("organisation_ids") or []]
    found = read_model.enrolment_candidates(conn, org_ids, limit)
    places = organisations.names(conn, {r["organisation_id"] for r in found if r["organisation_id"]})
    rows = [
        {
            "id": r["id"],
            "title": r["title"],
            "organisation_id": r["organisation_id"] or "",
            "organisation": places.get(r["organisation_id"], no_organisation)
            if r["organisation_id"]
            else no_organisation,
            "enrolled": r["id"] in enrolled,
        }
        for r in found
    ]
    choices = sorted(
        {(r["organisation_id"], r["organisation"]) for r in rows if r["organisation_id"]},
        key=lambda o: sort_key(o[1]),
    )
    wanted = words.casefold().split()
    shown = [
        r
        for r in rows
        if (not organisation_id or r["organisation_id"] == organisation_id)
        and all(w in f"{r['title']} {r['organisation']}".casefold() for w in wanted)
    ]
    # Those still to enrol first; the enrolled after them, for reference.
    shown.sort(key=lambda r: (r["enrolled"], sort_key(r["organisation"]), sort_key(r["title"])))
    return Checklist(shown, choices, len(rows))
