"""Evaluation pages (KS step 7): an initiative's evaluations in full, now or as they were on
any day, and the form that records one: when, method, effects on staff, users, quality
and economy (each a text and a few figures), costs, what worked and what did not,
lessons and a recommendation.

The latest evaluation's recommendation is a hint for the evaluating → completed / spread
decision; the move stays a person's choice on the initiative's page. The POST runs one
`Kipinä` command and redirects (303); a refusal shows the form again with the input kept
and the domain's sentence next to the field it names (422).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import Response
from starlette.datastructures import FormData

from api.pages.forms import FormState, as_of_or_error, date_or_none
from api.pages.web import Page, PageDep, text
from domain.errors import DomainError, InvalidField, RecordNotFound
from domain.evaluation import EFFECT_AREAS, LABEL_MAX, TEXT_MAX, UNIT_MAX, Method, Recommendation
from present import evaluations as evaluation_views
from present import initiatives as initiative_views
from present import labels
from projections import evaluations as read_model
from projections import initiatives as initiatives_read_model

router = APIRouter(include_in_schema=False)
InitiativeId = Annotated[UUID, Path()]
FIGURE_ROWS = 2  # figure rows offered per effect area (the domain takes up to 10)
TEXT_FIELDS = ("worked", "did_not_work", "lessons", "costs_text")


@router.get("/initiatives/{initiative_id}/evaluations")
def list_page(page: PageDep, initiative_id: InitiativeId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    with page.services.projector.engine.connect() as conn:
        initiative = initiatives_read_model.get(conn, initiative_id, position)
        if initiative is None:
            current = initiatives_read_model.get(conn, initiative_id)
            if position is not None and current is not None:
                return page.render("evaluations/not_yet.html", status=404, initiative=current, as_of_date=day)
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        rows = read_model.of_initiative(conn, initiative_id, position)
        items = evaluation_views.evaluations(conn, page.services.people, initiative, rows, erased=page.erased)
    hint = evaluation_views.decision_hint(initiative["status"], rows[-1] if rows else None)
    return page.render(
        "evaluations/list.html",
        status=200 if state.ok else 400,
        initiative=initiative,
        items=list(reversed(items)),
        hint=hint,
        areas=EFFECT_AREAS,
        as_of_date=day,
        as_of_state=state,
        live=day is None,
    )


@router.get("/initiatives/{initiative_id}/evaluations/new")
def new_form(page: PageDep, initiative_id: InitiativeId) -> Response:
    return _render_form(page, initiative_id, FormState())


@router.post("/initiatives/{initiative_id}/evaluations/new")
async def record(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    state, fields, rows = _parse(page, form)
    if state.ok:
        ctx = page.context(form)
        evaluation_id = page.services.app.new_id(ctx)
        try:
            page.run(
                lambda ctx: page.services.app.record_evaluation(
                    ctx, initiative_id, fields=fields, evaluation_id=evaluation_id
                ),
                ctx,
            )
        except DomainError as error:
            _place(page, state, error, rows)
        else:
            return page.redirect(
                f"/initiatives/{initiative_id}/evaluations#evaluation-{evaluation_id}",
                flash="evaluation_recorded",
            )
    return _render_form(page, initiative_id, state, status=422)


# ---- the form -------------------------------------------------------------------------------


def _render_form(page: Page, initiative_id: UUID, state: FormState, *, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        initiative = initiative_views.require(conn, initiative_id)
    return page.render(
        "evaluations/form.html",
        status=status,
        state=_in_form_order(state),
        initiative=initiative,
        areas=EFFECT_AREAS,
        figure_rows=range(FIGURE_ROWS),
        method_options=[(m.value, page.gettext(labels.METHOD[m.value])) for m in Method],
        recommendation_options=[
            (r.value, page.gettext(labels.RECOMMENDATION[r.value])) for r in Recommendation
        ],
        limits={"text": TEXT_MAX, "label": LABEL_MAX, "unit": UNIT_MAX},
        today=datetime.now(UTC).date().isoformat(),
    )


def _parse(page: Page, form: FormData) -> tuple[FormState, dict[str, Any], dict[str, list[int]]]:
    """The evaluation of a posted form as the command takes it, and per area the form rows
    its figures came from (blank rows are left out, so the domain's index 0 may be row 1)."""
    state = FormState(values={k: v for k, v in form.items() if isinstance(v, str)})
    evaluated_on = date_or_none(page, state, "evaluated_on", text(form, "evaluated_on"))
    effects: dict[str, Any] = {}
    rows: dict[str, list[int]] = {}
    for area in EFFECT_AREAS:
        figures, rows[area] = _figures(page, state, form, area)
        effects[area] = {"text": text(form, f"effects_{area}_text"), "figures": figures}
    costs: dict[str, Any] = {"text": text(form, "costs_text"), "amount_eur": None}
    raw_amount = text(form, "costs_amount_eur").strip().replace(" ", "").replace(",", ".")
    if raw_amount:
        try:
            costs["amount_eur"] = float(raw_amount)
        except ValueError:
            state.errors["costs_amount_eur"] = page.gettext(
                "Enter a number such as %(example)s.", example=page.fmt.number(1200)
            )
    fields = {
        "evaluated_on": evaluated_on or _today(page),
        "method": text(form, "method") or None,
        "recommendation": text(form, "recommendation") or None,
        "effects": effects,
        "costs": costs,
        **{name: text(form, name) for name in ("worked", "did_not_work", "lessons")},
    }
    if fields["method"] is None:
        state.errors["method"] = page.gettext("Choose how it was evaluated.")
    if fields["recommendation"] is None:
        state.errors["recommendation"] = page.gettext("Choose a recommendation.")
    return state, fields, rows


def _figures(
    page: Page, state: FormState, form: FormData, area: str
) -> tuple[list[dict[str, Any]], list[int]]:
    figures: list[dict[str, Any]] = []
    used: list[int] = []
    for index in range(FIGURE_ROWS):
        stem = f"effects_{area}_figures_{index}"
        label, raw, unit = (text(form, f"{stem}_{part}") for part in ("label", "value", "unit"))
        if not (label.strip() or raw.strip() or unit.strip()):
            continue
        value: float | None = None
        cleaned = raw.strip().replace(" ", "").replace(",", ".")
        try:
            value = float(cleaned)
        except ValueError:
            state.errors[f"{stem}_value"] = page.gettext(
                "Enter a number such as %(example)s.", example=page.fmt.number(7.5)
            )
        figures.append({"label": label, "value": value, "unit": unit})
        used.append(index)
    return figures, used


def _place(page: Page, state: FormState, error: DomainError, rows: dict[str, list[int]]) -> None:
    """A refusal next to the form's field: the domain's "effects.staff.figures.0.label" is
    the form's "effects_staff_figures_<row>_label"; "effects" is the effects fieldset."""
    if not isinstance(error, InvalidField):
        state.problem = page.error_text(error.message, error.params)
        return
    parts = error.field.split(".")
    if len(parts) >= 4 and parts[0] == "effects" and parts[2] == "figures" and parts[3].isdigit():
        used = rows.get(parts[1], [])
        index = int(parts[3])
        parts[3] = str(used[index]) if index < len(used) else parts[3]
        if len(parts) == 4:
            parts.append("label")
    name = "_".join(parts)
    if name in _form_names():
        state.errors.setdefault(name, page.error_text(error.message, error.params))
    else:
        state.problem = page.error_text(error.message, error.params)


def _in_form_order(state: FormState) -> FormState:
    order = _form_names()
    state.errors = dict(
        sorted(state.errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)
    )
    return state


def _form_names() -> list[str]:
    """Every field of the form, in the order it shows them (the error summary's order)."""
    order = ["evaluated_on", "method", "effects"]
    for area in EFFECT_AREAS:
        order.append(f"effects_{area}_text")
        for index in range(FIGURE_ROWS):
            order.extend(f"effects_{area}_figures_{index}_{part}" for part in ("label", "value", "unit"))
    order.extend(["costs_text", "costs_amount_eur", "worked", "did_not_work", "lessons"])
    order.append("recommendation")
    return order


def _today(page: Page) -> date:
    return page.fmt.local_date(datetime.now(page.fmt.zone))
