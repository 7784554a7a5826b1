"""Change Day in a real browser against a real server: create a campaign, pledge,
complete the action with a story and see the wall's counts change; import a small
CSV file with one bad row and read the report's line.

Forms are found by what they post (their action), not by their words.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site

pytestmark = pytest.mark.e2e

CAMPAIGN_URL = re.compile(rf"/campaigns/({UUID_PATH})$")
ACTION_URL = re.compile(rf"/actions/({UUID_PATH})$")


def test_pledge_complete_and_the_wall_counts(page: Page, site: Site) -> None:
    page.goto("/campaigns")
    page.fill("#field-name", "Kotihoidon Change Day")
    page.fill("#field-held_on", "2016-03-16")
    page.fill("#field-target_count", "10")
    with page.expect_navigation():
        page.locator("form[action='/campaigns'] button[type=submit]").click()
    expect(page).to_have_url(CAMPAIGN_URL)
    wall_url = page.url
    expect(page.locator("#total-pledged")).to_have_text("0")
    expect(page.locator("#total-completed")).to_have_text("0")

    page.locator("main a[href$='/pledge']").first.click()
    page.fill("#field-text", "Me lupaamme kysyä jokaiselta asiakkaalta, mikä hänelle on tänään tärkeintä.")
    page.check("#pledger-team")
    page.fill("#field-team", "Kotihoidon tiimi 3")
    page.select_option("#field-category", "patient_experience")
    with page.expect_navigation():
        page.locator("form[action$='/pledge'] button[type=submit]:not([name=_pick])").click()
    expect(page).to_have_url(ACTION_URL)

    # An empty story is refused next to its field; then the real one awards the handprint.
    with page.expect_navigation():
        page.locator("form[action$='/complete'] button[type=submit]").click()
    expect(page.locator("#error-story")).to_be_visible()
    expect(page.locator("#field-story")).to_have_attribute("aria-invalid", "true")
    page.fill("#field-story", "Kysyimme kahdeltatoista asiakkaalta; kolme käyntiä järjestettiin uudelleen.")
    with page.expect_navigation():
        page.locator("form[action$='/complete'] button[type=submit]").click()
    expect(page.locator("#handprint")).to_be_visible()
    expect(page.locator("#history .history-entry").first).to_contain_text("Completed")

    page.goto(wall_url)
    expect(page.locator("#total-pledged")).to_have_text("1")
    expect(page.locator("#total-completed")).to_have_text("1")
    expect(page.locator("#stories")).to_contain_text("kolme käyntiä")


def test_import_a_small_csv_with_one_bad_row(page: Page, site: Site) -> None:
    with site.api() as api:
        created = api.post(
            "/api/campaigns", json={"name": "Tuontitesti", "date": "2016-03-16", "target_count": 5}
        )
        assert created.status_code == 201, created.text
        campaign_id = created.json()["id"]
    page.goto(f"/campaigns/{campaign_id}/import")
    csv = "text;team;category\nLupaan hymyillä;Vuodeosasto;muu\n;Vuodeosasto;ympäristö\n"
    page.set_input_files(
        "#field-file", files=[{"name": "lupaukset.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    with page.expect_navigation():
        page.locator("form[action$='/import'] button[type=submit]").click()
    rejected = page.locator("#rejected")
    expect(rejected.locator("th[scope=row]")).to_have_text("3")
    expect(rejected).to_contain_text("text is required")
    expect(page.locator("#report")).to_contain_text("1 pledge was recorded.")
    page.goto(f"/campaigns/{campaign_id}")
    expect(page.locator("#total-pledged")).to_have_text("1")
