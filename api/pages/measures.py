"""Measure pages: define and edit a measure of an initiative, the measure's page with its
run chart (the same SVG as `/api/measures/{id}/chart.svg`, in the reader's language) and
the same data as a table, the signals in words, the analysis numbers and the change
points; recording a value (with htmx the chart and table refresh in place), correcting
one, annotating a change point, the page as it was on any day, and the history.

Each POST runs one `Kipinä` command and redirects (303). A refused command shows the
form again with the reader's input and the domain's sentence next to the field (422).
Reads come from the measures read model through `present.measures` (`measure`, `chart`,
`chart_svg`, `values_table`), as the JSON API's do: the page and the API show the same
numbers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import FormState, as_of_or_error, check_each_field, date_or_none, uuid_or_none
from api.pages.web import Page, PageDep, text
from domain.errors import DomainError, RecordNotFound, RuleViolation, StaleVersion
from domain.measure import (
    ANNOTATION_MAX,
    DATA_SOURCE_MAX,
    EDITABLE_FIELDS,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    UNIT_MAX,
    Direction,
    Frequency,
    clean_fields,
    period_of,
)
from domain.run_chart import RuleSet
from present import history as history_views
from present import labels
from present import measures as measure_views
from present.i18n import Formatter
from projections import experiments as experiments_read_model
from projections import history
from projections import initiatives as initiatives_read_model
from projections import measures as read_model
from projections.experiments import ExperimentFilter

router = APIRouter(include_in_schema=False)
InitiativeId = Annotated[UUID, Path()]
MeasureId = Annotated[UUID, Path()]
ValueId = Annotated[UUID, Path()]
EXPERIMENT_CHOICES_MAX = 200  # experiments offered in the annotation's select list
NUMBER_FIELDS = ("baseline", "target")
FORM_ORDER = ("name", "unit", "direction", "frequency", "baseline", "target", "data_source", "rules")
VALUE_FIELDS = {"period": "period", "value": "value", "note": "note", "occurred_on": "occurred_on"}


# ---- defining and editing ---------------------------------------------------------------


@router.get("/initiatives/{initiative_id}/measures/new")
def new_form(page: PageDep, initiative_id: InitiativeId) -> Response:
    values = {"direction": "", "frequency": Frequency.MONTHLY.value, "rules": RuleSet.ANHOJ.value}
    return _render_form(page, FormState(values=values), initiative_id=initiative_id, measure=None)


@router.post("/initiatives/{initiative_id}/measures/new")
async def define(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    for required in ("name", "direction", "frequency"):
        if required not in state.errors and fields.get(required) in (None, ""):
            message = "{field} is required and cannot be blank."
            state.errors[required] = page.error_text(message, {"field": required})
    check_each_field(page, state, {k: v for k, v in fields.items() if v not in (None, "")}, clean_fields)
    if state.ok:
        present = {k: v for k, v in fields.items() if v not in (None, "")}
        try:
            receipt = page.run(
                lambda ctx: page.services.app.define_measure(ctx, initiative_id, fields=present),
                page.context(form),
            )
        except DomainError as error:
            state.refuse(page, error, fields=EDITABLE_FIELDS)
        else:
            return page.redirect(f"/measures/{receipt.record_id}", flash="measure_defined")
    return _render_form(page, _in_form_order(state), initiative_id=initiative_id, measure=None, status=422)


@router.get("/measures/{measure_id}/edit")
def edit_form(page: PageDep, measure_id: MeasureId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = _require(conn, measure_id)
    state = FormState(values={**_form_values(page, row), "version": str(row["version"])})
    return _render_form(page, state, initiative_id=UUID(row["initiative_id"]), measure=row)


@router.post("/measures/{measure_id}/edit")
async def edit(page: PageDep, measure_id: MeasureId) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    with page.services.projector.engine.connect() as conn:
        current = _require(conn, measure_id)
    shown = _form_values(page, current)
    changed = {k: v for k, v in fields.items() if shown.get(k) != state.values.get(k)}
    for required in ("name", "direction", "frequency"):
        if required in changed and required not in state.errors and changed[required] in (None, ""):
            message = "{field} is required and cannot be blank."
            state.errors[required] = page.error_text(message, {"field": required})
    check_each_field(page, state, changed, clean_fields)
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.edit_measure(ctx, measure_id, fields=changed),
                page.context(form, with_version=True),
            )
        except StaleVersion:
            state.problem = page.gettext(
                "Someone else changed this measure while you were editing it. "
                "Check its details below and save again."
            )
            state.values["version"] = str(current["version"])
        except DomainError as error:
            state.refuse(page, error, fields=EDITABLE_FIELDS)
        else:
            return page.redirect(f"/measures/{measure_id}", flash="measure_saved")
    state.values.setdefault("version", text(form, "version") or str(current["version"]))
    return _render_form(
        page, _in_form_order(state), initiative_id=UUID(current["initiative_id"]), measure=current, status=422
    )


# ---- the measure's page --------------------------------------------------------------------


@router.get("/measures/{measure_id}")
def show(page: PageDep, measure_id: MeasureId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    return _render_show(
        page, measure_id, as_of=(day, position), status=200 if state.ok else 400, as_of_state=state
    )


@router.post("/measures/{measure_id}/values")
async def record_value(page: PageDep, measure_id: MeasureId) -> Response:
    """Record a period's value. With htmx the redirect's page replaces the chart, the table
    and this form in place (hx-select), so the new point shows without a reload."""
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("period", "value", "note", "occurred_on")})
    number = _number_or_none(page, state, "value", state.values["value"])
    occurred_on = date_or_none(page, state, "occurred_on", state.values["occurred_on"])
    if not state.values["period"].strip():
        _required(page, state, "period")
    if number is None and "value" not in state.errors:
        _required(page, state, "value")
    if state.ok:
        ctx = page.context(form)
        value_id = page.services.app.new_id(ctx)
        try:
            page.run(
                lambda ctx: page.services.app.record_measure_value(
                    ctx,
                    measure_id,
                    value_id=value_id,
                    period=state.values["period"],
                    value=number,
                    note=state.values["note"],
                    occurred_on=occurred_on,
                ),
                ctx,
            )
        except RuleViolation as error:  # the period already has a value: said next to the period
            state.errors["period"] = page.error_text(error.message, error.params)
        except DomainError as error:
            state.refuse_as(page, error, VALUE_FIELDS)
        else:
            return page.redirect(f"/measures/{measure_id}#measure-data", flash="value_recorded")
    return _render_show(page, measure_id, record_state=state, status=422)


@router.post("/measures/{measure_id}/annotations")
async def annotate(page: PageDep, measure_id: MeasureId) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("annotation_day", "annotation_text")})
    day = date_or_none(page, state, "annotation_day", state.values["annotation_day"])
    experiment_id = uuid_or_none(page, state, "experiment_id", text(form, "experiment_id"))
    if day is None and "annotation_day" not in state.errors:
        state.errors["annotation_day"] = page.error_text(
            "{field} is required and cannot be blank.", {"field": "day"}
        )
    if not state.values["annotation_text"].strip():
        state.errors["annotation_text"] = page.error_text(
            "{field} is required and cannot be blank.", {"field": "text"}
        )
    if state.ok and day is not None:
        ctx = page.context(form)
        annotation_id = page.services.app.new_id(ctx)
        try:
            page.run(
                lambda ctx: page.services.app.annotate_measure(
                    ctx,
                    measure_id,
                    annotation_id=annotation_id,
                    day=day,
                    text=state.values["annotation_text"],
                    experiment_id=experiment_id,
                ),
                ctx,
            )
        except DomainError as error:
            fields = {"day": "annotation_day", "text": "annotation_text", "experiment_id": "experiment_id"}
            state.refuse_as(page, error, fields)
        else:
            return page.redirect(f"/measures/{measure_id}#annotations", flash="measure_annotated")
    return _render_show(page, measure_id, annotation_state=state, status=422)


# ---- correcting a value --------------------------------------------------------------------


@router.get("/measures/{measure_id}/values/{value_id}/correct")
def correct_form(page: PageDep, measure_id: MeasureId, value_id: ValueId) -> Response:
    with page.services.projector.engine.connect() as conn:
        found = measure_views.value(conn, page.services.people, measure_id, value_id)
    values = {"value": page.fmt.number(found["value"]), "note": found["note"], "reason": ""}
    return _render_correct(page, measure_id, value_id, FormState(values=values))


@router.post("/measures/{measure_id}/values/{value_id}/correct")
async def correct(page: PageDep, measure_id: MeasureId, value_id: ValueId) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("value", "note", "reason")})
    number = _number_or_none(page, state, "value", state.values["value"])
    if number is None and "value" not in state.errors:
        _required(page, state, "value")
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.correct_measure_value(
                    ctx,
                    measure_id,
                    value_id=value_id,
                    value=number,
                    note=state.values["note"],
                    reason=state.values["reason"],
                ),
                page.context(form),
            )
        except DomainError as error:
            state.refuse_as(page, error, {"value": "value", "note": "note", "reason": "reason"})
        else:
            return page.redirect(f"/measures/{measure_id}#value-{value_id}", flash="value_corrected")
    return _render_correct(page, measure_id, value_id, state, status=422)


# ---- history -------------------------------------------------------------------------------


@router.get("/measures/{measure_id}/history")
def history_page(page: PageDep, measure_id: MeasureId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        measure = measure_views.measure(conn, measure_id)
        entries = history_views.entries(page, conn, history.of_record(conn, measure_id))
    return page.render("measures/history.html", measure=measure, history=list(reversed(entries)))


# ---- rendering -------------------------------------------------------------------------------


def _render_show(
    page: Page,
    measure_id: UUID,
    *,
    as_of: tuple[date | None, int | None] = (None, None),
    status: int = 200,
    as_of_state: FormState | None = None,
    record_state: FormState | None = None,
    annotation_state: FormState | None = None,
) -> Response:
    day, position = as_of
    moment = _end_of(page, day)
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        if read_model.get(conn, measure_id, position) is None:
            current = read_model.get(conn, measure_id)
            if position is not None and current is not None:
                measure = measure_views.measure(conn, measure_id)
                return page.render("measures/not_yet.html", status=404, measure=measure, as_of_date=day)
            raise RecordNotFound("There is no measure with id {id}.", id=measure_id)
        chart = measure_views.chart(conn, page.services.people, measure_id, position, moment)
        table = measure_views.values_table(conn, page.services.people, measure_id, position, moment)
        experiments = _experiment_choices(conn, UUID(chart["measure"]["initiative"]["id"]))
    measure = chart["measure"]
    svg = measure_views.chart_svg(chart, lang=page.lang, zone=ZoneInfo(page.services.settings.timezone))
    rows = _table_rows(page.fmt, chart, table["items"])
    live = day is None
    return page.render(
        "measures/show.html",
        status=status,
        measure=measure,
        chart=chart,
        chart_svg=Markup(svg),
        rows=rows,
        signals=_signal_words(page, chart),
        analysis_rows=_analysis_rows(page, chart),
        annotations=chart["annotations"],
        live=live,
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        record_state=record_state or FormState(values={"period": _next_period(page, measure, rows)}),
        annotation_state=annotation_state or FormState(),
        period_hint=_period_hint(page, measure["frequency"]),
        experiment_options=experiments,
        focus_record=page.is_htmx and record_state is None,
        limits={"note": NOTE_MAX, "annotation": ANNOTATION_MAX},
    )


def _render_form(
    page: Page, state: FormState, *, initiative_id: UUID, measure: dict[str, Any] | None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        initiative = initiatives_read_model.get(conn, initiative_id)
        if initiative is None:
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        has_values = bool(measure and measure["values_count"])
    return page.render(
        "measures/form.html",
        status=status,
        state=state,
        initiative=initiative,
        measure=measure,
        has_values=has_values,
        direction_options=[(d.value, page.gettext(labels.DIRECTION[d.value])) for d in Direction],
        frequency_options=[(f.value, page.gettext(labels.FREQUENCY[f.value])) for f in Frequency],
        rule_options=[
            (r.value, page.gettext(labels.RULES[r.value]), page.gettext(labels.RULES_MEANING[r.value]))
            for r in (RuleSet.ANHOJ, RuleSet.IHI)  # the default first
        ],
        limits={"name": NAME_MAX, "unit": UNIT_MAX, "data_source": DATA_SOURCE_MAX},
    )


def _render_correct(
    page: Page, measure_id: UUID, value_id: UUID, state: FormState, *, status: int = 200
) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        measure = measure_views.measure(conn, measure_id)
        found = measure_views.value(conn, page.services.people, measure_id, value_id)
    return page.render(
        "measures/correct.html",
        status=status,
        state=state,
        measure=measure,
        value=found,
        limits={"note": NOTE_MAX, "reason": REASON_MAX},
    )


def _table_rows(fmt: Formatter, chart: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's rows: each value with the rules that mark its point on the chart."""
    marks = {p["value_id"]: p["signals"] for p in chart["points"]}
    return [
        {
            **item,
            "signals": marks.get(item["id"], []),
            "earlier": ", ".join(fmt.number(step["value"]) for step in item["history"][:-1]),
        }
        for item in items
    ]


