"""The check-in sheet of a workshop: every enrolled initiative's form on one page, each
saved on its own, with htmx or without. A saved form moves on to the next initiative's;
a refused one shows again with the reader's input and the domain's sentence next to the
field it names (422). An htmx save answers with that one initiative's form only: saved,
or with its errors.

"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import Response
from sqlalchemy import Connection

from api.pages.forms import FormState, date_or_none, submit
from api.pages.web import Page, PageDep, text
from domain.check_in import PROGRESS_SCALE, TEXT_MAX, Rag, clean_check_in
from domain.errors import InvalidField, RecordNotFound
from domain.programme import ProgrammeStatus
from present import labels
from present import programmes as programme_views
from projections import initiatives as initiatives_read_model

router = APIRouter(prefix="/programmes", include_in_schema=False)
ProgrammeId = Annotated[UUID, Path()]
WorkshopId = Annotated[UUID, Path()]
InitiativeId = Annotated[UUID, Path()]
CHECK_IN_FIELDS = ("status", "progress_score", "done", "next_steps", "help_needed")
# A valid check-in, to ask the domain about one field at a time.
_VALID_CHECK_IN: dict[str, Any] = {
    "status": Rag.GREEN.value,
    "progress_score": 1.0,
    "done": "",
    "next_steps": "",
    "help_needed": "",
}


def _sheet_rows(page: Page, conn: Connection, programme_id: UUID, workshop_id: UUID) -> list[dict[str, Any]]:
    return programme_views.sheet_rows(
        conn,
        page.services.people,
        programme_id,
        workshop_id,
        page.fmt.zone,
        page.fmt.sort_key(),
        erased=page.erased,
    )


@router.get("/{programme_id}/workshops/{workshop_id}/check-ins")
def sheet(page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId) -> Response:
    return _render_sheet(page, programme_id, workshop_id, {})


@router.post("/{programme_id}/workshops/{workshop_id}/check-ins/{initiative_id}")
async def check_in(
    page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId, initiative_id: InitiativeId
) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in (*CHECK_IN_FIELDS, "occurred_on")})
    score = _score_or_none(page, state, state.values["progress_score"])
    occurred_on = date_or_none(page, state, "occurred_on", state.values["occurred_on"])
    values = {
        "status": state.values["status"],
        "progress_score": score,
        **{name: state.values[name] for name in ("done", "next_steps", "help_needed")},
    }
    for name in CHECK_IN_FIELDS:
        if name in state.errors:
            continue
        if name == "status" and not values["status"]:
            state.errors["status"] = page.gettext("Choose green, amber or red.")
            continue
        if name == "progress_score" and score is None:
            state.errors["progress_score"] = page.gettext("Choose a step of the progress scale.")
            continue
        try:
            clean_check_in(**{**_VALID_CHECK_IN, name: values[name]})
        except InvalidField as error:
            state.refuse(page, error)
    saved = False
    if state.ok and score is not None:
        ctx = page.context(form)
        check_in_id = page.services.app.new_id(ctx)
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.record_check_in(
                ctx,
                initiative_id,
                check_in_id=check_in_id,
                programme_id=programme_id,
                workshop_id=workshop_id,
                status=values["status"],
                progress_score=score,
                done=values["done"],
                next_steps=values["next_steps"],
                help_needed=values["help_needed"],
                occurred_on=occurred_on,
            ),
            ctx,
            fields=(*CHECK_IN_FIELDS, "occurred_on"),
        )
        saved = receipt is not None
    if not page.is_htmx:
        if saved:
            with page.services.projector.engine.connect() as conn:
                order = [r["initiative_id"] for r in _sheet_rows(page, conn, programme_id, workshop_id)]
            following = _after(order, str(initiative_id))
            anchor = f"#check-in-{following}" if following else "#sheet-end"
            return page.redirect(
                f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins{anchor}",
                flash="check_in_saved",
            )
        return _render_sheet(page, programme_id, workshop_id, {str(initiative_id): state}, status=422)
    return _render_sheet_item(page, programme_id, workshop_id, initiative_id, state, saved=saved)


def _score_or_none(page: Page, state: FormState, raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        state.errors["progress_score"] = page.gettext("Choose a step of the progress scale.")
        return None


def _after(order: list[str], current: str) -> str | None:
    """The initiative after `current` on the sheet (None after the last one)."""
    if current in order:
        index = order.index(current)
        return order[index + 1] if index + 1 < len(order) else None
    return order[0] if order else None


def _render_sheet(
    page: Page,
    programme_id: UUID,
    workshop_id: UUID,
    states: dict[str, FormState],
    *,
    status: int = 200,
) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme, workshop = programme_views.require_workshop(conn, programme_id, workshop_id)
        rows = _sheet_rows(page, conn, programme_id, workshop_id)
    items = [
        {
            **row,
            "state": states.get(row["initiative_id"]) or FormState(values=_check_in_values(row["current"])),
        }
        for row in rows
    ]
    # A refusal for an initiative no longer on the sheet (withdrawn meanwhile) shows at the top.
    shown = {row["initiative_id"] for row in rows}
    elsewhere = FormState()
    for initiative_id, state in states.items():
        if initiative_id not in shown:
            elsewhere.problem = state.problem or next(iter(state.errors.values()), None)
    return page.render(
        "programmes/check_ins.html",
        status=status,
        programme=programme,
        workshop=workshop,
        items=items,
        checked_in=sum(1 for row in rows if row["current"]),
        open=programme["status"] == ProgrammeStatus.OPEN,
        problem_state=elsewhere,
        **_scale(page),
    )


def _render_sheet_item(
    page: Page,
    programme_id: UUID,
    workshop_id: UUID,
    initiative_id: UUID,
    state: FormState,
    *,
    saved: bool,
) -> Response:
    """One initiative's form on the sheet, for htmx to swap in: saved, or with its errors."""
    with page.services.projector.engine.connect() as conn:
        programme, workshop = programme_views.require_workshop(conn, programme_id, workshop_id)
        rows = _sheet_rows(page, conn, programme_id, workshop_id)
        row = next((r for r in rows if r["initiative_id"] == str(initiative_id)), None)
        if row is None:  # withdrawn meanwhile: its section says why, without a form
            initiative = initiatives_read_model.get(conn, initiative_id)
            if initiative is None:
                raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
            row = {"initiative_id": str(initiative_id), "title": initiative["title"], "gone": True}
            row.update(organisation=None, owner=None, previous=None, current=None)
    following = _after([r["initiative_id"] for r in rows], row["initiative_id"])
    item = {**row, "state": FormState(values=_check_in_values(row["current"])) if saved else state}
    return page.render(
        "programmes/check_in_item.html",
        status=200 if saved else 422,
        programme=programme,
        workshop=workshop,
        item=item,
        saved=saved,
        focus_next=f"check-in-{following}" if saved and following else "",
        checked_in=sum(1 for r in rows if r["current"]),
        total=len(rows),
        open=programme["status"] == ProgrammeStatus.OPEN and not row.get("gone"),
        **_scale(page),
    )


def _scale(page: Page) -> dict[str, Any]:
    return {
        "scale": [
            (_score_value(score), page.fmt.number(score), page.gettext(labels.PROGRESS[score]))
            for score in PROGRESS_SCALE
        ],
        "rag_options": [
            (r.value, page.gettext(labels.RAG[r.value]), page.gettext(labels.RAG_MEANING[r.value]))
            for r in Rag
        ],
        "text_max": TEXT_MAX,
    }


def _score_value(score: float) -> str:
    """A score as the select sends it: "1" and "1.5", the way the form is pre-filled."""
    return f"{score:g}"


def _check_in_values(current: dict[str, Any] | None) -> dict[str, Any]:
    if current is None:
        return {}
    return {
        "status": current["status"],
        "progress_score": _score_value(float(current["progress_score"])),
        "done": current.get("done") or "",
        "next_steps": current.get("next_steps") or "",
        "help_needed": current.get("help_needed") or "",
        "occurred_on": current.get("occurred_on") or "",
    }
