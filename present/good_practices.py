"""How a good practice is shown: its catalogue entry with the initiative and organisation
named, its working copy with its published versions, one published version, and the
public catalogue's view of a published version.

The JSON API and the pages both read these views; each is written once here. Values are
JSON-ready (dates and times as the API writes them), so a page shows what the API answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection

from domain.errors import RecordNotFound
from domain.good_practice import missing_for_publishing
from projections import good_practices as read_model
from projections import initiatives, organisations
from services.people_registry import PeopleRegistry

PersonNames = Callable[[Connection, set[str]], dict[str, str]]


def require(
    conn: Connection, practice_id: UUID, position: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The practice's read-model row, as of `position`; missing is a domain error."""
    row = read_model.get(conn, practice_id, position)
    if row is None:
        if moment:
            raise RecordNotFound(
                "There is no good practice with id {id} as of {moment}.",
                id=practice_id,
                moment=moment.isoformat(),
            )
        raise RecordNotFound("There is no good practice with id {id}.", id=practice_id)
    return row


def _ref(record_id: str, names: dict[str, str]) -> dict[str, str]:
    return {"id": record_id, "name": names.get(record_id, "")}


def summaries(conn: Connection, rows: list[dict[str, Any]], as_of: int | None) -> list[dict[str, Any]]:
    """The practices' rows with the names of their initiative and organisation resolved."""
    titles = initiatives.titles(conn, {r["initiative_id"] for r in rows}, as_of)
    names = organisations.names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]}, as_of)
    return [
        to_jsonable_python(
            {
                **{k: r[k] for k in ("id", "version", "name", "status", "development_phase")},
                "initiative": _ref(r["initiative_id"], titles),
                "organisation": _ref(r["organisation_id"], names) if r["organisation_id"] else None,
                "published_version": r["published_version"] or None,
                "has_unpublished_changes": read_model.has_unpublished_changes(r),
                "created_at": r["created_at"],
                "updated_at": r["updated_at"],
            }
        )
        for r in rows
    ]


def of_initiative(conn: Connection, initiative_id: UUID, position: int | None) -> list[dict[str, Any]]:
    """The initiative's practices for its page: name, status and newest published version."""
    return summaries(conn, read_model.of_initiative(conn, initiative_id, position), position)


def version(row: dict[str, Any], names: dict[str, str], *, with_fields: bool) -> dict[str, Any]:
    """A published version: who published it, what it was based on, its retraction; with
    `with_fields`, also the Innokylä fields as published and its links."""
    retraction = row["retraction"]
    summary = {
        "version": row["version"],
        "name": row["name"],
        "published_at": row["published_at"],
        "published_by": {"id": row["published_by"], "name": names[row["published_by"]]},
        "source": {
            "initiative_id": row["initiative_id"],
            "initiative_version": row["source_version"],
            "position": row["source_position"],
        },
        "retraction": {
            "reason": retraction["reason"],
            "retracted_at": retraction["retracted_at"],
            "position": retraction["position"],
        }
        if retraction
        else None,
    }
    if not with_fields:
        return dict(to_jsonable_python(summary))
    base = f"/api/good-practices/{row['practice_id']}"
    links = {
        "practice": base,
        # A retracted version is not exported (409), so it has no export link.
        **(
            {"export": f"{base}/export.pdf?version={row['version']}&position={row['position']}"}
            if retraction is None
            else {}
        ),
        "timeline": f"/api/initiatives/{row['initiative_id']}/timeline",
    }
    return dict(
        to_jsonable_python(
            {**summary, "practice_id": row["practice_id"], "fields": row["fields"], "links": links}
        )
    )


def versions(
    conn: Connection, people: PeopleRegistry, practice_id: UUID, as_of: int | None
) -> list[dict[str, Any]]:
    """Its published versions, oldest first, without their fields."""
    rows = read_model.versions(conn, practice_id, as_of)
    names = people.names(conn, {r["published_by"] for r in rows})
    return [version(r, names, with_fields=False) for r in rows]


def named_versions(conn: Connection, person_names: PersonNames, practice_id: UUID) -> list[dict[str, Any]]:
    """Every published version's row, oldest first, with who published and who retracted
    it named by `person_names` (the reader's way of naming an erased person)."""
    rows = read_model.versions(conn, practice_id)
    people = person_names(
        conn,
        {r["published_by"] for r in rows}
        | {r["retraction"]["retracted_by"] for r in rows if r["retraction"]},
    )
    return [
        {
            **r,
            "published_by_name": people[r["published_by"]],
            "retracted_by_name": people[r["retraction"]["retracted_by"]] if r["retraction"] else None,
        }
        for r in rows
    ]


def practice(
    conn: Connection,
    people: PeopleRegistry,
    practice_id: UUID,
    position: int | None = None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    """The practice with its working copy, what publishing still needs, its versions and
    links, as of `position` (`moment` is the time the reader asked for)."""
    row = require(conn, practice_id, position, moment)
    body = summaries(conn, [row], position)[0]
    base = f"/api/good-practices/{practice_id}"
    body.update(
        fields=row["fields"],
        missing_for_publishing=missing_for_publishing(row["fields"]),
        retracted_reason=row["retracted_reason"],
        versions=versions(conn, people, practice_id, position),
        links={
            "initiative": f"/api/initiatives/{row['initiative_id']}",
            "timeline": f"/api/initiatives/{row['initiative_id']}/timeline",
            "history": f"{base}/history",
            **(
                {"export": f"{base}/export.pdf"}
                if row["published_version"] and not row["retracted_reason"]
                else {}
            ),
        },
        as_of=moment.isoformat() if moment else None,
    )
    return body


def public(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Published versions as the public sees them: no drafts, no notes, no people."""
    names = organisations.names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]})
    return [
        to_jsonable_python(
            {
                "id": r["practice_id"],
                "version": r["version"],
                "published_at": r["published_at"],
                "organisation": names.get(r["organisation_id"] or "", ""),
                "fields": r["fields"],
                "links": {
                    "self": f"/api/public/good-practices/{r['practice_id']}",
                    "export": f"/api/public/good-practices/{r['practice_id']}/export.html",
                },
            }
        )
        for r in rows
    ]
