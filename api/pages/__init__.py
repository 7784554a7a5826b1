"""The web interface: server-rendered pages in Finnish, Swedish and English.

One module per area; each calls the same `Kipina` application as the JSON API.
`install` mounts the pages, the static files and the HTML error pages.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.actor import current_actor
from api.pages import (
    campaigns,
    errors,
    evaluations,
    experiments,
    follow_up,
    good_practices,
    home,
    initiatives,
    measures,
    organisations,
    outcome_timeline,
    people,
    programmes,
    rotations,
    targets,
    timelines,
)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (home, initiatives, organisations, people, experiments, rotations, campaigns, programmes):
        app.include_router(module.router, dependencies=[Depends(current_actor)])
    # Issue 7: measures and run charts, evaluations, outcome timelines.
    for module in (measures, evaluations, outcome_timeline):
        app.include_router(module.router, dependencies=[Depends(current_actor)])
    # Issue 7: development targets, the yearly follow-up, programme and target timelines.
    for module in (targets, follow_up, timelines):
        app.include_router(module.router, dependencies=[Depends(current_actor)])
    # Issue 8: good practices (the catalogue, drafting from an initiative, publishing, versions).
    app.include_router(good_practices.router, dependencies=[Depends(current_actor)])
    errors.install(app)
