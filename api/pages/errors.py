"""Error pages: the same exceptions that become problem+json under /api become
an HTML page, in the reader's language, everywhere else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import Unauthenticated
from api.pages.web import CSRF_COOKIE, FormExpired, environment, url
from domain.errors import DomainError, RecordNotFound
from present.i18n import COOKIE, Formatter, negotiate, translations

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
_JSON_PREFIXES = ("/api/", "/docs", "/openapi.json", "/healthz", "/readyz", "/redoc")


def is_api_path(path: str) -> bool:
    """Paths whose errors are problem+json for programs; every other path is a page for people."""
    return path.startswith(_JSON_PREFIXES)


def install(app: FastAPI) -> None:
    """Wrap each installed problem+json handler: pages get HTML, the API keeps its JSON."""
    for exc_class, api_handler in list(app.exception_handlers.items()):
        app.add_exception_handler(exc_class, _either(api_handler))
    app.add_exception_handler(FormExpired, _either(None))


def _either(api_handler: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if api_handler is not None and is_api_path(request.url.path):
            response = api_handler(request, exc)
            return response if isinstance(response, Response) else await response
        return error_page(request, exc)

    return handle


def error_page(request: Request, exc: Exception) -> HTMLResponse:
    lang = negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
    _ = translations(lang).gettext
    services = request.app.state.services
    fmt = Formatter(lang, ZoneInfo(services.settings.timezone))
    status, heading, message = _describe(exc, _, fmt)
    env = environment(lang)
    # The public catalogue's reader may not be signed in: its errors lead back to it.
    public = request.url.path.startswith("/public/")
    html = env.get_template("error.html").render(
        page=_Bare(public),
        fmt=fmt,
        lang=lang,
        csrf=request.cookies.get(CSRF_COOKIE, ""),
        flash=None,
        current_path=request.url.path,
        current_url=request.url.path,
        heading=heading,
        message=message,
        back_href="/public/good-practices" if public else "/",
        back_label=_("Go to the catalogue of good practices") if public else _("Go to the home page"),
    )
    return HTMLResponse(html, status_code=status)


def _describe(exc: Exception, _: Callable[[str], str], fmt: Formatter) -> tuple[int, str, str]:
    if isinstance(exc, RecordNotFound | RequestValidationError) or (
        isinstance(exc, StarletteHTTPException) and exc.status_code == 404
    ):
        return 404, _("Page not found"), _("There is nothing at this address. It may have been mistyped.")
    if isinstance(exc, FormExpired):
        return (
            403,
            _("The form has expired"),
            _(
                "The form could not be accepted because it was opened in an old window. "
                "Open the page again and repeat your change."
            ),
        )
    if isinstance(exc, Unauthenticated):
        return (
            401,
            _("Not signed in"),
            _("Sign in through your organisation's sign-in service and try again."),
        )
    if isinstance(exc, DomainError):
        return 409, _("The change was refused"), _(exc.message).format(**fmt.error_params(exc.params))
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, _("The request could not be handled"), _("Go back and try again.")
    # Unexpected: the request middleware (api/app.py) has logged it with its request id.
    return (
        500,
        _("Something went wrong"),
        _(
            "Something went wrong on our side. Please try again; "
            "if it keeps happening, tell the administrator."
        ),
    )


class _Bare:
    """The little of `Page` that the layout needs, for pages rendered outside a route."""

    url = staticmethod(url)

    def __init__(self, public: bool) -> None:
        self.public = public
