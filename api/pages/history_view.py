"""History entries as a page shows them: names instead of ids, labels in the
reader's language, and one line per changed field.

The words of each entry are made here rather than in the template: an initiative's
page lists its whole history, and a thousand entries each calling `_()` four times
in Jinja cost more than the rest of the page. Each message is translated once per
list and filled in with plain `%`; the template escapes the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from api.pages import labels
from api.pages.web import Page
from projections import organisations

_PLACES = (
    "organisation_id",
    "unit_id",
    "home_organisation_id",
    "home_unit_id",
    "host_organisation_id",
    "host_unit_id",
)
# Fields that hold a person's id, shown by name.
_PEOPLE = ("owner_id", "person_id", "mentor_id")
_HREF = {
    "initiative": "/initiatives/{}",
    "organisation": "/organisations/{}",
    "experiment": "/experiments/{}",
    "rotation": "/rotations/{}",
    "campaign": "/campaigns/{}",
    "change_action": "/actions/{}",
}


def present(page: Page, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    person_ids = {r["actor_id"] for r in rows}
    place_ids: set[str] = set()
    for row in rows:
        for change in row["changes"]:
            name = change["field"].split(".", 1)
            if name[0] in _PLACES:
                place_ids |= {v for v in (change["old"], change["new"]) if v}
            elif name[0] in _PEOPLE:
                person_ids |= {v for v in (change["old"], change["new"]) if v}
            elif name[0] == "team":
                person_ids.add(name[1])
    people = page.person_names(conn, person_ids)
    places = organisations.names(conn, place_ids)
    by, happened, version = (
        page.gettext("by %(name)s"),
        page.gettext("happened on %(day)s"),
        page.gettext("version %(number)s"),
    )
    translated = _Translated(page.gettext)
    fmt = page.fmt
    return [
        {
            **row,
            "href": _HREF.get(row["record_type"], "/").format(row["record_id"]),
            "actor": {"id": row["actor_id"], "name": people[row["actor_id"]]},
            "changes": [_change(page, c, people, places, translated) for c in row["changes"]],
            "event_label": translated(labels.EVENT.get(row["event_type"], row["event_type"])),
            "by": by % {"name": people[row["actor_id"]]},
            "recorded": fmt.datetime(row["recorded_at"]),
            "happened": happened % {"day": fmt.date(row["occurred_on"])} if row["occurred_on"] else None,
            "version_label": version % {"number": row["version"]},
        }
        for row in rows
    ]


class _Translated(dict[str, str]):
    """`page.gettext` of each msgid once: a history repeats a few labels many times."""

    def __init__(self, gettext: Callable[[str], str]) -> None:
        super().__init__()
        self.gettext = gettext

    def __call__(self, msgid: str) -> str:
        return self[msgid]

    def __missing__(self, msgid: str) -> str:
        self[msgid] = self.gettext(msgid)
        return self[msgid]


def _change(
    page: Page,
    change: dict[str, Any],
    people: dict[str, str],
    places: dict[str, str],
    translated: Callable[[str], str],
) -> dict[str, Any]:
    field, _, item = change["field"].partition(".")
    label = translated(labels.field_label(field))
    if field == "team":
        label = f"{label}: {people[item]}"
    elif field == "values" and item:
        label = f"{label}: {item}"

    def shown(value: Any) -> str | None:
        if value is None:
            return None
        if field in ("status", "paused_from"):
            return page.gettext(labels.STATUS.get(value, value))
        if field == "kind":
            return page.gettext(labels.KIND.get(value, value))
        if field == "stage":
            return page.gettext(labels.STAGE.get(value, value))
        if field == "decision":
            return page.gettext(labels.DECISION.get(value, value))
        if field == "category":
            return page.gettext(labels.CATEGORY.get(value, value))
        if field in _PLACES:
            return places.get(value, page.gettext("(no longer exists)"))
        if field in _PEOPLE:
            return people[value]
        if field == "team" and value == "":
            return page.gettext("(no role given)")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    return {"label": label, "old": shown(change["old"]), "new": shown(change["new"])}
