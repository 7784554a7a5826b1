"""The initiative's outcome timeline page: one time axis with its lifecycle moves,
experiments, check-ins, measure values and signals, change points and evaluations, as the
SVG of `/api/initiatives/{id}/timeline.svg` and the same entries as a list by month.
Filter by kind (checkboxes) and period (a GET form); `?as_of_date=` shows what was known
at the end of that day.

The entries come from `present.timelines` (as the JSON API's do), worded in the reader's
language by `present.outcome_timeline`.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from markupsafe import Markup

from api.pages.forms import timeline_filter
from api.pages.web import PageDep
from domain.errors import RecordNotFound
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
    asked = timeline_filter(page, KINDS, kind, date_from, date_to, as_of_date)
    state, day, position = asked.state, asked.day, asked.position
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
            asked.moment,
            kinds=asked.kinds,
            start=asked.start,
            end=asked.end,
            zone=zone,
        )
    timeline = shown(body, gettext=page.gettext, fmt=page.fmt, lang=page.lang, zone=zone)
    return page.render(
        "timelines/initiative.html",
        status=200 if state.ok else 400,
        initiative=initiative,
        state=state,
        kind_options=timeline["kind_options"],
        chosen_kinds=asked.kinds or set(KINDS),
        timeline_svg=Markup(timeline["svg"]),
        months=timeline["months"],
        count=timeline["count"],
        as_of_date=day,
        live=day is None,
    )
