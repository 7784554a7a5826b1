"""/api/experiments: PDSA cycles under an initiative — plan, edit, start, observe,
study, decide (adapt may plan the next cycle), cancel; reads, cycles, learning log
and counts per unit and month.

Planned under an initiative (`POST /api/initiatives/{id}/experiments`); only the
title and the change idea are needed. Observed numbers are a small list of
`{name, value}` pairs (`values`), the name optional: `[{"value": 12}]` is one number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt
from sqlalchemy import Connection

from api.deps import AsOf, Commands, PlausibleDay, ServicesDep, View, etag, page_limit
from api.errors import BadRequest, problem_responses
from api.request_types import Between, Day, MaxChars, MaxItems
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field, client_cursor
from api.views import PersonRef
from domain.errors import RecordNotFound
from domain.experiment import (
    CHANGE_IDEA_MAX,
    MEASURE_MAX,
    MEASURES_MAX,
    OBSERVATION_MAX,
    REASON_MAX,
    STUDY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    VALUE_NAME_MAX,
    VALUES_MAX,
    Decision,
    Stage,
    title_from,
)
from domain.values import NUMBER_MAX
from present import experiments as experiment_views
from present import initiatives as initiative_views
from projections import experiments as read_model
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/experiments", tags=["experiments"])
initiative_router = APIRouter(prefix="/api/initiatives", tags=["experiments"])
ExperimentId = Annotated[UUID, Path(description="The experiment's id")]
InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
DateFrom = Annotated[date | None, Query(alias="from", description="On or after this date"), PlausibleDay]
DateTo = Annotated[date | None, Query(alias="to", description="On or before this date"), PlausibleDay]


# ---- request bodies ----------------------------------------------------------------


PlanText = Annotated[str, MaxChars(TEXT_MAX)]
Title = Annotated[str, MaxChars(TITLE_MAX)]
ChangeIdea = Annotated[str, MaxChars(CHANGE_IDEA_MAX)]
MeasureNames = Annotated[list[Annotated[str, MaxChars(MEASURE_MAX)]], MaxItems(MEASURES_MAX)]


class PlanFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: PlanText = Field(default="", examples=["Lyheneekö aamun puhelinjono?"])
    prediction: PlanText = Field(
        default="", examples=["Odotamme, että aamun soittoja tulee kolmannes vähemmän."]
    )
    plan_who: PlanText = Field(default="", description="Plan: who does it")
    plan_what: PlanText = Field(default="", description="Plan: what is done")
    plan_when: PlanText = Field(default="", description="Plan: when, in words")
    plan_where: PlanText = Field(default="", description="Plan: where")
    measures: MeasureNames = Field(default_factory=list, description="Names of the measures it watches")
    planned_start: Day | None = None
    planned_end: Day | None = None


class ExperimentCreate(PlanFields):
    """Only the title and the change idea are required: log it now, plan the rest later."""

    title: Title = Field(examples=["Vapaat ajat Facebookissa"])
    change_idea: ChangeIdea = Field(
        examples=["Kiirevastaanoton vapaat ajat kerrotaan aamulla Facebook-sivulla."]
    )
    occurred_on: Day | None = Field(default=None, description="When it was planned, if earlier")


class ExperimentDone(BaseModel):
    """An experiment that already happened, told in one request: it is recorded as planned and
    started on `started_on`, studied and decided on `ended_on`, or, when any part is refused,
    not at all (every refusal named at once)."""

    model_config = ConfigDict(extra="forbid")
    change_idea: ChangeIdea = Field(examples=["Kiirevastaanoton vapaat ajat kerrotaan aamulla Facebookissa."])
    title: Title | None = Field(default=None, description="Without one, the change idea's first words")
    prediction: PlanText = ""
    started_on: Day | None = Field(default=None, description="When it started (default: not given)")
    ended_on: Day | None = Field(default=None, description="When it ended, not before it started")
    result: Annotated[str, MaxChars(STUDY_MAX)] = Field(description="What happened, against the prediction")
    learning: Annotated[str, MaxChars(STUDY_MAX)] = Field(description="What we learned")
    decision: Decision
    rationale: Annotated[str, MaxChars(STUDY_MAX)] = ""


class ExperimentPatch(BaseModel):
    """Only the fields present are changed; null clears a planned date."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    change_idea: ChangeIdea | None = None
    question: PlanText | None = None
    prediction: PlanText | None = None
    plan_who: PlanText | None = None
    plan_what: PlanText | None = None
    plan_when: PlanText | None = None
    plan_where: PlanText | None = None
    measures: MeasureNames | None = None
    planned_start: Day | None = None
    planned_end: Day | None = None


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occurred_on: Day | None = Field(default=None, description="When it happened, if earlier")


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=VALUE_NAME_MAX, examples=["aamun puhelut"])
    value: Annotated[StrictInt | StrictFloat, Between(-NUMBER_MAX, NUMBER_MAX)] = Field(examples=[12])


