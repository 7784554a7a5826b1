"""/api/people: the people registry (outside the event log, erasable)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import Commands, PrintableQuery, ServicesDep, etag, page_limit
from api.errors import problem_responses
from api.request_types import MaxChars
from api.routes.common import WRITE_ERRORS
from domain.errors import RecordNotFound
from services.people_registry import EMAIL_MAX, NAME_MAX

router = APIRouter(prefix="/api/people", tags=["people"])
PersonId = Annotated[UUID, Path(description="The person's id")]


Name = Annotated[str, MaxChars(NAME_MAX)]
Email = Annotated[str, MaxChars(EMAIL_MAX)]


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name = Field(examples=["Maija Meikäläinen"])
    email: Email | None = Field(default=None, examples=["maija.meikalainen@heinavesi.fi"])
    organisation_id: UUID | None = None
    unit_id: UUID | None = None


class PersonPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    email: Email | None = None
    organisation_id: UUID | None = None
    unit_id: UUID | None = None


class PersonOut(BaseModel):
    id: str
    version: int
    name: str
    email: str | None
    organisation_id: str | None
    unit_id: str | None
    created_at: datetime
    updated_at: datetime


class PersonPage(BaseModel):
    items: list[PersonOut]
    next_cursor: str | None


def _location(person_id: UUID) -> str:
    return f"/api/people/{person_id}"


def _renderer(services: Any) -> Any:
    def render(conn: Connection, person_id: UUID) -> dict[str, Any]:
        row = services.people.get(conn, person_id)
        if row is None:
            raise RecordNotFound("There is no person with id {id}.", id=person_id)
        return PersonOut(**row).model_dump(mode="json")

    return render


@router.post(
    "",
    status_code=201,
    response_model=PersonOut,
    responses=problem_responses(422),
    summary="Register a person",
)
def register(body: PersonCreate, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump()
    return commands.run_registry(
        lambda conn: services.people.register(conn, fields),
        _renderer(services),
        created=True,
        location=_location,
    )


@router.patch(
    "/{person_id}",
    response_model=PersonOut,
    responses=WRITE_ERRORS,
    summary="Edit a person (send If-Match)",
)
def edit(person_id: PersonId, body: PersonPatch, commands: Commands, services: ServicesDep) -> Response:
    fields = body.model_dump(exclude_unset=True)

    def write(conn: Connection) -> UUID:
        services.people.update(conn, person_id, fields, commands.ctx.expected_version)
        return person_id

    return commands.run_registry(write, _renderer(services))


@router.delete(
    "/{person_id}",
    status_code=204,
    responses=problem_responses(404, 409, 412),
    summary='Erase a person: their name and e-mail are deleted; history shows "erased person"',
)
def erase(person_id: PersonId, commands: Commands, services: ServicesDep) -> Response:
    def write(conn: Connection) -> UUID:
        services.people.erase(conn, person_id, commands.ctx.expected_version)
        return person_id

    return commands.run_registry(write, lambda conn, pid: None)


@router.get("", response_model=PersonPage, responses=problem_responses())
def list_people(
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name"), PrintableQuery] = None,
    limit: int = page_limit(),
    cursor: Annotated[str | None, Query(max_length=36), PrintableQuery] = None,
) -> dict[str, Any]:
    with services.projector.engine.connect() as conn:
        page = services.people.search(conn, q=q, limit=limit, after=cursor)
    return {
        "items": [PersonOut(**r).model_dump(mode="json") for r in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/{person_id}", response_model=PersonOut, responses=problem_responses(404))
def get_person(person_id: PersonId, services: ServicesDep) -> JSONResponse:
    with services.projector.engine.connect() as conn:
        body = _renderer(services)(conn, person_id)
    return JSONResponse(body, headers={"ETag": etag(body["version"])})
