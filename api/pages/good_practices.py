"""Good practice pages (Innokylä's operating-model template): the catalogue with its
filters, a practice's working copy with what is still missing before publishing, its published
versions and exports, the edit form, the publish confirmation, retracting with a reason, one
published version as it was published, and the history. Drafting is a button on the
initiative's page: the draft is pre-filled from what the initiative holds.

Each POST runs one `Kipina` command, then redirects (303). A refused command shows the same
page again with the reader's input and the domain's sentence next to the field it names
(422), the field called by its Innokylä label. The edit form carries the version it was based
on: when someone else saved first, the form comes back with a sentence saying so.

Internal notes are shown on the working copy only, marked as never published; a version page
reads the published snapshot, which never holds them. Exports are links to the JSON API's
export routes (`api.routes.exports`); nothing is rendered here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.forms import FormState, uuid_or_none
from api.pages.web import Page, PageDep, text
from domain.application import CommandContext, Receipt
from domain.errors import DomainError, InvalidField, InvalidFields, RecordNotFound, StaleVersion
from domain.good_practice import (
    EDITABLE_FIELDS,
    LONG_TEXT_FIELDS,
    REQUIRED_TO_PUBLISH,
    SHORT_TEXT_FIELDS,
    TAG_FIELDS,
    TAGS_MAX,
    TEXT_MAX,
    Phase,
    Status,
    clean_fields,
    missing_for_publishing,
)
from domain.good_practice_prefill import prefill
from present import good_practices as practice_views
from present import history as history_views
from present import labels
from present.labels import N_
from projections import good_practices as read_model
from projections import history, organisations
from services.good_practice_source import prefill_source

router = APIRouter(include_in_schema=False)
PracticeId = Annotated[UUID, Path()]
VersionNumber = Annotated[int, Path(ge=1)]
PAGE_SIZE = 25
# The export formats of api.routes.exports, in the order the pages offer them.
EXPORT_FORMATS = (
    ("md", N_("Markdown")),
    ("html", N_("HTML")),
    ("pdf", N_("PDF")),
    ("pptx", N_("PowerPoint")),
    ("json", N_("JSON (Innokylä fields)")),
)
_TAG_SEPARATORS = re.compile(r"[,\r\n]+")


# ---- the catalogue ----------------------------------------------------------------------


@router.get("/good-practices")
def list_page(
    page: PageDep,
    q: Annotated[str, Query(max_length=200)] = "",
    topic: Annotated[str, Query(max_length=100)] = "",
    target_group: Annotated[str, Query(max_length=100)] = "",
    organisation_id: str = "",
    phase: str = "",
    status: str = "",
    cursor: str = "",
) -> Response:
    state = FormState(
        values={"q": q, "topic": topic, "target_group": target_group, "phase": phase, "status": status}
    )
    org_id = uuid_or_none(page, state, "organisation_id", organisation_id)
    for name, raw, allowed in (("phase", phase, Phase), ("status", status, Status)):
        if raw and raw not in {m.value for m in allowed}:
            state.errors[name] = page.gettext("Choose one of the options in the list.")
    archived, archived_choices = page.archived_list()
    flt = read_model.PracticeFilter(
        archived=archived,
        q=q.strip() or None,
        topic=topic.strip() or None,
        target_group=target_group.strip() or None,
        organisation_id=org_id,
        phase=phase or None,
        status=status or None,
    )
    page.services.projector.catch_up()
    rows: list[dict[str, Any]] = []
    next_cursor = None
    with page.services.projector.engine.connect() as conn:
        if state.ok:
            try:
                rows, next_cursor = read_model.search(conn, flt, limit=PAGE_SIZE, cursor=cursor or None)
            except ValueError:
                state.problem = page.gettext("That page link is out of date; showing the first page.")
                rows, next_cursor = read_model.search(conn, flt, limit=PAGE_SIZE)
        items = practice_views.summaries(conn, rows, None)
        organisation_options = _organisation_options(page, conn)
    query = {k: v for k, v in page.request.query_params.items() if k != "cursor"}
    return page.render(
        "good_practices/list.html",
        archived_choices=archived_choices,
        status=200 if state.ok else 400,
        state=state,
        items=items,
        next_href=page.url("/good-practices", **query, cursor=next_cursor) if next_cursor else None,
        first_href=page.url("/good-practices", **query) if cursor else None,
        filtered=any(query.values()),
        organisation_options=organisation_options,
        phase_options=_phase_options(page),
        status_options=[(s.value, page.gettext(labels.STATUS[s.value])) for s in Status],
    )


# ---- drafting from an initiative -----------------------------------------------------------


@router.post("/initiatives/{initiative_id}/good-practices")
async def draft(page: PageDep, initiative_id: Annotated[UUID, Path()]) -> Response:
    """Pre-filled exactly as the JSON API's draft route does; the person edits from there."""
    form = await page.form()
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        prefilled = prefill(prefill_source(conn, initiative_id))
    # Nothing of a draft can be refused but the initiative itself (404 above); anything
    # unexpected is the error page's "The change was refused" with the domain's sentence.
    receipt = page.run(
        lambda ctx: page.services.app.draft_good_practice(
            ctx, initiative_id, prefilled=prefilled, overrides={}
        ),
        page.context(form),
    )
    return page.redirect(f"/good-practices/{receipt.record_id}/edit", flash="practice_drafted")


