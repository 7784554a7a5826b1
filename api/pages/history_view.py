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

from sqlalchemy import Connection, select

from api.pages.web import Page
from present import labels
from projections import organisations
from projections.development_targets import development_targets
from projections.initiatives import initiatives
from projections.programmes import programme_workshops

_PLACES = (
    "organisation_id",
    "unit_id",
    "home_organisation_id",
    "home_unit_id",
    "host_organisation_id",
    "host_unit_id",
)
# Fields that hold a person's id, shown by name.
_PEOPLE = ("owner_id", "person_id", "mentor_id", "coordinator_id")
# Fields that hold a day (ISO text), shown in the reader's format.
_DAYS = (
    "period_start",
    "period_end",
    "day",
    "planned_start",
    "planned_end",
    "starts_on",
    "ends_on",
    "annotation_day",
    "evaluated_on",
)
# Fields whose values are codes with a label (measures and evaluations).
_CODED = {
    "direction": labels.DIRECTION,
    "frequency": labels.FREQUENCY,
    "rules": labels.RULES,
    "method": labels.METHOD,
    "recommendation": labels.RECOMMENDATION,
    "strategy": labels.STRATEGY,
    "responsible_role": labels.RESPONSIBLE_ROLE,
    "review_status": labels.REVIEW_STATUS,
    "review_decision": labels.REVIEW_DECISION,
    "links": labels.RECORD_TYPE,
    # Issue 8: a good practice's Innokylä development phase.
    "development_phase": labels.PHASE,
}
_HREF = {
    "initiative": "/initiatives/{}",
    "organisation": "/organisations/{}",
    "experiment": "/experiments/{}",
    "rotation": "/rotations/{}",
    "campaign": "/campaigns/{}",
    "change_action": "/actions/{}",
    "programme": "/programmes/{}",
    "measure": "/measures/{}",
    "development_target": "/targets/{}",
    "good_practice": "/good-practices/{}",  # issue 8
}


def present(page: Page, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    person_ids = {r["actor_id"] for r in rows}
    place_ids: set[str] = set()
    record_ids: set[str] = set()  # initiatives and workshops a programme's history names
    for row in rows:
        for change in row["changes"]:
            name = change["field"].split(".", 1)
            if name[0] in _PLACES:
                place_ids |= {v for v in (change["old"], change["new"]) if v}
            elif name[0] in _PEOPLE:
                person_ids |= {v for v in (change["old"], change["new"]) if v}
            elif name[0] == "team":
                person_ids.add(name[1])
            elif name[0] == "organisation_ids":
                place_ids |= {v for v in (*(change["old"] or []), *(change["new"] or [])) if v}
            elif name[0] in ("initiatives", "workshops", "links") and len(name) > 1:
                record_ids.add(name[1].split(".", 1)[0])
            elif name[0] == "target_id":
                record_ids |= {v for v in (change["old"], change["new"]) if v}
    people = page.person_names(conn, person_ids)
    places = organisations.names(conn, place_ids)
    places.update(_titles(conn, record_ids))
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
            "event_label": translated(
                labels.EVENT_OF.get((row["record_type"], row["event_type"]))
                or labels.EVENT.get(row["event_type"], row["event_type"])
            ),
            "by": by % {"name": people[row["actor_id"]]},
            "recorded": fmt.datetime(row["recorded_at"]),
            "happened": happened % {"day": fmt.date(row["occurred_on"])} if row["occurred_on"] else None,
            "version_label": version % {"number": row["version"]},
        }
        for row in rows
    ]


def _titles(conn: Connection, ids: set[str]) -> dict[str, str]:
    """Current titles of the initiatives, workshops and development targets a history names."""
    if not ids:
        return {}
    found: dict[str, str] = {}
    for table in (initiatives, programme_workshops, development_targets):
        rows = conn.execute(
            select(table.c.id, table.c.title).where(table.c.id.in_(ids), table.c.valid_to.is_(None))
        )
        found.update({r.id: r.title for r in rows})
    return found


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
    elif field in ("initiatives", "workshops") and item:
        record_id, _, part = item.partition(".")
        label = f"{label}: {places.get(record_id, record_id)}"
        if part:
            label = f"{label} · {translated(labels.field_label(part))}"
            field = part
    elif field == "links" and item:
        label = f"{label}: {places.get(item, item)}"
    elif field == "reviews" and item:
        year, _, part = item.partition(".")
        field = f"review_{part}"
        label = f"{label} {year} · {translated(labels.FIELD.get(field) or labels.field_label(part))}"

    def shown(value: Any) -> str | None:
        if value is None:
            return None
        if field in ("status", "paused_from", "initiatives"):
            return page.gettext(labels.STATUS.get(value, value))
        if field == "kind":
            return page.gettext(labels.KIND.get(value) or labels.WORKSHOP_KIND.get(value, value))
        if field == "stage":
            return page.gettext(labels.STAGE.get(value, value))
        if field == "decision":
            return page.gettext(labels.DECISION.get(value, value))
        if field == "category":
            return page.gettext(labels.CATEGORY.get(value, value))
        if field == "review_corrects":
            return page.gettext("the earlier review of that year")
        if field == "target_id":
            return places.get(value, page.gettext("(no longer exists)"))
        if field in _CODED and isinstance(value, str):
            return page.gettext(_CODED[field].get(value, value))
        if field == "progress_score" and isinstance(value, int | float) and float(value) in labels.PROGRESS:
            meaning = page.gettext(labels.PROGRESS[float(value)])
            return f"{page.fmt.number(value)} – {meaning}"
        if field in _DAYS and isinstance(value, str) and len(value) == 10:
            return page.fmt.date(value)
        if isinstance(value, bool):
            return page.gettext("yes") if value else page.gettext("no")
        if field == "organisation_ids" and isinstance(value, list):
            return ", ".join(places.get(v, page.gettext("(no longer exists)")) for v in value)
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
