"""The initiative's outcome timeline page: one time axis with its lifecycle moves,
experiments, check-ins, measure values and signals, change points and evaluations, as the
SVG of `/api/initiatives/{id}/timeline.svg` and the same entries as a list by month.
Filter by kind (checkboxes) and period (a GET form); `?as_of_date=` shows what was known
at the end of that day.

The entries come from `present.timelines` (as the JSON API's do), worded in the reader's
language by `present.outcome_timeline`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from markupsafe import Markup

from api.pages.forms import FormState, as_of_or_error, date_or_none
from api.pages.web import Page, PageDep
from domain.errors import RecordNotFound
from domain.values import EARLIEST_DAY, LATEST_DAY
from present import timelines
from present.outcome_timeline import shown
from projections import initiatives as initiatives_read_model
from projections.outcome_timeline import KINDS

router = APIRouter(include_in_schema=False)
InitiativeId = Annotated[UUID, Path()]


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
    moment = datetime.combine(day, time.max, tzinfo=page.fmt.zone) if day else None
    zone = ZoneInfo(page.services.settings.timezone)
    with page.services.projector.engine.connect() as conn:
        if initiatives_read_model.get(conn, initiative_id, position) is None:
            current = initiatives_read_model.get(conn, initiative_id)
            if position is not None and current is not None:
                return page.render("evaluations/not_yet.html", status=404, initiative=current, as_of_date=day)
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        initiative = initiatives_read_model.get(conn, initiative_id, position) or {}
        body = timelines.timeline(
            conn,
            "initiative",
            initiative_id,
            position,
            moment,
            kinds=set(chosen) or None,
            start=start,
            end=end,
            zone=zone,
        )
    timeline = shown(body, gettext=page.gettext, fmt=page.fmt, lang=page.lang, zone=zone)
    return page.render(
        "timelines/initiative.html",
        status=200 if state.ok else 400,
        initiative=initiative,
        state=state,
        kind_options=timeline["kind_options"],
        chosen_kinds=set(chosen) or set(KINDS),
        timeline_svg=Markup(timeline["svg"]),
        months=timeline["months"],
        count=timeline["count"],
        as_of_date=day,
        live=day is None,
    )


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