class ObservationIn(StepIn):
    text: Annotated[str, MaxChars(OBSERVATION_MAX)] = Field(
        examples=["Ensimmäinen aamu: 12 soittoa, ennen noin 20."]
    )
    values: Annotated[list[ValueIn], MaxItems(VALUES_MAX)] = Field(
        default_factory=list, description=f"Numbers observed (at most {VALUES_MAX})"
    )


class StudyIn(StepIn):
    result: Annotated[str, MaxChars(STUDY_MAX)] = Field(description="What happened, against the prediction")
    learning: Annotated[str, MaxChars(STUDY_MAX)] = Field(description="What we learned")


class NextCycleIn(ExperimentPatch):
    """The next cycle's plan; what is left out is carried over from this cycle
    (title, question, change idea, measures)."""


class DecisionIn(StepIn):
    decision: Decision
    rationale: Annotated[str, MaxChars(STUDY_MAX)] = ""
    next_cycle: NextCycleIn | None = Field(default=None, description="adapt only: plan the next cycle")


class CancelIn(StepIn):
    reason: Annotated[str, MaxChars(REASON_MAX)]


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class ObservationOut(BaseModel):
    id: str
    text: str
    values: list[dict[str, Any]]
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


class ExperimentSummary(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    initiative: Ref
    organisation: Ref | None
    unit: Ref | None = Field(description="The initiative's unit when the experiment was planned")
    follows: str | None = Field(description="The previous cycle of the same change idea")
    next_cycle_id: str | None
    chain_id: str = Field(description="The first cycle's id, shared by every cycle of the chain")
    cycle: int
    title: str
    question: str
    change_idea: str
    prediction: str
    plan_who: str
    plan_what: str
    plan_when: str
    plan_where: str
    measures: list[str]
    planned_start: date | None
    planned_end: date | None
    stage: Stage
    allowed_steps: list[str]
    result: str
    learning: str
    decision: Decision | None
    rationale: str
    cancel_reason: str
    observations_count: int
    logged_on: date
    started_on: date | None
    studied_on: date | None
    decided_on: date | None
    cancelled_on: date | None
    created_at: datetime
    updated_at: datetime


class ExperimentOut(ExperimentSummary):
    observations: list[ObservationOut]
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class ExperimentPage(BaseModel):
    items: list[ExperimentSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


class LearningEntry(BaseModel):
    position: int
    kind: str = Field(description="studied or decided")
    experiment: Ref
    cycle: int
    prediction: str
    result: str
    learning: str
    decision: Decision | None
    rationale: str
    next_cycle_id: str | None
    occurred_on: date | None
    recorded_at: datetime
    actor: PersonRef


class LearningLog(BaseModel):
    initiative: Ref
    items: list[LearningEntry]
    as_of: datetime | None = None


class Decisions(BaseModel):
    adopt: int
    adapt: int
    abandon: int


class StatsRow(BaseModel):
    unit: Ref | None
    month: str = Field(examples=["2016-11"])
    planned: int
    started: int
    studied: int
    decided: int
    cancelled: int
    decisions: Decisions


class Stats(BaseModel):
    date_from: date | None = Field(serialization_alias="from")
    date_to: date | None = Field(serialization_alias="to")
    items: list[StatsRow]


# ---- rendering ---------------------------------------------------------------------


def render_many(conn: Connection, rows: list[dict[str, Any]], as_of: int | None) -> list[dict[str, Any]]:
    return [
        ExperimentSummary.model_validate(
            {
                **view,
                "initiative": Ref(id=view["initiative_id"], name=view["initiative_title"]),
                "organisation": _ref(view["organisation_id"], view["organisation"]),
                "unit": _ref(view["unit_id"], view["unit"]),
            }
        ).model_dump(mode="json")
        for view in experiment_views.summaries(conn, rows, as_of)
    ]


def _ref(place_id: str | None, name: str | None) -> Ref | None:
    return Ref(id=place_id, name=name or "") if place_id else None


def render(
    conn: Connection, people: PeopleRegistry, experiment_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position = view.position if view else None
    row = experiment_views.require(conn, experiment_id, position, view.moment if view else None)
    body = render_many(conn, [row], position)[0]
    body["observations"] = [
        ObservationOut(
            id=o["observation_id"],
            text=o["text"],
            values=o["values"],
            occurred_on=o["occurred_on"],
            recorded_at=o["recorded_at"],
            author=PersonRef(id=o["actor_id"], name=o["author"]),
        ).model_dump(mode="json")
        for o in experiment_views.observations(conn, people, experiment_id, position)
    ]
    body["as_of"] = view.moment.isoformat() if view and view.moment else None
    return body


def _location(experiment_id: UUID) -> str:
    return f"/api/experiments/{experiment_id}"


def _renderer(services: Services) -> Any:
    return lambda conn, rid: render(conn, services.people, rid)


def _check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_to < date_from:
        raise BadRequest(f"to ({date_to.isoformat()}) is before from ({date_from.isoformat()}).")


# ---- commands ----------------------------------------------------------------------


@initiative_router.post(
    "/{initiative_id}/experiments",
    status_code=201,
    response_model=ExperimentOut,
    responses=problem_responses(404, 409, 422),
    summary="Plan an experiment under an initiative (only title and change_idea required)",
)
def plan(
    initiative_id: InitiativeId, body: ExperimentCreate, commands: Commands, services: ServicesDep
) -> Response:
    fields = body.model_dump(exclude={"occurred_on"}, exclude_unset=True)
    fields.update(title=body.title, change_idea=body.change_idea)
    return commands.run(
        lambda ctx: services.app.plan_experiment(
            ctx, initiative_id, fields=fields, occurred_on=body.occurred_on
        ),
        _renderer(services),
        created=True,
        location=_location,
    )


@initiative_router.post(
    "/{initiative_id}/experiments/done",
    status_code=201,
    response_model=ExperimentOut,
    responses=problem_responses(404, 409, 422),
    summary="Record an experiment that already happened: plan, start, study and decision at once",
)
def log_done(
    initiative_id: InitiativeId, body: ExperimentDone, commands: Commands, services: ServicesDep
) -> Response:
    title = body.title if body.title is not None else title_from(body.change_idea)
    fields: dict[str, Any] = {"change_idea": body.change_idea, **({"title": title} if title else {})}
    if body.prediction:
        fields["prediction"] = body.prediction
    return commands.run(
        lambda ctx: services.app.log_done_experiment(
            ctx,
            initiative_id,
            fields=fields,
            started_on=body.started_on,
            ended_on=body.ended_on,
            result=body.result,
            learning=body.learning,
            decision=body.decision.value,
            rationale=body.rationale,
        ),
        _renderer(services),
        created=True,
        location=_location,
    )


@router.patch(
    "/{experiment_id}",
    response_model=ExperimentOut,
    responses=WRITE_ERRORS,
    summary="Edit the plan while planned or started (send If-Match with the ETag you read)",
)
def edit(
    experiment_id: ExperimentId, body: ExperimentPatch, commands: Commands, services: ServicesDep
) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return commands.run(
        lambda ctx: services.app.edit_experiment(ctx, experiment_id, fields=fields), _renderer(services)
    )


@router.post(
    "/{experiment_id}/start", response_model=ExperimentOut, responses=WRITE_ERRORS, summary="Start it"
)
def start(
    experiment_id: ExperimentId,
    commands: Commands,
    services: ServicesDep,
    body: Annotated[StepIn | None, Body()] = None,
) -> Response:
    given = body or StepIn()
    return commands.run(
        lambda ctx: services.app.start_experiment(ctx, experiment_id, occurred_on=given.occurred_on),
        _renderer(services),
    )


@router.post(
    "/{experiment_id}/observations",
    response_model=ExperimentOut,
    responses=WRITE_ERRORS,
    summary="Record an observation while it runs (back-datable)",
)
def observe(
    experiment_id: ExperimentId, body: ObservationIn, commands: Commands, services: ServicesDep
) -> Response:
    values = [v.model_dump() for v in body.values]
    return commands.run(
        lambda ctx: services.app.record_observation(
            ctx, experiment_id, text=body.text, values=values, occurred_on=body.occurred_on
        ),
        _renderer(services),
    )


@router.post(
    "/{experiment_id}/study",
    response_model=ExperimentOut,
    responses=WRITE_ERRORS,
    summary="Study it: what happened against the prediction, what was learned",
)
def study(experiment_id: ExperimentId, body: StudyIn, commands: Commands, services: ServicesDep) -> Response:
    return commands.run(
        lambda ctx: services.app.study_experiment(
            ctx, experiment_id, result=body.result, learning=body.learning, occurred_on=body.occurred_on
        ),
        _renderer(services),
    )


@router.post(
    "/{experiment_id}/decision",
    response_model=ExperimentOut,
    responses=WRITE_ERRORS,
    summary="Decide: adopt, adapt (optionally planning the next cycle) or abandon",
)
def decide(
    experiment_id: ExperimentId, body: DecisionIn, commands: Commands, services: ServicesDep
) -> Response:
    next_cycle = body.next_cycle.model_dump(exclude_unset=True) if body.next_cycle is not None else None
    return commands.run(
        lambda ctx: services.app.decide_experiment(
            ctx,
            experiment_id,
            decision=body.decision.value,
            rationale=body.rationale,
            occurred_on=body.occurred_on,
            next_cycle=next_cycle,
        ),
        _renderer(services),
    )


@router.post(
    "/{experiment_id}/cancel",
    response_model=ExperimentOut,
    responses=WRITE_ERRORS,
    summary="Cancel it, with a reason",
)
def cancel(
    experiment_id: ExperimentId, body: CancelIn, commands: Commands, services: ServicesDep
) -> Response:
    return commands.run(
        lambda ctx: services.app.cancel_experiment(
            ctx, experiment_id, reason=body.reason, occurred_on=body.occurred_on
        ),
        _renderer(services),
    )


# ---- reads -------------------------------------------------------------------------


def _list(
    services: Services,
    view: AsOf,
    flt: read_model.ExperimentFilter,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    _check_period(flt.date_from, flt.date_to)
    with services.projector.engine.connect() as conn:
        if flt.initiative_id is not None:
            initiative_views.require(conn, flt.initiative_id, view.position)
        with client_cursor():
            rows, next_cursor = read_model.search(conn, flt, limit=limit, cursor=cursor, as_of=view.position)
        items = render_many(conn, rows, view.position)
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@router.get("", response_model=ExperimentPage, responses=problem_responses(), summary="List and filter")
def list_experiments(
    services: ServicesDep,
    view: View,
    stage: Stage | None = None,
    decision: Decision | None = None,
    initiative_id: UUID | None = None,
    unit_id: UUID | None = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    flt = read_model.ExperimentFilter(
        stage=stage.value if stage else None,
        decision=decision.value if decision else None,
        initiative_id=initiative_id,
        unit_id=unit_id,
        date_from=date_from,
        date_to=date_to,
        archived=archived,
    )
    return _list(services, view, flt, limit, cursor)


@initiative_router.get(
    "/{initiative_id}/experiments",
    response_model=ExperimentPage,
    responses=problem_responses(404),
    summary="The initiative's experiments",
)
def initiative_experiments(
    initiative_id: InitiativeId,
    services: ServicesDep,
    view: View,
    stage: Stage | None = None,
    decision: Decision | None = None,
    limit: int = page_limit(),
    cursor: str | None = None,
) -> dict[str, Any]:
    flt = read_model.ExperimentFilter(
        stage=stage.value if stage else None,
        decision=decision.value if decision else None,
        initiative_id=initiative_id,
    )
    return _list(services, view, flt, limit, cursor)


@initiative_router.get(
    "/{initiative_id}/learning-log",
    response_model=LearningLog,
    responses=problem_responses(404),
    summary="Every study and decision of the initiative's experiments, in order",
)
def learning_log(initiative_id: InitiativeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        initiative = initiative_views.require(conn, initiative_id, view.position)
        entries = experiment_views.learning_log(conn, services.people, initiative_id, view.position)
    items = [
        LearningEntry.model_validate(
            {
                **e,
                "experiment": Ref(id=e["experiment_id"], name=e["experiment_title"]),
                "actor": PersonRef(id=e["actor_id"], name=e["actor"]),
            }
        ).model_dump(mode="json")
        for e in entries
    ]
    return {
        "initiative": {"id": initiative["id"], "name": initiative["title"]},
        "items": items,
        "as_of": view.moment,
    }


@router.get(
    "/stats",
    response_model=Stats,
    response_model_by_alias=True,
    responses=problem_responses(),
    summary="Counts per unit and month: planned, started, studied, decided (by decision), cancelled",
)
def stats(
    services: ServicesDep, view: View, date_from: DateFrom = None, date_to: DateTo = None
) -> dict[str, Any]:
    _check_period(date_from, date_to)
    with services.projector.engine.connect() as conn:
        items = experiment_views.stats(conn, date_from, date_to)
    return {"date_from": date_from, "date_to": date_to, "items": items}


@router.get(
    "/{experiment_id}",
    response_model=ExperimentOut,
    responses=problem_responses(404),
    summary="One experiment (ETag = version)",
)
def get_experiment(experiment_id: ExperimentId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, services.people, experiment_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


@router.get(
    "/{experiment_id}/cycles",
    response_model=list[ExperimentSummary],
    responses=problem_responses(404),
    summary="The chain of cycles of this change idea (linked by follows), first cycle first",
)
def experiment_cycles(experiment_id: ExperimentId, services: ServicesDep, view: View) -> list[dict[str, Any]]:
    with services.projector.engine.connect() as conn:
        rows = read_model.cycles(conn, experiment_id, view.position)
        if not rows:
            raise RecordNotFound("There is no experiment with id {id}.", id=experiment_id)
        return render_many(conn, rows, view.position)


add_history_route(
    router,
    record_type="experiment",
    id_name="experiment_id",
    id_type=ExperimentId,
    name="experiment_history",
)
