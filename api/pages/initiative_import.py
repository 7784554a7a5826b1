"""The initiative import page: upload a CSV file, read the report (what was recorded, and
each rejected row by its line number with every reason in the reader's language). The
same service as the JSON API and `scripts/import_initiatives.py` (`services.initiative_import`).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.pages.forms import FormState
from api.pages.web import Page, PageDep
from domain.errors import DomainError
from present import initiative_import as import_views
from services import initiative_import
from services.initiative_import import ImportReport

router = APIRouter(include_in_schema=False)


@router.get("/initiatives/import")
def import_form(page: PageDep) -> Response:
    return _render(page, FormState())


@router.post("/initiatives/import")
async def import_file(page: PageDep) -> Response:
    form = await page.form()
    state = FormState()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        state.errors["file"] = page.gettext("Choose the CSV file to import.")
        return _render(page, state, status=422)
    try:
        report = await run_in_threadpool(
            initiative_import.import_file, page.services, page.actor, upload.file
        )
    except DomainError as error:
        state.refuse(page, error, fields=("file",))
        return _render(page, state, status=422)
    return _render(page, state, report=report)


def _render(
    page: Page, state: FormState, *, report: ImportReport | None = None, status: int = 200
) -> Response:
    rejected = [
        {"line": r.line, "reasons": [import_views.page_reason(page, e) for e in r.errors]}
        for r in (report.rejected if report else [])
    ]
    return page.render(
        "initiatives/import.html",
        status=status,
        state=state,
        report=report,
        rejected=rejected,
        statuses=import_views.status_choices(page.gettext, code_first=False),
    )
