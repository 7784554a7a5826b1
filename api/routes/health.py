"""/healthz (the process answers) and /readyz (store reachable, read models caught up)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.errors import PROBLEM_JSON, TYPE_BASE, problem, problem_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: caught up, no failed event, read models not ahead of the log",
    responses=problem_responses(503),
)
def readyz(services: ServicesDep) -> Any:
    projector = services.projector
    # Never waits: during the start-up catch-up this answers at once. After a failure it is
    # also what retries the failed event (at most every projection_retry_seconds).
    projector.catch_up(wait=False)
    status = projector.status()
    try:
        recorded = services.app.recorder.max_notification_id() or 0
        applied = projector.position()
    except Exception as error:  # any failure to reach a store means "not ready"
        return problem(503, "not-ready", "Not ready", f"The store is not reachable: {type(error).__name__}.")
    fault = status.fault
    if fault is not None:
        return _not_ready(
            "read-models-ahead" if fault.kind == "ahead" else "projection-failed",
            fault.describe(),
            state=fault.kind,
            recorded=recorded,
            applied=fault.applied,
            failed_position=fault.failed_at,
            topic=fault.topic,
            error=fault.error,
            since=fault.since.isoformat(),
        )
    if applied > recorded:
        # The projector checks this on its next catch-up; say it now all the same.
        return _not_ready(
            "read-models-ahead",
            f"The read models are ahead of the event store: they have applied position {applied}, "
            f"but the event store ends at position {recorded}. Restore both from the same backup "
            f"or run `make rebuild`.",
            state="ahead",
            recorded=recorded,
            applied=applied,
        )
    if status.catching_up:
        return _not_ready(
            "catching-up",
            f"Catching up after the start: {applied} of {recorded} events applied.",
            state="catching-up",
            recorded=recorded,
            applied=applied,
        )
    lag = recorded - applied
    if lag > services.settings.readyz_max_lag:
        return _not_ready(
            "not-ready",
            f"The read models are {lag} events behind (limit {services.settings.readyz_max_lag}).",
            recorded=recorded,
            applied=applied,
        )
    return JSONResponse({"status": "ready", "recorded": recorded, "applied": applied, "lag": lag})


def _not_ready(slug: str, detail: str, **extra: Any) -> JSONResponse:
    """A 503 problem document with the positions (and the failure) as extension members."""
    body = {"type": TYPE_BASE + slug, "title": "Not ready", "status": 503, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=503, media_type=PROBLEM_JSON)
