"""What every record kind's router has in common, written once.

A router declares its own commands and reads; what is the same for every kind lives
here: the error responses a command can give, the refusal of a cursor the server never
gave out, and the record's history endpoint.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import Field

from api.deps import ServicesDep, View
from api.errors import BadRequest, problem_responses
from api.views import HistoryEntry, history_entries
from domain.errors import RecordNotFound
from present.kinds import BY_RECORD_TYPE
from projections import history
from projections.archive import ArchivedFilter

# A command on an existing record: missing (404), changed meanwhile (409, 412), refused (422).
WRITE_ERRORS = problem_responses(404, 409, 412, 422)

HISTORY_SUMMARY = "Every change, field by field"

# A list's `?archived=`: archived records are left out unless asked for.
ArchivedQuery = Annotated[
    ArchivedFilter,
    Query(
        description="exclude (the default): live records only; include: archived ones too; "
        "only: archived ones only"
    ),
]


@contextmanager
def client_cursor() -> Iterator[None]:
    """Reads a page after a cursor the client sent: one the read model cannot decode is a
    client's mistake (400), not a server fault."""
    try:
        yield
    except ValueError:
        raise BadRequest("cursor is not one this server gave out; start without it.") from None


def add_history_route(
    router: APIRouter,
    *,
    record_type: str,
    id_name: str,
    id_type: Any,
    missing: Callable[[UUID, View], RecordNotFound] | None = None,
    name: str,
    summary: str | None = HISTORY_SUMMARY,
) -> None:
    """GET /{<id_name>}/history: every change of one record, field by field, as of the
    view's moment. Another kind's record with that id is missing too, as is one not yet
    recorded at the view's moment; `missing` says so, by default with the kind's own
    sentence (its aggregate's NOT_FOUND).

    The endpoint keeps the path parameter's name and the function name the kind's router
    always had, so that the OpenAPI document (parameter names, operation ids) is unchanged."""

    kind: Any = BY_RECORD_TYPE[record_type].aggregate
    refusal = missing or (lambda record_id, _view: RecordNotFound(kind.NOT_FOUND, id=record_id))

    def endpoint(services: ServicesDep, view: View, **path: UUID) -> list[dict[str, Any]]:
        record_id = path[id_name]
        with services.projector.engine.connect() as conn:
            rows = history.of_record(conn, record_id, view.position)
            if not rows or rows[0]["record_type"] != record_type:
                raise refusal(record_id, view)
            return history_entries(conn, services.people, rows)

    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=id_type),
            inspect.Parameter("services", inspect.Parameter.KEYWORD_ONLY, annotation=ServicesDep),
            inspect.Parameter("view", inspect.Parameter.KEYWORD_ONLY, annotation=View),
        ],
        return_annotation=list[dict[str, Any]],
    )
    router.get(
        f"/{{{id_name}}}/history",
        response_model=list[HistoryEntry],
        responses=problem_responses(404),
        summary=summary,
    )(endpoint)


def archived_field() -> Any:
    """A record's `archived` flag, as every kind's JSON shows it."""
    return Field(
        default=False,
        description="Archived: lists leave it out unless asked (?archived=include or ?archived=only).",
    )
