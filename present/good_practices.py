"""How a good practice is shown: its catalogue entry with the initiative and organisation
named, its working copy with its published versions, one published version, and the
public catalogue's view of a published version.

The JSON API and the pages both read these views; each is written once here. Values are
JSON-ready (dates and times as the API writes them), so a page shows what the API answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection

from domain.errors import RecordNotFound
from domain.good_practice import PUBLIC_FIELDS, TAG_FIELDS, missing_for_publishing
from present import labels
from present.reader import Reader
from projections import good_practices as read_model
from projections import initiatives, organisations
from services.people_registry import PeopleRegistry

PersonNames = Callable[[Connection, set[str]], dict[str, str]]
# Blank lines split paragraphs (browsers send CRLF; the domain keeps what was typed).
_PARAGRAPHS = re.compile(r"\r?\n[ \t]*\r?\n")
# How much of a practice's short description a catalogue card shows.
CARD_EXCERPT = 280


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
                **{k: r[k] for k in ("id", "version", "archived", "name", "status", "development_phase")},
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


# ---- the published text, for people to read --------------------------------------------


def paragraphs(value: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPHS.split(value.strip()) if p.strip()]


def shown_fields(reader: Reader, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The public fields in the template's order, each with its label and its paragraphs
    (texts) or entries (lists); blank ones are shown as blank, not left out."""
    shown = []
    for name in PUBLIC_FIELDS:
        value = fields.get(name)
        item: dict[str, Any] = {"name": name, "label": reader.gettext(labels.PRACTICE_FIELD[name])}
        if name == "development_phase":
            item["paragraphs"] = [reader.gettext(labels.PHASE.get(str(value), str(value)))] if value else []
        elif name in TAG_FIELDS:
            item["entries"] = list(value or [])
        else:
            item["paragraphs"] = paragraphs(str(value or ""))
        shown.append(item)
    return shown


def excerpt(text: str, limit: int = CARD_EXCERPT) -> str:
    """The start of a text, cut at a word and marked as cut, for a catalogue card."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:–-") + " …"


def public_cards(reader: Reader, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Published versions as the public catalogue page lists them: the name, the
    organisation and region, an excerpt, the phase and topics, and when it was published."""
    names = organisations.names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]})
    return [
        {
            "id": r["practice_id"],
            "name": r["name"],
            "organisation": names.get(r["organisation_id"] or "", ""),
            "region": str(r["fields"].get("region") or ""),
            "excerpt": excerpt(str(r["fields"].get("short_description") or "")),
            "phase": reader.gettext(labels.PHASE[r["development_phase"]])
            if r["development_phase"] in labels.PHASE
            else "",
            "topics": list(r["fields"].get("topics") or []),
            "version": r["version"],
            "published_at": r["published_at"],
        }
        for r in rows
    ]


def public_facets(reader: Reader, conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """The public catalogue's filter options, each with how many practices it holds, in the
    reader's alphabetical order: (value, "label (count)")."""
    facets = read_model.published_facets(conn)
    key = reader.fmt.sort_key()
    names = organisations.names(conn, set(facets.organisation_ids))

    def options(counts: dict[str, int], label: Callable[[str], str]) -> list[tuple[str, str]]:
        labelled = [(value, label(value), count) for value, count in counts.items()]
        return [
            (value, f"{shown} ({reader.fmt.number(count)})")
            for value, shown, count in sorted(labelled, key=lambda o: key(o[1]))
        ]

    return {
        "topics": options(facets.topics, str),
        "target_groups": options(facets.target_groups, str),
        "organisations": options(facets.organisation_ids, lambda oid: names.get(oid, "")),
    }
