"""The outcome timelines of a programme and of a development target: the timelines of
their initiatives (enrolled, or linked, as of the view) on one time axis, one lane per
initiative, as the SVG of `/api/programmes/{id}/timeline.svg` (or the target's) and the
same entries as a list by month. Filter by kind and period; `?as_of_date=` shows what was
known at the end of that day.

The entries come from `present.timelines` and are worded the way the initiative's
timeline words them (`present.outcome_timeline`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Connection

from api.pages.forms import timeline_filter
from api.pages.web import Page, PageDep
from domain.errors import RecordNotFound
from present import timelines
from present.outcome_timeline import shown
from projections import development_targets as targets_read_model
from projections import programmes as programmes_read_model
from projections.outcome_timeline import KINDS

router = APIRouter(include_in_schema=False)
RecordId = Annotated[UUID, Path()]
KindQuery = Annotated[list[str] | None, Query()]
DayQuery = Annotated[str, Query(max_length=40)]


@router.get("/programmes/{programme_id}/timeline")
def programme_timeline(
    page: PageDep,
    programme_id: RecordId,
    kind: KindQuery = None,
    date_from: Annotated[str, Query(alias="from", max_length=40)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=40)] = "",
    as_of_date: DayQuery = "",
) -> Response:
    return _timeline_page(page, "programme", programme_id, kind, date_from, date_to, as_of_date)


@router.get("/targets/{target_id}/timeline")
def target_timeline(
    page: PageDep,
    target_id: RecordId,
    kind: KindQuery = None,
    date_from: Annotated[str, Query(alias="from", max_length=40)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=40)] = "",
    as_of_date: DayQuery = "",
) -> Response:
    return _timeline_page(page, "target", target_id, kind, date_from, date_to, as_of_date)


def _timeline_page(
    page: Page,
    what: str,
    record_id: UUID,
    kind: list[str] | None,
    date_from: str,
    date_to: str,
    as_of_date: str,
) -> Response:
    asked = timeline_filter(page, KINDS, kind, date_from, date_to, as_of_date)
    state, day, position, moment = asked.state, asked.day, asked.position, asked.moment
    zone = ZoneInfo(page.services.settings.timezone)
    with page.services.projector.engine.connect() as conn:
        subject = _subject(conn, what, record_id, position)
        if subject is None:
            current = _subject(conn, what, record_id, None)
            if position is not None and current is not None:
                return _not_yet(page, what, current, day, moment)
            if what == "programme":
                raise RecordNotFound("There is no programme with id {id}.", id=record_id)
            raise RecordNotFound("There is no development target with id {id}.", id=record_id)
        body = timelines.timeline(
            conn,
            what,
            record_id,
            position,
            moment,
            kinds=asked.kinds,
            start=asked.start,
            end=asked.end,
            zone=zone,
        )
    timeline = shown(body, gettext=page.gettext, fmt=page.fmt, lang=page.lang, zone=zone)
    titles = {i["id"]: i["name"] for i in body["initiatives"]}
    for entry in body["entries"]:
        entry["initiative_title"] = titles.get(entry["initiative_id"], "")
    base = f"/{'programmes' if what == 'programme' else 'targets'}/{record_id}"
    return page.render(
        "timelines/aggregate.html",
        status=200 if state.ok else 400,
        subject=subject,
        what=what,
        base=base,
        state=state,
        initiatives=body["initiatives"],
        kind_options=timeline["kind_options"],
        chosen_kinds=asked.kinds or set(KINDS),
        timeline_svg=Markup(timeline["svg"]),
        months=timeline["months"],
        count=timeline["count"],
        as_of_date=day,
    )


def _subject(conn: Connection, what: str, record_id: UUID, position: int | None) -> dict[str, Any] | None:
    """The programme or target as of the view, with a `name` either way."""
    if what == "programme":
        row = programmes_read_model.get(conn, record_id, position)
        return {**row, "name": row["name"]} if row else None
    row = targets_read_model.get(conn, record_id, position)
    return {**row, "name": row["title"]} if row else None


def _not_yet(
    page: Page, what: str, current: dict[str, Any], day: date | None, moment: datetime | None
) -> Response:
    if what == "programme":
        return page.render("programmes/not_yet.html", status=404, programme=current, as_of_moment=moment)
    return page.render("targets/not_yet.html", status=404, target=current, as_of_date=day)
