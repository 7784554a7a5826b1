"""Programme pages: the list with its filters, the create and edit forms, the programme
page (the dashboard a coordinator puts on the projector, now or as it was at any
moment), a workshop's page with the digest of what changed since the last workshop,
the check-in sheet (every enrolled initiative's form on one page, each saved on its
own, with htmx or without), the close confirmation and the programme's history.

Each POST runs one `Kipina` command, then redirects (303). A refused command shows
the same page again with the reader's input and the domain's sentence next to the
field it names (422). On the check-in sheet an htmx save answers with that one
initiative's form only: saved, or with its errors.

Reads come from the read models (`projections.programmes`,
`projections.programme_dashboard`); nothing is replayed per request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection, select
from starlette.datastructures import FormData

from api.pages import history_view
from api.pages.choices import people_choices
from api.pages.forms import FormState, as_of_or_error, check_each_field, date_or_none, uuid_or_none
from api.pages.web import Page, PageDep, text, texts
from domain.application import CommandContext, Receipt
from domain.check_in import PROGRESS_SCALE, TEXT_MAX, Rag, clean_check_in
from domain.errors import DomainError, InvalidField, RecordNotFound, StaleVersion
from domain.initiative import Status
from domain.programme import (
    AGENDA_MAX,
    DESCRIPTION_MAX,
    EDITABLE_FIELDS,
    NAME_MAX,
    REASON_MAX,
    TITLE_MAX,
    ProgrammeStatus,
    WorkshopKind,
    clean_fields,
)
from present import labels
from projections import history, organisations, programme_dashboard
from projections import initiatives as initiatives_read_model
from projections import programmes as read_model
from projections.initiatives import initiatives as initiatives_table

router = APIRouter(prefix="/programmes", include_in_schema=False)
ProgrammeId = Annotated[UUID, Path()]
WorkshopId = Annotated[UUID, Path()]
InitiativeId = Annotated[UUID, Path()]
PAGE_SIZE = 25
ENROL_CHOICES_MAX = 1000  # initiatives offered in the enrol list
CHECK_IN_FIELDS = ("status", "progress_score", "done", "next_steps", "help_needed")
# A valid check-in, to ask the domain about one field at a time.
_VALID_CHECK_IN: dict[str, Any] = {
    "status": Rag.GREEN.value,
    "progress_score": 1.0,
    "done": "",
    "next_steps": "",
    "help_needed": "",
}


# ---- the list -------------------------------------------------------------------------


@router.get("")
def list_page(
    page: PageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: str = "",
    organisation_id: str = "",
    as_of_date: str = "",
    cursor: str = "",
) -> Response:
    state = FormState(values={"q": q, "status": status, "as_of_date": as_of_date})
    org_id = uuid_or_none(page, state, "organisation_id", organisation_id)
    chosen_status = status if status in ProgrammeStatus.__members__.values() else None
    day, position = as_of_or_error(page, state, as_of_date)
    rows: list[dict[str, Any]] = []
    next_cursor = None
    with page.services.projector.engine.connect() as conn:
        if state.ok:

            def search(at: str | None) -> tuple[list[dict[str, Any]], str | None]:
                return read_model.search(
                    conn,
                    status=chosen_status,
                    organisation_id=org_id,
                    text=q.strip() or None,
                    as_of=position,
                    limit=PAGE_SIZE,
                    cursor=at,
                )

            try:
                rows, next_cursor = search(cursor or None)
            except ValueError:
                state.problem = page.gettext("That page link is out of date; showing the first page.")
                rows, next_cursor = search(None)
        items = _summaries(page, conn, rows, position)
        organisation_options = _organisation_options(page, conn)
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "programmes/list.html",
        status=200 if state.ok else 400,
        state=state,
        items=items,
        next_href=page.url("/programmes", **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url("/programmes", **query) if cursor else None,
        as_of_date=day,
        filtered=any(query.values()),
        organisation_options=organisation_options,
        status_options=[(s.value, page.gettext(labels.STATUS[s.value])) for s in ProgrammeStatus],
    )


# ---- creating and editing ------------------------------------------------------------------


@router.get("/new")
def new_form(page: PageDep) -> Response:
    return _render_form(page, FormState(values={"coordinator_id": str(page.actor)}), programme=None)


@router.post("/new")
async def create(page: PageDep) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    for required in ("name", "period_start", "period_end"):
        if required not in state.errors and fields.get(required) in (None, ""):
            message = "{field} is required and cannot be blank."
            state.errors[required] = page.error_text(message, {"field": required})
    check_each_field(page, state, {k: v for k, v in fields.items() if v is not None}, clean_fields)
    if state.ok:
        try:
            receipt = page.run(
                lambda ctx: page.services.app.create_programme(ctx, fields=fields), page.context(form)
            )
        except DomainError as error:
            state.refuse(page, error, fields=EDITABLE_FIELDS)
        else:
            return page.redirect(f"/programmes/{receipt.record_id}", flash="programme_created")
    return _render_form(page, _in_form_order(state), programme=None, status=422)


@router.get("/{programme_id}/edit")
def edit_form(page: PageDep, programme_id: ProgrammeId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = _require(conn, programme_id)
    values = {**_form_values(row), "version": str(row["version"])}
    return _render_form(page, FormState(values=values), programme=row)


@router.post("/{programme_id}/edit")
async def edit(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    with page.services.projector.engine.connect() as conn:
        current = _require(conn, programme_id)
    shown = _form_values(current)
    changed = {k: v for k, v in fields.items() if _differs(k, shown.get(k), state.values.get(k))}
    for required in ("name", "period_start", "period_end"):
        if required in changed and required not in state.errors and changed[required] in (None, ""):
            message = "{field} is required and cannot be blank."
            state.errors[required] = page.error_text(message, {"field": required})
    check_each_field(page, state, changed, clean_fields)
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.edit_programme(ctx, programme_id, fields=changed),
                page.context(form, with_version=True),
            )
        except StaleVersion:
            state.problem = page.gettext(
                "Someone else changed this programme while you were editing it. "
                "Check its details below and save again."
            )
            state.values["version"] = str(current["version"])
        except DomainError as error:
            state.refuse(page, error, fields=EDITABLE_FIELDS)
        else:
            return page.redirect(f"/programmes/{programme_id}", flash="programme_saved")
    state.values.setdefault("version", text(form, "version") or str(current["version"]))
    return _render_form(page, _in_form_order(state), programme=current, status=422)


# ---- the dashboard ---------------------------------------------------------------------------


@router.get("/{programme_id}")
def show(
    page: PageDep, programme_id: ProgrammeId, as_of: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    state = FormState(values={"as_of": as_of})
    moment, position = _as_of_moment(page, state, as_of)
    return _render_dashboard(
        page, programme_id, as_of=(moment, position), status=200 if state.ok else 400, as_of_state=state
    )


@router.post("/{programme_id}/initiatives")
async def enrol(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state = FormState()
    initiative_id = uuid_or_none(page, state, "initiative_id", text(form, "initiative_id"))
    occurred_on = date_or_none(page, state, "enrolled_on", text(form, "enrolled_on"))
    if initiative_id is None and "initiative_id" not in state.errors:
        state.errors["initiative_id"] = page.gettext("Choose the initiative to enrol.")
    return _section_command(
        page,
        programme_id,
        form,
        state,
        "enrolment",
        lambda ctx: page.services.app.enrol_initiative(
            ctx, programme_id, initiative_id=initiative_id or UUID(int=0), occurred_on=occurred_on
        ),
        "initiative_enrolled",
        fields={"occurred_on": "enrolled_on", "initiative_id": "initiative_id"},
    )


@router.post("/{programme_id}/withdrawals")
async def withdraw(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state = FormState()
    initiative_id = uuid_or_none(page, state, "withdraw_initiative_id", text(form, "withdraw_initiative_id"))
    occurred_on = date_or_none(page, state, "withdrawn_on", text(form, "withdrawn_on"))
    reason = text(form, "withdraw_reason")
    if initiative_id is None and "withdraw_initiative_id" not in state.errors:
        state.errors["withdraw_initiative_id"] = page.gettext("Choose the initiative to withdraw.")
    return _section_command(
        page,
        programme_id,
        form,
        state,
        "withdrawal",
        lambda ctx: page.services.app.withdraw_initiative(
            ctx,
            programme_id,
            initiative_id=initiative_id or UUID(int=0),
            reason=reason,
            occurred_on=occurred_on,
        ),
        "initiative_withdrawn",
        fields={
            "occurred_on": "withdrawn_on",
            "reason": "withdraw_reason",
            "initiative_id": "withdraw_initiative_id",
        },
    )


@router.post("/{programme_id}/workshops")
async def schedule(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state = FormState()
    day = date_or_none(page, state, "day", text(form, "day"))
    title, kind, agenda = text(form, "title"), text(form, "kind"), text(form, "agenda")
    if day is None and "day" not in state.errors:
        state.errors["day"] = page.error_text("{field} is required and cannot be blank.", {"field": "day"})
    if not title.strip():
        state.errors["title"] = page.error_text(
            "{field} is required and cannot be blank.", {"field": "title"}
        )
    ctx = page.context(form)
    workshop_id = page.services.app.new_id(ctx)
    return _section_command(
        page,
        programme_id,
        form,
        state,
        "workshops",
        lambda ctx: page.services.app.schedule_workshop(
            ctx,
            programme_id,
            workshop_id=workshop_id,
            day=day or date.min,
            title=title,
            kind=kind,
            agenda=agenda,
        ),
        "workshop_scheduled",
        fields={"day": "day", "title": "title", "kind": "kind", "agenda": "agenda"},
        ctx=ctx,
    )


def _section_command(
    page: Page,
    programme_id: UUID,
    form: FormData,
    state: FormState,
    section: str,
    command: Callable[[CommandContext], Receipt],
    flash: str,
    *,
    fields: dict[str, str],
    ctx: CommandContext | None = None,
) -> Response:
    """Run a command posted from one section of the programme page (enrol, withdraw,
    schedule); on refusal show the page again with the message in that section.
    `fields` maps the domain's field names to the form's."""
    state.values.update({k: v for k, v in form.items() if isinstance(v, str)})
    if state.ok:
        try:
            page.run(command, ctx or page.context(form))
        except DomainError as error:
            field = error.field if isinstance(error, InvalidField) else None
            if field in fields:
                state.errors.setdefault(fields[field], page.error_text(error.message, error.params))
            else:
                state.problem = page.error_text(error.message, error.params)
        else:
            return page.redirect(f"/programmes/{programme_id}#{section}", flash=flash)
    return _render_dashboard(page, programme_id, section_states={section: state}, status=422)


# ---- one workshop --------------------------------------------------------------------------


@router.get("/{programme_id}/workshops/{workshop_id}")
def workshop_page(
    page: PageDep,
    programme_id: ProgrammeId,
    workshop_id: WorkshopId,
    as_of: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    state = FormState(values={"as_of": as_of})
    moment, position = _as_of_moment(page, state, as_of)
    return _render_workshop(
        page,
        programme_id,
        workshop_id,
        as_of=(moment, position),
        status=200 if state.ok else 400,
        as_of_state=state,
    )


@router.post("/{programme_id}/workshops/{workshop_id}/reschedule")
async def reschedule(page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId) -> Response:
    form = await page.form()
    state = FormState(values={k: v for k, v in form.items() if isinstance(v, str)})
    day = date_or_none(page, state, "new_day", text(form, "new_day"))
    reason = text(form, "reschedule_reason")
    if day is None and "new_day" not in state.errors:
        state.errors["new_day"] = page.gettext("Choose the new day.")
    if state.ok and day is not None:
        try:
            page.run(
                lambda ctx: page.services.app.reschedule_workshop(
                    ctx, programme_id, workshop_id, day=day, reason=reason
                ),
                page.context(form),
            )
        except DomainError as error:
            _place(page, state, error, {"day": "new_day", "reason": "reschedule_reason"})
        else:
            return page.redirect(
                f"/programmes/{programme_id}/workshops/{workshop_id}", flash="workshop_rescheduled"
            )
    return _render_workshop(page, programme_id, workshop_id, section_states={"reschedule": state}, status=422)


@router.post("/{programme_id}/workshops/{workshop_id}/held")
async def hold(page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId) -> Response:
    form = await page.form()
    state = FormState(values={k: v for k, v in form.items() if isinstance(v, str)})
    occurred_on = date_or_none(page, state, "held_on", text(form, "held_on"))
    back = text(form, "back") == "dashboard"
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.hold_workshop(
                    ctx, programme_id, workshop_id, occurred_on=occurred_on
                ),
                page.context(form),
            )
        except DomainError as error:
            _place(page, state, error, {"occurred_on": "held_on"})
        else:
            target = (
                f"/programmes/{programme_id}#workshops"
                if back
                else f"/programmes/{programme_id}/workshops/{workshop_id}"
            )
            return page.redirect(target, flash="workshop_held")
    if back:
        return _render_dashboard(page, programme_id, section_states={"workshops": state}, status=422)
    return _render_workshop(page, programme_id, workshop_id, section_states={"held": state}, status=422)


def _place(page: Page, state: FormState, error: DomainError, fields: dict[str, str]) -> None:
    field = error.field if isinstance(error, InvalidField) else None
    if field in fields:
        state.errors.setdefault(fields[field], page.error_text(error.message, error.params))
    else:
        state.problem = page.error_text(error.message, error.params)


# ---- the check-in sheet -------------------------------------------------------------------


@router.get("/{programme_id}/workshops/{workshop_id}/check-ins")
def sheet(page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId) -> Response:
    return _render_sheet(page, programme_id, workshop_id, {})


@router.post("/{programme_id}/workshops/{workshop_id}/check-ins/{initiative_id}")
async def check_in(
    page: PageDep, programme_id: ProgrammeId, workshop_id: WorkshopId, initiative_id: InitiativeId
) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in (*CHECK_IN_FIELDS, "occurred_on")})
    score = _score_or_none(page, state, state.values["progress_score"])
    occurred_on = date_or_none(page, state, "occurred_on", state.values["occurred_on"])
    values = {
        "status": state.values["status"],
        "progress_score": score,
        **{name: state.values[name] for name in ("done", "next_steps", "help_needed")},
    }
    for name in CHECK_IN_FIELDS:
        if name in state.errors:
            continue
        if name == "status" and not values["status"]:
            state.errors["status"] = page.gettext("Choose green, amber or red.")
            continue
        if name == "progress_score" and score is None:
            state.errors["progress_score"] = page.gettext("Choose a step of the progress scale.")
            continue
        try:
            clean_check_in(**{**_VALID_CHECK_IN, name: values[name]})
        except InvalidField as error:
            state.refuse(page, error)
    saved = False
    if state.ok and score is not None:
        ctx = page.context(form)
        check_in_id = page.services.app.new_id(ctx)
        try:
            page.run(
                lambda ctx: page.services.app.record_check_in(
                    ctx,
                    initiative_id,
                    check_in_id=check_in_id,
                    programme_id=programme_id,
                    workshop_id=workshop_id,
                    status=values["status"],
                    progress_score=score,
                    done=values["done"],
                    next_steps=values["next_steps"],
                    help_needed=values["help_needed"],
                    occurred_on=occurred_on,
                ),
                ctx,
            )
        except DomainError as error:
            state.refuse(page, error, fields=(*CHECK_IN_FIELDS, "occurred_on"))
        else:
            saved = True
    if not page.is_htmx:
        if saved:
            with page.services.projector.engine.connect() as conn:
                order = [r["initiative_id"] for r in _sheet_rows(page, conn, programme_id, workshop_id)]
            following = _after(order, str(initiative_id))
            anchor = f"#check-in-{following}" if following else "#sheet-end"
            return page.redirect(
                f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins{anchor}",
                flash="check_in_saved",
            )
        return _render_sheet(page, programme_id, workshop_id, {str(initiative_id): state}, status=422)
    return _render_sheet_item(page, programme_id, workshop_id, initiative_id, state, saved=saved)


def _score_or_none(page: Page, state: FormState, raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        state.errors["progress_score"] = page.gettext("Choose a step of the progress scale.")
        return None


def _after(order: list[str], current: str) -> str | None:
    """The initiative after `current` on the sheet (None after the last one)."""
    if current in order:
        index = order.index(current)
        return order[index + 1] if index + 1 < len(order) else None
    return order[0] if order else None


# ---- closing and history -----------------------------------------------------------------


@router.get("/{programme_id}/close")
def close_form(page: PageDep, programme_id: ProgrammeId) -> Response:
    return _render_close(page, programme_id, FormState())


@router.post("/{programme_id}/close")
async def close(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("summary", "closed_on")})
    occurred_on = date_or_none(page, state, "closed_on", state.values["closed_on"])
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.close_programme(
                    ctx, programme_id, summary=state.values["summary"], occurred_on=occurred_on
                ),
                page.context(form),
            )
        except DomainError as error:
            _place(page, state, error, {"occurred_on": "closed_on", "summary": "summary"})
        else:
            return page.redirect(f"/programmes/{programme_id}", flash="programme_closed")
    return _render_close(page, programme_id, state, status=422)


@router.get("/{programme_id}/history")
def history_page(page: PageDep, programme_id: ProgrammeId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme = _require(conn, programme_id)
        entries = history_view.present(page, conn, history.of_record(conn, programme_id))
    return page.render("programmes/history.html", programme=programme, history=list(reversed(entries)))


# ---- the initiative page's section ------------------------------------------------------------


def of_initiative(
    page: Page, conn: Connection, initiative_id: UUID, position: int | None
) -> list[dict[str, Any]]:
    """The programmes an initiative is enrolled in, each with the initiative's check-ins
    (the latest per workshop), for the initiative page."""
    found = []
    for programme in read_model.of_initiative(conn, initiative_id, position):
        pid = UUID(str(programme["id"]))
        workshops = {str(w["id"]): w for w in read_model.workshops(conn, pid, position)}
        check_ins = read_model.check_ins(conn, pid, position, initiative_id=initiative_id)
        found.append(
            {
                **programme,
                "check_ins": [
                    {**c, "workshop": workshops.get(str(c["workshop_id"]))}
                    for c in sorted(check_ins, key=lambda c: _workshop_order(workshops, c))
                ],
            }
        )
    return found


def _workshop_order(workshops: dict[str, dict[str, Any]], check: dict[str, Any]) -> tuple[str, int]:
    workshop = workshops.get(str(check["workshop_id"]))
    return (str(workshop["day"]) if workshop else "", int(check.get("position") or 0))


# ---- rendering --------------------------------------------------------------------------------


def _render_dashboard(
    page: Page,
    programme_id: UUID,
    *,
    as_of: tuple[datetime | None, int | None] = (None, None),
    status: int = 200,
    section_states: dict[str, FormState] | None = None,
    as_of_state: FormState | None = None,
) -> Response:
    moment, position = as_of
    with page.services.projector.engine.connect() as conn:
        row = read_model.get(conn, programme_id, position)
        if row is None:
            current = read_model.get(conn, programme_id)
            if position is not None and current is not None:
                return page.render(
                    "programmes/not_yet.html", status=404, programme=current, as_of_moment=moment
                )
            raise RecordNotFound("There is no programme with id {id}.", id=programme_id)
        board = programme_dashboard.dashboard(conn, programme_id, position, page.fmt.zone)
        if board is None:
            raise RecordNotFound("There is no programme with id {id}.", id=programme_id)
        programme = _summaries(page, conn, [row], position)[0]
        rows = _dashboard_rows(page, conn, board["rows"])
        enrolled = {r["initiative_id"] for r in rows}
        live = position is None and row["status"] == ProgrammeStatus.OPEN
        candidates = _enrol_choices(page, conn, row, enrolled) if live else []
    totals = board["totals"]
    states = section_states or {}
    missing_ids = {str(i) for i in board["missing_for_next"]}
    return page.render(
        "programmes/show.html",
        status=status,
        programme=programme,
        board=board,
        rows=rows,
        next_workshop=board.get("next_workshop"),
        missing=[r for r in rows if r["initiative_id"] in missing_ids],
        workshops=board["workshops"],
        by_status=totals["by_status"],
        by_rag=totals["by_rag"],
        withdraw_options=[(r["initiative_id"], r["title"]) for r in rows],
        as_of_moment=moment,
        as_of_state=as_of_state or FormState(values={"as_of": _picker_value(page, moment)}),
        live=live,
        candidate_groups=candidates,
        enrol_state=states.get("enrolment", FormState()),
        withdraw_state=states.get("withdrawal", FormState()),
        workshop_state=states.get("workshops", FormState(values={"kind": WorkshopKind.WORKSHOP.value})),
        kind_options=[(k.value, page.gettext(labels.WORKSHOP_KIND[k.value])) for k in WorkshopKind],
        limits={"title": TITLE_MAX, "agenda": AGENDA_MAX, "reason": REASON_MAX},
        today=page.fmt.local_date(datetime.now(page.fmt.zone)).isoformat(),
    )


def _dashboard_rows(page: Page, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dashboard's rows with names for ids, sorted by organisation and title."""
    owner_ids = {str(r["owner_id"]) for r in rows if r.get("owner_id")}
    names = page.person_names(conn, owner_ids)
    key = page.fmt.sort_key()
    shown = [
        {
            **r,
            "initiative_id": str(r["initiative_id"]),
            "owner": {"id": str(r["owner_id"]), "name": names[str(r["owner_id"])]}
            if r.get("owner_id")
            else None,
            "organisation_name": (r.get("organisation") or {}).get("name") or "",
        }
        for r in rows
    ]
    return sorted(shown, key=lambda r: (key(r["organisation_name"]), key(r["title"])))


