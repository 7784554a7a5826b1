"""Every page, in every language, checked with axe-core for WCAG 2.1 A and AA.

axe-core (tests/e2e/vendor, MPL-2.0, never served by Kipinä) is injected into the
page after it has loaded, and any violation fails the test with the rule, what it
asks for and the elements it found. Pages are checked in their error states too
(a form after a refused submit, the conflict page, the 404 page), because that
is where the labels, links and colours most often go wrong.

Adding a page: add a `Screen` to SCREENS. Two tests keep the list complete: every
page route of the app (GET, outside /api) and every link in the main menu must be
covered by some screen.

The HTML does not depend on the store, so these run on SQLite only.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, Page, expect

import api.pages
from present.kinds import KINDS
from services.settings import Settings
from tests.e2e.browser import LANG_COOKIE, LANGUAGES, UUID_PATH, Guarded, Site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ID = UUID_PATH
DEMO_INITIATIVE = "Perustehtävän kirkastaminen"  # in progress, with goals, team and notes
TIMEZONE = Settings.model_fields["timezone"].default  # the test server's: as-of dates are its days


@pytest.fixture(scope="module")
def site(sqlite_site: Site) -> Site:
    """SQLite only (overrides the per-store `site`)."""
    return sqlite_site


@pytest.fixture(scope="module")
def reader(browser: Browser, site: Site) -> Iterator[Guarded]:
    """One browser context and page for the whole module (a new one per test would cost more
    than the check itself); each test sets its language cookie."""
    guarded = Guarded(browser, site, "reader", None)
    guarded.new_page()
    yield guarded
    guarded.close()


@pytest.fixture
def reader_page(reader: Guarded) -> Iterator[Page]:
    yield reader.context.pages[0]
    reader.check()


# ---- the pages -----------------------------------------------------------------------------


Action = Callable[[Page, Site], None]


@dataclass(frozen=True)
class Screen:
    """One page in one state, and how to get there."""

    name: str
    start: str  # a path; "{initiative}" is the demo initiative's id, "{today}" today's date
    routes: tuple[str, ...]  # the app's page routes it shows (as FastAPI writes them)
    status: int = 200  # of the page as the browser last loaded it
    follow: tuple[str, ...] = ()  # then follow the first link in <main> whose path matches each
    then: Action | None = None  # then do this, e.g. submit a form empty
    viewport: tuple[int, int] = (1280, 720)  # a phone's (390, 844) for the phone's menu and filters

    def open(self, page: Page, site: Site) -> None:
        today = datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()
        page.set_viewport_size({"width": self.viewport[0], "height": self.viewport[1]})
        page.goto(self.start.format(initiative=site.demo[DEMO_INITIATIVE], today=today))
        for pattern in self.follow:
            hrefs: list[str] = page.locator("main a[href]").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            found = [h for h in hrefs if re.fullmatch(pattern, urlsplit(h).path)]
            assert found, f"{self.name}: no link to {pattern} on {page.url}"
            page.goto(found[0])
        if self.then is not None:
            self.then(page, site)


def submit(form: str, fill: dict[str, str] | None = None) -> Action:
    """Submit the form (a CSS selector) after filling some of its fields; the rest stay empty."""

    def action(page: Page, site: Site) -> None:
        for field, value in (fill or {}).items():
            page.locator(form).locator(f"[name={field}]").fill(value)
        with page.expect_navigation():
            page.locator(form).locator("button[type=submit]:not([name=_pick])").click()

    return action


def note_refused(page: Page, site: Site) -> None:
    """An empty note, posted with htmx: the notes section shows the refusal in place."""
    page.locator("#notes button[type=submit]").click()
    expect(page.locator("#notes .error-summary")).to_be_visible()


def initiative_conflict(page: Page, site: Site) -> None:
    initiative_id = site.propose("Saved twice", summary="First words")
    page.goto(f"/initiatives/{initiative_id}/edit")
    site.edit(initiative_id, title="Saved twice, someone else was first")
    page.fill("#field-summary", "Second words")
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name=_pick])").click()
    expect(page.locator("section[aria-labelledby=theirs-heading]")).to_be_visible()


def person_conflict(page: Page, site: Site) -> None:
    with site.api() as api:
        created = api.post("/api/people", json={"name": "Ristiriita Testinen"})
        assert created.status_code == 201, created.text
        person_id = created.json()["id"]
        page.goto(f"/people/{person_id}/edit")
        changed = api.patch(f"/api/people/{person_id}", json={"name": "Ristiriita Muutettu"})
        assert changed.status_code == 200, changed.text
    page.fill("#field-email", "ristiriita@example.invalid")
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name=_pick])").click()


def observation_refused(page: Page, site: Site) -> None:
    """An empty observation, posted with htmx: the section shows the refusal in place."""
    page.locator("#observations button[type=submit]").click()
    expect(page.locator("#observations .error-summary")).to_be_visible()


def experiment_to_decide(page: Page, site: Site) -> None:
    """An experiment that has been studied: its page offers the decision form."""
    with site.api() as api:
        created = api.post(
            f"/api/initiatives/{site.demo[DEMO_INITIATIVE]}/experiments",
            json={"title": "Päätettävä kokeilu", "change_idea": "Kokeillaan ja päätetään"},
        )
        assert created.status_code == 201, created.text
        experiment_id = created.json()["id"]
        for verb, body in (("start", None), ("study", {"result": "Toimi", "learning": "Opittiin"})):
            done = api.post(f"/api/experiments/{experiment_id}/{verb}", json=body)
            assert done.status_code == 200, done.text
    page.goto(f"/experiments/{experiment_id}")


def quick_refused(action: str) -> Action:
    """A quick-capture form sent empty (its last button saves; the picker's Search comes first)."""

    def refuse(page: Page, site: Site) -> None:
        form = page.locator(f"main form[action='{action}']")
        for field in ("change_idea", "text"):
            if form.locator(f"[name={field}]").count():
                form.locator(f"[name={field}]").fill("")
        form.locator("input[name=initiative_id]").first.evaluate("el => { el.checked = false; }")
        with page.expect_navigation():
            form.locator("button[type=submit]").last.click()
        expect(page.locator(".error-summary")).to_be_visible()

    return refuse


def open_phone_menu(page: Page, site: Site) -> None:
    page.locator("details.main-menu > summary").click()
    expect(page.locator("nav.main-nav a[href='/initiatives']")).to_be_visible()


def open_phone_filters(page: Page, site: Site) -> None:
    page.locator("details.filter-box > summary").click()
    expect(page.locator("details.filter-box select[name=stage]")).to_be_visible()


def experiment_decide_refused(page: Page, site: Site) -> None:
    experiment_to_decide(page, site)
    submit("form[action$='/decide']")(page, site)


def before_it_existed(page: Page, site: Site) -> None:
    page.goto(page.url + "?as_of_date=2000-01-01")


def reflection_refused(page: Page, site: Site) -> None:
    """An empty reflection, posted with htmx: the section shows the refusal in place."""
    page.locator("#reflections button[type=submit]").click()
    expect(page.locator("#reflections .error-summary")).to_be_visible()


def rotation_edit(page: Page, site: Site) -> None:
    """The demo's placement is going on, so not editable: propose one after it (once; the
    screens in every language share it), then follow its page's Edit link."""
    with site.api() as api:
        proposed = api.get("/api/rotations", params={"status": "proposed"}).json()["items"]
        if proposed:
            rotation_id = proposed[0]["id"]
        else:
            demo = api.get("/api/rotations", params={"status": "started"}).json()["items"][0]
            refs = ("person", "home_organisation", "home_unit", "host_organisation", "host_unit")
            body = {f"{k}_id": demo[k]["id"] for k in refs}
            goals = ["Vuodeosaston kotiutuskäytännöt tutuiksi"]
            created = api.post(
                "/api/rotations",
                json={**body, "starts_on": "2013-03-04", "ends_on": "2013-03-29", "learning_goals": goals},
            )
            assert created.status_code == 201, created.text
            rotation_id = created.json()["id"]
    page.goto(f"/rotations/{rotation_id}")
    with page.expect_navigation():
        page.locator(f"main a[href='/rotations/{rotation_id}/edit']").click()


def rotation_edit_refused(page: Page, site: Site) -> None:
    rotation_edit(page, site)
    page.fill("#field-learning_goals", "")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]:not([name=_pick])").click()


