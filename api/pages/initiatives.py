"""Initiative pages: the list with its filters, the initiative page, and the forms
that propose, edit, move, and add goals, team members and notes.

Each POST runs one `Kipina` command, then redirects (303) to the initiative page.
A refused command re-renders the same form with the reader's input and the
domain's message next to the field it names (422); a stale edit shows the
conflict page (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import (
    FormState,
    as_of_or_error,
    check_each_field,
    date_or_none,
    page_after,
    picker_found,
    picking,
    submit,
    theme_list,
    uuid_or_none,
)
from api.pages.web import Page, PageDep, form_version, text
from domain.application import CommandContext, Receipt
from domain.errors import InvalidField, RecordNotFound, StaleVersion
from domain.initiative import (
    EDITABLE_FIELDS,
    REASON_MAX,
    SUMMARY_MAX,
    TARGET_GROUP_MAX,
    TITLE_MAX,
    VERBS,
    Status,
    allowed_moves,
    clean_fields,
)
from domain.values import required_text
from present import evaluations as evaluation_views
from present import good_practices as practice_views
from present import history as history_views
from present import initiatives as initiative_views
from present import labels
from present import measures as measure_views
from present import organisations as organisation_views
from present import programmes as programme_views
from present.people import choices as people_choices
from projections import experiments as experiments_read_model
from projections import history
from projections import initiatives as read_model

router = APIRouter(prefix="/initiatives", include_in_schema=False)
InitiativeId = Annotated[UUID, Path()]
PAGE_SIZE = initiative_views.PAGE_SIZE
# Moves that ask for words (a reason, lessons learned) go through a form page first.
MOVES_WITH_FORM = ("pause", "discontinue")


# ---- the list ----------------------------------------------------------------------


@router.get("")
def list_page(
    page: PageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: str = "",
    organisation_id: str = "",
    unit_id: str = "",
    theme: Annotated[str, Query(max_length=60)] = "",
    owner_id: str = "",
    as_of_date: str = "",
    cursor: str = "",
) -> Response:
    state = FormState(values={"q": q, "status": status, "theme": theme, "as_of_date": as_of_date})
    archived, archived_choices = page.archived_list()
    flt = read_model.InitiativeFilter(
        archived=archived,
        status=status if status in Status.__members__.values() else None,
        organisation_id=uuid_or_none(page, state, "organisation_id", organisation_id),
        unit_id=uuid_or_none(page, state, "unit_id", unit_id),
        owner_id=uuid_or_none(page, state, "owner_id", owner_id),
        theme=theme.strip() or None,
        q=q.strip() or None,
    )
    day, position = as_of_or_error(page, state, as_of_date)
    with page.services.projector.engine.connect() as conn:
        rows, next_cursor = page_after(
            page,
            state,
            lambda after: read_model.search(conn, flt, limit=PAGE_SIZE, cursor=after, as_of=position),
            cursor,
        )
        items = _summaries(page, conn, rows, position)
        choices = _choices(page, conn)
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "initiatives/list.html",
        archived_choices=archived_choices,
        status=200 if state.ok else 400,
        state=state,
        items=items,
        next_href=page.url("/initiatives", **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url("/initiatives", **query) if cursor else None,
        as_of_date=day,
        filtered=any(v for k, v in query.items()),
        **choices,
    )


# ---- one initiative ----------------------------------------------------------------


@router.get("/new")
def new_form(page: PageDep) -> Response:
    return _render_form(page, FormState(values={"owner_id": str(page.actor)}), initiative=None)


@router.post("/new")
async def create(page: PageDep) -> Response:
    form = await page.form()
    if picking(form):  # a picker's Search button, without JavaScript: nothing is recorded
        return _render_form(page, _typed(form), initiative=None)
    state, fields = _parse_fields(page, form)
    occurred_on = date_or_none(page, state, "occurred_on", text(form, "occurred_on"))
    goals = [g for g in text(form, "goals").splitlines() if g.strip()]
    state.values["goals"] = text(form, "goals")
    if fields.get("title") is None:
        fields["title"] = ""
    check_each_field(page, state, fields, clean_fields)
    if state.ok:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.propose_initiative(
                ctx, fields=fields, occurred_on=occurred_on, goals=goals
            ),
            page.context(form),
            fields=(*EDITABLE_FIELDS, "occurred_on", "goals", "text"),
        )
        if receipt is not None:
            return page.redirect(f"/initiatives/{receipt.record_id}", flash="initiative_created")
    if "text" in state.errors:  # a goal's text is checked as "text"
        state.errors["goals"] = state.errors.pop("text")
    return _render_form(page, state, initiative=None, status=422)


@router.get("/{initiative_id}")
def show(page: PageDep, initiative_id: InitiativeId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    return _render_show(
        page, initiative_id, as_of=(day, position), status=200 if state.ok else 400, as_of_state=state
    )


@router.get("/{initiative_id}/edit")
def edit_form(page: PageDep, initiative_id: InitiativeId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = initiative_views.require(conn, initiative_id)
    return _render_form(page, FormState(values=_form_values(row)), initiative=row)


@router.post("/{initiative_id}/edit")
async def edit(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    if picking(form):
        with page.services.projector.engine.connect() as conn:
            row = initiative_views.require(conn, initiative_id)
        return _render_form(page, _typed(form), initiative=row)
    state, fields = _parse_fields(page, form)
    with page.services.projector.engine.connect() as conn:
        current = initiative_views.require(conn, initiative_id)
        base_version = form_version(form) or current["version"]
        base = read_model.at_version(conn, initiative_id, base_version) or current
    # Send only what this person changed, so re-applying after a conflict keeps the other's edits.
    changed = {k: v for k, v in fields.items() if _form_values(base).get(k) != state.values.get(k)}
    check_each_field(page, state, changed, clean_fields)
    if state.ok:
        try:
            receipt = submit(
                page,
                state,
                lambda ctx: page.services.app.edit_initiative(ctx, initiative_id, fields=changed),
                page.context(form, with_version=True),
                fields=EDITABLE_FIELDS,
            )
        except StaleVersion:
            return _render_conflict(page, initiative_id, base_version, state, changed)
        if receipt is not None:
            return page.redirect(f"/initiatives/{initiative_id}", flash="initiative_saved")
    state.values["version"] = base_version
    return _render_form(page, state, initiative=current, status=422)


@router.get("/{initiative_id}/move/{verb}")
def move_form(page: PageDep, initiative_id: InitiativeId, verb: str) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = initiative_views.require(conn, initiative_id)
    if verb not in VERBS:
        raise RecordNotFound("There is no such lifecycle move.")
    return _render_move(page, row, verb, FormState(values={"version": row["version"]}))


@router.post("/{initiative_id}/move/{verb}")
async def move(page: PageDep, initiative_id: InitiativeId, verb: str) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("reason", "lessons", "version")})
    occurred_on = date_or_none(page, state, "occurred_on", text(form, "occurred_on"))
    if verb == "discontinue":
        # The domain stops at the first blank text; ask about each, so both messages show at once.
        for name in ("reason", "lessons"):
            try:
                required_text(name, state.values[name], max_length=REASON_MAX)
            except InvalidField as error:
                state.refuse(page, error)
    if state.ok:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.move_initiative(
                ctx,
                initiative_id,
                verb,
                occurred_on=occurred_on,
                reason=state.values["reason"],
                lessons=state.values["lessons"],
            ),
            page.context(form, with_version=True),
            fields=("occurred_on", "reason", "lessons"),
            stale=page.gettext(
                "Someone else changed this initiative while you were looking at it. "
                "Check its status below and choose again."
            ),
        )
        if receipt is not None:
            return page.redirect(f"/initiatives/{initiative_id}", flash="initiative_moved")
    with page.services.projector.engine.connect() as conn:
        row = initiative_views.require(conn, initiative_id)
    if verb in MOVES_WITH_FORM or "occurred_on" in state.errors or text(form, "from_form"):
        state.values["version"] = row["version"]
        return _render_move(page, row, verb, state, status=422)
    return _render_show(page, initiative_id, moves_state=state, status=409)


# ---- goals, team and notes ------------------------------------------------------------


def _section_command(
    page: Page,
    initiative_id: UUID,
    form: FormData,
    section: str,
    command: Callable[[CommandContext], Receipt],
    flash: str,
    *,
    with_version: bool = False,
) -> Response:
    """Run a command posted from one section of the initiative page (goals, team, notes);
    on refusal, show the page again with the message in that section."""
    state = FormState(values={k: v for k, v in form.items() if isinstance(v, str)})
    receipt = submit(
        page,
        state,
        command,
        page.context(form, with_version=with_version),
        fields=("text", "person_id", "role", "occurred_on"),
        stale=page.gettext("Someone else changed this initiative meanwhile. Check it and try again."),
    )
    if receipt is not None:
        return page.redirect(f"/initiatives/{initiative_id}#{section}", flash=flash)
    return _render_show(page, initiative_id, section_states={section: state}, status=422)


@router.post("/{initiative_id}/goals")
async def add_goal(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    goal = text(form, "text")
    return _section_command(
        page,
        initiative_id,
        form,
        "goals",
        lambda ctx: page.services.app.set_goal(ctx, initiative_id, text=goal),
        "goal_added",
    )


@router.post("/{initiative_id}/goals/{goal_id}")
async def reword_goal(page: PageDep, initiative_id: InitiativeId, goal_id: UUID) -> Response:
    form = await page.form()
    goal = text(form, "text")
    return _section_command(
        page,
        initiative_id,
        form,
        "goals",
        lambda ctx: page.services.app.reword_goal(ctx, initiative_id, goal_id, text=goal),
        "goal_saved",
    )


@router.post("/{initiative_id}/goals/{goal_id}/remove")
async def remove_goal(page: PageDep, initiative_id: InitiativeId, goal_id: UUID) -> Response:
    form = await page.form()
    return _section_command(
        page,
        initiative_id,
        form,
        "goals",
        lambda ctx: page.services.app.remove_goal(ctx, initiative_id, goal_id),
        "goal_removed",
    )


@router.post("/{initiative_id}/team")
async def add_member(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    if picking(form):  # the person picker's search, without JavaScript
        return _render_show(page, initiative_id, section_states={"team": _typed(form)})
    state = FormState()
    person_id = uuid_or_none(page, state, "person_id", text(form, "person_id"))
    if person_id is None:
        state.errors.setdefault("person_id", page.gettext("Choose the person to add."))
        state.values.update({k: v for k, v in form.items() if isinstance(v, str)})
        return _render_show(page, initiative_id, section_states={"team": state}, status=422)
    role = text(form, "role")
    return _section_command(
        page,
        initiative_id,
        form,
        "team",
        lambda ctx: page.services.app.add_team_member(ctx, initiative_id, person_id=person_id, role=role),
        "member_added",
    )


@router.post("/{initiative_id}/team/{person_id}/remove")
async def remove_member(page: PageDep, initiative_id: InitiativeId, person_id: UUID) -> Response:
    form = await page.form()
    return _section_command(
        page,
        initiative_id,
        form,
        "team",
        lambda ctx: page.services.app.remove_team_member(ctx, initiative_id, person_id),
        "member_removed",
    )


@router.post("/{initiative_id}/notes")
async def add_note(page: PageDep, initiative_id: InitiativeId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "occurred_on", text(form, "occurred_on"))
    if not state.ok:
        state.values.update({k: v for k, v in form.items() if isinstance(v, str)})
        return _render_show(page, initiative_id, section_states={"notes": state}, status=422)
    note = text(form, "text")
    return _section_command(
        page,
        initiative_id,
        form,
        "notes",
        lambda ctx: page.services.app.add_note(ctx, initiative_id, text=note, occurred_on=occurred_on),
        "note_added",
    )


# ---- rendering ------------------------------------------------------------------------


def _render_show(
    page: Page,
    initiative_id: UUID,
    *,
    as_of: tuple[Any, int | None] = (None, None),
    status: int = 200,
    section_states: dict[str, FormState] | None = None,
    moves_state: FormState | None = None,
    as_of_state: FormState | None = None,
) -> Response:
    day, position = as_of
    with page.services.projector.engine.connect() as conn:
        row = read_model.get(conn, initiative_id, position)
        if row is None:
            if position is not None and read_model.get(conn, initiative_id) is not None:
                return page.render(
                    "initiatives/not_yet.html",
                    status=404,
                    initiative=_summaries(page, conn, [read_model.get(conn, initiative_id) or {}], None)[0],
                    as_of_date=day,
                )
            raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
        initiative = _summaries(page, conn, [row], position)[0]
        notes = initiative_views.notes(
            conn, page.services.people, initiative_id, position, erased=page.erased
        )
        entries = history_views.entries(page, conn, history.of_record(conn, initiative_id, position))
        experiments_count = experiments_read_model.count_for_initiative(conn, initiative_id, position)
        in_programmes = programme_views.of_initiative(conn, initiative_id, position)
        measures = measure_views.of_initiative(conn, initiative_id, position)
        latest_evaluation = evaluation_views.latest_of_initiative(conn, row, position)
        practices = practice_views.of_initiative(conn, initiative_id, position)
        states = section_states or {}
        team_state = states.setdefault("team", FormState())
        team_options = picker_found(
            page, conn, team_state, "person_id", "people", organisation_id=row["organisation_id"]
        )
    return page.render(
        "initiatives/show.html",
        status=status,
        initiative=initiative,
        notes=list(reversed(notes)),
        history=list(reversed(entries)),
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        goals_state=states.get("goals", FormState()),
        team_state=states.get("team", FormState()),
        notes_state=states.get("notes", FormState()),
        moves_state=moves_state or FormState(),
        team_options=team_options,
        moves_with_form=MOVES_WITH_FORM,
        experiments_count=experiments_count,
        programmes=in_programmes,
        measures=measures,
        latest_evaluation=latest_evaluation,
        good_practices=practices,
    )


def _render_form(
    page: Page, state: FormState, *, initiative: dict[str, Any] | None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        choices = _choices(page, conn, state)
    if initiative is not None:
        state.values.setdefault("version", initiative["version"])
    return page.render(
        "initiatives/form.html",
        status=status,
        state=state,
        initiative=initiative,
        limits={"title": TITLE_MAX, "summary": SUMMARY_MAX, "target_group": TARGET_GROUP_MAX},
        **choices,
    )


def _render_move(page: Page, row: dict[str, Any], verb: str, state: FormState, status: int = 200) -> Response:
    return page.render(
        "initiatives/move.html",
        status=status,
        state=state,
        initiative=row,
        verb=verb,
        allowed=verb in allowed_moves(Status(row["status"])),
        reason_max=REASON_MAX,
    )


def _render_conflict(
    page: Page, initiative_id: UUID, base_version: int, mine: FormState, changed: dict[str, Any]
) -> Response:
    """The save was refused because someone else saved first: show their changes and
    offer this person's edit again, now based on the current version."""
    with page.services.projector.engine.connect() as conn:
        current = initiative_views.require(conn, initiative_id)
        theirs = [r for r in history.of_record(conn, initiative_id) if r["version"] > base_version]
        entries = history_views.entries(page, conn, theirs)
        mine_changed = {k: mine.values[k] for k in changed}
        values = {**_form_values(current), **mine_changed, "version": current["version"]}
        choices = _choices(page, conn, FormState(values=values))
    return page.render(
        "initiatives/conflict.html",
        status=409,
        state=FormState(values=values),
        initiative=current,
        their_changes=entries,
        my_fields=[k for k in EDITABLE_FIELDS if k in changed],
        limits={"title": TITLE_MAX, "summary": SUMMARY_MAX, "target_group": TARGET_GROUP_MAX},
        **choices,
    )


