"""/api/good-practices: the good-practice catalogue — draft from an initiative (pre-filled),
edit the working copy, publish (version n), revise (n+1), retract; the catalogue, versions
and history. /api/public/good-practices: the published versions only, with no sign-in.

Internal notes and unpublished text live in the working copy; the public routes read only
published versions, so they cannot show either.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Commands, PrintableQuery, ServicesDep, View, etag, page_limit
from api.errors import problem_responses
from api.request_types import MaxChars, MaxItems
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field, client_cursor
from api.views import PersonRef
from domain.errors import RecordNotFound
from domain.good_practice import (
    LINE_MAX,
    NAME_MAX,
    SHORT_MAX,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    Phase,
    Status,
)
from domain.good_practice_prefill import prefill
from present import good_practices as practice_views
from projections import good_practices as read_model
from services.bootstrap import Services
from services.good_practice_source import prefill_source

router = APIRouter(prefix="/api/good-practices", tags=["good practices"])
initiative_router = APIRouter(prefix="/api/initiatives", tags=["good practices"])
public_router = APIRouter(prefix="/api/public/good-practices", tags=["public catalogue"])
PracticeId = Annotated[UUID, Path(description="The good practice's id")]
VersionNumber = Annotated[int, Path(ge=1, description="A published version, 1 for the first")]


# ---- request bodies ----------------------------------------------------------------


Line = Annotated[str, MaxChars(LINE_MAX)]
LongText = Annotated[str, MaxChars(TEXT_MAX)]
Tags = Annotated[list[Annotated[str, MaxChars(TAG_MAX)]], MaxItems(TAGS_MAX)]


class PracticeFields(BaseModel):
    """The Innokylä template fields (and internal notes, which are never published).
    When drafting, any field given replaces the pre-filled value; when editing, only the
    fields present are changed (send If-Match with the ETag you read)."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, MaxChars(NAME_MAX)] | None = Field(
        default=None, examples=["Kehittäminen kuuluu kaikille"]
    )
    short_description: Annotated[str, MaxChars(SHORT_MAX)] | None = None
    where_implemented: Line | None = Field(default=None, examples=["Oulunkaaren kuntayhtymä"])
    region: Line | None = Field(default=None, examples=["Pohjois-Pohjanmaa"])
    funder: Line | None = Field(default=None, examples=["Ei erillisrahoitusta"])
    basic_idea: LongText | None = None
    operating_environment: LongText | None = None
    target_group_and_customer_understanding: LongText | None = None
    conditions_for_adoption: LongText | None = None
    evaluation_results: LongText | None = None
    tips_for_adopters: LongText | None = None
    development_phase: Phase | None = None
    topics: Tags | None = Field(default=None, examples=[["Kuntayhtymä", "Järjestäminen"]])
    phenomena: Tags | None = None
    target_groups: Tags | None = Field(default=None, examples=[["Työikäiset"]])
    internal_notes: LongText | None = Field(default=None, description="Never published or exported")


class RetractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText = Field(description="Required", examples=["Toimintamalli korvattu uudella."])


# ---- responses -------------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str


class SourceOut(BaseModel):
    initiative_id: str
    initiative_version: int = Field(description="The initiative's version this version was based on")
    position: int = Field(description="The event-log position this version was based on")


class RetractionOut(BaseModel):
    reason: str
    retracted_at: datetime
    position: int


class VersionSummary(BaseModel):
    version: int
    name: str
    published_at: datetime
    published_by: PersonRef
    source: SourceOut
    retraction: RetractionOut | None


class VersionOut(VersionSummary):
    practice_id: str
    fields: dict[str, Any] = Field(description="The Innokylä fields as published in this version")
    links: dict[str, str]


