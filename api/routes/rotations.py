"""/api/rotations: goal-oriented job-rotation placements (tavoitteellinen työkierto):
propose, edit, approve, start, reschedule, reflect, complete, cancel; reads, the
rotation calendar, reflections per initiative, and a person's rotation history
(/api/people/{id}/rotations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import AsOf, CommandRunner, Commands, PlausibleDay, ServicesDep, View, etag, page_limit
from api.errors import InvalidParam, problem, problem_responses
from api.request_types import Day, MaxChars, MaxItems
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field, client_cursor
from api.views import PersonRef
from domain.application import CommandContext, Receipt
from domain.errors import RecordNotFound
from domain.rotation import GOAL_MAX, GOALS_MAX, REASON_MAX, TEXT_MAX, Status
from present import rotations as rotation_views
from projections import rotations as read_model
from projections.rotations import WINDOW_MAX_DAYS
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/rotations", tags=["rotations"])
people_router = APIRouter(prefix="/api/people", tags=["rotations"])
RotationId = Annotated[UUID, Path(description="The placement's id")]


# ---- request bodies ----------------------------------------------------------------


LearningGoals = Annotated[list[Annotated[str, MaxChars(GOAL_MAX)]], MaxItems(GOALS_MAX)]
Reason = Annotated[str, MaxChars(REASON_MAX)]
Text = Annotated[str, MaxChars(TEXT_MAX)]


class RotationCreate(BaseModel):
    """A placement: who, from which unit to which, when, to learn what, with whom."""

    model_config = ConfigDict(extra="forbid")
    person_id: UUID = Field(description="Who goes on the placement (a person in the registry)")
    home_organisation_id: UUID
    home_unit_id: UUID = Field(description="The unit the person normally works in")
    host_organisation_id: UUID
    host_unit_id: UUID = Field(description="The unit that hosts the person; not the home unit")
    starts_on: Day = Field(description="First day of the placement")
    ends_on: Day = Field(description="Last day; on or after starts_on")
    learning_goals: LearningGoals = Field(
        examples=[["Vuodeosaston kotiutuskäytännöt tutuiksi"]], description="At least one"
    )
    mentor_id: UUID | None = Field(default=None, description="The mentor at the host unit (needed to start)")
    initiative_id: UUID | None = Field(default=None, description="The initiative the placement serves")
    target_id: UUID | None = Field(
        default=None, description="The development target it serves (linked on the target in the same save)"
    )
    cross_organisation: bool = Field(
        default=False,
        description="Confirms a link across organisations: without it, linking a record of another "
        "organisation is refused (422 naming both organisations)",
    )


class RotationPatch(BaseModel):
    """Only the fields present are changed; allowed while proposed or approved (target_id: any time)."""

    model_config = ConfigDict(extra="forbid")
    learning_goals: LearningGoals | None = None
    mentor_id: UUID | None = None
    initiative_id: UUID | None = None
    target_id: UUID | None = Field(
        default=None,
        description="Move the placement to this development target (null: to none); allowed in any status",
    )
    cross_organisation: bool = Field(
        default=False,
        description="Confirms a link across organisations: without it, linking a record of another "
        "organisation is refused (422 naming both organisations)",
    )


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occurred_on: Day | None = Field(default=None, description="When it happened, if earlier")


class StartIn(StepIn):
    reason: Reason = Field(
        default="", description="Why it starts before its planned first day; required only then"
    )


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    starts_on: Day
    ends_on: Day
    reason: Reason = ""


class ReflectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Text
    occurred_on: Day | None = Field(default=None, description="When it happened, if earlier")


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    learned: Text = Field(default="", description="Required: what was learned")
    bring_home: Text = Field(default="", description="Required: what the person brings home")
    host_feedback: Text = Field(default="", description="Required: the host unit's feedback")
    occurred_on: Day | None = None
    reason: Reason = Field(
        default="", description="Why it ends before its planned last day; required only then"
    )


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason = Field(default="", description="Required")
    occurred_on: Day | None = None


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class ReflectionOut(BaseModel):
    id: str
    text: str
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


class RotationSummary(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    status: Status
    allowed_moves: list[str]
    person: PersonRef
    home_organisation: Ref
    home_unit: Ref
    host_organisation: Ref
    host_unit: Ref
    starts_on: date
    ends_on: date
    learning_goals: list[str]
    mentor: PersonRef | None
    initiative: Ref | None
    target_id: str | None = Field(description="The development target it serves, if any")
    approved_by: PersonRef | None
    approved_at: datetime | None
    started_at: datetime | None
    reflections_count: int
    learned: str
    bring_home: str
    host_feedback: str
    cancel_reason: str
    created_at: datetime
    updated_at: datetime


class RotationOut(RotationSummary):
    reflections: list[ReflectionOut]
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class RotationPage(BaseModel):
    items: list[RotationSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


class CalendarPlacement(BaseModel):
    id: str
    status: Status
    person: PersonRef
    home_organisation: Ref
    home_unit: Ref
    host_organisation: Ref
    host_unit: Ref
    starts_on: date
    ends_on: date


class WeekOut(BaseModel):
    year: int
    week: int = Field(description="ISO week number")
    starts_on: date = Field(description="The week's Monday")
    ends_on: date = Field(description="The week's Sunday")


class UnitWeek(BaseModel):
    year: int
    week: int
    away: int = Field(description="People away from this unit on a placement during the week")
    hosted: int = Field(description="People on a placement in this unit during the week")


class UnitLoad(BaseModel):
    unit: Ref
    weeks: list[UnitWeek]


class CalendarOut(BaseModel):
    from_: date = Field(alias="from")
    to: date
    unit_id: str | None
    placements: list[CalendarPlacement] = Field(description="Placements overlapping the window")
    weeks: list[WeekOut]
    units: list[UnitLoad]
    as_of: datetime | None = None


class ReflectionOnPlacement(ReflectionOut):
    rotation_id: str
    person: PersonRef
    home_unit: Ref
    host_unit: Ref


# ---- rendering ---------------------------------------------------------------------

_PLACES = ("home_organisation", "home_unit", "host_organisation", "host_unit")


def _summary(found: dict[str, Any]) -> dict[str, Any]:
    """A placement as `present.rotations.summaries` shows it, in the API's shape."""
    initiative = found["initiative"]
    return RotationSummary.model_validate(
        {
            **found,
            **{k: {"id": found[f"{k}_id"], "name": found[k]} for k in _PLACES},
            "approved_by": found["approver"],
            "initiative": {"id": initiative["id"], "name": initiative["title"]} if initiative else None,
        }
    ).model_dump(mode="json")


