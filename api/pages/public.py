"""The pages anyone may read without signing in: the public catalogue of good practices
(the seminar audience and other municipalities read and adopt them here) and the language
switch.

The catalogue page shows what `/api/public/good-practices` answers: the newest published
version of each practice, never a draft, an internal note or a person. A practice's page
is its published text with the public exports; a draft, a retracted practice or an id that
is no practice are all the same "not found", so the public learns nothing of unpublished work.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import RedirectResponse, Response

from api.pages.forms import FormState, uuid_or_none
from api.pages.web import YEAR, Page, PublicPageDep
from domain.errors import RecordNotFound
from domain.good_practice import Phase
from present import good_practices as practice_views
from present import labels
from present.i18n import COOKIE, LANGUAGES
from present.labels import N_
from projections import good_practices as read_model

router = APIRouter(include_in_schema=False)
CATALOGUE = "/public/good-practices"
PAGE_SIZE = 20
NARROWING = ("topic", "target_group", "organisation_id", "phase")
# The public export formats, in the order the page offers them (api.routes.exports).
EXPORT_FORMATS = (
    ("pdf", N_("PDF")),
    ("pptx", N_("PowerPoint")),
    ("html", N_("HTML")),
    ("md", N_("Markdown")),
    ("json", N_("JSON (Innokylä fields)")),
)


@router.get("/language")
def choose_language(set: str = "", next: str = "/") -> Response:
    """Switch the language and remember it for a year; back to the page the reader was on.
    Public, so that a reader of the catalogue can switch before (or without) signing in."""
    # Only a path on this site: never an open redirect to somewhere else.
    target = next if next.startswith("/") and not next.startswith("//") and "\\" not in next else "/"
    response = RedirectResponse(target, status_code=303)
    if set in LANGUAGES:
        response.set_cookie(COOKIE, set, max_age=YEAR, path="/", samesite="lax")
    return response


@router.get(CATALOGUE)
def catalogue(
    page: PublicPageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    topic: Annotated[str, Query(max_length=100)] = "",
    target_group: Annotated[str, Query(max_length=100)] = "",
    organisation_id: Annotated[str, Query(max_length=100)] = "",
    phase: Annotated[str, Query(max_length=40)] = "",
    cursor: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    state = FormState(values={"q": q, "topic": topic, "target_group": target_group, "phase": phase})
    org_id = uuid_or_none(page, state, "organisation_id", organisation_id)
    if phase and phase not in {p.value for p in Phase}:
        state.errors["phase"] = page.gettext("Choose one of the options in the list.")
    flt = read_model.PracticeFilter(
        q=q.strip() or None,
        topic=topic.strip() or None,
        target_group=target_group.strip() or None,
        organisation_id=org_id,
        phase=phase or None,
    )
    page.services.projector.catch_up()
    rows: list[dict[str, Any]] = []
    next_cursor = None
    with page.services.projector.engine.connect() as conn:
        if state.ok:
            try:
                rows, next_cursor = read_model.published(conn, flt, limit=PAGE_SIZE, cursor=cursor or None)
            except ValueError:
                state.problem = page.gettext("That page link is out of date; showing the first page.")
                rows, next_cursor = read_model.published(conn, flt, limit=PAGE_SIZE)
        cards = practice_views.public_cards(page, conn, rows)
        facets = practice_views.public_facets(page, conn)
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor" and v}
    return page.render(
        "public/catalogue.html",
        status=200 if state.ok else 400,
        state=state,
        cards=cards,
        facets=facets,
        phase_options=[(p.value, page.gettext(labels.PHASE[p.value])) for p in Phase],
        filtered=bool(query),
        # The narrowing filters stay open when one is in use, or refused, so it is seen.
        narrowed=any(query.get(k) for k in NARROWING) or any(k in state.errors for k in NARROWING),
        next_href=page.url(CATALOGUE, **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url(CATALOGUE, **query) if cursor else None,
        csv_href=page.url("/api/public/good-practices/catalogue.csv", **_csv_filter(query)),
    )


@router.get(CATALOGUE + "/{practice_id}")
def practice(page: PublicPageDep, practice_id: Annotated[UUID, Path()]) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = read_model.published_version(conn, practice_id)
        if row is None:
            raise RecordNotFound("There is no published good practice with id {id}.", id=practice_id)
        card = practice_views.public_cards(page, conn, [row])[0]
    return page.render(
        "public/practice.html",
        practice=card,
        fields=practice_views.shown_fields(page, row["fields"]),
        exports=_export_links(page, practice_id),
    )


def _export_links(page: Page, practice_id: UUID) -> list[dict[str, str]]:
    base = f"/api/public/good-practices/{practice_id}/export"
    return [
        {"format": fmt, "label": page.gettext(label), "href": page.url(f"{base}.{fmt}", lang=page.lang)}
        for fmt, label in EXPORT_FORMATS
    ]


def _csv_filter(query: dict[str, str]) -> dict[str, str]:
    """The page's filters as the CSV route takes them (it has no pages)."""
    return {k: v for k, v in query.items() if k in ("q", *NARROWING)}
