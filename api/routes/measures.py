"""/api/measures: an initiative's measures — define, edit, record values by period,
correct them, annotate change points — and the run chart, as JSON and as SVG.

Defined under an initiative (`POST /api/initiatives/{id}/measures`), in any lifecycle
status: measuring goes on after an initiative is completed. A period has one value; a
wrong value is corrected (`POST …/corrections` with its `value_id`), and both numbers
stay in the history. Every read takes `?as_of=`: the chart as of a moment shows what
Kipinä knew then, values recorded or corrected later left out.

How a measure, its values, annotations and run chart are shown is `present.measures`;
this module parses requests, runs commands and serialises those views.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Connection

from api.deps import AsOf, Commands, ServicesDep, View, etag
from api.errors import problem_responses
from api.request_types import Between, Day, MaxChars
from api.routes import drawings
from api.routes.common import WRITE_ERRORS, add_history_route, archived_field
from api.routes.drawings import LangQuery
from api.views import PersonRef
from domain.errors import RecordNotFound
from domain.measure import (
    ANNOTATION_MAX,
    BASELINE_POINTS_MAX,
    DATA_SOURCE_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    UNIT_MAX,
    Direction,
    Frequency,
)
from domain.measure_series import SERIES_CHARS_MAX, SERIES_LINES_MAX
from domain.run_chart import RuleSet
from domain.values import NUMBER_MAX
from present import measures
from projections import initiatives as initiatives_read_model
from projections import measures as read_model
from services.measure_series import check_series, record_series
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/measures", tags=["measures"])
initiative_router = APIRouter(prefix="/api/initiatives", tags=["measures"])
MeasureId = Annotated[UUID, Path(description="The measure's id")]
InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
ValueId = Annotated[UUID, Path(description="The value's id")]
AnnotationId = Annotated[UUID, Path(description="The annotation's id")]
# Strict: a number in JSON, never a string or a boolean (an integer is fine).
Number = Annotated[float, Field(strict=True), Between(-NUMBER_MAX, NUMBER_MAX)]
BaselinePoints = Annotated[StrictInt, Between(1, BASELINE_POINTS_MAX)]
Name = Annotated[str, MaxChars(NAME_MAX)]
DataSource = Annotated[str, MaxChars(DATA_SOURCE_MAX)]
Note = Annotated[str, MaxChars(NOTE_MAX)]

PERIOD_DESCRIPTION = (
    "The period the value is for, by the measure's frequency: daily or irregular 2019-03-14; "
    "weekly 2019-W12; monthly 2019-03; quarterly 2019-Q1; yearly 2019. A date is accepted for any "
    "frequency and means the period it falls in. Not a period that has not begun."
)


# ---- request bodies ----------------------------------------------------------------


class MeasureCreate(BaseModel):
    """Name, direction and frequency are required; the rest can come later."""

    model_config = ConfigDict(extra="forbid")
    name: Name = Field(examples=["Hoitajan aamukäyntien odotusaika"])
    unit: Annotated[str, MaxChars(UNIT_MAX)] = Field(default="", examples=["min"])
    direction: Direction = Field(description="up = more is better, down = less is better")
    frequency: Frequency = Field(description="How often a value is recorded: the periods values are for")
    baseline: Number | None = Field(default=None, description="The level before the change", examples=[35])
    target: Number | None = Field(default=None, description="The level aimed at", examples=[20])
    data_source: DataSource = Field(default="", examples=["Kotihoidon toiminnanohjausjärjestelmä"])
    rules: RuleSet = Field(
        default=RuleSet.ANHOJ, description="The run chart's signal rules: anhoj (default) or ihi"
    )
    baseline_points: BaselinePoints | None = Field(
        default=None, description="Freeze the chart's median after this many points (at least 1)"
    )
    occurred_on: Day | None = Field(default=None, description="When it was defined, if earlier")


class MeasurePatch(BaseModel):
    """Only the fields present are changed; null clears baseline, target or baseline_points.
    The frequency cannot change once values are recorded."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    unit: Annotated[str, MaxChars(UNIT_MAX)] | None = None
    direction: Direction | None = None
    frequency: Frequency | None = None
    baseline: Number | None = None
    target: Number | None = None
    data_source: DataSource | None = None
    rules: RuleSet | None = None
    baseline_points: BaselinePoints | None = None


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(description=PERIOD_DESCRIPTION, examples=["2019-03"])
    value: Number = Field(description="A finite number", examples=[34])
    note: Note = Field(default="", examples=["Kaksi hoitajaa sairaana"])
    occurred_on: Day | None = Field(default=None, description="When it was measured, if earlier")


class SeriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: Annotated[str, MaxChars(SERIES_CHARS_MAX)] = Field(
        description=(
            f"At most {SERIES_LINES_MAX} lines, one per value: a period and its value (and an "
            "optional note), separated by a tab, a semicolon or a comma, as pasted from a "
            "spreadsheet. A decimal comma or point; a header line, blank lines and a BOM are skipped."
        ),
        examples=["2019-01\t34\n2019-02\t31,5"],
    )
    dry_run: bool = Field(default=False, description="Judge the lines and record nothing (a preview)")


class CorrectionIn(BaseModel):
    """A new number for a recorded value; the old one stays in the history."""

    model_config = ConfigDict(extra="forbid")
    value_id: UUID = Field(description="The value to correct")
    value: Number = Field(description="The right number", examples=[43])
    note: Note | None = Field(default=None, description="A new note; left out, the note stays")
    reason: Annotated[str, MaxChars(REASON_MAX)] = Field(default="", examples=["Näppäilyvirhe"])
    occurred_on: Day | None = Field(default=None, description="When it was corrected, if earlier")


class AnnotationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: Day = Field(description="The day of the change", examples=["2019-04-01"])
    text: Annotated[str, MaxChars(ANNOTATION_MAX)] = Field(examples=["Kotiutuksen tarkistuslista käyttöön"])
    experiment_id: UUID | None = Field(default=None, description="An experiment of the same initiative")
    occurred_on: Day | None = Field(default=None, description="When it was recorded, if earlier")


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class MeasureSummary(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    initiative: Ref
    name: str
    unit: str
    direction: Direction
    frequency: Frequency
    baseline: float | None
    target: float | None
    data_source: str
    rules: RuleSet
    baseline_points: int | None
    values_count: int
    corrections_count: int
    annotations_count: int
    last_value_on: date | None = Field(description="The first day of the latest period with a value")
    defined_on: date
    created_at: datetime
    updated_at: datetime


class SeriesLineOut(BaseModel):
    line: int = Field(description="The line's number in the text; the first line is 1")
    result: Literal["new", "recorded", "already_recorded", "rejected"] = Field(
        description="new: valid, to be recorded (a dry run); already_recorded: the measure has this "
        "very value for the period"
    )
    period: str | None = Field(description="The period as the measure writes it, when it could be read")
    value: float | None
    note: str
    reasons: list[str] = Field(description="Why a rejected line records nothing")


class SeriesOut(BaseModel):
    version: int = Field(description="The measure's version after this request")
    to_record: int = Field(description="Valid new lines not recorded (a dry run)")
    recorded: int
    already_recorded: int
    rejected: int
    lines: list[SeriesLineOut]


class MeasureOut(MeasureSummary):
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class MeasureList(BaseModel):
    initiative: Ref
    items: list[MeasureSummary] = Field(description="In the order defined")
    as_of: datetime | None = None


class ValueStep(BaseModel):
    kind: Literal["recorded", "corrected"]
    value: float
    note: str
    previous_value: float | None = Field(description="For a correction: the number it replaced")
    reason: str
    occurred_on: date | None
    recorded_at: datetime
    actor: PersonRef


class ValueOut(BaseModel):
    id: str
    measure_id: str
    period: str
    day: date = Field(description="The period's first day (the chart's x)")
    value: float = Field(description="The current number (after corrections)")
    note: str
    corrected: bool
    occurred_on: date | None
    recorded_at: datetime = Field(description="When it was first recorded")
    author: PersonRef
    history: list[ValueStep] = Field(description="Recorded, then each correction, oldest first")


class ValueTable(BaseModel):
    measure: MeasureSummary
    items: list[ValueOut] = Field(description="One per period, oldest period first")
    as_of: datetime | None = None


class AnnotationOut(BaseModel):
    id: str
    day: date
    text: str
    experiment: Ref | None
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


class AnnotationList(BaseModel):
    items: list[AnnotationOut] = Field(description="By day")
    as_of: datetime | None = None


class ChartPointOut(BaseModel):
    value_id: str
    period: str
    day: date
    value: float
    corrected: bool
    signals: list[str] = Field(description="The rules that mark this point")


class SignalOut(BaseModel):
    rule: str = Field(
        description="shift, trend, too_few_runs, too_many_runs, astronomical (ihi); "
        "long_run, few_crossings (anhoj)"
    )
    indexes: list[int] = Field(description="0-based indexes into points; empty for whole-chart signals")
    detail: str


class AnalysisOut(BaseModel):
    n: int = Field(description="Points")
    useful: int = Field(description="Points not on the median")
    runs: int
    longest_run: int
    crossings: int
    enough_points: bool = Field(description="Enough useful points (10) for the runs-based rules")
    baseline_used: int = Field(description="How many points the median was computed from")


class Chart(BaseModel):
    measure: MeasureSummary
    points: list[ChartPointOut] = Field(description="In time order")
    median: float | None
    baseline: float | None = Field(description="The measure's baseline level")
    target: float | None
    rules: RuleSet
    analysis: AnalysisOut
    limits: dict[str, float | int | None]
    signals: list[SignalOut]
    annotations: list[AnnotationOut]
    as_of: datetime | None = None


# ---- serialising -----------------------------------------------------------------
# The views come from present.measures; these turn them into the JSON the API answers with.


def render(conn: Connection, measure_id: UUID, view: AsOf | None = None) -> dict[str, Any]:
    """One measure's definition and counts."""
    position, moment = (view.position, view.moment) if view else (None, None)
    shown = measures.measure(conn, measure_id, position, moment)
    body = MeasureSummary.model_validate(shown).model_dump(mode="json")
    body["as_of"] = moment.isoformat() if moment else None
    return body


def render_value(
    conn: Connection, people: PeopleRegistry, measure_id: UUID, value_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position, moment = (view.position, view.moment) if view else (None, None)
    found = measures.value(conn, people, measure_id, value_id, position, moment)
    return ValueOut.model_validate(found).model_dump(mode="json")


def _annotation(
    conn: Connection, people: PeopleRegistry, measure_id: UUID, annotation_id: UUID, view: AsOf | None
) -> dict[str, Any]:
    position, moment = (view.position, view.moment) if view else (None, None)
    found = measures.annotation(conn, people, measure_id, annotation_id, position, moment)
    return AnnotationOut.model_validate(found).model_dump(mode="json")


def _location(measure_id: UUID) -> str:
    return f"/api/measures/{measure_id}"


# ---- commands ----------------------------------------------------------------------


@initiative_router.post(
    "/{initiative_id}/measures",
    status_code=201,
    response_model=MeasureOut,
    responses=problem_responses(404, 409, 422),
    summary="Define a measure under an initiative (name, direction and frequency required)",
)
def define(
    initiative_id: InitiativeId, body: MeasureCreate, commands: Commands, services: ServicesDep
) -> Response:
    fields = body.model_dump(exclude={"occurred_on"})
    return commands.run(
        lambda ctx: services.app.define_measure(
            ctx, initiative_id, fields=fields, occurred_on=body.occurred_on
        ),
        render,
        created=True,
        location=_location,
    )


@router.patch(
    "/{measure_id}",
    response_model=MeasureOut,
    responses=WRITE_ERRORS,
    summary="Correct the definition (send If-Match with the ETag you read); history keeps the old values",
)
def edit(measure_id: MeasureId, body: MeasurePatch, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return commands.run(lambda ctx: services.app.edit_measure(ctx, measure_id, fields=fields), render)


@router.post(
    "/{measure_id}/values",
    status_code=201,
    response_model=ValueOut,
    responses=WRITE_ERRORS,
    summary="Record the value of a period (back-datable); a second value for the same period is 409",
)
def record_value(measure_id: MeasureId, body: ValueIn, commands: Commands, services: ServicesDep) -> Response:
    # Derived from the Idempotency-Key when there is one: a retry names the same value.
    value_id = services.app.new_id(commands.ctx)
    return commands.run(
        lambda ctx: services.app.record_measure_value(
            ctx,
            measure_id,
            value_id=value_id,
            period=body.period,
            value=body.value,
            note=body.note,
            occurred_on=body.occurred_on,
        ),
        lambda conn, rid: render_value(conn, services.people, rid, value_id),
        created=True,
        location=lambda rid: f"/api/measures/{rid}/values/{value_id}",
    )


@router.post(
    "/{measure_id}/values/bulk",
    response_model=SeriesOut,
    responses=WRITE_ERRORS,
    summary="Record a series of values at once, pasted from a spreadsheet; each line judged on its own",
    description=(
        "Every line is judged against the measure as it is now. Valid new lines are recorded "
        "together; a rejected line records nothing and is listed with its number and reasons. "
        "A period the measure already has with the same number is `already_recorded` (sending "
        "the same series twice records nothing twice); with another number it is rejected: a "
        "series never overwrites a value (use `/corrections`). With `dry_run` nothing is "
        "recorded. A series with no line, too many lines or too many characters is 422."
    ),
)
def record_values(
    measure_id: MeasureId, body: SeriesIn, commands: Commands, services: ServicesDep
) -> dict[str, Any]:
    if body.dry_run:
        return check_series(services, measure_id, body.lines).as_json()
    return record_series(services, commands.ctx, measure_id, body.lines).as_json()


@router.post(
    "/{measure_id}/corrections",
    response_model=ValueOut,
    responses=WRITE_ERRORS,
    summary="Correct a recorded value: a new number (and note), the old one stays in the history",
)
def correct_value(
    measure_id: MeasureId, body: CorrectionIn, commands: Commands, services: ServicesDep
) -> Response:
    return commands.run(
        lambda ctx: services.app.correct_measure_value(
            ctx,
            measure_id,
            value_id=body.value_id,
            value=body.value,
            note=body.note,
            reason=body.reason,
            occurred_on=body.occurred_on,
        ),
        lambda conn, rid: render_value(conn, services.people, rid, body.value_id),
    )


@router.post(
    "/{measure_id}/annotations",
    status_code=201,
    response_model=AnnotationOut,
    responses=WRITE_ERRORS,
    summary="Annotate a change point, optionally linked to an experiment of the same initiative",
)
def annotate(
    measure_id: MeasureId, body: AnnotationIn, commands: Commands, services: ServicesDep
) -> Response:
    annotation_id = services.app.new_id(commands.ctx)

    def render_annotation(conn: Connection, rid: UUID) -> dict[str, Any]:
        return _annotation(conn, services.people, rid, annotation_id, None)

    return commands.run(
        lambda ctx: services.app.annotate_measure(
            ctx,
            measure_id,
            annotation_id=annotation_id,
            day=body.day,
            text=body.text,
            experiment_id=body.experiment_id,
            occurred_on=body.occurred_on,
        ),
        render_annotation,
        created=True,
        location=lambda rid: f"/api/measures/{rid}/annotations/{annotation_id}",
    )


# ---- reads -------------------------------------------------------------------------


@initiative_router.get(
    "/{initiative_id}/measures",
    response_model=MeasureList,
    responses=problem_responses(404),
    summary="The initiative's measures",
)
def initiative_measures(initiative_id: InitiativeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        initiative = initiatives_read_model.get(conn, initiative_id, view.position)
        if initiative is None:
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        rows = read_model.search(conn, initiative_id=initiative_id, as_of=view.position)
        items = measures.summaries(conn, rows, view.position)
    return {
        "initiative": {"id": initiative["id"], "name": initiative["title"]},
        "items": items,
        "as_of": view.moment,
    }


@router.get(
    "/{measure_id}", response_model=MeasureOut, responses=problem_responses(404), summary="One measure (ETag)"
)
def get_measure(measure_id: MeasureId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, measure_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    router,
    record_type="measure",
    id_name="measure_id",
    id_type=MeasureId,
    missing=lambda measure_id, view: measures.not_found(measure_id, view.moment),
    name="measure_history",
    summary="Every change, field by field: values as values.<period>, corrections old → new",
)


@router.get(
    "/{measure_id}/values",
    response_model=ValueTable,
    responses=problem_responses(404),
    summary="The values as a table: one per period, with corrections (the chart's data)",
)
def list_values(measure_id: MeasureId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return measures.values_table(conn, services.people, measure_id, view.position, view.moment)


@router.get(
    "/{measure_id}/values/{value_id}",
    response_model=ValueOut,
    responses=problem_responses(404),
    summary="One value with its corrections",
)
def get_value(measure_id: MeasureId, value_id: ValueId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return render_value(conn, services.people, measure_id, value_id, view)


@router.get(
    "/{measure_id}/annotations",
    response_model=AnnotationList,
    responses=problem_responses(404),
    summary="The measure's annotations (change points), by day",
)
def list_annotations(measure_id: MeasureId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        items = measures.annotations_of(conn, services.people, measure_id, view.position, view.moment)
    return {"items": items, "as_of": view.moment}


@router.get(
    "/{measure_id}/annotations/{annotation_id}",
    response_model=AnnotationOut,
    responses=problem_responses(404),
    summary="One annotation",
)
def get_annotation(
    measure_id: MeasureId, annotation_id: AnnotationId, services: ServicesDep, view: View
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return _annotation(conn, services.people, measure_id, annotation_id, view)


@router.get(
    "/{measure_id}/chart",
    response_model=Chart,
    responses=problem_responses(404),
    summary="The run chart as data: points, median, target, signals and annotations (?as_of= supported)",
)
def chart(measure_id: MeasureId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return measures.chart(conn, services.people, measure_id, view.position, view.moment)


def _add_chart_image(fmt: str, *, name: str, description: str, summary: str) -> None:
    """GET /{measure_id}/chart.<fmt>: the run chart drawn, words in the reader's language.
    The endpoint keeps the function name each format always had (the OpenAPI operation id)."""

    def endpoint(
        measure_id: MeasureId, request: Request, services: ServicesDep, view: View, lang: LangQuery = None
    ) -> Response:
        chosen = drawings.language(request, lang)
        with services.projector.engine.connect() as conn:
            body = measures.chart(conn, services.people, measure_id, view.position, view.moment)
        svg = measures.chart_svg(body, lang=chosen, zone=ZoneInfo(services.settings.timezone))
        return drawings.drawing(svg, fmt, chosen)

    endpoint.__name__ = endpoint.__qualname__ = name
    router.get(
        f"/{{measure_id}}/chart.{fmt}",
        response_class=Response,
        responses={
            200: {"content": {drawings.MEDIA_TYPES[fmt]: {}}, "description": description},
            **problem_responses(404),
        },
        summary=summary,
    )(endpoint)


_add_chart_image(
    "svg",
    name="chart_image",
    description="The run chart",
    summary="The run chart as an accessible SVG (title, description; ?as_of= and ?lang= supported)",
)
_add_chart_image(
    "png",
    name="chart_png",
    description="The run chart as a PNG image",
    summary="The run chart as a PNG image, for slides and documents (?as_of= and ?lang= supported)",
)
