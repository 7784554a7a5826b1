"""/api/initiatives: propose, edit, move through the lifecycle, goals, team, notes, reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import AsOf, CommandRunner, Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import problem_responses
from api.request_types import Day, MaxChars, MaxItems
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field, client_cursor
from api.views import PersonRef
from domain.application import CommandContext, Receipt
from domain.initiative import (
    GOAL_MAX,
    GOALS_MAX,
    NOTE_MAX,
    REASON_MAX,
    ROLE_MAX,
    SUMMARY_MAX,
    TARGET_GROUP_MAX,
    TEAM_MAX,
    THEME_MAX,
    THEMES_MAX,
    TITLE_MAX,
    VERBS,
    Status,
)
from present import initiatives as initiative_views
from projections import initiatives as read_model
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/initiatives", tags=["initiatives"])
InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
Title = Annotated[str, MaxChars(TITLE_MAX)]
Summary = Annotated[str, MaxChars(SUMMARY_MAX)]
TargetGroup = Annotated[str, MaxChars(TARGET_GROUP_MAX)]
Themes = Annotated[list[Annotated[str, MaxChars(THEME_MAX)]], MaxItems(THEMES_MAX)]
Reason = Annotated[str, MaxChars(REASON_MAX)]


# ---- request bodies ----------------------------------------------------------------


class TeamMemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: UUID
    role: str = Field(default="", max_length=ROLE_MAX, examples=["sairaanhoitaja"])


class InitiativeCreate(BaseModel):
    """Only the title is required: log first, fill in later."""

    model_config = ConfigDict(extra="forbid")
    title: Title = Field(examples=["Kotihoidon aamukäyntien porrastus"])
    summary: Summary = ""
    organisation_id: UUID | None = None
    unit_id: UUID | None = None
    owner_id: UUID | None = None
    themes: Themes = Field(default_factory=list, examples=[["kotihoito", "Lean"]])
    target_group: TargetGroup = ""
    goals: Annotated[list[Annotated[str, MaxChars(GOAL_MAX)]], MaxItems(GOALS_MAX)] = Field(
        default_factory=list, description="First goals, one text each"
    )
    team: Annotated[list[TeamMemberIn], MaxItems(TEAM_MAX)] = Field(default_factory=list)
    occurred_on: Day | None = Field(default=None, description="When it really started, if earlier")


class InitiativePatch(BaseModel):
    """Only the fields present are changed; null clears an optional reference."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    summary: Summary | None = None
    organisation_id: UUID | None = None
    unit_id: UUID | None = None
    owner_id: UUID | None = None
    themes: Themes | None = None
    target_group: TargetGroup | None = None


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occurred_on: Day | None = Field(default=None, description="When it happened, if earlier")
    reason: Reason = Field(default="", description="Required for discontinue; optional for pause")
    lessons: Reason = Field(default="", description="Required for discontinue: what was learned")


class GoalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, MaxChars(GOAL_MAX)]


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, MaxChars(NOTE_MAX)]
    occurred_on: Day | None = None


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class GoalOut(BaseModel):
    id: str
    text: str


class TeamMemberOut(BaseModel):
    person: PersonRef
    role: str


class NoteOut(BaseModel):
    id: str
    text: str
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


class InitiativeSummary(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    title: str
    summary: str
    status: Status
    allowed_moves: list[str]
    paused_from: Status | None
    organisation: Ref | None
    unit: Ref | None
    owner: PersonRef | None
    themes: list[str]
    target_group: str
    goals: list[GoalOut]
    team: list[TeamMemberOut]
    notes_count: int
    discontinued_reason: str
    lessons: str
    created_at: datetime
    updated_at: datetime


class InitiativeOut(InitiativeSummary):
    notes: list[NoteOut]
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class InitiativePage(BaseModel):
    items: list[InitiativeSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


# ---- rendering ---------------------------------------------------------------------


def _summary(view: dict[str, Any]) -> dict[str, Any]:
    """An initiative's view as the API shows it: places as references rather than names."""
    return InitiativeSummary.model_validate(
        {
            **view,
            "organisation": _ref(view["organisation_id"], view["organisation"]),
            "unit": _ref(view["unit_id"], view["unit"]),
        }
    ).model_dump(mode="json")


def _ref(place_id: str | None, name: str | None) -> Ref | None:
    return Ref(id=place_id, name=name or "") if place_id else None


def _render_many(
    conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]], as_of: int | None
) -> list[dict[str, Any]]:
    return [_summary(view) for view in initiative_views.summaries(conn, people, rows, as_of)]


