"""The initiative's outcome timeline page: one time axis with its lifecycle moves,
experiments, check-ins, measure values and signals, change points and evaluations, as the
SVG of `/api/initiatives/{id}/timeline.svg` and the same entries as a list by month.
Filter by kind (checkboxes) and period (a GET form); `?as_of_date=` shows what was known
at the end of that day.

The entries come from `api.routes.timelines.timeline_body` (the JSON API's body); only
their words are made here, in the reader's language. `entry_words` and `by_month` are
public so the programme and target timelines can word their entries the same way.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from markupsafe import Markup

from api.deps import AsOf
from api.pages.forms import FormState, as_of_or_error, date_or_none
from api.pages.web import Page, PageDep
from api.routes import timelines as timeline_bodies
from domain.errors import RecordNotFound
from domain.values import EARLIEST_DAY, LATEST_DAY
from present import labels
from present.i18n import Formatter
from projections import initiatives as initiatives_read_model
from projections.outcome_timeline import KINDS

router = APIRouter(include_in_schema=False)
InitiativeId = Annotated[UUID, Path()]
_HREF = {"initiative": "/initiatives/{}", "experiment": "/experiments/{}", "measure": "/measures/{}"}


@router.get("/initiatives/{initiative_id}/timeline")
def initiative_timeline(
    page: PageDep,
    initiative_id: InitiativeId,
    kind: Annotated[list[str] | None, Query()] = None,
    date_from: Annotated[str, Query(alias="from", max_length=40)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=40)] = "",
    as_of_date: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    state = FormState(values={"from": date_from, "to": date_to, "as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    start, end = _period(page, state, date_from, date_to)
    chosen = [k for k in KINDS if k in (kind or [])]
    if kind and len(chosen) < len(set(kind)):
        state.errors["kind"] = page.gettext("Choose one of the options in the list.")
    order = ("kind", "from", "to", "as_of_date")
    state.errors = {name: state.errors[name] for name in order if name in state.errors}
    view = AsOf(datetime.combine(day, time.max, tzinfo=page.fmt.zone) if day else None, position)
    zone = ZoneInfo(page.services.settings.timezone)
    with page.services.projector.engine.connect() as conn:
        if initiatives_read_model.get(conn, initiative_id, position) is None:
            current = initiatives_read_model.get(conn, initiative_id)
            if position is not None and current is not None:
                return page.render("evaluations/not_yet.html", status=404, initiative=current, as_of_date=day)
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        initiative = initiatives_read_model.get(conn, initiative_id, position) or {}
        body = timeline_bodies.timeline_body(
            conn,
            "initiative",
            initiative_id,
            view,
            kinds=set(chosen) or None,
            start=start,
            end=end,
            zone=zone,
        )
    for entry in body["entries"]:
        entry.update(entry_words(page, entry))
        entry["title"] = entry["words"]  # the SVG's tooltips, in the reader's words
    svg = timeline_bodies.render_svg(body, lang=page.lang, zone=zone)
    return page.render(
        "timelines/initiative.html",
        status=200 if state.ok else 400,
        initiative=initiative,
        state=state,
        kind_options=[(k, page.gettext(timeline_bodies.TIMELINE_WORDS[k])) for k in KINDS],
        chosen_kinds=set(chosen) or set(KINDS),
        timeline_svg=Markup(svg),
        months=by_month(page, body["entries"]),
        count=len(body["entries"]),
        as_of_date=day,
        live=day is None,
    )


class Reader(Protocol):
    """Whoever the words are for: a page, or an export in its language."""

    fmt: Formatter

    def gettext(self, message: str) -> str: ...


def entry_words(page: Reader, entry: dict[str, Any]) -> dict[str, Any]:
    """An entry's kind and what it says, in the reader's words, and the page it links to
    (the exports use the words too)."""
    details, kind = entry["details"], entry["kind"]
    words = entry["title"]
    if kind == "lifecycle":
        old = page.gettext(labels.STATUS[details["from"]]) if details.get("from") in labels.STATUS else "–"
        words = f"{old} → {page.gettext(labels.STATUS.get(details['to'], details['to']))}"
    elif kind == "experiment":
        stage = details.get("stage")
        words = f"{details['experiment']}: {page.gettext(labels.STAGE.get(stage, stage))}" if stage else words
        if details.get("decision") in labels.DECISION:
            words += f" ({page.gettext(labels.DECISION[details['decision']])})"
    elif kind == "check_in":
        rag = page.gettext(labels.RAG.get(details["status"], details["status"]))
        words = f"{details['workshop']}: {rag}, {page.fmt.number(details['progress_score'])}"
    elif kind == "measure_value":
        unit = f" {details['unit']}" if details["unit"] else ""
        words = f"{details['measure']}: {page.fmt.number(details['value'])}{unit} ({details['period']})"
    elif kind == "measure_signal":
        rule = page.gettext(labels.SIGNAL.get(details["rule"], details["rule"]))
        words = f"{details['measure']}: {rule} ({details['period']})"
    elif kind == "annotation":
        words = f"{details['measure']}: {details['text']}"
    elif kind == "evaluation":
        method = page.gettext(labels.METHOD.get(details["method"], details["method"]))
        recommendation = page.gettext(labels.RECOMMENDATION.get(details["recommendation"], ""))
        words = f"{method}: {recommendation}"
    href = _HREF.get(entry["record_type"], "/initiatives/{}").format(entry["record_id"])
    if kind == "evaluation":
        href = f"/initiatives/{entry['initiative_id']}/evaluations#evaluation-{details['evaluation_id']}"
    elif kind == "good_practice":  # issue 8: the version published (or retracted) then
        href = f"/good-practices/{entry['record_id']}/versions/{details['version']}"
    return {
        "words": words,
        "kind_words": page.gettext(timeline_bodies.TIMELINE_WORDS.get(kind, kind)),
        "href": href,
    }


def by_month(page: Page, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries grouped by month, in time order, each month named the reader's way."""
    months: list[dict[str, Any]] = []
    for entry in entries:
        key = entry["day"][:7]
        if not months or months[-1]["key"] != key:
            first = date.fromisoformat(f"{key}-01")
            months.append({"key": key, "name": page.fmt.date(first, "LLLL yyyy"), "entries": []})
        months[-1]["entries"].append(entry)
    return months


def _period(page: Page, state: FormState, raw_from: str, raw_to: str) -> tuple[date | None, date | None]:
    found: dict[str, date | None] = {}
    for name, raw in (("from", raw_from), ("to", raw_to)):
        day = date_or_none(page, state, name, raw)
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            state.errors[name] = page.gettext(
                "Enter a date from %(earliest)s to %(latest)s.",
                earliest=EARLIEST_DAY.isoformat(),
                latest=LATEST_DAY.isoformat(),
            )
            day = None
        found[name] = day
    start, end = found["from"], found["to"]
    if start is not None and end is not None and end < start:
        state.errors["to"] = page.gettext("The end of the period must not be before its start.")
        return start, None
    return start, end
