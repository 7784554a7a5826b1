"""A measure in a real browser against a real server process, the way a home-care team
(seed 000) follows the waiting time of its morning visits: define the measure, record
values month by month without leaving the page (htmx refreshes the chart and the table),
correct a mistyped value, and read the chart by its title and description; it fits a
phone's width. Without JavaScript the same form posts and the page comes back.

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

MEASURE_URL = re.compile(rf"/measures/({UUID_PATH})(#[a-z0-9-]+)?$")
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def define(page: Page, site: Site, name: str) -> str:
    initiative_id = site.propose(f"Kotihoidon aamut {uuid4().hex[:6]}")
    page.goto(f"/initiatives/{initiative_id}")
    page.locator(f"#measures a[href='/initiatives/{initiative_id}/measures/new']").click()
    form = page.locator(f"form[action='/initiatives/{initiative_id}/measures/new']")
    form.locator("[name=name]").fill(name)
    form.locator("[name=unit]").fill("min")
    form.locator("[name=direction]").select_option("down")
    form.locator("[name=frequency]").select_option("monthly")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(MEASURE_URL)
    match = MEASURE_URL.search(page.url)
    assert match is not None
    return match.group(1)


def test_record_values_with_htmx_and_correct_one(page: Page, site: Site) -> None:
    name = f"Aamukäyntien odotusaika {uuid4().hex[:6]}"
    measure_id = define(page, site, name)
    chart = page.locator("#measure-data svg.run-chart")
    expect(chart.locator("title").first).to_have_text(f"{name} (min)")
    expect(chart.locator("desc")).to_contain_text(name)
    expect(chart.locator("circle.point")).to_have_count(0)
    page.evaluate("window.__marker = 1")

    # Record three months by keyboard: each save refreshes the chart and the table in place.
    for count, (period, value) in enumerate((("2018-01", "42"), ("2018-02", "44,5"), ("2018-03", "40")), 1):
        period_field = page.locator("#field-period")
        period_field.fill(period)
        page.locator("#field-value").fill(value)
        page.locator("#field-value").press("Enter")
        expect(page.locator("#values tbody tr")).to_have_count(count)
        expect(chart.locator("circle.point")).to_have_count(count)
        expect(page.locator("#field-period")).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "no reload"
    expect(page.locator("#field-period")).to_have_value("2018-04")
    expect(page.locator("#values tbody tr").nth(1).locator("td").first).to_have_text("44.5")

    # A second value for a period is refused next to the period field, in place.
    page.locator("#field-period").fill("2018-02")
    page.locator("#field-value").fill("41")
    page.locator("#record button[type=submit]").click()
    expect(page.locator("#error-period")).to_contain_text("already has a value")
    expect(page.locator("#values tbody tr")).to_have_count(3)

    # Correct the mistyped value on its own page.
    row = page.locator("#values tbody tr").nth(1)
    row.locator(f"a[href^='/measures/{measure_id}/values/']").click()
    correct = page.locator("main form[method=post]")
    correct.locator("[name=value]").fill("45")
    correct.locator("[name=reason]").fill("Näppäilyvirhe")
    correct.locator("button[type=submit]").click()
    expect(page).to_have_url(MEASURE_URL)
    corrected = page.locator("#values tbody tr").nth(1)
    expect(corrected.locator("td").first).to_have_text("45")
    expect(corrected.locator("td").nth(1)).to_contain_text("44.5")
    expect(chart.locator("circle.point")).to_have_count(3)

    # The chart fits a phone's width.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 360


def test_a_value_is_recorded_without_javascript(browse: Browse, site: Site) -> None:
    page = browse(java_script_enabled=False).new_page()
    measure_id = define(page, site, f"Odotusaika ilman skriptejä {uuid4().hex[:6]}")
    page.locator("#field-period").fill("2018-01")
    page.locator("#field-value").fill("42")
    page.locator("#record button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/measures/{measure_id}#measure-data$"))
    expect(page.locator("#values tbody tr")).to_have_count(1)
    expect(page.locator("#measure-data svg circle.point")).to_have_count(1)
