"""/api/programmes: development programmes (such as 3W) that follow initiatives at shared
workshop days — create, edit, enrol and withdraw initiatives, schedule, reschedule and
hold workshops, close; the dashboard, the digest of what changed since the previous
workshop and the printable workshop pack.

Check-ins are the initiatives' own events, so they live under the initiative
(`POST /api/initiatives/{id}/check-ins`), checked against the programme they report to.
A second check-in for the same workshop corrects the first: the latest counts, the
history keeps both. The progress score follows the IHI assessment scale
(`GET /api/progress-scale`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import AsOf, CommandRunner, Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import BadRequest, problem_responses
from api.request_types import Day, MaxChars, MaxItems
from api.views import HistoryEntry, PersonRef, history_entries
from documents import workshop_pack
from domain.application import CommandContext, Receipt
from domain.check_in import PROGRESS_SCALE, Rag
from domain.check_in import TEXT_MAX as CHECK_IN_TEXT_MAX
from domain.errors import RecordNotFound
from domain.programme import (
    AGENDA_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    ORGANISATIONS_MAX,
    REASON_MAX,
    TITLE_MAX,
    ProgrammeStatus,
    WorkshopKind,
)
from present.i18n import COOKIE, negotiate
from projections import history, organisations, programme_dashboard
from projections import initiatives as initiatives_read_model
from projections import programmes as read_model
from projections.experiments import initiative_titles
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/programmes", tags=["programmes"])
initiative_router = APIRouter(prefix="/api/initiatives", tags=["programmes"])
scale_router = APIRouter(prefix="/api", tags=["programmes"])
ProgrammeId = Annotated[UUID, Path(description="The programme's id")]
WorkshopId = Annotated[UUID, Path(description="The workshop's id")]
InitiativeId = Annotated[UUID, Path(description="The initiative's id")]


def _step(score: float) -> str:
    return f"{score:g}"


SCALE_TEXT = "; ".join(f"{_step(score)} = {meaning}" for score, meaning in PROGRESS_SCALE.items())
PROGRESS_DESCRIPTION = "Progress on the IHI assessment scale, 0.5 … 5 in steps of 0.5: " + SCALE_TEXT + "."


# ---- request bodies ----------------------------------------------------------------


ProgrammeName = Annotated[str, MaxChars(NAME_MAX)]
Description = Annotated[str, MaxChars(DESCRIPTION_MAX)]
OrganisationIds = Annotated[list[UUID], MaxItems(ORGANISATIONS_MAX)]
Reason = Annotated[str, MaxChars(REASON_MAX)]
CheckInText = Annotated[str, MaxChars(CHECK_IN_TEXT_MAX)]


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


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    initiative_id: UUID
    reason: Reason = Field(default="", examples=["Projekti yhdistettiin toiseen."])
    occurred_on: Day | None = Field(default=None, description="When it left, if earlier")


class WorkshopIn(BaseModel):
    """A workshop day or the closing seminar, within the programme's period."""

    model_config = ConfigDict(extra="forbid")
    day: Day = Field(examples=["2018-09-13"])
    title: Annotated[str, MaxChars(TITLE_MAX)] = Field(examples=["Työpaja 1: Lean ja arvovirta"])
    kind: WorkshopKind = Field(default=WorkshopKind.WORKSHOP, description="workshop or seminar")
    agenda: Annotated[str, MaxChars(AGENDA_MAX)] = Field(
        default="", description="The day's agenda; left empty, the pack proposes one"
    )


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: Day
    reason: Reason = ""


class HeldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occurred_on: Day | None = Field(default=None, description="When it was held, if earlier")


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    summary: Description = Field(default="", examples=["Hyvät käytännöt jaettiin päätösseminaarissa."])
    occurred_on: Day | None = Field(default=None, description="When it closed, if earlier")


