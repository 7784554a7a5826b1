"""A series of measure values pasted from a spreadsheet in a real browser against a real
server process (both stores): one bad line among them is named by its line number in the
preview, nothing is recorded for it, the others are recorded on confirm, and the run chart
shows them, on the paste page and on the measure's page. The page fits a phone's width.

Forms and buttons are found by what they post and by ids, not by their words.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import Site
from tests.e2e.test_browser_measures import NO_SIDEWAYS_SCROLL, define

pytestmark = pytest.mark.e2e

# Copied from a spreadsheet: tabs, a header, a decimal comma, and a typo on line 4.
SERIES = "Kausi\tArvo\n2018-01\t42\n2018-02\t44,5\n2018-03\tneljäkymmentä\n2018-04\t40\n"


def test_paste_a_series_with_one_bad_line(page: Page, site: Site) -> None:
    measure_id = define(page, site, f"Aamukäyntien odotusaika {uuid4().hex[:6]}")
    bulk = f"/measures/{measure_id}/values/bulk"
    page.locator(f"a[href='{bulk}']").click()
    page.locator("#field-lines").fill(SERIES)
    page.locator(f"form[action='{bulk}'][enctype='multipart/form-data'] button[type=submit]").click()

    # The preview: line 4 rejected with its reason, the three others to be recorded.
    lines = page.locator("#series-lines tbody tr")
    expect(lines).to_have_count(4)
    expect(page.locator("#line-4.series-rejected")).to_contain_text("neljäkymmentä")
    expect(page.locator("#series-lines tr.series-new")).to_have_count(3)
    confirm = page.locator(f"form[action='{bulk}']:has(input[name=step][value=record]) button[type=submit]")
    expect(confirm).to_be_visible()
    assert site.api().get(f"/api/measures/{measure_id}/values").json()["items"] == []

    confirm.click()
    expect(page.locator("#series-lines tr.series-recorded")).to_have_count(3)
    expect(page.locator("#line-4.series-rejected")).to_be_visible()
    expect(page.locator("svg.run-chart circle.point")).to_have_count(3)
    values = site.api().get(f"/api/measures/{measure_id}/values").json()["items"]
    assert sorted((v["period"], v["value"]) for v in values) == [
        ("2018-01", 42.0),
        ("2018-02", 44.5),
        ("2018-04", 40.0),
    ]

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.goto(f"/measures/{measure_id}")
    expect(page.locator("#values tbody tr")).to_have_count(3)
    expect(page.locator("#measure-data svg.run-chart circle.point")).to_have_count(3)
