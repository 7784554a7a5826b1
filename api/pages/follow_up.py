"""The yearly follow-up page (KS step 7, "roll the plans every year"): the three lists of
`GET /api/follow-up` — started initiatives with no evaluation yet, completed ones whose
measures are still being recorded, and those whose latest evaluation recommended spreading
but that have no good practice yet — for a year and, optionally, one organisation, now or
as Kipinä knew it at the end of a day. Each row links to its initiative.

The lists are the JSON API's own (`present.evaluations.follow_up`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import Connection

from api.pages.forms import FormState, as_of_or_error, uuid_or_none
from api.pages.web import Page, PageDep
from present import evaluations as evaluation_views
from present import organisations as organisation_views

router = APIRouter(prefix="/follow-up", include_in_schema=False)
YEAR_MIN, YEAR_MAX = 1900, 9999


@router.get("")
def follow_up_page(
    page: PageDep,
    year: Annotated[str, Query(max_length=10)] = "",
    organisation_id: str = "",
    as_of_date: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    state = FormState(values={"year": year, "as_of_date": as_of_date})
    org_id = uuid_or_none(page, state, "organisation_id", organisation_id)
    chosen = _year(page, state, year)
    day, position = as_of_or_error(page, state, as_of_date)
    if chosen is None:
        chosen = (day or page.fmt.local_date(datetime.now(page.fmt.zone))).year
    with page.services.projector.engine.connect() as conn:
        body = evaluation_views.follow_up(conn, chosen, position, org_id if state.ok else None)
        options = _organisation_options(page, conn)
    names = dict(options)
    for section in ("not_evaluated", "still_measured", "recommended_spreading"):
        for row in body[section]:
            found = row["initiative"]["organisation_id"]
            row["organisation_name"] = names.get(found, "") if found else ""
    state.values.setdefault("year", "")
    if not state.values["year"]:
        state.values["year"] = str(chosen)
    query = {k: v for k, v in page.request.query_params.items() if k != "year"}
    return page.render(
        "follow_up/show.html",
        status=200 if state.ok else 400,
        state=state,
        body=body,
        year=chosen,
        previous_href=page.url("/follow-up", **query, year=chosen - 1) if chosen > YEAR_MIN else None,
        next_href=page.url("/follow-up", **query, year=chosen + 1) if chosen < YEAR_MAX else None,
        organisation_options=options,
        as_of_date=day,
    )


def _year(page: Page, state: FormState, raw: str) -> int | None:
    cleaned = raw.strip()
    if not cleaned:
        return None
    if cleaned.isascii() and cleaned.isdigit() and YEAR_MIN <= int(cleaned) <= YEAR_MAX:
        return int(cleaned)
    state.errors["year"] = page.gettext("Enter a year such as %(example)s.", example="2012")
    return None


def _organisation_options(page: Page, conn: Connection) -> list[tuple[str, str]]:
    return organisation_views.organisation_options(conn, page.fmt.sort_key())
