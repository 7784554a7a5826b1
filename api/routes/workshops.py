"""/api/programmes/{id}/workshops: the programme's workshop days — schedule, reschedule
and hold a workshop; read one, the programme's dashboard, the digest of what changed
since the previous workshop and the printable workshop pack.

The routes join the programme's router (`api.routes.programmes`) in two parts, the
commands and the reads, so that the OpenAPI document keeps its order of paths.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import AsOf, Commands, ServicesDep, View, etag
from api.errors import problem_responses
from api.request_types import Day, MaxChars
from api.routes.common import WRITE_ERRORS
from api.routes.programme_models import (
    LatestCheckIn,
    ProgrammeId,
    ProgrammeSummary,
    Ref,
    RescheduleIn,
    Totals,
    WorkshopId,
    WorkshopOut,
)
from api.views import HistoryEntry, PersonRef
from documents import workshop_pack
from domain.check_in import Rag
from domain.programme import AGENDA_MAX, TITLE_MAX, WorkshopKind
from present import programmes as programme_views
from present.i18n import COOKIE, negotiate
from services.bootstrap import Services

# The programme's router takes these in, in this order: commands after the enrolments',
# reads after the programme's history.
commands = APIRouter()
reads = APIRouter()


# ---- request bodies ----------------------------------------------------------------


class WorkshopIn(BaseModel):
    """A workshop day or the closing seminar, within the programme's period."""

    model_config = ConfigDict(extra="forbid")
    day: Day = Field(examples=["2018-09-13"])
    title: Annotated[str, MaxChars(TITLE_MAX)] = Field(examples=["Työpaja 1: Lean ja arvovirta"])
    kind: WorkshopKind = Field(default=WorkshopKind.WORKSHOP, description="workshop or seminar")
    agenda: Annotated[str, MaxChars(AGENDA_MAX)] = Field(
        default="", description="The day's agenda; left empty, the pack proposes one"
    )


class HeldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occurred_on: Day | None = Field(default=None, description="When it was held, if earlier")


# ---- responses -------------------------------------------------------------------


class WorkshopDetail(WorkshopOut):
    programme: Ref
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class ScorePoint(BaseModel):
    workshop_id: str
    day: date | None
    score: float | None
    status: Rag | None


class OpenExperiment(BaseModel):
    id: str
    title: str
    stage: str


class DashboardRow(BaseModel):
    initiative: Ref
    organisation: Ref | None
    owner: PersonRef | None
    status: str = Field(description="The initiative's lifecycle status")
    latest_check_in: LatestCheckIn | None
    scores: list[ScorePoint] = Field(description="Progress per workshop, in workshop order (the trend)")
    open_experiments: list[OpenExperiment]
    checked_in_for_next: bool = Field(description="Has a check-in for the next workshop")


class DashboardWorkshop(WorkshopOut):
    number: int = Field(description="Its place in the programme by day, 1 for the first")
    check_ins: int = Field(description="Enrolled initiatives with a check-in for it")


class Dashboard(BaseModel):
    programme: ProgrammeSummary
    workshops: list[DashboardWorkshop] = Field(description="By day")
    next_workshop: DashboardWorkshop | None = Field(description="The first workshop not yet held")
    enrolled: int
    rows: list[DashboardRow] = Field(description="By organisation, then title")
    missing_for_next: list[Ref] = Field(
        description="Enrolled initiatives with no check-in for the next workshop"
    )
    totals: Totals
    as_of: datetime | None = None


class DigestEntry(HistoryEntry):
    kind: str = Field(
        description="status, note, check_in or edit (the initiative's); experiment_planned, "
        "experiment_started, experiment_studied, experiment_decided, experiment_cancelled, measure "
        "or experiment_edit (its experiments')"
    )
    day: date = Field(description="occurred_on when back-dated, else the local day it was recorded")


