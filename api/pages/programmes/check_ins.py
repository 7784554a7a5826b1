"""The check-in sheet of a workshop: one row per enrolled initiative (status, progress score
and one sentence; next steps, help needed and a back-date folded away under "More"), so
thirty check-ins go in at one sitting by keyboard: Tab, Tab, Enter per row.

The sheet is one form. A plain POST (no JavaScript, or "Save all") records every row whose
values differ from what is recorded, each as its own check-in command: the valid rows are
recorded, the refused ones come back with what was typed and the sentence next to the field
(422), and the page says which rows were saved. With htmx, Enter or a row's button saves that
row alone (`/check-ins/{initiative_id}`) and the focus moves to the next row.

Each row remembers the check-in it was opened with (`seen-…`): if someone else checked in
that initiative meanwhile, the row is refused with a sentence, shows theirs, and saving it
again corrects theirs (a correction is a new event; the history keeps both). Each row has a
request key of its own, so a double submit or a reload records each row once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import FormState, date_or_none
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext, RequestKey
from domain.check_in import PROGRESS_SCALE, TEXT_MAX, CheckInChangedMeanwhile, Rag, clean_check_in
from domain.errors import DomainError, InvalidField
from domain.programme import ProgrammeStatus
from present import labels
from present import programmes as programme_views
from projections import initiatives as initiatives_read_model
from projections import programmes as read_model
from services.response_cache import KEY_MAX, fingerprint

router = APIRouter(prefix="/programmes", include_in_schema=False)
ProgrammeId = Annotated[UUID, Path()]
WorkshopId = Annotated[UUID, Path()]
InitiativeId = Annotated[UUID, Path()]
TEXTS = ("done", "next_steps", "help_needed")
ROW_FIELDS = ("status", "progress_score", *TEXTS, "occurred_on")
# A valid check-in, to ask the domain about one field at a time.
_VALID_CHECK_IN: dict[str, Any] = {
    "status": Rag.GREEN.value,
    "progress_score": 1.0,
    "done": "",
    "next_steps": "",
    "help_needed": "",
}


@dataclass
class Row:
    """One row as posted: its values by field name, the check-in it was opened with and its
    request key."""

    initiative_id: str
    values: dict[str, str]
    seen: str
    key: str


@dataclass
class Outcome:
    """What saving the posted rows did: the states to show again (refused rows), the rows
    saved, and the ones that are no longer on the sheet."""

    states: dict[str, FormState]
    saved: list[str]
    gone: list[str]


def _base(programme_id: UUID, workshop_id: UUID) -> str:
    return f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins"


# ---- routes --------------------------------------------------------------------------


@router.get("/{programme_id}/workshops/{workshop_id}/check-ins")
def sheet(
    page: PageDep,
    programme_id: ProgrammeId,
    workshop_id: WorkshopId,
    saved: Annotated[str, Query(max_length=8000)] = "",
    next_row: Annotated[str, Query(alias="next", max_length=40)] = "",
) -> Response:
    """`saved` (ids joined by ".") and `next` come from the redirect after a plain save: the
    rows marked saved, and the row that takes the focus."""
    return _render_sheet(
        page, programme_id, workshop_id, Outcome({}, [s for s in saved.split(".") if s], []), focus=next_row
    )


@router.post("/{programme_id}/workshops/{workshop_id}/check-ins")
async def save_sheet(page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId) -> Response:
    form = await page.form()
    return _save(page, programme_id, workshop_id, form, only=None)


@router.post("/{programme_id}/workshops/{workshop_id}/check-ins/{initiative_id}")
async def save_row(
    page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId, initiative_id: InitiativeId
) -> Response:
    """htmx saves one row here; without htmx the whole sheet is saved, as by its own action."""
    form = await page.form()
    return _save(page, programme_id, workshop_id, form, only=str(initiative_id) if page.is_htmx else None)


# ---- saving --------------------------------------------------------------------------


def _save(page: Page, programme_id: UUID, workshop_id: UUID, form: FormData, *, only: str | None) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme_views.require_workshop(conn, programme_id, workshop_id)
        current = {r["initiative_id"]: r for r in _sheet_rows(page, conn, programme_id, workshop_id)}
        # Every check-in of the workshop, corrected ones too: a row is compared with the one it
        # showed when the sheet was opened, which may since have been corrected by someone else.
        recorded = {
            str(c["check_in_id"]): c
            for c in read_model.check_ins(
                conn, programme_id, None, workshop_id=workshop_id, include_corrected=True
            )
        }
    rows = _posted_rows(form)
    if only is not None:
        rows = [r for r in rows if r.initiative_id == only] or [Row(only, {}, "", "")]
    outcome = Outcome({}, [], [])
    for row in rows:
        shown = current.get(row.initiative_id)
        if shown is None:
            if _touched(row, None):
                outcome.gone.append(row.initiative_id)
            continue
        if only is None and not _touched(row, recorded.get(row.seen.strip())):
            continue
        state = _save_row(page, programme_id, workshop_id, row)
        if state.ok:
            outcome.saved.append(row.initiative_id)
        else:
            outcome.states[row.initiative_id] = state
    if only is not None:
        return _render_row(page, programme_id, workshop_id, only, outcome)
    if outcome.states or outcome.gone:
        return _render_sheet(page, programme_id, workshop_id, outcome, status=422)
    if not outcome.saved:
        return _render_sheet(page, programme_id, workshop_id, outcome, nothing_saved=True)
    order = list(current)
    query = {
        "saved": ".".join(outcome.saved),
        "next": _after(order, outcome.saved[-1]) if outcome.saved else "",
    }
    anchor = f"#check-in-{query['next']}" if query["next"] else "#sheet-end"
    present = {k: v for k, v in query.items() if v}
    suffix = f"?{urlencode(present)}" if present else ""
    return page.redirect(f"{_base(programme_id, workshop_id)}{suffix}{anchor}")


def _posted_rows(form: FormData) -> list[Row]:
    """The sheet's rows in the order posted; a row is known by its hidden `seen-<id>`."""
    rows = []
    for name in form:
        if not name.startswith("seen-"):
            continue
        initiative_id = name.removeprefix("seen-")
        values = {field: text(form, f"{field}-{initiative_id}") for field in ROW_FIELDS}
        rows.append(Row(initiative_id, values, text(form, name), text(form, f"key-{initiative_id}")))
    return rows


