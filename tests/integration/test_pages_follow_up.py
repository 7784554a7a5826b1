"""The yearly follow-up page (KS step 7) through FastAPI's TestClient on both stores: its
three lists — no evaluation yet, completed but still measured, recommended spreading with
no good practice — each row linking to its initiative, the year selector, the organisation
filter, the as-of view and the refusals of a malformed year or date.

The case is Heinävesi's goal-oriented job rotation (seed 000), evaluated in December 2012.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.integration.api_helpers import HEINAVESI_TARGETS, move, register_heinavesi
from tests.integration.page_helpers import field_error
from tests.integration.test_api_evaluations import evaluate, started
from tests.integration.test_pages_programmes import english, open_page
from tests.integration.test_pages_targets import today

BASIC_TASK, ROTATION, COOPERATION = HEINAVESI_TARGETS


def links(client: TestClient, url: str, section: str) -> list[str]:
    found = open_page(client, url).by_id(section)
    return [
        a.text
        for a in found.find_all("a")
        if re.fullmatch(r"/initiatives/[0-9a-f-]{36}", a.get("href") or "")
    ]


def test_the_three_lists_with_links_to_their_initiatives(client: TestClient) -> None:
    english(client)
    org = register_heinavesi(client)
    waiting = started(client, BASIC_TASK, organisation_id=org.id)
    spreading = started(client, ROTATION, organisation_id=org.id)
    evaluate(client, spreading["id"])  # 2012-12-14, recommends spreading
    measured = started(client, COOPERATION)
    measure = client.post(
        f"/api/initiatives/{measured['id']}/measures",
        json={"name": "Osallistavat palaverit", "unit": "kpl", "direction": "up", "frequency": "monthly"},
    )
    assert measure.status_code == 201, measure.text
    evaluate(client, measured["id"], recommendation="continue", evaluated_on="2012-06-01")
    move(client, measured["id"], "evaluate")
    move(client, measured["id"], "complete", occurred_on="2012-06-30")
    value = client.post(
        f"/api/measures/{measure.json()['id']}/values", json={"period": "2012-09", "value": 4}
    )
    assert value.status_code in (200, 201), value.text

    url = "/follow-up?year=2012"
    page = open_page(client, url)
    assert page.find("h1").text == "Yearly follow-up 2012"
    assert links(client, url, "not-evaluated") == [BASIC_TASK]
    assert links(client, url, "still-measured") == [COOPERATION]
    assert links(client, url, "recommended-spreading") == [ROTATION]
    hrefs = [a.get("href") for a in page.find("main").find_all("a")]
    for initiative in (waiting, spreading, measured):
        assert f"/initiatives/{initiative['id']}" in hrefs
    assert f"/initiatives/{waiting['id']}/evaluations/new" in hrefs
    assert "Osallistavat palaverit : 1 value, latest Sep 1, 2012" in page.by_id("still-measured").text
    assert "Heinäveden kunta" in page.by_id("not-evaluated").text

    # The year selector: 2011 is before any of it; the links move a year at a time.
    assert "/follow-up?year=2011" in hrefs and "/follow-up?year=2013" in hrefs
    assert links(client, "/follow-up?year=2011", "recommended-spreading") == []
    # One organisation only: the cooperation initiative has none.
    only = f"/follow-up?year=2012&organisation_id={org.id}"
    assert links(client, only, "still-measured") == []
    assert links(client, only, "not-evaluated") == [BASIC_TASK]


def test_the_follow_up_as_it_was_and_its_refusals(client: TestClient) -> None:
    english(client)
    started(client, ROTATION)
    then = open_page(client, "/follow-up?year=2012&as_of_date=2000-01-01")
    assert links(client, "/follow-up?year=2012&as_of_date=2000-01-01", "not-evaluated") == []
    assert "You are looking at the past." in then.text
    now = f"/follow-up?year=2012&as_of_date={today()}"
    assert links(client, now, "not-evaluated") == [ROTATION]
    this_year = open_page(client, "/follow-up")
    assert this_year.find("h1").text == f"Yearly follow-up {today()[:4]}"

    bad = open_page(client, "/follow-up?year=20x2&as_of_date=bogus&organisation_id=x", status=400)
    assert field_error(bad, "year") == "Error: Enter a year such as 2012."
    assert field_error(bad, "as_of_date").endswith("Enter a date such as 2026-03-31.")
    assert field_error(bad, "organisation_id") == "Error: Choose one of the options in the list."
