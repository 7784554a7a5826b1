"""Quick capture, from the home page and the experiment list, sized for a phone: plan an
experiment with an initiative and what you will try (`/experiments/new`), tell an
experiment that already happened in one form (`/experiments/done`), and add a note to an
initiative (`/notes/new`).

Each form picks its initiative with the picker (the reader's own initiatives first: those
they own or are on the team of) and starts with the reader's most recently changed own
initiative chosen, so on a phone planning takes a tap to open the form, the change idea,
and a tap to save. Everything else is optional or has a default. A refused form is shown
again with everything typed and every message at once (422); nothing is recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from api.pages.forms import FormState, check_each_field, date_or_none, picker_found, picking, submit
from api.pages.web import Page, PageDep, text
from domain.errors import InvalidFields
from domain.experiment import (
    CHANGE_IDEA_MAX,
    STUDY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Decision,
    clean_done,
    clean_fields,
    title_from,
)
from domain.initiative import NOTE_MAX
from present import labels
from projections import initiatives as initiative_read_model

router = APIRouter(include_in_schema=False)

# Options the initiative picker shows before anything is searched.
OPENING_OPTIONS = 5
# The plan's optional fields on the quick form, under "More about the plan".
PLAN_EXTRAS = ("title", "prediction", "planned_start")
# The fields of the form for an experiment that already happened, in the order it shows them.
DONE_FIELDS = (
    "initiative_id",
    "change_idea",
    "title",
    "started_on",
    "ended_on",
    "result",
    "learning",
    "decision",
    "rationale",
)


# ---- plan an experiment ----------------------------------------------------------------------


@router.get("/experiments/new")
def new_experiment(page: PageDep, initiative: str = "") -> Response:
    return _render_plan(page, FormState(values={"initiative_id": initiative or _own_default(page)}))


@router.post("/experiments/new")
async def plan_experiment(page: PageDep) -> Response:
    form = await page.form()
    state = _state(form, ("initiative_id", "initiative_id__q", "change_idea", *PLAN_EXTRAS))
    if picking(form):
        return _render_plan(page, state)
    fields = _plan_fields(page, state)
    check_each_field(page, state, fields, clean_fields)
    initiative_id = _initiative(page, state)  # after the change idea: the form's order
    if state.ok and initiative_id is not None:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.plan_experiment(ctx, initiative_id, fields=fields),
            page.context(form),
            fields=("change_idea", *PLAN_EXTRAS),
        )
        if receipt is not None:
            return page.redirect(f"/experiments/{receipt.record_id}", flash="experiment_planned")
    return _render_plan(page, state, status=422)


# ---- an experiment that already happened ---------------------------------------------------


@router.get("/experiments/done")
def done_experiment_form(page: PageDep, initiative: str = "") -> Response:
    return _render_done(page, FormState(values={"initiative_id": initiative or _own_default(page)}))


@router.post("/experiments/done")
async def log_done_experiment(page: PageDep) -> Response:
    form = await page.form()
    state = _state(form, (*DONE_FIELDS, "initiative_id__q"))
    if picking(form):
        return _render_done(page, state)
    initiative_id = _initiative(page, state)
    started_on = date_or_none(page, state, "started_on", text(form, "started_on"))
    ended_on = date_or_none(page, state, "ended_on", text(form, "ended_on"))
    fields = {name: value for name, value in _plan_fields(page, state).items() if name != "planned_start"}
    study = {name: state.value(name) for name in ("result", "learning", "decision", "rationale")}
    try:
        clean_done(fields=fields, started_on=started_on, ended_on=ended_on, **study)
    except InvalidFields as refused:
        for error in refused.errors:
            if error.field not in state.errors:
                state.refuse(page, error)
    if state.ok and initiative_id is not None:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.log_done_experiment(
                ctx, initiative_id, fields=fields, started_on=started_on, ended_on=ended_on, **study
            ),
            page.context(form),
            fields=DONE_FIELDS,
        )
        if receipt is not None:
            return page.redirect(f"/experiments/{receipt.record_id}", flash="experiment_logged")
    if "change_idea" in state.errors and not str(state.value("title")).strip():
        state.errors.pop("title", None)  # the title comes from the change idea: one message is enough
    state.errors = {name: state.errors[name] for name in DONE_FIELDS if name in state.errors}
    return _render_done(page, state, status=422)


# ---- a note on an initiative ---------------------------------------------------------------


@router.get("/notes/new")
def new_note(page: PageDep, initiative: str = "") -> Response:
    return _render_note(page, FormState(values={"initiative_id": initiative or _own_default(page)}))


@router.post("/notes/new")
async def add_note(page: PageDep) -> Response:
    form = await page.form()
    state = _state(form, ("initiative_id", "initiative_id__q", "text", "occurred_on"))
    if picking(form):
        return _render_note(page, state)
    initiative_id = _initiative(page, state)
    occurred_on = date_or_none(page, state, "occurred_on", state.value("occurred_on"))
    note = str(state.value("text"))
    if not note.strip():
        state.errors["text"] = page.error_text("{field} is required and cannot be blank.", {"field": "text"})
    if state.ok and initiative_id is not None:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.add_note(ctx, initiative_id, text=note, occurred_on=occurred_on),
            page.context(form),
            fields=("text", "occurred_on"),
        )
        if receipt is not None:
            return page.redirect(f"/initiatives/{initiative_id}#notes", flash="note_added")
    return _render_note(page, state, status=422)


# ---- the forms' parts -----------------------------------------------------------------------


def _state(form: FormData, names: tuple[str, ...]) -> FormState:
    return FormState(values={name: text(form, name) for name in names})


def _own_default(page: Page) -> str:
    """The reader's most recently changed open initiative (owner or team member), or ""."""
    with page.services.projector.engine.connect() as conn:
        mine = initiative_read_model.involving(conn, page.actor, limit=1)
    return str(mine[0]["id"]) if mine else ""


