"""People pages: search the people registry, register a person, edit their details
and erase them.

People are not event-sourced: names and e-mail addresses live in the people
registry (plain SQL) so they can be erased, and events hold person ids only.
The pages call the same `PeopleRegistry` methods as `/api/people`, each write in
one transaction; a stale edit or erasure shows what is saved now (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData

from api.pages.forms import FormState, picker_found, picking, uuid_or_none
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext
from domain.errors import (
    ConcurrentChange,
    DomainError,
    IdempotencyKeyReused,
    InvalidField,
    RecordNotFound,
    StaleVersion,
)
from domain.request import request_id_for
from present import initiatives as initiative_views
from present import organisations as organisation_views
from present import people as people_views
from projections import initiatives as initiatives_model
from projections import organisations
from services.logging import get_logger
from services.people_registry import EMAIL_MAX, clean
from services.response_cache import CachedResponse

router = APIRouter(prefix="/people", include_in_schema=False)
PersonId = Annotated[UUID, Path()]
PAGE_SIZE = 50
NAME_MAX = 200  # the width of the registry's name column
FIELDS = ("name", "email", "organisation_id", "unit_id")
log = get_logger("kipina.pages")


# ---- the list ----------------------------------------------------------------------


@router.get("")
def list_page(
    page: PageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    state = FormState(values={"q": q})
    key = page.fmt.sort_key()
    with page.services.projector.engine.connect() as conn:
        found = sorted(
            people_views.everyone(conn, page.services.people, q.strip() or None), key=lambda p: key(p["name"])
        )
        shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        places = organisation_views.place_names(conn, shown)
    return page.render(
        "people/list.html",
        state=state,
        people=[organisation_views.with_places(p, places) for p in shown],
        total=len(found),
        previous_href=page.url("/people", q=q, page=number - 1 if number > 2 else None)
        if number > 1
        else None,
        next_href=page.url("/people", q=q, page=number + 1) if number * PAGE_SIZE < len(found) else None,
    )


# ---- registering ----------------------------------------------------------------------


@router.get("/new")
def new_form(page: PageDep) -> Response:
    return _render_form(page, FormState(), person=None)


@router.post("/new")
async def register(page: PageDep) -> Response:
    form = await page.form()
    if picking(form):  # the unit picker's search, without JavaScript
        return _render_form(page, _typed(form), person=None)
    state, fields = _parse(page, form)
    if state.ok:
        try:
            person_id = _write(
                page, page.context(form), lambda conn: page.services.people.register(conn, fields)
            )
        except DomainError as error:
            state.refuse(page, error, fields=FIELDS)
        else:
            return page.redirect(f"/people/{person_id}", flash="person_registered")
    return _render_form(page, state, person=None, status=422)


# ---- one person -------------------------------------------------------------------------


@router.get("/{person_id}")
def show(page: PageDep, person_id: PersonId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        person = _present(conn, _require(page, conn, person_id))
        rows = initiatives_model.involving(conn, person_id, limit=50)
        initiatives = initiative_views.summaries(conn, page.services.people, rows, None, erased=page.erased)
    for item in initiatives:
        item["parts"] = _parts(page, item, str(person_id))
    return page.render("people/show.html", person=person, initiatives=initiatives)


@router.get("/{person_id}/edit")
def edit_form(page: PageDep, person_id: PersonId) -> Response:
    with page.services.projector.engine.connect() as conn:
        person = _require(page, conn, person_id)
    return _render_form(page, FormState(values=_form_values(person)), person=person)


@router.post("/{person_id}/edit")
async def edit(page: PageDep, person_id: PersonId) -> Response:
    form = await page.form()
    if picking(form):
        with page.services.projector.engine.connect() as conn:
            found = _require(page, conn, person_id)
        return _render_form(page, _typed(form), person=found)
    state, fields = _parse(page, form)
    state.values["version"] = text(form, "version")
    if state.ok:
        ctx = page.context(form, with_version=True)

        def write(conn: Connection) -> UUID:
            page.services.people.update(conn, person_id, fields, ctx.expected_version)
            return person_id

        try:
            _write(page, ctx, write)
        except StaleVersion:
            return _render_conflict(page, person_id, state)
        except RecordNotFound:
            raise
        except DomainError as error:
            state.refuse(page, error, fields=FIELDS)
        else:
            return page.redirect(f"/people/{person_id}", flash="person_saved")
    with page.services.projector.engine.connect() as conn:
        person = _require(page, conn, person_id)
    return _render_form(page, state, person=person, status=422)


@router.get("/{person_id}/erase")
def erase_form(page: PageDep, person_id: PersonId) -> Response:
    with page.services.projector.engine.connect() as conn:
        person = _present(conn, _require(page, conn, person_id))
    return page.render(
        "people/erase.html", person=person, state=FormState(values={"version": person["version"]})
    )


@router.post("/{person_id}/erase")
async def erase(page: PageDep, person_id: PersonId) -> Response:
    form = await page.form()
    ctx = page.context(form, with_version=True)

    def write(conn: Connection) -> UUID:
        page.services.people.erase(conn, person_id, ctx.expected_version)
        return person_id

    try:
        _write(page, ctx, write)
    except StaleVersion:
        state = FormState(
            problem=page.gettext(
                "This person's details were changed after you opened this page. "
                "Check them below and confirm the erasure again."
            )
        )
    else:
        return page.redirect("/people", flash="person_erased")
    with page.services.projector.engine.connect() as conn:
        person = _present(conn, _require(page, conn, person_id))
    state.values["version"] = person["version"]
    return page.render("people/erase.html", status=409, person=person, state=state)


# ---- writing ----------------------------------------------------------------------------


def _write(page: Page, ctx: CommandContext, write: Callable[[Connection], UUID]) -> UUID:
    """Run one registry write in one transaction.

    The registry is plain SQL, not events, so the form's request key is remembered
    in the response cache in the same transaction (as `/api/people` does with an
    Idempotency-Key): a double submit finds it and changes nothing twice."""
    request = ctx.request_key
    request_id = request_id_for(ctx.actor, request.key) if request is not None else None
    done = _done_before(page, request_id, request.fingerprint) if request and request_id else None
    if done is not None:
        return done
    try:
        with page.services.projector.engine.begin() as conn:
            record_id = write(conn)
            if request is not None and request_id is not None:
                cached = CachedResponse(request.fingerprint, 303, {}, {"id": str(record_id)})
                page.services.responses.put_in(conn, request_id, cached)
    except IntegrityError:
        # The same form posted twice at once: the other post did it. Otherwise a real race.
        done = _done_before(page, request_id, request.fingerprint) if request and request_id else None
        if done is not None:
            return done
        raise ConcurrentChange("Someone else changed this person at the same moment.") from None
    log.info("registry_write", record_id=str(record_id))
    return record_id


def _done_before(page: Page, request_id: UUID, fingerprint: str) -> UUID | None:
    cached = page.services.responses.get(request_id)
    if cached is None:
        return None
    if cached.fingerprint != fingerprint or not isinstance(cached.body, dict):
        raise IdempotencyKeyReused()
    return UUID(cached.body["id"])


def _parse(page: Page, form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The person fields of a posted form, as the registry takes them; every field is
    checked at once, so all messages show together."""
    state = FormState(values={"name": text(form, "name"), "email": text(form, "email")})
    organisation_id = uuid_or_none(page, state, "organisation_id", text(form, "organisation_id"))
    unit_id = uuid_or_none(page, state, "unit_id", text(form, "unit_id"))
    if unit_id is not None and organisation_id is None:
        # The unit list is grouped by organisation: choosing a unit names its organisation too.
        with page.services.projector.engine.connect() as conn:
            owner = _unit_owners(conn).get(str(unit_id))
        if owner is not None:
            organisation_id = UUID(owner)
            state.values["organisation_id"] = owner
    fields: dict[str, Any] = {
        "name": state.values["name"],
        "email": state.values["email"],
        "organisation_id": organisation_id,
        "unit_id": unit_id,
    }
    for name in ("name", "email"):
        try:
            clean({name: fields[name]}, partial=True)
        except InvalidField as error:
            state.refuse(page, error)
    return state, fields


