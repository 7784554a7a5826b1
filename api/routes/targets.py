"""/api/targets: development targets (KS steps 5–6; Heinävesi's common targets) — define,
edit, link and unlink initiatives, rotation placements and Change Day actions, review
yearly, retire; reads, history and the coverage view.

Linking an initiative also records `LinkedToTarget` on the initiative, and linking a
placement sets its `target_id`, in the same save: each record's history tells it. An
unlink is a command on the target (`POST …/unlink`, like `…/retire`), not a DELETE:
nothing is ever deleted, the link's history stays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Connection

from api.deps import AsOf, Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import BadRequest, problem_responses
from api.request_types import Day, MaxChars
from api.routes.evaluations import EvaluationRef
from api.views import HistoryEntry, PersonRef, history_entries
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
from domain.errors import RecordNotFound
from projections import coverage as coverage_queries
from projections import development_targets as read_model
from projections import evaluations, history, organisations
from projections import measures as measures_read_model
from services.bootstrap import Services
from services.people_registry import PeopleRegistry

router = APIRouter(prefix="/api/targets", tags=["development targets"])
TargetId = Annotated[UUID, Path(description="The development target's id")]
# No activity recorded on any linked record for this long flags a target (a year: KS reviews yearly).
ACTIVITY_WINDOW = timedelta(days=365)


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
    names = organisations.names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]}, as_of)
    return [
        TargetSummary(
            **{k: r[k] for k in TargetSummary.model_fields if k in r},
            organisation=Ref(id=r["organisation_id"], name=names.get(r["organisation_id"], ""))
            if r["organisation_id"]
            else None,
        ).model_dump(mode="json")
        for r in rows
    ]


def _reviews(
    conn: Connection, people: PeopleRegistry, target_id: UUID, as_of: int | None
) -> list[dict[str, Any]]:
    rows = read_model.reviews_of(conn, target_id, as_of)
    names = people.names(conn, {r["actor_id"] for r in rows})
    return [
        ReviewOut(
            id=r["review_id"],
            **{k: r[k] for k in ("year", "status", "what_changed", "decision", "corrects", "corrected_by")},
            occurred_on=r["occurred_on"],
            recorded_at=r["recorded_at"],
            author=PersonRef(id=r["actor_id"], name=names[r["actor_id"]]),
        ).model_dump(mode="json")
        for r in rows
    ]


def _latest_review(reviews: list[dict[str, Any]]) -> dict[str, Any] | None:
    counting = [r for r in reviews if r["corrected_by"] is None]
    return max(counting, key=lambda r: r["year"]) if counting else None


def _link_names(conn: Connection, links: list[dict[str, Any]], as_of: int | None) -> dict[str, str]:
    ids = _ids_by_type(links)
    found = {
        i: row["title"]
        for i, row in coverage_queries.initiatives_by_id(conn, ids["initiative"], as_of).items()
    }
    placements = coverage_queries.rotations_by_id(conn, ids["rotation"], as_of)
    units = organisations.names(
        conn, {p[k] for p in placements.values() for k in ("home_unit_id", "host_unit_id")}, as_of
    )
    for i, p in placements.items():
        found[i] = f"{units.get(p['home_unit_id'], '')} → {units.get(p['host_unit_id'], '')}"
    for i, a in coverage_queries.actions_by_id(conn, ids["change_action"], as_of).items():
        found[i] = a["text"]
    return found


def _ids_by_type(links: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Linked record ids by record type (initiative, rotation, change_action), in link order."""
    return {
        kind.value: [link["record_id"] for link in links if link["record_type"] == kind.value]
        for kind in RecordType
    }


def _require(conn: Connection, target_id: UUID, view: AsOf | None) -> dict[str, Any]:
    position = view.position if view else None
    row = read_model.get(conn, target_id, position)
    if row is None:
        if view and view.moment:
            raise RecordNotFound(
                "There is no development target with id {id} as of {moment}.",
                id=target_id,
                moment=view.moment.isoformat(),
            )
        raise RecordNotFound("There is no development target with id {id}.", id=target_id)
    return row


def render(
    conn: Connection, people: PeopleRegistry, target_id: UUID, view: AsOf | None = None
) -> dict[str, Any]:
    position = view.position if view else None
    row = _require(conn, target_id, view)
    body = render_many(conn, [row], position)[0]
    links = read_model.links_of(conn, target_id, position)
    names = _link_names(conn, links, position)
    linkers = people.names(conn, {link["linked_by"] for link in links})
    body["links"] = [
        LinkOut(
            record_type=link["record_type"],
            record_id=link["record_id"],
            name=names.get(link["record_id"], ""),
            linked_at=link["linked_at"],
            linked_by=PersonRef(id=link["linked_by"], name=linkers[link["linked_by"]]),
        ).model_dump(mode="json")
        for link in links
    ]
    body["reviews"] = _reviews(conn, people, target_id, position)
    body["latest_review"] = _latest_review(body["reviews"])
    body["as_of"] = view.moment.isoformat() if view and view.moment else None
    return body


