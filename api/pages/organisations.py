"""Organisation pages: the list, registering an organisation, correcting its name and
kind, and the organisation page with its units, initiatives, people and history (now or
as of a day).

Each POST runs one `Kipina` command (the same as `/api/organisations`), then
redirects (303). A refused command shows the same form again with the reader's
input and the domain's message next to the field (422); an edit that crossed
someone else's says so.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import Response
from sqlalchemy import Connection

from api.pages.forms import FormState, submit
from api.pages.web import Page, PageDep, form_version, text
from domain.errors import DomainError, RecordNotFound, RuleViolation
from domain.organisation import NAME_MAX, OrganisationKind
from domain.values import required_text
from present import history as history_views
from present import initiatives as initiative_views
from present import labels
from present import people as people_views
from projections import history
from projections import initiatives as initiatives_model
from projections import organisations as read_model

router = APIRouter(prefix="/organisations", include_in_schema=False)
OrganisationId = Annotated[UUID, Path()]
# The organisation page shows this many of its newest initiatives and links to the rest.
INITIATIVES_SHOWN = 10


# ---- the list ----------------------------------------------------------------------


@router.get("")
def list_page(page: PageDep) -> Response:
    page.services.projector.catch_up()
    key = page.fmt.sort_key()
    archived, archived_choices = page.archived_list()
    with page.services.projector.engine.connect() as conn:
        rows = sorted(read_model.list_all(conn, archived=archived), key=lambda o: key(o["name"]))
    return page.render("organisations/list.html", organisations=rows, archived_choices=archived_choices)


# ---- registering --------------------------------------------------------------------


@router.get("/new")
def new_form(page: PageDep) -> Response:
    return _render_form(page, FormState(values={"kind": OrganisationKind.MUNICIPALITY.value}))


@router.post("/new")
async def register(page: PageDep) -> Response:
    form = await page.form()
    state = FormState(values={"name": text(form, "name"), "kind": text(form, "kind")})
    kind = _kind(page, state)
    _check_name(page, state)
    if state.ok and kind is not None:
        name = state.values["name"]
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.register_organisation(ctx, name=name, kind=kind),
            page.context(form),
            fields=("name", "kind"),
        )
        if receipt is not None:
            return page.redirect(f"/organisations/{receipt.record_id}", flash="organisation_registered")
    return _render_form(page, state, status=422)


def _kind(page: Page, state: FormState) -> OrganisationKind | None:
    raw = state.values["kind"].strip()
    if not raw:
        state.errors["kind"] = page.gettext("Choose the kind of organisation.")
        return None
    try:
        return OrganisationKind(raw)
    except ValueError:
        state.errors["kind"] = page.gettext("Choose one of the options in the list.")
        return None


def _render_form(page: Page, state: FormState, status: int = 200) -> Response:
    return page.render(
        "organisations/form.html",
        status=status,
        state=state,
        kind_options=_kind_options(page),
        name_max=NAME_MAX,
    )


def _kind_options(page: Page) -> list[tuple[str, str]]:
    return [(k.value, page.gettext(labels.KIND[k.value])) for k in OrganisationKind]


def _check_name(page: Page, state: FormState) -> None:
    """Checked here too, so a missing kind and a blank name show at once."""
    try:
        required_text("name", state.values["name"], max_length=NAME_MAX)
    except DomainError as error:
        state.refuse(page, error, fields=("name",))


# ---- correcting the name and kind ------------------------------------------------------


@router.get("/{organisation_id}/edit")
def edit_form(page: PageDep, organisation_id: OrganisationId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        current = _require(conn, organisation_id)
    values = {"name": current["name"], "kind": current["kind"], "version": str(current["version"])}
    return _render_edit(page, current, FormState(values=values))


@router.post("/{organisation_id}/edit")
async def edit(page: PageDep, organisation_id: OrganisationId) -> Response:
    form = await page.form()
    state = FormState(values={k: text(form, k) for k in ("name", "kind", "version")})
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        current = _require(conn, organisation_id)
    kind = _kind(page, state)
    _check_name(page, state)
    if state.ok and kind is not None:
        # Only what this person changed, so saving does not undo a change they have not seen.
        changed: dict[str, Any] = {}
        if state.values["name"].strip() != current["name"]:
            changed["name"] = state.values["name"]
        if kind.value != current["kind"]:
            changed["kind"] = kind
        stale = page.gettext(
            "Someone else changed this organisation while you were editing it. "
            "Check its name and kind below and save again."
        )
        receipt = submit(
            page,
            state,
            lambda ctx: page.services.app.edit_organisation(ctx, organisation_id, fields=changed),
            page.context(form, with_version=True),
            fields=("name", "kind"),
            stale=stale,
        )
        if receipt is not None:
            return page.redirect(f"/organisations/{organisation_id}", flash="organisation_saved")
        if state.problem == stale:
            # Saving again now applies this edit to what the page shows as saved.
            state.values["version"] = str(current["version"])
            return _render_edit(page, current, state, status=409, conflict=True)
    if form_version(form) is None:
        state.values["version"] = str(current["version"])
    return _render_edit(page, current, state, status=422)


def _render_edit(
    page: Page, organisation: dict[str, Any], state: FormState, status: int = 200, *, conflict: bool = False
) -> Response:
    return page.render(
        "organisations/edit.html",
        status=status,
        state=state,
        organisation=organisation,
        conflict=conflict,
        kind_options=_kind_options(page),
        name_max=NAME_MAX,
    )


# ---- one organisation -----------------------------------------------------------------


@router.get("/{organisation_id}")
def show(page: PageDep, organisation_id: OrganisationId, as_of_date: str = "") -> Response:
    state = FormState(values={"as_of_date": as_of_date})
    try:
        day, position = page.as_of(as_of_date.strip())
    except ValueError:
        state.errors["as_of_date"] = page.gettext("Enter a date such as %(example)s.", example="2026-03-31")
        day, position = None, None
    return _render_show(
        page, organisation_id, as_of=(day, position), as_of_state=state, status=200 if state.ok else 400
    )


@router.post("/{organisation_id}/units")
async def add_unit(page: PageDep, organisation_id: OrganisationId) -> Response:
    form = await page.form()
    state = FormState(values={"name": text(form, "name")})
    name = state.values["name"]
    try:
        page.run(
            lambda ctx: page.services.app.add_unit(ctx, organisation_id, name=name),
            page.context(form),
        )
    except RecordNotFound:
        raise
    except DomainError as error:
        _refuse_name(page, state, error)
    else:
        return page.redirect(f"/organisations/{organisation_id}#units", flash="unit_added")
    return _render_show(page, organisation_id, units_state=state, status=422)


@router.get("/{organisation_id}/units/{unit_id}/rename")
def rename_form(page: PageDep, organisation_id: OrganisationId, unit_id: UUID) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        organisation, unit = _require_unit(conn, organisation_id, unit_id)
    return _render_rename(page, organisation, unit, FormState(values={"name": unit["name"]}))


@router.post("/{organisation_id}/units/{unit_id}/rename")
async def rename_unit(page: PageDep, organisation_id: OrganisationId, unit_id: UUID) -> Response:
    form = await page.form()
    state = FormState(values={"name": text(form, "name")})
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        _require_unit(conn, organisation_id, unit_id)
    name = state.values["name"]
    try:
        page.run(
            lambda ctx: page.services.app.rename_unit(ctx, organisation_id, unit_id, name=name),
            page.context(form),
        )
    except RecordNotFound:
        raise
    except DomainError as error:
        _refuse_name(page, state, error)
    else:
        return page.redirect(f"/organisations/{organisation_id}#units", flash="unit_renamed")
    with page.services.projector.engine.connect() as conn:
        organisation, unit = _require_unit(conn, organisation_id, unit_id)
    return _render_rename(page, organisation, unit, state, status=422)


def _refuse_name(page: Page, state: FormState, error: DomainError) -> None:
    """A unit's name is the only thing its forms ask for, so a rule it breaks
    (another unit already has that name) is shown next to the name field too."""
    state.refuse(page, error, fields=("name",))
    if isinstance(error, RuleViolation) and state.problem is not None:
        state.errors.setdefault("name", state.problem)
        state.problem = None


# ---- rendering ------------------------------------------------------------------------


def _render_show(
    page: Page,
    organisation_id: UUID,
    *,
    as_of: tuple[Any, int | None] = (None, None),
    as_of_state: FormState | None = None,
    units_state: FormState | None = None,
    status: int = 200,
) -> Response:
    day, position = as_of
    key = page.fmt.sort_key()
    with page.services.projector.engine.connect() as conn:
        row = read_model.get(conn, organisation_id, position)
        if row is None:
            current = read_model.get(conn, organisation_id) if position is not None else None
            if current is None:
                raise RecordNotFound("There is no organisation with id {id}.", id=organisation_id)
            return page.render("organisations/not_yet.html", status=404, organisation=current, as_of_date=day)
        row["units"] = sorted(row["units"], key=lambda u: key(u["name"]))
        found, more = initiatives_model.search(
            conn,
            initiatives_model.InitiativeFilter(organisation_id=organisation_id),
            limit=INITIATIVES_SHOWN,
            as_of=position,
        )
        initiatives = initiative_views.summaries(
            conn, page.services.people, found, position, erased=page.erased
        )
        # The people registry keeps no past, so people show only on the page as it is now.
        people = _people_of(page, conn, organisation_id, row["units"]) if position is None else []
        entries = history_views.entries(page, conn, history.of_record(conn, organisation_id, position))
    return page.render(
        "organisations/show.html",
        status=status,
        organisation=row,
        initiatives=initiatives,
        more_initiatives=more is not None,
        people=people,
        history=list(reversed(entries)),
        as_of_date=day,
        as_of_state=as_of_state or FormState(values={"as_of_date": day.isoformat() if day else ""}),
        units_state=units_state or FormState(),
        name_max=NAME_MAX,
    )


def _people_of(
    page: Page, conn: Connection, organisation_id: UUID, units: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    key = page.fmt.sort_key()
    unit_names = {u["id"]: u["name"] for u in units}
    # The registry has no query by organisation; a municipality's people fit in memory.
    members = [
        p
        for p in people_views.everyone(conn, page.services.people)
        if p["organisation_id"] == str(organisation_id)
    ]
    return [
        {"id": p["id"], "name": p["name"], "unit": unit_names.get(p["unit_id"] or "")}
        for p in sorted(members, key=lambda p: key(p["name"]))
    ]


def _render_rename(
    page: Page, organisation: dict[str, Any], unit: dict[str, Any], state: FormState, status: int = 200
) -> Response:
    return page.render(
        "organisations/rename.html",
        status=status,
        state=state,
        organisation=organisation,
        unit=unit,
        name_max=NAME_MAX,
    )


def _require(conn: Connection, organisation_id: UUID) -> dict[str, Any]:
    organisation = read_model.get(conn, organisation_id)
    if organisation is None:
        raise RecordNotFound("There is no organisation with id {id}.", id=organisation_id)
    return organisation


def _require_unit(
    conn: Connection, organisation_id: UUID, unit_id: UUID
) -> tuple[dict[str, Any], dict[str, Any]]:
    organisation = _require(conn, organisation_id)
    for unit in organisation["units"]:
        if unit["id"] == str(unit_id):
            return organisation, unit
    raise RecordNotFound(
        "{organisation} has no unit with id {unit_id}.", organisation=organisation["name"], unit_id=unit_id
    )
