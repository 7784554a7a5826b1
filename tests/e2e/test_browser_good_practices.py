"""A good practice in a real browser against a real server process, the way a 3W project's
manager wrote up the team's work for the closing seminar "Hyvät käytännöt jakoon" (seed 001)
in the fields of Innokylä's template (seed 003): draft it from the initiative's page
(pre-filled), fill in what is still missing, publish version 1 after the confirmation, find
it in the catalogue, open the version with its exports, and retract it with a reason; the
pages read without sideways scrolling on a phone.

Forms and buttons are found by what they post, not by their words.
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site

pytestmark = pytest.mark.e2e

EDIT_URL = re.compile(rf"/good-practices/({UUID_PATH})/edit$")
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
FILLED = {
    "where_implemented": "Vihdin vanhuspalvelut, Kotihoito",
    "operating_environment": "Kotihoidon aamut ruuhkautuivat.\n\nTiimi kokeili porrastettuja käyntejä.",
    "conditions_for_adoption": "Esimies sopii käyntien porrastuksesta tiimin kanssa.",
    "evaluation_results": "Aamukäynnit eivät enää myöhästyneet.",
    "tips_for_adopters": "Aloita yhdestä tiimistä.",
    "target_group_and_customer_understanding": "Kotihoidon asiakkaat, joilla on aamukäynti.",
}


def test_draft_fill_in_publish_find_export_and_retract(page: Page, site: Site) -> None:
    suffix = uuid4().hex[:6]
    name = f"Porrastetut aamukäynnit {suffix}"
    initiative_id = site.propose(name, summary="Kotihoidon aamukäynnit porrastetaan.", themes=["Kotihoito"])

    # Draft from the initiative's page: the edit form opens, pre-filled.
    page.goto(f"/initiatives/{initiative_id}")
    page.locator(f"form[action='/initiatives/{initiative_id}/good-practices'] button[type=submit]").click()
    expect(page).to_have_url(EDIT_URL)
    match = EDIT_URL.search(page.url)
    assert match is not None
    practice_id = match.group(1)
    practice_url = f"/good-practices/{practice_id}"
    form = page.locator(f"form[action='{practice_url}/edit']")
    expect(form.locator("[name=name]")).to_have_value(name)
    expect(form.locator("[name=short_description]")).to_have_value("Kotihoidon aamukäynnit porrastetaan.")
    expect(form.locator("[name=topics]")).to_have_value("Kotihoito")

    # Before filling in: the practice's page lists what publishing still needs.
    page.goto(practice_url)
    expect(page.locator("#missing li")).to_have_count(len(FILLED))

    page.goto(f"{practice_url}/edit")
    for field, words in FILLED.items():
        form.locator(f"[name={field}]").fill(words)
    form.locator("[name=internal_notes]").fill(f"Vain tiimille {suffix}")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{practice_url}$"))
    expect(page.locator("#missing .check-yes")).to_be_visible()
    expect(page.locator("#text-operating_environment p")).to_have_count(2)
    expect(page.locator("#internal-notes")).to_contain_text(f"Vain tiimille {suffix}")

    # Publish after the confirmation: version 1, with its export links.
    page.locator(f"main a[href='{practice_url}/publish']").click()
    publish = page.locator(f"form[action='{practice_url}/publish']")
    expect(publish).to_contain_text("1")
    publish.locator("button[type=submit]").click()
    expect(page.locator("#versions tbody tr")).to_have_count(1)
    expect(page.locator(".status-line")).to_contain_text("Published, version 1")
    expect(page.locator("#exports a")).to_have_count(5)

    # The catalogue finds it by its words.
    page.goto(f"/good-practices?q={suffix}")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Published, version 1")
    rows.first.locator(f"a[href='{practice_url}']").click()

    # The version's page: the published text, never the internal notes, and its exports.
    page.locator(f"#versions a[href='{practice_url}/versions/1']").click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("#provenance")).to_contain_text("event position")
    expect(page.locator("main")).not_to_contain_text(f"Vain tiimille {suffix}")
    hrefs = page.locator("#exports a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) == 5 and all("version=1" in h and "position=" in h for h in hrefs), hrefs
    with site.api() as api:
        for href in hrefs:
            exported = api.get(href)
            assert exported.status_code == 200, f"{href}: {exported.status_code} {exported.text[:500]}"
            assert exported.headers["X-Kipina-Position"].isdigit()
    markdown = next(h for h in hrefs if "/export.md" in h)
    with site.api() as api:
        text = api.get(markdown).text
    assert name in text and f"Vain tiimille {suffix}" not in text

    # Retract with a reason: the practice leaves the public catalogue, its versions stay here.
    page.goto(practice_url)
    page.locator(f"main a[href='{practice_url}/retract']").click()
    retract = page.locator(f"form[action='{practice_url}/retract']")
    retract.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    retract.locator("[name=reason]").fill("Korvattu koko kotihoidon toimintamallilla.")
    retract.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{practice_url}$"))
    expect(page.locator(".as-of-notice")).to_contain_text("Korvattu koko kotihoidon toimintamallilla.")
    expect(page.locator("#versions tbody tr")).to_contain_text("Korvattu")
    with site.api() as api:
        public = api.get(f"/api/public/good-practices/{practice_id}")
        assert public.status_code == 404, public.text

    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.goto(f"{practice_url}/versions/1")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
