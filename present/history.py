"""History entries as a reader sees them: names instead of ids, labels in the
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

from present import labels
from present.kinds import BY_RECORD_TYPE, href
from present.reader import Reader
from projections import organisations, record_titles
from projections.record_titles import RecordTitle

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
# Fields whose value is another record's id, shown by its title (and a link to its page).
_RECORDS = (
    "initiative_id",
    "target_id",
    "experiment_id",
    "next_cycle_id",
    "follows",
    "campaign_id",
    "programme_id",
    "measure_id",
    "evaluation",
    "inspired_by",
)
# Fields named after another record ("links.<id>"): the label names it.
_NAMED_BY_ITEM = ("initiatives", "workshops", "links", "inspired_by")
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
    # A good practice's Innokylä development phase.
    "development_phase": labels.PHASE,
}


def entries(reader: Reader, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """History rows (`projections.history`) as the reader sees them."""
    person_ids = {r["actor_id"] for r in rows}
    place_ids: set[str] = set()
    record_ids: set[str] = set()  # other records an entry names by id
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
            elif name[0] in _NAMED_BY_ITEM and len(name) > 1:
                record_ids.add(name[1].split(".", 1)[0])
            if name[0] in _RECORDS:
                record_ids |= {v for v in (change["old"], change["new"]) if isinstance(v, str) and v}
    people = reader.person_names(conn, person_ids)
    places = organisations.names(conn, place_ids)
    records = _Records(reader, record_titles.titles(conn, record_ids))
    by, happened, version = (
        reader.gettext("by %(name)s"),
        reader.gettext("happened on %(day)s"),
        reader.gettext("version %(number)s"),
    )
    translated = _Translated(reader.gettext)
    fmt = reader.fmt
    return [
        {
            **row,
            "href": href(row["record_type"], row["record_id"]),
            "actor": {"id": row["actor_id"], "name": people[row["actor_id"]]},
            "changes": [_change(reader, c, people, places, records, translated) for c in row["changes"]],
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


class _Translated(dict[str, str]):
    """`reader.gettext` of each msgid once: a history repeats a few labels many times."""

    def __init__(self, gettext: Callable[[str], str]) -> None:
        super().__init__()
        self.gettext = gettext

    def __call__(self, msgid: str) -> str:
        return self[msgid]

    def __missing__(self, msgid: str) -> str:
        self[msgid] = self.gettext(msgid)
        return self[msgid]


class _Records:
    """Other records an entry names, by their titles in the reader's words, with their pages."""

    def __init__(self, reader: Reader, found: dict[str, RecordTitle]) -> None:
        self.reader = reader
        self.found = found

    def name(self, record_id: str) -> str:
        """The record's title, or in words that it no longer exists (never its id)."""
        record = self.found.get(record_id)
        if record is None:
            return self.reader.gettext("(no longer exists)")
        if record.record_type == "evaluation":
            return self.reader.gettext("evaluation of %(day)s") % {"day": self.reader.fmt.date(record.title)}
        return record.title

    def href(self, record_id: str) -> str | None:
        record = self.found.get(record_id)
        if record is None:
            return None
        if record.record_type == "workshop":
            return f"/programmes/{record.parent_id}/workshops/{record_id}"
        if record.record_type == "evaluation":
            return f"/initiatives/{record.parent_id}/evaluations"
        kind = BY_RECORD_TYPE.get(record.record_type)
        return kind.href(record_id) if kind else None


def _change(
    reader: Reader,
    change: dict[str, Any],
    people: dict[str, str],
    places: dict[str, str],
    records: _Records,
    translated: Callable[[str], str],
) -> dict[str, Any]:
    field, _, item = change["field"].partition(".")
    label = translated(labels.field_label(field))
    about: dict[str, Any] | None = None  # the record the label names, shown as a link
    tail = ""
    if field == "team":
        label = f"{label}: {people[item]}"
    elif field == "values" and item:
        label = f"{label}: {item}"
    elif field in _NAMED_BY_ITEM and item:
        record_id, _, part = item.partition(".")
        about = {"name": records.name(record_id), "href": records.href(record_id)}
        if part:
            tail = f" · {translated(labels.field_label(part))}"
            field = part
    elif field == "reviews" and item:
        year, _, part = item.partition(".")
        field = f"review_{part}"
        label = f"{label} {year} · {translated(labels.FIELD.get(field) or labels.field_label(part))}"

    def shown(value: Any) -> str | None:
        if value is None:
            return None
        if field in ("status", "paused_from", "initiatives"):
            return reader.gettext(labels.STATUS.get(value, value))
        if field == "kind":
            return reader.gettext(labels.KIND.get(value) or labels.WORKSHOP_KIND.get(value, value))
        if field == "stage":
            return reader.gettext(labels.STAGE.get(value, value))
        if field == "decision":
            return reader.gettext(labels.DECISION.get(value, value))
        if field == "category":
            return reader.gettext(labels.CATEGORY.get(value, value))
        if field == "review_corrects":
            return reader.gettext("the earlier review of that year")
        if field in _RECORDS and isinstance(value, str):
            return records.name(value)
        if field in _CODED and isinstance(value, str):
            return reader.gettext(_CODED[field].get(value, value))
        if field == "progress_score" and isinstance(value, int | float) and float(value) in labels.PROGRESS:
            meaning = reader.gettext(labels.PROGRESS[float(value)])
            return f"{reader.fmt.number(value)} – {meaning}"
        if field in _DAYS and isinstance(value, str) and len(value) == 10:
            return reader.fmt.date(value)
        if isinstance(value, bool):
            return reader.gettext("yes") if value else reader.gettext("no")
        if field == "organisation_ids" and isinstance(value, list):
            return ", ".join(places.get(v, reader.gettext("(no longer exists)")) for v in value)
        if field in _PLACES:
            return places.get(value, reader.gettext("(no longer exists)"))
        if field in _PEOPLE:
            return people[value]
        if field == "team" and value == "":
            return reader.gettext("(no role given)")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def link(value: Any) -> str | None:
        return records.href(value) if field in _RECORDS and isinstance(value, str) else None

    head = label
    if about is not None:
        label = f"{head}: {about['name']}{tail}"
    return {
        "label": label,
        "label_head": head,
        "about": about if about and about["href"] else None,
        "label_tail": tail,
        "old": shown(change["old"]),
        "new": shown(change["new"]),
        "old_href": link(change["old"]),
        "new_href": link(change["new"]),
    }