class CheckInIn(BaseModel):
    """An enrolled initiative's check-in at one of the programme's workshops. A second
    check-in for the same workshop corrects the first (the latest counts)."""

    model_config = ConfigDict(extra="forbid")
    programme_id: UUID
    workshop_id: UUID
    status: Rag = Field(description="green = on track, amber = at risk, red = off track")
    progress_score: float = Field(
        strict=True,
        description=PROGRESS_DESCRIPTION,
        examples=[2.5],
        json_schema_extra={"minimum": 0.5, "maximum": 5, "multipleOf": 0.5},
    )
    done: CheckInText = Field(default="", description="What was done since the last workshop")
    next_steps: CheckInText = Field(default="", description="What comes next")
    help_needed: CheckInText = Field(default="", description="What help the team needs")
    occurred_on: Day | None = Field(
        default=None, description="The day it was reported, when entered afterwards"
    )


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class WorkshopOut(BaseModel):
    id: str
    day: date
    title: str
    kind: WorkshopKind
    agenda: str
    held: bool
    held_on: date | None
    reschedule_reason: str = Field(description="Why it was last moved, if it was")


class WorkshopDetail(WorkshopOut):
    programme: Ref
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class EnrolmentOut(BaseModel):
    initiative: Ref
    enrolled_on: date | None


class WithdrawalOut(EnrolmentOut):
    withdrawn_on: date | None
    reason: str


class ProgrammeSummary(BaseModel):
    id: str
    version: int
    name: str
    description: str
    period_start: date
    period_end: date
    organisations: list[Ref]
    coordinator: PersonRef | None
    status: ProgrammeStatus
    summary: str = Field(description="The closing summary")
    closed_on: date | None
    enrolled_count: int
    workshops_count: int
    created_at: datetime
    updated_at: datetime


class ProgrammeOut(ProgrammeSummary):
    initiatives: list[EnrolmentOut] = Field(description="The enrolled initiatives")
    withdrawn: list[WithdrawalOut] = Field(description="Initiatives withdrawn from it")
    workshops: list[WorkshopOut] = Field(description="By day")
    as_of: datetime | None = Field(default=None, description="Set when this is an as-of view")


class ProgrammePage(BaseModel):
    items: list[ProgrammeSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


class WorkshopRef(BaseModel):
    id: str
    title: str
    day: date | None


class CheckInOut(BaseModel):
    id: str
    initiative: Ref
    programme: Ref
    workshop: WorkshopRef
    status: Rag
    progress_score: float
    progress_meaning: str = Field(description="What the score means on the IHI scale")
    done: str
    next_steps: str
    help_needed: str
    corrects: str | None = Field(description="The check-in this one corrects")
    corrected_by: str | None = Field(
        description="The later check-in for the same workshop that replaces this one; "
        "null for the one that counts"
    )
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


class CheckInPage(BaseModel):
    items: list[CheckInOut] = Field(description="Oldest first, corrected ones included")
    as_of: datetime | None = None


class ScaleStep(BaseModel):
    score: float
    meaning: str


class ProgressScale(BaseModel):
    description: str
    steps: list[ScaleStep]


class ScorePoint(BaseModel):
    workshop_id: str
    day: date | None
    score: float | None
    status: Rag | None


class LatestCheckIn(BaseModel):
    id: str
    workshop_id: str
    status: Rag
    progress_score: float
    progress_meaning: str
    done: str
    next_steps: str
    help_needed: str
    corrects: str | None
    occurred_on: date | None
    recorded_at: datetime
    author: PersonRef


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


class OrganisationTotal(BaseModel):
    organisation: Ref | None = Field(description="null: initiatives without an organisation")
    initiatives: int
    by_rag: dict[str, int] = Field(
        description="green, amber, red and none (no check-in yet), by latest check-in"
    )
    checked_in_for_next: int


class Totals(BaseModel):
    by_organisation: list[OrganisationTotal]
    by_status: dict[str, int] = Field(description="Initiatives per lifecycle status")
    by_rag: dict[str, int] = Field(
        description="green, amber, red and none (no check-in yet), by latest check-in"
    )


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


def _not_found(programme_id: UUID, view: AsOf | None) -> RecordNotFound:
    if view and view.moment:
        return RecordNotFound(
            "There is no programme with id {id} as of {moment}.",
            id=programme_id,
            moment=view.moment.isoformat(),
        )
    return RecordNotFound("There is no programme with id {id}.", id=programme_id)


def _require_programme(conn: Connection, programme_id: UUID, view: AsOf | None) -> dict[str, Any]:
    row = read_model.get(conn, programme_id, view.position if view else None)
    if row is None:
        raise _not_found(programme_id, view)
    return row


def _require_workshop(
    conn: Connection, programme_id: UUID, workshop_id: UUID, view: AsOf | None
) -> dict[str, Any]:
    _require_programme(conn, programme_id, view)
    row = read_model.workshop(conn, programme_id, workshop_id, view.position if view else None)
    if row is None:
        raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
    return row


def _workshop(row: dict[str, Any]) -> dict[str, Any]:
    return WorkshopOut(**{k: row[k] for k in WorkshopOut.model_fields if k in row}).model_dump(mode="json")


COMPUTED = ("organisations", "coordinator")


def _summaries(
    conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]], as_of: int | None
) -> list[dict[str, Any]]:
    places = organisations.names(conn, {o for r in rows for o in r["organisation_ids"]}, as_of)
    names = people.names(conn, {r["coordinator_id"] for r in rows if r["coordinator_id"]})
    return [
        ProgrammeSummary(
            **{k: r[k] for k in ProgrammeSummary.model_fields if k in r and k not in COMPUTED},
            organisations=[Ref(id=o, name=places.get(o, "")) for o in r["organisation_ids"]],
            coordinator=(
                PersonRef(id=r["coordinator_id"], name=names[r["coordinator_id"]])
                if r["coordinator_id"]
                else None
            ),
        ).model_dump(mode="json")
        for r in rows
    ]