def _touched(row: Row, shown: dict[str, Any] | None) -> bool:
    """Whether the row differs from the check-in it showed (or, with none, was filled in)."""
    recorded = _check_in_values(shown)
    return any(row.values.get(f, "").strip() != str(recorded.get(f, "")).strip() for f in ROW_FIELDS)


def _save_row(page: Page, programme_id: UUID, workshop_id: UUID, row: Row) -> FormState:
    state = FormState(values={**row.values, "seen": row.seen})
    score = _score_or_none(page, state, row.values.get("progress_score", ""))
    occurred_on = date_or_none(page, state, "occurred_on", row.values.get("occurred_on", ""))
    if not row.values.get("status"):
        state.errors["status"] = page.gettext("Choose green, amber or red.")
    elif "progress_score" not in state.errors and score is None:
        state.errors["progress_score"] = page.gettext("Choose a step of the progress scale.")
    candidate = {"status": row.values.get("status", ""), "progress_score": score, **_texts(row)}
    for name in ("status", "progress_score", *TEXTS):
        if name in state.errors or (name == "progress_score" and score is None):
            continue
        try:
            clean_check_in(**{**_VALID_CHECK_IN, name: candidate[name]})
        except InvalidField as error:
            state.refuse(page, error)
    replaces = _uuid(row.seen)
    if not state.ok or score is None or replaces is False:
        if replaces is False:
            state.problem = page.gettext("This row was changed outside the sheet; reload the page.")
        return _in_row_order(state)
    ctx = _row_context(page, row)
    try:
        page.run(
            lambda ctx: page.services.app.record_check_in(
                ctx,
                UUID(row.initiative_id),
                check_in_id=page.services.app.new_id(ctx),
                programme_id=programme_id,
                workshop_id=workshop_id,
                status=row.values.get("status", ""),
                progress_score=score,
                occurred_on=occurred_on,
                replaces=replaces,
                **_texts(row),
            ),
            ctx,
        )
    except CheckInChangedMeanwhile as error:
        state.problem = page.error_text(error.message, error.params)
        state.values["stale"] = "1"
    except DomainError as error:
        state.refuse(page, error, fields=ROW_FIELDS)
    return _in_row_order(state)