class DigestInitiative(BaseModel):
    initiative: Ref
    organisation: Ref | None
    owner: PersonRef | None
    status: str = Field(description="The initiative's lifecycle status")
    check_in: LatestCheckIn | None = Field(description="Its check-in for this workshop")
    counts: dict[str, int] = Field(description="Entries per kind")
    entries: list[DigestEntry] = Field(description="What was recorded in the window, by day")


class Window(BaseModel):
    start: date = Field(alias="from", description="First day included")
    end: date = Field(alias="to", description="Last day included: the workshop's day")


class Digest(BaseModel):
    programme: Ref
    workshop: DashboardWorkshop
    previous_workshop: WorkshopOut | None
    window: Window = Field(
        description="After the previous workshop's day up to this workshop's day; "
        "for the first workshop, from the programme's start"
    )
    initiatives: list[DigestInitiative] = Field(description="Every enrolled initiative, quiet ones too")
    totals: dict[str, int] = Field(description="Entries per kind, all initiatives together")
    as_of: datetime | None = None


# ---- rendering ---------------------------------------------------------------------


def render_workshop(
    conn: Connection, programme_id: UUID, workshop_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    moment = view.moment if view else None
    shown = programme_views.workshop(conn, programme_id, workshop_id, view.position if view else None, moment)
    body = WorkshopDetail.model_validate(shown).model_dump(mode="json")
    # Written by isoformat, not by pydantic (which writes UTC as Z), as it always was.
    body["as_of"] = moment.isoformat() if moment else None
    return body


def dashboard_body(services: Services, conn: Connection, programme_id: UUID, view: AsOf) -> dict[str, Any]:
    """The dashboard as the API shows it (names filled in); the pack reuses it."""
    zone = ZoneInfo(services.settings.timezone)
    shown = programme_views.dashboard(conn, services.people, programme_id, view.position, zone)
    if shown is None:
        raise programme_views.missing(programme_id, view.moment)
    return Dashboard.model_validate({**shown, "as_of": view.moment}).model_dump(mode="json")


def digest_body(
    services: Services, conn: Connection, programme_id: UUID, workshop_id: UUID, view: AsOf
) -> dict[str, Any]:
    """What changed since the previous workshop, per initiative, with names filled in."""
    zone = ZoneInfo(services.settings.timezone)
    shown = programme_views.digest(conn, services.people, programme_id, workshop_id, view.position, zone)
    if shown is None:
        programme_views.require(conn, programme_id, view.position, view.moment)
        raise programme_views.missing_workshop(workshop_id)
    digest = Digest.model_validate({**shown, "as_of": view.moment})
    return digest.model_dump(mode="json", by_alias=True)


# ---- commands ----------------------------------------------------------------------


@commands.post(
    "/{programme_id}/workshops",
    status_code=201,
    response_model=WorkshopDetail,
    responses=WRITE_ERRORS,
    summary="Schedule a workshop or the closing seminar (Location names the new workshop)",
)
def schedule(
    programme_id: ProgrammeId, body: WorkshopIn, commands: Commands, services: ServicesDep
) -> Response:
    # Derived from the Idempotency-Key when there is one: a retry names the same workshop.
    workshop_id = services.app.new_id(commands.ctx)
    return commands.run(
        lambda ctx: services.app.schedule_workshop(
            ctx,
            programme_id,
            workshop_id=workshop_id,
            day=body.day,
            title=body.title,
            kind=body.kind.value,
            agenda=body.agenda,
        ),
        lambda conn, rid: render_workshop(conn, rid, workshop_id),
        created=True,
        location=lambda rid: f"/api/programmes/{rid}/workshops/{workshop_id}",
    )


@commands.post(
    "/{programme_id}/workshops/{workshop_id}/reschedule",
    response_model=WorkshopDetail,
    responses=WRITE_ERRORS,
    summary="Move a workshop that has not been held to another day within the period",
)
def reschedule(
    programme_id: ProgrammeId,
    workshop_id: WorkshopId,
    body: RescheduleIn,
    commands: Commands,
    services: ServicesDep,
) -> Response:
    return commands.run(
        lambda ctx: services.app.reschedule_workshop(
            ctx, programme_id, workshop_id, day=body.day, reason=body.reason
        ),
        lambda conn, rid: render_workshop(conn, rid, workshop_id),
    )


@commands.post(
    "/{programme_id}/workshops/{workshop_id}/held",
    response_model=WorkshopDetail,
    responses=WRITE_ERRORS,
    summary="Mark a workshop held (on or after its day)",
)
def hold(
    programme_id: ProgrammeId,
    workshop_id: WorkshopId,
    commands: Commands,
    services: ServicesDep,
    body: Annotated[HeldIn | None, Body()] = None,
) -> Response:
    given = body or HeldIn()
    return commands.run(
        lambda ctx: services.app.hold_workshop(ctx, programme_id, workshop_id, occurred_on=given.occurred_on),
        lambda conn, rid: render_workshop(conn, rid, workshop_id),
    )


# ---- reads -------------------------------------------------------------------------


@reads.get(
    "/{programme_id}/workshops/{workshop_id}",
    response_model=WorkshopDetail,
    responses=problem_responses(404),
    summary="One workshop (ETag = the programme's version)",
)
def get_workshop(
    programme_id: ProgrammeId, workshop_id: WorkshopId, services: ServicesDep, view: View
) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render_workshop(conn, programme_id, workshop_id, view)
        version = programme_views.require(conn, programme_id, view.position, view.moment)["version"]
    return JSONResponse(body, headers={"ETag": etag(version)})


@reads.get(
    "/{programme_id}/dashboard",
    response_model=Dashboard,
    responses=problem_responses(404),
    summary="Every enrolled initiative: status, latest check-in, score trend, open experiments; "
    "who has not checked in for the next workshop; totals",
)
def dashboard(programme_id: ProgrammeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return dashboard_body(services, conn, programme_id, view)


@reads.get(
    "/{programme_id}/workshops/{workshop_id}/digest",
    response_model=Digest,
    response_model_by_alias=True,
    responses=problem_responses(404),
    summary="Changed since the previous workshop: per initiative, everything recorded in between",
)
def digest(
    programme_id: ProgrammeId, workshop_id: WorkshopId, services: ServicesDep, view: View
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return digest_body(services, conn, programme_id, workshop_id, view)


PACK_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The workshop pack: printable HTML (A4), or Markdown (?format=markdown "
        "or Accept: text/markdown)",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "text/markdown": {"schema": {"type": "string"}},
        },
    },
    **problem_responses(404),
}


@reads.get(
    "/{programme_id}/workshops/{workshop_id}/pack",
    response_class=HTMLResponse,
    responses=PACK_RESPONSES,
    summary="The printable pack for the day: agenda, dashboard, digest, one section per initiative",
)
def pack(
    programme_id: ProgrammeId,
    workshop_id: WorkshopId,
    request: Request,
    services: ServicesDep,
    view: View,
    lang: Annotated[
        Literal["fi", "sv", "en"] | None,
        Query(description="Language; otherwise the language cookie, then Accept-Language"),
    ] = None,
    format: Annotated[
        Literal["html", "markdown"] | None,
        Query(description="html or markdown; otherwise the Accept header decides (a link cannot set one)"),
    ] = None,
) -> Response:
    chosen = lang or negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
    accepts_markdown = "text/markdown" in request.headers.get("accept", "")
    markdown = format == "markdown" or (format is None and accepts_markdown)
    with services.projector.engine.connect() as conn:
        digest = digest_body(services, conn, programme_id, workshop_id, view)
        dashboard = dashboard_body(services, conn, programme_id, view)
    text = workshop_pack.render(
        dashboard,
        digest,
        lang=chosen,
        zone=ZoneInfo(services.settings.timezone),
        markdown=markdown,
    )
    headers = {"Vary": "Accept, Accept-Language, Cookie", "Content-Language": chosen}
    if markdown:
        return Response(text, media_type="text/markdown; charset=utf-8", headers=headers)
    return HTMLResponse(text, headers=headers)
