"""Fixtures for the real-browser tests (see `tests/e2e/browser.py`).

One Chromium per test module; one Kipinä server process (with the demo data) per
store for the whole session: SQLite always, PostgreSQL too when
KIPINA_TEST_POSTGRES_DSN is set. Tests do not interfere with each other on a shared
server: each creates the initiatives it changes. Each test gets browser contexts of
its own (`browse`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import NO_POSTGRES, POSTGRES_DSN
from tests.e2e.browser import CHROMIUM, NO_CHROMIUM, TIMEOUT_MS, Guarded, Site, demo_site, launch

expect.set_options(timeout=TIMEOUT_MS)

Browse = Callable[..., Guarded]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Kipinä with the demo data on SQLite, shared by the modules that use it."""
    with demo_site("sqlite", tmp_path_factory.mktemp("site-sqlite")) as running:
        yield running


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Kipinä with the demo data, on each store."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_site")
        return
    if POSTGRES_DSN is None:
        pytest.skip(NO_POSTGRES)
    with demo_site("postgres", tmp_path_factory.mktemp("site-postgres")) as running:
        yield running


@pytest.fixture
def browse(browser: Browser, site: Site) -> Iterator[Browse]:
    """Opens a browser context for one person (`browse(user=..., lang=...)`); all are
    closed after the test, which fails if any left the loopback server or hit a script error."""
    opened: list[Guarded] = []

    def open_context(user: str | None = "tester", lang: str | None = "en", **options: Any) -> Guarded:
        guarded = Guarded(browser, site, user, lang, **options)
        opened.append(guarded)
        return guarded

    yield open_context
    for guarded in opened:
        guarded.close()
    for guarded in opened:
        guarded.check()


@pytest.fixture
def page(browse: Browse) -> Page:
    """A page in English for the default test person."""
    return browse().new_page()
