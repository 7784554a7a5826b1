"""The home page (my initiatives, what needs attention, recent activity) and the
activity feed. The language switch is public: `api.pages.public`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.pages.web import PageDep
from present import history as history_views
from present import initiatives as initiative_views
from projections import history
from projections import initiatives as read_model
from projections.tables import POSITION_MAX
from services.people_registry import LOCAL_ACTOR_ID
from services.settings import DEFAULT_LOCAL_ACTOR_NAME

router = APIRouter(include_in_schema=False)
# An active initiative with nothing recorded for this long shows under "needs attention".
QUIET_DAYS = 30
FEED_PAGE = 50


@router.get("/")
def home(page: PageDep) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        erased = page.erased
        mine = initiative_views.summaries(
            conn, page.services.people, read_model.involving(conn, page.actor, limit=20), None, erased=erased
        )
        attention_rows = read_model.needing_attention(
            conn, now=datetime.now(UTC), quiet_days=QUIET_DAYS, limit=20
        )
        attention = [
            {**summary, "reason": row["reason"]}
            for row, summary in zip(
                attention_rows,
                initiative_views.summaries(conn, page.services.people, attention_rows, None, erased=erased),
                strict=True,
            )
        ]
        recent = history_views.entries(page, conn, history.feed(conn, limit=10))
        me = page.person_names(conn, {str(page.actor)})[str(page.actor)]
    # The local actor of single-user mode is registered as the English "Local user" unless a
    # name is configured; the greeting leaves that placeholder out rather than show it to a
    # Finnish or Swedish reader (the registry and the API keep the name as it is).
    if page.actor == LOCAL_ACTOR_ID and me == DEFAULT_LOCAL_ACTOR_NAME and page.lang != "en":
        me = ""
    return page.render(
        "home.html",
        mine=mine,
        attention=attention,
        recent=recent,
        me=me,
        quiet_days=QUIET_DAYS,
        # Nothing recorded yet: the page says how to begin instead of three empty sections.
        empty=not recent,
    )


@router.get("/activity")
def activity(page: PageDep, before: Annotated[int | None, Query(ge=1, le=POSITION_MAX)] = None) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        rows = history.feed(conn, limit=FEED_PAGE, before=before)
        entries = history_views.entries(page, conn, rows)
    older = page.url("/activity", before=rows[-1]["position"]) if len(rows) == FEED_PAGE else None
    return page.render(
        "activity.html", entries=entries, older_href=older, newest_href="/activity" if before else None
    )
