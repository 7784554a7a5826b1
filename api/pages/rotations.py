"""Job-rotation pages: the list with its filters, the propose form, a placement's
page with the next allowed steps as forms, and the rotation calendar.

Each POST runs one `Kipina` command, then redirects (303) to the placement page.
A refused command shows the same form again with the reader's input and the
domain's message next to its field (422), or at the top of the section when it
is not about one field (409: e.g. the person already has a placement then).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import (
    FormState,
    as_of_or_error,
    date_or_none,
    page_after,
    picker_found,
    picking,
    submit,
    uuid_or_none,
)
from api.pages.web import Page, PageDep, form_version, text
from domain.application import CommandContext, Receipt
from domain.errors import InvalidField, RecordNotFound, StaleVersion
from domain.rotation import (
    GOAL_MAX,
    REASON_MAX,
    TEXT_MAX,
    Status,
    check_mentor,
    check_units,
    clean_learning_goals,
    clean_period,
)
from domain.values import required_text
from present import history as history_views
from present import labels
from present import rotations as rotation_views
from projections import history, organisations
from projections import rotations as read_model
from projections.rotations import WINDOW_MAX_DAYS

router = APIRouter(prefix="/rotations", include_in_schema=False)
RotationId = Annotated[UUID, Path()]
PAGE_SIZE = 25
CALENDAR_WEEKS = 12  # the window the calendar opens with
PROPOSE_FIELDS = (
    "person_id",
    "home_unit_id",
    "host_unit_id",
    "starts_on",
    "ends_on",
    "learning_goals",
    "mentor_id",
    "initiative_id",
    "target_id",
)
EDIT_FIELDS = ("learning_goals", "mentor_id", "initiative_id", "target_id")
# The fields the step forms of a placement's page (reschedule, reflect, complete, cancel) show.
STEP_FIELDS = (
    "starts_on",
    "ends_on",
    "reason",
    "text",
    "occurred_on",
    "learned",
    "bring_home",
    "host_feedback",
)
# The form's pickers: field name → kind of record.
EDIT_PICKERS = {"mentor_id": "people", "initiative_id": "initiatives", "target_id": "targets"}
PROPOSE_PICKERS = {
    "person_id": "people",
    "home_unit_id": "units",
    "host_unit_id": "units",
    **EDIT_PICKERS,
}
# A refusal about an organisation is shown at the unit chosen with it.
_FIELD_SHOWN_AT = {"home_organisation_id": "home_unit_id", "host_organisation_id": "host_unit_id"}


# ---- the list ----------------------------------------------------------------------


@router.get("")
def list_page(
    page: PageDep,
    person_id: str = "",
    unit_id: str = "",
    status: str = "",
    initiative_id: str = "",
    as_of_date: str = "",
    cursor: str = "",
    person_id__q: Annotated[str, Query(max_length=10_000)] = "",
    initiative_id__q: Annotated[str, Query(max_length=10_000)] = "",
) -> Response:
    state = FormState(
        values={
            "status": status,
            "as_of_date": as_of_date,
            "person_id__q": person_id__q,
            "initiative_id__q": initiative_id__q,
        }
    )
    archived, archived_choices = page.archived_list()
    flt = read_model.RotationFilter(
        archived=archived,
        person_id=uuid_or_none(page, state, "person_id", person_id),
        unit_id=uuid_or_none(page, state, "unit_id", unit_id),
        status=status if status in Status.__members__.values() else None,
        initiative_id=uuid_or_none(page, state, "initiative_id", initiative_id),
    )
    day, position = as_of_or_error(page, state, as_of_date)
    with page.services.projector.engine.connect() as conn:
        rows, next_cursor = page_after(
            page,
            state,
            lambda after: read_model.search(conn, flt, limit=PAGE_SIZE, cursor=after, as_of=position),
            cursor,
        )
        items = summaries(page, conn, rows, position)
        choices = _choices(page, conn)
        found = _pickers(page, conn, state, {"person_id": "people", "initiative_id": "initiatives"}, None)
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "rotations/list.html",
        archived_choices=archived_choices,
        status=200 if state.ok else 400,
        state=state,
        items=items,
        next_href=page.url("/rotations", **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url("/rotations", **query) if cursor else None,
        as_of_date=day,
        filtered=any(v for v in query.values()),
        pickers=found,
        **choices,
    )


# ---- the calendar ------------------------------------------------------------------


@router.get("/calendar")
def calendar_page(
    page: PageDep,
    start: Annotated[str, Query(alias="from", max_length=40)] = "",
    end: Annotated[str, Query(alias="to", max_length=40)] = "",
    unit: str = "",
) -> Response:
    state = FormState()
    today = page.fmt.local_date(_now())
    first = date_or_none(page, state, "from", start) or today - timedelta(days=today.weekday())
    last = date_or_none(page, state, "to", end) or first + timedelta(weeks=CALENDAR_WEEKS, days=-1)
    state.values.update({"from": start or first.isoformat(), "to": end or last.isoformat()})
    unit_id = uuid_or_none(page, state, "unit", unit)
    if state.ok and last < first:
        state.errors["to"] = page.gettext("The last day must be on or after the first day.")
    elif state.ok and (last - first).days + 1 > WINDOW_MAX_DAYS:
        state.errors["to"] = page.gettext(
            "Choose at most %(days)s days at a time.", days=page.fmt.number(WINDOW_MAX_DAYS)
        )
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        choices = _choices(page, conn)
        sections: list[dict[str, Any]] = []
        weeks: list[read_model.Week] = []
        if state.ok:
            found = rotation_views.calendar(
                conn, page.services.people, first, last, unit_id=unit_id, **_wording(page)
            )
            weeks = found["weeks"]
            sections = rotation_views.calendar_sections(found, page.fmt.sort_key())
    return page.render(
        "rotations/calendar.html",
        status=200 if state.ok else 400,
        state=state,
        first=first,
        last=last,
        weeks=weeks,
        unit_sections=sections,
        **choices,
    )


# ---- proposing ---------------------------------------------------------------------


@router.get("/new")
def new_form(page: PageDep, person_id: str = "", initiative_id: str = "") -> Response:
    return _render_form(page, FormState(values={"person_id": person_id, "initiative_id": initiative_id}))


@router.post("/new")
async def create(page: PageDep) -> Response:
    form = await page.form()
    if picking(form):
        return _render_form(page, _typed(form))
    state = FormState(values={k: text(form, k) for k in ("learning_goals",)})
    person_id = uuid_or_none(page, state, "person_id", text(form, "person_id"))
    home_unit_id = uuid_or_none(page, state, "home_unit_id", text(form, "home_unit_id"))
    host_unit_id = uuid_or_none(page, state, "host_unit_id", text(form, "host_unit_id"))
    mentor_id = uuid_or_none(page, state, "mentor_id", text(form, "mentor_id"))
    initiative_id = uuid_or_none(page, state, "initiative_id", text(form, "initiative_id"))
    target_id = uuid_or_none(page, state, "target_id", text(form, "target_id"))
    starts_on = date_or_none(page, state, "starts_on", text(form, "starts_on"))
    ends_on = date_or_none(page, state, "ends_on", text(form, "ends_on"))
    goals = [g for g in state.values["learning_goals"].splitlines() if g.strip()]
    for name, value, message in (
        (
            "person_id",
            person_id,
            page.gettext("Choose the person going on the placement."),
        ),
        ("home_unit_id", home_unit_id, page.gettext("Choose the unit the person works in.")),
        ("host_unit_id", host_unit_id, page.gettext("Choose the unit that hosts the person.")),
    ):
        if value is None and name not in state.errors:
            state.errors[name] = message
    _ask_the_domain(page, state, person_id, home_unit_id, host_unit_id, starts_on, ends_on, goals, mentor_id)
    with page.services.projector.engine.connect() as conn:
        unit_orgs = _unit_organisations(conn)
    if state.ok and person_id and home_unit_id and host_unit_id:
        home_org, host_org = unit_orgs.get(str(home_unit_id)), unit_orgs.get(str(host_unit_id))
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.propose_rotation(
                ctx,
                person_id=person_id,
                # A unit the read model does not know cannot be chosen; the command then
                # refuses it with the sentence for a missing organisation.
                home_organisation_id=home_org or home_unit_id,
                home_unit_id=home_unit_id,
                host_organisation_id=host_org or host_unit_id,
                host_unit_id=host_unit_id,
                starts_on=starts_on,
                ends_on=ends_on,
                learning_goals=goals,
                mentor_id=mentor_id,
                initiative_id=initiative_id,
                target_id=target_id,
                cross_organisation=_confirmed_crossing(form),
            ),
            page.context(form),
            fields=(*PROPOSE_FIELDS, *_FIELD_SHOWN_AT, "cross_organisation"),
        )
        if receipt is not None:
            return page.redirect(f"/rotations/{receipt.record_id}", flash="rotation_proposed")
        for given, shown in _FIELD_SHOWN_AT.items():
            if given in state.errors:
                state.errors.setdefault(shown, state.errors.pop(given))
    return _render_form(page, state, status=422)


def _ask_the_domain(
    page: Page,
    state: FormState,
    person_id: UUID | None,
    home_unit_id: UUID | None,
    host_unit_id: UUID | None,
    starts_on: date | None,
    ends_on: date | None,
    goals: list[str],
    mentor_id: UUID | None,
) -> None:
    """Every rule the domain can judge from the values, so all messages show at once."""
    checks: list[tuple[str, Callable[[], object]]] = [
        ("learning_goals", lambda: clean_learning_goals(goals)),
    ]
    if home_unit_id is not None and host_unit_id is not None:
        checks.append(("host_unit_id", lambda: check_units(home_unit_id, host_unit_id)))
    if "starts_on" not in state.errors and "ends_on" not in state.errors:
        checks.append(("ends_on", lambda: clean_period(starts_on, ends_on)))
    if person_id is not None:
        checks.append(("mentor_id", lambda: check_mentor(person_id, mentor_id)))
    for name, check in checks:
        if name in state.errors:
            continue
        try:
            check()
        except InvalidField as error:
            state.refuse(page, error)


# ---- one placement -----------------------------------------------------------------


@router.get("/{rotation_id}")
def show(page: PageDep, rotation_id: RotationId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    return _render_show(
        page, rotation_id, as_of=(day, position), status=200 if state.ok else 400, as_of_state=state
    )


# ---- editing ----------------------------------------------------------------------


@router.get("/{rotation_id}/edit")
def edit_form(page: PageDep, rotation_id: RotationId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = rotation_views.require(conn, rotation_id)
    return _render_edit(page, FormState(values=_edit_values(row)), row)


@router.post("/{rotation_id}/edit")
async def edit(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    if picking(form):
        with page.services.projector.engine.connect() as conn:
            row = rotation_views.require(conn, rotation_id)
        return _render_edit(page, _typed(form), row)
    state = FormState(values={"learning_goals": text(form, "learning_goals")})
    goals = [g for g in state.values["learning_goals"].splitlines() if g.strip()]
    fields: dict[str, Any] = {
        "learning_goals": goals,
        "mentor_id": uuid_or_none(page, state, "mentor_id", text(form, "mentor_id")),
        "initiative_id": uuid_or_none(page, state, "initiative_id", text(form, "initiative_id")),
        "target_id": uuid_or_none(page, state, "target_id", text(form, "target_id")),
    }
    with page.services.projector.engine.connect() as conn:
        current = rotation_views.require(conn, rotation_id)
        base_version = form_version(form) or current["version"]
        base = read_model.at_version(conn, rotation_id, base_version) or current
    # Send only what this person changed, so saving again after a conflict keeps the other's edits.
    changed = {k: v for k, v in fields.items() if k not in state.errors and v != _edit_fields(base)[k]}
    checks: list[tuple[str, Callable[[], object]]] = [
        ("learning_goals", lambda: clean_learning_goals(goals)),
        ("mentor_id", lambda: check_mentor(UUID(current["person_id"]), fields["mentor_id"])),
    ]
    for name, check in checks:
        if name not in state.errors:
            try:
                check()
            except InvalidField as error:
                state.refuse(page, error)
    if state.ok:
        try:
            receipt = submit(
                page,
                state,
                lambda ctx: page.services.app.edit_rotation(
                    ctx, rotation_id, fields=changed, cross_organisation=_confirmed_crossing(form)
                ),
                page.context(form, with_version=True),
                fields=(*EDIT_FIELDS, "cross_organisation"),
            )
        except StaleVersion:
            state.problem = page.gettext(
                "Your changes were not saved, because someone else changed this placement after "
                "you opened the form. Your input is kept below: check it, then save again."
            )
            # Their saved values, with this person's changes over them, based on the current version.
            state.values = {**_edit_values(current), **{k: state.values[k] for k in changed}}
            return _render_edit(page, state, current, status=409)
        if receipt is not None:
            return page.redirect(f"/rotations/{rotation_id}", flash="rotation_saved")
    state.values["version"] = base_version
    return _render_edit(page, state, current, status=422 if state.errors else 409)


def _edit_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The editable fields of a read-model row, as the edit form's values parse."""
    return {
        "learning_goals": list(row["learning_goals"]),
        "mentor_id": UUID(row["mentor_id"]) if row["mentor_id"] else None,
        "initiative_id": UUID(row["initiative_id"]) if row["initiative_id"] else None,
        "target_id": UUID(row["target_id"]) if row["target_id"] else None,
    }