def _location(target_id: UUID) -> str:
    return f"/api/targets/{target_id}"


def _run(commands: Commands, services: Services, command: Any, **options: Any) -> Response:
    return commands.run(command, lambda conn, rid: render(conn, services.people, rid), **options)


# ---- commands ----------------------------------------------------------------------

WRITE_ERRORS = problem_responses(404, 409, 412, 422)


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
            ctx, target_id, record_type=body.record_type.value, record_id=body.record_id
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
) -> dict[str, Any]:
    flt = read_model.TargetFilter(
        strategy=strategy.value if strategy else None,
        responsible_role=responsible_role.value if responsible_role else None,
        status=status.value if status else None,
        organisation_id=organisation_id,
        q=q,
    )
    with services.projector.engine.connect() as conn:
        try:
            rows, next_cursor = read_model.search(conn, flt, limit=limit, cursor=cursor, as_of=view.position)
        except ValueError:
            raise BadRequest("cursor is not one this server gave out; start without it.") from None
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


@router.get(
    "/{target_id}/history",
    response_model=list[HistoryEntry],
    responses=problem_responses(404),
    summary="Every change, field by field",
)
def target_history(target_id: TargetId, services: ServicesDep, view: View) -> list[dict[str, Any]]:
    with services.projector.engine.connect() as conn:
        rows = history.of_record(conn, target_id, view.position)
        if not rows or rows[0]["record_type"] != "development_target":
            raise RecordNotFound("There is no development target with id {id}.", id=target_id)
        return history_entries(conn, services.people, rows)


@router.get(
    "/{target_id}/coverage",
    response_model=Coverage,
    responses=problem_responses(404),
    summary="Its initiatives (status, latest evaluation, measures), placements and actions; "
    "flags for no measure and no activity",
)
def coverage(target_id: TargetId, services: ServicesDep, view: View) -> dict[str, Any]:
    position = view.position
    now = view.moment or datetime.now(UTC)
    with services.projector.engine.connect() as conn:
        row = _require(conn, target_id, view)
        target = render_many(conn, [row], position)[0]
        links = read_model.links_of(conn, target_id, position)
        ids = _ids_by_type(links)
        linked_initiatives = coverage_queries.initiatives_by_id(conn, ids["initiative"], position)
        latest = evaluations.latest_of(conn, ids["initiative"], position)
        measure_rows = measures_read_model.of_initiatives(conn, ids["initiative"], position)
        placements = coverage_queries.rotations_by_id(conn, ids["rotation"], position)
        units = organisations.names(
            conn, {p[k] for p in placements.values() for k in ("home_unit_id", "host_unit_id")}, position
        )
        actions = coverage_queries.actions_by_id(conn, ids["change_action"], position)
        watched = [link["record_id"] for link in links] + [m["id"] for m in measure_rows]
        last_activity = coverage_queries.last_activity(conn, watched, position)
        reviews = _reviews(conn, services.people, target_id, position)
    return {
        "target": target,
        "initiatives": covered_initiatives(ids["initiative"], linked_initiatives, latest, measure_rows),
        "placements": [
            {
                "id": p["id"],
                "status": p["status"],
                "starts_on": p["starts_on"],
                "ends_on": p["ends_on"],
                "home_unit": {"id": p["home_unit_id"], "name": units.get(p["home_unit_id"], "")},
                "host_unit": {"id": p["host_unit_id"], "name": units.get(p["host_unit_id"], "")},
            }
            for i in ids["rotation"]
            if (p := placements.get(i)) is not None
        ],
        "actions": [
            {"id": a["id"], "text": a["text"], "status": a["status"]}
            for i in ids["change_action"]
            if (a := actions.get(i)) is not None
        ],
        "latest_review": _latest_review(reviews),
        "last_activity_at": last_activity,
        "flags": {
            "no_measure": not measure_rows,
            "no_activity": not links or last_activity is None or last_activity < now - ACTIVITY_WINDOW,
        },
        "as_of": view.moment,
    }


def covered_initiatives(
    ids: list[str],
    rows: dict[str, dict[str, Any]],
    latest: dict[str, dict[str, Any]],
    measure_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The linked initiatives in link order, each with its latest evaluation and its measures
    (rows of projections/measures.py)."""
    found = []
    for initiative_id in ids:
        row = rows.get(initiative_id)
        if row is None:
            continue
        evaluation = latest.get(initiative_id)
        found.append(
            {
                "id": initiative_id,
                "name": row["title"],
                "status": row["status"],
                "latest_evaluation": {
                    "id": evaluation["evaluation_id"],
                    "evaluated_on": evaluation["evaluated_on"],
                    "recommendation": evaluation["recommendation"],
                }
                if evaluation
                else None,
                "measures": [
                    {
                        "id": m["id"],
                        "name": m["name"],
                        "unit": m["unit"],
                        "values_count": m["values_count"],
                        "last_value_on": m["last_value_on"],
                    }
                    for m in measure_rows
                    if m["initiative_id"] == initiative_id
                ],
            }
        )
    return found
