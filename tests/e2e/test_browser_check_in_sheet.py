"""A workshop day's check-ins in one sitting, by keyboard alone, in a real browser against a
real server on both stores: thirty enrolled initiatives (set up through the API, enrolled
with one bulk request), every row filled with keyboard.type and keyboard.press only, the
actions counted, and the thirty check-ins read back through the API. Also: a refused row
takes the focus to its wrong field, and without JavaScript the sheet saves every changed row
in one post. The bulk-enrol page ticks what it shows and enrols all at once.

The sheet's design is three keys per initiative besides typing: the status and the score
are picked by typing (their first letter, their number), Tab moves on, Enter saves the row
and puts the focus on the next one. Before this sheet, the same check-in took Space, Tab,
arrow keys for the score, Tab, the text, four more Tabs and Enter: at least eight keys per
initiative, 240 for thirty (see the issue's note).
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import Site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

SITTING = 30
KEYS_PER_ROW = 3  # Tab, Tab, Enter
FIELDS_PER_ROW = 3  # status, score, one sentence
STATUSES = ("green", "amber", "red")
SCORES = ("0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5")


def programme_with(site: Site, count: int, suffix: str) -> tuple[str, str, list[str]]:
    """A programme with one workshop and `count` initiatives enrolled in one bulk request."""
    ids = [site.propose(f"Hanke {n:02d} {suffix}") for n in range(count)]
    with site.api() as api:
        created = api.post(
            "/api/programmes",
            json={"name": f"Työpajapäivä {suffix}", "period_start": "2018-04-01", "period_end": "2019-04-30"},
        )
        assert created.status_code == 201, created.text
        programme_id = created.json()["id"]
        workshop = api.post(
            f"/api/programmes/{programme_id}/workshops", json={"day": "2018-09-13", "title": "Työpaja 1"}
        )
        assert workshop.status_code == 201, workshop.text
        enrolled = api.post(f"/api/programmes/{programme_id}/enrolments", json={"initiative_ids": ids})
        assert enrolled.status_code == 200, enrolled.text
    return programme_id, workshop.json()["id"], ids


class Keyboard:
    """The page's keyboard, counting what a person does: keys that are not typing, and the
    fields they type into."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.keys = 0
        self.fields = 0

    def press(self, key: str) -> None:
        self.keys += 1
        self.page.keyboard.press(key)

    def fill(self, text: str) -> None:
        self.fields += 1
        self.page.keyboard.type(text)


