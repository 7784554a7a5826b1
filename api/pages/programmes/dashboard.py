"""The programme pages' reading side: the list with its filters, the programme page (the
dashboard a coordinator puts on the projector, now or as it was at any moment) with its
sections (enrol, withdraw, schedule a workshop), a workshop's page with the digest of
what changed since the last workshop (reschedule, hold), the close confirmation and the
programme's history.

Each POST runs one `Kipina` command, then redirects (303). A refused command shows
the same page again with the reader's input and the domain's sentence next to the
field it names (422).

Reads come from the read models (`projections.programmes`,
`projections.programme_dashboard`), shown by `present.programmes`; nothing is replayed
per request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import (
    FormState,
    as_of_or_error,
    date_or_none,
    uuid_or_none,
)
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext, Receipt
from domain.errors import DomainError, InvalidField
from domain.programme import (
    AGENDA_MAX,
    DESCRIPTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    ProgrammeStatus,
    WorkshopKind,
)
from present import history as history_views
from present import labels
from present import programme_board as board_views
from present import programmes as programme_views
from present.labels.marker import N_
from projections import history, programme_dashboard
from projections import programmes as read_model

router = APIRouter(prefix="/programmes", include_in_schema=False)
ProgrammeId = Annotated[UUID, Path()]
WorkshopId = Annotated[UUID, Path()]
PAGE_SIZE = 25
ENROL_CHOICES_MAX = 1000  # initiatives offered in the enrol list


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
    archived, archived_choices = page.archived_list()
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
                    archived=archived,
                )

            try:
                rows, next_cursor = search(cursor or None)
            except ValueError:
                state.problem = page.gettext("That page link is out of date; showing the first page.")
                rows, next_cursor = search(None)
        items = _summaries(page, conn, rows, position)
        organisation_options = programme_views.organisation_options(conn, page.fmt.sort_key())
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "programmes/list.html",
        archived_choices=archived_choices,
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


# ---- the dashboard ---------------------------------------------------------------------------


@router.get("/{programme_id}")
def show(
    page: PageDep, programme_id: ProgrammeId, as_of: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    """The dashboard; the address may sort it (`sort`, `dir`) and filter it
    (`organisation_id`, `status`): see `present.programme_board`."""
    state = FormState(values={"as_of": as_of})
    moment, position = _as_of_moment(page, state, as_of)
    return _render_dashboard(
        page, programme_id, as_of=(moment, position), status=200 if state.ok else 400, as_of_state=state
    )


@router.get("/{programme_id}/present")
def presentation(
    page: PageDep, programme_id: ProgrammeId, n: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The presentation mode: one initiative of the dashboard (in its sort and filters) at a
    time, in large type; each slide is an address (`n`), the arrow keys follow its links."""
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme = programme_views.require(conn, programme_id)
        board = programme_dashboard.dashboard(conn, programme_id, None, page.fmt.zone)
        if board is None:
            raise programme_views.missing(programme_id)
        rows = programme_views.board_rows(
            conn, page.services.people, board["rows"], page.fmt.sort_key(), erased=page.erased
        )
    query, shown = _board(page, rows, board.get("next_workshop") is not None)
    number, current = board_views.slide(shown, n)
    params = query.params()
    base = f"/programmes/{programme_id}"
    return page.render(
        "programmes/present.html",
        programme=programme,
        row=current,
        number=number,
        total=len(shown),
        next_workshop=board.get("next_workshop"),
        prev_href=page.url(base + "/present", **params, n=number - 1) if number > 1 else None,
        next_href=page.url(base + "/present", **params, n=number + 1) if number < len(shown) else None,
        back_href=page.url(base, **params) + (f"#row-{current['initiative_id']}" if current else ""),
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
    if state.ok and _run(page, state, command, ctx or page.context(form), fields):
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
    if (
        state.ok
        and day is not None
        and _run(
            page,
            state,
            lambda ctx: page.services.app.reschedule_workshop(
                ctx, programme_id, workshop_id, day=day, reason=reason
            ),
            page.context(form),
            {"day": "new_day", "reason": "reschedule_reason"},
        )
    ):
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
    if state.ok and _run(
        page,
        state,
        lambda ctx: page.services.app.hold_workshop(ctx, programme_id, workshop_id, occurred_on=occurred_on),
        page.context(form),
        {"occurred_on": "held_on"},
    ):
        target = (
            f"/programmes/{programme_id}#workshops"
            if back
            else f"/programmes/{programme_id}/workshops/{workshop_id}"
        )
        return page.redirect(target, flash="workshop_held")
    if back:
        return _render_dashboard(page, programme_id, section_states={"workshops": state}, status=422)
    return _render_workshop(page, programme_id, workshop_id, section_states={"held": state}, status=422)


def _run(
    page: Page,
    state: FormState,
    command: Callable[[CommandContext], Receipt],
    ctx: CommandContext,
    fields: dict[str, str],
) -> bool:
    """Run a posted command; a refusal goes next to the form's field for the domain's
    (`fields` maps the domain's names to the form's), or above the form, and is False."""
    try:
        page.run(command, ctx)
    except DomainError as error:
        field = error.field if isinstance(error, InvalidField) else None
        if field in fields:
            state.errors.setdefault(fields[field], page.error_text(error.message, error.params))
        else:
            state.problem = page.error_text(error.message, error.params)
        return False
    return True


# ---- closing and history -----------------------------------------------------------------


@router.get("/{programme_id}/close")
def close_form(page: PageDep, programme_id: ProgrammeId) -> Response:
    return _render_close(page, programme_id, FormState())


@router.post("/{programme_id}/close")
async def close(page: PageDep, programme_id: ProgrammeId) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("summary", "closed_on")})
    occurred_on = date_or_none(page, state, "closed_on", state.values["closed_on"])
    if state.ok and _run(
        page,
        state,
        lambda ctx: page.services.app.close_programme(
            ctx, programme_id, summary=state.values["summary"], occurred_on=occurred_on
        ),
        page.context(form),
        {"occurred_on": "closed_on", "summary": "summary"},
    ):
        return page.redirect(f"/programmes/{programme_id}", flash="programme_closed")
    return _render_close(page, programme_id, state, status=422)