def _render_workshop(
    page: Page,
    programme_id: UUID,
    workshop_id: UUID,
    *,
    as_of: tuple[datetime | None, int | None] = (None, None),
    status: int = 200,
    section_states: dict[str, FormState] | None = None,
    as_of_state: FormState | None = None,
) -> Response:
    moment, position = as_of
    with page.services.projector.engine.connect() as conn:
        programme_row = _require(conn, programme_id)
        workshop = read_model.workshop(conn, programme_id, workshop_id, position)
        if workshop is None:
            if (
                position is not None
                and read_model.workshop(conn, programme_id, workshop_id, None) is not None
            ):
                return page.render(
                    "programmes/not_yet.html", status=404, programme=programme_row, as_of_moment=moment
                )
            raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
        digest = programme_dashboard.digest(conn, programme_id, workshop_id, position, page.fmt.zone)
        if digest is None:
            raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
        sections = _digest_sections(page, conn, digest)
    states = section_states or {}
    live = position is None and programme_row["status"] == ProgrammeStatus.OPEN
    return page.render(
        "programmes/workshop.html",
        status=status,
        programme=programme_row,
        workshop=workshop,
        digest=digest,
        digest_items=sections,
        live=live,
        as_of_moment=moment,
        as_of_state=as_of_state or FormState(values={"as_of": _picker_value(page, moment)}),
        reschedule_state=states.get("reschedule", FormState(values={"new_day": str(workshop["day"])})),
        held_state=states.get("held", FormState()),
        reason_max=REASON_MAX,
        pack_href=f"/api/programmes/{programme_id}/workshops/{workshop_id}/pack",
    )


