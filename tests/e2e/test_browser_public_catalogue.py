"""The public catalogue in a real browser, as the seminar audience or another municipality
meets it: a visitor who has not signed in (no sign-in header at all, on a server that runs
behind a sign-in proxy) finds Oulunkaari's published practice by searching with the keyboard,
reads it, switches to Swedish, downloads the PDF, and on a phone, a laptop and a projector-wide
screen nothing scrolls sideways. On both stores.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

PRACTICE = "Kehittäminen kuuluu kaikille"  # Oulunkaari's Innokylä model in the demo (seed 003)
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
WIDTHS = (390, 1280, 1920)


def visitor(browse: Browse, width: int, lang: str = "fi") -> Page:
    return browse(user=None, lang=lang, viewport={"width": width, "height": 900}).new_page()


def test_a_visitor_finds_reads_and_downloads_a_practice_by_keyboard(browse: Browse, site: Site) -> None:
    page = visitor(browse, 1280)
    page.goto("/public/good-practices")
    expect(page.locator("h1")).to_have_text("Hyvien käytäntöjen luettelo")
    expect(page.locator("nav.main-nav")).to_have_count(0)

    page.locator("#field-q").focus()
    page.keyboard.type("kädenjälkitunnukset")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    cards = page.locator(".practice-card")
    expect(cards).to_have_count(1)
    expect(cards.locator("h3")).to_have_text(PRACTICE)

    cards.locator("h3 a").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/public/good-practices/{UUID_PATH}$"))
    expect(page.locator("h1")).to_have_text(PRACTICE)
    expect(page.locator("#published-text")).to_contain_text("Ratkaisun perusidea")

    with page.expect_navigation():
        page.locator("nav.languages a[lang=sv]").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#published-text")).to_contain_text("Lösningens grundidé")

    pdf_href = page.locator("#exports a[data-format=pdf]").get_attribute("href")
    assert pdf_href and "lang=sv" in pdf_href
    pdf = page.request.get(pdf_href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_catalogue_and_a_practice_fit_every_screen(browse: Browse, site: Site, width: int) -> None:
    page = visitor(browse, width, lang="en")
    page.goto("/public/good-practices")
    expect(page.locator(".practice-card").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"the catalogue scrolls sideways at {width} px"
    with page.expect_navigation():
        page.locator(".practice-card h3 a").first.click()
    expect(page.locator("#exports a")).to_have_count(5)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"a practice scrolls sideways at {width} px"