def render_many(
    conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]], as_of: int | None
) -> list[dict[str, Any]]:
    return [_summary(found) for found in rotation_views.summaries(conn, people, rows, as_of)]


def render(
    conn: Connection, people: PeopleRegistry, rotation_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position = view.position if view else None
    moment = view.moment.isoformat() if view and view.moment else None
    row = rotation_views.require(conn, rotation_id, position, moment)
    body = render_many(conn, people, [row], position)[0]
    body["reflections"] = [
        ReflectionOut(
            id=r["reflection_id"],
            text=r["text"],
            occurred_on=r["occurred_on"],
            recorded_at=r["recorded_at"],
            author=PersonRef(id=r["actor_id"], name=r["author"]),
        ).model_dump(mode="json")
        for r in rotation_views.reflections(conn, people, rotation_id, position)
    ]
    body["as_of"] = moment
    return body


def _location(rotation_id: UUID) -> str:
    return f"/api/rotations/{rotation_id}"


def _change(
    commands: CommandRunner, services: Services, command: Callable[[CommandContext], Receipt]
) -> Response:
    """Run a command on a placement and answer with the placement as it is now."""
    return commands.run(command, lambda conn, rid: render(conn, services.people, rid))


# ---- commands ----------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=RotationOut,
    responses=problem_responses(409, 422),
    summary="Propose a placement",
)
def propose(body: RotationCreate, commands: Commands, services: ServicesDep) -> Response:
    return commands.run(
        lambda ctx: services.app.propose_rotation(
            ctx,
            person_id=body.person_id,
            home_organisation_id=body.home_organisation_id,
            home_unit_id=body.home_unit_id,
            host_organisation_id=body.host_organisation_id,
            host_unit_id=body.host_unit_id,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            learning_goals=body.learning_goals,
            mentor_id=body.mentor_id,
            initiative_id=body.initiative_id,
            target_id=body.target_id,
            cross_organisation=body.cross_organisation,
        ),
        lambda conn, rid: render(conn, services.people, rid),
        created=True,
        location=_location,
    )


