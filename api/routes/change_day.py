"""Change Day: /api/campaigns, /api/actions and a person's handprints.

A campaign (name, date, target number of pledges) gathers actions: "I/we will …",
pledged by a person or a team, completed with a short story (a handprint badge),
withdrawn, or linked as inspired by another action. Pledges can also come in
bulk from a CSV file (`POST /api/campaigns/{id}/actions/import`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from api.actor import Actor
from api.deps import CommandRunner, Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import BadRequest, problem_responses
from api.request_types import Between, Day, MaxChars
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field, client_cursor
from api.views import PersonRef
from domain.application import CommandContext, Receipt
from domain.campaign import NAME_MAX, TARGET_MAX
from domain.change_action import REASON_MAX, STORY_MAX, TEAM_MAX, TEXT_MAX, Category, Status
from domain.errors import InvalidField, RecordNotFound
from present import change_day as day_views
from present import pledge_import as import_views
from present.i18n import COOKIE, negotiate
from projections import campaigns, change_actions
from services.bootstrap import Services
from services.pledge_import import import_file

campaigns_router = APIRouter(prefix="/api/campaigns", tags=["change day"])
actions_router = APIRouter(prefix="/api/actions", tags=["change day"])
handprints_router = APIRouter(prefix="/api/people", tags=["change day"])
CampaignId = Annotated[UUID, Path(description="The campaign's id")]
ActionId = Annotated[UUID, Path(description="The action's id")]
IMPORT_TYPES = ("text/csv", "multipart/form-data")


# ---- request bodies ----------------------------------------------------------------


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be null; leave the field out to keep it")
    return value


CampaignName = Annotated[str, MaxChars(NAME_MAX)]
# Strict: "500" or 500.0 is not taken for a count.
TargetCount = Annotated[StrictInt, Between(1, TARGET_MAX)]


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: CampaignName = Field(examples=["Oulunkaaren Change Day 2016"])
    date: Day = Field(description="The day the campaign is held", examples=["2016-03-16"])
    target_count: TargetCount = Field(description="Target number of pledges (at least 1)", examples=[500])


class CampaignPatch(BaseModel):
    """Only the fields present are changed."""

    model_config = ConfigDict(extra="forbid")
    name: CampaignName | None = None
    date: Day | None = None
    target_count: TargetCount | None = None

    @field_validator("name", "date", "target_count", mode="before")
    @classmethod
    def _present(cls, value: Any) -> Any:
        return _not_null(value)


class PledgeIn(BaseModel):
    """'I/we will …', by a person (person_id) or a team (team), never both."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, MaxChars(TEXT_MAX)] = Field(
        examples=["Minä lupaan kysyä jokaiselta asiakkaalta, mikä hänelle on tänään tärkeintä."]
    )
    person_id: UUID | None = None
    team: Annotated[str, MaxChars(TEAM_MAX)] = Field(default="", examples=["Kotihoidon tiimi 3"])
    organisation_id: UUID | None = None
    unit_id: UUID | None = Field(default=None, description="Needs organisation_id too")
    category: Category
    inspired_by: UUID | None = Field(default=None, description="An action of the same campaign")


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    story: Annotated[str, MaxChars(STORY_MAX)] = Field(
        description="What was done and what came of it", examples=["Kysyin 12 asiakkaalta."]
    )
    occurred_on: Day | None = Field(default=None, description="When it was done, if earlier")


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, MaxChars(REASON_MAX)] = ""


class InspiredByIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action_id: UUID = Field(description="The action that inspired this one (same campaign)")


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class CampaignOut(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    name: str
    date: dt.date
    target_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    as_of: dt.datetime | None = None


class CampaignList(BaseModel):
    items: list[CampaignOut]
    as_of: dt.datetime | None = None


class Pledger(BaseModel):
    person: PersonRef | None = Field(description="Set when a person pledged")
    team: str | None = Field(description="Set when a team pledged")


class InspirationOut(BaseModel):
    id: str
    text: str


class ActionOut(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    campaign: Ref
    text: str
    pledger: Pledger
    organisation: Ref | None
    unit: Ref | None
    category: Category
    status: Status
    handprint: bool = Field(description="True once completed: the pledger's handprint badge")
    story: str
    completed_on: dt.date | None
    completed_at: dt.datetime | None
    withdrawal_reason: str
    inspired_by: list[InspirationOut]
    import_key: str = Field(description="The CSV row key for imported pledges, else empty")
    created_at: dt.datetime
    updated_at: dt.datetime
    as_of: dt.datetime | None = None


class ActionPage(BaseModel):
    items: list[ActionOut]
    next_cursor: str | None
    as_of: dt.datetime | None = None


class Counts(BaseModel):
    pledged: int
    completed: int
    withdrawn: int
    open: int = Field(description="pledged − completed − withdrawn")
    completion_rate: float = Field(description="completed ÷ (pledged − withdrawn), 0 when nothing stands")


class Totals(Counts):
    target_count: int
    target_progress: float = Field(description="(pledged − withdrawn) ÷ target_count")


class UnitCounts(Counts):
    unit: Ref


class OrganisationCounts(Counts):
    organisation: Ref | None = Field(description="null: actions pledged without an organisation")
    units: list[UnitCounts]


class CategoryCounts(Counts):
    category: Category


class Handprint(BaseModel):
    action_id: str
    campaign: Ref
    text: str
    story: str
    pledger: Pledger
    unit: Ref | None
    completed_on: dt.date | None
    completed_at: dt.datetime


class WallOut(BaseModel):
    campaign: CampaignOut
    totals: Totals
    organisations: list[OrganisationCounts]
    categories: list[CategoryCounts]
    latest_stories: list[Handprint]
    as_of: dt.datetime | None = None


class ImportRejection(BaseModel):
    line: int = Field(description="The row's line in the sheet; the header is line 1")
    reasons: list[str]


class ImportReportOut(BaseModel):
    imported: int = Field(description="Pledges recorded now")
    already_imported: int = Field(description="Rows whose pledge was recorded before (or twice in the file)")
    rejected_count: int
    rejected: list[ImportRejection] = Field(description="The first 1000 rejected rows, each with its reasons")


class TeamCount(BaseModel):
    team: str
    handprints: int


class HandprintPage(BaseModel):
    count: int = Field(description="Handprints in all")
    items: list[Handprint]
    next_cursor: str | None


class PersonHandprints(HandprintPage):
    person: PersonRef


class TeamHandprints(HandprintPage):
    campaign: Ref
    team: str | None
    teams: list[TeamCount]


# ---- command helpers ---------------------------------------------------------------


def _campaign_location(campaign_id: UUID) -> str:
    return f"/api/campaigns/{campaign_id}"


def _action_location(action_id: UUID) -> str:
    return f"/api/actions/{action_id}"


def _change_action(
    commands: CommandRunner, services: Services, command: Callable[[CommandContext], Receipt]
) -> Response:
    return commands.run(command, lambda conn, rid: day_views.action(conn, services.people, rid))


# ---- campaigns -------------------------------------------------------------------------


@campaigns_router.post(
    "",
    status_code=201,
    response_model=CampaignOut,
    responses=problem_responses(409, 422),
    summary="Create a campaign",
)
def create_campaign(body: CampaignCreate, commands: Commands, services: ServicesDep) -> Response:
    fields = {"name": body.name, "held_on": body.date, "target_count": body.target_count}
    return commands.run(
        lambda ctx: services.app.create_campaign(ctx, fields=fields),
        lambda conn, rid: day_views.campaign(conn, rid),
        created=True,
        location=_campaign_location,
    )


@campaigns_router.patch(
    "/{campaign_id}",
    response_model=CampaignOut,
    responses=WRITE_ERRORS,
    summary="Edit name, date or target (send If-Match with the ETag you read)",
)
def edit_campaign(
    campaign_id: CampaignId, body: CampaignPatch, commands: Commands, services: ServicesDep
) -> Response:
    given = body.model_dump(exclude_unset=True)
    fields = {("held_on" if k == "date" else k): v for k, v in given.items()}
    return commands.run(
        lambda ctx: services.app.edit_campaign(ctx, campaign_id, fields=fields),
        lambda conn, rid: day_views.campaign(conn, rid),
    )


@campaigns_router.get("", response_model=CampaignList, responses=problem_responses(), summary="All campaigns")
def list_campaigns(services: ServicesDep, view: View, archived: ArchivedQuery = "exclude") -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        rows = campaigns.list_all(conn, view.position, archived=archived)
    return {"items": [day_views.campaign_of_row(r) for r in rows], "as_of": view.moment}


@campaigns_router.get(
    "/{campaign_id}",
    response_model=CampaignOut,
    responses=problem_responses(404),
    summary="One campaign (ETag = version)",
)
def get_campaign(campaign_id: CampaignId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = day_views.campaign(conn, campaign_id, view.position, view.moment)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    campaigns_router,
    record_type="campaign",
    id_name="campaign_id",
    id_type=CampaignId,
    name="campaign_history",
)


@campaigns_router.get(
    "/{campaign_id}/wall",
    response_model=WallOut,
    responses=problem_responses(404),
    summary="The campaign wall: totals, per organisation and unit, per category, latest stories",
)
def campaign_wall(campaign_id: CampaignId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return day_views.wall(conn, services.people, campaign_id, view.position, view.moment)


@campaigns_router.post(
    "/{campaign_id}/actions",
    status_code=201,
    response_model=ActionOut,
    responses=problem_responses(404, 409, 422),
    summary="Pledge an action",
)
def pledge(campaign_id: CampaignId, body: PledgeIn, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude={"inspired_by"})
    return commands.run(
        lambda ctx: services.app.pledge_action(ctx, campaign_id, fields=fields, inspired_by=body.inspired_by),
        lambda conn, rid: day_views.action(conn, services.people, rid),
        created=True,
        location=_action_location,
    )


@campaigns_router.post(
    "/{campaign_id}/actions/import",
    response_model=ImportReportOut,
    responses=problem_responses(404, 409),
    summary="Import pledges from a CSV file",
    description=(
        "The body is the CSV file itself (`Content-Type: text/csv`) or a form upload "
        "(`multipart/form-data`, field `file`). A header row names the columns: text, "
        "person_email or team, organisation, unit, category, and an optional id. UTF-8 with "
        "or without BOM; comma or semicolon delimited. Valid rows are recorded once, even when "
        "the same file is imported again; each rejected row is reported with its line number "
        "(the header is line 1) and every reason, and records nothing. A category is its code "
        "or its name in Finnish, Swedish or English; a row with another word is refused with "
        "the codes and their names in the request's language (the language cookie, then "
        "Accept-Language)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def import_actions(
    campaign_id: CampaignId, request: Request, services: ServicesDep, actor: Actor
) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in IMPORT_TYPES:
        raise UnsupportedMediaType()
    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as spool:
        if content_type == "text/csv":
            async for chunk in request.stream():
                spool.write(chunk)
        else:
            upload = (await request.form()).get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidField("file", "Choose the CSV file to import.")
            while chunk := await upload.read(1 << 16):
                spool.write(chunk)
        spool.seek(0)
        lang = negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
        report = await run_in_threadpool(_import, services, actor, campaign_id, spool, lang)
    return report


def _import(services: Services, actor: UUID, campaign_id: UUID, spool: Any, lang: str) -> dict[str, Any]:
    """The report, each category a row may use named by its code and its label in `lang`."""
    return import_file(services, actor, campaign_id, spool).as_json(import_views.api_reason(lang))


class UnsupportedMediaType(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            "Send the CSV file as text/csv, or as a multipart/form-data upload in a field named file."
        )


@campaigns_router.get(
    "/{campaign_id}/handprints",
    response_model=TeamHandprints,
    responses=problem_responses(404),
    summary="Teams' handprints in a campaign (one team's with ?team=)",
)
def team_handprints(
    campaign_id: CampaignId,
    services: ServicesDep,
    team: Annotated[str | None, Query(max_length=200), PrintableQuery] = None,
    limit: int = page_limit(),
    cursor: str | None = None,
) -> dict[str, Any]:
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        campaign = day_views.require_campaign(conn, campaign_id)
        with client_cursor():
            rows, next_cursor, count = change_actions.handprints_of_teams(
                conn, campaign_id, team=team.strip() if team else None, limit=limit, cursor=cursor
            )
        teams = change_actions.team_counts(conn, campaign_id)
        items = day_views.handprints(conn, services.people, rows)
    return {
        "campaign": {"id": campaign["id"], "name": campaign["name"]},
        "team": team.strip() if team else None,
        "teams": teams,
        "count": count,
        "items": items,
        "next_cursor": next_cursor,
    }


# ---- actions ----------------------------------------------------------------------------


@actions_router.post(
    "/{action_id}/complete",
    response_model=ActionOut,
    responses=WRITE_ERRORS,
    summary="Complete with a short story (awards the handprint)",
)
def complete(action_id: ActionId, body: CompleteIn, commands: Commands, services: ServicesDep) -> Response:
    return _change_action(
        commands,
        services,
        lambda ctx: services.app.complete_action(
            ctx, action_id, story=body.story, occurred_on=body.occurred_on
        ),
    )


@actions_router.post(
    "/{action_id}/withdraw", response_model=ActionOut, responses=WRITE_ERRORS, summary="Withdraw"
)
def withdraw(
    action_id: ActionId,
    commands: Commands,
    services: ServicesDep,
    body: Annotated[WithdrawIn | None, Body()] = None,
) -> Response:
    reason = (body or WithdrawIn()).reason
    return _change_action(
        commands, services, lambda ctx: services.app.withdraw_action(ctx, action_id, reason=reason)
    )


@actions_router.post(
    "/{action_id}/inspired-by",
    response_model=ActionOut,
    responses=WRITE_ERRORS,
    summary="Link to the action that inspired this one (same campaign; recorded once)",
)
def inspired_by(
    action_id: ActionId, body: InspiredByIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change_action(
        commands,
        services,
        lambda ctx: services.app.link_inspiration(ctx, action_id, source_id=body.action_id),
    )


@actions_router.get("", response_model=ActionPage, responses=problem_responses(), summary="List and filter")
def list_actions(
    services: ServicesDep,
    view: View,
    campaign_id: UUID | None = None,
    status: Status | None = None,
    unit_id: UUID | None = None,
    category: Category | None = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    flt = change_actions.ActionFilter(
        campaign_id=campaign_id,
        status=status.value if status else None,
        unit_id=unit_id,
        category=category.value if category else None,
        archived=archived,
    )
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = change_actions.search(
                conn, flt, limit=limit, cursor=cursor, as_of=view.position
            )
        items = day_views.actions(conn, services.people, rows, view.position)
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@actions_router.get(
    "/{action_id}",
    response_model=ActionOut,
    responses=problem_responses(404),
    summary="One action (ETag = version)",
)
def get_action(action_id: ActionId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = day_views.action(conn, services.people, action_id, view.position, view.moment)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    actions_router,
    record_type="change_action",
    id_name="action_id",
    id_type=ActionId,
    name="action_history",
)


# ---- a person's handprints --------------------------------------------------------------


@handprints_router.get(
    "/{person_id}/handprints",
    response_model=PersonHandprints,
    responses=problem_responses(404),
    summary="A person's handprints: the actions they completed, newest first",
)
def person_handprints(
    person_id: Annotated[UUID, Path(description="The person's id")],
    services: ServicesDep,
    limit: int = page_limit(),
    cursor: str | None = None,
) -> dict[str, Any]:
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        person = services.people.get(conn, person_id)
        if person is None:
            raise RecordNotFound("There is no person with id {id}.", id=person_id)
        with client_cursor():
            rows, next_cursor, count = change_actions.handprints_of_person(
                conn, person_id, limit=limit, cursor=cursor
            )
        items = day_views.handprints(conn, services.people, rows)
    return {
        "person": {"id": str(person_id), "name": person["name"]},
        "count": count,
        "items": items,
        "next_cursor": next_cursor,
    }
