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
    archive,
    change_day,
    evaluations,
    events,
    experiments,
    exports,
    good_practices,
    health,
    initiative_import,
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


# Every /api router, in the order their routes are matched. Each needs an actor: in
# trusted-proxy mode, no user header means 401. A kind's routes under another collection
# have a router of their own (experiments.initiative_router serves
# /api/initiatives/{id}/experiments, rotations.people_router /api/people/{id}/rotations …).
# The exports come before the good practices: /api/good-practices/catalogue.csv is no id.
SIGNED_IN_ROUTERS = (
    initiative_import.router,  # before initiatives.router: /import is no initiative id
    initiatives.router,
    organisations.router,
    people.router,
    events.router,
    targets.router,
    experiments.router,
    experiments.initiative_router,
    programmes.router,
    programmes.initiative_router,
    programmes.scale_router,
    measures.router,
    measures.initiative_router,
    evaluations.router,
    evaluations.follow_up_router,
    rotations.router,
    rotations.people_router,
    change_day.campaigns_router,
    change_day.actions_router,
    change_day.handprints_router,
    *timelines.routers,
    exports.practice_router,
    exports.programme_router,
    good_practices.router,
    good_practices.initiative_router,
    archive.router,
)
# The public catalogue and the health checks need no sign-in.
PUBLIC_ROUTERS = (exports.public_router, good_practices.public_router, health.router)


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
    for router in SIGNED_IN_ROUTERS:
        app.include_router(router, dependencies=[Depends(current_actor)])
    for router in PUBLIC_ROUTERS:
        app.include_router(router)
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