@router.patch(
    "/{rotation_id}",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Edit learning goals, mentor or initiative (while proposed or approved)",
)
def edit(rotation_id: RotationId, body: RotationPatch, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude_unset=True)
    crossing = bool(fields.pop("cross_organisation", False))
    return _change(
        commands,
        services,
        lambda ctx: services.app.edit_rotation(ctx, rotation_id, fields=fields, cross_organisation=crossing),
    )


@router.post(
    "/{rotation_id}/approve",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Approve (the approver is you)",
)
def approve(
    rotation_id: RotationId,
    commands: Commands,
    services: ServicesDep,
    body: Annotated[StepIn | None, Body()] = None,
) -> Response:
    occurred_on = body.occurred_on if body else None
    return _change(
        commands,
        services,
        lambda ctx: services.app.approve_rotation(ctx, rotation_id, occurred_on=occurred_on),
    )


@router.post(
    "/{rotation_id}/start",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Start (before the planned first day only with a reason)",
)
def start(
    rotation_id: RotationId,
    commands: Commands,
    services: ServicesDep,
    body: Annotated[StartIn | None, Body()] = None,
) -> Response:
    occurred_on = body.occurred_on if body else None
    reason = body.reason if body else ""
    return _change(
        commands,
        services,
        lambda ctx: services.app.start_rotation(ctx, rotation_id, occurred_on=occurred_on, reason=reason),
    )


@router.post(
    "/{rotation_id}/reschedule",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Move the period (the order and overlap rules apply again)",
)
def reschedule(
    rotation_id: RotationId, body: RescheduleIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.reschedule_rotation(
            ctx, rotation_id, starts_on=body.starts_on, ends_on=body.ends_on, reason=body.reason
        ),
    )


@router.post(
    "/{rotation_id}/reflections",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Record a reflection (while started; back-datable)",
)
def add_reflection(
    rotation_id: RotationId, body: ReflectionIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.record_rotation_reflection(
            ctx, rotation_id, text=body.text, occurred_on=body.occurred_on
        ),
    )


@router.post(
    "/{rotation_id}/complete",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Complete: what was learned, what comes home, the host's feedback",
)
def complete(
    rotation_id: RotationId, body: CompleteIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.complete_rotation(
            ctx,
            rotation_id,
            learned=body.learned,
            bring_home=body.bring_home,
            host_feedback=body.host_feedback,
            occurred_on=body.occurred_on,
            reason=body.reason,
        ),
    )


@router.post(
    "/{rotation_id}/cancel",
    response_model=RotationOut,
    responses=WRITE_ERRORS,
    summary="Cancel with a reason (not after completion)",
)
def cancel(rotation_id: RotationId, body: CancelIn, commands: Commands, services: ServicesDep) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.cancel_rotation(
            ctx, rotation_id, reason=body.reason, occurred_on=body.occurred_on
        ),
    )


# ---- reads -------------------------------------------------------------------------
# The fixed paths (calendar, reflections) come before /{rotation_id}.


def window_problem(start: date, end: date) -> tuple[str, str] | None:
    """(field, sentence) when the calendar window is not one the calendar shows."""
    if end < start:
        return (
            "to",
            f"to ({end.isoformat()}) is before from ({start.isoformat()}); "
            "the window must not end before it starts.",
        )
    days = (end - start).days + 1
    if days > WINDOW_MAX_DAYS:
        return (
            "to",
            f"The window is {days} days long; the calendar shows at most {WINDOW_MAX_DAYS} days at a time.",
        )
    return None


