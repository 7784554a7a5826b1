"""The Change Day pages, used the way a browser uses them: create a campaign, pledge,
complete with a story (the handprint), withdraw, link an inspiration, import a CSV
file, read the wall and a person's handprints. Every refused form records nothing.

Runs on SQLite, and on PostgreSQL too when KIPINA_TEST_POSTGRES_DSN is set.
Oulunkaari's Change Day handprints (seed 003) are the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.api_helpers import (
    OULUNKAARI,
    all_events,
    nothing_recorded,
    register_organisation,
    register_person,
)
from tests.integration.page_helpers import (
    FLASH_COOKIE,
    LANG_COOKIE,
    Element,
    field_error,
    form_fields,
    parse,
    post_form,
)

PLEDGE = "Minä lupaan kysyä jokaiselta asiakkaalta, mikä hänelle on tänään tärkeintä."
STORY = "Kysyin kahdeltatoista asiakkaalta; kolme käyntiä järjestettiin uudelleen."
UUID = r"[0-9a-f-]{36}"


@pytest.fixture
def web(client: TestClient) -> Iterator[TestClient]:
    client.cookies.set(LANG_COOKIE, "en")
    yield client


def follow(client: TestClient, response: Any) -> Element:
    assert response.status_code == 303, response.text
    shown = client.get(response.headers["location"])
    assert shown.status_code == 200, shown.text
    return parse(shown.text)


def h1(doc: Element) -> str:
    (heading,) = doc.find_all("h1")
    return heading.text


def create_campaign(web: TestClient, name: str = "Oulunkaaren Change Day 2016") -> str:
    created = post_form(
        web, "/campaigns", "/campaigns", {"name": name, "held_on": "2016-03-16", "target_count": "4"}
    )
    assert created.status_code == 303, created.text
    match = re.fullmatch(f"/campaigns/({UUID})", created.headers["location"])
    assert match
    return match.group(1)


def pledge(web: TestClient, campaign: str, **data: str) -> str:
    form = {"text": PLEDGE, "pledger": "team", "team": "Kotihoidon tiimi 3", "category": "patient_experience"}
    answer = post_form(
        web, f"/campaigns/{campaign}/pledge", f"/campaigns/{campaign}/pledge", {**form, **data}
    )
    assert answer.status_code == 303, answer.text
    match = re.fullmatch(f"/actions/({UUID})", answer.headers["location"])
    assert match
    return match.group(1)


def totals(web: TestClient, campaign: str) -> tuple[str, str]:
    doc = parse(web.get(f"/campaigns/{campaign}").text)
    return doc.by_id("total-pledged").text, doc.by_id("total-completed").text


def test_the_menu_leads_to_change_day(web: TestClient) -> None:
    doc = parse(web.get("/").text)
    menu = [a.get("href") for a in doc.find("nav", class_="main-nav").find_all("a")]
    assert "/campaigns" in menu
    listing = web.get("/campaigns")
    assert listing.status_code == 200 and h1(parse(listing.text)) == "Change Day"


def test_create_a_campaign_and_refusals(web: TestClient) -> None:
    with nothing_recorded(web):
        refused = post_form(web, "/campaigns", "/campaigns", {"name": "", "held_on": "", "target_count": "0"})
        assert refused.status_code == 422
        doc = parse(refused.text)
        assert "required" in field_error(doc, "name")
        assert field_error(doc, "held_on")
        assert "at least 1" in field_error(doc, "target_count")
        refused = post_form(
            web, "/campaigns", "/campaigns", {"name": "X", "held_on": "2016-03-16", "target_count": "many"}
        )
        assert "whole number" in field_error(parse(refused.text), "target_count")
        assert parse(refused.text).by_id("field-name").get("value") == "X"
    campaign = create_campaign(web)
    created = web.get(f"/campaigns/{campaign}")
    doc = parse(created.text)
    assert h1(doc) == "Oulunkaaren Change Day 2016"
    listing = parse(web.get("/campaigns").text)
    assert "Oulunkaaren Change Day 2016" in listing.find("table").text


def test_pledge_complete_and_the_wall_counts(web: TestClient) -> None:
    org = register_organisation(web, OULUNKAARI, "joint_authority", ("Kotihoito",))
    campaign = create_campaign(web)
    assert totals(web, campaign) == ("0", "0")
    action = pledge(web, campaign, unit_id=org.units["Kotihoito"])
    doc = parse(web.get(f"/actions/{action}").text)
    assert h1(doc) == PLEDGE and "Pledged" in doc.find(class_="status-line").text
    assert (
        OULUNKAARI in doc.text and "Kotihoito" in doc.text
    )  # the unit's organisation was taken from the list
    assert totals(web, campaign) == ("1", "0")

    with nothing_recorded(web):
        refused = post_form(web, f"/actions/{action}", f"/actions/{action}/complete", {"story": "  "})
        assert refused.status_code == 422
        assert "required" in field_error(parse(refused.text), "story")
    done = post_form(web, f"/actions/{action}", f"/actions/{action}/complete", {"story": STORY})
    doc = follow(web, done)
    assert "Handprint awarded" in doc.by_id("handprint").text
    assert "handprint" in doc.by_id("flash").text
    assert [e.text.split()[0] for e in doc.by_id("history").find_all("li", class_="history-entry")] == [
        "Completed",
        "Pledged",
    ]
    assert totals(web, campaign) == ("1", "1")
    wall = parse(web.get(f"/campaigns/{campaign}").text)
    assert STORY in wall.by_id("stories").text
    assert "1 of 1 pledged actions completed: 100 %." in wall.by_id("completion-text").text
    table_heads = [th.get("scope") for th in wall.find_all("th")]
    assert "col" in table_heads and "row" in table_heads
    assert not doc.find_all("form", action=f"/actions/{action}/withdraw")  # completed: no withdrawal


def test_pledge_refusals_keep_the_input(web: TestClient) -> None:
    campaign = create_campaign(web)
    path = f"/campaigns/{campaign}/pledge"
    with nothing_recorded(web):
        refused = post_form(web, path, path, {"text": " ", "pledger": "team", "team": "", "category": ""})
        assert refused.status_code == 422
        doc = parse(refused.text)
        assert field_error(doc, "text") and field_error(doc, "category")
        assert "person_id or a team" in field_error(doc, "person_id")
        refused = post_form(
            web, path, path, {"text": PLEDGE, "pledger": "person", "person_id": "", "category": "other"}
        )
        assert refused.status_code == 422
        assert PLEDGE in parse(refused.text).by_id("field-text").text


def test_withdraw_and_link_an_inspiration(web: TestClient) -> None:
    campaign = create_campaign(web)
    source = pledge(web, campaign)
    action = pledge(web, campaign, text="Me lupaamme kysyä myös omaisilta.")
    linked = post_form(web, f"/actions/{action}", f"/actions/{action}/inspired-by", {"action_id": source})
    doc = follow(web, linked)
    assert PLEDGE in doc.text and "linked" in doc.by_id("flash").text
    with nothing_recorded(web):
        pledge_later = parse(web.get(f"/actions/{action}").text)
        assert not pledge_later.find_all(
            "form", action=f"/actions/{action}/inspired-by"
        )  # nothing left to link
    pledge(web, campaign, text="Kolmas teko")
    with nothing_recorded(web):
        refused = post_form(web, f"/actions/{action}", f"/actions/{action}/inspired-by", {"action_id": ""})
        assert refused.status_code == 422 and field_error(parse(refused.text), "action_id")
    withdrawn = post_form(
        web, f"/actions/{action}", f"/actions/{action}/withdraw", {"reason": "Siirryin toiseen yksikköön."}
    )
    doc = follow(web, withdrawn)
    assert "Withdrawn" in doc.find(class_="status-line").text
    assert "Siirryin toiseen yksikköön." in doc.text
    assert not doc.find_all("form", action=f"/actions/{action}/complete")


def test_a_stale_form_is_refused_and_records_nothing(web: TestClient) -> None:
    campaign = create_campaign(web)
    action = pledge(web, campaign)
    shown = web.get(f"/actions/{action}").text
    fields = form_fields(shown, f"/actions/{action}/complete")
    withdrawn = web.post(
        f"/actions/{action}/withdraw",
        data=form_fields(shown, f"/actions/{action}/withdraw"),
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    with nothing_recorded(web):
        late = web.post(
            f"/actions/{action}/complete", data={**fields, "story": STORY}, follow_redirects=False
        )
        assert late.status_code == 422
        summary = parse(late.text).find(class_="error-summary")
        assert "Cannot complete this action: it was withdrawn." in summary.text


def test_import_a_csv_file_with_a_bad_row(web: TestClient) -> None:
    campaign = create_campaign(web)
    register_person(web, "Maija Meikäläinen", "maija@oulunkaari.fi")
    csv = (
        "text;person_email;team;category\n"
        "Lupaan kuunnella;maija@oulunkaari.fi;;asiakaskokemus\n"
        "Me lupaamme;;Vuodeosasto;ympäristö\n"
        ";;Tiimi;muu\n"
    ).encode()
    page = web.get(f"/campaigns/{campaign}/import")
    fields = form_fields(page.text, f"/campaigns/{campaign}/import")
    answer = web.post(
        f"/campaigns/{campaign}/import", data=fields, files={"file": ("lupaukset.csv", csv, "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    doc = parse(answer.text)
    assert "2 pledges were recorded." in doc.by_id("report").text
    rejected = doc.by_id("rejected")
    assert rejected.find("th", scope="row").text == "4"
    assert "text is required" in rejected.text
    assert totals(web, campaign) == ("2", "0")
    events = all_events(web)
    again = web.post(
        f"/campaigns/{campaign}/import", data=fields, files={"file": ("lupaukset.csv", csv, "text/csv")}
    )
    assert "2 rows were imported earlier" in parse(again.text).by_id("report").text
    assert all_events(web) == events
    with nothing_recorded(web):
        bad = web.post(
            f"/campaigns/{campaign}/import", data=fields, files={"file": ("a.csv", b"nimi;x\n", "text/csv")}
        )
        assert bad.status_code == 422 and "nimi" in field_error(parse(bad.text), "file")
        empty = web.post(f"/campaigns/{campaign}/import", data=fields)
        assert empty.status_code == 422 and field_error(parse(empty.text), "file")


def test_a_persons_handprints(web: TestClient) -> None:
    maija = register_person(web, "Maija Meikäläinen")["id"]
    campaign = create_campaign(web)
    action = pledge(web, campaign, pledger="person", person_id=maija, team="")
    post_form(web, f"/actions/{action}", f"/actions/{action}/complete", {"story": STORY})
    person = parse(web.get(f"/people/{maija}").text)
    link = person.find("a", href=f"/people/{maija}/handprints")
    assert "Maija" in link.text
    doc = parse(web.get(f"/people/{maija}/handprints").text)
    assert h1(doc) == "Handprints of Maija Meikäläinen"
    assert STORY in doc.text and "1 completed Change Day action." in doc.text


def test_as_of_and_unknown_pages(web: TestClient) -> None:
    campaign = create_campaign(web)
    action = pledge(web, campaign)
    past = web.get(f"/campaigns/{campaign}", params={"as_of_date": "2000-01-01"})
    assert past.status_code == 404
    today = web.get(f"/actions/{action}", params={"as_of_date": "bogus"})
    assert today.status_code == 400 and field_error(parse(today.text), "as_of_date")
    for path in (
        "/campaigns/00000000-0000-0000-0000-000000000000",
        "/actions/00000000-0000-0000-0000-000000000000",
    ):
        assert web.get(path).status_code == 404
    assert web.cookies.get(FLASH_COOKIE) is None
