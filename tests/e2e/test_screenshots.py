"""Screenshots of the main pages with the demo data, for the README and for eyes.

They go to the directory named by KIPINA_SCREENSHOT_DIR (`make screenshots` uses
docs/screenshots), else to pytest's temporary directory. Each test checks that
its PNG was written, is not blank-small, and has the width asked for.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import Site, demo_site
from tests.e2e.conftest import Browse

pytestmark = pytest.mark.e2e

DESKTOP = (1280, 900)
PHONE = (360, 780)
ME = "Mikko Korhonen"  # the signed-in person in the pictures
OTHER = "Anna Virtanen"
MIN_BYTES = 10_000
SHOWCASE = "Perustehtävän kirkastaminen"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One SQLite-backed server for the module (overrides the per-store `site`)."""
    with demo_site("sqlite", tmp_path_factory.mktemp("site-shots")) as running:
        with running.api(ME) as api:  # the first request registers the person behind the login
            found = api.get("/api/people", params={"q": ME}).json()["items"]
        running.propose(
            "Kotihoidon iltakäyntien uudelleenjärjestely",
            user=ME,
            summary="Iltakäynnit suunnitellaan asiakkaan päivärytmin mukaan.",
            owner_id=found[0]["id"],
            themes=["kotihoito", "Lean"],
        )
        yield running


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get("KIPINA_SCREENSHOT_DIR")
    directory = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def new_initiative_with_error(page: Page, site: Site) -> None:
    page.goto("/initiatives/new")
    page.fill("#field-summary", "Asukkaat mukaan suunnittelemaan lähipalveluja.")
    page.fill("#field-themes", "osallisuus")
    page.locator("main form[method=post] button[type=submit]:not([name=_pick])").click()
    expect(page.locator(".error-summary")).to_be_visible()


def conflict(page: Page, site: Site) -> None:
    initiative_id = site.propose(
        "Sähköinen ajanvaraus suun terveydenhuoltoon", user=OTHER, summary="Ajanvaraus verkossa."
    )
    page.goto(f"/initiatives/{initiative_id}/edit")
    site.edit(initiative_id, user=OTHER, title="Sähköinen ajanvaraus hammashoitoon")
    page.fill("#field-summary", "Ajanvaraus verkossa ja tekstiviestimuistutukset.")
    page.locator("main form[method=post] button[type=submit]:not([name=_pick])").click()
    expect(page.locator("section[aria-labelledby=theirs-heading]")).to_be_visible()


def visit(path: str) -> Callable[[Page, Site], None]:
    def action(page: Page, site: Site) -> None:
        page.goto(path.format(showcase=site.demo[SHOWCASE]))

    return action


def good_practice(page: Page, site: Site) -> None:
    """Oulunkaari's published Innokylä model, opened from the catalogue."""
    page.goto("/good-practices?q=kehitt%C3%A4j%C3%A4opas")
    page.locator("#results tbody a").first.click()
    expect(page.locator("#versions")).to_be_visible()


def public_practice(page: Page, site: Site) -> None:
    """Oulunkaari's practice in the public catalogue, as a visitor opens it."""
    page.goto("/public/good-practices")
    page.locator(".practice-card h3 a").first.click()
    expect(page.locator("#published-text")).to_be_visible()


def three_w(suffix: str = "") -> Callable[[Page, Site], None]:
    """The demo's 3W programme dashboard (or one of its pages), as the coordinator projects it."""

    def action(page: Page, site: Site) -> None:
        with site.api() as api:
            found = [p for p in api.get("/api/programmes").json()["items"] if p["name"].startswith("3W")]
        page.goto(f"/programmes/{found[0]['id']}{suffix}")

    return action


def three_w_sheet(page: Page, site: Site) -> None:
    """The check-in sheet of the 3W programme's next workshop (the demo is on its morning)."""
    with site.api() as api:
        found = [p for p in api.get("/api/programmes").json()["items"] if p["name"].startswith("3W")]
        programme = api.get(f"/api/programmes/{found[0]['id']}").json()
    workshops = programme["workshops"]
    workshop = next((w for w in workshops if not w["held"]), workshops[-1])
    page.goto(f"/programmes/{programme['id']}/workshops/{workshop['id']}/check-ins")
    expect(page.locator("li.sheet-row").first).to_be_visible()