class PracticeSummary(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int = Field(description="The record's version (ETag), not a published version number")
    name: str
    status: Status
    development_phase: Phase
    initiative: Ref
    organisation: Ref | None
    published_version: int | None = Field(description="The newest published version's number")
    has_unpublished_changes: bool
    created_at: datetime
    updated_at: datetime


class PracticeOut(PracticeSummary):
    fields: dict[str, Any] = Field(description="The working copy, internal notes included")
    missing_for_publishing: list[str] = Field(description="Required fields still blank")
    retracted_reason: str
    versions: list[VersionSummary]
    links: dict[str, str] = Field(description="The initiative, its outcome timeline and the exports")
    as_of: datetime | None = None


class PracticePage(BaseModel):
    items: list[PracticeSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")
    as_of: datetime | None = None


class PublicPractice(BaseModel):
    """A published version as the public sees it: no drafts, no notes, no people."""

    id: str
    version: int = Field(description="The published version's number")
    published_at: datetime
    organisation: str
    fields: dict[str, Any]
    links: dict[str, str]


class PublicPage(BaseModel):
    items: list[PublicPractice]
    next_cursor: str | None


def _location(practice_id: UUID) -> str:
    return f"/api/good-practices/{practice_id}"


def _run(commands: Commands, services: Services, command: Any, **options: Any) -> Response:
    return commands.run(
        command, lambda conn, rid: practice_views.practice(conn, services.people, rid), **options
    )


def _fields(body: PracticeFields) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    if fields.get("development_phase") is not None:
        fields["development_phase"] = fields["development_phase"].value
    return fields


# ---- commands ----------------------------------------------------------------------


@initiative_router.post(
    "/{initiative_id}/good-practices",
    status_code=201,
    response_model=PracticeOut,
    responses=problem_responses(404, 409),
    summary="Draft a good practice from an initiative, pre-filled from what it holds",
    description="Pre-filled from the initiative's summary and goals, its experiments' learning, its "
    "latest evaluation and its lessons; any field in the body replaces the pre-filled value. "
    "Region and funder are never recorded on an initiative: fill them in.",
)
def draft(
    initiative_id: Annotated[UUID, Path(description="The initiative's id")],
    commands: Commands,
    services: ServicesDep,
    body: PracticeFields | None = None,
) -> Response:
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        prefilled = prefill(prefill_source(conn, initiative_id))
    overrides = _fields(body) if body is not None else {}
    return _run(
        commands,
        services,
        lambda ctx: services.app.draft_good_practice(
            ctx, initiative_id, prefilled=prefilled, overrides=overrides
        ),
        created=True,
        location=_location,
    )


@router.patch(
    "/{practice_id}",
    response_model=PracticeOut,
    responses=WRITE_ERRORS,
    summary="Edit the working copy (send If-Match with the ETag you read)",
    description="The public keeps seeing the published version until the next publish.",
)
def edit(
    practice_id: PracticeId, body: PracticeFields, commands: Commands, services: ServicesDep
) -> Response:
    fields = _fields(body)
    return _run(
        commands, services, lambda ctx: services.app.edit_good_practice(ctx, practice_id, fields=fields)
    )


@router.post(
    "/{practice_id}/publish",
    response_model=PracticeOut,
    responses=WRITE_ERRORS,
    summary="Publish the working copy as the next version",
    description="422 lists every required field still blank. The version records the source "
    "initiative's version and the event-log position it was based on. Publishing again after "
    "edits (or after a retraction) records a revision, version n+1; older versions stay readable. "
    "Publishing with nothing changed is refused (409).",
)
def publish(practice_id: PracticeId, commands: Commands, services: ServicesDep) -> Response:
    return _run(commands, services, lambda ctx: services.app.publish_good_practice(ctx, practice_id))


@router.post(
    "/{practice_id}/retract",
    response_model=PracticeOut,
    responses=WRITE_ERRORS,
    summary="Retract the published practice, with a reason; it leaves the public catalogue",
)
def retract(practice_id: PracticeId, body: RetractIn, commands: Commands, services: ServicesDep) -> Response:
    return _run(
        commands,
        services,
        lambda ctx: services.app.retract_good_practice(ctx, practice_id, reason=body.reason),
    )


# ---- reads -------------------------------------------------------------------------

TextQuery = Annotated[
    str | None, Query(description="Words anywhere in the practice's published fields"), PrintableQuery
]
TopicQuery = Annotated[str | None, Query(description="One topic (aihealue), exactly"), PrintableQuery]
GroupQuery = Annotated[str | None, Query(description="One target group, exactly"), PrintableQuery]


def catalogue_filter(
    q: TextQuery = None,
    topic: TopicQuery = None,
    target_group: GroupQuery = None,
    organisation_id: UUID | None = None,
    phase: Phase | None = None,
) -> read_model.PracticeFilter:
    return read_model.PracticeFilter(
        q=q,
        topic=topic,
        target_group=target_group,
        organisation_id=organisation_id,
        phase=phase.value if phase else None,
    )


@router.get(
    "",
    response_model=PracticePage,
    responses=problem_responses(),
    summary="The catalogue: search by text, topic, target group, organisation, phase, status",
)
def list_practices(
    services: ServicesDep,
    view: View,
    q: TextQuery = None,
    topic: TopicQuery = None,
    target_group: GroupQuery = None,
    organisation_id: UUID | None = None,
    phase: Phase | None = None,
    status: Status | None = None,
    initiative_id: UUID | None = None,
    limit: int = page_limit(),
    cursor: str | None = None,
    archived: ArchivedQuery = "exclude",
) -> dict[str, Any]:
    flt = dataclasses.replace(
        catalogue_filter(q, topic, target_group, organisation_id, phase),
        status=status.value if status else None,
        initiative_id=initiative_id,
        archived=archived,
    )
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = read_model.search(conn, flt, limit=limit, cursor=cursor, as_of=view.position)
        items = practice_views.summaries(conn, rows, view.position)
    return {"items": items, "next_cursor": next_cursor, "as_of": view.moment}


@router.get(
    "/{practice_id}",
    response_model=PracticeOut,
    responses=problem_responses(404),
    summary="One good practice: its working copy and its versions (ETag = version)",
)
def get_practice(practice_id: PracticeId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = practice_views.practice(conn, services.people, practice_id, view.position, view.moment)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


@router.get(
    "/{practice_id}/versions",
    response_model=list[VersionSummary],
    responses=problem_responses(404),
    summary="Its published versions, oldest first",
)
def list_versions(practice_id: PracticeId, services: ServicesDep, view: View) -> list[Any]:
    with services.projector.engine.connect() as conn:
        practice_views.require(conn, practice_id, view.position, view.moment)
        return practice_views.versions(conn, services.people, practice_id, view.position)


@router.get(
    "/{practice_id}/versions/{number}",
    response_model=VersionOut,
    responses=problem_responses(404),
    summary="One published version, as it was published",
)
def get_version(practice_id: PracticeId, number: VersionNumber, services: ServicesDep, view: View) -> Any:
    with services.projector.engine.connect() as conn:
        practice_views.require(conn, practice_id, view.position, view.moment)
        row = read_model.version(conn, practice_id, number, view.position)
        if row is None:
            raise RecordNotFound(
                "Good practice {id} has no published version {number}.", id=practice_id, number=number
            )
        names = services.people.names(conn, {row["published_by"]})
        return practice_views.version(row, names, with_fields=True)


add_history_route(
    router,
    record_type="good_practice",
    id_name="practice_id",
    id_type=PracticeId,
    name="practice_history",
)


# ---- the public catalogue ------------------------------------------------------------


@public_router.get(
    "",
    response_model=PublicPage,
    responses=problem_responses(signed_in=False),
    summary="Published good practices (the newest version of each; no sign-in)",
)
def public_catalogue(
    services: ServicesDep,
    q: TextQuery = None,
    topic: TopicQuery = None,
    target_group: GroupQuery = None,
    organisation_id: UUID | None = None,
    phase: Phase | None = None,
    limit: int = page_limit(),
    cursor: str | None = None,
) -> dict[str, Any]:
    services.projector.catch_up()
    flt = catalogue_filter(q, topic, target_group, organisation_id, phase)
    with services.projector.engine.connect() as conn:
        with client_cursor():
            rows, next_cursor = read_model.published(conn, flt, limit=limit, cursor=cursor)
        return {"items": practice_views.public(conn, rows), "next_cursor": next_cursor}


@public_router.get(
    "/{practice_id}",
    response_model=PublicPractice,
    responses=problem_responses(404, signed_in=False),
    summary="A published good practice, as its newest version says",
)
def public_practice(practice_id: PracticeId, services: ServicesDep) -> dict[str, Any]:
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        row = read_model.published_version(conn, practice_id)
        if row is None:
            raise RecordNotFound("There is no published good practice with id {id}.", id=practice_id)
        return practice_views.public(conn, [row])[0]