def picker_open(page: Page, site: Site) -> None:
    """A picker searched as you type (htmx asks GET /pick/initiatives) and one option chosen
    by keyboard: ArrowDown to the options, Enter chooses."""
    search = page.locator("#field-initiative_id")
    search.fill("a")
    expect(page.locator("#picker-initiative_id-status")).not_to_be_empty()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#picker-initiative_id .picker-options input:checked")).to_have_count(1)


def picker_searched_without_js(page: Page, site: Site) -> None:
    """The picker's Search button posts the form: it comes back with the matches."""
    page.locator("#field-target_id").fill("työkierto")
    with page.expect_navigation():
        page.locator("button[name=_pick][value=target_id]").click()


def link_across_organisations(page: Page, site: Site) -> None:
    """The rotation target (Heinävesi's) linked to another organisation's initiative: the
    page asks for confirmation."""
    form = page.locator("#link-initiative form")
    form.locator("#field-link_initiative_id").fill("Oulunkaaren")
    with page.expect_navigation():
        form.locator("button[name=_pick]").click()
    page.locator("#link-initiative .picker-options input[type=radio]").first.check()
    with page.expect_navigation():
        page.locator("#link-initiative form button[type=submit]:not([name=_pick])").click()
    expect(page.locator("#field-cross_organisation")).to_be_visible()


PLEDGES_CSV = "text;team;category\nMe lupaamme kuunnella asiakasta;Kotihoito;asiakaskokemus\n;Kotihoito;muu\n"


def import_with_a_bad_row(page: Page, site: Site) -> None:
    """Upload a CSV file with one bad row: the report lists the row with its line."""
    page.set_input_files(
        "#field-file",
        files=[{"name": "lupaukset.csv", "mimeType": "text/csv", "buffer": PLEDGES_CSV.encode()}],
    )
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#rejected")).to_be_visible()


def a_new_pledge(page: Page, site: Site) -> None:
    """On a campaign's wall: pledge through the API and open the new action."""
    campaign_id = urlsplit(page.url).path.rsplit("/", 1)[-1]
    with site.api() as api:
        body = {"text": "Lupaan tarkistaa kotiutusohjeen.", "team": "Vuodeosasto", "category": "other"}
        created = api.post(f"/api/campaigns/{campaign_id}/actions", json=body)
        assert created.status_code == 201, created.text
        page.goto(f"/actions/{created.json()['id']}")


def completion_refused(page: Page, site: Site) -> None:
    a_new_pledge(page, site)
    submit("form[action$='/complete']")(page, site)


# Programmes: one programme (made once through the API; the screens in every language share
# it) with a workshop, two enrolled initiatives and a check-in.
_PROGRAMMES: dict[str, tuple[str, str, str]] = {}


