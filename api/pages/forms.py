"""Form state for the pages: what the user typed and what is wrong with it.

The pages parse a posted form into the values a command takes, collecting a
message per field. The domain still judges every value (the same checks as the
JSON API); its `InvalidField` lands next to the field it names, any other refusal
at the top of the form. Whatever the user typed is shown back to them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.pages.web import Page
from api.request_types import ISO_DAY
from domain.application import CommandContext, Receipt
from domain.errors import DomainError, InvalidField, StaleVersion
from domain.values import EARLIEST_DAY, LATEST_DAY
from present import pickers as picker_views


@dataclass
class FormState:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # A refusal that is not about one field (e.g. "the initiative is final").
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.problem is None

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def refuse(self, page: Page, error: DomainError, *, fields: tuple[str, ...] = ()) -> None:
        """Place a domain refusal: next to its field when the form has that field."""
        message = page.error_text(error.message, error.params)
        if isinstance(error, InvalidField) and (not fields or error.field in fields):
            self.errors.setdefault(error.field, message)
        else:
            self.problem = message

    def refuse_as(self, page: Page, error: DomainError, fields: Mapping[str, str]) -> None:
        """Place a domain refusal next to the form's field it names, where the form's names
        differ from the domain's (`fields` maps the domain's to the form's); otherwise at
        the top of the form."""
        message = page.error_text(error.message, error.params)
        if isinstance(error, InvalidField) and error.field in fields:
            self.errors.setdefault(fields[error.field], message)
        else:
            self.problem = message


def submit(
    page: Page,
    state: FormState,
    command: Callable[[CommandContext], Receipt],
    ctx: CommandContext,
    *,
    fields: tuple[str, ...] = (),
    stale: str | None = None,
) -> Receipt | None:
    """The one flow of a posted form: run the command and return its receipt (the page then
    redirects); on a refusal, place it on `state` and return None (the page shows the form
    again). When the record changed meanwhile, `stale` (a translated sentence) becomes the
    form's problem; without one, `StaleVersion` goes to the caller, which shows a conflict."""
    try:
        return page.run(command, ctx)
    except StaleVersion:
        if stale is None:
            raise
        state.problem = stale
    except DomainError as error:
        state.refuse(page, error, fields=fields)
    return None


Rows = list[dict[str, Any]]


def picking(form: FormData) -> str | None:
    """The field whose picker's Search button posted the form (without JavaScript), or None.
    The page then shows the form again with that picker's matches: nothing is recorded."""
    value = form.get("_pick")
    return value if isinstance(value, str) and value else None


def picker_found(
    page: Page,
    conn: Connection,
    state: FormState,
    name: str,
    kind: str,
    *,
    organisation_id: str | None = None,
    own_first: bool = False,
    exclude_ids: Collection[str] = (),
    exclude_status: str | None = None,
) -> list[dict[str, Any]]:
    """The options a form's picker opens with: its chosen record, then the matches of what
    was typed in its search box (`<name>__q`), the likeliest first."""
    chosen = str(state.value(name) or "").strip() or None
    return picker_views.options(
        conn,
        page.services.people,
        kind,
        str(state.value(f"{name}__q") or ""),
        lang=page.lang,
        organisation_id=organisation_id,
        person_id=str(page.actor) if own_first else None,
        chosen_id=chosen if chosen and _is_uuid(chosen) else None,
        exclude_ids=exclude_ids,
        exclude_status=exclude_status,
    )


def _is_uuid(raw: str) -> bool:
    try:
        UUID(raw)
    except ValueError:
        return False
    return True


def page_after(
    page: Page, state: FormState, search: Callable[[str | None], tuple[Rows, str | None]], cursor: str
) -> tuple[Rows, str | None]:
    """A list page's rows after `cursor` and the next cursor; none while the filters have a
    problem. A cursor that no longer reads (an old link) shows the first page, saying so."""
    if not state.ok:
        return [], None
    try:
        return search(cursor or None)
    except ValueError:
        state.problem = page.gettext("That page link is out of date; showing the first page.")
        return search(None)


