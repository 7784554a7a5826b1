"""Evaluations of initiatives (KS step 7) and the yearly follow-up.

`POST /api/initiatives/{id}/evaluations` records one (several over time); the list of an
initiative's evaluations carries the latest one and a `decision_hint` for the
evaluating → completed / spread decision. The hint only suggests: the move stays a
person's choice, made with the initiative's own lifecycle commands.

`GET /api/follow-up?year=` is the yearly look KS asks for ("rullere hvert år"): started
initiatives with no evaluation yet, completed ones whose measures still get values, and
those whose latest evaluation recommended spreading but have no good practice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt
from sqlalchemy import Connection

from api.deps import Commands, ServicesDep, View
from api.errors import problem_responses
from api.request_types import Between, Day, MaxChars, MaxItems
from api.views import PersonRef
from domain.errors import RecordNotFound
from domain.evaluation import (
    AMOUNT_MAX,
    FIGURES_MAX,
    LABEL_MAX,
    TEXT_MAX,
    UNIT_MAX,
    Method,
    Recommendation,
)
from domain.initiative import Status
from domain.values import NUMBER_MAX
from present import evaluations as evaluation_views
from present import initiatives as initiative_views
from present.evaluations import NO_GOOD_PRACTICE
from projections import evaluations as read_model
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/initiatives", tags=["evaluations"])
follow_up_router = APIRouter(prefix="/api/follow-up", tags=["evaluations"])
InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
EvaluationId = Annotated[UUID, Path(description="The evaluation's id")]


# ---- request bodies ----------------------------------------------------------------


EvaluationText = Annotated[str, MaxChars(TEXT_MAX)]


class FigureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Annotated[str, MaxChars(LABEL_MAX)] = Field(examples=["kotikäynnit viikossa"])
    value: Annotated[StrictInt | StrictFloat, Between(-NUMBER_MAX, NUMBER_MAX)] = Field(examples=[112])
    unit: Annotated[str, MaxChars(UNIT_MAX)] = Field(default="", examples=["kpl"])


class EffectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: EvaluationText = Field(
        default="", examples=["Työnjako selkeytyi; päällekkäiset käynnit loppuivat."]
    )
    figures: Annotated[list[FigureIn], MaxItems(FIGURES_MAX)] = Field(
        default_factory=list, description=f"At most {FIGURES_MAX} figures"
    )


class EffectsIn(BaseModel):
    """Effects on staff, on users (customers), on quality and on the economy; each optional."""

    model_config = ConfigDict(extra="forbid")
    staff: EffectIn | None = None
    users: EffectIn | None = None
    quality: EffectIn | None = None
    economy: EffectIn | None = None


class CostsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: EvaluationText = Field(default="", examples=["Kaksi koulutuspäivää ja ohjaajan työaikaa."])
    amount_eur: Annotated[StrictInt | StrictFloat, Between(0, AMOUNT_MAX)] | None = Field(
        default=None, description="Euros, 0 or more"
    )


class EvaluationIn(BaseModel):
    """At least one finding is needed: an effect, what worked, what did not, or a lesson."""

    model_config = ConfigDict(extra="forbid")
    evaluated_on: Day | None = Field(default=None, description="The day it was evaluated; today if left out")
    method: Method
    effects: EffectsIn = Field(default_factory=EffectsIn)
    costs: CostsIn = Field(default_factory=CostsIn)
    worked: EvaluationText = Field(default="", examples=["Yhteiset perehdytyskansiot"])
    did_not_work: EvaluationText = ""
    lessons: EvaluationText = Field(default="", examples=["Opas kannattaa tehdä ennen ensimmäistä kiertoa."])
    recommendation: Recommendation


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class Figure(BaseModel):
    label: str
    value: float
    unit: str


class Effect(BaseModel):
    text: str
    figures: list[Figure]


class Costs(BaseModel):
    text: str
    amount_eur: float | None


class EvaluationOut(BaseModel):
    id: str
    initiative: Ref
    evaluated_on: date
    method: Method
    effects: dict[str, Effect] = Field(description="staff, users, quality and economy, always all four")
    costs: Costs
    worked: str
    did_not_work: str
    lessons: str
    recommendation: Recommendation
    recorded_at: datetime
    author: PersonRef


class DecisionHint(BaseModel):
    """What the latest evaluation suggests; only a suggestion: nothing moves by itself."""

    status: Status = Field(description="The initiative's status now (or as of)")
    recommendation: Recommendation = Field(description="The latest evaluation's recommendation")
    evaluation_id: str
    suggested_moves: list[str] = Field(
        description="Lifecycle moves, allowed from the current status, that follow the recommendation "
        "(e.g. spread → complete, then spread); empty when none fits"
    )


class EvaluationPage(BaseModel):
    initiative: Ref
    items: list[EvaluationOut] = Field(description="Oldest first (by evaluated_on)")
    latest: EvaluationOut | None
    decision_hint: DecisionHint | None
    as_of: datetime | None = None


# ---- rendering ---------------------------------------------------------------------


def render_evaluations(
    conn: Connection, people: PeopleRegistry, initiative: dict[str, Any], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        EvaluationOut.model_validate(view).model_dump(mode="json")
        for view in evaluation_views.evaluations(conn, people, initiative, rows)
    ]


def render_one(
    conn: Connection,
    people: PeopleRegistry,
    initiative_id: UUID,
    evaluation_id: UUID,
    as_of: int | None = None,
) -> dict[str, Any]:
    initiative = initiative_views.require(conn, initiative_id, as_of)
    row = read_model.get(conn, initiative_id, evaluation_id, as_of)
    if row is None:
        raise RecordNotFound(
            "This initiative has no evaluation with id {evaluation_id}.", evaluation_id=evaluation_id
        )
    return render_evaluations(conn, people, initiative, [row])[0]


# ---- commands ----------------------------------------------------------------------


@router.post(
    "/{initiative_id}/evaluations",
    status_code=201,
    response_model=EvaluationOut,
    responses=problem_responses(404, 409, 412),
    summary="Record an evaluation: method, effects on staff, users, quality and economy, costs, "
    "what worked and what did not, lessons, recommendation",
    description="Possible once the work has started (in progress, evaluating, completed, spread, "
    "discontinued, or paused while under way). Several evaluations over time are normal; the "
    "latest one is offered as a hint when completing or spreading, never applied by itself.",
)
def record(
    initiative_id: InitiativeId, body: EvaluationIn, commands: Commands, services: ServicesDep
) -> Response:
    evaluation_id = services.app.new_id(commands.ctx)
    fields = body.model_dump(mode="python")
    fields["evaluated_on"] = body.evaluated_on or datetime.now(UTC).date()
    fields["effects"] = {area: effect for area, effect in fields["effects"].items() if effect is not None}
    return commands.run(
        lambda ctx: services.app.record_evaluation(
            ctx, initiative_id, fields=fields, evaluation_id=evaluation_id
        ),
        lambda conn, rid: render_one(conn, services.people, rid, evaluation_id),
        created=True,
        location=lambda rid: f"/api/initiatives/{rid}/evaluations/{evaluation_id}",
    )


# ---- reads -------------------------------------------------------------------------


@router.get(
    "/{initiative_id}/evaluations",
    response_model=EvaluationPage,
    responses=problem_responses(404),
    summary="The initiative's evaluations, the latest one and the decision hint it gives",
)
def list_evaluations(initiative_id: InitiativeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        initiative = initiative_views.require(conn, initiative_id, view.position)
        rows = read_model.of_initiative(conn, initiative_id, view.position)
        items = render_evaluations(conn, services.people, initiative, rows)
    latest_row = rows[-1] if rows else None  # of_initiative orders by evaluated_on, then log position
    latest = items[-1] if items else None
    return {
        "initiative": {"id": initiative["id"], "name": initiative["title"]},
        "items": items,
        "latest": latest,
        "decision_hint": evaluation_views.decision_hint(initiative["status"], latest_row),
        "as_of": view.moment,
    }


@router.get(
    "/{initiative_id}/evaluations/{evaluation_id}",
    response_model=EvaluationOut,
    responses=problem_responses(404),
    summary="One evaluation",
)
def get_evaluation(
    initiative_id: InitiativeId, evaluation_id: EvaluationId, services: ServicesDep, view: View
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return render_one(conn, services.people, initiative_id, evaluation_id, view.position)


# ---- the yearly follow-up ------------------------------------------------------------


class InitiativeRef(BaseModel):
    id: str
    name: str
    status: Status
    organisation_id: str | None


class NotEvaluated(BaseModel):
    initiative: InitiativeRef


class MeasureActivity(BaseModel):
    id: str
    name: str
    values_since_completion: int = Field(description="Values for days in the year, on or after completion")
    last_value_on: date | None


class StillMeasured(BaseModel):
    initiative: InitiativeRef
    completed_on: date | None = Field(description="When it was (last) completed, back-dated day if given")
    measures: list[MeasureActivity]


class EvaluationRef(BaseModel):
    id: str
    evaluated_on: date
    recommendation: Recommendation


class RecommendedSpreading(BaseModel):
    initiative: InitiativeRef
    evaluation: EvaluationRef
    good_practice: None = Field(
        default=None, description="Always null: initiatives with a good practice drafted are left out"
    )
    note: str = Field(examples=[NO_GOOD_PRACTICE])


class FollowUp(BaseModel):
    year: int
    organisation_id: str | None
    not_evaluated: list[NotEvaluated] = Field(
        description="Started initiatives (in progress, evaluating, completed, spread, or paused while "
        "under way) with no evaluation dated on or before the end of the year"
    )
    still_measured: list[StillMeasured] = Field(
        description="Completed or spread initiatives whose measures got values in the year, "
        "for days on or after the completion"
    )
    recommended_spreading: list[RecommendedSpreading] = Field(
        description="Initiatives (not discontinued) whose latest evaluation up to the end of the year "
        "recommended spreading, and that have no good practice"
    )
    as_of: datetime | None = None


@follow_up_router.get(
    "",
    response_model=FollowUp,
    responses=problem_responses(),
    summary="The yearly follow-up: not evaluated yet, still measured after completion, "
    "recommended spreading without a good practice",
)
def follow_up(
    services: ServicesDep,
    view: View,
    year: Annotated[
        int | None, Query(ge=1900, le=9999, description="The year; this year if left out")
    ] = None,
    organisation_id: Annotated[UUID | None, Query(description="Only this organisation's initiatives")] = None,
) -> dict[str, Any]:
    chosen = year or (view.moment or datetime.now(UTC)).year
    with services.projector.engine.connect() as conn:
        body = evaluation_views.follow_up(conn, chosen, view.position, organisation_id)
    return {**body, "as_of": view.moment}
