"""create_app(): the FastAPI application, wired by `bootstrap`."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import Depends, FastAPI, Request, Response

from api import http_guard, pages, read_model_status, swagger_ui
from api.actor import current_actor
from api.errors import install_error_handlers, internal_error
from api.pages.errors import error_page, is_api_path
from api.routes import (
    change_day,
    evaluations,
    events,
    experiments,
    exports,
    good_practices,
    health,
    initiatives,
    measures,
    organisations,
    people,
    programmes,
    rotations,
    targets,
    timelines,
)
from services.bootstrap import Services, bootstrap
from services.logging import configure_logging, get_logger
from services.settings import Settings

VERSION = "0.1.0"
log = get_logger("kipina.http")

DESCRIPTION = """
Kipinä records development work in public services as immutable events.

* Every error is `application/problem+json` (RFC 9457).
* Every record read returns an `ETag` (its version); send it back as `If-Match`
  on writes to be told (412) when someone else changed the record first.
* Send `Idempotency-Key` on a POST to make it safe to retry: a retry returns
  the first response and records nothing new.
* State reads accept `?as_of=<ISO time>`: the state as Kipinä knew it then.
"""


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or (services.settings if services else Settings())
    configure_logging(settings.log_format, settings.log_level)
    # Without services (the server): listen first, catch up in a thread from the lifespan.
    wired = services or bootstrap(settings, catch_up=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        catching_up = wired.projector.start_catching_up() if services is None else None
        yield
        if services is None:  # we made them, we close them
            wired.projector.stop_catching_up(catching_up)
            wired.close()

    app = FastAPI(
        title="Kipinä",
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        # Swagger UI from our own static files (api/swagger_ui.py), no CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = wired
    install_error_handlers(app)
    # Installed before the request log, so the log, outside them, also shows their refusals.
    http_guard.install(app, settings)
    app.middleware("http")(_log_request)
    read_model_status.install(app)  # outermost: every answer says when the views are behind
    # Every /api request needs an actor: in trusted-proxy mode, no user header means 401.
    for module in (initiatives, organisations, people, events, targets):
        app.include_router(module.router, dependencies=[Depends(current_actor)])
    for experiment_router in (experiments.router, experiments.initiative_router):
        app.include_router(experiment_router, dependencies=[Depends(current_actor)])
    # programmes.initiative_router serves check-ins, /api/initiatives/{id}/check-ins;
    # programmes.scale_router the progress scale, /api/progress-scale.
    for programme_router in (programmes.router, programmes.initiative_router, programmes.scale_router):
        app.include_router(programme_router, dependencies=[Depends(current_actor)])
    # measures.initiative_router serves /api/initiatives/{id}/measures.
    for measure_router in (measures.router, measures.initiative_router):
        app.include_router(measure_router, dependencies=[Depends(current_actor)])
    # evaluations.router serves /api/initiatives/{id}/evaluations; follow_up_router /api/follow-up.
    for evaluation_router in (evaluations.router, evaluations.follow_up_router):
        app.include_router(evaluation_router, dependencies=[Depends(current_actor)])
    # rotations.people_router serves a person's rotation history, /api/people/{id}/rotations.
    for rotation_router in (rotations.router, rotations.people_router):
        app.include_router(rotation_router, dependencies=[Depends(current_actor)])
    # change_day.handprints_router serves a person's handprints, /api/people/{id}/handprints.
    for change_day_router in (
        change_day.campaigns_router,
        change_day.actions_router,
        change_day.handprints_router,
    ):
        app.include_router(change_day_router, dependencies=[Depends(current_actor)])
    # Outcome timelines of an initiative, /api/initiatives/{id}/timeline, and of a programme's
    # or development target's initiatives, /api/programmes/{id}/timeline, /api/targets/{id}/timeline.
    for timeline_router in timelines.routers:
        app.include_router(timeline_router, dependencies=[Depends(current_actor)])
    # Good practices: the catalogue, drafting from /api/initiatives/{id}/good-practices, the
    # exports; the public catalogue, /api/public/good-practices, needs no sign-in.
    # The exports' routes come first: /api/good-practices/catalogue.csv is not a practice id.
    for practice_router in (
        exports.practice_router,
        exports.programme_router,
        good_practices.router,
        good_practices.initiative_router,
    ):
        app.include_router(practice_router, dependencies=[Depends(current_actor)])
    for public_router in (exports.public_router, good_practices.public_router):
        app.include_router(public_router)
    app.include_router(health.router)
    swagger_ui.install(app)
    pages.install(app)
    return app


async def _log_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id[:64])
    started = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception as error:
        # Answered here rather than by the outermost handler, so a 500 also gets its request
        # line and the X-Request-ID it asks people to report. The engines hide statement
        # parameters, so the traceback carries no row values.
        log.error("unhandled_error", error=type(error).__name__, exc_info=error)
        response = internal_error() if is_api_path(request.url.path) else error_page(request, error)
    route = request.scope.get("route")
    log.info(
        "request",
        method=request.method,
        route=getattr(route, "path", request.url.path if response.status_code != 404 else "-"),
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    response.headers["X-Request-ID"] = request_id[:64]
    return response
