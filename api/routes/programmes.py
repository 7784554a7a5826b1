"""/api/programmes: development programmes (such as 3W) that follow initiatives at shared
workshop days — create, edit, enrol and withdraw initiatives, schedule, reschedule and
hold workshops, close; the dashboard, the digest of what changed since the previous
workshop and the printable workshop pack.

The workshop days' endpoints are written in `api.routes.workshops`, the check-ins and
the progress scale in `api.routes.check_ins`; this router takes the workshops' in, and
names the check-ins' routers, so that the application includes them as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import AsOf, CommandRunner, Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import problem_responses
from api.request_types import Day, MaxChars, MaxItems
from api.routes import check_ins, workshops
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, client_cursor
from api.routes.programme_models import ProgrammeId, ProgrammeSummary, Reason, Ref, WorkshopOut
from domain.application import CommandContext, Receipt
from domain.programme import DESCRIPTION_MAX, ENROLMENTS_MAX, NAME_MAX, ORGANISATIONS_MAX, ProgrammeStatus
from present import programmes as programme_views
from projections import programmes as read_model
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/programmes", tags=["programmes"])
initiative_router = check_ins.initiative_router
scale_router = check_ins.scale_router


# ---- request bodies ----------------------------------------------------------------


ProgrammeName = Annotated[str, MaxChars(NAME_MAX)]
Description = Annotated[str, MaxChars(DESCRIPTION_MAX)]
OrganisationIds = Annotated[list[UUID], MaxItems(ORGANISATIONS_MAX)]


class ProgrammeCreate(BaseModel):
    """Name and period are required; organisations and coordinator can come later."""

    model_config = ConfigDict(extra="forbid")
    name: ProgrammeName = Field(examples=["3W-kehittämisohjelma ikäihmisten palveluihin"])
    description: Description = Field(
        default="", examples=["Neljän kunnan yhteinen lähiesimiesten kehittämisohjelma."]
    )
    period_start: Day = Field(examples=["2018-04-01"])
    period_end: Day = Field(examples=["2019-04-30"])
    organisation_ids: OrganisationIds = Field(
        default_factory=list, description=f"Participating organisations (at most {ORGANISATIONS_MAX})"
    )
    coordinator_id: UUID | None = Field(default=None, description="The coordinating person")
    occurred_on: Day | None = Field(default=None, description="When it was set up, if earlier")


class ProgrammePatch(BaseModel):
    """Only the fields present are changed; null clears the coordinator. The period must
    still contain every scheduled workshop."""

    model_config = ConfigDict(extra="forbid")
    name: ProgrammeName | None = None
    description: Description | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    organisation_ids: OrganisationIds | None = None
    coordinator_id: UUID | None = None


class EnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    initiative_id: UUID
    occurred_on: Day | None = Field(default=None, description="When it joined, if earlier")


class EnrolManyIn(BaseModel):
    """Several initiatives to enrol at once, all or none."""

    model_config = ConfigDict(extra="forbid")
    initiative_ids: Annotated[list[UUID], MaxItems(ENROLMENTS_MAX)] = Field(
        description=f"The initiatives to enrol (1 to {ENROLMENTS_MAX})",
        json_schema_extra={"minItems": 1},
    )
    occurred_on: Day | None = Field(default=None, description="When they joined, if earlier")


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    initiative_id: UUID
    reason: Reason = Field(default="", examples=["Projekti yhdistettiin toiseen."])
    occurred_on: Day | None = Field(default=None, description="When it left, if earlier")


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    summary: Description = Field(default="", examples=["Hyvät käytännöt jaettiin päätösseminaarissa."])
    occurred_on: Day | None = Field(default=None, description="When it closed, if earlier")


# ---- responses -------------------------------------------------------------------


class EnrolmentOut(BaseModel):
    initiative: Ref
    enrolled_on: date | None


class WithdrawalOut(EnrolmentOut):
    withdrawn_on: date | None
    reason: str


class ProgrammeOut(ProgrammeSummary):
    initiatives: list[EnrolmentOut] = Field(description="The enrolled initiatives")
    withdrawn: list[WithdrawalOut] = Field(description="Initiatives withdrawn from it")
    workshops: list[WorkshopOut] = Field(description="By day")
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class ProgrammePage(BaseModel):
    items: list[ProgrammeSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


# ---- rendering ---------------------------------------------------------------------


def render(
    conn: Connection, people: PeopleRegistry, programme_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    moment = view.moment if view else None
    shown = programme_views.programme(conn, people, programme_id, view.position if view else None, moment)
    body = ProgrammeOut.model_validate(shown).model_dump(mode="json")
    # Written by isoformat, not by pydantic (which writes UTC as Z), as it always was.
    body["as_of"] = moment.isoformat() if moment else None
    return body


def _location(programme_id: UUID) -> str:
    return f"/api/programmes/{programme_id}"


def _change(
    commands: CommandRunner, services: Services, command: Callable[[CommandContext], Receipt]
) -> Response:
    """Run a command on a programme and answer with the programme as it is now."""
    return commands.run(command, lambda conn, rid: render(conn, services.people, rid))


# ---- commands ----------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=ProgrammeOut,
    responses=problem_responses(409, 422),
    summary="Create a programme (name and period required)",
)
def create(body: ProgrammeCreate, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude={"occurred_on"})
    return commands.run(
        lambda ctx: services.app.create_programme(ctx, fields=fields, occurred_on=body.occurred_on),
        lambda conn, rid: render(conn, services.people, rid),
        created=True,
        location=_location,
    )


@router.patch(
    "/{programme_id}",
    response_model=ProgrammeOut,
    responses=WRITE_ERRORS,
    summary="Edit fields (send If-Match with the ETag you read)",
)
def edit(
    programme_id: ProgrammeId, body: ProgrammePatch, commands: Commands, services: ServicesDep
) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return _change(
        commands, services, lambda ctx: services.app.edit_programme(ctx, programme_id, fields=fields)
    )


@router.post(
    "/{programme_id}/initiatives",
    response_model=ProgrammeOut,
    responses=WRITE_ERRORS,
    summary="Enrol an initiative (its organisation must take part, if the programme lists any)",
)
def enrol(programme_id: ProgrammeId, body: EnrolIn, commands: Commands, services: ServicesDep) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.enrol_initiative(
            ctx, programme_id, initiative_id=body.initiative_id, occurred_on=body.occurred_on
        ),
    )


@router.post(
    "/{programme_id}/enrolments",
    response_model=ProgrammeOut,
    responses=WRITE_ERRORS,
    summary="Enrol several initiatives at once: all of them or none",
    description="Every initiative is checked first. If any cannot be enrolled (no initiative with "
    "that id, listed twice, already enrolled, or of an organisation that does not take part), "
    "nothing is enrolled: the 422 problem's detail says so and its invalid_params name each "
    "refused one as body.initiative_ids.<index>. A closed programme, or one that would pass its "
    f"limit of {ENROLMENTS_MAX} initiatives, answers 409 and enrols nothing. If-Match (the "
    "programme's ETag) and Idempotency-Key work as on every command.",
)
def enrol_many(
    programme_id: ProgrammeId, body: EnrolManyIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.enrol_initiatives(
            ctx, programme_id, initiative_ids=body.initiative_ids, occurred_on=body.occurred_on
        ),
    )


@router.post(
    "/{programme_id}/withdrawals",
    response_model=ProgrammeOut,
    responses=WRITE_ERRORS,
    summary="Withdraw an enrolled initiative",
)
def withdraw(
    programme_id: ProgrammeId, body: WithdrawIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.withdraw_initiative(
            ctx,
            programme_id,
            initiative_id=body.initiative_id,
            reason=body.reason,
            occurred_on=body.occurred_on,
        ),
    )


# The OpenAPI document lists paths in the order they join: the workshops' commands come
# between the enrolments and closing, their reads after the programme's history.
router.include_router(workshops.commands)


@router.post(
    "/{programme_id}/close",
    response_model=ProgrammeOut,
    responses=WRITE_ERRORS,
    summary="Close the programme, with a summary; a closed programme takes nothing more",
)
def close(
    programme_id: ProgrammeId,
    commands: Commands,
    services: ServicesDep,
    body: Annotated[CloseIn | None, Body()] = None,
) -> Response:
    given = body or CloseIn()
    return _change(
        commands,
        services,
        lambda ctx: services.app.close_programme(
            ctx, programme_id, summary=given.summary, occurred_on=given.occurred_on
        ),
    )


# ---- reads -------------------------------------------------------------------------


@router.get("", response_model=ProgrammePage, responses=problem_responses(), summary="List and search")
def list_programmes(
    services: ServicesDep,
    view: View,
    status: ProgrammeStatus | None = None,
    organisation_id: UUID | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the name"), PrintableQuery] = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = read_model.search(
                conn,
                status=status.value if status else None,
                organisation_id=organisation_id,
                text=q,
                as_of=view.position,
                limit=limit,
                cursor=cursor,
                archived=archived,
            )
        shown = programme_views.summaries(conn, services.people, rows, view.position)
    items = [ProgrammeSummary.model_validate(p).model_dump(mode="json") for p in shown]
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@router.get(
    "/{programme_id}",
    response_model=ProgrammeOut,
    responses=problem_responses(404),
    summary="One programme with its initiatives and workshops (ETag = version)",
)
def get_programme(programme_id: ProgrammeId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, services.people, programme_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    router,
    record_type="programme",
    id_name="programme_id",
    id_type=ProgrammeId,
    missing=lambda record_id, _view: programme_views.missing(record_id),
    name="programme_history",
)
router.include_router(workshops.reads)
