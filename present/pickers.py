"""How a picker offers records: each option names its record and the record's organisation
("Tavoitteellinen työkierto — Hamina"), so two records of the same name in two
organisations can be told apart. Written once for the picker endpoint and the forms that
render a picker's first options themselves (without JavaScript).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection

from present.i18n import collation_key
from projections import pickers
from services.people_registry import PeopleRegistry

KINDS = ("people", "initiatives", "targets", "units")
LIMIT = 10  # options a picker shows unless asked for fewer or more
LIMIT_MAX = 25


def label(name: str, organisation: str | None) -> str:
    """What an option says: the record's name and, when it has one, its organisation."""
    return f"{name} — {organisation}" if organisation else name


def options(
    conn: Connection,
    people: PeopleRegistry,
    kind: str,
    q: str | None,
    *,
    lang: str,
    limit: int = LIMIT,
    organisation_id: str | None = None,
    person_id: str | None = None,
    chosen_id: str | None = None,
    exclude_ids: Collection[str] = (),
    exclude_status: str | None = None,
) -> list[dict[str, Any]]:
    """The options of a picker: the chosen record first (marked `chosen`, shown whatever was
    searched, so a form never loses its value), then at most `limit` matches of `q`, the
    ones most likely wanted first (`person_id`'s own, then `organisation_id`'s), each rank
    sorted the reader's way. An unknown `kind` offers nothing."""
    limit = max(1, min(limit, LIMIT_MAX))
    if kind == "initiatives" and (exclude_ids or exclude_status):
        found = pickers.initiatives_found(
            conn,
            q,
            limit=limit,
            organisation_id=organisation_id,
            person_id=person_id,
            exclude_ids=exclude_ids,
            exclude_status=exclude_status,
        )
    else:
        found = _found(conn, people, kind, q, limit, organisation_id, person_id)
    key = collation_key(lang)
    found.sort(key=lambda r: (r["rank"], key(r["name"])))
    chosen = _chosen(conn, people, kind, chosen_id) if chosen_id else None
    rows = [chosen] if chosen else []
    rows += [r for r in found if chosen is None or r["id"] != chosen["id"]]
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "organisation": r.get("organisation"),
            "label": label(r["name"], r.get("organisation")),
            "chosen": chosen is not None and r["id"] == chosen["id"],
        }
        for r in rows
    ]


def chosen_label(conn: Connection, people: PeopleRegistry, kind: str, record_id: str | None) -> str | None:
    """The label of a form's current value, or None when it names no record (now)."""
    found = _chosen(conn, people, kind, record_id) if record_id else None
    return label(found["name"], found.get("organisation")) if found else None


def _found(
    conn: Connection,
    people: PeopleRegistry,
    kind: str,
    q: str | None,
    limit: int,
    organisation_id: str | None,
    person_id: str | None,
) -> list[dict[str, Any]]:
    if kind == "initiatives":
        return pickers.initiatives_found(
            conn, q, limit=limit, organisation_id=organisation_id, person_id=person_id
        )
    if kind == "targets":
        return pickers.targets_found(conn, q, limit=limit, organisation_id=organisation_id)
    if kind == "units":
        return pickers.units_found(conn, q, limit=limit, organisation_id=organisation_id)
    if kind == "people":
        rows = people.pick(
            conn, pickers.words(q), limit=limit, first_id=person_id, organisation_id=organisation_id
        )
        return _with_organisations(conn, rows)
    return []


def _chosen(
    conn: Connection, people: PeopleRegistry, kind: str, record_id: str | None
) -> dict[str, Any] | None:
    if not record_id:
        return None
    if kind == "people":
        rows = _with_organisations(conn, people.pick(conn, [], limit=1, ids=[record_id]))
        return rows[0] if rows else None
    if kind in KINDS:
        return pickers.chosen(conn, kind, record_id)
    return None


def _with_organisations(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = pickers.organisation_names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]})
    return [{**r, "organisation": names.get(r["organisation_id"] or "")} for r in rows]
