"""The pickers' search: `GET /pick/{kind}` answers the options of a picker (people,
initiatives, targets or units) as the HTML the picker shows, for htmx to swap in while
someone types. Forms work without it too: their search button posts the form, which is
shown again with the matching options (see `api.pages.forms.picking`).

Query parameters:
- `q`, or `<name>__q` (what the picker's search box sends): the words to look for; only
  the first 200 characters count.
- `name`: the form field the options are radio buttons of (letters, digits and `_`).
- `<name>`: the record chosen now, kept first whatever was searched.
- `organisation`: an organisation id whose records come first.
- `first=own`: the reader's own records first (initiatives they own or are on the team
  of; for people, the reader).
- `limit`: how many matches (1–25, default 10).
"""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from api.pages.web import PageDep
from present import pickers as picker_views

router = APIRouter(prefix="/pick", include_in_schema=False)
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,59}")


def _uuid_text(raw: str | None) -> str | None:
    """A UUID as the read models spell it, or None for anything else (a search never fails)."""
    try:
        return str(UUID((raw or "").strip())) if raw and raw.strip() else None
    except ValueError:
        return None


@router.get("/{kind}")
def options(
    page: PageDep,
    kind: Annotated[str, Path(max_length=40)],
    name: Annotated[str, Query(max_length=60)] = "",
    q: Annotated[str | None, Query(max_length=10_000)] = None,
    organisation: Annotated[str, Query(max_length=100)] = "",
    first: Annotated[str, Query(max_length=20)] = "",
    limit: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    if kind not in picker_views.KINDS:
        raise HTTPException(status_code=404)
    field = name if _FIELD_NAME.fullmatch(name) else kind
    params = page.request.query_params
    typed = q if q is not None else params.get(f"{field}__q", "")
    count = int(limit) if limit.isdigit() else picker_views.LIMIT
    with page.services.projector.engine.connect() as conn:
        found = picker_views.options(
            conn,
            page.services.people,
            kind,
            typed[:10_000],
            lang=page.lang,
            limit=count,
            organisation_id=_uuid_text(organisation),
            person_id=str(page.actor) if first == "own" else None,
            chosen_id=_uuid_text(params.get(field)),
        )
    return page.render("pickers/options.html", name=field, found=found, q=typed)
