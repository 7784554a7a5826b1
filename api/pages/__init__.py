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
    archive,
    campaigns,
    errors,
    evaluations,
    experiments,
    follow_up,
    good_practices,
    home,
    initiative_import,
    initiatives,
    measure_series,
    measures,
    organisations,
    outcome_timeline,
    people,
    pickers,
    programmes,
    public,
    quick_capture,
    rotations,
    targets,
    timelines,
)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


# In the order their routes are matched: a literal path (/initiatives/new) before a pattern.
PAGES = (
    home,
    initiative_import,  # before initiatives: /initiatives/import is no initiative id
    initiatives,
    organisations,
    people,
    quick_capture,
    experiments,
    rotations,
    campaigns,
    programmes,
    measure_series,
    measures,
    evaluations,
    outcome_timeline,
    targets,
    follow_up,
    timelines,
    good_practices,
    pickers,
    archive,
)


# Pages anyone may read without signing in (the public catalogue, the language switch).
PUBLIC_PAGES = (public,)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in PUBLIC_PAGES:
        app.include_router(module.router)
    for module in PAGES:
        app.include_router(module.router, dependencies=[Depends(current_actor)])
    errors.install(app)
