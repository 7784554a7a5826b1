"""Exports: one good practice (`/api/good-practices/{id}/export.{format}`), a programme's
seminar pack (`/api/programmes/{id}/seminar.{format}`), and the public catalogue's exports
(`/api/public/good-practices/{id}/export.{format}`, no sign-in).

Every export is read as of one event position and says so (the `X-Kipina-Position`
header and the provenance inside the file). Asking again with `?position=` gives the same
bytes: a document handed out at the seminar can be traced to the exact recorded history
it came from, and rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from api.deps import ServicesDep
from api.errors import BadRequest, problem_responses
from api.routes.good_practices import catalogue_filter
from documents import sources
from documents.csv_export import render_catalogue_csv
from documents.document import ExportDocument
from documents.render import CSV_MEDIA_TYPE, FORMATS, filename, render
from domain.errors import RecordNotFound
from present.i18n import COOKIE, negotiate
from projections import good_practices
from projections.tables import POSITION_MAX

practice_router = APIRouter(prefix="/api/good-practices", tags=["exports"])
programme_router = APIRouter(prefix="/api/programmes", tags=["exports"])
public_router = APIRouter(prefix="/api/public/good-practices", tags=["public catalogue"])


class ExportFormat(StrEnum):
    MD = "md"
    HTML = "html"
    PDF = "pdf"
    PPTX = "pptx"
    JSON = "json"


class Language(StrEnum):
    FI = "fi"
    SV = "sv"
    EN = "en"


PositionQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=POSITION_MAX,
        description="Build as of this event position (as stated in an earlier export) to get the "
        "same bytes again; the newest position if left out",
    ),
]
LangQuery = Annotated[
    Language | None,
    Query(description="Language of headings and labels (fi, sv, en); the browser's if left out"),
]


def _file_responses(*, signed_in: bool = True) -> dict[int | str, dict[str, object]]:
    return {
        200: {
            "content": {FORMATS[f].media_type: {} for f in ExportFormat},
            "description": "The export; X-Kipina-Position names the event position it was built from",
        },
        **problem_responses(404, 409, signed_in=signed_in),
    }


def _setting(request: Request, services: ServicesDep, lang: str | None) -> sources.Setting:
    language = lang or negotiate(request.cookies.get(COOKIE), request.headers.get("Accept-Language"))
    return sources.Setting(
        language=language,
        zone=ZoneInfo(services.settings.timezone),
        people=services.people,
        kipina_version=request.app.version,
    )


def _respond(document: ExportDocument, fmt: str) -> Response:
    content, media_type = render(document, fmt)
    # HTML and Markdown open in the browser; the rest are files to keep.
    disposition = "inline" if fmt in ("html", "md", "json") else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename(document, fmt)}"',
            "X-Kipina-Position": str(document.provenance.built_from_position),
            # With the position, the language makes the bytes: ?lang= and ?position= rebuild it.
            "Content-Language": document.provenance.language,
        },
    )


def _checked_position(conn: Connection, position: int | None) -> int:
    try:
        return sources.checked_position(conn, position)
    except sources.PositionNotRecorded as error:
        raise BadRequest(error.detail) from None


def _catalogue_csv(
    services: ServicesDep, flt: good_practices.PracticeFilter, position: int | None
) -> Response:
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        at = _checked_position(conn, position)
        # No language: the header is Innokylä's own (Finnish) field names.
        setting = sources.Setting("fi", ZoneInfo(services.settings.timezone), services.people, "")
        rows = sources.catalogue_sections(conn, flt, position=at, setting=setting)
    return Response(
        render_catalogue_csv(rows),
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="good-practices-{at}.csv"',
            "X-Kipina-Position": str(at),
        },
    )


CatalogueFilter = Annotated[good_practices.PracticeFilter, Depends(catalogue_filter)]
CSV_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {CSV_MEDIA_TYPE: {}},
        "description": "UTF-8 with a byte-order mark (Excel reads the Finnish letters right); "
        "X-Kipina-Position names the event position it was built from",
    }
}


@practice_router.get(
    "/catalogue.csv",
    response_class=Response,
    responses={**CSV_RESPONSES, **problem_responses()},
    summary="The catalogue as CSV: published versions only, Innokylä's field names as the header",
    description="Filtered like the catalogue (text, topic, target group, organisation, phase); "
    "drafts never appear.",
)
def catalogue_csv(services: ServicesDep, flt: CatalogueFilter, position: PositionQuery = None) -> Response:
    return _catalogue_csv(services, flt, position)


@public_router.get(
    "/catalogue.csv",
    response_class=Response,
    responses={**CSV_RESPONSES, **problem_responses(signed_in=False)},
    summary="The public catalogue as CSV (no sign-in)",
)
def public_catalogue_csv(services: ServicesDep, flt: CatalogueFilter) -> Response:
    return _catalogue_csv(services, flt, None)


Build = Callable[[Connection, int, sources.Setting], ExportDocument]


def _export(
    request: Request,
    services: ServicesDep,
    fmt: ExportFormat,
    lang: Language | None,
    position: int | None,
    build: Build,
) -> Response:
    """Catch up, read as of the position asked for (or the newest), build and render."""
    services.projector.catch_up()
    setting = _setting(request, services, lang.value if lang else None)
    with services.projector.engine.connect() as conn:
        document = build(conn, _checked_position(conn, position), setting)
    return _respond(document, fmt.value)


@practice_router.get(
    "/{practice_id}/export.{fmt}",
    response_class=Response,
    responses=_file_responses(),
    summary="Export a published version: Markdown, standalone HTML, PDF, PowerPoint or Innokylä JSON",
    description="The newest published version unless ?version= names one (a retracted version is "
    "refused, 409). Drafts and internal notes are never exported.",
)
def export_practice(
    request: Request,
    services: ServicesDep,
    practice_id: Annotated[UUID, Path(description="The good practice's id")],
    fmt: ExportFormat,
    version: Annotated[int | None, Query(ge=1, description="A published version")] = None,
    position: PositionQuery = None,
    lang: LangQuery = None,
) -> Response:
    def build(conn: Connection, at: int, setting: sources.Setting) -> ExportDocument:
        return sources.practice_document(conn, practice_id, version=version, position=at, setting=setting)

    return _export(request, services, fmt, lang, position, build)


@programme_router.get(
    "/{programme_id}/seminar.{fmt}",
    response_class=Response,
    responses=_file_responses(),
    summary="The seminar pack: every published good practice of the programme's initiatives",
)
def export_seminar(
    request: Request,
    services: ServicesDep,
    programme_id: Annotated[UUID, Path(description="The programme's id")],
    fmt: ExportFormat,
    position: PositionQuery = None,
    lang: LangQuery = None,
) -> Response:
    def build(conn: Connection, at: int, setting: sources.Setting) -> ExportDocument:
        return sources.seminar_document(conn, programme_id, position=at, setting=setting)

    return _export(request, services, fmt, lang, position, build)


@public_router.get(
    "/{practice_id}/export.{fmt}",
    response_class=Response,
    responses=_file_responses(signed_in=False),
    summary="Export a published good practice (its newest version; no sign-in)",
)
def export_public(
    request: Request,
    services: ServicesDep,
    practice_id: Annotated[UUID, Path(description="The good practice's id")],
    fmt: ExportFormat,
    lang: LangQuery = None,
) -> Response:
    def build(conn: Connection, at: int, setting: sources.Setting) -> ExportDocument:
        # A draft or a retracted practice does not exist for the public.
        if good_practices.published_version(conn, practice_id, at) is None:
            raise RecordNotFound("There is no published good practice with id {id}.", id=practice_id)
        return sources.practice_document(conn, practice_id, version=None, position=at, setting=setting)

    return _export(request, services, fmt, lang, None, build)
