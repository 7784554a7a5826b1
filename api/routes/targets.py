"""/api/targets: development targets (KS steps 5–6; Heinävesi's common targets) — define,
edit, link and unlink initiatives, rotation placements and Change Day actions, review
yearly, retire; reads, history and the coverage view.

Linking an initiative also records `LinkedToTarget` on the initiative, and linking a
placement sets its `target_id`, in the same save: each record's history tells it. An
unlink is a command on the target (`POST …/unlink`, like `…/retire`), not a DELETE:
nothing is ever deleted, the link's history stays.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Connection

from api.deps import AsOf, Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import problem_responses
from api.request_types import Day, MaxChars
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field, client_cursor
from api.routes.evaluations import EvaluationRef
from api.views import PersonRef
from domain.development_target import (
    GOAL_MAX,
    TEXT_MAX,
    TITLE_MAX,
    RecordType,
    ResponsibleRole,
    ReviewDecision,
    ReviewStatus,
    Status,
    Strategy,
)
from present import targets as target_views
from projections import development_targets as read_model
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/targets", tags=["development targets"])
TargetId = Annotated[UUID, Path(description="The development target's id")]


# ---- request bodies ----------------------------------------------------------------


Title = Annotated[str, MaxChars(TITLE_MAX)]
StrategyGoal = Annotated[str, MaxChars(GOAL_MAX)]
Text = Annotated[str, MaxChars(TEXT_MAX)]


class TargetCreate(BaseModel):
    """A development target for a period, the strategy goal it serves, the kind of strategy
    (KS: mobilise, develop, acquire, phase out) and the role responsible for it."""

    model_config = ConfigDict(extra="forbid")
    title: Title = Field(examples=["Tavoitteellinen työkierto"])
    strategy_goal: StrategyGoal = Field(
        default="",
        examples=["Sosiaali- ja terveydenhuollon henkilöstön osaamisen ja hyvinvoinnin kehittäminen"],
    )
    strategy: Strategy
    responsible_role: ResponsibleRole
    period_start: Day = Field(examples=["2012-01-01"])
    period_end: Day = Field(examples=["2012-12-31"], description="On or after period_start")
    organisation_id: UUID | None = None
    description: Text = Field(default="", examples=["Opas tekeillä jo nyt."])
    occurred_on: Day | None = Field(default=None, description="When it was decided, if earlier")


class TargetPatch(BaseModel):
    """Only the fields present are changed (send If-Match with the ETag you read)."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    strategy_goal: StrategyGoal | None = None
    strategy: Strategy | None = None
    responsible_role: ResponsibleRole | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    organisation_id: UUID | None = None
    description: Text | None = None


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_type: RecordType = Field(description="initiative, rotation (a placement) or change_action")
    record_id: UUID
    cross_organisation: bool = Field(
        default=False,
        description="Confirms a link across organisations: without it, linking a record of another "
        "organisation is refused (422 naming both organisations)",
    )


class UnlinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_id: UUID
    reason: Text = ""


class ReviewIn(BaseModel):
    """The yearly review; a second review for the same year corrects the first."""

    model_config = ConfigDict(extra="forbid")
    year: StrictInt = Field(examples=[2012])
    status: ReviewStatus
    what_changed: Text = Field(default="", examples=["Työkiertoon lähti kuusi hoitajaa; opas valmistui."])
    decision: ReviewDecision = Field(description="retire is a recommendation; retiring is POST …/retire")
    occurred_on: Day | None = Field(default=None, description="When it was reviewed, if earlier")


class RetireIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text = Field(description="Required", examples=["Tavoite saavutettu; työkierto on vakiintunut."])
    occurred_on: Day | None = None


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class LinkOut(BaseModel):
    record_type: RecordType
    record_id: str
    name: str = Field(description="Title of the initiative, units of the placement, text of the action")
    linked_at: datetime
    linked_by: PersonRef


class ReviewOut(BaseModel):
    id: str
    year: int
    status: ReviewStatus
    what_changed: str
    decision: ReviewDecision
    corrects: str | None
    corrected_by: str | None = Field(description="The later review of the same year that replaces this one")
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