def a_programme(site: Site) -> tuple[str, str, str]:
    """(programme id, workshop id, the checked-in initiative's id)."""
    if site.url not in _PROGRAMMES:
        first = site.propose("Ohjelman aamut")
        second = site.propose("Ohjelman lääkejako")
        with site.api() as api:
            body = {"name": "Saavutettava ohjelma", "period_start": "2018-04-01", "period_end": "2019-04-30"}
            created = api.post("/api/programmes", json=body)
            assert created.status_code == 201, created.text
            programme_id = created.json()["id"]
            workshop = api.post(
                f"/api/programmes/{programme_id}/workshops", json={"day": "2018-09-13", "title": "Työpaja 1"}
            )
            assert workshop.status_code == 201, workshop.text
            workshop_id = workshop.json()["id"]
            for initiative_id in (first, second):
                enrolled = api.post(
                    f"/api/programmes/{programme_id}/initiatives", json={"initiative_id": initiative_id}
                )
                assert enrolled.status_code < 300, enrolled.text
            check_in = {
                "programme_id": programme_id,
                "workshop_id": workshop_id,
                "status": "amber",
                "progress_score": 1.5,
                "done": "Aamupalaverit aloitettu",
                "help_needed": "Mittari",
            }
            checked = api.post(f"/api/initiatives/{first}/check-ins", json=check_in)
            assert checked.status_code == 201, checked.text
        _PROGRAMMES[site.url] = (programme_id, workshop_id, first)
    return _PROGRAMMES[site.url]


def programme_page(suffix: str = "", query: str = "") -> Action:
    """Open a page of the shared programme: "/programmes/{id}" + suffix ("{workshop}" is its workshop)."""

    def action(page: Page, site: Site) -> None:
        programme_id, workshop_id, _ = a_programme(site)
        page.goto(f"/programmes/{programme_id}{suffix.format(workshop=workshop_id)}{query}")

    return action


def programme_then(suffix: str, then: Action) -> Action:
    def action(page: Page, site: Site) -> None:
        programme_page(suffix)(page, site)
        then(page, site)

    return action


def three_w_page(suffix: str = "") -> Action:
    """Open a page of the demo's 3W programme (29 initiatives): "/programmes/{id}" + suffix."""

    def action(page: Page, site: Site) -> None:
        with site.api() as api:
            found = [p for p in api.get("/api/programmes").json()["items"] if p["name"].startswith("3W")]
        page.goto(f"/programmes/{found[0]['id']}{suffix}")

    return action


def check_in_refused(page: Page, site: Site) -> None:
    """A row with a status and no score, saved with htmx: the row shows the refusal in place."""
    row = page.locator("li.sheet-row").nth(1)
    row.locator("select").first.select_option("amber")
    row.locator(".sheet-save button").click()
    expect(row.locator(".field-error")).to_be_visible()


def check_ins_refused(page: Page, site: Site) -> None:
    """The whole sheet posted without htmx, one row refused: the sheet comes back with a summary."""
    row = page.locator("li.sheet-row").nth(1)
    row.locator("select").first.select_option("red")
    with page.expect_navigation():
        page.locator(".sheet-all button").click()
    expect(page.locator("#problem-summary")).to_be_visible()


def enrol_refused(page: Page, site: Site) -> None:
    """The enrol page submitted with nothing ticked."""
    with page.expect_navigation():
        page.locator("#enrol-form button[value=enrol]").click()


def enrol_selected(page: Page, site: Site) -> None:
    """The enrol page filtered as you type, the shown ones ticked in place."""
    page.locator("#field-q").fill("Ohjelman")
    page.locator("[data-enrol-select-all]").click()


def initiative_in_programme(page: Page, site: Site) -> None:
    _, _, initiative_id = a_programme(site)
    page.goto(f"/initiatives/{initiative_id}")


# Measures, evaluations and the outcome timeline: the demo's measure is on the demo
# initiative; the demo's evaluation is on Oulunkaari's completed initiative.
EVALUATED = "Kehittäminen kuuluu kaikille"


def as_of_today(page: Page, site: Site) -> None:
    today = datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()
    page.goto(f"{page.url.split('?')[0]}?as_of_date={today}")


def value_refused(page: Page, site: Site) -> None:
    """An empty value, posted with htmx: the chart's section shows the refusal in place."""
    page.fill("#field-period", "")
    page.locator("#record button[type=submit]").click()
    expect(page.locator("#record .error-summary")).to_be_visible()


SERIES_WITH_A_BAD_LINE = "Kausi\tArvo\n2018-13\t31\n1999-01\tkolme\n"


def series_checked(page: Page, site: Site) -> None:
    """On a measure's paste page: a series with bad lines, checked: the preview rejects them."""
    page.fill("#field-lines", SERIES_WITH_A_BAD_LINE)
    with page.expect_navigation():
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("#series-lines tr.series-rejected").first).to_be_visible()


def series_recorded(page: Page, site: Site) -> None:
    """A new measure's paste page: two good lines and a bad one, checked and recorded; the
    report and the run chart with the recorded values."""
    with site.api() as api:
        initiative_id = site.propose("Sarjan liittäminen")
        body = {"name": "Odotusaika", "unit": "min", "direction": "down", "frequency": "monthly"}
        created = api.post(f"/api/initiatives/{initiative_id}/measures", json=body)
        assert created.status_code == 201, created.text
    page.goto(f"/measures/{created.json()['id']}/values/bulk")
    page.fill("#field-lines", "2018-01;42\n2018-02;44,5\n2018-03;x\n")
    with page.expect_navigation():
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    with page.expect_navigation():
        page.locator("main form:has(input[name=step][value=record]) button[type=submit]").click()
    expect(page.locator("#series-lines tr.series-recorded")).to_have_count(2)


INITIATIVES_CSV = "otsikko;organisaatio;tila\n;Kuopio;lopetettu\nAamut;Ei tällaista;käynnissä\n"


def initiatives_import_with_bad_rows(page: Page, site: Site) -> None:
    """Upload initiatives whose rows are all refused: the report lists them by line."""
    page.set_input_files(
        "#field-file",
        files=[{"name": "hankkeet.csv", "mimeType": "text/csv", "buffer": INITIATIVES_CSV.encode()}],
    )
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#rejected")).to_be_visible()


def evaluations_of_the_demo(page: Page, site: Site) -> None:
    page.goto(f"/initiatives/{site.demo[EVALUATED]}/evaluations")


# Development targets and the yearly follow-up: the demo's job-rotation target has an
# initiative, a placement and a yearly review; the follow-up of 2016 lists Oulunkaari's
# evaluation that recommends spreading.
ROTATION_TARGET = "/targets?q=ty%C3%B6kierto"


