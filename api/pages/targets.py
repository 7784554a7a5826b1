"""Development target pages (KS steps 5–6; Heinävesi's common targets for 2012): the list
with its filters and flags, the define and edit forms, the target's page with its coverage
(linked initiatives with their status, latest evaluation and measures; placements; Change
Day actions; the "no measure" and "no activity" flags), the forms that link and unlink
records and record the yearly review, the retire confirmation and the history.

Each POST runs one `Kipina` command, then redirects (303). A refused command shows the
same page again with the reader's input and the domain's sentence next to the field it
names (422). The edit form carries the version it was based on: when someone else saved
first, the form comes back with their values and a sentence saying so.

Reads come from the read models through the views of present/targets.py, the same as the
JSON API's; nothing is replayed per request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
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
    uuid_or_none,
)
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext, Receipt
from domain.development_target import (
    EDITABLE_FIELDS,
    GOAL_MAX,
    TEXT_MAX,
    TITLE_MAX,
    RecordType,
    ResponsibleRole,
    ReviewDecision,
    ReviewStatus,
    Status,
    Strategy,
    clean_fields,
)
from domain.errors import DomainError, RecordNotFound, StaleVersion
from domain.initiative import Status as InitiativeStatus
from present import history as history_views
from present import labels
from present import targets as target_views
from projections import development_targets as read_model
from projections import history, organisations

router = APIRouter(prefix="/targets", include_in_schema=False)
TargetId = Annotated[UUID, Path()]
PAGE_SIZE = 25
CHOICES_MAX = 1000  # records offered in each link list
FORM_ORDER = (
    "title",
    "strategy_goal",
    "strategy",
    "responsible_role",
    "period_start",
    "period_end",
    "organisation_id",
    "description",
)
# The select of each link form, by record type (three forms share the page: distinct names).
LINK_FIELD = {
    RecordType.INITIATIVE.value: "link_initiative_id",
    RecordType.ROTATION.value: "link_rotation_id",
    RecordType.CHANGE_ACTION.value: "link_action_id",
}
LINK_SECTION = {
    RecordType.INITIATIVE.value: "link-initiative",
    RecordType.ROTATION.value: "link-rotation",
    RecordType.CHANGE_ACTION.value: "link-action",
}
REVIEW_FIELDS = {
    "year": "year",
    "status": "review_status",
    "decision": "decision",
    "what_changed": "what_changed",
    "occurred_on": "reviewed_on",
}


# ---- the list -------------------------------------------------------------------------


@router.get("")
def list_page(
    page: PageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    strategy: str = "",
    responsible_role: str = "",
    status: str = "",
    organisation_id: str = "",
    as_of_date: str = "",
    cursor: str = "",
) -> Response:
    state = FormState(
        values={
            "q": q,
            "strategy": strategy,
            "responsible_role": responsible_role,
            "status": status,
            "as_of_date": as_of_date,
        }
    )
    org_id = uuid_or_none(page, state, "organisation_id", organisation_id)
    for name, raw, allowed in (
        ("strategy", strategy, Strategy),
        ("responsible_role", responsible_role, ResponsibleRole),
        ("status", status, Status),
    ):
        if raw and raw not in {m.value for m in allowed}:
            state.errors[name] = page.gettext("Choose one of the options in the list.")
    day, position = as_of_or_error(page, state, as_of_date)
    archived, archived_choices = page.archived_list()
    flt = read_model.TargetFilter(
        archived=archived,
        strategy=strategy or None,
        responsible_role=responsible_role or None,
        status=status or None,
        organisation_id=org_id,
        q=q.strip() or None,
    )
    moment = _moment(page, day)
    with page.services.projector.engine.connect() as conn:
        rows, next_cursor = page_after(
            page,
            state,
            lambda after: read_model.search(conn, flt, limit=PAGE_SIZE, cursor=after, as_of=position),
            cursor,
        )
        items = target_views.summaries(conn, rows, position)
        organisation_options = _organisation_options(page, conn)
        for item in items:
            cover = target_views.coverage(conn, page.services.people, UUID(item["id"]), position, moment)
            item["flags"] = cover["flags"]
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "targets/list.html",
        archived_choices=archived_choices,
        status=200 if state.ok else 400,
        state=state,
        items=items,
        next_href=page.url("/targets", **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url("/targets", **query) if cursor else None,
        as_of_date=day,
        filtered=any(query.values()),
        organisation_options=organisation_options,
        **_code_options(page),
        status_options=[(s.value, page.gettext(labels.STATUS[s.value])) for s in Status],
    )


# ---- defining and editing ----------------------------------------------------------------


@router.get("/new")
def new_form(page: PageDep) -> Response:
    return _render_form(page, FormState(), target=None)


@router.post("/new")
async def define(page: PageDep) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    occurred_on = date_or_none(page, state, "decided_on", text(form, "decided_on"))
    _require_fields(page, state, fields, fields)
    check_each_field(page, state, {k: v for k, v in fields.items() if v is not None}, clean_fields)
    if state.ok:
        try:
            receipt = page.run(
                lambda ctx: page.services.app.define_target(ctx, fields=fields, occurred_on=occurred_on),
                page.context(form),
            )
        except DomainError as error:
            state.refuse_as(page, error, {**{f: f for f in EDITABLE_FIELDS}, "occurred_on": "decided_on"})
        else:
            return page.redirect(f"/targets/{receipt.record_id}", flash="target_defined")
    return _render_form(page, state, target=None, status=422)


@router.get("/{target_id}/edit")
def edit_form(page: PageDep, target_id: TargetId) -> Response:
    with page.services.projector.engine.connect() as conn:
        row = target_views.require(conn, target_id)
    return _render_form(
        page, FormState(values={**_form_values(row), "version": str(row["version"])}), target=row
    )


@router.post("/{target_id}/edit")
async def edit(page: PageDep, target_id: TargetId) -> Response:
    form = await page.form()
    state, fields = _parse_fields(page, form)
    with page.services.projector.engine.connect() as conn:
        current = target_views.require(conn, target_id)
    shown = _form_values(current)
    changed = {k: v for k, v in fields.items() if shown.get(k) != state.values.get(k)}
    _require_fields(page, state, changed, fields)
    check_each_field(page, state, {k: v for k, v in changed.items() if v is not None}, clean_fields)
    if state.ok:
        try:
            receipt = submit(
                page,
                state,
                lambda ctx: page.services.app.edit_target(ctx, target_id, fields=changed),
                page.context(form, with_version=True),
                fields=EDITABLE_FIELDS,
            )
        except StaleVersion:
            state.problem = page.gettext(
                "Someone else changed this development target while you were editing it. "
                "Check its details below and save again."
            )
            state.values["version"] = str(current["version"])
        else:
            if receipt is not None:
                return page.redirect(f"/targets/{target_id}", flash="target_saved")
    state.values.setdefault("version", text(form, "version") or str(current["version"]))
    return _render_form(page, state, target=current, status=422)


# ---- the target's page ----------------------------------------------------------------------


@router.get("/{target_id}")
def show(
    page: PageDep, target_id: TargetId, as_of_date: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    return _render_show(
        page, target_id, as_of=(day, position), status=200 if state.ok else 400, as_of_state=state
    )


@router.post("/{target_id}/links")
async def link(page: PageDep, target_id: TargetId) -> Response:
    form = await page.form()
    record_type = text(form, "record_type")
    if record_type not in LINK_FIELD:
        record_type = RecordType.INITIATIVE.value
    name = LINK_FIELD[record_type]
    if picking(form):  # the initiative picker's search, without JavaScript: nothing recorded
        typed = FormState(values={k: v for k, v in form.items() if isinstance(v, str)})
        return _render_show(page, target_id, section_states={LINK_SECTION[record_type]: typed})
    state = FormState()
    record_id = uuid_or_none(page, state, name, text(form, name))
    if record_id is None and name not in state.errors:
        state.errors[name] = page.gettext("Choose the record to link.")
    return _section_command(
        page,
        target_id,
        form,
        state,
        LINK_SECTION[record_type],
        lambda ctx: page.services.app.link_to_target(
            ctx,
            target_id,
            record_type=record_type,
            record_id=record_id or UUID(int=0),
            cross_organisation=text(form, "cross_organisation") == "yes",
        ),
        "target_linked",
        fields={"record_id": name, "record_type": name, "cross_organisation": "cross_organisation"},
    )


@router.post("/{target_id}/unlink")
async def unlink(page: PageDep, target_id: TargetId) -> Response:
    form = await page.form()
    state = FormState()
    record_id = uuid_or_none(page, state, "unlink_record_id", text(form, "unlink_record_id"))
    if record_id is None and "unlink_record_id" not in state.errors:
        state.errors["unlink_record_id"] = page.gettext("Choose the record to unlink.")
    reason = text(form, "unlink_reason")
    return _section_command(
        page,
        target_id,
        form,
        state,
        "unlink",
        lambda ctx: page.services.app.unlink_from_target(
            ctx, target_id, record_id=record_id or UUID(int=0), reason=reason
        ),
        "target_unlinked",
        fields={"record_id": "unlink_record_id", "reason": "unlink_reason"},
    )


@router.post("/{target_id}/reviews")
async def review(page: PageDep, target_id: TargetId) -> Response:
    form = await page.form()
    state = FormState()
    year = _year_or_none(page, state, text(form, "year"))
    review_status, decision = text(form, "review_status"), text(form, "decision")
    if not review_status:
        state.errors["review_status"] = page.gettext("Choose how the target is doing.")
    if not decision:
        state.errors["decision"] = page.gettext("Choose a decision.")
    occurred_on = date_or_none(page, state, "reviewed_on", text(form, "reviewed_on"))
    what_changed = text(form, "what_changed")
    ctx = page.context(form)
    review_id = page.services.app.new_id(ctx)
    return _section_command(
        page,
        target_id,
        form,
        state,
        "review",
        lambda ctx: page.services.app.review_target(
            ctx,
            target_id,
            review_id=review_id,
            year=year,
            status=review_status,
            decision=decision,
            what_changed=what_changed,
            occurred_on=occurred_on,
        ),
        "target_reviewed",
        fields=REVIEW_FIELDS,
        ctx=ctx,
        anchor="reviews",
    )


def _section_command(
    page: Page,
    target_id: UUID,
    form: FormData,
    state: FormState,
    section: str,
    command: Callable[[CommandContext], Receipt],
    flash: str,
    *,
    fields: dict[str, str],
    ctx: CommandContext | None = None,
    anchor: str | None = None,
) -> Response:
    """Run a command posted from one section of the target's page; on refusal show the page
    again with the message in that section. `fields` maps the domain's field names to the form's."""
    state.values.update({k: v for k, v in form.items() if isinstance(v, str)})
    if state.ok:
        try:
            page.run(command, ctx or page.context(form))
        except DomainError as error:
            state.refuse_as(page, error, fields)
        else:
            return page.redirect(f"/targets/{target_id}#{anchor or section}", flash=flash)
    return _render_show(page, target_id, section_states={section: state}, status=422)


# ---- retiring and history ------------------------------------------------------------------------


@router.get("/{target_id}/retire")
def retire_form(page: PageDep, target_id: TargetId) -> Response:
    return _render_retire(page, target_id, FormState())


@router.post("/{target_id}/retire")
async def retire(page: PageDep, target_id: TargetId) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("reason", "retired_on")})
    occurred_on = date_or_none(page, state, "retired_on", state.values["retired_on"])
    if not state.values["reason"].strip():
        state.errors["reason"] = page.gettext("Say why the target is retired.")
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.retire_target(
                    ctx, target_id, reason=state.values["reason"], occurred_on=occurred_on
                ),
                page.context(form),
            )
        except DomainError as error:
            state.refuse_as(page, error, {"reason": "reason", "occurred_on": "retired_on"})
        else:
            return page.redirect(f"/targets/{target_id}", flash="target_retired")
    return _render_retire(page, target_id, state, status=422)


@router.get("/{target_id}/history")
def history_page(page: PageDep, target_id: TargetId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        target = target_views.require(conn, target_id)
        entries = history_views.entries(page, conn, history.of_record(conn, target_id))
    return page.render("targets/history.html", target=target, history=list(reversed(entries)))


# ---- rendering --------------------------------------------------------------------------------


def _render_show(
    page: Page,
    target_id: UUID,
    *,
    as_of: tuple[date | None, int | None] = (None, None),
    status: int = 200,
    section_states: dict[str, FormState] | None = None,
    as_of_state: FormState | None = None,
) -> Response:
    day, position = as_of
    moment = _moment(page, day)
    with page.services.projector.engine.connect() as conn:
        if read_model.get(conn, target_id, position) is None:
            current = read_model.get(conn, target_id)
            if position is not None and current is not None:
                return page.render("targets/not_yet.html", status=404, target=current, as_of_date=day)
            raise RecordNotFound("There is no development target with id {id}.", id=target_id)
        body = target_views.detail(
            conn, page.services.people, target_id, position, moment, erased=page.erased
        )
        live = position is None and body["status"] == Status.ACTIVE
        linked = {link["record_id"] for link in body["links"]}
        choices = target_views.link_choices(conn, page, linked, limit=CHOICES_MAX) if live else {}
        states = section_states or {}
        initiative_state = states.setdefault(LINK_SECTION[RecordType.INITIATIVE.value], FormState())
        initiative_options = (
            picker_found(
                page,
                conn,
                initiative_state,
                LINK_FIELD[RecordType.INITIATIVE.value],
                "initiatives",
                organisation_id=(body["organisation"] or {}).get("id"),
                exclude_ids=linked,
                exclude_status=InitiativeStatus.DISCONTINUED.value,
            )
            if live
            else []
        )
        cover = target_views.coverage(conn, page.services.people, target_id, position, moment)
    this_year = page.fmt.local_date(datetime.now(page.fmt.zone)).year
    return page.render(
        "targets/show.html",
        status=status,
        target=body,
        cover=cover,
        links=body["links"],
        reviews=list(reversed(body["reviews"])),
        review_years={r["year"] for r in body["reviews"]},
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        live=live,
        choices=choices,
        initiative_options=initiative_options,
        link_states={kind: states.get(section, FormState()) for kind, section in LINK_SECTION.items()},
        link_fields=LINK_FIELD,
        unlink_state=states.get("unlink", FormState()),
        review_state=states.get("review", FormState(values={"year": str(this_year)})),
        review_status_options=[(s.value, page.gettext(labels.REVIEW_STATUS[s.value])) for s in ReviewStatus],
        decision_options=[(d.value, page.gettext(labels.REVIEW_DECISION[d.value])) for d in ReviewDecision],
        text_max=TEXT_MAX,
    )


def _render_form(
    page: Page, state: FormState, *, target: dict[str, Any] | None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        organisation_options = _organisation_options(page, conn)
    state.errors = dict(
        sorted(state.errors.items(), key=lambda e: FORM_ORDER.index(e[0]) if e[0] in FORM_ORDER else 99)
    )
    return page.render(
        "targets/form.html",
        status=status,
        state=state,
        target=target,
        organisation_options=organisation_options,
        **_code_options(page),
        limits={"title": TITLE_MAX, "goal": GOAL_MAX, "text": TEXT_MAX},
    )


def _render_retire(page: Page, target_id: UUID, state: FormState, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        target = target_views.require(conn, target_id)
        links = read_model.links_of(conn, target_id)
    return page.render(
        "targets/retire.html",
        status=status,
        state=state,
        target=target,
        links_count=len(links),
        text_max=TEXT_MAX,
    )


def _code_options(page: Page) -> dict[str, Any]:
    """The strategy (with the KS model's meaning of each) and responsible-role choices."""
    return {
        "strategy_options": [
            (s.value, page.gettext(labels.STRATEGY[s.value]), page.gettext(labels.STRATEGY_MEANING[s.value]))
            for s in Strategy
        ],
        "role_options": [(r.value, page.gettext(labels.RESPONSIBLE_ROLE[r.value])) for r in ResponsibleRole],
        "strategy_names": [(s.value, page.gettext(labels.STRATEGY[s.value])) for s in Strategy],
    }


def _organisation_options(page: Page, conn: Connection) -> list[tuple[str, str]]:
    key = page.fmt.sort_key()
    return sorted(((o["id"], o["name"]) for o in organisations.list_all(conn)), key=lambda o: key(o[1]))


# ---- forms and as-of ----------------------------------------------------------------------


def _parse_fields(page: Page, form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The target fields of a posted form, as the command takes them."""
    names = ("title", "strategy_goal", "strategy", "responsible_role", "description", "decided_on", "version")
    state = FormState(values={k: text(form, k) for k in names})
    fields: dict[str, Any] = {k: state.values[k] for k in ("title", "strategy_goal", "description")}
    fields["strategy"] = state.values["strategy"] or None
    fields["responsible_role"] = state.values["responsible_role"] or None
    fields["period_start"] = date_or_none(page, state, "period_start", text(form, "period_start"))
    fields["period_end"] = date_or_none(page, state, "period_end", text(form, "period_end"))
    fields["organisation_id"] = uuid_or_none(page, state, "organisation_id", text(form, "organisation_id"))
    return state, fields


def _require_fields(page: Page, state: FormState, asked: dict[str, Any], fields: dict[str, Any]) -> None:
    """The required fields among `asked` that are blank, each with its own sentence."""
    messages = {
        "strategy": page.gettext("Choose the strategy."),
        "responsible_role": page.gettext("Choose the responsible role."),
    }
    for name in ("title", "strategy", "responsible_role", "period_start", "period_end"):
        if name in asked and name not in state.errors and fields.get(name) in (None, ""):
            state.errors[name] = messages.get(name) or page.error_text(
                "{field} is required and cannot be blank.", {"field": name}
            )


def _form_values(row: dict[str, Any]) -> dict[str, Any]:
    """A target row as the form's fields (strings, as a browser sends them)."""
    return {
        "title": row["title"],
        "strategy_goal": row["strategy_goal"] or "",
        "strategy": row["strategy"],
        "responsible_role": row["responsible_role"],
        "period_start": str(row["period_start"] or ""),
        "period_end": str(row["period_end"] or ""),
        "organisation_id": row["organisation_id"] or "",
        "description": row["description"] or "",
    }


def _year_or_none(page: Page, state: FormState, raw: str) -> int | None:
    state.values["year"] = raw
    cleaned = raw.strip()
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) == 4:
        return int(cleaned)
    state.errors["year"] = page.gettext("Enter a year such as %(example)s.", example="2012")
    return None


def _moment(page: Page, day: date | None) -> datetime | None:
    """The moment of an as-of day: the end of that day, local time."""
    return datetime.combine(day, time.max, tzinfo=page.fmt.zone) if day else None