def test_thirty_check_ins_in_one_sitting_by_keyboard(page: Page, site: Site) -> None:
    suffix = uuid4().hex[:6]
    programme_id, workshop_id, ids = programme_with(site, SITTING, suffix)
    page.goto(f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins")
    rows = page.locator("li.sheet-row")
    expect(rows).to_have_count(SITTING)
    order = [str(row.get_attribute("id")).removeprefix("check-in-") for row in rows.all()]
    assert sorted(order) == sorted(ids)
    page.evaluate("window.__marker = 1")
    expected: dict[str, tuple[str, float, str]] = {}
    keyboard = Keyboard(page)

    # The sheet opens with the focus on the first row's status.
    for n, initiative_id in enumerate(order):
        status, score = STATUSES[n % 3], SCORES[n % len(SCORES)]
        sentence = f"Rivi {n}: aamupalaverit vakiintuivat."
        expect(page.locator(f"#field-{initiative_id}-status")).to_be_focused()
        keyboard.fill(status[0])  # "g", "a" or "r" picks green, amber or red
        keyboard.press("Tab")
        keyboard.fill(score)  # the score's number picks its step
        keyboard.press("Tab")
        keyboard.fill(sentence)
        keyboard.press("Enter")
        expect(page.locator(f"#check-in-{initiative_id} .saved")).to_be_visible()
        expected[initiative_id] = (status, float(score), sentence)

    expect(page.locator("#sheet-count")).to_have_text(f"{SITTING} of {SITTING} initiatives have checked in.")
    expect(page.locator("#sheet-end")).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    print(f"\n{SITTING} check-ins by keyboard: {keyboard.keys} keys besides typing, {keyboard.fields} fields")
    assert keyboard.keys <= SITTING * KEYS_PER_ROW
    assert keyboard.fields <= SITTING * FIELDS_PER_ROW

    with site.api() as api:
        dashboard = api.get(f"/api/programmes/{programme_id}/dashboard")
        assert dashboard.status_code == 200, dashboard.text
        recorded = {
            r["initiative"]["id"]: (
                r["latest_check_in"]["status"],
                r["latest_check_in"]["progress_score"],
                r["latest_check_in"]["done"],
            )
            for r in dashboard.json()["rows"]
            if r["latest_check_in"]
        }
        counted = [len(api.get(f"/api/initiatives/{i}/check-ins").json()["items"]) for i in ids]
    assert recorded == expected
    assert counted == [1] * SITTING, "each initiative checked in once"


def test_a_refused_row_keeps_the_focus_on_its_wrong_field(page: Page, site: Site) -> None:
    programme_id, workshop_id, ids = programme_with(site, 2, uuid4().hex[:6])
    page.goto(f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins")
    first = str(page.locator("li.sheet-row").first.get_attribute("id")).removeprefix("check-in-")
    expect(page.locator(f"#field-{first}-status")).to_be_focused()
    page.keyboard.type("a")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # no score
    page.keyboard.type("Pisteet unohtuivat.")
    page.keyboard.press("Enter")

    score = page.locator(f"#field-{first}-progress_score")
    expect(score).to_be_focused()
    expect(score).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#error-{first}-progress_score")).to_contain_text("progress scale")
    expect(page.locator(f"#field-{first}-done")).to_have_value("Pisteet unohtuivat.")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.locator(f"#check-in-{first} .saved")).to_be_visible()
    second = next(i for i in ids if i != first)
    expect(page.locator(f"#field-{second}-status")).to_be_focused()
    with site.api() as api:
        [check_in] = api.get(f"/api/initiatives/{first}/check-ins").json()["items"]
    assert (check_in["status"], check_in["progress_score"]) == ("amber", 2.0)


def test_without_javascript_the_sheet_saves_every_changed_row(browse: Browse, site: Site) -> None:
    programme_id, workshop_id, ids = programme_with(site, 3, uuid4().hex[:6])
    page = browse(java_script_enabled=False).new_page()
    sheet = f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins"
    page.goto(sheet)
    for initiative_id, (status, score) in zip(ids[:2], (("red", "0.5"), ("green", "3")), strict=True):
        page.locator(f"#field-{initiative_id}-status").select_option(status)
        page.locator(f"#field-{initiative_id}-progress_score").select_option(score)
    page.locator(f"#field-{ids[2]}-status").select_option("amber")  # no score: refused
    page.locator(".sheet-all button").click()

    expect(page.locator("#problem-summary")).to_contain_text("2 check-ins were saved")
    expect(page.locator(f"#error-{ids[2]}-progress_score")).to_be_visible()
    expect(page.locator(f"#field-{ids[2]}-status")).to_have_value("amber")
    page.locator(f"#field-{ids[2]}-progress_score").select_option("1")
    page.locator(f"#check-in-{ids[2]} .sheet-save button").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(sheet)}\?saved=[0-9a-f.-]+#sheet-end$"))
    expect(page.locator("#sheet-count")).to_have_text("3 of 3 initiatives have checked in.")
    with site.api() as api:
        counted = [len(api.get(f"/api/initiatives/{i}/check-ins").json()["items"]) for i in ids]
    assert counted == [1, 1, 1]


def test_enrol_many_initiatives_from_one_page(page: Page, site: Site) -> None:
    suffix = uuid4().hex[:6]
    ids = [site.propose(f"Kotiutus {n} {suffix}") for n in range(4)]
    with site.api() as api:
        created = api.post(
            "/api/programmes",
            json={
                "name": f"Monta kerralla {suffix}",
                "period_start": "2018-04-01",
                "period_end": "2019-04-30",
            },
        )
        assert created.status_code == 201, created.text
        programme_id = created.json()["id"]
    page.goto(f"/programmes/{programme_id}/enrol")
    page.locator("#field-q").fill(f"Kotiutus {suffix}".split()[0] + " ")
    page.locator("#field-q").fill(suffix)
    shown = page.locator("[data-enrol-row]:not([hidden])")
    expect(shown).to_have_count(4)
    page.locator("[data-enrol-select-all]").click()
    for initiative_id in ids:
        expect(page.locator(f"#enrol-{initiative_id}")).to_be_checked()
    page.locator("#enrol-form button[value=enrol]").click()
    expect(page).to_have_url(re.compile(rf"/programmes/{programme_id}$"))
    expect(page.locator("#flash")).to_contain_text("The chosen initiatives were enrolled.")
    with site.api() as api:
        enrolled = [
            e["initiative"]["id"] for e in api.get(f"/api/programmes/{programme_id}").json()["initiatives"]
        ]
    assert sorted(enrolled) == sorted(ids)
