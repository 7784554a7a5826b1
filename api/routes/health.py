"""/healthz (the process answers) and /readyz (store reachable, read models caught up)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.errors import problem, problem_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Ready to serve", responses=problem_responses(503))
def readyz(services: ServicesDep) -> Any:
    try:
        recorded = services.app.recorder.max_notification_id() or 0
        applied = services.projector.position()
    except Exception as error:  # any failure to reach a store means "not ready"
        return problem(503, "not-ready", "Not ready", f"The store is not reachable: {type(error).__name__}.")
    lag = recorded - applied
    if lag > services.settings.readyz_max_lag:
        return problem(
            503,
            "not-ready",
            "Not ready",
            f"The read models are {lag} events behind (limit {services.settings.readyz_max_lag}).",
        )
    return JSONResponse({"status": "ready", "recorded": recorded, "applied": applied, "lag": lag})