def uuid_or_none(page: Page, state: FormState, name: str, raw: str) -> UUID | None:
    """A choice from a select list; blank means "none"."""
    state.values[name] = raw
    if not raw.strip():
        return None
    try:
        return UUID(raw.strip())
    except ValueError:
        state.errors[name] = page.gettext("Choose one of the options in the list.")
        return None


def date_or_none(page: Page, state: FormState, name: str, raw: str) -> date | None:
    """A date input (browsers send YYYY-MM-DD); blank means "today"/"not given"."""
    state.values[name] = raw
    if not raw.strip():
        return None
    try:
        # The same rule as the JSON API: only YYYY-MM-DD (date.fromisoformat alone would
        # also take 20190301 and 2019-W10-1). The domain judges the range, 1900–2100.
        if not ISO_DAY.fullmatch(raw.strip()):
            raise ValueError(raw)
        return date.fromisoformat(raw.strip())
    except ValueError:
        state.errors[name] = page.gettext("Enter a date such as %(example)s.", example="2026-03-31")
        return None


def theme_list(raw: str) -> list[str]:
    """Themes are typed comma-separated; the domain trims and de-duplicates them."""
    return [part for part in raw.split(",") if part.strip()]


def check_each_field(
    page: Page, state: FormState, fields: dict[str, Any], clean: Callable[[dict[str, Any]], object]
) -> None:
    """Ask the domain about every field on its own (`clean` is the record type's field
    check), so all messages show at once, not one per save."""
    for name, value in fields.items():
        if name in state.errors:
            continue
        try:
            clean({name: value})
        except InvalidField as error:
            state.refuse(page, error)


def as_of_or_error(page: Page, state: FormState, raw: str) -> tuple[date | None, int | None]:
    """The as-of date picker's value as (day, log position); a malformed date is a
    message next to the picker and the page shows "now"."""
    try:
        return page.as_of(raw.strip())
    except ValueError:
        state.errors["as_of_date"] = page.gettext("Enter a date such as %(example)s.", example="2026-03-31")
        return None, None


@dataclass
class TimelineFilter:
    """What a timeline page was asked for: kinds of entry, a period and an as-of day, each
    checked, with the messages on `state` in the order the form shows its fields."""

    state: FormState
    kinds: set[str] | None  # None: every kind
    start: date | None
    end: date | None
    day: date | None  # as of the end of this day; None: now
    position: int | None
    zone: ZoneInfo  # the reader's, where their day ends

    @property
    def moment(self) -> datetime | None:
        return datetime.combine(self.day, time.max, tzinfo=self.zone) if self.day else None


def timeline_filter(
    page: Page, known: Iterable[str], kind: list[str] | None, raw_from: str, raw_to: str, as_of_date: str
) -> TimelineFilter:
    state = FormState(values={"from": raw_from, "to": raw_to, "as_of_date": as_of_date})
    day, position = as_of_or_error(page, state, as_of_date)
    start, end = _period(page, state, raw_from, raw_to)
    chosen = {k for k in known if k in (kind or [])}
    if kind and len(chosen) < len(set(kind)):
        state.errors["kind"] = page.gettext("Choose one of the options in the list.")
    order = ("kind", "from", "to", "as_of_date")
    state.errors = {name: state.errors[name] for name in order if name in state.errors}
    return TimelineFilter(state, chosen or None, start, end, day, position, page.fmt.zone)


def _period(page: Page, state: FormState, raw_from: str, raw_to: str) -> tuple[date | None, date | None]:
    """A period's first and last day (YYYY-MM-DD, 1900–2100); a last day before the first
    is refused and the period is left open at its end."""
    found: dict[str, date | None] = {}
    for name, raw in (("from", raw_from), ("to", raw_to)):
        day = date_or_none(page, state, name, raw)
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            state.errors[name] = page.gettext(
                "Enter a date from %(earliest)s to %(latest)s.",
                earliest=EARLIEST_DAY.isoformat(),
                latest=LATEST_DAY.isoformat(),
            )
            day = None
        found[name] = day
    start, end = found["from"], found["to"]
    if start is not None and end is not None and end < start:
        state.errors["to"] = page.gettext("The end of the period must not be before its start.")
        return start, None
    return start, end
