"""A development target in a real browser against a real server process, the way
Heinävesi's basic services set their common targets for 2012 (seed 000) with the KS model's
strategies (seed 002): define the target through its form, link the initiative that carries
it out, record the yearly review, and watch the coverage change from "no activity" to the
linked initiative with its status; the page reads without sideways scrolling on a phone.

Forms and buttons are found by what they post, not by their words.
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site

pytestmark = pytest.mark.e2e

TARGET_URL = re.compile(rf"/targets/({UUID_PATH})(#[a-z-]+)?$")
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_define_a_target_link_an_initiative_and_review_it(page: Page, site: Site) -> None:
    suffix = uuid4().hex[:6]
    initiative_id = site.propose(f"Tavoitteellinen työkierto {suffix}")

    # Define the target through its form: the strategy is a radio with the KS meaning under it.
    page.goto("/targets")
    page.locator("main a[href='/targets/new']").click()
    define = page.locator("form[action='/targets/new']")
    define.locator("[name=title]").fill(f"Työkierto {suffix}")
    define.locator("input[name=strategy][value=develop]").check()
    define.locator("[name=responsible_role]").select_option("unit_manager")
    define.locator("[name=period_start]").fill("2012-01-01")
    define.locator("[name=period_end]").fill("2012-12-31")
    define.locator("button[type=submit]").click()
    expect(page).to_have_url(TARGET_URL)
    match = TARGET_URL.search(page.url)
    assert match is not None
    target_id = match.group(1)
    expect(page.locator("h1")).to_have_text(f"Työkierto {suffix}")
    coverage = page.locator("#coverage")
    expect(coverage.locator(".target-flags")).to_contain_text("No measure")
    expect(coverage.locator(".target-flags")).to_contain_text("No activity in the past year")

    # Link the initiative: the coverage lists it with its status.
    link = page.locator(f"form[action='/targets/{target_id}/links']").filter(
        has=page.locator("input[name=record_type][value=initiative]")
    )
    # The initiative picker: type, wait for the options to follow, choose, link.
    link.locator("#field-link_initiative_id").fill(suffix)
    expect(page.locator("#picker-link_initiative_id-status")).not_to_be_empty()
    link.locator(f"input[name=link_initiative_id][value='{initiative_id}']").check()
    link.locator("button[type=submit]:not([name=_pick])").click()
    expect(coverage.locator(f"a[href='/initiatives/{initiative_id}']")).to_be_visible()
    expect(coverage.locator(".coverage-table tbody tr")).to_have_count(1)
    expect(coverage.locator(".coverage-table")).to_contain_text("Proposed")

    # Record the yearly review; a second one for the year corrects the first.
    for status, words in (("on_track", "Opas luonnoksena."), ("achieved", "Kuusi hoitajaa kierrossa.")):
        review = page.locator(f"form[action='/targets/{target_id}/reviews']")
        review.locator("[name=year]").fill("2012")
        review.locator("[name=review_status]").select_option(status)
        review.locator("[name=decision]").select_option("continue")
        review.locator("[name=what_changed]").fill(words)
        review.locator("button[type=submit]").click()
        expect(page.locator("#reviews tbody")).to_contain_text(words)
    rows = page.locator("#reviews tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Achieved")
    expect(page.locator("#reviews tbody tr.corrected")).to_contain_text("On track")

    # Moving the initiative shows in the coverage, and the page fits a phone.
    with site.api() as api:
        for verb in ("plan", "start"):
            moved = api.post(f"/api/initiatives/{initiative_id}/{verb}", json={})
            assert moved.status_code == 200, moved.text
    page.reload()
    expect(coverage.locator(".coverage-table")).to_contain_text("In progress")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
