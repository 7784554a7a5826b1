"""Experiment pages: an initiative's experiments with the quick plan form, one
experiment with the next allowed step as a form (start, observe with htmx, study,
decide, cancel), the plan's edit form, all experiments with filters, and an
initiative's learning log.

Each POST runs one `Kipina` command and redirects (303) to the experiment page. A
refused command shows the same page again with the reader's input and the domain's
sentence in the section it came from (422).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import (
    FormState,
    as_of_or_error,
    check_each_field,
    date_or_none,
    page_after,
    submit,
    theme_list,
    uuid_or_none,
)
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext, Receipt
from domain.errors import DomainError, InvalidField, RecordNotFound, StaleVersion
from domain.experiment import (
    CHANGE_IDEA_MAX,
    EDITABLE_FIELDS,
    TEXT_FIELDS,
    TITLE_MAX,
    Decision,
    Stage,
    allowed_steps,
    clean_fields,
)
from domain.initiative import Status, accepts_changes
from present import experiments as experiment_views
from present import history as history_views
from present import initiatives as initiative_views
from present import labels
from present import organisations as organisation_views
from projections import experiments as read_model
from projections import history

router = APIRouter(include_in_schema=False)
ExperimentId = Annotated[UUID, Path()]
InitiativeId = Annotated[UUID, Path()]
PAGE_SIZE = 25
# Form field of each step's date (each form on the page needs its own ids).
STEP_DATES = {
    "start": "started_on",
    "observe": "observed_on",
    "study": "studied_on",
    "decide": "decided_on",
    "cancel": "cancelled_on",
}


# ---- an initiative's experiments ----------------------------------------------------


@router.get("/initiatives/{initiative_id}/experiments")
def initiative_list(page: PageDep, initiative_id: InitiativeId) -> Response:
    return _render_initiative_list(page, initiative_id, FormState())


@router.post("/initiatives/{initiative_id}/experiments")
async def plan(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    state, fields = _parse_plan(page, form, ("title", "change_idea", "prediction", "planned_start"))
    check_each_field(page, state, fields, clean_fields)
    if state.ok:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.plan_experiment(ctx, initiative_id, fields=fields),
            page.context(form),
            fields=EDITABLE_FIELDS,
        )
        if receipt is not None:
            return page.redirect(f"/experiments/{receipt.record_id}", flash="experiment_planned")
    return _render_initiative_list(page, initiative_id, state, status=422)


@router.get("/initiatives/{initiative_id}/learning-log")
def learning_log(page: PageDep, initiative_id: InitiativeId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    with page.services.projector.engine.connect() as conn:
        initiative = initiative_views.require(conn, initiative_id)
        entries = experiment_views.learning_log(
            conn, page.services.people, initiative_id, position, erased=page.erased
        )
    return page.render(
        "experiments/learning_log.html",
        status=200 if state.ok else 400,
        initiative=initiative,
        entries=entries,
        state=state,
        as_of_date=day,
    )


# ---- all experiments -------------------------------------------------------------------


@router.get("/experiments")
def list_page(
    page: PageDep,
    stage: str = "",
    decision: str = "",
    unit_id: str = "",
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    as_of_date: str = "",
    cursor: str = "",
) -> Response:
    state = FormState(values={"stage": stage, "decision": decision, "as_of_date": as_of_date})
    archived, archived_choices = page.archived_list()
    flt = read_model.ExperimentFilter(
        archived=archived,
        stage=stage if stage in Stage.__members__.values() else None,
        decision=decision if decision in Decision.__members__.values() else None,
        unit_id=uuid_or_none(page, state, "unit_id", unit_id),
        date_from=date_or_none(page, state, "from", date_from),
        date_to=date_or_none(page, state, "to", date_to),
    )
    day, position = as_of_or_error(page, state, as_of_date)
    with page.services.projector.engine.connect() as conn:
        rows, next_cursor = page_after(
            page,
            state,
            lambda after: read_model.search(conn, flt, limit=PAGE_SIZE, cursor=after, as_of=position),
            cursor,
        )
        items = experiment_views.summaries(conn, rows, position)
        unit_groups = _unit_groups(page, conn)
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "experiments/list.html",
        archived_choices=archived_choices,
        status=200 if state.ok else 400,
        state=state,
        items=items,
        next_href=page.url("/experiments", **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url("/experiments", **query) if cursor else None,
        as_of_date=day,
        filtered=any(query.values()),
        unit_groups=unit_groups,
        stage_options=[(s.value, page.gettext(labels.STAGE[s.value])) for s in Stage],
        decision_options=[(d.value, page.gettext(labels.DECISION[d.value])) for d in Decision],
    )


# ---- one experiment ------------------------------------------------------------------------


@router.get("/experiments/{experiment_id}")
def show(page: PageDep, experiment_id: ExperimentId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    return _render_show(
        page, experiment_id, as_of=(day, position), status=200 if state.ok else 400, as_of_state=state
    )


@router.get("/experiments/{experiment_id}/edit")
def edit_form(page: PageDep, experiment_id: ExperimentId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = experiment_views.require(conn, experiment_id)
    return _render_edit(page, row, FormState(values={**_plan_values(row), "version": row["version"]}))


@router.post("/experiments/{experiment_id}/edit")
async def edit(page: PageDep, experiment_id: ExperimentId) -> Response:
    form = await page.form()
    state, fields = _parse_plan(page, form, EDITABLE_FIELDS)
    with page.services.projector.engine.connect() as conn:
        current = experiment_views.require(conn, experiment_id)
    shown = _plan_values(current)
    changed = {k: v for k, v in fields.items() if shown.get(k) != state.values.get(k)}
    check_each_field(page, state, changed, clean_fields)
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.edit_experiment(ctx, experiment_id, fields=changed),
                page.context(form, with_version=True),
            )
        except StaleVersion:
            state.problem = page.gettext(
                "Someone else changed this experiment while you were editing it. "
                "Check its plan below and save again."
            )
            state.values["version"] = str(current["version"])
        except DomainError as error:
            state.refuse(page, error, fields=EDITABLE_FIELDS)
        else:
            return page.redirect(f"/experiments/{experiment_id}", flash="experiment_saved")
    state.values.setdefault("version", text(form, "version") or str(current["version"]))
    return _render_edit(page, current, state, status=422)


@router.post("/experiments/{experiment_id}/start")
async def start(page: PageDep, experiment_id: ExperimentId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "started_on", text(form, "started_on"))
    return _step(
        page,
        experiment_id,
        form,
        state,
        "next-step",
        lambda ctx: page.services.app.start_experiment(ctx, experiment_id, occurred_on=occurred_on),
        "experiment_started",
    )


@router.post("/experiments/{experiment_id}/observations")
async def observe(page: PageDep, experiment_id: ExperimentId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "observed_on", text(form, "observed_on"))
    values = _observed_values(page, state, text(form, "value_name"), text(form, "value"))
    observation = text(form, "text")
    return _step(
        page,
        experiment_id,
        form,
        state,
        "observations",
        lambda ctx: page.services.app.record_observation(
            ctx, experiment_id, text=observation, values=values, occurred_on=occurred_on
        ),
        "observation_added",
    )


@router.post("/experiments/{experiment_id}/study")
async def study(page: PageDep, experiment_id: ExperimentId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "studied_on", text(form, "studied_on"))
    result, learning = text(form, "result"), text(form, "learning")
    return _step(
        page,
        experiment_id,
        form,
        state,
        "next-step",
        lambda ctx: page.services.app.study_experiment(
            ctx, experiment_id, result=result, learning=learning, occurred_on=occurred_on
        ),
        "experiment_studied",
    )


@router.post("/experiments/{experiment_id}/decide")
async def decide(page: PageDep, experiment_id: ExperimentId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "decided_on", text(form, "decided_on"))
    decision = text(form, "decision")
    if not decision:
        state.errors["decision"] = page.gettext("Choose adopt, adapt or abandon.")
    next_cycle: dict[str, Any] | None = None
    if decision == Decision.ADAPT and text(form, "plan_next") == "yes":
        next_cycle = {
            name: text(form, f"next_{name}")
            for name in ("title", "change_idea", "prediction")
            if text(form, f"next_{name}").strip()
        }
    rationale = text(form, "rationale")
    return _step(
        page,
        experiment_id,
        form,
        state,
        "next-step",
        lambda ctx: page.services.app.decide_experiment(
            ctx,
            experiment_id,
            decision=decision,
            rationale=rationale,
            occurred_on=occurred_on,
            next_cycle=next_cycle,
        ),
        "experiment_decided",
    )


@router.post("/experiments/{experiment_id}/cancel")
async def cancel(page: PageDep, experiment_id: ExperimentId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "cancelled_on", text(form, "cancelled_on"))
    reason = text(form, "reason")
    return _step(
        page,
        experiment_id,
        form,
        state,
        "cancel",
        lambda ctx: page.services.app.cancel_experiment(
            ctx, experiment_id, reason=reason, occurred_on=occurred_on
        ),
        "experiment_cancelled",
    )


def _step(
    page: Page,
    experiment_id: UUID,
    form: FormData,
    state: FormState,
    section: str,
    command: Callable[[CommandContext], Receipt],
    flash: str,
) -> Response:
    """Run one step posted from a section of the experiment page; on refusal show the
    page again with the message in that section."""
    state.values.update({k: v for k, v in form.items() if isinstance(v, str)})
    if state.ok:
        try:
            page.run(command, page.context(form, with_version=True))
        except StaleVersion:
            state.problem = page.gettext(
                "Someone else changed this experiment meanwhile. Check it and try again."
            )
        except DomainError as error:
            _place(page, state, error)
        else:
            return page.redirect(f"/experiments/{experiment_id}#{section}", flash=flash)
    return _render_show(page, experiment_id, section_states={section: state}, status=422)


def _place(page: Page, state: FormState, error: DomainError) -> None:
    """A refusal next to its field, with the names the page's forms use."""
    if isinstance(error, InvalidField) and error.field == "occurred_on":
        for name in STEP_DATES.values():
            if name in state.values:
                state.errors[name] = page.error_text(error.message, error.params)
                return
    if isinstance(error, InvalidField) and error.field in ("title", "change_idea", "prediction"):
        state.errors[f"next_{error.field}"] = page.error_text(error.message, error.params)
        return
    state.refuse(
        page, error, fields=("text", "values", "result", "learning", "decision", "rationale", "reason")
    )
    if "values" in state.errors:
        state.errors["value"] = state.errors.pop("values")


