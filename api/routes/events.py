"""/api/events (the raw event log) and /api/activity (the human-readable feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from api.deps import ServicesDep, View, page_limit
from api.errors import problem_responses
from api.views import HistoryPage, history_entries
from projections import history
from projections.tables import POSITION_MAX

router = APIRouter(prefix="/api", tags=["events"])

_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic"}


class EventOut(BaseModel):
    position: int = Field(description="Position in the notification log; pass the last as ?after=")
    record_id: str
    version: int
    topic: str = Field(description="The event's registered topic, e.g. kipina:Initiative.Planned")
    recorded_at: datetime
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventOut]
    next_after: int | None = Field(description="Pass as ?after= to continue; None at the end")


@router.get("/events", response_model=EventPage, responses=problem_responses(), summary="Raw event feed")
def events(
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, le=POSITION_MAX, description="Return events after this position")] = 0,
    limit: int = page_limit(),
) -> dict[str, Any]:
    app = services.app
    notifications = app.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
    items = []
    for n in notifications:
        event = app.mapper.to_domain_event(n)
        data = {k: v for k, v in vars(event).items() if k not in _ENVELOPE}
        items.append(
            {
                "position": n.id,
                "record_id": str(n.originator_id),
                "version": n.originator_version,
                "topic": n.topic,
                "recorded_at": getattr(event, "timestamp", None),
                "data": jsonable_encoder(data),
            }
        )
    next_after = notifications[-1].id if len(notifications) == limit else None
    return {"items": items, "next_after": next_after}


@router.get(
    "/activity",
    response_model=HistoryPage,
    responses=problem_responses(),
    summary="What happened lately, across every record (newest first)",
)
def activity(
    services: ServicesDep,
    view: View,
    before: Annotated[
        int | None, Query(ge=1, le=POSITION_MAX, description="Older than this position")
    ] = None,
    record_type: Literal["initiative", "organisation"] | None = None,
    limit: int = page_limit(),
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        rows = history.feed(conn, limit=limit, before=before, record_type=record_type, as_of=view.position)
        items = history_entries(conn, services.people, rows)
    next_before = rows[-1]["position"] if len(rows) == limit else None
    return {"items": items, "next_before": next_before}