def series_pasted(page: Page, site: Site) -> None:
    """A new measure's paste page after a series with one bad line was checked and recorded:
    the report by line and the run chart of the recorded values."""
    initiative_id = site.propose("Kotihoidon aamukäynnit", user=ME)
    with site.api(ME) as api:
        body = {"name": "Aamukäynnin odotusaika", "unit": "min", "direction": "down", "frequency": "monthly"}
        measure = api.post(f"/api/initiatives/{initiative_id}/measures", json=body).json()
    page.goto(f"/measures/{measure['id']}/values/bulk")
    waits = ["42", "45", "40", "44", "kolmekymmentä", "43", "31", "29", "30", "27", "28,5", "26"]
    page.fill(
        "#field-lines",
        "Kausi\tOdotusaika\n" + "".join(f"2018-{m:02d}\t{w}\n" for m, w in enumerate(waits, 1)),
    )
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    page.locator("main form:has(input[name=step][value=record]) button[type=submit]").click()
    expect(page.locator("#series-lines tr.series-recorded")).to_have_count(11)


@dataclass(frozen=True)
class Shot:
    name: str
    show: Callable[[Page, Site], None]
    viewport: tuple[int, int] = DESKTOP
    lang: str = "fi"


SHOTS = [
    Shot("home", visit("/")),
    Shot("initiatives", visit("/initiatives")),
    Shot("initiative", visit("/initiatives/{showcase}")),
    Shot("initiative-new-error", new_initiative_with_error),
    Shot("conflict", conflict),
    Shot("home-phone", visit("/"), viewport=PHONE),
    Shot("initiative-sv", visit("/initiatives/{showcase}"), lang="sv"),
    Shot("good-practice", good_practice),
    # The public catalogue, as the seminar audience reads it on a phone, a laptop and a projector.
    Shot("public-catalogue-390", visit("/public/good-practices"), viewport=(390, 844)),
    Shot("public-catalogue-1280", visit("/public/good-practices")),
    Shot("public-catalogue-1920", visit("/public/good-practices"), viewport=(1920, 1080)),
    Shot("public-practice-1280", public_practice),
    # Quick capture on a phone: the home page's actions, the short form, the folded filters.
    Shot("home-390", visit("/"), viewport=(390, 844)),
    Shot("quick-experiment-390", visit("/experiments/new"), viewport=(390, 844)),
    Shot("experiments-390", visit("/experiments"), viewport=(390, 844)),
    # Workshop day: the programme dashboard on a phone, a laptop and a projector; one slide.
    Shot("dashboard-390", three_w(), viewport=(390, 844)),
    Shot("dashboard-1280", three_w()),
    Shot("dashboard-1920", three_w(), viewport=(1920, 1080)),
    Shot("presentation-1920", three_w("/present?n=3"), viewport=(1920, 1080)),
    # Check-ins in one sitting: the sheet on a laptop and a phone; enrolling many at once.
    Shot("check-in-sheet-1280", three_w_sheet),
    Shot("check-in-sheet-390", three_w_sheet, viewport=(390, 844)),
    Shot("enrol-1280", three_w("/enrol")),
    # Bulk entry: a pasted series with one bad line, recorded, and its run chart.
    Shot("measure-series-pasted-1280", series_pasted),
]


@pytest.mark.parametrize("shot", SHOTS, ids=lambda shot: shot.name)
def test_screenshot(shot: Shot, browse: Browse, site: Site, shots_dir: Path) -> None:
    width, height = shot.viewport
    page = browse(user=ME, lang=shot.lang, viewport={"width": width, "height": height}).new_page()
    shot.show(page, site)
    expect(page.locator("html")).to_have_attribute("lang", shot.lang)
    path = shots_dir / f"{shot.name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, animations="disabled")
    assert path.stat().st_size > MIN_BYTES, f"{path} is only {path.stat().st_size} bytes"
    assert png_size(path) == shot.viewport