# ---- rendering ------------------------------------------------------------------------------


def _render_show(
    page: Page,
    experiment_id: UUID,
    *,
    as_of: tuple[date | None, int | None] = (None, None),
    status: int = 200,
    section_states: dict[str, FormState] | None = None,
    as_of_state: FormState | None = None,
) -> Response:
    day, position = as_of
    with page.services.projector.engine.connect() as conn:
        row = read_model.get(conn, experiment_id, position)
        if row is None:
            current = read_model.get(conn, experiment_id) if position is not None else None
            if current is not None:
                shown = experiment_views.summaries(conn, [current], None)[0]
                return page.render("experiments/not_yet.html", status=404, experiment=shown, as_of_date=day)
            raise RecordNotFound("There is no experiment with id {id}.", id=experiment_id)
        experiment = experiment_views.summaries(conn, [row], position)[0]
        observations = experiment_views.observations(
            conn, page.services.people, experiment_id, position, erased=page.erased
        )
        chain = read_model.cycles(conn, experiment_id, position)
        entries = history_views.entries(page, conn, history.of_record(conn, experiment_id, position))
    states = section_states or {}
    return page.render(
        "experiments/show.html",
        status=status,
        experiment=experiment,
        observations=list(reversed(observations)),
        chain=chain,
        history=list(reversed(entries)),
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        next_state=states.get("next-step", FormState()),
        observation_state=states.get("observations", FormState()),
        cancel_state=states.get("cancel", FormState()),
        decision_options=[(d.value, page.gettext(labels.DECISION[d.value])) for d in Decision],
    )


