"""POST /api/<kind>/{id}/archive and /restore: the same two commands for every kind of record.

One route pair per kind in `present.kinds.KINDS`, so a new kind gets them by being listed.
Both answer with the record's archived state (its id, kind, version and flag); its own GET
says `archived` too, and its list leaves it out unless asked (`?archived=include|only`).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from api.deps import Commands, ServicesDep
from api.request_types import MaxChars
from api.routes.common import WRITE_ERRORS
from domain.archive import REASON_MAX
from domain.errors import RecordNotFound
from present.kinds import KINDS, RecordKind
from projections import archive, history

router = APIRouter(prefix="/api", tags=["archive"])
RecordId = Annotated[UUID, Path(description="The record's id")]


class ArchiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, MaxChars(REASON_MAX)] = Field(
        description="Why it is archived (required): the history keeps it.",
        examples=["Recorded twice by mistake"],
    )


class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, MaxChars(REASON_MAX)] | None = Field(
        default=None, description="Why it is restored (optional)", examples=["Archived by mistake"]
    )


class ArchiveState(BaseModel):
    id: str
    kind: str = Field(description="The kind of record, as history names it", examples=["initiative"])
    version: int
    archived: bool
    archived_reason: str = Field(description="Why it was archived; empty while it is not")


_TABLES = {kind.record_type: kind.table for kind in history.KINDS}


def _renderer(kind: RecordKind) -> Any:
    def render(conn: Connection, record_id: UUID) -> dict[str, Any]:
        row = archive.state(conn, _TABLES[kind.record_type], str(record_id))
        if row is None:
            raise RecordNotFound(kind.aggregate.NOT_FOUND, id=record_id)  # type: ignore[attr-defined]
        return ArchiveState(kind=kind.record_type, **row).model_dump(mode="json")

    return render


def _add_routes(kind: RecordKind) -> None:
    render = _renderer(kind)
    aggregate: Any = kind.aggregate

    def archive_record(
        record_id: RecordId, body: ArchiveIn, commands: Commands, services: ServicesDep
    ) -> Response:
        return commands.run(
            lambda ctx: services.app.archive(ctx, aggregate, record_id, reason=body.reason), render
        )

    def restore_record(
        record_id: RecordId,
        commands: Commands,
        services: ServicesDep,
        body: Annotated[RestoreIn | None, Body()] = None,
    ) -> Response:
        reason = body.reason if body else None
        return commands.run(
            lambda ctx: services.app.restore(ctx, aggregate, record_id, reason=reason), render
        )

    for endpoint, verb in ((archive_record, "archive"), (restore_record, "restore")):
        endpoint.__name__ = endpoint.__qualname__ = f"{verb}_{kind.record_type}"
        router.post(
            f"{kind.path}/{{record_id}}/{verb}",
            response_model=ArchiveState,
            responses=WRITE_ERRORS,
            summary=(
                f"Archive this {kind.record_type.replace('_', ' ')} (send If-Match with the ETag you read)"
                if verb == "archive"
                else f"Restore this archived {kind.record_type.replace('_', ' ')}"
            ),
        )(endpoint)


for _kind in KINDS:
    _add_routes(_kind)