def _signal_words(page: Page, chart: dict[str, Any]) -> list[dict[str, Any]]:
    """Each signal in the reader's words: its name, what it means and the periods it marks."""
    points = chart["points"]
    return [
        {
            "rule": s["rule"],
            "name": page.gettext(labels.SIGNAL.get(s["rule"], s["rule"])),
            "meaning": page.gettext(labels.SIGNAL_MEANING.get(s["rule"], "")) if s["rule"] else "",
            "periods": [points[i]["period"] for i in s["indexes"] if 0 <= i < len(points)],
            "detail": s["detail"],
        }
        for s in chart["signals"]
    ]


def _analysis_rows(page: Page, chart: dict[str, Any]) -> list[tuple[str, str]]:
    """The analysis numbers as (label, value) pairs; limits that do not apply are left out."""
    analysis, limits = chart["analysis"], chart["limits"]

    def shown(value: Any) -> str:
        return "–" if value is None else page.fmt.number(round(float(value), 2))

    def points_of(count: int) -> str:
        return page.gettext("%(count)s points", count=count)

    rows = [
        (page.gettext("Median"), shown(chart["median"])),
        (page.gettext("Points"), shown(analysis["n"])),
        (page.gettext("Points not on the median"), shown(analysis["useful"])),
        (page.gettext("Median computed from"), points_of(analysis["baseline_used"])),
        (page.gettext("Runs"), shown(analysis["runs"])),
        (page.gettext("Crossings of the median"), shown(analysis["crossings"])),
        (page.gettext("Longest run"), shown(analysis["longest_run"])),
    ]
    named = {
        "longest_run_max": page.gettext("Longest run allowed by chance"),
        "crossings_min": page.gettext("Fewest crossings expected by chance"),
        "runs_min": page.gettext("Fewest runs expected by chance"),
        "runs_max": page.gettext("Most runs expected by chance"),
        "astronomical_low": page.gettext("Lower limit for an astronomical point"),
        "astronomical_high": page.gettext("Upper limit for an astronomical point"),
    }
    rows.extend((label, shown(limits[key])) for key, label in named.items() if limits.get(key) is not None)
    return rows