@router.get("/{programme_id}/history")
def history_page(page: PageDep, programme_id: ProgrammeId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        programme = programme_views.require(conn, programme_id)
        entries = history_views.entries(page, conn, history.of_record(conn, programme_id))
    return page.render("programmes/history.html", programme=programme, history=list(reversed(entries)))


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
            raise programme_views.missing(programme_id)
        board = programme_dashboard.dashboard(conn, programme_id, position, page.fmt.zone)
        if board is None:
            raise programme_views.missing(programme_id)
        programme = _summaries(page, conn, [row], position)[0]
        rows = programme_views.board_rows(
            conn, page.services.people, board["rows"], page.fmt.sort_key(), erased=page.erased
        )
        enrolled = {r["initiative_id"] for r in rows}
        live = position is None and row["status"] == ProgrammeStatus.OPEN
        candidates = (
            programme_views.enrol_choices(
                conn,
                row,
                enrolled,
                ENROL_CHOICES_MAX,
                no_organisation=page.gettext("No organisation"),
                sort_key=page.fmt.sort_key(),
            )
            if live
            else []
        )
    totals = board["totals"]
    states = section_states or {}
    missing_ids = {str(i) for i in board["missing_for_next"]}
    query, shown = _board(page, rows, board.get("next_workshop") is not None)
    board_state = FormState(
        values={
            "organisation_id": query.organisation_id,
            "status": query.status,
            "sort": query.sort,
            "dir": "desc" if query.descending else "asc",
        }
    )
    if "organisation_id" in query.problems:
        board_state.errors["organisation_id"] = page.gettext(
            "That organisation has no initiative in this programme: showing every organisation."
        )
    if "status" in query.problems:
        board_state.errors["status"] = page.gettext("Choose a status from the list: showing every status.")
    return page.render(
        "programmes/show.html",
        status=400 if query.problems else status,
        programme=programme,
        board=board,
        rows=rows,
        shown_rows=shown,
        board_query=query,
        board_state=board_state,
        sort_links=board_views.sort_links(query),
        organisation_filter=board_views.organisation_choices(rows, page.fmt.sort_key()),
        status_filter=[
            (value, page.gettext(_STATUS_FILTER_LABELS[value])) for value in board_views.STATUS_FILTERS
        ],
        present_href=page.url(f"/programmes/{programme_id}/present", **query.params()) if shown else None,
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


_STATUS_FILTER_LABELS = {
    "green": labels.RAG["green"],
    "amber": labels.RAG["amber"],
    "red": labels.RAG["red"],
    "none": N_("No check-in"),
    "not_checked_in": N_("Not yet checked in for the next workshop"),
}


def _board(
    page: Page, rows: list[dict[str, Any]], has_next: bool
) -> tuple[board_views.BoardQuery, list[dict[str, Any]]]:
    """The address's sort and filters, and the rows they show, each with its sparkline."""
    params = {k: page.request.query_params.get(k, "") for k in board_views.QUERY_KEYS}
    organisations = [o for o, _ in board_views.organisation_choices(rows, page.fmt.sort_key())]
    query = board_views.read_query(params, organisations)
    kept = [r for r in rows if board_views.keep(r, query, has_next)]
    ordered = board_views.sort_rows(kept, query, page.fmt.sort_key())
    shown = board_views.with_trends(ordered, page.fmt.number, page.gettext("Progress scores by workshop"))
    return query, [
        {**r, "trend_svg": Markup(r["trend_svg"]), "trend_svg_large": Markup(r["trend_svg_large"])}
        for r in shown
    ]


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
        programme_row = programme_views.require(conn, programme_id)
        workshop = read_model.workshop(conn, programme_id, workshop_id, position)
        if workshop is None:
            if (
                position is not None
                and read_model.workshop(conn, programme_id, workshop_id, None) is not None
            ):
                return page.render(
                    "programmes/not_yet.html", status=404, programme=programme_row, as_of_moment=moment
                )
            raise programme_views.missing_workshop(workshop_id)
        digest = programme_dashboard.digest(conn, programme_id, workshop_id, position, page.fmt.zone)
        if digest is None:
            raise programme_views.missing_workshop(workshop_id)
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
    its check-in for the workshop (shown in its own box, so not again among the entries)."""
    sections = []
    for item in digest["initiatives"]:
        rows = [{**e, "recorded_at": datetime.fromisoformat(e["recorded_at"])} for e in item["entries"]]
        rows = board_views.besides_check_in(rows, item["check_in"])
        entries = history_views.entries(page, conn, rows)
        sections.append({**item, "entries": entries})
    return sections


def _render_close(page: Page, programme_id: UUID, state: FormState, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        programme = programme_views.require(conn, programme_id)
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
    return programme_views.summaries(
        conn,
        page.services.people,
        rows,
        position,
        erased=page.erased,
        gone_organisation=page.gettext("(no longer exists)"),
        sort_key=page.fmt.sort_key(),
    )


# ---- as of ----------------------------------------------------------------------------------


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