def review_refused(page: Page, site: Site) -> None:
    """A review with no status or decision: the reviews section shows the refusal."""
    with page.expect_navigation():
        page.locator("#reviews form[method=post] button[type=submit]").click()


# Good practices: the demo's Oulunkaari model is published (versions 1 and 2, no
# changes since); a draft of the demo initiative (made once; the screens in every language
# share it) still misses the fields only a person can fill in.
OULUNKAARI_PRACTICE = "/good-practices?q=kehitt%C3%A4j%C3%A4opas"
_DRAFTS: dict[str, str] = {}


def a_draft(suffix: str = "") -> Action:
    """Open a page of the shared draft: "/good-practices/{id}" + suffix."""

    def action(page: Page, site: Site) -> None:
        if site.url not in _DRAFTS:
            with site.api() as api:
                drafted = api.post(f"/api/initiatives/{site.demo[DEMO_INITIATIVE]}/good-practices")
                assert drafted.status_code == 201, drafted.text
                _DRAFTS[site.url] = drafted.json()["id"]
        page.goto(f"/good-practices/{_DRAFTS[site.url]}{suffix}")

    return action


def archived_initiative(page: Page, site: Site, then: str | None = None) -> None:
    """A new initiative archived through the API; its page shows the banner with Restore
    (or `then`, a page to go to next)."""
    initiative_id = site.propose("Kirjattu kahdesti")
    with site.api() as api:
        answer = api.post(f"/api/initiatives/{initiative_id}/archive", json={"reason": "Kirjattu vahingossa"})
        assert answer.status_code == 200, answer.text
    page.goto(then or f"/initiatives/{initiative_id}")
    if then is None:
        expect(page.locator(".archived-banner")).to_be_visible()


ARCHIVE_ROUTES = tuple(f"{kind.path}/{{record_id}}/archive" for kind in KINDS)