# ---- rendering ----------------------------------------------------------------------------


def _render_form(
    page: Page, state: FormState, *, person: dict[str, Any] | None, status: int = 200
) -> Response:
    with page.services.projector.engine.connect() as conn:
        choices = organisation_views.place_options(conn, page.fmt.sort_key())
        units = _unit_picker(page, conn, state)
    if person is not None and not state.values.get("version"):
        state.values["version"] = person["version"]
    return page.render(
        "people/form.html",
        status=status,
        state=state,
        person=person,
        limits={"name": NAME_MAX, "email": EMAIL_MAX},
        pickers={"unit_id": units},
        **choices,
    )


def _unit_picker(page: Page, conn: Connection, state: FormState) -> list[dict[str, Any]]:
    """The unit picker's options: the chosen organisation's units first."""
    organisation_id = str(state.value("organisation_id") or "").strip() or None
    return picker_found(page, conn, state, "unit_id", "units", organisation_id=organisation_id)


def _typed(form: FormData) -> FormState:
    """Everything a posted form holds, as typed: a picker's search shows the form again."""
    return FormState(values={k: v for k, v in form.items() if isinstance(v, str)})


def _render_conflict(page: Page, person_id: UUID, mine: FormState) -> Response:
    """Someone else saved this person first: show what is saved now, and this
    person's input in the form again, now based on the current version."""
    with page.services.projector.engine.connect() as conn:
        current = _present(conn, _require(page, conn, person_id))
        choices = organisation_views.place_options(conn, page.fmt.sort_key())
        theirs = _form_values(current)
        differs = [k for k in FIELDS if (mine.values.get(k) or "") != theirs[k]]
        state = FormState(values={**mine.values, "version": current["version"]})
        units = _unit_picker(page, conn, state)
    return page.render(
        "people/conflict.html",
        status=409,
        state=state,
        person=current,
        differs=differs,
        limits={"name": NAME_MAX, "email": EMAIL_MAX},
        pickers={"unit_id": units},
        **choices,
    )


