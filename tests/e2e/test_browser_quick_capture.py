"""Quick capture on a phone, in a real browser against a real server on each store: an
internal developer (seed 004) plans an experiment from the home page at 390 × 844 px in at
most two taps and two required fields, and reads it back; the main menu is a "Menu"
disclosure and a list page's filters are folded on a phone, open when a filter is in use,
and both show whole on a wide screen.

Before quick capture (measured on the demo data, Chromium at 390 px): from the home page,
planning an experiment took 5 taps (Initiatives in the menu, Search, the initiative, "Plan
an experiment" about 1,500 px down, the save button), a typed search and the form's 2
required fields (title and change idea).

Taps are counted as the clicks the test makes; fields as the form's required controls
(what a person must fill in or choose), whether or not they come filled in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, expect

from tests.e2e.browser import UUID_PATH, Site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
EXPERIMENT_URL = re.compile(rf"/experiments/({UUID_PATH})$")
IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
# What the form's required controls are, counted the way a person meets them: a control
# marked required, or a group (a picker, a set of radio buttons) whose legend says so.
REQUIRED_FIELDS = """form => {
    const names = new Set();
    for (const el of form.querySelectorAll('[required]')) names.add(el.name);
    for (const set of form.querySelectorAll('fieldset')) {
        const legend = set.querySelector(':scope > legend');
        const radio = set.querySelector('input[type=radio]');
        if (legend && legend.querySelector('.required') && radio) names.add(radio.name);
    }
    return [...names].sort();
}"""


def own_initiative(site: Site, user: str, title: str) -> str:
    """An initiative the person owns (their first request registers them)."""
    with site.api(user) as api:
        found = api.get("/api/people", params={"q": user}).json()["items"]
    assert found, f"{user} is not registered"
    return site.propose(title, user=user, owner_id=found[0]["id"])


class Taps:
    """The taps a person makes: every click goes through `tap`."""

    def __init__(self) -> None:
        self.count = 0

    def tap(self, target: Locator) -> None:
        expect(target).to_be_visible()
        target.click()
        self.count += 1


def test_planning_an_experiment_from_the_home_page_on_a_phone_takes_two_taps_and_two_fields(
    browse: Browse, site: Site
) -> None:
    user = f"kehittaja-{site.store}"
    initiative_id = own_initiative(site, user, f"Kiirevastaanoton ajanvaraus ({site.store})")
    page = browse(user=user, lang="fi", viewport=PHONE).new_page()
    page.goto("/")
    taps = Taps()

    new = page.locator("main .quick-actions a[href='/experiments/new']")
    # Prominent: on the first screen, full width.
    box = new.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"] and box["width"] >= 300, box
    taps.tap(new)
    expect(page).to_have_url(re.compile(r"/experiments/new$"))

    form = page.locator("main form[action='/experiments/new']")
    required: list[str] = form.evaluate(REQUIRED_FIELDS)
    assert required == ["change_idea", "initiative_id"], required
    # The person's own initiative comes chosen; the one field typed is what they will try.
    expect(form.locator(f"input[name=initiative_id][value='{initiative_id}']")).to_be_checked()
    form.locator("[name=change_idea]").fill(IDEA)
    taps.tap(form.locator("button[type=submit]").last)

    expect(page).to_have_url(EXPERIMENT_URL)
    assert taps.count <= 2 and len(required) <= 2, (taps.count, required)
    assert (taps.count, len(required)) == (2, 2)
    expect(page.locator("#flash")).to_contain_text("Kokeilu kirjattiin suunnitelluksi")
    expect(page.locator(".status-line .stage-planned")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    match = EXPERIMENT_URL.search(page.url)
    assert match is not None
    with site.api(user) as api:
        found = api.get(f"/api/experiments/{match.group(1)}").json()
    assert (found["initiative"]["id"], found["change_idea"], found["stage"]) == (
        initiative_id,
        IDEA,
        "planned",
    )
    assert found["title"] == IDEA  # short enough to be the title whole
    # The next step's form comes first on the page it lands on.
    expect(page.locator("main form[method=post]").first).to_have_attribute(
        "action", f"/experiments/{match.group(1)}/start"
    )


def test_on_a_phone_the_menu_and_the_filters_are_folded_and_open_with_a_tap(
    browse: Browse, site: Site
) -> None:
    page = browse(viewport=PHONE).new_page()
    page.goto("/experiments")
    menu = page.locator("nav.main-nav details.main-menu")
    link = menu.locator("a[href='/initiatives']")
    expect(link).to_be_hidden()
    # The header is short: the page's heading is on the first screen, near the top.
    heading = page.locator("main h1").bounding_box()
    assert heading is not None and heading["y"] < 160, heading
    menu.locator("summary").click()
    expect(link).to_be_visible()
    menu.locator("summary").click()
    expect(link).to_be_hidden()

    filters = page.locator("main details.filter-box")
    stage = filters.locator("select[name=stage]")
    expect(stage).to_be_hidden()
    expect(page.locator("#results-heading")).to_be_in_viewport()
    filters.locator("summary").click()
    expect(stage).to_be_visible()
    stage.select_option("decided")
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"stage=decided"))
    # A filter in use: the form stays open, showing what is chosen.
    expect(page.locator("main details.filter-box select[name=stage]")).to_be_visible()
    expect(page.locator("main details.filter-box select[name=stage]")).to_have_value("decided")

    page.goto("/initiatives")
    expect(page.locator("main details.filter-box input[name=q]")).to_be_hidden()


def test_on_a_wide_screen_the_menu_and_the_filters_show_whole(browse: Browse, site: Site) -> None:
    page = browse(viewport=WIDE).new_page()
    page.goto("/experiments")
    expect(page.locator("details.main-menu > summary")).to_be_hidden()
    expect(page.locator("nav.main-nav a[href='/initiatives']")).to_be_visible()
    expect(page.locator("details.filter-box > summary")).to_be_hidden()
    expect(page.locator("details.filter-box select[name=stage]")).to_be_visible()
    page.locator("nav.main-nav a[href='/initiatives']").click()
    expect(page).to_have_url(re.compile(r"/initiatives$"))
    expect(page.locator("main details.filter-box input[name=q]")).to_be_visible()