def render(
    conn: Connection, people: PeopleRegistry, initiative_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position = view.position if view else None
    row = initiative_views.require(conn, initiative_id, position, view.moment if view else None)
    body = _render_many(conn, people, [row], position)[0]
    body["notes"] = [
        NoteOut(
            id=n["note_id"],
            text=n["text"],
            occurred_on=n["occurred_on"],
            recorded_at=n["recorded_at"],
            author=PersonRef(id=n["actor_id"], name=n["author"]),
        ).model_dump(mode="json")
        for n in initiative_views.notes(conn, people, initiative_id, position)
    ]
    body["as_of"] = view.moment.isoformat() if view and view.moment else None
    return body


def _location(initiative_id: UUID) -> str:
    return f"/api/initiatives/{initiative_id}"


def _change(
    commands: CommandRunner, services: Services, command: Callable[[CommandContext], Receipt]
) -> Response:
    """Run a command on an initiative and answer with the initiative as it is now."""
    return commands.run(command, lambda conn, rid: render(conn, services.people, rid))


# ---- commands ----------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=InitiativeOut,
    responses=problem_responses(409, 422),
    summary="Propose an initiative",
)
def propose(body: InitiativeCreate, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude={"goals", "team", "occurred_on"}, exclude_unset=True)
    fields["title"] = body.title
    return commands.run(
        lambda ctx: services.app.propose_initiative(
            ctx,
            fields=fields,
            occurred_on=body.occurred_on,
            goals=body.goals,
            team=[(m.person_id, m.role) for m in body.team],
        ),
        lambda conn, rid: render(conn, services.people, rid),
        created=True,
        location=_location,
    )


@router.patch(
    "/{initiative_id}",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Edit fields (send If-Match with the ETag you read)",
)
def edit(
    initiative_id: InitiativeId, body: InitiativePatch, commands: Commands, services: ServicesDep
) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return _change(
        commands, services, lambda ctx: services.app.edit_initiative(ctx, initiative_id, fields=fields)
    )


def _add_move_route(verb: str) -> None:
    def move(
        initiative_id: InitiativeId,
        commands: Commands,
        services: ServicesDep,
        body: Annotated[MoveIn | None, Body()] = None,
    ) -> Response:
        given = body or MoveIn()
        return _change(
            commands,
            services,
            lambda ctx: services.app.move_initiative(
                ctx,
                initiative_id,
                verb,
                occurred_on=given.occurred_on,
                reason=given.reason,
                lessons=given.lessons,
            ),
        )

    router.add_api_route(
        f"/{{initiative_id}}/{verb}",
        move,
        methods=["POST"],
        response_model=InitiativeOut,
        responses=WRITE_ERRORS,
        summary=f"Lifecycle: {verb}",
        operation_id=f"initiative_{verb}",
    )


for _verb in VERBS:
    _add_move_route(_verb)


@router.post(
    "/{initiative_id}/goals",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Add a goal",
)
def add_goal(
    initiative_id: InitiativeId, body: GoalIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.set_goal(ctx, initiative_id, text=body.text),
    )


@router.put(
    "/{initiative_id}/goals/{goal_id}",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Reword a goal",
)
def set_goal(
    initiative_id: InitiativeId,
    goal_id: UUID,
    body: GoalIn,
    commands: Commands,
    services: ServicesDep,
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.reword_goal(ctx, initiative_id, goal_id, text=body.text),
    )


@router.delete(
    "/{initiative_id}/goals/{goal_id}",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Remove a goal",
)
def remove_goal(
    initiative_id: InitiativeId, goal_id: UUID, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.remove_goal(ctx, initiative_id, goal_id),
    )


@router.post(
    "/{initiative_id}/team",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Add a team member",
)
def add_team_member(
    initiative_id: InitiativeId, body: TeamMemberIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.add_team_member(
            ctx, initiative_id, person_id=body.person_id, role=body.role
        ),
    )


@router.delete(
    "/{initiative_id}/team/{person_id}",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Remove a team member",
)
def remove_team_member(
    initiative_id: InitiativeId, person_id: UUID, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.remove_team_member(ctx, initiative_id, person_id),
    )


@router.post(
    "/{initiative_id}/notes",
    response_model=InitiativeOut,
    responses=WRITE_ERRORS,
    summary="Add a progress note",
)
def add_note(
    initiative_id: InitiativeId, body: NoteIn, commands: Commands, services: ServicesDep
) -> Response:
    return _change(
        commands,
        services,
        lambda ctx: services.app.add_note(ctx, initiative_id, text=body.text, occurred_on=body.occurred_on),
    )


# ---- reads -------------------------------------------------------------------------


@router.get("", response_model=InitiativePage, responses=problem_responses(), summary="List and search")
def list_initiatives(
    services: ServicesDep,
    view: View,
    status: Annotated[Status | None, Query()] = None,
    organisation_id: UUID | None = None,
    unit_id: UUID | None = None,
    theme: Annotated[str | None, Query(max_length=60), PrintableQuery] = None,
    owner_id: UUID | None = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in title or summary"), PrintableQuery
    ] = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    flt = read_model.InitiativeFilter(
        status=status.value if status else None,
        organisation_id=organisation_id,
        unit_id=unit_id,
        theme=theme,
        owner_id=owner_id,
        q=q,
        archived=archived,
    )
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = read_model.search(conn, flt, limit=limit, cursor=cursor, as_of=view.position)
        items = _render_many(conn, services.people, rows, view.position)
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@router.get(
    "/{initiative_id}",
    response_model=InitiativeOut,
    responses=problem_responses(404),
    summary="One initiative (ETag = version)",
)
def get_initiative(initiative_id: InitiativeId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, services.people, initiative_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


add_history_route(
    router,
    record_type="initiative",
    id_name="initiative_id",
    id_type=InitiativeId,
    name="initiative_history",
)
