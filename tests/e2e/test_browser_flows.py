"""What people do in Kipinä, done in a real browser against a real server process:
propose an initiative (and fix a mistake on the way), move it through its life,
add a note without leaving the page, switch language, do it all by keyboard,
save over each other's edits, and use it on a phone and on paper.

Buttons are found by what they post (their form's action), not by their words,
so the tests do not break when a translation changes; pages run in English where
a test reads words (history entries and the like).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import LANG_COOKIE, UUID_PATH, Site, focus_is_visible, move_button
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

INITIATIVE_URL = re.compile(rf"/initiatives/({UUID_PATH})$")


def newest_history_entry(page: Page) -> Locator:
    return page.locator("#history .history-entry").first


def assert_recent(page: Page, entry: Locator) -> None:
    """The entry says when it was recorded: a machine-readable time within the last minutes."""
    stamp = entry.locator("time").get_attribute("datetime")
    assert stamp is not None
    recorded = datetime.fromisoformat(stamp)
    now = datetime.now(recorded.tzinfo)
    assert now - timedelta(minutes=5) < recorded <= now + timedelta(seconds=5), stamp


def expect_flash(page: Page) -> None:
    expect(page.locator("#flash .flash")).to_be_visible()


# ---- proposing --------------------------------------------------------------------------


def test_propose_through_the_form_after_fixing_a_validation_error(page: Page, site: Site) -> None:
    page.goto("/initiatives/new")
    page.fill("#field-summary", "Kotihoidon asiakaskäyntien suunnittelu yhdessä asiakkaan kanssa.")
    page.select_option("#field-organisation_id", label="Heinäveden kunta")
    page.fill("#field-themes", "kotihoito, Lean")
    page.fill("#field-goals", "Käyntisuunnitelma jokaiselle asiakkaalle\nAsiakaspalaute kerätään")
    page.locator("form[action='/initiatives/new'] button[type=submit]:not([name=_pick])").click()

    # Refused: the summary at the top links to the field, the message sits next to it.
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#field-title']")).to_be_visible()
    expect(page.locator("#error-title")).to_be_visible()
    expect(page.locator("#field-title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-title")).to_have_attribute("aria-describedby", re.compile(r"\berror-title\b"))
    # Nothing typed is lost.
    expect(page.locator("#field-summary")).to_have_value(
        "Kotihoidon asiakaskäyntien suunnittelu yhdessä asiakkaan kanssa."
    )
    expect(page.locator("#field-organisation_id option:checked")).to_have_text("Heinäveden kunta")
    expect(page.locator("#field-themes")).to_have_value("kotihoito, Lean")
    expect(page.locator("#field-goals")).to_have_value(
        "Käyntisuunnitelma jokaiselle asiakkaalle\nAsiakaspalaute kerätään"
    )
    # The error link takes the reader to the field.
    summary.locator("a[href='#field-title']").click()
    expect(page.locator("#field-title")).to_be_focused()

    page.fill("#field-title", "Asiakaslähtöinen kotihoito")
    page.locator("form[action='/initiatives/new'] button[type=submit]:not([name=_pick])").click()

    expect(page).to_have_url(INITIATIVE_URL)
    expect_flash(page)
    expect(page.locator("h1")).to_have_text("Asiakaslähtöinen kotihoito")
    expect(page.locator(".status-line .status")).to_have_class(re.compile(r"\bstatus-proposed\b"))
    details = page.locator("section[aria-labelledby=details-heading]")
    expect(details).to_contain_text("Kotihoidon asiakaskäyntien suunnittelu")
    expect(details).to_contain_text("Heinäveden kunta")
    expect(details).to_contain_text("kotihoito, Lean")
    expect(page.locator("#goals li")).to_have_count(2)
    # The flash is shown once: not again on reload.
    page.reload()
    expect(page.locator("h1")).to_have_text("Asiakaslähtöinen kotihoito")
    expect(page.locator("#flash .flash")).to_have_count(0)


# ---- lifecycle ---------------------------------------------------------------------------


def test_lifecycle_buttons_move_it_to_completed_and_history_shows_each_step(page: Page, site: Site) -> None:
    initiative_id = site.propose("Lifecycle by buttons", user="tester")
    page.goto(f"/initiatives/{initiative_id}")
    steps = [
        ("plan", "planned", "Planned"),
        ("start", "in_progress", "In progress"),
        ("evaluate", "evaluating", "Evaluating"),
        ("complete", "completed", "Completed"),
    ]
    old_label = "Proposed"
    for number, (verb, status, label) in enumerate(steps, start=2):
        move_button(page, verb).click()
        expect_flash(page)
        expect(page.locator(".status-line .status")).to_have_class(re.compile(rf"\bstatus-{status}\b"))
        expect(page.locator("#history .history-entry")).to_have_count(number)
        entry = newest_history_entry(page)
        # Who, when and what changed: "by tester", a time, and Status: old -> new.
        expect(entry.locator(".history-meta")).to_contain_text("tester")
        assert_recent(page, entry)
        change = entry.locator(".changes div", has_text="Status")
        expect(change.locator("del")).to_contain_text(old_label)
        expect(change.locator("ins")).to_contain_text(label)
        old_label = label
    # Completed: the only way on is to spread it.
    expect(page.locator(".move-buttons li")).to_have_count(1)
    expect(move_button(page, "spread")).to_be_visible()
    assert site.initiative(initiative_id)["status"] == "completed"


def test_pause_and_discontinue_through_their_forms(page: Page, site: Site) -> None:
    initiative_id = site.propose("Paused, then stopped", user="tester")
    site.move(initiative_id, "plan", "start", user="tester")
    page.goto(f"/initiatives/{initiative_id}")

    page.locator(f"a[href='/initiatives/{initiative_id}/move/pause']").click()
    expect(page).to_have_url(re.compile(r"/move/pause$"))
    page.fill("#field-reason", "Henkilöstöpula kesällä")
    page.locator("form[action$='/move/pause'] button[type=submit]").click()
    expect(page).to_have_url(INITIATIVE_URL)
    expect_flash(page)
    expect(page.locator(".status-line .status")).to_have_class(re.compile(r"\bstatus-paused\b"))
    entry = newest_history_entry(page)
    expect(entry.locator(".changes")).to_contain_text("Henkilöstöpula kesällä")
    expect(entry.locator(".history-meta")).to_contain_text("tester")
    assert_recent(page, entry)

    page.locator(f"a[href='/initiatives/{initiative_id}/move/discontinue']").click()
    # Both texts are required: an empty form says so about each.
    page.locator("form[action$='/move/discontinue'] button[type=submit]").click()
    expect(page.locator(".error-summary a[href='#field-reason']")).to_be_visible()
    expect(page.locator(".error-summary a[href='#field-lessons']")).to_be_visible()
    page.fill("#field-reason", "Rahoitus päättyi")
    page.fill("#field-lessons", "Pienempi pilotti ensin")
    page.locator("form[action$='/move/discontinue'] button[type=submit]").click()

    expect(page).to_have_url(INITIATIVE_URL)
    expect_flash(page)
    expect(page.locator(".status-line .status")).to_have_class(re.compile(r"\bstatus-discontinued\b"))
    details = page.locator("section[aria-labelledby=details-heading]")
    expect(details).to_contain_text("Rahoitus päättyi")
    expect(details).to_contain_text("Pienempi pilotti ensin")
    expect(page.locator(".move-buttons")).to_have_count(0)  # final: no more moves
    entry = newest_history_entry(page)
    expect(entry.locator(".changes")).to_contain_text("Rahoitus päättyi")
    expect(entry.locator(".changes div", has_text="Status").locator("ins")).to_contain_text("Discontinued")
    expect(page.locator("#history .history-entry")).to_have_count(5)  # proposed, plan, start, pause, stop


# ---- htmx ------------------------------------------------------------------------------------


def test_adding_a_note_with_htmx_does_not_reload_the_page(page: Page, site: Site) -> None:
    initiative_id = site.propose("Notes without reloading", user="tester")
    page.goto(f"/initiatives/{initiative_id}")
    page.evaluate("window.__marker = 1")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    notes = page.locator("#notes")
    notes.locator("textarea[name=text]").fill("Ensimmäinen kokeilu tehty Kotihoidossa.")
    notes.locator("button[type=submit]").click()

    expect(notes.locator(".notes li").first).to_contain_text("Ensimmäinen kokeilu tehty Kotihoidossa.")
    expect(notes.locator(".notes li").first).to_contain_text("tester")
    expect(page.locator("#history .history-entry")).to_have_count(2)
    expect(newest_history_entry(page)).to_contain_text("Ensimmäinen kokeilu tehty Kotihoidossa.")
    expect_flash(page)
    # The form is fresh for the next note.
    expect(notes.locator("textarea[name=text]")).to_have_value("")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    assert [url for url in navigations if "#" not in url] == [], navigations

    # A refused note (a date in the future) shows its message in place, still without a reload.
    notes.locator("textarea[name=text]").fill("Tulevaisuudesta")
    notes.locator("input[name=occurred_on]").fill("2999-01-01")
    notes.locator("button[type=submit]").click()
    expect(notes.locator(".error-summary")).to_be_visible()
    expect(notes.locator("textarea[name=text]")).to_have_value("Tulevaisuudesta")
    expect(notes.locator(".notes li")).to_have_count(1)
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    assert site.initiative(initiative_id)["notes_count"] == 1


# ---- languages ---------------------------------------------------------------------------


def test_language_links_switch_language_remember_it_and_keep_the_page(browse: Browse, site: Site) -> None:
    person = browse(lang=None, locale="fi-FI")  # no choice made yet: the browser asks for Finnish
    page = person.new_page()
    path = f"/initiatives/{site.demo['Tavoitteellinen työkierto']}"
    page.goto(path)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fi")
    languages = page.locator("nav.languages")
    expect(languages.locator("a[aria-current]")).to_have_attribute("hreflang", "fi")

    for lang in ("sv", "en"):
        languages.locator(f"a[hreflang={lang}]").click()
        expect(html).to_have_attribute("lang", lang)
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator("h1")).to_have_text("Tavoitteellinen työkierto")
        expect(languages.locator("a[aria-current]")).to_have_attribute("hreflang", lang)
        cookies = {c["name"]: c["value"] for c in person.context.cookies()}
        assert cookies.get(LANG_COOKIE) == lang
        # Remembered on the next page, whatever the browser asks for.
        page.goto("/activity")
        expect(html).to_have_attribute("lang", lang)
        page.go_back()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))

    # The query string survives the switch too.
    page.goto("/initiatives?status=planned")
    languages.locator("a[hreflang=fi]").click()
    expect(html).to_have_attribute("lang", "fi")
    expect(page).to_have_url(re.compile(r"/initiatives\?status=planned$"))
    expect(page.locator("#field-status")).to_have_value("planned")


# ---- keyboard only -----------------------------------------------------------------------------


def tab_until(page: Page, target: Locator, limit: int = 40) -> int:
    """Press Tab until `target` has focus, checking that every stop shows its focus."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), f"no visible focus on {describe_focus(page)}"
        if target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def describe_focus(page: Page) -> str:
    description: str = page.evaluate(
        "() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : 'nothing'; }"
    )
    return description