@router.get(
    "/calendar",
    response_model=CalendarOut,
    responses=problem_responses(),
    summary="Rotation calendar: who is away from which unit and hosted where, and people away per week",
)
def calendar(
    services: ServicesDep,
    view: View,
    from_: Annotated[date, Query(alias="from", description="First day of the window"), PlausibleDay],
    to: Annotated[date, Query(description="Last day of the window (at most 366 days in all)"), PlausibleDay],
    unit: Annotated[
        UUID | None, Query(description="Only placements away from or hosted by this unit")
    ] = None,
) -> Response:
    found = window_problem(from_, to)
    if found is not None:
        field, detail = found
        return problem(
            422,
            "invalid-fields",
            "Invalid fields",
            detail,
            invalid_params=[InvalidParam(field=f"query.{field}", message=detail)],
        )
    with services.projector.engine.connect() as conn:
        window = rotation_views.calendar(conn, services.people, from_, to, unit_id=unit, as_of=view.position)
    weeks = window["weeks"]
    body = CalendarOut.model_validate(
        {
            "from": from_,
            "to": to,
            "unit_id": str(unit) if unit else None,
            "placements": [CalendarPlacement(**_summary(p)) for p in window["placements"]],
            "weeks": [WeekOut(year=w.year, week=w.week, starts_on=w.monday, ends_on=w.sunday) for w in weeks],
            "units": [
                UnitLoad(
                    unit=Ref(id=u["unit_id"], name=u["name"] or ""),
                    weeks=[
                        UnitWeek(year=w.year, week=w.week, away=away, hosted=hosted)
                        for w, away, hosted in zip(weeks, u["away"], u["hosted"], strict=True)
                    ],
                )
                for u in window["units"]
            ],
            "as_of": view.moment,
        }
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True))


@router.get(
    "/reflections",
    response_model=list[ReflectionOnPlacement],
    responses=problem_responses(),
    summary="Reflections recorded during the placements linked to an initiative",
)
def reflections_for_initiative(
    services: ServicesDep,
    view: View,
    initiative_id: Annotated[UUID, Query(description="The linked initiative (development target later)")],
) -> list[dict[str, Any]]:
    with services.projector.engine.connect() as conn:
        found = rotation_views.initiative_reflections(conn, services.people, initiative_id, view.position)
    return [ReflectionOnPlacement.model_validate(r).model_dump(mode="json") for r in found]


@router.get("", response_model=RotationPage, responses=problem_responses(), summary="List placements")
def list_rotations(
    services: ServicesDep,
    view: View,
    person_id: UUID | None = None,
    unit_id: Annotated[UUID | None, Query(description="Home or host unit")] = None,
    status: Annotated[Status | None, Query()] = None,
    initiative_id: UUID | None = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    flt = read_model.RotationFilter(
        person_id=person_id,
        unit_id=unit_id,
        status=status.value if status else None,
        initiative_id=initiative_id,
        archived=archived,
    )
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = read_model.search(conn, flt, limit=limit, cursor=cursor, as_of=view.position)
        items = render_many(conn, services.people, rows, view.position)
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@router.get(
    "/{rotation_id}",
    response_model=RotationOut,
    responses=problem_responses(404),
    summary="One placement (ETag = version)",
)
def get_rotation(rotation_id: RotationId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, services.people, rotation_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    router,
    record_type="rotation",
    id_name="rotation_id",
    id_type=RotationId,
    name="rotation_history",
)


@people_router.get(
    "/{person_id}/rotations",
    response_model=list[RotationSummary],
    responses=problem_responses(404),
    summary="A person's rotation history, earliest period first",
)
def person_rotations(
    person_id: Annotated[UUID, Path(description="The person's id")], services: ServicesDep, view: View
) -> list[dict[str, Any]]:
    with services.projector.engine.connect() as conn:
        rows = read_model.of_person(conn, person_id, view.position)
        # An erased person's placements stay (they hold only the id); an unknown id is a 404.
        if not rows and services.people.get(conn, person_id) is None:
            raise RecordNotFound("There is no person with id {id}.", id=person_id)
        return render_many(conn, services.people, rows, view.position)