def _edit_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "learning_goals": "\n".join(row["learning_goals"]),
        "mentor_id": row["mentor_id"] or "",
        "initiative_id": row["initiative_id"] or "",
        "target_id": row["target_id"] or "",
        "version": row["version"],
    }


@router.post("/{rotation_id}/approve")
async def approve(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    return _step(
        page,
        rotation_id,
        form,
        "steps",
        lambda ctx: page.services.app.approve_rotation(ctx, rotation_id),
        "rotation_moved",
    )


@router.post("/{rotation_id}/start")
async def start(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    return _step(
        page,
        rotation_id,
        form,
        "steps",
        lambda ctx: page.services.app.start_rotation(ctx, rotation_id, reason=text(form, "reason")),
        "rotation_moved",
    )


@router.post("/{rotation_id}/reschedule")
async def reschedule(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    state = FormState()
    starts_on = date_or_none(page, state, "starts_on", text(form, "starts_on"))
    ends_on = date_or_none(page, state, "ends_on", text(form, "ends_on"))
    if not state.ok:
        return _refused(page, rotation_id, form, "reschedule", state)
    reason = text(form, "reason")
    return _step(
        page,
        rotation_id,
        form,
        "reschedule",
        lambda ctx: page.services.app.reschedule_rotation(
            ctx, rotation_id, starts_on=starts_on, ends_on=ends_on, reason=reason
        ),
        "rotation_rescheduled",
    )


@router.post("/{rotation_id}/reflections")
async def add_reflection(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    state = FormState()
    occurred_on = date_or_none(page, state, "occurred_on", text(form, "occurred_on"))
    if not state.ok:
        return _refused(page, rotation_id, form, "reflections", state)
    reflection = text(form, "text")
    return _step(
        page,
        rotation_id,
        form,
        "reflections",
        lambda ctx: page.services.app.record_rotation_reflection(
            ctx, rotation_id, text=reflection, occurred_on=occurred_on
        ),
        "reflection_added",
    )


@router.post("/{rotation_id}/complete")
async def complete(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    values = {k: text(form, k) for k in ("learned", "bring_home", "host_feedback")}
    state = FormState()
    # The domain stops at the first blank text; ask about each, so all messages show at once.
    for name, value in values.items():
        try:
            required_text(name, value, max_length=TEXT_MAX)
        except InvalidField as error:
            state.refuse(page, error)
    if not state.ok:
        return _refused(page, rotation_id, form, "complete", state)
    return _step(
        page,
        rotation_id,
        form,
        "complete",
        lambda ctx: page.services.app.complete_rotation(
            ctx,
            rotation_id,
            learned=values["learned"],
            bring_home=values["bring_home"],
            host_feedback=values["host_feedback"],
            reason=text(form, "reason"),
        ),
        "rotation_moved",
    )


@router.post("/{rotation_id}/cancel")
async def cancel(page: PageDep, rotation_id: RotationId) -> Response:
    form = await page.form()
    reason = text(form, "reason")
    return _step(
        page,
        rotation_id,
        form,
        "cancel",
        lambda ctx: page.services.app.cancel_rotation(ctx, rotation_id, reason=reason),
        "rotation_moved",
    )


def _step(
    page: Page,
    rotation_id: UUID,
    form: FormData,
    section: str,
    command: Callable[[CommandContext], Receipt],
    flash: str,
) -> Response:
    """Run a command posted from one section of the placement page; on refusal, show the
    page again with the message in that section."""
    state = FormState()
    receipt = submit(
        page,
        state,
        command,
        page.context(form, with_version=True),
        fields=STEP_FIELDS,
        stale=page.gettext("Someone else changed this placement meanwhile. Check it and try again."),
    )
    if receipt is not None:
        return page.redirect(f"/rotations/{rotation_id}#{section}", flash=flash)
    return _refused(page, rotation_id, form, section, state)


def _refused(page: Page, rotation_id: UUID, form: FormData, section: str, state: FormState) -> Response:
    for name, value in form.items():
        if isinstance(value, str):
            state.values.setdefault(name, value)
    status = 422 if state.errors else 409
    return _render_show(page, rotation_id, section_states={section: state}, status=status)


# ---- rendering ------------------------------------------------------------------------


def _render_show(
    page: Page,
    rotation_id: UUID,
    *,
    as_of: tuple[Any, int | None] = (None, None),
    status: int = 200,
    section_states: dict[str, FormState] | None = None,
    as_of_state: FormState | None = None,
) -> Response:
    day, position = as_of
    with page.services.projector.engine.connect() as conn:
        row = read_model.get(conn, rotation_id, position)
        if row is None:
            current = read_model.get(conn, rotation_id)
            if position is not None and current is not None:
                return page.render(
                    "rotations/not_yet.html",
                    status=404,
                    rotation=summaries(page, conn, [current], None)[0],
                    as_of_date=day,
                )
            raise RecordNotFound("There is no rotation placement with id {id}.", id=rotation_id)
        rotation = summaries(page, conn, [row], position)[0]
        reflections = rotation_views.reflections(
            conn, page.services.people, rotation_id, position, erased=page.erased
        )
        entries = history_views.entries(page, conn, history.of_record(conn, rotation_id, position))
    states = section_states or {}
    today = page.fmt.local_date(_now()).isoformat()
    reschedule = states.setdefault("reschedule", FormState())
    for name in ("starts_on", "ends_on"):
        reschedule.values.setdefault(name, row[name])
    return page.render(
        "rotations/show.html",
        status=status,
        rotation=rotation,
        reflections=list(reversed(reflections)),
        history=list(reversed(entries)),
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        states={
            name: states.get(name, FormState())
            for name in ("steps", "reschedule", "reflections", "complete", "cancel")
        },
        limits={"text": TEXT_MAX, "reason": REASON_MAX},
        # Before its planned days, starting or completing asks why (the domain refuses it without).
        early={"start": today < row["starts_on"], "end": today < row["ends_on"]},
        today=today,
    )


def _render_form(page: Page, state: FormState, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        home_org = _unit_organisations(conn).get(str(state.value("home_unit_id")).strip())
        found = _pickers(page, conn, state, PROPOSE_PICKERS, str(home_org) if home_org else None)
    return page.render(
        "rotations/form.html",
        status=status,
        state=state,
        rotation=None,
        goal_max=GOAL_MAX,
        pickers=found,
        home_organisation_id=str(home_org) if home_org else None,
    )


def _render_edit(page: Page, state: FormState, row: dict[str, Any], status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        rotation = summaries(page, conn, [row], None)[0]
        found = _pickers(page, conn, state, EDIT_PICKERS, row["home_organisation_id"])
    state.values.setdefault("version", row["version"])
    return page.render(
        "rotations/form.html",
        status=status,
        state=state,
        rotation=rotation,
        goal_max=GOAL_MAX,
        pickers=found,
        home_organisation_id=row["home_organisation_id"],
    )


def _confirmed_crossing(form: FormData) -> bool:
    """Whether the form's "link anyway across organisations" box was ticked."""
    return text(form, "cross_organisation") == "yes"


def _typed(form: FormData) -> FormState:
    """Everything a posted form holds, as typed: a picker's search shows the form again."""
    return FormState(values={k: v for k, v in form.items() if isinstance(v, str)})


def _pickers(
    page: Page, conn: Connection, state: FormState, names: dict[str, str], organisation_id: str | None
) -> dict[str, list[dict[str, Any]]]:
    """The options each picker of the form opens with; initiatives and targets of the
    person's home organisation first."""
    return {
        name: picker_found(
            page,
            conn,
            state,
            name,
            kind,
            organisation_id=organisation_id if kind in ("initiatives", "targets", "units") else None,
        )
        for name, kind in names.items()
    }


def summaries(
    page: Page, conn: Connection, rows: list[dict[str, Any]], position: int | None
) -> list[dict[str, Any]]:
    """Placement rows with names for their people, units, initiative and target."""
    return rotation_views.summaries(conn, page.services.people, rows, position, **_wording(page))


def _wording(page: Page) -> dict[str, Any]:
    """How the pages word what is missing: an erased person and a record that no longer
    exists in the reader's language; the initiative by its title now."""
    return {
        "erased": page.erased,
        "gone": page.gettext("(no longer exists)"),
        "initiatives_now": True,
    }


def _unit_organisations(conn: Connection) -> dict[str, UUID]:
    """unit id → its organisation's id (the form asks for a unit; the command takes both)."""
    return {u["id"]: UUID(o["id"]) for o in organisations.list_all(conn) for u in o["units"]}


def _choices(page: Page, conn: Connection) -> dict[str, Any]:
    """Options for the unit and status lists, sorted the reader's way (people, initiatives and
    targets are pickers: they are searched, never listed whole)."""
    key = page.fmt.sort_key()
    orgs = sorted(organisations.list_all(conn), key=lambda o: key(o["name"]))
    return {
        "unit_groups": [
            (o["name"], sorted(((u["id"], u["name"]) for u in o["units"]), key=lambda u: key(u[1])))
            for o in orgs
            if o["units"]
        ],
        "status_options": [(s.value, page.gettext(labels.STATUS[s.value])) for s in Status],
    }


def _now() -> datetime:
    return datetime.now(UTC)