PROGRAMME = "/programmes/{programme_id}"
TARGET = "/targets/{target_id}"
WORKSHOP = PROGRAMME + "/workshops/{workshop_id}"
INITIATIVE = "/initiatives/{initiative_id}"
MEASURE = "/measures/{measure_id}"
EXPERIMENT = "/experiments/{experiment_id}"
RUNNING = "/experiments?stage=started"
ORGANISATION = "/organisations/{organisation_id}"
PERSON = "/people/{person_id}"
PRACTICE = "/good-practices/{practice_id}"
SCREENS = [
    Screen("home", "/", ("/",)),
    Screen("initiatives", "/initiatives", ("/initiatives",)),
    # Filtered, and as Kipinä knew it at the end of a day (the demo was recorded today).
    Screen("initiatives-filtered", "/initiatives?status=in_progress&q=perus&as_of_date={today}", ()),
    Screen("initiatives-invalid", "/initiatives?as_of_date=bogus", (), status=400),
    Screen("initiative-new", "/initiatives/new", ("/initiatives/new",)),
    Screen(
        "initiative-new-invalid",
        "/initiatives/new",
        (),
        status=422,
        then=submit("main form[method=post]", {"summary": "No title yet"}),
    ),
    Screen("initiative", "/initiatives/{initiative}", (INITIATIVE,)),
    Screen("initiative-as-of", "/initiatives/{initiative}?as_of_date={today}", ()),
    Screen("initiative-not-yet", "/initiatives/{initiative}?as_of_date=2000-01-01", (), status=404),
    Screen("initiative-note-refused", "/initiatives/{initiative}", (), then=note_refused),
    Screen("initiative-edit", "/initiatives/{initiative}/edit", (INITIATIVE + "/edit",)),
    Screen(
        "initiative-discontinue",
        "/initiatives/{initiative}/move/discontinue",
        (INITIATIVE + "/move/{verb}",),
    ),
    Screen(
        "initiative-discontinue-invalid",
        "/initiatives/{initiative}/move/discontinue",
        (),
        status=422,
        then=submit("main form[method=post]"),
    ),
    Screen("initiative-conflict", "/", (), status=409, then=initiative_conflict),
    Screen("activity", "/activity", ("/activity",)),
    Screen("not-found", "/no-such-page", (), status=404),
    # Organisations and people: reached through their lists, as a reader would.
    Screen("organisations", "/organisations", ("/organisations",)),
    Screen("organisation", "/organisations", (ORGANISATION,), follow=(f"/organisations/{ID}",)),
    Screen("organisation-new", "/organisations", ("/organisations/new",), follow=("/organisations/new",)),
    Screen(
        "organisation-new-invalid",
        "/organisations/new",
        (),
        status=422,
        then=submit("main form[method=post]"),
    ),
    Screen(
        "organisation-edit",
        "/organisations",
        (ORGANISATION + "/edit",),
        follow=(f"/organisations/{ID}", f"/organisations/{ID}/edit"),
    ),
    Screen(
        "unit-rename",
        "/organisations",
        (ORGANISATION + "/units/{unit_id}/rename",),
        follow=(f"/organisations/{ID}", f"/organisations/{ID}/units/{ID}/rename"),
    ),
    Screen("people", "/people", ("/people",)),
    Screen("person", "/people", (PERSON,), follow=(f"/people/{ID}",)),
    Screen("person-new", "/people", ("/people/new",), follow=("/people/new",)),
    Screen("person-new-invalid", "/people/new", (), status=422, then=submit("main form[method=post]")),
    Screen("person-edit", "/people", (PERSON + "/edit",), follow=(f"/people/{ID}", f"/people/{ID}/edit")),
    Screen("person-erase", "/people", (PERSON + "/erase",), follow=(f"/people/{ID}", f"/people/{ID}/erase")),
    Screen("person-conflict", "/", (), status=409, then=person_conflict),
    # Job rotation: the demo's placement (Heinävesi, 5.–30.3.2012) is going on.
    Screen("rotations", "/rotations", ("/rotations",)),
    Screen("rotations-invalid", "/rotations?as_of_date=bogus", (), status=400),
    Screen("rotation-new", "/rotations/new", ("/rotations/new",)),
    Screen("rotation-new-invalid", "/rotations/new", (), status=422, then=submit("main form[method=post]")),
    Screen(
        "rotation", "/rotations?status=started", ("/rotations/{rotation_id}",), follow=(f"/rotations/{ID}",)
    ),
    Screen(
        "rotation-reflection-refused",
        "/rotations?status=started",
        (),
        follow=(f"/rotations/{ID}",),
        then=reflection_refused,
    ),
    Screen(
        "rotation-not-yet",
        "/rotations?status=started",
        (),
        status=404,
        follow=(f"/rotations/{ID}",),
        then=before_it_existed,
    ),
    Screen("rotation-edit", "/", ("/rotations/{rotation_id}/edit",), then=rotation_edit),
    Screen("rotation-edit-invalid", "/", (), status=422, then=rotation_edit_refused),
    Screen("rotation-new-picker", "/rotations/new", ("/pick/{kind}",), then=picker_open),
    Screen("rotation-new-picker-phone", "/rotations/new", (), then=picker_open, viewport=(390, 844)),
    Screen("rotation-new-picker-searched", "/rotations/new", (), then=picker_searched_without_js),
    Screen(
        "rotation-calendar", "/rotations/calendar?from=2012-03-01&to=2012-04-30", ("/rotations/calendar",)
    ),
    Screen("rotation-calendar-invalid", "/rotations/calendar?from=2012-03-10&to=2012-03-01", (), status=400),
    # Experiments: the demo initiative's chain (cycle 1 decided, cycle 2 running). Screens that
    # open one experiment start from the running ones: other screens add studied experiments.
    Screen("initiative-experiments", "/initiatives/{initiative}/experiments", (INITIATIVE + "/experiments",)),
    Screen(
        "experiment-plan-invalid",
        "/initiatives/{initiative}/experiments",
        (),
        status=422,
        then=submit("#plan form[method=post]"),
    ),
    Screen("learning-log", "/initiatives/{initiative}/learning-log", (INITIATIVE + "/learning-log",)),
    Screen("experiments", "/experiments", ("/experiments",)),
    Screen("experiments-filtered", "/experiments?stage=decided&as_of_date={today}", ()),
    Screen("experiment", RUNNING, (EXPERIMENT,), follow=(f"/experiments/{ID}",)),
    Screen(
        "experiment-observation-refused",
        RUNNING,
        (),
        follow=(f"/experiments/{ID}",),
        then=observation_refused,
    ),
    Screen("experiment-decide", "/", (), then=experiment_to_decide),
    Screen("experiment-decide-invalid", "/", (), status=422, then=experiment_decide_refused),
    Screen(
        "experiment-not-yet", RUNNING, (), status=404, follow=(f"/experiments/{ID}",), then=before_it_existed
    ),
    Screen(
        "experiment-edit",
        RUNNING,
        (EXPERIMENT + "/edit",),
        follow=(f"/experiments/{ID}", f"/experiments/{ID}/edit"),
    ),
    # Quick capture, and the phone's folded menu and filters.
    Screen("quick-experiment", "/experiments/new", ("/experiments/new",)),
    Screen(
        "quick-experiment-invalid", "/experiments/new", (), status=422, then=quick_refused("/experiments/new")
    ),
    Screen("quick-experiment-phone", "/experiments/new", (), viewport=(390, 844)),
    Screen("quick-done", "/experiments/done", ("/experiments/done",)),
    Screen(
        "quick-done-invalid", "/experiments/done", (), status=422, then=quick_refused("/experiments/done")
    ),
    Screen("quick-note", "/notes/new", ("/notes/new",)),
    Screen("quick-note-invalid", "/notes/new", (), status=422, then=quick_refused("/notes/new")),
    Screen("phone-home", "/", (), viewport=(390, 844)),
    Screen("phone-menu-open", "/", (), viewport=(390, 844), then=open_phone_menu),
    Screen("phone-experiments", "/experiments", (), viewport=(390, 844)),
    Screen(
        "phone-experiments-filters-open", "/experiments", (), viewport=(390, 844), then=open_phone_filters
    ),
    # Change Day: the demo's campaign at Oulunkaari, reached through the list.
    Screen("campaigns", "/campaigns", ("/campaigns",)),
    Screen("campaign-new-invalid", "/campaigns", (), status=422, then=submit("form[action='/campaigns']")),
    Screen("campaign-wall", "/campaigns", ("/campaigns/{campaign_id}",), follow=(f"/campaigns/{ID}",)),
    Screen(
        "campaign-wall-as-of",
        "/campaigns",
        (),
        follow=(f"/campaigns/{ID}",),
        then=lambda page, site: page.goto(
            page.url + "?as_of_date=" + datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()
        ),
    ),
    Screen(
        "campaign-pledge",
        "/campaigns",
        ("/campaigns/{campaign_id}/pledge",),
        follow=(f"/campaigns/{ID}", f"/campaigns/{ID}/pledge"),
    ),
    Screen(
        "campaign-pledge-invalid",
        "/campaigns",
        (),
        status=422,
        follow=(f"/campaigns/{ID}", f"/campaigns/{ID}/pledge"),
        then=submit("main form[method=post]"),
    ),
    Screen(
        "campaign-import",
        "/campaigns",
        ("/campaigns/{campaign_id}/import",),
        follow=(f"/campaigns/{ID}", f"/campaigns/{ID}/import"),
    ),
    Screen(
        "campaign-import-report",
        "/campaigns",
        (),
        follow=(f"/campaigns/{ID}", f"/campaigns/{ID}/import"),
        then=import_with_a_bad_row,
    ),
    Screen("action", "/campaigns", ("/actions/{action_id}",), follow=(f"/campaigns/{ID}", f"/actions/{ID}")),
    Screen("action-pledged", "/campaigns", (), follow=(f"/campaigns/{ID}",), then=a_new_pledge),
    Screen(
        "action-complete-invalid",
        "/campaigns",
        (),
        status=422,
        follow=(f"/campaigns/{ID}",),
        then=completion_refused,
    ),
    Screen(
        "handprints",
        "/people",
        ("/people/{person_id}/handprints",),
        follow=(f"/people/{ID}", f"/people/{ID}/handprints"),
    ),
    # Programmes: the list, the forms, the dashboard (now and as it was), a workshop with its
    # digest, the check-in sheet (and a refused check-in), closing and the history.
    Screen("programmes", "/programmes", ("/programmes",)),
    Screen("programmes-invalid", "/programmes?as_of_date=bogus", (), status=400),
    Screen("programme-new", "/programmes/new", ("/programmes/new",)),
    Screen("programme-new-invalid", "/programmes/new", (), status=422, then=submit("main form[method=post]")),
    Screen("programme", "/", (PROGRAMME,), then=programme_page()),
    # As it was at a moment after everything (the past view: notice, no forms).
    Screen("programme-as-of", "/", (), then=programme_page(query="?as_of=2999-01-01T09:00")),
    Screen("programme-as-of-invalid", "/", (), status=400, then=programme_page(query="?as_of=bogus")),
    Screen("programme-not-yet", "/", (), status=404, then=programme_page(query="?as_of=2000-01-01T09:00")),
    Screen(
        "programme-schedule-invalid",
        "/",
        (),
        status=422,
        then=programme_then("", submit("form[action$='/workshops']")),
    ),
    Screen("programme-edit", "/", (PROGRAMME + "/edit",), then=programme_page("/edit")),
    Screen("programme-workshop", "/", (WORKSHOP,), then=programme_page("/workshops/{workshop}")),
    Screen(
        "programme-check-ins",
        "/",
        (WORKSHOP + "/check-ins",),
        then=programme_page("/workshops/{workshop}/check-ins"),
    ),
    Screen(
        "programme-check-in-refused",
        "/",
        (),
        then=programme_then("/workshops/{workshop}/check-ins", check_in_refused),
    ),
    Screen(
        "programme-check-ins-refused",
        "/",
        (),
        status=422,
        then=programme_then("/workshops/{workshop}/check-ins", check_ins_refused),
    ),
    Screen(
        "programme-check-ins-phone",
        "/",
        (),
        then=programme_page("/workshops/{workshop}/check-ins"),
        viewport=(390, 844),
    ),
    Screen("programme-enrol", "/", (PROGRAMME + "/enrol",), then=programme_page("/enrol")),
    Screen("programme-enrol-selected", "/", (), then=programme_then("/enrol", enrol_selected)),
    Screen("programme-enrol-refused", "/", (), status=422, then=programme_then("/enrol", enrol_refused)),
    Screen("programme-close", "/", (PROGRAMME + "/close",), then=programme_page("/close")),
    Screen("programme-history", "/", (PROGRAMME + "/history",), then=programme_page("/history")),
    # The 3W dashboard on workshop day: sorted and filtered, a refused filter, a presentation slide.
    Screen("programme-board", "/", (), then=three_w_page()),
    Screen(
        "programme-board-sorted-filtered",
        "/",
        (),
        then=three_w_page("?status=not_checked_in&sort=score&dir=desc"),
    ),
    Screen(
        "programme-board-filter-invalid",
        "/",
        (),
        status=400,
        then=three_w_page("?status=purple&organisation_id=x"),
    ),
    Screen(
        "programme-presentation",
        "/",
        (PROGRAMME + "/present",),
        then=three_w_page("/present?sort=status&n=3"),
    ),
    Screen("programme-presentation-empty", "/", (), then=programme_page("/present", "?status=red")),
    Screen("initiative-in-programme", "/", (), then=initiative_in_programme),
    Screen(
        "measure-new",
        "/initiatives/{initiative}",
        (INITIATIVE + "/measures/new",),
        follow=(f"/initiatives/{ID}/measures/new",),
    ),
    Screen(
        "measure-new-invalid",
        "/initiatives/{initiative}/measures/new",
        (),
        status=422,
        then=submit("main form[method=post]"),
    ),
    Screen("measure", "/initiatives/{initiative}", (MEASURE,), follow=(f"/measures/{ID}",)),
    Screen("measure-as-of", "/initiatives/{initiative}", (), follow=(f"/measures/{ID}",), then=as_of_today),
    Screen(
        "measure-value-refused",
        "/initiatives/{initiative}",
        (),
        follow=(f"/measures/{ID}",),
        then=value_refused,
    ),
    Screen(
        "measure-series",
        "/initiatives/{initiative}",
        (MEASURE + "/values/bulk",),
        follow=(f"/measures/{ID}", f"/measures/{ID}/values/bulk"),
    ),
    Screen(
        "measure-series-rejected-line",
        "/initiatives/{initiative}",
        (),
        follow=(f"/measures/{ID}", f"/measures/{ID}/values/bulk"),
        then=series_checked,
    ),
    Screen(
        "measure-series-rejected-line-phone",
        "/initiatives/{initiative}",
        (),
        follow=(f"/measures/{ID}", f"/measures/{ID}/values/bulk"),
        then=series_checked,
        viewport=(390, 844),
    ),
    Screen("measure-series-recorded", "/", (), then=series_recorded),
    Screen("initiative-import", "/initiatives", ("/initiatives/import",), follow=("/initiatives/import",)),
    Screen(
        "initiative-import-report",
        "/initiatives/import",
        (),
        then=initiatives_import_with_bad_rows,
    ),
    Screen(
        "measure-edit",
        "/initiatives/{initiative}",
        (MEASURE + "/edit",),
        follow=(f"/measures/{ID}", f"/measures/{ID}/edit"),
    ),
    Screen(
        "measure-correct",
        "/initiatives/{initiative}",
        (MEASURE + "/values/{value_id}/correct",),
        follow=(f"/measures/{ID}", f"/measures/{ID}/values/{ID}/correct"),
    ),
    Screen(
        "measure-correct-invalid",
        "/initiatives/{initiative}",
        (),
        status=422,
        follow=(f"/measures/{ID}", f"/measures/{ID}/values/{ID}/correct"),
        then=submit("main form[method=post]", {"value": ""}),
    ),
    Screen(
        "measure-history",
        "/initiatives/{initiative}",
        (MEASURE + "/history",),
        follow=(f"/measures/{ID}", f"/measures/{ID}/history"),
    ),
    Screen("evaluations", "/", (INITIATIVE + "/evaluations",), then=evaluations_of_the_demo),
    Screen("evaluations-none", "/initiatives/{initiative}", (), follow=(f"/initiatives/{ID}/evaluations",)),
    Screen(
        "evaluation-new",
        "/initiatives/{initiative}",
        (INITIATIVE + "/evaluations/new",),
        follow=(f"/initiatives/{ID}/evaluations/new",),
    ),
    Screen(
        "evaluation-new-invalid",
        "/initiatives/{initiative}/evaluations/new",
        (),
        status=422,
        then=submit("main form[method=post]"),
    ),
    Screen(
        "timeline",
        "/initiatives/{initiative}",
        (INITIATIVE + "/timeline",),
        follow=(f"/initiatives/{ID}/timeline",),
    ),
    Screen(
        "timeline-filtered",
        "/initiatives/{initiative}/timeline?kind=measure_value&kind=measure_signal&from=2011-06-01",
        (),
    ),
    Screen(
        "timeline-invalid", "/initiatives/{initiative}/timeline?from=2012-01-01&to=2011-01-01", (), status=400
    ),
    Screen("timeline-as-of", "/initiatives/{initiative}/timeline?as_of_date={today}", ()),
    Screen("targets", "/targets", ("/targets",)),
    Screen("targets-filtered", "/targets?strategy=develop&as_of_date={today}", ()),
    Screen("targets-invalid", "/targets?as_of_date=bogus", (), status=400),
    Screen("target-new", "/targets/new", ("/targets/new",)),
    Screen("target-new-invalid", "/targets/new", (), status=422, then=submit("main form[method=post]")),
    Screen("target", ROTATION_TARGET, (TARGET,), follow=(f"/targets/{ID}",)),
    Screen(
        "target-link-across-organisations",
        ROTATION_TARGET,
        (),
        status=422,
        follow=(f"/targets/{ID}",),
        then=link_across_organisations,
    ),
    Screen("target-as-of", ROTATION_TARGET, (), follow=(f"/targets/{ID}",), then=as_of_today),
    Screen(
        "target-review-refused",
        ROTATION_TARGET,
        (),
        status=422,
        follow=(f"/targets/{ID}",),
        then=review_refused,
    ),
    Screen(
        "target-edit", ROTATION_TARGET, (TARGET + "/edit",), follow=(f"/targets/{ID}", f"/targets/{ID}/edit")
    ),
    Screen(
        "target-retire",
        ROTATION_TARGET,
        (TARGET + "/retire",),
        follow=(f"/targets/{ID}", f"/targets/{ID}/retire"),
    ),
    Screen(
        "target-history",
        ROTATION_TARGET,
        (TARGET + "/history",),
        follow=(f"/targets/{ID}", f"/targets/{ID}/history"),
    ),
    Screen(
        "target-timeline",
        ROTATION_TARGET,
        (TARGET + "/timeline",),
        follow=(f"/targets/{ID}", f"/targets/{ID}/timeline"),
    ),
    Screen("programme-timeline", "/", (PROGRAMME + "/timeline",), then=programme_page("/timeline")),
    Screen("follow-up", "/follow-up?year=2016", ("/follow-up",)),
    Screen("follow-up-as-of", "/follow-up?year=2012&as_of_date={today}", ()),
    Screen("follow-up-invalid", "/follow-up?year=20x2", (), status=400),
    # Good practices.
    # The public catalogue, as a visitor who has not signed in reads it.
    Screen("public-catalogue", "/public/good-practices", ("/public/good-practices",)),
    Screen(
        "public-catalogue-filtered", "/public/good-practices?q=kehitt%C3%A4minen&phase=being_developed", ()
    ),
    Screen("public-catalogue-invalid", "/public/good-practices?phase=bogus", (), status=400),
    Screen(
        "public-practice",
        "/public/good-practices",
        ("/public/good-practices/{practice_id}",),
        follow=(f"/public/good-practices/{ID}",),
    ),
    Screen("public-practice-not-found", "/public/good-practices/not-a-practice", (), status=404),
    Screen("good-practices", "/good-practices", ("/good-practices",)),
    Screen("good-practices-filtered", "/good-practices?status=published&phase=ready", ()),
    Screen("good-practices-invalid", "/good-practices?phase=bogus", (), status=400),
    Screen("good-practice", OULUNKAARI_PRACTICE, (PRACTICE,), follow=(f"/good-practices/{ID}",)),
    Screen("good-practice-draft", "/", (), then=a_draft()),
    Screen(
        "good-practice-edit",
        OULUNKAARI_PRACTICE,
        (PRACTICE + "/edit",),
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/edit"),
    ),
    Screen(
        "good-practice-edit-invalid",
        OULUNKAARI_PRACTICE,
        (),
        status=422,
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/edit"),
        then=submit("main form[method=post]", {"name": ""}),
    ),
    Screen(
        "good-practice-publish",
        OULUNKAARI_PRACTICE,
        (PRACTICE + "/publish",),
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/publish"),
    ),
    # Nothing changed since version 2: publishing again is refused on the confirmation.
    Screen(
        "good-practice-publish-refused",
        OULUNKAARI_PRACTICE,
        (),
        status=422,
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/publish"),
        then=submit("main form[method=post]"),
    ),
    Screen("good-practice-publish-missing", "/", (), then=a_draft("/publish")),
    Screen(
        "good-practice-retract",
        OULUNKAARI_PRACTICE,
        (PRACTICE + "/retract",),
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/retract"),
    ),
    Screen(
        "good-practice-retract-invalid",
        OULUNKAARI_PRACTICE,
        (),
        status=422,
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/retract"),
        then=submit("main form[method=post]"),
    ),
    Screen(
        "good-practice-version",
        OULUNKAARI_PRACTICE,
        (PRACTICE + "/versions/{number}",),
        follow=(f"/good-practices/{ID}", rf"/good-practices/{ID}/versions/\d+"),
    ),
    Screen(
        "good-practice-history",
        OULUNKAARI_PRACTICE,
        (PRACTICE + "/history",),
        follow=(f"/good-practices/{ID}", f"/good-practices/{ID}/history"),
    ),
    # Archiving: the confirm form (the same page module and template for every kind, so the
    # initiative's stands for all ten kinds' routes), its refusal, an archived record's page
    # with the banner and Restore (at 1280 and on a phone) and a list showing archived only.
    Screen(
        "archive-form", "/initiatives/{initiative}", ARCHIVE_ROUTES, follow=(f"/initiatives/{ID}/archive",)
    ),
    Screen(
        "archive-form-refused",
        "/initiatives/{initiative}/archive",
        (),
        status=422,
        then=submit("main form[method=post]"),
    ),
    Screen("archived-record", "/", (), then=lambda page, site: archived_initiative(page, site)),
    Screen(
        "archived-record-phone",
        "/",
        (),
        then=lambda page, site: archived_initiative(page, site),
        viewport=(390, 844),
    ),
    Screen(
        "archived-list",
        "/",
        (),
        then=lambda page, site: archived_initiative(page, site, "/initiatives?archived=only"),
    ),
]