def _initiative(page: Page, state: FormState) -> UUID | None:
    """The chosen initiative; none chosen (or not one of the options) is a message by the picker."""
    raw = str(state.value("initiative_id")).strip()
    try:
        if raw:
            return UUID(raw)
    except ValueError:
        pass
    state.errors["initiative_id"] = page.gettext("Choose the initiative.")
    return None


def _plan_fields(page: Page, state: FormState) -> dict[str, Any]:
    """The plan as the command takes it: without a title, the change idea's first words are the
    title; empty optional fields are left out."""
    fields: dict[str, Any] = {"change_idea": state.value("change_idea")}
    title = str(state.value("title")).strip() or title_from(str(state.value("change_idea")))
    if title:
        fields["title"] = title
    if str(state.value("prediction")).strip():
        fields["prediction"] = state.value("prediction")
    planned_start: date | None = date_or_none(page, state, "planned_start", str(state.value("planned_start")))
    if planned_start is not None:
        fields["planned_start"] = planned_start
    return fields


def _render(page: Page, template: str, state: FormState, status: int, **context: Any) -> Response:
    with page.services.projector.engine.connect() as conn:
        found = picker_found(page, conn, state, "initiative_id", "initiatives", own_first=True)
    if not str(state.value("initiative_id__q")).strip():
        # Before any search, a short list (the chosen one and the likeliest next), so that on
        # a phone the form's other fields and its button are not pushed screens away.
        found = found[:OPENING_OPTIONS]
    return page.render(template, status=status, state=state, found=found, **context)


def _render_plan(page: Page, state: FormState, status: int = 200) -> Response:
    return _render(
        page,
        "quick/experiment.html",
        state,
        status,
        limits={"title": TITLE_MAX, "change_idea": CHANGE_IDEA_MAX, "text": TEXT_MAX},
        extras_open=any(state.value(name) or name in state.errors for name in PLAN_EXTRAS),
    )


def _render_done(page: Page, state: FormState, status: int = 200) -> Response:
    return _render(
        page,
        "quick/done.html",
        state,
        status,
        limits={"title": TITLE_MAX, "change_idea": CHANGE_IDEA_MAX, "study": STUDY_MAX},
        decision_options=[(d.value, page.gettext(labels.DECISION[d.value])) for d in Decision],
    )


def _render_note(page: Page, state: FormState, status: int = 200) -> Response:
    return _render(page, "quick/note.html", state, status, limits={"text": NOTE_MAX})