def _texts(row: Row) -> dict[str, str]:
    return {name: row.values.get(name, "") for name in TEXTS}


def _uuid(raw: str) -> UUID | bool | None:
    """The check-in a row was opened with: None when none; False when it is not an id."""
    if not raw.strip():
        return None
    try:
        return UUID(raw.strip())
    except ValueError:
        return False


def _row_context(page: Page, row: Row) -> CommandContext:
    """Each row's own request key, over the row's own values, so that a double submit or a
    reload records a row once, and rows of one sheet never share a key."""
    key = row.key.strip()
    if not 0 < len(key) <= KEY_MAX:
        return CommandContext(actor=page.actor)
    body = urlencode(sorted({**row.values, "seen": row.seen}.items())).encode()
    path = f"{page.request.url.path.split('/check-ins')[0]}/check-ins/{row.initiative_id}"
    return CommandContext(actor=page.actor, request_key=RequestKey(key, fingerprint("POST", path, body)))


def _score_or_none(page: Page, state: FormState, raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        state.errors["progress_score"] = page.gettext("Choose a step of the progress scale.")
        return None


def _in_row_order(state: FormState) -> FormState:
    state.errors = {name: state.errors[name] for name in ROW_FIELDS if name in state.errors}
    return state


def _after(order: list[str], current: str) -> str:
    """The initiative after `current` on the sheet ("" after the last one)."""
    if current in order:
        index = order.index(current)
        return order[index + 1] if index + 1 < len(order) else ""
    return order[0] if order else ""


# ---- rendering -----------------------------------------------------------------------


def _sheet_rows(page: Page, conn: Connection, programme_id: UUID, workshop_id: UUID) -> list[dict[str, Any]]:
    return programme_views.sheet_rows(
        conn,
        page.services.people,
        programme_id,
        workshop_id,
        page.fmt.zone,
        page.fmt.sort_key(),
        erased=page.erased,
    )


def _items(rows: list[dict[str, Any]], outcome: Outcome) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        iid = row["initiative_id"]
        state = outcome.states.get(iid)
        recorded = row["current"]
        if state is None:
            state = FormState(values={**_check_in_values(recorded), "seen": _seen(recorded)})
        elif state.values.get("stale"):  # theirs is now the one a save corrects
            state.values["seen"] = _seen(recorded)
        items.append({**row, "state": state, "saved": iid in outcome.saved})
    return items


def _render_sheet(
    page: Page,
    programme_id: UUID,
    workshop_id: UUID,
    outcome: Outcome,
    *,
    status: int = 200,
    focus: str = "",
    nothing_saved: bool = False,
) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme, workshop = programme_views.require_workshop(conn, programme_id, workshop_id)
        rows = _sheet_rows(page, conn, programme_id, workshop_id)
        gone = [_title(conn, iid) for iid in outcome.gone]
    items = _items(rows, outcome)
    refused = [item for item in items if item["initiative_id"] in outcome.states]
    # The focus lands on the first refused row's first wrong field, else on the row asked for,
    # else (a sheet just opened) on the first row not checked in yet: the sitting starts there.
    first_error = _first_error(refused[0]) if refused else ""
    if not focus and status == 200 and not outcome.saved and not nothing_saved:
        focus = next((row["initiative_id"] for row in rows if not row["current"]), "")
    return page.render(
        "programmes/check_ins.html",
        status=status,
        programme=programme,
        workshop=workshop,
        items=items,
        saved_titles=[item["title"] for item in items if item["saved"]],
        refused=refused,
        gone=gone,
        autofocus=first_error or (f"field-{focus}-status" if focus and not refused else ""),
        nothing_saved=nothing_saved,
        checked_in=sum(1 for row in rows if row["current"]),
        open=programme["status"] == ProgrammeStatus.OPEN,
        **_scale(page),
    )


def _render_row(
    page: Page, programme_id: UUID, workshop_id: UUID, initiative_id: str, outcome: Outcome
) -> Response:
    """One row of the sheet, for htmx to swap in: saved (the focus moves to the next row), or
    with its errors (the focus goes to the first wrong field)."""
    with page.services.projector.engine.connect() as conn:
        programme, workshop = programme_views.require_workshop(conn, programme_id, workshop_id)
        rows = _sheet_rows(page, conn, programme_id, workshop_id)
        row = next((r for r in rows if r["initiative_id"] == initiative_id), None)
        if row is None:  # withdrawn meanwhile: the row says so, without a form
            row = {"initiative_id": initiative_id, "title": _title(conn, initiative_id), "gone": True}
            row.update(organisation=None, owner=None, previous=None, current=None)
    item = _items([row], outcome)[0]
    saved = initiative_id in outcome.saved
    following = _after([r["initiative_id"] for r in rows], initiative_id)
    return page.render(
        "programmes/check_in_item.html",
        status=200 if saved or row.get("gone") else 422,
        programme=programme,
        workshop=workshop,
        item=item,
        focus_next=f"check-in-{following}" if saved and following else ("sheet-end" if saved else ""),
        autofocus="" if saved else _first_error(item),
        checked_in=sum(1 for r in rows if r["current"]),
        total=len(rows),
        open=programme["status"] == ProgrammeStatus.OPEN and not row.get("gone"),
        **_scale(page),
    )


def _title(conn: Connection, initiative_id: str) -> str:
    try:
        found = initiatives_read_model.get(conn, UUID(initiative_id))
    except ValueError:
        found = None
    return str(found["title"]) if found else "–"


def _first_error(item: dict[str, Any]) -> str:
    state: FormState = item["state"]
    iid = item["initiative_id"]
    if state.errors:
        return f"field-{iid}-{next(iter(state.errors))}"
    return f"field-{iid}-status"


def _scale(page: Page) -> dict[str, Any]:
    return {
        "scale": [
            (_score_value(score), page.fmt.number(score), page.gettext(labels.PROGRESS[score]))
            for score in PROGRESS_SCALE
        ],
        "rag_options": [
            (r.value, page.gettext(labels.RAG[r.value]), page.gettext(labels.RAG_MEANING[r.value]))
            for r in Rag
        ],
        "text_max": TEXT_MAX,
    }


def _score_value(score: float) -> str:
    """A score as the select sends it: "1" and "1.5", the way the form is pre-filled."""
    return f"{score:g}"


def _seen(current: dict[str, Any] | None) -> str:
    return str(current["check_in_id"]) if current else ""


def _check_in_values(current: dict[str, Any] | None) -> dict[str, Any]:
    if current is None:
        return {}
    return {
        "status": current["status"],
        "progress_score": _score_value(float(current["progress_score"])),
        "done": current.get("done") or "",
        "next_steps": current.get("next_steps") or "",
        "help_needed": current.get("help_needed") or "",
        "occurred_on": str(current.get("occurred_on") or ""),
    }