# ---- the checks ------------------------------------------------------------------------------


# One round trip: axe's WCAG 2.1 A/AA violations (`resultTypes` only trims what axe reports
# back about passes; every rule still runs), the page's language and HTTP status, and ids.
# axe no longer counts duplicate ids as a WCAG failure, but a label or aria-describedby that
# points at an id used twice names or describes the wrong control; so they are checked here.
CHECK = """async tags => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    const count = new Map();
    for (const el of document.querySelectorAll('[id]')) count.set(el.id, (count.get(el.id) || 0) + 1);
    const refs = [];
    for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')) {
        for (const name of ['aria-describedby', 'aria-labelledby', 'for']) {
            refs.push(...(el.getAttribute(name) || '').split(/\\s+/).filter(Boolean));
        }
    }
    const navigation = performance.getEntriesByType('navigation')[0];
    return {
        violations: result.violations,
        lang: document.documentElement.lang,
        status: navigation ? navigation.responseStatus : null,
        ids: {
            duplicated: [...count].filter(([, n]) => n > 1).map(([id]) => id),
            dangling: refs.filter(id => !count.has(id)),
        },
    };
}"""


def check(page: Page) -> dict[str, Any]:
    """Inject axe-core into the page and run the checks."""
    page.add_script_tag(path=AXE)
    result: dict[str, Any] = page.evaluate(CHECK, WCAG_TAGS)
    return result