def render(
    conn: Connection, people: PeopleRegistry, programme_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position = view.position if view else None
    row = _require_programme(conn, programme_id, view)
    body = _summaries(conn, people, [row], position)[0]
    enrolments = read_model.enrolments(conn, programme_id, position, include_withdrawn=True)
    titles = initiative_titles(conn, {e["initiative_id"] for e in enrolments}, position)

    def initiative(e: dict[str, Any]) -> Ref:
        return Ref(id=e["initiative_id"], name=titles.get(e["initiative_id"], ""))

    body["initiatives"] = [
        EnrolmentOut(initiative=initiative(e), enrolled_on=e["enrolled_on"]).model_dump(mode="json")
        for e in enrolments
        if e["status"] == "enrolled"
    ]
    body["withdrawn"] = [
        WithdrawalOut(
            initiative=initiative(e),
            enrolled_on=e["enrolled_on"],
            withdrawn_on=e["withdrawn_on"],
            reason=e["withdraw_reason"],
        ).model_dump(mode="json")
        for e in enrolments
        if e["status"] != "enrolled"
    ]
    body["workshops"] = [_workshop(w) for w in read_model.workshops(conn, programme_id, position)]
    body["as_of"] = view.moment.isoformat() if view and view.moment else None
    return body


def render_workshop(
    conn: Connection, programme_id: UUID, workshop_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    programme = _require_programme(conn, programme_id, view)
    row = read_model.workshop(conn, programme_id, workshop_id, view.position if view else None)
    if row is None:
        raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
    body = _workshop(row)
    body["programme"] = {"id": programme["id"], "name": programme["name"]}
    body["as_of"] = view.moment.isoformat() if view and view.moment else None
    return body


def _scale_meaning(score: float) -> str:
    return PROGRESS_SCALE.get(float(score), "")


def _latest(check_in: dict[str, Any] | None, names: dict[str, str]) -> LatestCheckIn | None:
    if not check_in:
        return None
    return LatestCheckIn(
        id=check_in["check_in_id"],
        workshop_id=check_in["workshop_id"],
        status=check_in["status"],
        progress_score=check_in["progress_score"],
        progress_meaning=_scale_meaning(check_in["progress_score"]),
        done=check_in["done"],
        next_steps=check_in["next_steps"],
        help_needed=check_in["help_needed"],
        corrects=check_in["corrects"],
        occurred_on=check_in["occurred_on"],
        recorded_at=check_in["recorded_at"],
        author=PersonRef(id=check_in["actor_id"], name=names[check_in["actor_id"]]),
    )


def render_check_ins(
    conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]], as_of: int | None
) -> list[dict[str, Any]]:
    """Check-ins (rows of `read_model.check_ins`) with names."""
    programme_names = {
        pid: (found["name"] if found else "")
        for pid in {r["programme_id"] for r in rows}
        for found in [read_model.get(conn, UUID(pid), as_of)]
    }
    workshops = {
        (r["programme_id"], r["workshop_id"]): read_model.workshop(
            conn, UUID(r["programme_id"]), UUID(r["workshop_id"]), as_of
        )
        for r in rows
    }
    titles = initiative_titles(conn, {r["initiative_id"] for r in rows}, as_of)
    names = people.names(conn, {r["actor_id"] for r in rows})
    items = []
    for r in rows:
        workshop = workshops[(r["programme_id"], r["workshop_id"])] or {}
        items.append(
            CheckInOut(
                id=r["check_in_id"],
                initiative=Ref(id=r["initiative_id"], name=titles.get(r["initiative_id"], "")),
                programme=Ref(id=r["programme_id"], name=programme_names[r["programme_id"]]),
                workshop=WorkshopRef(
                    id=r["workshop_id"], title=workshop.get("title", ""), day=workshop.get("day")
                ),
                status=r["status"],
                progress_score=r["progress_score"],
                progress_meaning=_scale_meaning(r["progress_score"]),
                done=r["done"],
                next_steps=r["next_steps"],
                help_needed=r["help_needed"],
                corrects=r["corrects"],
                corrected_by=r["corrected_by"],
                occurred_on=r["occurred_on"],
                recorded_at=r["recorded_at"],
                author=PersonRef(id=r["actor_id"], name=names[r["actor_id"]]),
            ).model_dump(mode="json")
        )
    return items