def _unit_owners(conn: Connection) -> dict[str, str]:
    return {u["id"]: o["id"] for o in organisations.list_all(conn) for u in o["units"]}


def _present(conn: Connection, person: dict[str, Any]) -> dict[str, Any]:
    return organisation_views.with_places(person, organisation_views.place_names(conn, [person]))


def _parts(page: Page, initiative: dict[str, Any], person_id: str) -> list[str]:
    """What the person does in an initiative: owner, team member (with their role)."""
    parts = []
    if initiative["owner"] and initiative["owner"]["id"] == person_id:
        parts.append(page.gettext("Owner"))
    for member in initiative["team"]:
        if member["person"]["id"] == person_id:
            role = member["role"]
            parts.append(
                page.gettext("Team member: %(role)s", role=role) if role else page.gettext("Team member")
            )
    return parts


def _form_values(person: dict[str, Any]) -> dict[str, Any]:
    """A person row as the form's fields (strings, as a browser would send them)."""
    return {
        "name": person["name"],
        "email": person["email"] or "",
        "organisation_id": person["organisation_id"] or "",
        "unit_id": person["unit_id"] or "",
    }


def _require(page: Page, conn: Connection, person_id: UUID) -> dict[str, Any]:
    person = page.services.people.get(conn, person_id)
    if person is None:
        raise RecordNotFound("There is no person with id {id}.", id=person_id)
    return person