def describe(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"{len(violations)} WCAG 2.1 A/AA rule(s) violated on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_no_wcag_violations(screen: Screen, lang: str, reader_page: Page, site: Site) -> None:
    reader_page.context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": site.url}])
    screen.open(reader_page, site)
    result = check(reader_page)
    where = f"{reader_page.url} ({lang})"
    assert (result["lang"], result["status"]) == (lang, screen.status), f"{screen.name}: {where}"
    assert not result["violations"], describe(result["violations"], where)
    assert result["ids"] == {"duplicated": [], "dangling": []}, f"{where}: {result['ids']}"


def test_the_checks_catch_known_faults(reader_page: Page) -> None:
    """A page with known faults must fail the checks (else passing them proves nothing)."""
    reader_page.set_content(
        '<html lang="en"><head><title>Faulty</title></head><body><main><h1>Faulty</h1>'
        '<input type="text"><p style="color:#aaa;background:#fff">Pale text</p><a href="/x"></a>'
        '<label for="twice">Twice</label><input id="twice"><input id="twice" aria-describedby="gone">'
        "</main></body></html>"
    )
    result = check(reader_page)
    found = {violation["id"] for violation in result["violations"]}
    assert {"label", "color-contrast", "link-name"} <= found, found
    assert result["ids"] == {"duplicated": ["twice"], "dangling": ["gone"]}


def page_routes() -> set[str]:
    """The GET routes of every module in api.pages (each has a `router`)."""
    paths: set[str] = set()
    for module_info in pkgutil.iter_modules(api.pages.__path__):
        module = importlib.import_module(f"api.pages.{module_info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            paths |= {r.path for r in router.routes if isinstance(r, APIRoute) and "GET" in (r.methods or ())}
    return paths - {"/language"}  # only redirects back


def test_every_page_route_has_a_screen() -> None:
    pages = page_routes()
    assert {"/", "/initiatives", "/initiatives/{initiative_id}"} <= pages, pages
    covered = {path for screen in SCREENS for path in screen.routes}
    missing = sorted(pages - covered)
    assert not missing, f"pages without an accessibility check (add a Screen to SCREENS): {missing}"
    assert not covered - pages, f"screens name routes the app does not have: {sorted(covered - pages)}"


def test_every_menu_link_has_a_screen(browse: Browse) -> None:
    page = browse().new_page()
    page.goto("/")
    menu: list[str] = page.locator("nav.main-nav a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(menu) >= 5, menu
    starts = {urlsplit(screen.start).path for screen in SCREENS}
    assert not set(menu) - starts, f"menu links without a screen: {sorted(set(menu) - starts)}"
