"""Outcome timelines: everything that matters for evaluating an initiative on one time axis —
lifecycle moves, experiments and their decisions, check-ins with progress scores, measure
values and run-chart signals, annotations, evaluations (and good-practice publications once
they exist) — as JSON for programs and as an accessible SVG for people.

Per initiative (one lane per kind in the SVG), and aggregated across the initiatives of a
programme (enrolled as of the view) or of a development target (linked as of the view), one
lane per initiative. Filter with `kind` (repeatable), `from` and `to` (days, both included);
`?as_of=` shows what Kipinä knew then. The query is `projections.outcome_timeline`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from api.deps import AsOf, PlausibleDay, ServicesDep, View
from api.errors import InvalidParam, problem, problem_responses
from domain.errors import N_, RecordNotFound
from present.drawing import timeline_svg
from present.i18n import COOKIE, Formatter, negotiate, translations
from projections import development_targets as targets_read_model
from projections import experiments as experiments_read_model
from projections import initiatives as initiatives_read_model
from projections import outcome_timeline
from projections import programmes as programmes_read_model
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
LangQuery = Annotated[
    Literal["fi", "sv", "en"] | None,
    Query(description="Language of the words; otherwise the language cookie, then Accept-Language"),
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


# ---- bodies --------------------------------------------------------------------------


def _not_found(what: str, record_id: UUID, view: AsOf) -> RecordNotFound:
    if what == "initiative":
        if view.moment:
            return RecordNotFound(
                "There is no initiative with id {id} as of {moment}.",
                id=record_id,
                moment=view.moment.isoformat(),
            )
        return RecordNotFound("There is no initiative with id {id}.", id=record_id)
    if what == "programme":
        if view.moment:
            return RecordNotFound(
                "There is no programme with id {id} as of {moment}.",
                id=record_id,
                moment=view.moment.isoformat(),
            )
        return RecordNotFound("There is no programme with id {id}.", id=record_id)
    if view.moment:
        return RecordNotFound(
            "There is no development target with id {id} as of {moment}.",
            id=record_id,
            moment=view.moment.isoformat(),
        )
    return RecordNotFound("There is no development target with id {id}.", id=record_id)


def _subject(conn: Connection, what: str, record_id: UUID, view: AsOf) -> tuple[Subject, list[str]]:
    """The subject's name and its initiatives' ids (as of the view); 404 when unknown."""
    position = view.position
    if what == "initiative":
        row = initiatives_read_model.get(conn, record_id, position)
        if row is None:
            raise _not_found(what, record_id, view)
        return Subject(type="initiative", id=row["id"], name=row["title"]), [row["id"]]
    if what == "programme":
        row = programmes_read_model.get(conn, record_id, position)
        if row is None:
            raise _not_found(what, record_id, view)
        ids = [e["initiative_id"] for e in programmes_read_model.enrolments(conn, record_id, position)]
        return Subject(type="programme", id=row["id"], name=row["name"]), ids
    row = targets_read_model.get(conn, record_id, position)
    if row is None:
        raise _not_found(what, record_id, view)
    links = targets_read_model.links_of(conn, record_id, position)
    ids = [link["record_id"] for link in links if link["record_type"] == "initiative"]
    return Subject(type="target", id=row["id"], name=row["title"]), ids


def timeline_body(
    conn: Connection,
    what: str,
    record_id: UUID,
    view: AsOf,
    *,
    kinds: set[str] | None,
    start: date | None,
    end: date | None,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The timeline of an initiative, or of a programme's or target's initiatives, as data."""
    subject, ids = _subject(conn, what, record_id, view)
    titles = experiments_read_model.initiative_titles(conn, set(ids), view.position)
    entries = outcome_timeline.of_initiatives(
        conn, ids, kinds=kinds, start=start, end=end, as_of=view.position, zone=zone
    )
    return Timeline(
        subject=subject,
        initiatives=[Ref(id=i, name=titles.get(i, "")) for i in ids],
        kinds=[k for k in outcome_timeline.KINDS if kinds is None or k in kinds],
        date_from=start,
        date_to=end,
        entries=[TimelineEntry(**e) for e in entries],
        as_of=view.moment,
    ).model_dump(mode="json")


# Words of the SVG (marked for `make messages`; translated where the timeline is drawn).
TIMELINE_WORDS = {
    "lifecycle": N_("Lifecycle"),
    "experiment": N_("Experiments"),
    "check_in": N_("Check-ins"),
    "measure_value": N_("Measure values"),
    "measure_signal": N_("Signals"),
    "annotation": N_("Annotations"),
    "evaluation": N_("Evaluations"),
    "good_practice": N_("Good practice"),
    "no_entries": N_("Nothing recorded in this period"),
    "legend": N_("Legend"),
}
TIMELINE_TITLE = N_("Outcome timeline: {name}")
TIMELINE_DESCRIPTION = N_("Outcome timeline of {name}: {count} entries from {first} to {last}.")