def render_check_in(
    conn: Connection, people: PeopleRegistry, initiative_id: UUID, check_in_id: UUID, as_of: int | None = None
) -> dict[str, Any]:
    rows = read_model.check_ins(conn, None, as_of, initiative_id=initiative_id, include_corrected=True)
    found = [r for r in rows if r["check_in_id"] == str(check_in_id)]
    if not found:
        raise RecordNotFound("There is no check-in with id {id}.", id=check_in_id)
    return render_check_ins(conn, people, found, as_of)[0]


def _ref(value: dict[str, Any] | None) -> Ref | None:
    return Ref(id=value["id"], name=value["name"] or "") if value else None


def dashboard_body(services: Services, conn: Connection, programme_id: UUID, view: AsOf) -> dict[str, Any]:
    """The dashboard as the API shows it (names filled in); the pack and the pages reuse it."""
    raw = programme_dashboard.dashboard(
        conn, programme_id, view.position, ZoneInfo(services.settings.timezone)
    )
    if raw is None:
        raise _not_found(programme_id, view)
    people_ids = {r["owner_id"] for r in raw["rows"] if r["owner_id"]}
    people_ids |= {r["latest_check_in"]["actor_id"] for r in raw["rows"] if r["latest_check_in"]}
    names = services.people.names(conn, people_ids)
    titles = {r["initiative_id"]: r["title"] for r in raw["rows"]}
    rows = [
        DashboardRow(
            initiative=Ref(id=r["initiative_id"], name=r["title"]),
            organisation=_ref(r["organisation"]),
            owner=PersonRef(id=r["owner_id"], name=names[r["owner_id"]]) if r["owner_id"] else None,
            status=r["status"] or "",
            latest_check_in=_latest(r["latest_check_in"], names),
            scores=r["scores"],
            open_experiments=r["open_experiments"],
            checked_in_for_next=r["checked_in_for_next"],
        )
        for r in raw["rows"]
    ]
    totals = raw["totals"]
    return Dashboard(
        programme=ProgrammeSummary.model_validate(
            _summaries(conn, services.people, [raw["programme"]], view.position)[0]
        ),
        workshops=raw["workshops"],
        next_workshop=raw["next_workshop"],
        enrolled=raw["enrolled"],
        rows=rows,
        missing_for_next=[Ref(id=i, name=titles.get(i, "")) for i in raw["missing_for_next"]],
        totals=Totals(
            by_organisation=[
                OrganisationTotal(**{**t, "organisation": _ref(t["organisation"])})
                for t in totals["by_organisation"]
            ],
            by_status=totals["by_status"],
            by_rag=totals["by_rag"],
        ),
        as_of=view.moment,
    ).model_dump(mode="json")