def _digest_sections(page: Page, conn: Connection, digest: dict[str, Any]) -> list[dict[str, Any]]:
    """Per initiative: its history entries in the window, worded like every history, and
    its check-in for the workshop."""
    sections = []
    for item in digest["initiatives"]:
        rows = [{**e, "recorded_at": datetime.fromisoformat(e["recorded_at"])} for e in item["entries"]]
        entries = history_view.present(page, conn, rows)
        sections.append({**item, "entries": entries})
    return sections


def _sheet_rows(page: Page, conn: Connection, programme_id: UUID, workshop_id: UUID) -> list[dict[str, Any]]:
    board = programme_dashboard.dashboard(conn, programme_id, None, page.fmt.zone)
    rows = _dashboard_rows(page, conn, board["rows"] if board else [])
    current = {
        str(c["initiative_id"]): c
        for c in read_model.check_ins(conn, programme_id, None, workshop_id=workshop_id)
    }
    actor_names = page.person_names(conn, {str(c["actor_id"]) for c in current.values()})
    for row in rows:
        found = current.get(row["initiative_id"])
        row["current"] = {**found, "actor": actor_names[str(found["actor_id"])]} if found else None
        earlier = [s for s in row["scores"] if s["workshop_id"] != str(workshop_id)]
        row["previous"] = earlier[-1] if earlier else None
    return rows


