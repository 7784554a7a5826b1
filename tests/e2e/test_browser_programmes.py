"""A programme in a real browser against a real server process, the way the 3W
coordinator (seed 001) runs a workshop day: create the programme, schedule a workshop,
enrol two initiatives, enter both check-ins on the sheet by keyboard without leaving the
page (htmx; the next row takes the focus after each save), and see them on the
dashboard, which reads without sideways scrolling on a projector and on a phone.

Forms and buttons are found by what they post, not by their words.
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

PROGRAMME_URL = re.compile(rf"/programmes/({UUID_PATH})(#[a-z-]+)?$")
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def municipality(site: Site, name: str) -> str:
    with site.api() as api:
        created = api.post("/api/organisations", json={"name": name, "kind": "municipality"})
        assert created.status_code == 201, created.text
        organisation_id: str = created.json()["id"]
        return organisation_id


def test_run_a_workshop_day_by_keyboard(page: Page, site: Site, browse: Browse) -> None:
    suffix = uuid4().hex[:6]
    organisation_id = municipality(site, f"Karkkila {suffix}")
    first = site.propose(f"Kotihoidon aamut {suffix}", organisation_id=organisation_id)
    second = site.propose(f"Palvelutalon lääkejako {suffix}", organisation_id=organisation_id)

    # Create the programme through its form.
    page.goto("/programmes")
    page.locator("main a[href='/programmes/new']").click()
    create = page.locator("form[action='/programmes/new']")
    create.locator("[name=name]").fill(f"3W {suffix}")
    create.locator("[name=period_start]").fill("2018-04-01")
    create.locator("[name=period_end]").fill("2019-04-30")
    create.locator(f"input[name=organisation_ids][value='{organisation_id}']").check()
    create.locator("button[type=submit]:not([name=_pick])").click()
    expect(page).to_have_url(PROGRAMME_URL)
    match = PROGRAMME_URL.search(page.url)
    assert match is not None
    programme_id = match.group(1)
    expect(page.locator("h1")).to_have_text(f"3W {suffix}")

    # Schedule a workshop and enrol both initiatives from the dashboard.
    schedule = page.locator(f"form[action='/programmes/{programme_id}/workshops']")
    schedule.locator("[name=day]").fill("2018-09-13")
    schedule.locator("[name=title]").fill("Työpaja 1")
    schedule.locator("button[type=submit]").click()
    expect(page.locator("#workshops tbody tr")).to_have_count(1)
    for initiative_id in (first, second):
        enrol = page.locator(f"form[action='/programmes/{programme_id}/initiatives']")
        enrol.locator("[name=initiative_id]").select_option(initiative_id)
        enrol.locator("button[type=submit]").click()
        expect(page.locator(f"#initiatives a[href='/initiatives/{initiative_id}']")).to_be_visible()
    expect(page.locator("#initiatives tbody tr")).to_have_count(2)

    # The check-in sheet: both rows by keyboard, each saved by htmx without a reload; the sheet
    # opens on the first row, and a saved row hands the focus to the next one.
    page.locator("#next a[href$='/check-ins']").click()
    expect(page.locator("li.sheet-row")).to_have_count(2)
    page.evaluate("window.__marker = 1")

    expect(page.locator(f"#field-{first}-status")).to_be_focused()
    page.keyboard.type("g")
    expect(page.locator(f"#field-{first}-status")).to_have_value("green")
    page.keyboard.press("Tab")
    expect(page.locator(f"#field-{first}-progress_score")).to_be_focused()
    page.keyboard.type("1.5")
    expect(page.locator(f"#field-{first}-progress_score")).to_have_value("1.5")
    page.keyboard.press("Tab")
    page.keyboard.type("Aamupalaverit aloitettu")
    page.keyboard.press("Enter")

    expect(page.locator(f"#check-in-{first} .saved")).to_be_visible()
    expect(page.locator(f"#check-in-{first} .sheet-recorded")).to_be_visible()
    expect(page.locator(f"#field-{second}-status")).to_be_focused()
    expect(page.locator("#sheet-count")).to_contain_text("1")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"

    page.keyboard.type("a")
    expect(page.locator(f"#field-{second}-status")).to_have_value("amber")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    expect(page.locator(f"#field-{second}-progress_score")).to_have_value("1")
    # Help needed is under "More", after the row's save button.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # opens "More"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(f"#field-{second}-help_needed")).to_be_focused()
    page.keyboard.type("Mittari puuttuu")
    for _ in range(3):  # back past next steps and "More" to the row's save button
        page.keyboard.press("Shift+Tab")
    expect(page.locator(f"#check-in-{second} .sheet-save button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#check-in-{second} .saved")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"

    with site.api() as api:
        dashboard = api.get(f"/api/programmes/{programme_id}/dashboard").json()
    latest = {r["initiative"]["id"]: r["latest_check_in"] for r in dashboard["rows"]}
    assert (latest[first]["status"], latest[first]["progress_score"], latest[first]["done"]) == (
        "green",
        1.5,
        "Aamupalaverit aloitettu",
    )
    assert (latest[second]["status"], latest[second]["progress_score"], latest[second]["help_needed"]) == (
        "amber",
        1.0,
        "Mittari puuttuu",
    )

    # The dashboard shows both, readable without sideways scrolling on a projector and a phone.
    page.goto(f"/programmes/{programme_id}")
    rows = page.locator("#initiatives tbody tr")
    expect(rows.filter(has_text=f"Kotihoidon aamut {suffix}")).to_contain_text("Green")
    expect(rows.filter(has_text=f"Kotihoidon aamut {suffix}")).to_contain_text("Planning begun")
    expect(rows.filter(has_text=f"Palvelutalon lääkejako {suffix}")).to_contain_text("Amber")
    expect(page.locator("#next")).to_contain_text("2 of 2")

    workshop = f"/programmes/{programme_id}/workshops/{dashboard['workshops'][0]['id']}"
    for width, height in ((1920, 1080), (360, 800)):
        page.set_viewport_size({"width": width, "height": height})
        for url in (f"/programmes/{programme_id}", workshop, f"{workshop}/check-ins"):
            page.goto(url)
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{url} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/programmes/{programme_id}")
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('#initiatives td')).fontSize)"
    )
    assert size >= 18, f"the dashboard's text is {size} px on a projector"
