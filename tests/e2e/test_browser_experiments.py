"""A PDSA cycle in a real browser against a real server process, the way one of
Hamina's internal developers (seed 004) logs a quick experiment: plan it with a title
and the change idea, start it, record an observation without leaving the page (htmx),
study it, decide to adapt and plan the next cycle, and see both cycles in the chain.

Forms and buttons are found by what they post, not by their words.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import UUID_PATH, Site

pytestmark = pytest.mark.e2e

EXPERIMENT_URL = re.compile(rf"/experiments/({UUID_PATH})(#[a-z-]+)?$")


def test_plan_run_study_and_adapt_into_the_next_cycle(page: Page, site: Site) -> None:
    initiative_id = site.propose("Sisäinen kehittäjä: terveyspalvelut", user="tester")
    page.goto(f"/initiatives/{initiative_id}")
    page.locator(f"#experiments a[href='/initiatives/{initiative_id}/experiments#plan']").click()

    plan = page.locator(f"form[action='/initiatives/{initiative_id}/experiments']")
    plan.locator("[name=title]").fill("Vapaat ajat Facebookissa")
    plan.locator("[name=change_idea]").fill("Kiirevastaanoton vapaat ajat kerrotaan aamulla Facebookissa.")
    plan.locator("button[type=submit]").click()
    expect(page).to_have_url(EXPERIMENT_URL)
    match = EXPERIMENT_URL.search(page.url)
    assert match is not None
    experiment_id = match.group(1)
    expect(page.locator("h1")).to_have_text("Vapaat ajat Facebookissa")
    expect(page.locator(".status-line .stage-planned")).to_be_visible()

    page.locator("form[action$='/start'] button[type=submit]").click()
    expect(page.locator(".status-line .stage-started")).to_be_visible()

    # An observation through htmx: the section is swapped, the page is not reloaded.
    page.evaluate("window.__marker = 1")
    observations = page.locator("#observations")
    observations.locator("textarea[name=text]").fill("Ensimmäinen aamu: 12 soittoa, ennen noin 20.")
    observations.locator("input[name=value]").fill("12")
    observations.locator("input[name=value_name]").fill("aamun puhelut")
    observations.locator("button[type=submit]").click()
    expect(observations.locator(".notes li").first).to_contain_text("Ensimmäinen aamu")
    expect(observations.locator(".notes li").first).to_contain_text("aamun puhelut: 12")
    expect(observations.locator("textarea[name=text]")).to_have_value("")
    expect(page.locator("#history .history-entry").first).to_contain_text("Observation recorded")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"

    study = page.locator("form[action$='/study']")
    study.locator("[name=result]").fill("Soittoja tuli 40 % vähemmän; ennuste piti.")
    study.locator("[name=learning]").fill("Päivitys pitää tehdä ennen kahdeksaa.")
    study.locator("button[type=submit]").click()
    expect(page.locator(".status-line .stage-studied")).to_be_visible()

    decide = page.locator("form[action$='/decide']")
    decide.locator("input[name=decision][value=adapt]").check()
    decide.locator("[name=rationale]").fill("Aamu toimii; kokeillaan myös iltapäivää.")
    decide.locator("input[name=plan_next]").check()
    decide.locator("[name=next_title]").fill("Vapaat ajat Facebookissa myös iltapäivällä")
    decide.locator("button[type=submit]").click()
    expect(page.locator(".status-line .stage-decided")).to_be_visible()

    chain = page.locator("#cycles li")
    expect(chain).to_have_count(2)
    expect(chain.nth(0)).to_contain_text("Vapaat ajat Facebookissa")
    expect(chain.nth(1)).to_contain_text("Vapaat ajat Facebookissa myös iltapäivällä")
    chain.nth(1).locator("a").click()
    expect(page.locator("h1")).to_have_text("Vapaat ajat Facebookissa myös iltapäivällä")
    expect(page.locator(".status-line .stage-planned")).to_be_visible()
    expect(page.locator("#cycles li")).to_have_count(2)
    expect(page.locator(f"#cycles a[href='/experiments/{experiment_id}']")).to_be_visible()

    with site.api() as api:
        log = api.get(f"/api/initiatives/{initiative_id}/learning-log").json()["items"]
    assert [(e["kind"], e["decision"]) for e in log] == [("studied", None), ("decided", "adapt")]
