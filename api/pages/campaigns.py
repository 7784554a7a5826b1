"""Change Day pages: the campaigns with a form to create one, a campaign's wall, the
quick pledge form, the CSV import, an action's page (complete with a story, withdraw,
link its inspiration, history, as of a date) and a person's handprints.

Each POST runs one `Kipina` command and redirects (303); a refused command shows the
same form again with the reader's input and the message next to its field (422).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.pages.forms import (
    FormState,
    as_of_or_error,
    check_each_field,
    date_or_none,
    picker_found,
    picking,
    submit,
    uuid_or_none,
)
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext, Receipt
from domain.campaign import NAME_MAX, clean_fields
from domain.change_action import REASON_MAX, STORY_MAX, TEAM_MAX, TEXT_MAX, Category, pledge_errors
from domain.errors import DomainError, RecordNotFound
from present import change_day as day_views
from present import history as history_views
from present import labels
from present import pledge_import as import_views
from projections import campaigns, change_actions, history, organisations
from services import pledge_import
from services.pledge_import import ImportReport

router = APIRouter(include_in_schema=False)
CampaignId = Annotated[UUID, Path()]
ActionId = Annotated[UUID, Path()]
RECENT_ACTIONS = 25
INSPIRATION_CHOICES = 200


# ---- campaigns ------------------------------------------------------------------------


@router.get("/campaigns")
def list_page(page: PageDep) -> Response:
    return _render_list(page, FormState())


@router.post("/campaigns")
async def create(page: PageDep) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("name", "target_count")})
    held_on = date_or_none(page, state, "held_on", text(form, "held_on"))
    fields: dict[str, Any] = {"name": state.values["name"], "held_on": held_on}
    raw_target = state.values["target_count"].strip()
    if raw_target.isascii() and raw_target.isdigit() and len(raw_target) <= 9:
        fields["target_count"] = int(raw_target)
    else:
        state.errors["target_count"] = page.gettext("Enter the target as a whole number, such as 500.")
    if held_on is None:
        state.errors.setdefault(
            "held_on", page.gettext("Enter a date such as %(example)s.", example="2026-03-12")
        )
    check_each_field(page, state, fields, clean_fields)
    if state.ok:
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.create_campaign(ctx, fields=fields),
            page.context(form),
            fields=("name", "held_on", "target_count"),
        )
        if receipt is not None:
            return page.redirect(f"/campaigns/{receipt.record_id}", flash="campaign_created")
    return _render_list(page, state, status=422)


def _render_list(page: Page, state: FormState, status: int = 200) -> Response:
    archived, archived_choices = page.archived_list()
    with page.services.projector.engine.connect() as conn:
        rows = campaigns.list_all(conn, archived=archived)
    return _render(
        page,
        "campaigns/list.html",
        status=status,
        state=state,
        campaigns=rows,
        name_max=NAME_MAX,
        archived_choices=archived_choices,
    )


@router.get("/campaigns/{campaign_id}")
def wall_page(page: PageDep, campaign_id: CampaignId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    with page.services.projector.engine.connect() as conn:
        wall = day_views.wall(conn, page.services.people, campaign_id, position, erased=page.erased)
        flt = change_actions.ActionFilter(campaign_id=campaign_id)
        recent, _ = change_actions.search(conn, flt, limit=RECENT_ACTIONS, as_of=position)
        names = page.person_names(conn, {r["person_id"] for r in recent if r["person_id"]})
    return _render(
        page,
        "campaigns/wall.html",
        status=200 if state.ok else 400,
        wall=wall,
        campaign=wall["campaign"],
        recent=[{**r, "person": names.get(r["person_id"] or "")} for r in recent],
        as_of_date=day,
        as_of_state=state,
    )


# ---- pledge -------------------------------------------------------------------------------


@router.get("/campaigns/{campaign_id}/pledge")
def pledge_form(page: PageDep, campaign_id: CampaignId) -> Response:
    return _render_pledge(
        page, campaign_id, FormState(values={"pledger": "person", "person_id": str(page.actor)})
    )


@router.post("/campaigns/{campaign_id}/pledge")
async def pledge(page: PageDep, campaign_id: CampaignId) -> Response:
    form = await page.form()
    if picking(form):  # a picker's search, without JavaScript: nothing is recorded
        typed = FormState(values={k: v for k, v in form.items() if isinstance(v, str)})
        return _render_pledge(page, campaign_id, typed)
    state = FormState(values={k: text(form, k) for k in ("text", "team", "category", "pledger")})
    person_id = uuid_or_none(page, state, "person_id", text(form, "person_id"))
    organisation_id = uuid_or_none(page, state, "organisation_id", text(form, "organisation_id"))
    unit_id = uuid_or_none(page, state, "unit_id", text(form, "unit_id"))
    by_team = state.values["pledger"] == "team"
    fields: dict[str, Any] = {
        "text": state.values["text"],
        "person_id": None if by_team else person_id,
        "team": state.values["team"] if by_team else "",
        "organisation_id": organisation_id,
        "unit_id": unit_id,
        "category": state.values["category"],
    }
    if unit_id is not None and organisation_id is None:
        # The unit list names its organisation: take it from there.
        fields["organisation_id"] = _organisation_of(page, unit_id)
    _, errors = pledge_errors(fields)
    for error in errors:
        state.refuse(page, error)
    if state.ok:
        try:
            receipt = page.run(
                lambda ctx: page.services.app.pledge_action(ctx, campaign_id, fields=fields),
                page.context(form),
            )
        except RecordNotFound:
            raise
        except DomainError as error:
            state.refuse(
                page, error, fields=("text", "person_id", "team", "organisation_id", "unit_id", "category")
            )
        else:
            return page.redirect(f"/actions/{receipt.record_id}", flash="action_pledged")
    return _render_pledge(page, campaign_id, state, status=422)


def _organisation_of(page: Page, unit_id: UUID) -> UUID | None:
    with page.services.projector.engine.connect() as conn:
        for org in organisations.list_all(conn):
            if any(u["id"] == str(unit_id) for u in org["units"]):
                return UUID(org["id"])
    return None


def _render_pledge(page: Page, campaign_id: UUID, state: FormState, status: int = 200) -> Response:
    with page.services.projector.engine.connect() as conn:
        campaign = day_views.require_campaign(conn, campaign_id)
        found = {
            "person_id": picker_found(page, conn, state, "person_id", "people", own_first=True),
            "unit_id": picker_found(page, conn, state, "unit_id", "units"),
        }
    return _render(
        page,
        "campaigns/pledge.html",
        status=status,
        state=state,
        campaign=campaign,
        pickers=found,
        category_options=_category_options(page),
        limits={"text": TEXT_MAX, "team": TEAM_MAX},
    )


def _category_options(page: Page) -> list[tuple[str, str]]:
    return [(c.value, page.gettext(labels.CATEGORY[c.value])) for c in Category]


# ---- import ---------------------------------------------------------------------------------


@router.get("/campaigns/{campaign_id}/import")
def import_form(page: PageDep, campaign_id: CampaignId) -> Response:
    return _render_import(page, campaign_id, FormState())


@router.post("/campaigns/{campaign_id}/import")
async def import_file(page: PageDep, campaign_id: CampaignId) -> Response:
    form = await page.form()
    state = FormState()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        state.errors["file"] = page.gettext("Choose the CSV file to import.")
        return _render_import(page, campaign_id, state, status=422)
    try:
        report = await run_in_threadpool(
            pledge_import.import_file, page.services, page.actor, campaign_id, upload.file
        )
    except RecordNotFound:
        raise
    except DomainError as error:
        state.refuse(page, error, fields=("file",))
        return _render_import(page, campaign_id, state, status=422)
    return _render_import(page, campaign_id, state, report=report)


def _render_import(
    page: Page, campaign_id: UUID, state: FormState, *, report: ImportReport | None = None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        campaign = day_views.require_campaign(conn, campaign_id)
    rejected = [
        {"line": r.line, "reasons": [import_views.page_reason(page, e) for e in r.errors]}
        for r in (report.rejected if report else [])
    ]
    return _render(
        page,
        "campaigns/import.html",
        status=status,
        state=state,
        campaign=campaign,
        report=report,
        rejected=rejected,
        categories=_category_options(page),
    )


# ---- one action ------------------------------------------------------------------------------


@router.get("/actions/{action_id}")
def action_page(page: PageDep, action_id: ActionId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    return _render_action(
        page, action_id, as_of=(day, position), as_of_state=state, status=200 if state.ok else 400
    )


@router.post("/actions/{action_id}/complete")
async def complete(page: PageDep, action_id: ActionId) -> Response:
    form = await page.form()
    state = FormState(values={"story": text(form, "story")})
    occurred_on = date_or_none(page, state, "occurred_on", text(form, "occurred_on"))
    if not state.ok:
        return _render_action(page, action_id, states={"complete": state}, status=422)
    return _action_command(
        page,
        action_id,
        lambda ctx: page.services.app.complete_action(
            ctx, action_id, story=state.values["story"], occurred_on=occurred_on
        ),
        page.context(form),
        state,
        section="complete",
        fields=("story", "occurred_on"),
        flash="action_completed",
    )


@router.post("/actions/{action_id}/withdraw")
async def withdraw(page: PageDep, action_id: ActionId) -> Response:
    form = await page.form()
    state = FormState(values={"reason": text(form, "reason")})
    return _action_command(
        page,
        action_id,
        lambda ctx: page.services.app.withdraw_action(ctx, action_id, reason=state.values["reason"]),
        page.context(form),
        state,
        section="withdraw",
        fields=("reason",),
        flash="action_withdrawn",
    )


@router.post("/actions/{action_id}/inspired-by")
async def link(page: PageDep, action_id: ActionId) -> Response:
    form = await page.form()
    state = FormState()
    source_id = uuid_or_none(page, state, "action_id", text(form, "action_id"))
    if source_id is None:
        state.errors.setdefault("action_id", page.gettext("Choose the action that inspired this one."))
        return _render_action(page, action_id, states={"link": state}, status=422)
    return _action_command(
        page,
        action_id,
        lambda ctx: page.services.app.link_inspiration(ctx, action_id, source_id=source_id),
        page.context(form),
        state,
        section="link",
        fields=("action_id",),
        flash="action_linked",
    )


def _action_command(
    page: Page,
    action_id: UUID,
    command: Callable[[CommandContext], Receipt],
    ctx: CommandContext,
    state: FormState,
    *,
    section: str,
    fields: tuple[str, ...],
    flash: str,
) -> Response:
    """Run a command posted from one section of the action's page, then show the action;
    a refusal shows the page again with the message in that section. A record that is
    missing is the not-found page, not a refusal."""
    try:
        page.run(command, ctx)
    except RecordNotFound:
        raise
    except DomainError as error:
        state.refuse(page, error, fields=fields)
        return _render_action(page, action_id, states={section: state}, status=422)
    return page.redirect(f"/actions/{action_id}", flash=flash)


def _render_action(
    page: Page,
    action_id: UUID,
    *,
    as_of: tuple[Any, int | None] = (None, None),
    as_of_state: FormState | None = None,
    states: dict[str, FormState] | None = None,
    status: int = 200,
) -> Response:
    day, position = as_of
    with page.services.projector.engine.connect() as conn:
        action = day_views.action(conn, page.services.people, action_id, position, erased=page.erased)
        entries = history_views.entries(page, conn, history.of_record(conn, action_id, position))
        flt = change_actions.ActionFilter(campaign_id=UUID(action["campaign"]["id"]))
        others, _ = change_actions.search(conn, flt, limit=INSPIRATION_CHOICES)
    linked = {i["id"] for i in action["inspired_by"]}
    choices = [
        (r["id"], _short(r["text"])) for r in others if r["id"] != action["id"] and r["id"] not in linked
    ]
    given = states or {}
    # A refusal that is not about a field (e.g. "it was withdrawn") shows once, at the top:
    # the section whose form was posted may no longer be shown.
    problem = FormState(problem=next((st.problem for st in given.values() if st.problem), None))
    for st in given.values():
        st.problem = None
    return _render(
        page,
        "campaigns/action.html",
        status=status,
        action=action,
        history=list(reversed(entries)),
        inspiration_options=choices,
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        complete_state=given.get("complete", FormState()),
        withdraw_state=given.get("withdraw", FormState()),
        link_state=given.get("link", FormState()),
        problem_state=problem,
        story_max=STORY_MAX,
        reason_max=REASON_MAX,
    )


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


# ---- a person's handprints ---------------------------------------------------------------------


@router.get("/people/{person_id}/handprints")
def person_handprints(page: PageDep, person_id: Annotated[UUID, Path()]) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        person = page.services.people.get(conn, person_id)
        if person is None:
            raise RecordNotFound("There is no person with id {id}.", id=person_id)
        rows, _, count = change_actions.handprints_of_person(conn, person_id, limit=500)
        items = day_views.handprints(conn, page.services.people, rows)
    return _render(page, "campaigns/handprints.html", person=person, items=items, count=count)


# ---- helpers ------------------------------------------------------------------------------------


def _render(page: Page, template: str, *, status: int = 200, **context: Any) -> Response:
    return page.render(
        template, status=status, percent=_percent, parse_time=datetime.fromisoformat, **context
    )


def _percent(rate: float) -> float:
    return round(rate * 100, 1)