def _summaries(
    page: Page, conn: Connection, rows: list[dict[str, Any]], position: int | None
) -> list[dict[str, Any]]:
    return initiative_views.summaries(conn, page.services.people, rows, position, erased=page.erased)


def _choices(page: Page, conn: Connection, state: FormState | None = None) -> dict[str, Any]:
    """Options for the organisation, unit, owner and status lists, sorted the reader's way;
    with a form's `state`, its unit and owner pickers' options too."""
    found = {}
    if state is not None:
        organisation_id = str(state.value("organisation_id") or "").strip() or None
        found = {
            "unit_id": picker_found(page, conn, state, "unit_id", "units", organisation_id=organisation_id),
            "owner_id": picker_found(page, conn, state, "owner_id", "people", own_first=True),
        }
    return {
        **organisation_views.place_options(conn, page.fmt.sort_key()),
        "people_options": people_choices(conn, page.services.people, page.lang),
        "status_options": [(s.value, page.gettext(labels.STATUS[s.value])) for s in Status],
        "pickers": found,
    }


def _typed(form: FormData) -> FormState:
    """Everything a posted form holds, as typed: a picker's search shows the form again."""
    return FormState(values={k: v for k, v in form.items() if isinstance(v, str)})


def _parse_fields(page: Page, form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The initiative fields of a posted form, as the command takes them."""
    state = FormState(values={k: text(form, k) for k in ("title", "summary", "themes", "target_group")})
    fields: dict[str, Any] = {
        "title": state.values["title"],
        "summary": state.values["summary"],
        "themes": theme_list(state.values["themes"]),
        "target_group": state.values["target_group"],
    }
    for name in ("organisation_id", "unit_id", "owner_id"):
        fields[name] = uuid_or_none(page, state, name, text(form, name))
    return state, fields


def _form_values(row: dict[str, Any]) -> dict[str, Any]:
    """An initiative row as the edit form's fields (strings, as a browser would send them)."""
    return {
        "title": row["title"],
        "summary": row["summary"],
        "organisation_id": row["organisation_id"] or "",
        "unit_id": row["unit_id"] or "",
        "owner_id": row["owner_id"] or "",
        "themes": ", ".join(row["themes"]),
        "target_group": row["target_group"],
    }