def digest_body(
    services: Services, conn: Connection, programme_id: UUID, workshop_id: UUID, view: AsOf
) -> dict[str, Any]:
    """What changed since the previous workshop, per initiative, with names filled in."""
    raw = programme_dashboard.digest(
        conn, programme_id, workshop_id, view.position, ZoneInfo(services.settings.timezone)
    )
    if raw is None:
        _require_programme(conn, programme_id, view)
        raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
    listed = raw["initiatives"]
    people_ids = {i["owner_id"] for i in listed if i["owner_id"]}
    people_ids |= {i["check_in"]["actor_id"] for i in listed if i["check_in"]}
    people_ids |= {e["actor_id"] for i in listed for e in i["entries"]}
    names = services.people.names(conn, people_ids)

    def entry(e: dict[str, Any]) -> DigestEntry:
        return DigestEntry(
            **{k: e[k] for k in DigestEntry.model_fields if k in e},
            actor=PersonRef(id=e["actor_id"], name=names[e["actor_id"]]),
        )

    return Digest(
        programme=Ref(id=raw["programme"]["id"], name=raw["programme"]["name"]),
        workshop=raw["workshop"],
        previous_workshop=raw["previous_workshop"],
        window=Window.model_validate(raw["window"]),
        initiatives=[
            DigestInitiative(
                initiative=Ref(id=i["initiative_id"], name=i["title"]),
                organisation=_ref(i["organisation"]),
                owner=PersonRef(id=i["owner_id"], name=names[i["owner_id"]]) if i["owner_id"] else None,
                status=i["status"] or "",
                check_in=_latest(i["check_in"], names),
                counts=i["counts"],
                entries=[entry(e) for e in i["entries"]],
            )
            for i in listed
        ],
        totals=raw["totals"],
        as_of=view.moment,
    ).model_dump(mode="json", by_alias=True)


def _location(programme_id: UUID) -> str:
    return f"/api/programmes/{programme_id}"


def _change(
    commands: CommandRunner, services: Services, command: Callable[[CommandContext], Receipt]
) -> Response:
    """Run a command on a programme and answer with the programme as it is now."""
    return commands.run(command, lambda conn, rid: render(conn, services.people, rid))


# ---- commands ----------------------------------------------------------------------

WRITE_ERRORS = problem_responses(404, 409, 412, 422)


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


