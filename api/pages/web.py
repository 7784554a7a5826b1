"""What every page handler shares: the reader's language, templates, the
anti-forgery token, one-off confirmations ("flash") and redirects.

A page handler gets a `Page` (see `PageDep`), reads its form, calls the same
`Kipina` application as the JSON API and answers with `page.render(...)` or
`page.redirect(...)`. No rule of the domain is decided here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import Connection
from starlette.datastructures import FormData

from api.actor import Actor
from api.deps import ServicesDep
from api.read_model_status import views_notice
from domain.application import CommandContext, Receipt, RequestKey
from present import archive as archive_views
from present import labels
from present import people as people_views
from present.i18n import COOKIE, LANGUAGE_NAMES, LANGUAGES, Formatter, negotiate, translations
from projections import history
from projections.archive import ArchivedFilter
from services.bootstrap import Services
from services.logging import get_logger
from services.response_cache import KEY_MAX, fingerprint

CSRF_COOKIE = "kipina_csrf"
CSRF_FIELD = "csrf_token"
REQUEST_KEY_FIELD = "request_key"
FLASH_COOKIE = "kipina_flash"
YEAR = 365 * 24 * 3600
log = get_logger("kipina.pages")


class FormExpired(Exception):
    """A POST without the anti-forgery token of this browser (an old tab, or another site)."""


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        labels=labels,
        CSRF_FIELD=CSRF_FIELD,
        REQUEST_KEY_FIELD=REQUEST_KEY_FIELD,
        new_request_key=lambda: uuid4().hex,
        views_notice=views_notice,
    )
    gettext = translations(lang).gettext
    env.filters["field_label"] = lambda field: gettext(labels.field_label(field))
    return env


class Page:
    """One page request: language, formatter, actor and the helpers to answer it."""

    def __init__(self, request: Request, services: Services, actor: UUID | None) -> None:
        self.request = request
        self.services = services
        self._actor = actor
        self.lang = negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
        self.fmt = Formatter(self.lang, ZoneInfo(services.settings.timezone))
        self.env = environment(self.lang)
        self._new_csrf: str | None = None
        self.csrf = request.cookies.get(CSRF_COOKIE) or self._issue_csrf()

    @property
    def actor(self) -> UUID:
        """The signed-in person. A public page (`PublicPageDep`) has none and never asks."""
        if self._actor is None:
            raise RuntimeError("a public page has no signed-in person")
        return self._actor

    @property
    def public(self) -> bool:
        """A page anyone may read without signing in: it shows no menu of the signed-in pages."""
        return self._actor is None

    # ---- translation -----------------------------------------------------------

    def gettext(self, message: str, **params: Any) -> str:
        translated: str = translations(self.lang).gettext(message)
        return translated % params if params else translated

    def error_text(self, message: str, params: Mapping[str, Any]) -> str:
        """A domain error's sentence in the reader's language ({placeholders}, str.format)."""
        return translations(self.lang).gettext(message).format(**self.fmt.error_params(params))

    @property
    def erased(self) -> str:
        """How this reader's language names a person erased from the registry."""
        return self.gettext(labels.ERASED_PERSON)

    def person_names(self, conn: Connection, ids: set[str]) -> dict[str, str]:
        """Display names by person id; an erased person is named in the reader's language."""
        return people_views.names(conn, self.services.people, ids, self.erased)

    # ---- answers ---------------------------------------------------------------

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        flash = self.request.cookies.get(FLASH_COOKIE)
        html = self.env.get_template(template).render(
            page=self,
            fmt=self.fmt,
            lang=self.lang,
            csrf=self.csrf,
            flash=labels.FLASH.get(flash or ""),
            current_path=self.request.url.path,
            current_url=_path_and_query(self.request),
            record_archive=self._record_archive(),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if flash:
            response.delete_cookie(FLASH_COOKIE, path="/")
        self._attach_cookies(response)
        return response

    def _record_archive(self) -> dict[str, Any] | None:
        """On a record's own page (now, not as of a day): whether it is archived, for the
        banner with Restore or the Archive action that base.html shows on every kind's page."""
        found = archive_views.record_of_page(self.request.url.path)
        query = self.request.query_params
        if found is None or self.public or query.get("as_of") or query.get("as_of_date"):
            return None
        with self.services.projector.engine.connect() as conn:
            return archive_views.state(conn, *found)

    def archived_list(self) -> tuple[ArchivedFilter, list[dict[str, Any]]]:
        """A list page's `?archived=` (live records unless asked) and its three choices."""
        current = archive_views.list_choice(self.request.query_params.get("archived"))
        query = dict(self.request.query_params)
        return current, archive_views.choices(self, self.request.url.path, query, current)

    def redirect(self, url: str, *, flash: str | None = None) -> Response:
        """303 See Other after a successful POST, so reloading the page does not post again.

        The same for htmx: its request follows the redirect and swaps in the part of the
        new page its form names (hx-select), flash and history included (hx-select-oob)."""
        response: Response = RedirectResponse(url, status_code=303)
        if flash is not None:
            assert flash in labels.FLASH, f"unknown flash {flash!r}"
            response.set_cookie(FLASH_COOKIE, flash, max_age=60, path="/", httponly=True, samesite="lax")
        self._attach_cookies(response)
        return response

    def url(self, path: str, **query: Any) -> str:
        return url(path, **query)

    # ---- commands and views ----------------------------------------------------

    def context(self, form: FormData, *, with_version: bool = False) -> CommandContext:
        """The command context of a posted form: its request key makes a double-submit
        harmless (the second post replays the first), its version guards against
        overwriting someone else's change."""
        key = text(form, REQUEST_KEY_FIELD).strip()
        request_key = None
        if 0 < len(key) <= KEY_MAX:
            content = sorted(
                (k, v) for k, v in form.multi_items() if k not in (CSRF_FIELD, REQUEST_KEY_FIELD)
            )
            body = urlencode([(k, v if isinstance(v, str) else "") for k, v in content]).encode()
            request_key = RequestKey(key, fingerprint("POST", self.request.url.path, body))
        return CommandContext(
            actor=self.actor,
            expected_version=form_version(form) if with_version else None,
            request_key=request_key,
        )

    def run(self, command: Callable[[CommandContext], Receipt], ctx: CommandContext) -> Receipt:
        """Run a command and bring the read models up to it, so the next page shows it."""
        receipt = command(ctx)
        self.services.projector.catch_up(up_to=receipt.last_position)
        if receipt.positions:
            log.info("command", record_id=str(receipt.record_id), event_types=receipt.event_types)
        return receipt

    def as_of(self, raw: str | None) -> tuple[date | None, int | None]:
        """An as-of date from a date picker: the state at the end of that day, local time.
        Returns (day, log position); (None, None) means "now". Raises ValueError."""
        self.services.projector.catch_up()
        if not raw:
            return None, None
        day = date.fromisoformat(raw)
        try:
            end_of_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.fmt.zone)
        except OverflowError:  # 9999-12-31 has no next day
            raise ValueError(f"{raw} is out of range") from None
        with self.services.projector.engine.connect() as conn:
            return day, history.position_at(conn, end_of_day - timedelta(microseconds=1))

    # ---- forms -----------------------------------------------------------------

    async def form(self) -> FormData:
        """The posted form, after checking it came from one of our pages in this browser."""
        form = await self.request.form()
        token = form.get(CSRF_FIELD)
        if not isinstance(token, str) or not secrets.compare_digest(token, self.csrf):
            raise FormExpired()
        return form

    def _issue_csrf(self) -> str:
        self._new_csrf = secrets.token_urlsafe(32)
        return self._new_csrf

    def _attach_cookies(self, response: Response) -> None:
        if self._new_csrf is not None:
            response.set_cookie(
                CSRF_COOKIE, self._new_csrf, max_age=YEAR, path="/", httponly=True, samesite="lax"
            )


def url(path: str, **query: Any) -> str:
    """A link with its query string; empty values are left out."""
    present = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(present)}" if present else path


def _path_and_query(request: Request) -> str:
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


def get_page(request: Request, services: ServicesDep, actor: Actor) -> Page:
    return Page(request, services, actor)


def get_public_page(request: Request, services: ServicesDep) -> Page:
    return Page(request, services, None)


PageDep = Annotated[Page, Depends(get_page)]
# The pages for the public (the catalogue of good practices, the language switch): no sign-in.
PublicPageDep = Annotated[Page, Depends(get_public_page)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_version(form: FormData) -> int | None:
    """The record version a form was based on (its hidden "version"); None when it is
    missing or not a version at all (a tampered form must not become a 500)."""
    raw = text(form, "version").strip()
    # ASCII digits only ("²".isdigit() is true), and small enough for a 64-bit column.
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]
