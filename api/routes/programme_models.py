"""What the programme routers share: path parameters, the progress scale's words and
the response shapes that more than one of them answers with (a reference, a workshop,
a programme's summary, a check-in as the dashboard and the digest show it).

Two shapes here, `RescheduleIn` and `Totals`, share their name with another router's
schema, so the OpenAPI document names them by module ("api__routes__programmes__Totals").
They say they belong to `api.routes.programmes`, where they were written before the
programme router was split, to keep that name; for that their annotations are evaluated
here (no `from __future__ import annotations`), not looked up in that module.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from api.request_types import Day, MaxChars
from api.routes.common import archived_field
from api.views import PersonRef
from domain.check_in import PROGRESS_SCALE, Rag
from domain.programme import REASON_MAX, ProgrammeStatus, WorkshopKind

ProgrammeId = Annotated[UUID, Path(description="The programme's id")]
WorkshopId = Annotated[UUID, Path(description="The workshop's id")]
Reason = Annotated[str, MaxChars(REASON_MAX)]


def _step(score: float) -> str:
    return f"{score:g}"


SCALE_TEXT = "; ".join(f"{_step(score)} = {meaning}" for score, meaning in PROGRESS_SCALE.items())
PROGRESS_DESCRIPTION = "Progress on the IHI assessment scale, 0.5 … 5 in steps of 0.5: " + SCALE_TEXT + "."


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


class ProgrammeSummary(BaseModel):
    id: str
    archived: bool = archived_field()
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


class RescheduleIn(BaseModel):
    __module__ = "api.routes.programmes"  # its name in the OpenAPI document: see above
    model_config = ConfigDict(extra="forbid")
    day: Day
    reason: Reason = ""


class OrganisationTotal(BaseModel):
    organisation: Ref | None = Field(description="null: initiatives without an organisation")
    initiatives: int
    by_rag: dict[str, int] = Field(
        description="green, amber, red and none (no check-in yet), by latest check-in"
    )
    checked_in_for_next: int


class Totals(BaseModel):
    __module__ = "api.routes.programmes"  # its name in the OpenAPI document: see above
    by_organisation: list[OrganisationTotal]
    by_status: dict[str, int] = Field(description="Initiatives per lifecycle status")
    by_rag: dict[str, int] = Field(
        description="green, amber, red and none (no check-in yet), by latest check-in"
    )
