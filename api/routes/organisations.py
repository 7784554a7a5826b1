"""/api/organisations: municipalities and joint authorities with their units."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import AsOf, Commands, ServicesDep, View, etag
from api.errors import problem_responses
from api.request_types import MaxChars
from api.routes.common import WRITE_ERRORS, ArchivedQuery, add_history_route, archived_field
from domain.errors import RecordNotFound
from domain.organisation import NAME_MAX, OrganisationKind
from projections import organisations as read_model

router = APIRouter(prefix="/api/organisations", tags=["organisations"])
OrganisationId = Annotated[UUID, Path(description="The organisation's id")]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, MaxChars(NAME_MAX)] = Field(examples=["Heinäveden kunta"])
    kind: OrganisationKind = Field(examples=["municipality"])


class OrganisationPatch(BaseModel):
    """Only the fields present are changed; a field sent with the value it has changes nothing."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, MaxChars(NAME_MAX)] | None = Field(default=None, examples=["Heinäveden kunta"])
    kind: OrganisationKind | None = Field(default=None, examples=["municipality"])


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, MaxChars(NAME_MAX)] = Field(examples=["Kotihoito"])


class UnitOut(BaseModel):
    id: str
    name: str


class OrganisationOut(BaseModel):
    id: str
    archived: bool = archived_field()
    version: int
    name: str
    kind: OrganisationKind
    units: list[UnitOut]
    created_at: datetime
    updated_at: datetime


def _render(row: dict[str, Any]) -> dict[str, Any]:
    return OrganisationOut(**row).model_dump(mode="json")


def render(conn: Connection, organisation_id: UUID, view: AsOf | None = None) -> dict[str, Any]:
    row = read_model.get(conn, organisation_id, view.position if view else None)
    if row is None:
        raise RecordNotFound("There is no organisation with id {id}.", id=organisation_id)
    return _render(row)


def _location(organisation_id: UUID) -> str:
    return f"/api/organisations/{organisation_id}"


@router.post(
    "",
    status_code=201,
    response_model=OrganisationOut,
    responses=problem_responses(422),
    summary="Register an organisation",
)
def register(body: OrganisationCreate, commands: Commands, services: ServicesDep) -> Response:
    return commands.run(
        lambda ctx: services.app.register_organisation(ctx, name=body.name, kind=body.kind),
        render,
        created=True,
        location=_location,
    )


@router.post(
    "/{organisation_id}/units",
    response_model=OrganisationOut,
    responses=WRITE_ERRORS,
    summary="Add a unit",
)
def add_unit(
    organisation_id: OrganisationId, body: UnitIn, commands: Commands, services: ServicesDep
) -> Response:
    return commands.run(lambda ctx: services.app.add_unit(ctx, organisation_id, name=body.name), render)


@router.post(
    "/{organisation_id}/units/{unit_id}/rename",
    response_model=OrganisationOut,
    responses=WRITE_ERRORS,
    summary="Rename a unit",
)
def rename_unit(
    organisation_id: OrganisationId,
    unit_id: UUID,
    body: UnitIn,
    commands: Commands,
    services: ServicesDep,
) -> Response:
    return commands.run(
        lambda ctx: services.app.rename_unit(ctx, organisation_id, unit_id, name=body.name),
        render,
    )


@router.get("", response_model=list[OrganisationOut], responses=problem_responses())
def list_organisations(
    services: ServicesDep, view: View, archived: ArchivedQuery = "exclude"
) -> list[dict[str, Any]]:
    with services.projector.engine.connect() as conn:
        return [_render(r) for r in read_model.list_all(conn, view.position, archived=archived)]


@router.get("/{organisation_id}", response_model=OrganisationOut, responses=problem_responses(404))
def get_organisation(organisation_id: OrganisationId, services: ServicesDep, view: View) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = render(conn, organisation_id, view)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})


@router.patch(
    "/{organisation_id}",
    response_model=OrganisationOut,
    responses=WRITE_ERRORS,
    summary="Rename or change the kind (send If-Match with the ETag you read)",
)
def edit(
    organisation_id: OrganisationId, body: OrganisationPatch, commands: Commands, services: ServicesDep
) -> Response:
    # Unset fields stay as they are; a null is passed on, and the domain refuses it in a sentence.
    fields = body.model_dump(exclude_unset=True)
    return commands.run(
        lambda ctx: services.app.edit_organisation(ctx, organisation_id, fields=fields), render
    )


add_history_route(
    router,
    record_type="organisation",
    id_name="organisation_id",
    id_type=OrganisationId,
    name="organisation_history",
    summary=None,
)