# ---- the practice's page -----------------------------------------------------------------------


@router.get("/good-practices/{practice_id}")
def show(page: PageDep, practice_id: PracticeId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = practice_views.require(conn, practice_id)
        practice = practice_views.summaries(conn, [row], None)[0]
        versions = practice_views.named_versions(conn, page.person_names, practice_id)
    newest = versions[-1] if versions else None
    exportable = newest is not None and row["status"] == Status.PUBLISHED
    return page.render(
        "good_practices/show.html",
        practice=practice,
        fields=practice_views.shown_fields(page, row["fields"]),
        internal_notes=practice_views.paragraphs(row["fields"].get("internal_notes", "")),
        missing=_missing(page, practice_id, row["fields"]),
        retracted_reason=row["retracted_reason"],
        versions=list(reversed(versions)),
        exports=_export_links(page, practice_id, newest["version"], None) if exportable and newest else [],
        updated_at=row["updated_at"],
    )


# ---- editing -------------------------------------------------------------------------------------


@router.get("/good-practices/{practice_id}/edit")
def edit_form(page: PageDep, practice_id: PracticeId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = practice_views.require(conn, practice_id)
    state = FormState(values={**_form_values(row["fields"]), "version": str(row["version"])})
    return _render_form(page, state, row)


@router.post("/good-practices/{practice_id}/edit")
async def edit(page: PageDep, practice_id: PracticeId) -> Response:
    form = await page.form()
    state, fields = _parse_fields(form)
    with page.services.projector.engine.connect() as conn:
        current = practice_views.require(conn, practice_id)
    changed = {k: v for k, v in fields.items() if current["fields"].get(k) != v}
    _check_each_field(page, state, changed)
    if state.ok:
        try:
            page.run(
                lambda ctx: page.services.app.edit_good_practice(ctx, practice_id, fields=changed),
                page.context(form, with_version=True),
            )
        except StaleVersion:
            state.problem = page.gettext(
                "Someone else changed this good practice while you were editing it. "
                "Check its details below and save again."
            )
            state.values["version"] = str(current["version"])
        except DomainError as error:
            _refuse(page, state, error)
        else:
            return page.redirect(f"/good-practices/{practice_id}", flash="practice_saved")
    state.values.setdefault("version", text(form, "version") or str(current["version"]))
    return _render_form(page, state, current, status=422)


# ---- publishing and retracting --------------------------------------------------------------------


@router.get("/good-practices/{practice_id}/publish")
def publish_form(page: PageDep, practice_id: PracticeId) -> Response:
    return _render_publish(page, practice_id, FormState())


@router.post("/good-practices/{practice_id}/publish")
async def publish(page: PageDep, practice_id: PracticeId) -> Response:
    form = await page.form()
    state = FormState()
    if _submit(page, state, lambda ctx: page.services.app.publish_good_practice(ctx, practice_id), form):
        return page.redirect(f"/good-practices/{practice_id}#versions", flash="practice_published")
    return _render_publish(page, practice_id, state, status=422)


@router.get("/good-practices/{practice_id}/retract")
def retract_form(page: PageDep, practice_id: PracticeId) -> Response:
    return _render_retract(page, practice_id, FormState())


@router.post("/good-practices/{practice_id}/retract")
async def retract(page: PageDep, practice_id: PracticeId) -> Response:
    form = await page.form()
    state = FormState(values={"reason": text(form, "reason")})
    if not state.values["reason"].strip():
        state.errors["reason"] = page.gettext("Say why the good practice is retracted.")
    if state.ok and _submit(
        page,
        state,
        lambda ctx: page.services.app.retract_good_practice(ctx, practice_id, reason=state.values["reason"]),
        form,
    ):
        return page.redirect(f"/good-practices/{practice_id}", flash="practice_retracted")
    return _render_retract(page, practice_id, state, status=422)


# ---- a published version, and the history ----------------------------------------------------------


@router.get("/good-practices/{practice_id}/versions/{number}")
def version_page(page: PageDep, practice_id: PracticeId, number: VersionNumber) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = practice_views.require(conn, practice_id)
        practice = practice_views.summaries(conn, [row], None)[0]
        versions = practice_views.named_versions(conn, page.person_names, practice_id)
    chosen = next((v for v in versions if v["version"] == number), None)
    if chosen is None:
        raise RecordNotFound(
            "Good practice {id} has no published version {number}.", id=practice_id, number=number
        )
    # A retracted version is not exported; as it was published, it stays readable here.
    exports = [] if chosen["retraction"] else _export_links(page, practice_id, number, chosen["position"])
    return page.render(
        "good_practices/version.html",
        practice=practice,
        version=chosen,
        fields=practice_views.shown_fields(page, chosen["fields"]),
        versions=versions,
        exports=exports,
    )


@router.get("/good-practices/{practice_id}/history")
def history_page(page: PageDep, practice_id: PracticeId) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = practice_views.require(conn, practice_id)
        entries = history_views.entries(page, conn, history.of_record(conn, practice_id))
    return page.render("good_practices/history.html", practice=row, history=list(reversed(entries)))


# ---- rendering --------------------------------------------------------------------------------------


def _render_form(page: Page, state: FormState, row: dict[str, Any], status: int = 200) -> Response:
    order = list(EDITABLE_FIELDS)
    state.errors = dict(
        sorted(state.errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)
    )
    return page.render(
        "good_practices/form.html",
        status=status,
        state=state,
        practice=row,
        hints=_hints(page),
        limits={**SHORT_TEXT_FIELDS, **LONG_TEXT_FIELDS, "internal_notes": TEXT_MAX},
        phase_options=_phase_options(page),
        required=REQUIRED_TO_PUBLISH,
    )


def _render_publish(page: Page, practice_id: UUID, state: FormState, status: int = 200) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = practice_views.require(conn, practice_id)
    return page.render(
        "good_practices/publish.html",
        status=status,
        state=state,
        practice=row,
        missing=_missing(page, practice_id, row["fields"]),
        next_version=row["published_version"] + 1,
        has_changes=read_model.has_unpublished_changes(row),
    )


def _render_retract(page: Page, practice_id: UUID, state: FormState, status: int = 200) -> Response:
    page.services.projector.catch_up()
    with page.services.projector.engine.connect() as conn:
        row = practice_views.require(conn, practice_id)
    return page.render(
        "good_practices/retract.html", status=status, state=state, practice=row, text_max=TEXT_MAX
    )


def _missing(page: Page, practice_id: UUID, fields: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "label": page.gettext(labels.PRACTICE_FIELD[name]),
            "href": f"/good-practices/{practice_id}/edit#field-{name}",
        }
        for name in missing_for_publishing(fields)
    ]


def _export_links(page: Page, practice_id: UUID, version: int, position: int | None) -> list[dict[str, str]]:
    base = f"/api/good-practices/{practice_id}/export"
    return [
        {
            "format": fmt,
            "label": page.gettext(label),
            "href": page.url(f"{base}.{fmt}", version=version, position=position, lang=page.lang),
        }
        for fmt, label in EXPORT_FORMATS
    ]


def _hints(page: Page) -> dict[str, str]:
    """Each field's hint: what goes in it, whether publishing needs it, and its limit."""
    limit = page.gettext("At most %(limit)s characters.")
    needed = page.gettext("Needed before publishing.")
    paragraphs = page.gettext("Leave an empty line between paragraphs.")
    hints: dict[str, str] = {}
    for name, max_length in {**SHORT_TEXT_FIELDS, **LONG_TEXT_FIELDS}.items():
        parts = [needed] if name in REQUIRED_TO_PUBLISH and name != "name" else []
        if name in LONG_TEXT_FIELDS:
            parts.append(paragraphs)
        parts.append(limit % {"limit": page.fmt.number(max_length)})
        hints[name] = " ".join(parts)
    tags = page.gettext("One per line, or separated by commas; at most %(count)s.") % {
        "count": page.fmt.number(TAGS_MAX)
    }
    hints.update({name: tags for name in TAG_FIELDS})
    hints["development_phase"] = page.gettext("Where the development is now, as Innokylä asks.")
    hints["internal_notes"] = " ".join(
        [
            page.gettext("For your team only: never published and never exported."),
            limit % {"limit": page.fmt.number(TEXT_MAX)},
        ]
    )
    return hints


def _phase_options(page: Page) -> list[tuple[str, str]]:
    return [(p.value, page.gettext(labels.PHASE[p.value])) for p in Phase]


def _organisation_options(page: Page, conn: Connection) -> list[tuple[str, str]]:
    key = page.fmt.sort_key()
    return sorted(((o["id"], o["name"]) for o in organisations.list_all(conn)), key=lambda o: key(o[1]))


# ---- forms ---------------------------------------------------------------------------------------------


def _parse_fields(form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The practice fields of a posted form, as the command takes them. Line breaks are
    stored as "\\n" whatever the browser sent, so a length is what the reader counted."""
    state = FormState(values={k: text(form, k) for k in (*EDITABLE_FIELDS, "version")})
    fields: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        raw = state.values[name].replace("\r\n", "\n")
        if name in TAG_FIELDS:
            fields[name] = [part for part in _TAG_SEPARATORS.split(raw) if part.strip()]
        else:
            fields[name] = raw
    return state, fields


def _form_values(fields: dict[str, Any]) -> dict[str, str]:
    """The working copy as the form's fields (tags one per line)."""
    return {
        name: "\n".join(fields.get(name) or []) if name in TAG_FIELDS else str(fields.get(name) or "")
        for name in EDITABLE_FIELDS
    }


def _check_each_field(page: Page, state: FormState, fields: dict[str, Any]) -> None:
    """Ask the domain about every changed field on its own, so all messages show at once."""
    for name, value in fields.items():
        try:
            clean_fields({name: value})
        except InvalidField as error:
            _refuse(page, state, error)


def _sentence(page: Page, error: DomainError) -> str:
    """The domain's sentence in the reader's language, naming a field by its Innokylä label."""
    params = dict(error.params)
    if isinstance(error, InvalidField) and error.field in labels.PRACTICE_FIELD:
        params["field"] = page.gettext(labels.PRACTICE_FIELD[error.field])
    return page.error_text(error.message, params)


def _submit(
    page: Page, state: FormState, command: Callable[[CommandContext], Receipt], form: FormData
) -> bool:
    """Run a posted command; a refusal lands on `state`, named the Innokylä way. A practice
    that is missing is the not-found page, not a refusal."""
    try:
        page.run(command, page.context(form))
    except RecordNotFound:
        raise
    except DomainError as error:
        _refuse(page, state, error)
        return False
    return True


def _refuse(page: Page, state: FormState, error: DomainError) -> None:
    """Place a refusal: each invalid field's sentence by its field (the publish page, which
    has no fields, links each to the edit form); anything else at the top."""
    if isinstance(error, InvalidFields):
        for each in error.errors:
            _refuse(page, state, each)
    elif isinstance(error, InvalidField) and error.field in EDITABLE_FIELDS:
        state.errors.setdefault(error.field, _sentence(page, error))
    elif isinstance(error, InvalidField) and error.field == "reason":
        state.errors.setdefault("reason", _sentence(page, error))
    else:
        state.problem = _sentence(page, error)