@router.post(
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


@router.post(
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


@router.post(
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


@initiative_router.post(
    "/{initiative_id}/check-ins",
    status_code=201,
    response_model=CheckInOut,
    responses=WRITE_ERRORS,
    summary="Record a check-in at a workshop (a second one for the same workshop corrects the first)",
    description="The initiative must be enrolled in the programme, the workshop must be one of its "
    "workshops and the programme open. " + PROGRESS_DESCRIPTION,
)
def check_in(
    initiative_id: InitiativeId, body: CheckInIn, commands: Commands, services: ServicesDep
) -> Response:
    check_in_id = services.app.new_id(commands.ctx)
    return commands.run(
        lambda ctx: services.app.record_check_in(
            ctx,
            initiative_id,
            check_in_id=check_in_id,
            programme_id=body.programme_id,
            workshop_id=body.workshop_id,
            status=body.status.value,
            progress_score=body.progress_score,
            done=body.done,
            next_steps=body.next_steps,
            help_needed=body.help_needed,
            occurred_on=body.occurred_on,
        ),
        lambda conn, rid: render_check_in(conn, services.people, rid, check_in_id),
        created=True,
        location=lambda rid: f"/api/initiatives/{rid}/check-ins/{check_in_id}",
    )


# ---- reads -------------------------------------------------------------------------


@scale_router.get(
    "/progress-scale",
    response_model=ProgressScale,
    responses=problem_responses(),
    summary="The progress scale of check-ins: each step and what it means",
)
def progress_scale() -> dict[str, Any]:
    return {
        "description": PROGRESS_DESCRIPTION,
        "steps": [{"score": score, "meaning": meaning} for score, meaning in PROGRESS_SCALE.items()],
    }


@router.get("", response_model=ProgrammePage, responses=problem_responses(), summary="List and search")
def list_programmes(
    services: ServicesDep,
    view: View,
    status: ProgrammeStatus | None = None,
    organisation_id: UUID | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the name"), PrintableQuery] = None,
    limit: int = page_limit(),
    cursor: str | None = None,
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        try:
            rows, next_cursor = read_model.search(
                conn,
                status=status.value if status else None,
                organisation_id=organisation_id,
                text=q,
                as_of=view.position,
                limit=limit,
                cursor=cursor,
            )
        except ValueError:
            raise BadRequest("cursor is not one this server gave out; start without it.") from None
        items = _summaries(conn, services.people, rows, view.position)
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


@router.get(
    "/{programme_id}/history",
    response_model=list[HistoryEntry],
    responses=problem_responses(404),
    summary="Every change, field by field",
)
def programme_history(programme_id: ProgrammeId, services: ServicesDep, view: View) -> list[dict[str, Any]]:
    with services.projector.engine.connect() as conn:
        rows = history.of_record(conn, programme_id, view.position)
        if not rows or rows[0]["record_type"] != "programme":
            raise RecordNotFound("There is no programme with id {id}.", id=programme_id)
        return history_entries(conn, services.people, rows)


@router.get(
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
        version = _require_programme(conn, programme_id, view)["version"]
    return JSONResponse(body, headers={"ETag": etag(version)})


@router.get(
    "/{programme_id}/dashboard",
    response_model=Dashboard,
    responses=problem_responses(404),
    summary="Every enrolled initiative: status, latest check-in, score trend, open experiments; "
    "who has not checked in for the next workshop; totals",
)
def dashboard(programme_id: ProgrammeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        return dashboard_body(services, conn, programme_id, view)


@router.get(
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


@router.get(
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


@initiative_router.get(
    "/{initiative_id}/check-ins",
    response_model=CheckInPage,
    responses=problem_responses(404),
    summary="The initiative's check-ins in every programme, corrected ones included (corrected_by set)",
)
def initiative_check_ins(initiative_id: InitiativeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        if initiatives_read_model.get(conn, initiative_id, view.position) is None:
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        rows = read_model.check_ins(
            conn, None, view.position, initiative_id=initiative_id, include_corrected=True
        )
        items = render_check_ins(conn, services.people, rows, view.position)
    return {"items": items, "as_of": view.moment}


@initiative_router.get(
    "/{initiative_id}/check-ins/{check_in_id}",
    response_model=CheckInOut,
    responses=problem_responses(404),
    summary="One check-in",
)
def get_check_in(
    initiative_id: InitiativeId, check_in_id: UUID, services: ServicesDep, view: View
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        if initiatives_read_model.get(conn, initiative_id, view.position) is None:
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        return render_check_in(conn, services.people, initiative_id, check_in_id, view.position)
