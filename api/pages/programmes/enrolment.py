"""Enrolling many initiatives at once: a checklist of the initiatives a programme can take,
each with its organisation beside it and those already enrolled shown as such, found by
words and by organisation, with "select all shown" and one submit.

The submit is one command, all or none (`Kipina.enrol_initiatives`): if any chosen
initiative cannot be enrolled, nothing is, the page says so at the top, and each refused
one carries its sentence in the list, still ticked. Without JavaScript the filter is a GET
form and "select all shown" a POST that shows the list again with the shown ones ticked;
`enrol.js` does both in place. (A back-dated enrolment is the dashboard's one-at-a-time form
or the API's `occurred_on`: a date field here would make Enter press "select all shown".)
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.pages.forms import FormState
from api.pages.web import Page, PageDep, text, texts
from domain.errors import DomainError, InvalidFields
from domain.programme import ProgrammeStatus
from present import enrolment
from present import programmes as programme_views

router = APIRouter(prefix="/programmes", include_in_schema=False)
ProgrammeId = Annotated[UUID, Path()]
CHOICES_MAX = 1000  # initiatives offered on the page


@router.get("/{programme_id}/enrol")
def enrol_page(
    page: PageDep,
    programme_id: ProgrammeId,
    q: Annotated[str, Query(max_length=200)] = "",
    organisation_id: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    state = FormState(values={"q": q, "organisation_id": organisation_id, "initiative_ids": []})
    return _render(page, programme_id, state)


@router.post("/{programme_id}/enrol")
async def enrol(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    chosen = [v.strip() for v in texts(form, "initiative_ids") if v.strip()]
    state = FormState(
        values={
            "q": text(form, "q")[:200],
            "organisation_id": text(form, "organisation_id")[:40],
            "initiative_ids": chosen,
        }
    )
    if text(form, "action") == "select_all":
        return _render(page, programme_id, state, select_shown=True)
    ids: list[UUID] = []
    for raw in chosen:
        try:
            ids.append(UUID(raw))
        except ValueError:
            state.errors["initiative_ids"] = page.gettext("Choose one of the options in the list.")
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.enrol_initiatives(ctx, programme_id, initiative_ids=ids),
                page.context(form),
            )
        except InvalidFields as refusal:
            _place(page, state, refusal, chosen)
        except DomainError as error:
            state.refuse(page, error, fields=("initiative_ids",))
        else:
            return page.redirect(f"/programmes/{programme_id}", flash="initiatives_enrolled")
    return _render(page, programme_id, state, status=422)


def _place(page: Page, state: FormState, refusal: InvalidFields, chosen: list[str]) -> None:
    """The refusal's summary at the top; each refused initiative's sentence by its box."""
    for error in refusal.errors:
        message = page.error_text(error.message, error.params)
        index = error.field.removeprefix("initiative_ids.")
        if index.isdigit() and int(index) < len(chosen):
            state.errors.setdefault(f"initiative-{chosen[int(index)]}", message)
        else:
            state.problem = message


def _render(
    page: Page, programme_id: UUID, state: FormState, *, status: int = 200, select_shown: bool = False
) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme = programme_views.require(conn, programme_id)
        found = enrolment.checklist(
            conn,
            programme,
            CHOICES_MAX,
            words=state.values["q"],
            organisation_id=state.values["organisation_id"],
            no_organisation=page.gettext("No organisation"),
            sort_key=page.fmt.sort_key(),
        )
    ticked = set(state.values["initiative_ids"])
    if select_shown:
        ticked |= {r["id"] for r in found.rows if not r["enrolled"]}
    row_errors = [
        (k.removeprefix("initiative-"), m) for k, m in state.errors.items() if k.startswith("initiative-")
    ]
    return page.render(
        "programmes/enrol.html",
        status=status,
        programme=programme,
        state=state,
        rows=found.rows,
        organisation_options=found.organisations,
        total=found.total,
        ticked=ticked,
        # Ticked ones the filter hides are still sent, so the reader sees how many are chosen.
        hidden_ticked=sorted(ticked - {r["id"] for r in found.rows}),
        row_errors=row_errors,
        shown_ids={r["id"] for r in found.rows},
        open=programme["status"] == ProgrammeStatus.OPEN,
        enrolled_count=sum(1 for r in found.rows if r["enrolled"]),
        filtered=bool(state.values["q"] or state.values["organisation_id"]),
    )