def render_svg(body: dict[str, Any], *, lang: str, zone: ZoneInfo, id_prefix: str | None = None) -> str:
    """The timeline as an accessible SVG: lanes by kind for an initiative, by initiative for
    a programme or target; words in `lang`; `id_prefix` keeps its element ids unique where
    several timelines share a page."""
    gettext = translations(lang).gettext
    fmt = Formatter(lang, zone)
    words = {key: gettext(word) for key, word in TIMELINE_WORDS.items()}
    entries = body["entries"]
    subject = body["subject"]
    if subject["type"] == "initiative":
        present = {e["kind"] for e in entries}
        lanes = [timeline_svg.Lane(k, words[k]) for k in body["kinds"] if k in present]
        lane_of = "kind"
    else:
        lanes = [timeline_svg.Lane(i["id"], i["name"]) for i in body["initiatives"]]
        lane_of = "initiative_id"
    markers = [
        timeline_svg.TimelineMarker(
            day=date.fromisoformat(e["day"]), kind=e["kind"], label=e["title"], lane=e[lane_of]
        )
        for e in entries
    ]
    description = gettext(TIMELINE_DESCRIPTION).format(
        name=subject["name"],
        count=len(entries),
        first=fmt.date(entries[0]["day"], "short") if entries else "–",
        last=fmt.date(entries[-1]["day"], "short") if entries else "–",
    )
    return timeline_svg.render(
        markers,
        lanes,
        title=gettext(TIMELINE_TITLE).format(name=subject["name"]),
        description=description,
        labels=words,
        day_format=lambda day: fmt.date(day, "short"),
        month_format=lambda day: fmt.date(day, "MMM yyyy"),
        start=date.fromisoformat(body["date_from"]) if body["date_from"] else None,
        end=date.fromisoformat(body["date_to"]) if body["date_to"] else None,
        id_prefix=id_prefix,
    )


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
        return timeline_body(
            conn,
            what,
            record_id,
            view,
            kinds={k.value for k in kinds} if kinds else None,
            start=start,
            end=end,
            zone=ZoneInfo(services.settings.timezone),
        )


def _svg(
    what: str,
    record_id: UUID,
    request: Request,
    services: ServicesDep,
    view: AsOf,
    kinds: list[Kind] | None,
    start: date | None,
    end: date | None,
    lang: str | None,
) -> Response:
    body = _json(what, record_id, services, view, kinds, start, end)
    if isinstance(body, Response):
        return body
    chosen = lang or negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
    svg = render_svg(body, lang=chosen, zone=ZoneInfo(services.settings.timezone))
    headers = {"Vary": "Accept-Language, Cookie", "Content-Language": chosen}
    return Response(svg, media_type="image/svg+xml", headers=headers)


InitiativeId = Annotated[UUID, Path(description="The initiative's id")]
ProgrammeId = Annotated[UUID, Path(description="The programme's id")]
TargetId = Annotated[UUID, Path(description="The development target's id")]


@initiative_router.get(
    "/{initiative_id}/timeline",
    response_model=Timeline,
    responses=problem_responses(404),
    summary="The outcome timeline: lifecycle, experiments, check-ins, measures, signals, evaluations",
)
def initiative_timeline(
    initiative_id: InitiativeId,
    services: ServicesDep,
    view: View,
    kind: KindsQuery = None,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
) -> Any:
    return _json("initiative", initiative_id, services, view, kind, date_from, date_to)


@initiative_router.get(
    "/{initiative_id}/timeline.svg",
    response_class=Response,
    responses=SVG_RESPONSES,
    summary="The outcome timeline as an accessible SVG, one lane per kind (?lang=)",
)
def initiative_timeline_svg(
    initiative_id: InitiativeId,
    request: Request,
    services: ServicesDep,
    view: View,
    kind: KindsQuery = None,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _svg("initiative", initiative_id, request, services, view, kind, date_from, date_to, lang)


@programme_router.get(
    "/{programme_id}/timeline",
    response_model=Timeline,
    responses=problem_responses(404),
    summary="The outcome timelines of the programme's enrolled initiatives on one axis",
)
def programme_timeline(
    programme_id: ProgrammeId,
    services: ServicesDep,
    view: View,
    kind: KindsQuery = None,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
) -> Any:
    return _json("programme", programme_id, services, view, kind, date_from, date_to)


@programme_router.get(
    "/{programme_id}/timeline.svg",
    response_class=Response,
    responses=SVG_RESPONSES,
    summary="The programme's outcome timeline as an accessible SVG, one lane per initiative (?lang=)",
)
def programme_timeline_svg(
    programme_id: ProgrammeId,
    request: Request,
    services: ServicesDep,
    view: View,
    kind: KindsQuery = None,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _svg("programme", programme_id, request, services, view, kind, date_from, date_to, lang)


@target_router.get(
    "/{target_id}/timeline",
    response_model=Timeline,
    responses=problem_responses(404),
    summary="The outcome timelines of the initiatives linked to the development target on one axis",
)
def target_timeline(
    target_id: TargetId,
    services: ServicesDep,
    view: View,
    kind: KindsQuery = None,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
) -> Any:
    return _json("target", target_id, services, view, kind, date_from, date_to)


@target_router.get(
    "/{target_id}/timeline.svg",
    response_class=Response,
    responses=SVG_RESPONSES,
    summary="The target's outcome timeline as an accessible SVG, one lane per initiative (?lang=)",
)
def target_timeline_svg(
    target_id: TargetId,
    request: Request,
    services: ServicesDep,
    view: View,
    kind: KindsQuery = None,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _svg("target", target_id, request, services, view, kind, date_from, date_to, lang)
