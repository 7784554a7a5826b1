"""A job-rotation placement in a real browser against a real server process (both
stores): propose one with the host unit the same as the home unit, see the error next
to the field, fix it, approve, start, record a reflection without leaving the page,
complete it, and find the person away from the home unit in the rotation calendar.

Buttons are found by what their forms post, not by their words.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site

pytestmark = pytest.mark.e2e

ROTATION_URL = re.compile(rf"/rotations/({UUID_PATH})$")


def press(page: Page, verb: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$='/{verb}'] button[type=submit]").click()


def pick(page: Page, name: str, typed: str, wanted: str) -> None:
    """Choose in a picker by keyboard alone: type (the options follow, htmx), ArrowDown to
    the options, arrow keys until `wanted` is chosen, Enter (which chooses, not submits)."""
    url = page.url
    search = page.locator(f"#field-{name}")
    search.fill(typed)
    # The options follow the typing: wait for them (their count is announced) before choosing.
    expect(page.locator(f"#picker-{name}-status")).not_to_be_empty()
    options = page.locator(f"#picker-{name}-options")
    expect(options.locator("label", has_text=wanted).first).to_be_visible()
    search.press("ArrowDown")
    for _ in range(25):
        checked = options.locator("input:checked")
        expect(checked).to_have_count(1)
        label = options.locator(f"label[for='{checked.get_attribute('id')}']").inner_text()
        if label == wanted:
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"{wanted!r} not among the options of {name}")
    page.keyboard.press("Enter")
    expect(page.locator(f"#picker-{name}-status")).to_contain_text(wanted)
    assert page.url == url, "Enter chose the option; it did not submit the form"


def save(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action='{action}'] button[type=submit]:not([name=_pick])").click()


def status_of(page: Page) -> str:
    badge = page.locator(".status-line .status")
    classes = (badge.get_attribute("class") or "").split()
    return next(c.removeprefix("status-") for c in classes if c != "status")


def test_a_placement_from_proposal_to_completion_and_in_the_calendar(page: Page, site: Site) -> None:
    with site.api() as api:
        created = api.post("/api/people", json={"name": "Työkiertäjä Testinen"})
        assert created.status_code == 201, created.text

    page.goto("/rotations/new")
    pick(page, "person_id", "testinen", "Työkiertäjä Testinen")
    pick(page, "home_unit_id", "kotihoito heinäveden", "Kotihoito — Heinäveden kunta")
    pick(page, "host_unit_id", "kotihoito heinäveden", "Kotihoito — Heinäveden kunta")
    page.fill("#field-starts_on", "2012-10-01")
    page.fill("#field-ends_on", "2012-10-26")
    page.fill("#field-learning_goals", "Vuodeosaston kotiutuskäytännöt tutuiksi")
    pick(page, "mentor_id", "osastonhoitaja", "Vuodeosaston osastonhoitaja (demo) — Heinäveden kunta")
    pick(page, "initiative_id", "työkierto", "Tavoitteellinen työkierto — Heinäveden kunta")
    save(page, "/rotations/new")

    # Refused: the message sits next to the host unit, tied to it; nothing typed is lost.
    expect(page.locator(".error-summary a[href='#field-host_unit_id']")).to_be_visible()
    expect(page.locator("#error-host_unit_id")).to_be_visible()
    expect(page.locator("#field-host_unit_id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-host_unit_id")).to_have_attribute(
        "aria-describedby", re.compile(r"\berror-host_unit_id\b")
    )
    expect(page.locator("#field-learning_goals")).to_have_value("Vuodeosaston kotiutuskäytännöt tutuiksi")
    expect(page.locator("#field-starts_on")).to_have_value("2012-10-01")

    pick(page, "host_unit_id", "vuodeosasto", "Terveyskeskuksen vuodeosasto — Heinäveden kunta")
    save(page, "/rotations/new")
    expect(page).to_have_url(ROTATION_URL)
    expect(page.locator("h1")).to_have_text("Työkiertäjä Testinen: Kotihoito → Terveyskeskuksen vuodeosasto")
    assert status_of(page) == "proposed"
    placement_url = page.url

    press(page, "approve")
    assert status_of(page) == "approved"
    expect(page.locator("section[aria-labelledby=details-heading]")).to_contain_text("tester")
    press(page, "start")
    assert status_of(page) == "started"

    # The reflection goes in with htmx: the section is swapped, the page stays.
    before = page.url
    page.fill("#field-reflection-text", "Osastolla kotiutus alkaa jo tulopäivänä.")
    page.locator("#reflections button[type=submit]").click()
    expect(page.locator("#reflections .notes")).to_contain_text("Osastolla kotiutus alkaa jo tulopäivänä.")
    expect(page.locator("#history .history-entry").first).to_contain_text("Reflection recorded")
    assert page.url == before and before.startswith(placement_url)

    page.fill("#field-learned", "Kotiutuksen tarkistuslista")
    page.fill("#field-bring_home", "Tarkistuslista kotihoidon käyttöön")
    page.fill("#field-host_feedback", "Toi kotihoidon näkökulman osastolle")
    press(page, "complete")
    assert status_of(page) == "completed"
    expect(page.locator("#complete")).to_have_count(0)

    page.goto("/rotations/calendar?from=2012-10-01&to=2012-10-31")
    away = page.get_by_role("table", name="Away from Kotihoito", exact=True)
    expect(away.locator("th[scope=row]")).to_contain_text(["Työkiertäjä Testinen"])
    hosted = page.get_by_role("table", name="Hosted by Terveyskeskuksen vuodeosasto", exact=True)
    expect(hosted).to_contain_text("Työkiertäjä Testinen")
    weeks = page.get_by_role(
        "table", name="People away from and hosted by Kotihoito, week by week", exact=True
    )
    # Week 40 of 2012 (1.–7.10.): the person is away from Kotihoito.
    expect(weeks.locator("tbody tr").first.locator("td").first).to_have_text("1")


def test_enter_in_another_field_of_a_form_with_pickers_saves_it(page: Page, site: Site) -> None:
    """The first submit button of a form with pickers is a picker's Search: Enter in the
    title must still save the form, not search."""
    page.goto("/initiatives/new")
    page.fill("#field-title", "Enterillä tallennettu kehittämishanke")
    with page.expect_navigation():
        page.locator("#field-title").press("Enter")
    expect(page).to_have_url(re.compile(rf"/initiatives/{UUID_PATH}$"))
    expect(page.locator("h1")).to_have_text("Enterillä tallennettu kehittämishanke")