def _render_sheet(
    page: Page,
    programme_id: UUID,
    workshop_id: UUID,
    states: dict[str, FormState],
    *,
    status: int = 200,
) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme = _require(conn, programme_id)
        workshop = read_model.workshop(conn, programme_id, workshop_id, None)
        if workshop is None:
            raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
        rows = _sheet_rows(page, conn, programme_id, workshop_id)
    items = [
        {
            **row,
            "state": states.get(row["initiative_id"]) or FormState(values=_check_in_values(row["current"])),
        }
        for row in rows
    ]
    # A refusal for an initiative no longer on the sheet (withdrawn meanwhile) shows at the top.
    shown = {row["initiative_id"] for row in rows}
    elsewhere = FormState()
    for initiative_id, state in states.items():
        if initiative_id not in shown:
            elsewhere.problem = state.problem or next(iter(state.errors.values()), None)
    return page.render(
        "programmes/check_ins.html",
        status=status,
        programme=programme,
        workshop=workshop,
        items=items,
        checked_in=sum(1 for row in rows if row["current"]),
        open=programme["status"] == ProgrammeStatus.OPEN,
        problem_state=elsewhere,
        **_scale(page),
    )


def _render_sheet_item(
    page: Page,
    programme_id: UUID,
    workshop_id: UUID,
    initiative_id: UUID,
    state: FormState,
    *,
    saved: bool,
) -> Response:
    """One initiative's form on the sheet, for htmx to swap in: saved, or with its errors."""
    with page.services.projector.engine.connect() as conn:
        programme = _require(conn, programme_id)
        workshop = read_model.workshop(conn, programme_id, workshop_id, None)
        if workshop is None:
            raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
        rows = _sheet_rows(page, conn, programme_id, workshop_id)
        row = next((r for r in rows if r["initiative_id"] == str(initiative_id)), None)
        if row is None:  # withdrawn meanwhile: its section says why, without a form
            initiative = initiatives_read_model.get(conn, initiative_id)
            if initiative is None:
                raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
            row = {"initiative_id": str(initiative_id), "title": initiative["title"], "gone": True}
            row.update(organisation=None, owner=None, previous=None, current=None)
    following = _after([r["initiative_id"] for r in rows], row["initiative_id"])
    item = {**row, "state": FormState(values=_check_in_values(row["current"])) if saved else state}
    return page.render(
        "programmes/check_in_item.html",
        status=200 if saved else 422,
        programme=programme,
        workshop=workshop,
        item=item,
        saved=saved,
        focus_next=f"check-in-{following}" if saved and following else "",
        checked_in=sum(1 for r in rows if r["current"]),
        total=len(rows),
        open=programme["status"] == ProgrammeStatus.OPEN and not row.get("gone"),
        **_scale(page),
    )


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


