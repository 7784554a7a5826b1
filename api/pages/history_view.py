"""History entries as a page shows them: names instead of ids, labels in the
reader's language, and one line per changed field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from api.pages import labels
from api.pages.web import Page
from projections import organisations

_PLACES = ("organisation_id", "unit_id")
_HREF = {"initiative": "/initiatives/{}", "organisation": "/organisations/{}"}


def present(page: Page, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    person_ids = {r["actor_id"] for r in rows}
    place_ids: set[str] = set()
    for row in rows:
        for change in row["changes"]:
            name = change["field"].split(".", 1)
            if name[0] in _PLACES:
                place_ids |= {v for v in (change["old"], change["new"]) if v}
            elif name[0] == "owner_id":
                person_ids |= {v for v in (change["old"], change["new"]) if v}
            elif name[0] == "team":
                person_ids.add(name[1])
    people = page.person_names(conn, person_ids)
    places = organisations.names(conn, place_ids)
    return [
        {
            **row,
            "href": _HREF.get(row["record_type"], "/").format(row["record_id"]),
            "actor": {"id": row["actor_id"], "name": people[row["actor_id"]]},
            "changes": [_change(page, c, people, places) for c in row["changes"]],
        }
        for row in rows
    ]


def _change(
    page: Page, change: dict[str, Any], people: dict[str, str], places: dict[str, str]
) -> dict[str, Any]:
    field, _, item = change["field"].partition(".")
    label = page.gettext(labels.field_label(field))
    if field == "team":
        label = f"{label}: {people[item]}"

    def shown(value: Any) -> str | None:
        if value is None:
            return None
        if field in ("status", "paused_from"):
            return page.gettext(labels.STATUS.get(value, value))
        if field == "kind":
            return page.gettext(labels.KIND.get(value, value))
        if field in _PLACES:
            return places.get(value, page.gettext("(no longer exists)"))
        if field == "owner_id":
            return people[value]
        if field == "team" and value == "":
            return page.gettext("(no role given)")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    return {"label": label, "old": shown(change["old"]), "new": shown(change["new"])}