class TargetSummary(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    title: str
    strategy_goal: str
    strategy: Strategy
    responsible_role: ResponsibleRole
    period_start: date
    period_end: date
    organisation: Ref | None
    description: str
    status: Status
    retired_reason: str
    links_count: int
    reviews_count: int = Field(description="Years reviewed (corrections not counted)")
    created_at: datetime
    updated_at: datetime


class TargetOut(TargetSummary):
    links: list[LinkOut]
    reviews: list[ReviewOut] = Field(description="Oldest first, corrected ones included")
    latest_review: ReviewOut | None = Field(description="The review that counts for the latest year")
    as_of: datetime | None = None


class TargetPage(BaseModel):
    items: list[TargetSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


class MeasureOut(BaseModel):
    id: str
    name: str
    unit: str
    values_count: int
    last_value_on: date | None


class CoveredInitiative(BaseModel):
    id: str
    name: str
    status: str
    latest_evaluation: EvaluationRef | None
    measures: list[MeasureOut]


class CoveredPlacement(BaseModel):
    id: str
    status: str
    starts_on: date
    ends_on: date
    home_unit: Ref
    host_unit: Ref


class CoveredAction(BaseModel):
    id: str
    text: str
    status: str


class CoverageFlags(BaseModel):
    no_measure: bool = Field(description="None of the linked initiatives has a measure")
    no_activity: bool = Field(
        description="Nothing linked, or nothing recorded on any linked record (or its measures) in the "
        "365 days before the view's moment; linking itself does not count"
    )


class Coverage(BaseModel):
    target: TargetSummary
    initiatives: list[CoveredInitiative]
    placements: list[CoveredPlacement]
    actions: list[CoveredAction]
    latest_review: ReviewOut | None
    last_activity_at: datetime | None
    flags: CoverageFlags
    as_of: datetime | None = None


# ---- rendering ---------------------------------------------------------------------


def render_many(conn: Connection, rows: list[dict[str, Any]], as_of: int | None) -> list[dict[str, Any]]:
    return [
        TargetSummary.model_validate(found).model_dump(mode="json")
        for found in target_views.summaries(conn, rows, as_of)
    ]


def render(
    conn: Connection, people: PeopleRegistry, target_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position = view.position if view else None
    moment = view.moment if view else None
    body = TargetOut.model_validate(target_views.detail(conn, people, target_id, position, moment))
    return {**body.model_dump(mode="json"), "as_of": moment.isoformat() if moment else None}


def _location(target_id: UUID) -> str:
    return f"/api/targets/{target_id}"


def _run(commands: Commands, services: Services, command: Any, **options: Any) -> Response:
    return commands.run(command, lambda conn, rid: render(conn, services.people, rid), **options)


# ---- commands ----------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=TargetOut,
    responses=problem_responses(409, 422),
    summary="Define a development target",
)
def define(body: TargetCreate, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(mode="python", exclude={"occurred_on"})
    fields["strategy"] = body.strategy.value
    fields["responsible_role"] = body.responsible_role.value
    return _run(
        commands,
        services,
        lambda ctx: services.app.define_target(ctx, fields=fields, occurred_on=body.occurred_on),
        created=True,
        location=_location,
    )


@router.patch(
    "/{target_id}",
    response_model=TargetOut,
    responses=WRITE_ERRORS,
    summary="Edit fields (send If-Match with the ETag you read); not after retirement",
)
def edit(target_id: TargetId, body: TargetPatch, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return _run(commands, services, lambda ctx: services.app.edit_target(ctx, target_id, fields=fields))


@router.post(
    "/{target_id}/links",
    response_model=TargetOut,
    responses=WRITE_ERRORS,
    summary="Link an initiative, a rotation placement or a Change Day action (it must exist)",
    description="Linking an initiative records LinkedToTarget on it; linking a placement sets its "
    "target_id (a placement serves one target at a time). The same record twice is refused (409).",
)
def link(target_id: TargetId, body: LinkIn, commands: Commands, services: ServicesDep) -> Response:
    return _run(
        commands,
        services,
        lambda ctx: services.app.link_to_target(
            ctx,
            target_id,
            record_type=body.record_type.value,
            record_id=body.record_id,
            cross_organisation=body.cross_organisation,
        ),
    )


@router.post(
    "/{target_id}/unlink",
    response_model=TargetOut,
    responses=WRITE_ERRORS,
    summary="Unlink a linked record (the link stays in the history)",
)
def unlink(target_id: TargetId, body: UnlinkIn, commands: Commands, services: ServicesDep) -> Response:
    return _run(
        commands,
        services,
        lambda ctx: services.app.unlink_from_target(
            ctx, target_id, record_id=body.record_id, reason=body.reason
        ),
    )


@router.post(
    "/{target_id}/reviews",
    response_model=TargetOut,
    responses=WRITE_ERRORS,
    summary="Record the yearly review (a second one for the same year corrects the first)",
)
def review(target_id: TargetId, body: ReviewIn, commands: Commands, services: ServicesDep) -> Response:
    review_id = services.app.new_id(commands.ctx)
    return _run(
        commands,
        services,
        lambda ctx: services.app.review_target(
            ctx,
            target_id,
            review_id=review_id,
            year=body.year,
            status=body.status.value,
            decision=body.decision.value,
            what_changed=body.what_changed,
            occurred_on=body.occurred_on,
        ),
    )


@router.post(
    "/{target_id}/retire",
    response_model=TargetOut,
    responses=WRITE_ERRORS,
    summary="Retire it, with a reason; it then takes no more edits, links or reviews",
)
def retire(target_id: TargetId, body: RetireIn, commands: Commands, services: ServicesDep) -> Response:
    return _run(
        commands,
        services,
        lambda ctx: services.app.retire_target(
            ctx, target_id, reason=body.reason, occurred_on=body.occurred_on
        ),
    )


# ---- reads -------------------------------------------------------------------------


@router.get("", response_model=TargetPage, responses=problem_responses(), summary="List and filter")
def list_targets(
    services: ServicesDep,
    view: View,
    strategy: Strategy | None = None,
    responsible_role: ResponsibleRole | None = None,
    status: Status | None = None,
    organisation_id: UUID | None = None,
    q: Annotated[
        str | None, Query(description="Words in the title, strategy goal or description"), PrintableQuery
    ] = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    flt = read_model.TargetFilter(
        strategy=strategy.value if strategy else None,
        responsible_role=responsible_role.value if responsible_role else None,
        status=status.value if status else None,
        organisation_id=organisation_id,
        q=q,
        archived=archived,
    )
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = read_model.search(conn, flt, limit=limit, cursor=cursor, as_of=view.position)
        items = render_many(conn, rows, view.position)
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@router.get(
    "/{target_id}",
    response_model=TargetOut,
    responses=problem_responses(404),
    summary="One development target with its links and reviews (ETag = version)",
)
def get_target(target_id: TargetId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, services.people, target_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    router,
    record_type="development_target",
    id_name="target_id",
    id_type=TargetId,
    name="target_history",
)


@router.get(
    "/{target_id}/coverage",
    response_model=Coverage,
    responses=problem_responses(404),
    summary="Its initiatives (status, latest evaluation, measures), placements and actions; "
    "flags for no measure and no activity",
)
def coverage(target_id: TargetId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        found = target_views.coverage(conn, services.people, target_id, view.position, view.moment)
    return {**found, "as_of": view.moment}