def _check_in_values(current: dict[str, Any] | None) -> dict[str, Any]:
    if current is None:
        return {}
    return {
        "status": current["status"],
        "progress_score": _score_value(float(current["progress_score"])),
        "done": current.get("done") or "",
        "next_steps": current.get("next_steps") or "",
        "help_needed": current.get("help_needed") or "",
        "occurred_on": current.get("occurred_on") or "",
    }


def _render_form(
    page: Page, state: FormState, *, programme: dict[str, Any] | None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        organisation_options = _organisation_options(page, conn)
        people_options = people_choices(page, conn)
    return page.render(
        "programmes/form.html",
        status=status,
        state=state,
        programme=programme,
        chosen_organisations=set(state.values.get("organisation_ids") or []),
        organisation_options=organisation_options,
        people_options=people_options,
        limits={"name": NAME_MAX, "description": DESCRIPTION_MAX},
    )


def _render_close(page: Page, programme_id: UUID, state: FormState, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        programme = _require(conn, programme_id)
        enrolled = len(read_model.enrolments(conn, programme_id, None))
        workshops = read_model.workshops(conn, programme_id, None)
    return page.render(
        "programmes/close.html",
        status=status,
        state=state,
        programme=programme,
        enrolled=enrolled,
        workshops=workshops,
        not_held=[w for w in workshops if not w["held"]],
        summary_max=DESCRIPTION_MAX,
    )


def _summaries(
    page: Page, conn: Connection, rows: list[dict[str, Any]], position: int | None
) -> list[dict[str, Any]]:
    org_ids = {str(o) for r in rows for o in (r.get("organisation_ids") or [])}
    places = organisations.names(conn, org_ids, position)
    coordinators = page.person_names(
        conn, {str(r["coordinator_id"]) for r in rows if r.get("coordinator_id")}
    )
    key = page.fmt.sort_key()
    return [
        {
            **r,
            "organisations": sorted(
                (
                    {"id": str(o), "name": places.get(str(o), page.gettext("(no longer exists)"))}
                    for o in (r.get("organisation_ids") or [])
                ),
                key=lambda o: key(o["name"]),
            ),
            "coordinator": (
                {"id": str(r["coordinator_id"]), "name": coordinators[str(r["coordinator_id"])]}
                if r.get("coordinator_id")
                else None
            ),
        }
        for r in rows
    ]


def _organisation_options(page: Page, conn: Connection) -> list[tuple[str, str]]:
    key = page.fmt.sort_key()
    return sorted(((o["id"], o["name"]) for o in organisations.list_all(conn)), key=lambda o: key(o[1]))


def _enrol_choices(
    page: Page, conn: Connection, programme: dict[str, Any], enrolled: set[str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Initiatives that can be enrolled, grouped by organisation: those of the participating
    organisations (or any, when the programme lists none) and those without an organisation;
    not those already enrolled, nor discontinued ones."""
    t = initiatives_table
    query = select(t.c.id, t.c.title, t.c.organisation_id).where(
        t.c.valid_to.is_(None), t.c.status != Status.DISCONTINUED.value
    )
    org_ids = [str(o) for o in programme.get("organisation_ids") or []]
    if org_ids:
        query = query.where(t.c.organisation_id.in_(org_ids) | t.c.organisation_id.is_(None))
    rows = [
        r
        for r in conn.execute(query.order_by(t.c.created_position).limit(ENROL_CHOICES_MAX))
        if r.id not in enrolled
    ]
    names = organisations.names(conn, {r.organisation_id for r in rows if r.organisation_id})
    key = page.fmt.sort_key()
    groups: dict[str, list[tuple[str, str]]] = {}
    no_organisation = page.gettext("No organisation")
    for r in rows:
        groups.setdefault(
            names.get(r.organisation_id, no_organisation) if r.organisation_id else no_organisation, []
        ).append((r.id, r.title))
    return [
        (name, sorted(options, key=lambda o: key(o[1])))
        for name, options in sorted(groups.items(), key=lambda g: key(g[0]))
    ]


# ---- forms and as-of ----------------------------------------------------------------------


def _parse_fields(page: Page, form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The programme fields of a posted form, as the command takes them."""
    state = FormState(values={k: text(form, k) for k in ("name", "description")})
    fields: dict[str, Any] = {"name": state.values["name"], "description": state.values["description"]}
    fields["period_start"] = date_or_none(page, state, "period_start", text(form, "period_start"))
    fields["period_end"] = date_or_none(page, state, "period_end", text(form, "period_end"))
    fields["coordinator_id"] = uuid_or_none(page, state, "coordinator_id", text(form, "coordinator_id"))
    chosen = [v.strip() for v in texts(form, "organisation_ids") if v.strip()]
    state.values["organisation_ids"] = chosen
    org_ids: list[UUID] = []
    for raw in chosen:
        try:
            org_ids.append(UUID(raw))
        except ValueError:
            state.errors["organisation_ids"] = page.gettext("Choose one of the options in the list.")
    fields["organisation_ids"] = org_ids
    return state, fields


def _differs(name: str, shown: Any, posted: Any) -> bool:
    """Whether the reader changed a field (ticked organisations in any order are the same)."""
    if name == "organisation_ids":
        return set(shown or []) != set(posted or [])
    return bool(shown != posted)


def _in_form_order(state: FormState) -> FormState:
    """The messages in the order the form shows its fields (the error summary lists them so)."""
    order = ("name", "period_start", "period_end", "organisation_ids", "coordinator_id", "description")
    state.errors = dict(
        sorted(state.errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)
    )
    return state


def _form_values(row: dict[str, Any]) -> dict[str, Any]:
    """A programme row as the form's fields (strings, as a browser sends them)."""
    return {
        "name": row["name"],
        "description": row["description"] or "",
        "period_start": str(row["period_start"] or ""),
        "period_end": str(row["period_end"] or ""),
        "coordinator_id": str(row["coordinator_id"] or ""),
        "organisation_ids": [str(o) for o in row["organisation_ids"] or []],
    }


def _as_of_moment(page: Page, state: FormState, raw: str) -> tuple[datetime | None, int | None]:
    """The as-of picker's value (a local date and time; a date alone means the end of that
    day) as (moment, log position); a malformed value is a message next to the picker."""
    page.services.projector.catch_up()
    raw = raw.strip()
    if not raw:
        return None, None
    try:
        if len(raw) == 10:
            moment = datetime.combine(date.fromisoformat(raw) + timedelta(days=1), datetime.min.time())
            moment = moment.replace(tzinfo=page.fmt.zone) - timedelta(microseconds=1)
        else:
            moment = datetime.fromisoformat(raw).replace(tzinfo=page.fmt.zone)
    except (ValueError, OverflowError):
        state.errors["as_of"] = page.gettext(
            "Enter a date and time such as %(example)s.", example="2019-02-14 09:00"
        )
        return None, None
    with page.services.projector.engine.connect() as conn:
        return moment, history.position_at(conn, moment)


def _picker_value(page: Page, moment: datetime | None) -> str:
    return moment.astimezone(page.fmt.zone).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _require(conn: Connection, programme_id: UUID) -> dict[str, Any]:
    row = read_model.get(conn, programme_id)
    if row is None:
        raise RecordNotFound("There is no programme with id {id}.", id=programme_id)
    return row
