"""Outcome timelines: everything that matters for evaluating an initiative on one time axis —
lifecycle moves, experiments and their decisions, check-ins with progress scores, measure
values and run-chart signals, annotations, evaluations (and good-practice publications once
they exist) — as JSON for programs and as an accessible SVG for people.

Per initiative (one lane per kind in the SVG), and aggregated across the initiatives of a
programme (enrolled as of the view) or of a development target (linked as of the view), one
lane per initiative. Filter with `kind` (repeatable), `from` and `to` (days, both included);
`?as_of=` shows what Kipinä knew then. The body and its drawing are `present.timelines`.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import AsOf, PlausibleDay, ServicesDep, View
from api.errors import InvalidParam, problem, problem_responses
from api.routes import drawings
from api.routes.drawings import LangQuery
from present import timelines
from projections import outcome_timeline
from projections.outcome_timeline import Kind

initiative_router = APIRouter(prefix="/api/initiatives", tags=["timelines"])
programme_router = APIRouter(prefix="/api/programmes", tags=["timelines"])
target_router = APIRouter(prefix="/api/targets", tags=["timelines"])
routers = (initiative_router, programme_router, target_router)

KindsQuery = Annotated[
    list[Kind] | None,
    Query(alias="kind", description="Only these kinds of entry (repeat the parameter for several)"),
]
FromQuery = Annotated[
    date | None, Query(alias="from", description="Only entries on or after this day"), PlausibleDay
]
ToQuery = Annotated[
    date | None, Query(alias="to", description="Only entries on or before this day"), PlausibleDay
]
SVG_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}}, "description": "The timeline"},
    **problem_responses(404),
}


# ---- response models --------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class Subject(BaseModel):
    type: Literal["initiative", "programme", "target"]
    id: str
    name: str


class TimelineEntry(BaseModel):
    day: date = Field(description="occurred_on when back-dated, else the local day it was recorded")
    kind: str = Field(description=f"One of: {', '.join(outcome_timeline.KINDS)}")
    record_type: str = Field(description="The record the entry comes from: initiative, experiment, measure")
    record_id: str
    initiative_id: str
    title: str = Field(description="A short label")
    details: dict[str, Any] = Field(description="What the entry says, by kind")
    position: int = Field(description="The log position that recorded it")
    recorded_at: datetime


class Timeline(BaseModel):
    subject: Subject
    initiatives: list[Ref] = Field(description="The initiatives on the timeline (the lanes of aggregates)")
    kinds: list[str] = Field(description="The kinds asked for (all when none was given)")
    date_from: date | None = Field(serialization_alias="from")
    date_to: date | None = Field(serialization_alias="to")
    entries: list[TimelineEntry]
    as_of: datetime | None


# ---- handlers -------------------------------------------------------------------------


def _query_problem(start: date | None, end: date | None) -> Response | None:
    if start is not None and end is not None and end < start:
        detail = (
            f"to ({end.isoformat()}) is before from ({start.isoformat()}); "
            "the period must not end before it starts."
        )
        return problem(
            422,
            "invalid-fields",
            "Invalid fields",
            detail,
            invalid_params=[InvalidParam(field="query.to", message=detail)],
        )
    return None


def _json(
    what: str,
    record_id: UUID,
    services: ServicesDep,
    view: AsOf,
    kinds: list[Kind] | None,
    start: date | None,
    end: date | None,
) -> Response | dict[str, Any]:
    found = _query_problem(start, end)
    if found is not None:
        return found
    with services.projector.engine.connect() as conn:
        return timelines.timeline(
            conn,
            what,
            record_id,
            view.position,
            view.moment,
            kinds={k.value for k in kinds} if kinds else None,
            start=start,
            end=end,
            zone=ZoneInfo(services.settings.timezone),
        )


def _add_timeline_routes(
    router: APIRouter,
    what: str,
    *,
    id_name: str,
    id_type: Any,
    names: tuple[str, str],
    summaries: tuple[str, str],
) -> None:
    """GET /{<id_name>}/timeline (JSON) and /timeline.svg for one kind of subject. The
    endpoints keep the parameter and function names they always had, so the OpenAPI
    document (parameters, their order, operation ids) is unchanged."""

    def timeline(services: ServicesDep, view: View, **params: Any) -> Any:
        return _json(
            what, params[id_name], services, view, params["kind"], params["date_from"], params["date_to"]
        )

    def timeline_svg(request: Request, services: ServicesDep, view: View, **params: Any) -> Response:
        body = _json(
            what, params[id_name], services, view, params["kind"], params["date_from"], params["date_to"]
        )
        if isinstance(body, Response):
            return body
        chosen = drawings.language(request, params["lang"])
        svg = timelines.render_svg(body, lang=chosen, zone=ZoneInfo(services.settings.timezone))
        return drawings.drawing(svg, "svg", chosen)

    def parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)

    filters = [
        parameter("kind", KindsQuery, None),
        parameter("date_from", FromQuery, None),
        parameter("date_to", ToQuery, None),
    ]
    request = parameter("request", Request)
    common = [parameter("services", ServicesDep), parameter("view", View)]
    json_name, svg_name = names
    json_summary, svg_summary = summaries
    timeline.__name__ = timeline.__qualname__ = json_name
    timeline.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [parameter(id_name, id_type), *common, *filters], return_annotation=Any
    )
    timeline_svg.__name__ = timeline_svg.__qualname__ = svg_name
    timeline_svg.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [parameter(id_name, id_type), request, *common, *filters, parameter("lang", LangQuery, None)],
        return_annotation=Response,
    )
    path = f"/{{{id_name}}}/timeline"
    router.get(path, response_model=Timeline, responses=problem_responses(404), summary=json_summary)(
        timeline
    )
    router.get(f"{path}.svg", response_class=Response, responses=SVG_RESPONSES, summary=svg_summary)(
        timeline_svg
    )


InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
ProgrammeId = Annotated[UUID, Path(description="The programme's id")]
TargetId = Annotated[UUID, Path(description="The development target's id")]

_add_timeline_routes(
    initiative_router,
    "initiative",
    id_name="initiative_id",
    id_type=InitiativeId,
    names=("initiative_timeline", "initiative_timeline_svg"),
    summaries=(
        "The outcome timeline: lifecycle, experiments, check-ins, measures, signals, evaluations",
        "The outcome timeline as an accessible SVG, one lane per kind (?lang=)",
    ),
)
_add_timeline_routes(
    programme_router,
    "programme",
    id_name="programme_id",
    id_type=ProgrammeId,
    names=("programme_timeline", "programme_timeline_svg"),
    summaries=(
        "The outcome timelines of the programme's enrolled initiatives on one axis",
        "The programme's outcome timeline as an accessible SVG, one lane per initiative (?lang=)",
    ),
)
_add_timeline_routes(
    target_router,
    "target",
    id_name="target_id",
    id_type=TargetId,
    names=("target_timeline", "target_timeline_svg"),
    summaries=(
        "The outcome timelines of the initiatives linked to the development target on one axis",
        "The target's outcome timeline as an accessible SVG, one lane per initiative (?lang=)",
    ),
)