def _next_period(page: Page, measure: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The period after the latest value (the current one when there is none), when it
    has begun; else blank."""
    frequency = Frequency(measure["frequency"])
    today = page.fmt.local_date(datetime.now(page.fmt.zone))
    if not rows:
        return period_of(frequency, today)[0]
    latest = rows[-1]["day"]
    following = _step(frequency, latest, today)
    if following > today:
        return ""
    return period_of(frequency, following)[0]


def _step(frequency: Frequency, day: date, today: date) -> date:
    if frequency is Frequency.DAILY:
        return day + timedelta(days=1)
    if frequency is Frequency.WEEKLY:
        return day + timedelta(days=7)
    if frequency is Frequency.MONTHLY:
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    if frequency is Frequency.QUARTERLY:
        month = day.month + 3
        return date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    if frequency is Frequency.YEARLY:
        return date(day.year + 1, 1, 1)
    return max(today, day + timedelta(days=1))


def _period_hint(page: Page, frequency: str) -> str:
    examples = {
        "daily": "2019-03-14",
        "weekly": "2019-W12",
        "monthly": "2019-03",
        "quarterly": "2019-Q1",
        "yearly": "2019",
        "irregular": "2019-03-14",
    }
    example = examples.get(frequency, "2019-03-14")
    return page.gettext("Write the period as %(example)s, or give a date in it.", example=example)


def _experiment_choices(conn: Connection, initiative_id: UUID) -> list[tuple[str, str]]:
    rows, _ = experiments_read_model.search(
        conn, ExperimentFilter(initiative_id=initiative_id), limit=EXPERIMENT_CHOICES_MAX
    )
    return [(r["id"], r["title"]) for r in rows]


def _end_of(page: Page, day: date | None) -> datetime | None:
    """The moment an as-of day shows: the end of that local day."""
    if day is None:
        return None
    return datetime.combine(day, time.max, tzinfo=page.fmt.zone)


# ---- forms ---------------------------------------------------------------------------------


def _parse_fields(page: Page, form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The definition fields of a posted form, as the command takes them."""
    names = (*FORM_ORDER, "baseline_points")
    state = FormState(values={k: text(form, k) for k in names})
    fields: dict[str, Any] = {k: state.values[k] for k in ("name", "unit", "data_source")}
    for name in ("direction", "frequency", "rules"):
        fields[name] = state.values[name] or None
    for name in NUMBER_FIELDS:
        fields[name] = _number_or_none(page, state, name, state.values[name])
    raw_points = state.values["baseline_points"]
    fields["baseline_points"] = _whole_or_none(page, state, "baseline_points", raw_points)
    return state, fields


def _number_or_none(page: Page, state: FormState, name: str, raw: str) -> float | None:
    """A number typed the reader's way: 12, 7.5 or 7,5 (blank is None)."""
    cleaned = raw.strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        state.errors[name] = page.gettext("Enter a number such as %(example)s.", example=page.fmt.number(7.5))
        return None


def _whole_or_none(page: Page, state: FormState, name: str, raw: str) -> int | None:
    cleaned = raw.strip()
    if not cleaned:
        return None
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 9:
        return int(cleaned)
    state.errors[name] = page.gettext("Enter a whole number such as %(example)s.", example="12")
    return None


def _form_values(page: Page, row: dict[str, Any]) -> dict[str, Any]:
    """A measure row as the form's fields (strings, as a browser sends them)."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return {
        "name": row["name"],
        "unit": row["unit"],
        "direction": row["direction"],
        "frequency": row["frequency"],
        "baseline": number(row["baseline"]),
        "target": number(row["target"]),
        "data_source": row["data_source"],
        "rules": row["rules"],
        "baseline_points": "" if row["baseline_points"] is None else str(row["baseline_points"]),
    }


def _in_form_order(state: FormState) -> FormState:
    order = (*FORM_ORDER, "baseline_points")
    state.errors = dict(
        sorted(state.errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)
    )
    return state


def _required(page: Page, state: FormState, name: str, field: str | None = None) -> None:
    """The domain's sentence for a required field left blank, next to the form's field."""
    message = "{field} is required and cannot be blank."
    state.errors[name] = page.error_text(message, {"field": field or name})


def _require(conn: Connection, measure_id: UUID) -> dict[str, Any]:
    row = read_model.get(conn, measure_id)
    if row is None:
        raise RecordNotFound("There is no measure with id {id}.", id=measure_id)
    return row
