"""The create and edit forms of a programme.

Each POST runs one `Kipina` command, then redirects (303) to the programme's page. A
refused command shows the form again with the reader's input and the domain's sentence
next to the field it names (422); an edit that crossed someone else's says so.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import Response
from starlette.datastructures import FormData

from api.pages.forms import (
    FormState,
    check_each_field,
    date_or_none,
    picker_found,
    picking,
    submit,
    uuid_or_none,
)
from api.pages.web import Page, PageDep, text, texts
from domain.programme import DESCRIPTION_MAX, EDITABLE_FIELDS, NAME_MAX, clean_fields
from present import programmes as programme_views

router = APIRouter(prefix="/programmes", include_in_schema=False)
ProgrammeId = Annotated[UUID, Path()]


@router.get("/new")
def new_form(page: PageDep) -> Response:
    return _render_form(page, FormState(values={"coordinator_id": str(page.actor)}), programme=None)


@router.post("/new")
async def create(page: PageDep) -> Response:
    form = await page.form()
    if picking(form):  # the coordinator picker's search, without JavaScript
        return _render_form(page, _typed(page, form), programme=None)
    state, fields = _parse_fields(page, form)
    _not_blank(page, state, fields)
    check_each_field(page, state, {k: v for k, v in fields.items() if v is not None}, clean_fields)
    if state.ok:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.create_programme(ctx, fields=fields),
            page.context(form),
            fields=EDITABLE_FIELDS,
        )
        if receipt is not None:
            return page.redirect(f"/programmes/{receipt.record_id}", flash="programme_created")
    return _render_form(page, _in_form_order(state), programme=None, status=422)


@router.get("/{programme_id}/edit")
def edit_form(page: PageDep, programme_id: ProgrammeId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = programme_views.require(conn, programme_id)
    values = {**_form_values(row), "version": str(row["version"])}
    return _render_form(page, FormState(values=values), programme=row)


@router.post("/{programme_id}/edit")
async def edit(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    with page.services.projector.engine.connect() as conn:
        current = programme_views.require(conn, programme_id)
    if picking(form):
        return _render_form(page, _typed(page, form), programme=current)
    shown = _form_values(current)
    changed = {k: v for k, v in fields.items() if _differs(k, shown.get(k), state.values.get(k))}
    _not_blank(page, state, changed)
    check_each_field(page, state, changed, clean_fields)
    if state.ok:
        stale = page.gettext(
            "Someone else changed this programme while you were editing it. "
            "Check its details below and save again."
        )
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.edit_programme(ctx, programme_id, fields=changed),
            page.context(form, with_version=True),
            fields=EDITABLE_FIELDS,
            stale=stale,
        )
        if receipt is not None:
            return page.redirect(f"/programmes/{programme_id}", flash="programme_saved")
        if state.problem == stale:  # saving again now overwrites what the reader has seen
            state.values["version"] = str(current["version"])
    state.values.setdefault("version", text(form, "version") or str(current["version"]))
    return _render_form(page, _in_form_order(state), programme=current, status=422)


def _render_form(
    page: Page, state: FormState, *, programme: dict[str, Any] | None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        organisation_options = programme_views.organisation_options(conn, page.fmt.sort_key())
        coordinators = picker_found(page, conn, state, "coordinator_id", "people", own_first=True)
    return page.render(
        "programmes/form.html",
        status=status,
        state=state,
        programme=programme,
        chosen_organisations=set(state.values.get("organisation_ids") or []),
        organisation_options=organisation_options,
        pickers={"coordinator_id": coordinators},
        limits={"name": NAME_MAX, "description": DESCRIPTION_MAX},
    )


def _typed(page: Page, form: FormData) -> FormState:
    """The form as typed, without judging it: a picker's search shows it again."""
    state, _ = _parse_fields(page, form)
    state.errors.clear()
    state.values["coordinator_id__q"] = text(form, "coordinator_id__q")
    if text(form, "version"):
        state.values["version"] = text(form, "version")
    return state


def _parse_fields(page: Page, form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The programme fields of a posted form, as the command takes them."""
    state = FormState(values={k: text(form, k) for k in ("name", "description")})
    fields: dict[str, Any] = {"name": state.values["name"], "description": state.values["description"]}
    fields["period_start"] = date_or_none(page, state, "period_start", text(form, "period_start"))
    fields["period_end"] = date_or_none(page, state, "period_end", text(form, "period_end"))
    fields["coordinator_id"] = uuid_or_none(page, state, "coordinator_id", text(form, "coordinator_id"))
    chosen = [v.strip() for v in texts(form, "organisation_ids") if v.strip()]
    state.values["organisation_ids"] = chosen
    org_ids: list[UUID] = []
    for raw in chosen:
        try:
            org_ids.append(UUID(raw))
        except ValueError:
            state.errors["organisation_ids"] = page.gettext("Choose one of the options in the list.")
    fields["organisation_ids"] = org_ids
    return state, fields


def _not_blank(page: Page, state: FormState, fields: dict[str, Any]) -> None:
    """The name and the period, when among the fields, cannot be blank."""
    for required in ("name", "period_start", "period_end"):
        if required in fields and required not in state.errors and fields[required] in (None, ""):
            message = "{field} is required and cannot be blank."
            state.errors[required] = page.error_text(message, {"field": required})


def _differs(name: str, shown: Any, posted: Any) -> bool:
    """Whether the reader changed a field (ticked organisations in any order are the same)."""
    if name == "organisation_ids":
        return set(shown or []) != set(posted or [])
    return bool(shown != posted)


def _in_form_order(state: FormState) -> FormState:
    """The messages in the order the form shows its fields (the error summary lists them so)."""
    order = ("name", "period_start", "period_end", "organisation_ids", "coordinator_id", "description")
    state.errors = dict(
        sorted(state.errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)
    )
    return state


def _form_values(row: dict[str, Any]) -> dict[str, Any]:
    """A programme row as the form's fields (strings, as a browser sends them)."""
    return {
        "name": row["name"],
        "description": row["description"] or "",
        "period_start": str(row["period_start"] or ""),
        "period_end": str(row["period_end"] or ""),
        "coordinator_id": str(row["coordinator_id"] or ""),
        "organisation_ids": [str(o) for o in row["organisation_ids"] or []],
    }
