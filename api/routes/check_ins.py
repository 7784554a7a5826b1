"""Check-ins are the initiatives' own events, so they live under the initiative
(`POST /api/initiatives/{id}/check-ins`), checked against the programme they report to.
A second check-in for the same workshop corrects the first: the latest counts, the
history keeps both. The progress score follows the IHI assessment scale
(`GET /api/progress-scale`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import Commands, ServicesDep, View
from api.errors import problem_responses
from api.request_types import Day, MaxChars
from api.routes.common import WRITE_ERRORS
from api.routes.programme_models import PROGRESS_DESCRIPTION, Ref
from api.views import PersonRef
from domain.check_in import PROGRESS_SCALE, Rag
from domain.check_in import TEXT_MAX as CHECK_IN_TEXT_MAX
from domain.errors import RecordNotFound
from present import programmes as programme_views
from projections import initiatives as initiatives_read_model
from projections import programmes as read_model
from services.people_registry import PeopleRegistry

initiative_router = APIRouter(prefix="/api/initiatives", tags=["programmes"])
scale_router = APIRouter(prefix="/api", tags=["programmes"])
InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
CheckInText = Annotated[str, MaxChars(CHECK_IN_TEXT_MAX)]


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


def render_check_in(
    conn: Connection, people: PeopleRegistry, initiative_id: UUID, check_in_id: UUID, as_of: int | None = None
) -> dict[str, Any]:
    shown = programme_views.check_in(conn, people, initiative_id, check_in_id, as_of)
    return CheckInOut.model_validate(shown).model_dump(mode="json")


def _require_initiative(conn: Connection, initiative_id: UUID, view: View) -> None:
    if initiatives_read_model.get(conn, initiative_id, view.position) is None:
        raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)


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


@initiative_router.get(
    "/{initiative_id}/check-ins",
    response_model=CheckInPage,
    responses=problem_responses(404),
    summary="The initiative's check-ins in every programme, corrected ones included (corrected_by set)",
)
def initiative_check_ins(initiative_id: InitiativeId, services: ServicesDep, view: View) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        _require_initiative(conn, initiative_id, view)
        rows = read_model.check_ins(
            conn, None, view.position, initiative_id=initiative_id, include_corrected=True
        )
        shown = programme_views.check_ins(conn, services.people, rows, view.position)
    items = [CheckInOut.model_validate(c).model_dump(mode="json") for c in shown]
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
        _require_initiative(conn, initiative_id, view)
        return render_check_in(conn, services.people, initiative_id, check_in_id, view.position)
