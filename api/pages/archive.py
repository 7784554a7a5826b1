"""Archive and restore pages, the same for every kind of record (`present.kinds.KINDS`).

GET <record>/archive asks for the reason; POST archives and goes back to the record, whose
page then shows the "Archived" banner with Restore (base.html, `present.archive`); POST
<record>/restore brings it back. A refusal shows the form again with the sentence.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.forms import FormState, submit
from api.pages.web import Page, PageDep, text
from domain.archive import REASON_MAX
from domain.errors import RecordNotFound
from present import archive as archive_views
from present.kinds import KINDS, RecordKind
from projections import history

router = APIRouter(include_in_schema=False)


def _record(page: Page, kind: RecordKind, record_id: UUID) -> tuple[str, dict[str, Any]]:
    """The record's title (as its history names it) and its archived state; 404 if not there."""
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        rows = history.of_record(conn, record_id)
        found = archive_views.state(conn, kind, record_id)
    if not rows or rows[0]["record_type"] != kind.record_type or found is None:
        raise RecordNotFound(kind.aggregate.NOT_FOUND, id=record_id)  # type: ignore[attr-defined]
    return rows[-1]["record_title"], found


def _form(page: Page, kind: RecordKind, record_id: UUID, state: FormState, *, status: int = 200) -> Response:
    title, found = _record(page, kind, record_id)
    return page.render(
        "archive/form.html",
        status=status,
        state=state,
        title=title,
        archived=found["archived"],
        record_href=kind.href(record_id),
        reason_max=REASON_MAX,
    )


def _add_pages(kind: RecordKind) -> None:
    aggregate: Any = kind.aggregate

    def archive_form(page: PageDep, record_id: UUID) -> Response:
        _title, found = _record(page, kind, record_id)
        state = FormState(values={"version": str(found["version"])})
        if found["archived"]:
            state.problem = page.gettext("This record is already archived.")
        return _form(page, kind, record_id, state)

    async def archive(page: PageDep, record_id: UUID) -> Response:
        form = await page.form()
        state = FormState(values={"reason": text(form, "reason"), "version": text(form, "version")})
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.archive(ctx, aggregate, record_id, reason=state.values["reason"]),
            page.context(form, with_version=True),
            fields=("reason",),
            stale=page.gettext("Someone changed this record meanwhile. Check it, then archive it again."),
        )
        if receipt is not None:
            return page.redirect(kind.href(record_id), flash="archived")
        state.values["version"] = str(_record(page, kind, record_id)[1]["version"])
        return _form(page, kind, record_id, state, status=409 if state.problem else 422)

    async def restore(page: PageDep, record_id: UUID) -> Response:
        form = await page.form()
        state = FormState(values={"version": text(form, "version")})
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.restore(ctx, aggregate, record_id),
            page.context(form, with_version=True),
            stale=page.gettext("Someone changed this record meanwhile. Check it, then restore it again."),
        )
        if receipt is not None:
            return page.redirect(kind.href(record_id), flash="restored")
        return _form(page, kind, record_id, state, status=409)

    for endpoint, method, verb in (
        (archive_form, "GET", "archive"),
        (archive, "POST", "archive"),
        (restore, "POST", "restore"),
    ):
        endpoint.__name__ = f"{endpoint.__name__}_{kind.record_type}_page"
        router.add_api_route(f"{kind.path}/{{record_id}}/{verb}", endpoint, methods=[method])


for _kind in KINDS:
    _add_pages(_kind)