def test_keyboard_only_propose_and_plan(browse: Browse) -> None:
    page = browse(user="keyboard").new_page()
    page.goto("/")

    # The first stop is the skip link, shown when focused; Enter moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # After the skip: the quick actions, New experiment and New note first, then Propose.
    expect(page.locator("main .quick-actions a").first).to_have_attribute("href", "/experiments/new")
    propose = page.locator("main a[href='/initiatives/new']").first
    assert tab_until(page, propose) == 3
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/initiatives/new$"))

    # From the top: skip link, then into the form.
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    tab_until(page, page.locator("#field-title"))
    page.keyboard.type("Näppäimistöllä ehdotettu")
    page.keyboard.press("Tab")
    expect(page.locator("#field-summary")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.type("Kirjattu ilman hiirtä.")
    tab_until(page, page.locator("#field-themes"))
    page.keyboard.type("saavutettavuus")
    page.keyboard.press("Enter")  # submits the form from a text field

    expect(page).to_have_url(INITIATIVE_URL)
    expect(page.locator("h1")).to_have_text("Näppäimistöllä ehdotettu")
    expect(page.locator(".status-line .status")).to_have_class(re.compile(r"\bstatus-proposed\b"))

    tab_until(page, move_button(page, "plan"), limit=60)
    page.keyboard.press("Enter")
    expect(page.locator(".status-line .status")).to_have_class(re.compile(r"\bstatus-planned\b"))
    expect(page.locator("section[aria-labelledby=details-heading]")).to_contain_text("Kirjattu ilman hiirtä.")

    # Space works on a button too.
    tab_until(page, move_button(page, "start"), limit=60)
    page.keyboard.press(" ")
    expect(page.locator(".status-line .status")).to_have_class(re.compile(r"\bstatus-in_progress\b"))


# ---- two people, one initiative --------------------------------------------------------------------


def test_concurrent_edit_shows_the_conflict_and_keeps_both_changes(browse: Browse, site: Site) -> None:
    initiative_id = site.propose("Yhteinen otsikko", user="anna", summary="Alkuperäinen kuvaus")
    edit_url = f"/initiatives/{initiative_id}/edit"
    anna = browse(user="anna").new_page()
    bertil = browse(user="bertil").new_page()
    anna.goto(edit_url)
    bertil.goto(edit_url)

    anna.fill("#field-title", "Annan uusi otsikko")
    anna.locator(f"form[action='{edit_url}'] button[type=submit]:not([name=_pick])").click()
    expect(anna).to_have_url(INITIATIVE_URL)
    expect(anna.locator("h1")).to_have_text("Annan uusi otsikko")

    bertil.fill("#field-summary", "Bertilin tarkempi kuvaus")
    with bertil.expect_response(lambda r: r.url.endswith(edit_url) and r.request.method == "POST") as posted:
        bertil.locator(f"form[action='{edit_url}'] button[type=submit]:not([name=_pick])").click()
    assert posted.value.status == 409

    # The conflict page: what Anna changed, and Bertil's edit ready to save again.
    expect(bertil.locator(".error-summary h1")).to_be_visible()
    theirs = bertil.locator("section[aria-labelledby=theirs-heading]")
    expect(theirs).to_contain_text("Annan uusi otsikko")
    expect(theirs).to_contain_text("anna")
    expect(theirs.locator(".history-entry")).to_have_count(1)
    expect(bertil.locator("#field-summary")).to_have_value("Bertilin tarkempi kuvaus")
    expect(bertil.locator("#field-title")).to_have_value("Annan uusi otsikko")
    bertil.locator(f"form[action='{edit_url}'] button[type=submit]:not([name=_pick])").click()

    expect(bertil).to_have_url(INITIATIVE_URL)
    expect(bertil.locator("#flash .flash")).to_be_visible()
    expect(bertil.locator("h1")).to_have_text("Annan uusi otsikko")
    details = bertil.locator("section[aria-labelledby=details-heading]")
    expect(details).to_contain_text("Bertilin tarkempi kuvaus")
    saved = site.initiative(initiative_id)
    assert (saved["title"], saved["summary"]) == ("Annan uusi otsikko", "Bertilin tarkempi kuvaus")
    # Bertil's save is recorded as his, after Anna's.
    expect(newest_history_entry(bertil).locator(".history-meta")).to_contain_text("bertil")


# ---- phone and paper --------------------------------------------------------------------------------


NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth"


def test_phone_width_has_no_sideways_scrolling_and_print_hides_controls(browse: Browse, site: Site) -> None:
    page = browse(viewport={"width": 360, "height": 740}).new_page()
    initiative_id = site.demo["Perustehtävän kirkastaminen"]  # in progress: pause, evaluate, discontinue

    for path in ("/", "/initiatives", "/initiatives/new", f"/initiatives/{initiative_id}"):
        page.goto(path)
        width = page.evaluate(NO_SIDEWAYS_SCROLL)
        assert width <= 360, f"{path} is {width} px wide at a 360 px viewport"

    buttons = page.locator(".move-buttons li > *")
    assert buttons.count() >= 2
    for index in range(buttons.count()):
        button = buttons.nth(index)
        button.scroll_into_view_if_needed()
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box

    page.emulate_media(media="print")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("section[aria-labelledby=details-heading]")).to_be_visible()
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator("nav.languages")).to_be_hidden()
    expect(page.locator(".move-buttons")).to_be_hidden()
    forms = page.locator("main form")
    assert forms.count() >= 3
    for index in range(forms.count()):
        expect(forms.nth(index)).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.locator("nav.main-nav")).to_be_visible()


# ---- the harness ----------------------------------------------------------------------------------


def test_the_browser_reaches_nothing_but_the_server(browse: Browse, site: Site) -> None:
    person = browse()
    page = person.new_page()
    page.goto("/")
    with page.expect_request_finished(lambda r: r.url.startswith(site.url + "/static/")) as local:
        page.evaluate("url => fetch(url)", "/static/kipina.css")
    assert local.value.failure is None
    with page.expect_event("requestfailed", lambda r: "example.invalid" in r.url):
        page.evaluate("url => fetch(url).catch(() => null)", "http://example.invalid/tracker.js")
    assert person.outside == ["http://example.invalid/tracker.js"]
    person.outside.clear()  # refused as it should be; the fixture's check would fail the test
