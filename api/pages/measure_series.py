"""The measure's paste page: a series of values pasted from a spreadsheet or uploaded as a
CSV file, checked line by line in a preview, then recorded on confirm.

The rule (the same as the JSON API's `POST /api/measures/{id}/values/bulk`, through
`services.measure_series`): valid lines are recorded together, each rejected line is
reported with its number and reasons and records nothing. The confirm step sends back the
measure's version it was checked against: if the measure changed meanwhile, the lines are
checked again and shown, and nothing is recorded.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from markupsafe import Markup
from starlette.datastructures import UploadFile

from api.pages.forms import FormState
from api.pages.web import Page, PageDep, text
from domain.errors import DomainError, RecordNotFound, StaleVersion
from domain.measure_series import SERIES_CHARS_MAX, SERIES_LINES_MAX, LineResult
from present import measure_series as series_views
from present import measures as measure_views
from services.measure_series import SeriesReport, check_series, record_series, uploaded_text

router = APIRouter(include_in_schema=False)
MeasureId = Annotated[UUID, Path()]
PERIOD_EXAMPLE = {
    "daily": "2019-03-14",
    "weekly": "2019-W12",
    "monthly": "2019-03",
    "quarterly": "2019-Q1",
    "yearly": "2019",
    "irregular": "2019-03-14",
}


@router.get("/measures/{measure_id}/values/bulk")
def bulk_form(page: PageDep, measure_id: MeasureId) -> Response:
    return _render(page, measure_id, FormState(values={"lines": ""}))


@router.post("/measures/{measure_id}/values/bulk")
async def bulk(page: PageDep, measure_id: MeasureId) -> Response:
    form = await page.form()
    state = FormState(values={"lines": text(form, "lines")})
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            state.values["lines"] = await run_in_threadpool(uploaded_text, upload.file)
        except DomainError as error:
            state.refuse(page, error, fields=("file",))
            return _render(page, measure_id, state, status=422)
    series = state.values["lines"]
    try:
        if text(form, "step") != "record":
            return _render(page, measure_id, state, report=check_series(page.services, measure_id, series))
        try:
            report = record_series(page.services, page.context(form, with_version=True), measure_id, series)
        except StaleVersion:
            state.problem = page.gettext(
                "Someone changed this measure after you checked the lines. They are checked again "
                "below; record them if they are still right."
            )
            return _render(page, measure_id, state, report=check_series(page.services, measure_id, series))
    except RecordNotFound:
        raise
    except DomainError as error:
        state.refuse(page, error, fields=("lines",))
        return _render(page, measure_id, state, status=422)
    return _render(page, measure_id, state, report=report, done=True)


def _render(
    page: Page,
    measure_id: UUID,
    state: FormState,
    *,
    report: SeriesReport | None = None,
    done: bool = False,
    status: int = 200,
) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        measure = measure_views.measure(conn, measure_id)
        chart = measure_views.chart(conn, page.services.people, measure_id, None, None) if done else None
    context: dict[str, Any] = {}
    if report is not None:
        context = {
            "rows": series_views.line_rows(report, page.fmt, page.gettext, page.error_text),
            "counts": {result.value: report.count(result) for result in LineResult},
            "version": report.version,
        }
    svg = ""
    if chart is not None:
        zone = ZoneInfo(page.services.settings.timezone)
        svg = measure_views.chart_svg(chart, lang=page.lang, zone=zone)
    return page.render(
        "measures/bulk.html",
        status=status,
        state=state,
        measure=measure,
        report=report,
        done=done,
        chart_svg=Markup(svg),
        limits={"lines": SERIES_LINES_MAX, "chars": SERIES_CHARS_MAX},
        period_example=PERIOD_EXAMPLE.get(measure["frequency"], "2019-03-14"),
        **context,
    )
