"""How an outcome timeline is shown: the timeline of an initiative, or of a programme's
(enrolled) or a development target's (linked) initiatives, as data and as an accessible SVG.

The body holds Python values (days as dates); the JSON API turns it into its response
model, the pages and the exports word its entries (`present.outcome_timeline`) and draw
it. The query is `projections.outcome_timeline`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from domain.errors import N_, RecordNotFound
from present.drawing import timeline_svg
from present.i18n import Formatter, translations
from projections import development_targets as targets_read_model
from projections import experiments as experiments_read_model
from projections import initiatives as initiatives_read_model
from projections import outcome_timeline
from projections import programmes as programmes_read_model

# What each kind of subject is missing as: now, and as of a moment.
_MISSING = {
    "initiative": (
        N_("There is no initiative with id {id}."),
        N_("There is no initiative with id {id} as of {moment}."),
    ),
    "programme": (
        N_("There is no programme with id {id}."),
        N_("There is no programme with id {id} as of {moment}."),
    ),
    "target": (
        N_("There is no development target with id {id}."),
        N_("There is no development target with id {id} as of {moment}."),
    ),
}


def not_found(what: str, record_id: UUID, moment: datetime | None) -> RecordNotFound:
    now, then = _MISSING[what]
    if moment:
        return RecordNotFound(then, id=record_id, moment=moment.isoformat())
    return RecordNotFound(now, id=record_id)


def subject(
    conn: Connection, what: str, record_id: UUID, as_of: int | None, moment: datetime | None
) -> tuple[dict[str, str], list[str]]:
    """The subject (type, id, name) and its initiatives' ids as of `as_of`; refused when
    there is no such record then."""
    if what == "initiative":
        row = initiatives_read_model.get(conn, record_id, as_of)
        if row is None:
            raise not_found(what, record_id, moment)
        return {"type": "initiative", "id": row["id"], "name": row["title"]}, [row["id"]]
    if what == "programme":
        row = programmes_read_model.get(conn, record_id, as_of)
        if row is None:
            raise not_found(what, record_id, moment)
        ids = [e["initiative_id"] for e in programmes_read_model.enrolments(conn, record_id, as_of)]
        return {"type": "programme", "id": row["id"], "name": row["name"]}, ids
    row = targets_read_model.get(conn, record_id, as_of)
    if row is None:
        raise not_found(what, record_id, moment)
    links = targets_read_model.links_of(conn, record_id, as_of)
    ids = [link["record_id"] for link in links if link["record_type"] == "initiative"]
    return {"type": "target", "id": row["id"], "name": row["title"]}, ids


def timeline(
    conn: Connection,
    what: str,
    record_id: UUID,
    as_of: int | None,
    moment: datetime | None,
    *,
    kinds: set[str] | None,
    start: date | None,
    end: date | None,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The timeline of an initiative, or of a programme's or target's initiatives, as data."""
    shown, ids = subject(conn, what, record_id, as_of, moment)
    titles = experiments_read_model.initiative_titles(conn, set(ids), as_of)
    entries = outcome_timeline.of_initiatives(
        conn, ids, kinds=kinds, start=start, end=end, as_of=as_of, zone=zone
    )
    return {
        "subject": shown,
        "initiatives": [{"id": i, "name": titles.get(i, "")} for i in ids],
        "kinds": [k for k in outcome_timeline.KINDS if kinds is None or k in kinds],
        "date_from": start,
        "date_to": end,
        "entries": [{**e, "day": date.fromisoformat(e["day"])} for e in entries],
        "as_of": moment,
    }


# Words of the SVG (marked for `make messages`; translated where the timeline is drawn).
TIMELINE_WORDS = {
    "lifecycle": N_("Lifecycle"),
    "experiment": N_("Experiments"),
    "check_in": N_("Check-ins"),
    "measure_value": N_("Measure values"),
    "measure_signal": N_("Signals"),
    "annotation": N_("Annotations"),
    "evaluation": N_("Evaluations"),
    "good_practice": N_("Good practice"),
    "no_entries": N_("Nothing recorded in this period"),
    "legend": N_("Legend"),
}
TIMELINE_TITLE = N_("Outcome timeline: {name}")
TIMELINE_DESCRIPTION = N_("Outcome timeline of {name}: {count} entries from {first} to {last}.")


def render_svg(
    body: dict[str, Any], *, lang: str, zone: ZoneInfo, id_prefix: str | None = None, width: int = 900
) -> str:
    """The timeline (a `timeline` body) as an accessible SVG: lanes by kind for an
    initiative, by initiative for a programme or target; words in `lang`; `id_prefix` keeps
    its element ids unique where several timelines share a page; a narrower `width` makes its
    words larger where it is scaled to a page's or slide's width."""
    gettext = translations(lang).gettext
    fmt = Formatter(lang, zone)
    words = {key: gettext(word) for key, word in TIMELINE_WORDS.items()}
    entries = body["entries"]
    shown = body["subject"]
    if shown["type"] == "initiative":
        present = {e["kind"] for e in entries}
        lanes = [timeline_svg.Lane(k, words[k]) for k in body["kinds"] if k in present]
        lane_of = "kind"
    else:
        lanes = [timeline_svg.Lane(i["id"], i["name"]) for i in body["initiatives"]]
        lane_of = "initiative_id"
    markers = [
        timeline_svg.TimelineMarker(day=e["day"], kind=e["kind"], label=e["title"], lane=e[lane_of])
        for e in entries
    ]
    description = gettext(TIMELINE_DESCRIPTION).format(
        name=shown["name"],
        count=len(entries),
        first=fmt.date(entries[0]["day"], "short") if entries else "–",
        last=fmt.date(entries[-1]["day"], "short") if entries else "–",
    )
    return timeline_svg.render(
        markers,
        lanes,
        title=gettext(TIMELINE_TITLE).format(name=shown["name"]),
        description=description,
        labels=words,
        day_format=lambda day: fmt.date(day, "short"),
        month_format=lambda day: fmt.date(day, "MMM yyyy"),
        start=body["date_from"],
        end=body["date_to"],
        id_prefix=id_prefix,
        width=width,
    )