def _render_initiative_list(page: Page, initiative_id: UUID, state: FormState, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        initiative = initiative_views.require(conn, initiative_id)
        rows, _ = read_model.search(conn, read_model.ExperimentFilter(initiative_id=initiative_id), limit=500)
        items = experiment_views.summaries(conn, rows, None)
    return page.render(
        "experiments/initiative.html",
        status=status,
        initiative=initiative,
        open_for_experiments=accepts_changes(Status(initiative["status"])),
        items=items,
        state=state,
        limits={"title": TITLE_MAX, "change_idea": CHANGE_IDEA_MAX},
    )


def _render_edit(page: Page, row: dict[str, Any], state: FormState, status: int = 200) -> Response:
    return page.render(
        "experiments/edit.html",
        status=status,
        experiment=row,
        editable="edit" in allowed_steps(Stage(row["stage"])),
        state=state,
        limits={"title": TITLE_MAX, "change_idea": CHANGE_IDEA_MAX},
    )


def _unit_groups(page: Page, conn: Connection) -> list[tuple[str, list[tuple[str, str]]]]:
    return organisation_views.place_options(conn, page.fmt.sort_key())["unit_groups"]


# ---- forms ------------------------------------------------------------------------------------


def _parse_plan(page: Page, form: FormData, names: tuple[str, ...]) -> tuple[FormState, dict[str, Any]]:
    """The plan fields of a posted form, as the command takes them."""
    state = FormState()
    fields: dict[str, Any] = {}
    for name in names:
        raw = text(form, name)
        if name in ("planned_start", "planned_end"):
            fields[name] = date_or_none(page, state, name, raw)
        elif name == "measures":
            state.values[name] = raw
            fields[name] = theme_list(raw)
        else:
            state.values[name] = raw
            fields[name] = raw
    return state, fields


def _plan_values(row: dict[str, Any]) -> dict[str, Any]:
    """An experiment row as the edit form's fields (strings, as a browser sends them)."""
    values = {name: row[name] or "" for name in ("title", "change_idea", *TEXT_FIELDS)}
    values["measures"] = ", ".join(row["measures"])
    values["planned_start"] = row["planned_start"] or ""
    values["planned_end"] = row["planned_end"] or ""
    return values


def _observed_values(page: Page, state: FormState, name: str, raw: str) -> list[dict[str, Any]]:
    """One optional number with an optional name; a decimal comma is accepted."""
    if not raw.strip():
        return []
    try:
        number = float(raw.strip().replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        state.errors["value"] = page.gettext("Enter a number such as %(example)s.", example="12,5")
        return []
    value: int | float = int(number) if number.is_integer() and abs(number) < 2**53 else number
    return [{"name": name, "value": value}]
