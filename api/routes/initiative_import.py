"""`POST /api/initiatives/import`: initiatives from a CSV file, through the same service
as `scripts/import_initiatives.py` and the import page (`services.initiative_import`)."""

from __future__ import annotations

import tempfile
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.actor import Actor
from api.deps import ServicesDep
from api.errors import BadRequest, problem_responses
from domain.errors import InvalidField
from present import initiative_import as import_views
from present.i18n import COOKIE, negotiate
from services.bootstrap import Services
from services.initiative_import import import_file

router = APIRouter(prefix="/api/initiatives", tags=["initiatives"])
IMPORT_TYPES = ("text/csv", "multipart/form-data")


class ImportRejection(BaseModel):
    line: int = Field(description="The row's line in the sheet; the header is line 1")
    reasons: list[str]


class InitiativeImportOut(BaseModel):
    imported: int = Field(description="Initiatives recorded now")
    already_imported: int = Field(
        description="Rows whose initiative was recorded before (or twice in the file)"
    )
    rejected_count: int
    rejected: list[ImportRejection] = Field(description="The first 1000 rejected rows, each with its reasons")
    initiatives: list[str] = Field(description="The ids of the initiatives recorded now (the first 1000)")


@router.post(
    "/import",
    response_model=InitiativeImportOut,
    responses=problem_responses(409),
    summary="Import initiatives from a CSV file",
    description=(
        "The body is the CSV file itself (`Content-Type: text/csv`) or a form upload "
        "(`multipart/form-data`, field `file`). A header row names the columns in Finnish, Swedish "
        "or English: title (required), summary, organisation (name or id), unit (name or id), owner "
        "(a registered person's name or e-mail), themes (separated by commas, semicolons or |), "
        "status (code or name; proposed when empty; not discontinued), start date (2019-03-14 or "
        "14.3.2019, for an initiative in progress or further along) and an optional id. UTF-8 with "
        "or without BOM; comma, semicolon or tab delimited. The key of a row is its id cell, else "
        "its organisation and title: importing the same file again records nothing twice. Each "
        "rejected row is reported with its line number (the header is line 1) and every reason, "
        "and records nothing."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def import_initiatives(request: Request, services: ServicesDep, actor: Actor) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in IMPORT_TYPES:
        raise BadRequest(
            "Send the CSV file as text/csv, or as a multipart/form-data upload in a field named file."
        )
    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as spool:
        if content_type == "text/csv":
            async for chunk in request.stream():
                spool.write(chunk)
        else:
            upload = (await request.form()).get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidField("file", "Choose the CSV file to import.")
            while chunk := await upload.read(1 << 16):
                spool.write(chunk)
        spool.seek(0)
        lang = negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
        return await run_in_threadpool(_import, services, actor, spool, lang)


def _import(services: Services, actor: UUID, spool: Any, lang: str) -> dict[str, Any]:
    """The report, each status a row may use named by its code and its label in `lang`."""
    return import_file(services, actor, spool).as_json(import_views.api_reason(lang))
