"""Helpers for the real-browser tests: Debian's Chromium driven by Playwright,
against a real Kipinä process holding the demo data.

Nothing is downloaded: Chromium is the system one (`make test` installs it with
apt-get when it is missing) and `playwright install` is never run. Every browser
context is allowed to talk to the Kipinä server only; a request anywhere else is
aborted and fails the test.

The server runs in trusted-proxy mode (`KIPINA_ACTOR_HEADER`), so each browser
context is its own person: it sends its login in `X-Remote-User`, as a municipal
sign-in proxy would, and history shows who did what.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Request, Route

from tests.conftest import POSTGRES_DSN, postgres_database
from tests.e2e.helpers import REPO, ServerProcess, kipina_env

CHROMIUM = Path(os.environ.get("KIPINA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = (
    f"{CHROMIUM} does not exist: the browser tests use Debian's Chromium, and `make test` "
    "installs it (apt-get install chromium); or point KIPINA_CHROMIUM at a Chromium binary"
)
ACTOR_HEADER = "X-Remote-User"
LANG_COOKIE = "kipina_lang"
LANGUAGES = ("fi", "sv", "en")
UUID_PATH = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Anything that is not the loopback server (data: and blob: URLs never reach the network).
NOT_LOOPBACK = re.compile(r"^(?!https?://127\.0\.0\.1[:/])(?!data:)(?!blob:)(?!about:)")
TIMEOUT_MS = 15_000


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=TIMEOUT_MS * 2
    )


# ---- the server ------------------------------------------------------------------------


@dataclass
class Site:
    """A running Kipinä with the demo data, and a way to set things up through its API."""

    url: str
    store: str
    server: ServerProcess
    demo: dict[str, str] = field(default_factory=dict)  # demo initiative title -> id

    def api(self, user: str = "setup") -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, headers={ACTOR_HEADER: user})

    def propose(self, title: str, user: str = "setup", **fields: Any) -> str:
        """A new initiative, through the JSON API; returns its id."""
        with self.api(user) as api:
            response = api.post("/api/initiatives", json={"title": title, **fields})
            assert response.status_code == 201, response.text
            initiative_id: str = response.json()["id"]
            return initiative_id

    def move(self, initiative_id: str, *verbs: str, user: str = "setup") -> None:
        with self.api(user) as api:
            for verb in verbs:
                response = api.post(f"/api/initiatives/{initiative_id}/{verb}")
                assert response.status_code == 200, response.text

    def edit(self, initiative_id: str, user: str = "setup", **fields: Any) -> None:
        with self.api(user) as api:
            response = api.patch(f"/api/initiatives/{initiative_id}", json=fields)
            assert response.status_code == 200, response.text

    def initiative(self, initiative_id: str) -> dict[str, Any]:
        with self.api() as api:
            response = api.get(f"/api/initiatives/{initiative_id}")
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body


def run_demo(env: dict[str, str]) -> None:
    """`python -m scripts.demo` as its own process, before the server starts."""
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        cwd=REPO,
        env=kipina_env(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, f"demo failed:\n{completed.stdout}\n{completed.stderr}"


@contextmanager
def demo_site(store: str, workdir: Path) -> Iterator[Site]:
    """A fresh store (SQLite files in `workdir`, or a throw-away PostgreSQL database)
    with the demo data loaded, served by `python -m scripts.run --port 0`."""
    with ExitStack() as stack:
        database_url = ""
        if store == "postgres":
            assert POSTGRES_DSN is not None
            database_url = stack.enter_context(contextmanager(postgres_database)())
        env = {
            "KIPINA_DATA_DIR": str(workdir / "data"),
            "KIPINA_DATABASE_URL": database_url,
            "KIPINA_ACTOR_HEADER": ACTOR_HEADER,
            "KIPINA_LOG_LEVEL": "warning",
        }
        run_demo(env)
        server = stack.enter_context(ServerProcess(env, workdir, "server"))
        site = Site(server.url, store, server)
        with site.api() as api:
            response = api.get("/api/initiatives", params={"limit": 100})
            assert response.status_code == 200, response.text
            site.demo = {item["title"]: item["id"] for item in response.json()["items"]}
        yield site


# ---- browser contexts --------------------------------------------------------------------


class Guarded:
    """A browser context for one person, that fails the test on any request that leaves
    the loopback server and on any JavaScript error in a page."""

    def __init__(
        self, browser: Browser, site: Site, user: str | None, lang: str | None, **options: Any
    ) -> None:
        """`user` None: a visitor who has not signed in (no sign-in header at all)."""
        self.site = site
        self.user = user
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context: BrowserContext = browser.new_context(
            base_url=site.url,
            extra_http_headers={ACTOR_HEADER: user} if user else {},
            service_workers="block",
            **options,
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route(NOT_LOOPBACK, self._refuse)
        self.context.on("page", self._watch)
        if lang is not None:
            self.set_language(lang)

    def set_language(self, lang: str) -> None:
        self.context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": self.site.url}])

    def new_page(self) -> Page:
        return self.context.new_page()

    def close(self) -> None:
        self.context.close()

    def check(self) -> None:
        """Fail on what went wrong since the last check (and start afresh)."""
        outside, errors = self.outside[:], self.errors[:]
        self.outside.clear()
        self.errors.clear()
        assert not outside, f"requests outside the loopback server: {outside}"
        assert not errors, f"errors in the page: {errors}"

    def _refuse(self, route: Route, request: Request) -> None:
        self.outside.append(request.url)
        route.abort("blockedbyclient")

    def _watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        # A 4xx answer to a form post (422, 409) is logged by Chromium as a failed resource;
        # that is the app working. Script errors are what we are after.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(f"{page.url}: {message.text}")


def move_button(page: Page, verb: str) -> Any:
    """The lifecycle button that posts `verb` (found by its form, not its words)."""
    return page.locator(f"form[action$='/move/{verb}'] button[type=submit]")


def focus_is_visible(page: Page) -> bool:
    """The focused element draws a focus outline (its computed outline style is not 'none')."""
    result: bool = page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        }"""
    )
    return result
