"""problem+json (RFC 9457) for every error, and the OpenAPI entries that document them.

A user's mistake never becomes a 500: domain errors, invalid fields, malformed
JSON, unknown ids and stale versions each map to their own status here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import (
    ConcurrentChange,
    DomainError,
    IdempotencyKeyReused,
    IllegalTransition,
    InvalidField,
    InvalidFields,
    RecordNotFound,
    RuleViolation,
    StaleVersion,
)
from services.logging import get_logger

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://kipina.invalid/problems/"
log = get_logger("kipina.errors")


class InvalidParam(BaseModel):
    field: str = Field(description="Dotted path of the field, e.g. body.title")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="For 422: each invalid field and what is wrong with it"
    )
    allowed_moves: list[str] | None = Field(
        default=None, description="For an illegal lifecycle move: the moves allowed now"
    )
    current_version: int | None = Field(default=None, description="For 412: the record's current version")


class Unauthenticated(Exception):
    """The trusted proxy did not say who is asking."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(Exception):
    """A malformed request that is not about one field (e.g. a bad header)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


_DESCRIPTIONS = {
    400: "Malformed request (unparseable JSON, bad header or cursor)",
    401: "No signed-in user (trusted-proxy mode)",
    404: "No record with that id",
    409: "A rule was broken, or a concurrent change won",
    412: "If-Match names a version that is no longer current",
    422: "One or more fields are invalid",
    503: "Not ready",
}


def problem_responses(*statuses: int, signed_in: bool = True) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error statuses.

    400, 401 and 422 can come from any route: a malformed request, no signed-in user
    (trusted-proxy mode), an invalid path, query or body parameter. The public routes
    (`signed_in=False`) need no user, so they never answer 401."""
    wanted = sorted({400, 422, *statuses} | ({401} if signed_in else set()))
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in wanted
    }


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = Problem(type=TYPE_BASE + slug, title=title, status=status, detail=detail, **extra)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON)


def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    if isinstance(exc, RecordNotFound):
        return problem(404, "not-found", exc.title, exc.detail)
    if isinstance(exc, InvalidFields):
        return problem(
            422,
            "invalid-fields",
            exc.title,
            " ".join(error.detail for error in exc.errors),
            invalid_params=[InvalidParam(field=f"body.{e.field}", message=e.detail) for e in exc.errors],
        )
    if isinstance(exc, InvalidField):
        return problem(
            422,
            "invalid-fields",
            exc.title,
            exc.detail,
            invalid_params=[InvalidParam(field=f"body.{exc.field}", message=exc.detail)],
        )
    if isinstance(exc, StaleVersion):
        return problem(412, "stale-version", exc.title, exc.detail, current_version=exc.current_version)
    if isinstance(exc, IllegalTransition):
        return problem(409, "illegal-move", exc.title, exc.detail, allowed_moves=exc.allowed)
    if isinstance(exc, ConcurrentChange):
        return problem(409, "concurrent-change", exc.title, exc.detail)
    if isinstance(exc, IdempotencyKeyReused):
        return problem(
            422,
            "idempotency-key-reused",
            exc.title,
            exc.detail,
            invalid_params=[InvalidParam(field="header.Idempotency-Key", message=exc.detail)],
        )
    if isinstance(exc, RuleViolation):
        return problem(409, "rule-broken", exc.title, exc.detail)
    return problem(409, "refused", exc.title, exc.detail)


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(_is_malformed_body(e) for e in errors):
        return problem(
            400,
            "malformed-json",
            "Malformed JSON",
            "The request body is not a valid JSON object. Check quotes, commas and brackets.",
        )
    params = [InvalidParam(field=".".join(str(p) for p in e["loc"]), message=_message(e)) for e in errors]
    detail = "; ".join(f"{p.field}: {p.message}" for p in params)
    return problem(422, "invalid-fields", "Invalid fields", detail, invalid_params=params)


def _is_malformed_body(error: dict[str, Any]) -> bool:
    """Unparseable JSON, or a body that is not a JSON object at all."""
    if error.get("type") == "json_invalid":
        return True
    return tuple(error.get("loc", ())) == ("body",) and error.get("type") in (
        "model_attributes_type",
        "dict_type",
    )


def _message(error: dict[str, Any]) -> str:
    if error.get("type") == "missing":
        return "This field is required."
    if error.get("type") == "extra_forbidden":
        return "This field is not known here."
    return str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    detail = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is nothing at this address. See /docs for the API."
    if exc.status_code == 405:  # the Allow header (api/http_guard.py) lists every method
        detail = "This address does not take that method; the Allow header lists the ones it takes."
    response = problem(
        exc.status_code, f"http-{exc.status_code}", titles.get(exc.status_code, "Error"), detail
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _unauthenticated(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Unauthenticated)
    return problem(401, "unauthenticated", "Not signed in", exc.detail)


def _bad_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadRequest)
    return problem(400, "bad-request", "Malformed request", exc.detail)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled_error", error=type(exc).__name__, exc_info=exc)
    return internal_error()


def internal_error() -> JSONResponse:
    return problem(
        500,
        "internal-error",
        "Internal error",
        "Something went wrong on our side. Please try again; if it keeps happening, "
        "tell the administrator the X-Request-ID of this response.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(BadRequest, _bad_request)
    app.add_exception_handler(Exception, _unexpected)
