"""The development target pages through FastAPI's TestClient on both stores: the list with
its filters and coverage flags, the define and edit forms (refusals next to their fields,
input kept, nothing recorded; "someone else saved first"), the target's page with its
coverage, the link, unlink and yearly review forms (a second review for a year corrects
the first), retiring, the as-of view, the history, and the outcome timelines of a target
and of a programme.

The case is Heinävesi's three common development targets for 2012 (seed 000), each with
its KS strategy (seed 002): the rotation target is "develop", run by the unit manager.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient

from services.settings import Settings
from tests.integration.api_helpers import (
    all_events,
    move,
    propose,
    register_heinavesi,
)
from tests.integration.page_helpers import (
    Element,
    error_summary_links,
    field_error,
    find_form,
    form_values,
    parse,
    post_form,
    submit,
)
from tests.integration.test_api_targets import (
    BASIC_TASK,
    COOPERATION,
    ROTATION,
    STRATEGY_GOAL,
    UNKNOWN,
    change_action,
    command,
    define,
    placement,
)
from tests.integration.test_pages_programmes import english, open_page

ZONE = ZoneInfo(Settings.model_fields["timezone"].default)


def today() -> str:
    return datetime.now(ZONE).date().isoformat()


def target_id_of(response: httpx.Response) -> str:
    assert response.status_code == 303, f"{response.status_code}\n{response.text[:3000]}"
    match = re.fullmatch(r"/targets/([0-9a-f-]{36})(#[a-z-]+)?", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def api_target(client: httpx.Client, target_id: str) -> dict[str, Any]:
    found = client.get(f"/api/targets/{target_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def coverage(client: httpx.Client, target_id: str) -> dict[str, Any]:
    found = client.get(f"/api/targets/{target_id}/coverage")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def define_through_the_form(client: httpx.Client, **changes: str) -> str:
    data = {
        "title": ROTATION,
        "strategy_goal": STRATEGY_GOAL,
        "strategy": "develop",
        "responsible_role": "unit_manager",
        "period_start": "2012-01-01",
        "period_end": "2012-12-31",
        "description": "Opas tekeillä jo nyt.",
        **changes,
    }
    return target_id_of(post_form(client, "/targets/new", "/targets/new", data))


def started(client: httpx.Client, title: str, **fields: Any) -> str:
    initiative_id = str(propose(client, title, **fields)["id"])
    move(client, initiative_id, "plan")
    move(client, initiative_id, "start")
    return initiative_id


def link(
    client: httpx.Client, target_id: str, record_type: str, field: str, record_id: str
) -> httpx.Response:
    page_url = f"/targets/{target_id}"
    shown = open_page(client, page_url)
    form = next(
        f
        for f in shown.find_all("form", action=f"{page_url}/links")
        if f.find("input", name="record_type").get("value") == record_type
    )
    body = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in form.find_all("input", type="hidden")
        if "name" in e.attrs
    }
    return client.post(f"{page_url}/links", data={**body, field: record_id}, follow_redirects=False)


def radios(html: str | Element, action: str) -> dict[str, str]:
    """The checked radio buttons of the form that posts to `action`, which a browser sends
    along with the rest (page_helpers.form_values leaves them out)."""
    return {
        box.attrs["name"]: box.attrs.get("value", "on")
        for box in find_form(html, action).find_all("input", type="radio")
        if "checked" in box.attrs
    }


def submit_edit(
    client: httpx.Client, html: str | Element | None, edit_url: str, changes: dict[str, str]
) -> httpx.Response:
    """Submit the edit form as shown (`html`, or opened now), radio buttons included."""
    shown = html if html is not None else open_page(client, edit_url)
    return submit(client, shown, edit_url, {**radios(shown, edit_url), **changes})


def texts(doc: Element, section: str) -> str:
    return doc.by_id(section).text


# ---- the list and the forms -------------------------------------------------------------


def test_the_menu_links_to_targets_and_the_list_filters_and_flags(client: TestClient) -> None:
    english(client)
    org = register_heinavesi(client)
    empty = open_page(client, "/targets")
    menu = [a.get("href") for a in empty.find("nav", class_="main-nav").find_all("a")]
    assert "/targets" in menu and "/follow-up" in menu
    assert "No development targets match these filters." in texts(empty, "results")
    rotation = define(client, ROTATION, organisation_id=org.id)
    define(client, BASIC_TASK, strategy="mobilise", responsible_role="top_management_hr")

    def titles(url: str, status: int = 200) -> list[str]:
        return [h3.text for h3 in open_page(client, url, status).by_id("results").find_all("h3")]

    assert titles("/targets") == [BASIC_TASK, ROTATION]
    assert titles("/targets?strategy=develop") == [ROTATION]
    assert titles("/targets?responsible_role=top_management_hr") == [BASIC_TASK]
    assert titles(f"/targets?organisation_id={org.id}") == [ROTATION]
    assert titles("/targets?q=opas") == [BASIC_TASK, ROTATION]
    assert titles("/targets?q=perustehtävän") == [BASIC_TASK]
    assert titles("/targets?status=retired") == []
    assert titles("/targets?as_of_date=2000-01-01") == []
    card = open_page(client, "/targets").by_id("results")
    assert "No measure" in card.text and "No activity in the past year" in card.text
    assert "Develop" in card.text and "Unit manager" in card.text and "Heinäveden kunta" in card.text
    assert f"/targets/{rotation['id']}" in [a.get("href") for a in card.find_all("a")]
    bad = open_page(client, "/targets?as_of_date=bogus&organisation_id=x&strategy=grow", status=400)
    assert field_error(bad, "as_of_date").endswith("Enter a date such as 2026-03-31.")
    assert field_error(bad, "organisation_id") == "Error: Choose one of the options in the list."
    assert field_error(bad, "strategy") == "Error: Choose one of the options in the list."


def test_a_target_without_its_required_fields_is_shown_again_and_records_nothing(
    client: TestClient,
) -> None:
    english(client)
    before = len(all_events(client))
    shown = open_page(client, "/targets/new")
    assert "Put the competence our staff already have to better use." in shown.text  # KS: mobilise
    data = {
        **form_values(shown, "/targets/new"),
        "title": " ",
        "period_start": "1.1.2012",
        "description": "Säilyy",
    }

    refused = client.post("/targets/new", data=data, follow_redirects=False)

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert error_summary_links(doc) == [
        "#field-title",
        "#field-strategy",
        "#field-responsible_role",
        "#field-period_start",
        "#field-period_end",
    ]
    assert field_error(doc, "title") == "Error: title is required and cannot be blank."
    assert field_error(doc, "period_start") == "Error: Enter a date such as 2026-03-31."
    assert field_error(doc, "responsible_role") == "Error: Choose the responsible role."
    assert "Choose the strategy." in doc.by_id("error-strategy").text
    assert doc.by_id("field-description").text == "Säilyy"
    assert len(all_events(client)) == before

    backwards = {**data, "title": ROTATION, "strategy": "develop", "responsible_role": "unit_manager"}
    backwards |= {"period_start": "2012-12-31", "period_end": "2012-01-01"}
    refused = client.post("/targets/new", data=backwards, follow_redirects=False)
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "period_end") == (
        "Error: The period cannot end (Jan 1, 2012) before it starts (Dec 31, 2012)."
    )
    assert len(all_events(client)) == before


def test_define_and_edit_through_the_forms_and_someone_else_saved_first(client: TestClient) -> None:
    english(client)
    org = register_heinavesi(client)
    target_id = define_through_the_form(client, organisation_id=org.id, decided_on="2011-11-30")

    body = api_target(client, target_id)
    assert (body["title"], body["strategy"], body["responsible_role"]) == (
        ROTATION,
        "develop",
        "unit_manager",
    )
    assert body["organisation"]["name"] == "Heinäveden kunta"
    page = open_page(client, f"/targets/{target_id}")
    assert page.find("h1").text == ROTATION
    assert "Develop our staff's competence through learning at work and training." in page.text
    assert f"/targets/{target_id}/timeline" in [a.get("href") for a in page.find_all("a")]

    edit_url = f"/targets/{target_id}/edit"
    stale = open_page(client, edit_url)
    saved = submit_edit(client, None, edit_url, {"title": "Tavoitteellinen työkierto 2012"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/targets/{target_id}"
    assert api_target(client, target_id)["title"] == "Tavoitteellinen työkierto 2012"

    before = len(all_events(client))
    refused = submit_edit(client, stale, edit_url, {"description": "Opas valmis."})
    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "Someone else changed this development target" in doc.find(class_="error-summary").text
    assert doc.by_id("field-description").text == "Opas valmis."
    assert len(all_events(client)) == before
    again = submit_edit(client, doc, edit_url, {})
    assert again.status_code == 303
    assert api_target(client, target_id)["description"] == "Opas valmis."

    blank = submit_edit(client, None, edit_url, {"title": ""})
    assert blank.status_code == 422
    assert field_error(parse(blank.text), "title") == "Error: title is required and cannot be blank."


# ---- links, coverage, reviews ----------------------------------------------------------------


def test_link_records_and_see_the_coverage_then_unlink_with_a_reason(client: TestClient) -> None:
    english(client)
    org = register_heinavesi(client)
    target_id = define(client, ROTATION, organisation_id=org.id)["id"]
    initiative_id = started(client, ROTATION, organisation_id=org.id)
    measure = client.post(
        f"/api/initiatives/{initiative_id}/measures",
        json={"name": "Kotiutuksen viive", "unit": "vrk", "direction": "down", "frequency": "monthly"},
    )
    assert measure.status_code == 201, measure.text
    recorded = client.post(
        f"/api/measures/{measure.json()['id']}/values", json={"period": "2012-03", "value": 3}
    )
    assert recorded.status_code in (200, 201), recorded.text
    placed = placement(client, org)
    action = change_action(client)

    for record_type, field, record_id in (
        ("initiative", "link_initiative_id", initiative_id),
        ("rotation", "link_rotation_id", placed["id"]),
        ("change_action", "link_action_id", action["id"]),
    ):
        done = link(client, target_id, record_type, field, record_id)
        assert done.status_code == 303, done.text[:3000]
        assert done.headers["location"].startswith(f"/targets/{target_id}#link-")

    cover = coverage(client, target_id)
    assert [i["id"] for i in cover["initiatives"]] == [initiative_id]
    assert cover["flags"] == {"no_measure": False, "no_activity": False}
    page = open_page(client, f"/targets/{target_id}")
    shown = texts(page, "coverage")
    assert ROTATION in shown and "Kotiutuksen viive" in shown and "1 value" in shown
    assert "Measured and active" in shown and "Not evaluated yet" in shown
    assert "Kotihoito → Terveyskeskuksen vuodeosasto" in shown
    assert "Minä lupaan kysyä asiakkaalta" in shown
    assert f"/initiatives/{initiative_id}" in [a.get("href") for a in page.by_id("coverage").find_all("a")]
    # What is linked is not offered again.
    assert "There is nothing of this kind to link." in texts(page, "link-initiative")

    page_url = f"/targets/{target_id}"
    unlinked = post_form(
        client,
        page_url,
        f"{page_url}/unlink",
        {"unlink_record_id": placed["id"], "unlink_reason": "Sijoitus siirtyi toiseen kohteeseen."},
    )
    assert unlinked.status_code == 303
    assert [link["record_id"] for link in api_target(client, target_id)["links"]] == [
        initiative_id,
        action["id"],
    ]
    assert client.get(f"/api/rotations/{placed['id']}").json()["target_id"] is None
    history = open_page(client, f"/targets/{target_id}/history").by_id("history").text
    assert "Record unlinked" in history and "Sijoitus siirtyi toiseen kohteeseen." in history
    assert "Target defined" in history and "Record linked" in history


def test_link_and_unlink_refusals_are_next_to_their_field_and_record_nothing(client: TestClient) -> None:
    english(client)
    target_id = define(client)["id"]
    started(client, ROTATION)
    page_url = f"/targets/{target_id}"
    before = len(all_events(client))

    blank = link(client, target_id, "initiative", "link_initiative_id", "")
    assert blank.status_code == 422
    assert field_error(parse(blank.text), "link_initiative_id") == "Error: Choose the record to link."
    tampered = link(client, target_id, "initiative", "link_initiative_id", UNKNOWN)
    assert tampered.status_code == 422
    assert field_error(parse(tampered.text), "link_initiative_id") == (
        f"Error: There is no initiative with id {UNKNOWN}."
    )
    nothing = link(client, target_id, "initiative", "link_initiative_id", "not-an-id")
    assert nothing.status_code == 422
    assert field_error(parse(nothing.text), "link_initiative_id") == (
        "Error: Choose one of the options in the list."
    )
    assert len(all_events(client)) == before

    initiative_id = started(client, COOPERATION)
    assert link(client, target_id, "initiative", "link_initiative_id", initiative_id).status_code == 303
    before = len(all_events(client))
    again = link(client, target_id, "initiative", "link_initiative_id", initiative_id)
    assert again.status_code == 422
    assert "already linked" in parse(again.text).by_id("link-initiative").find(class_="error-summary").text
    refused = post_form(client, page_url, f"{page_url}/unlink", {"unlink_record_id": ""})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "unlink_record_id") == "Error: Choose the record to unlink."
    refused = post_form(client, page_url, f"{page_url}/unlink", {"unlink_record_id": UNKNOWN})
    assert refused.status_code == 422
    summary = parse(refused.text).by_id("unlink").find(class_="error-summary").text
    assert f"No record with id {UNKNOWN} is linked to this development target." in summary
    assert len(all_events(client)) == before


def test_yearly_reviews_and_a_second_one_for_a_year_corrects_the_first(client: TestClient) -> None:
    english(client)
    target_id = define(client)["id"]
    page_url = f"/targets/{target_id}"
    review = {
        "year": "2012",
        "review_status": "on_track",
        "decision": "continue",
        "what_changed": "Opas luonnos.",
    }

    first = post_form(client, page_url, f"{page_url}/reviews", review)
    assert first.status_code == 303 and first.headers["location"] == f"{page_url}#reviews"
    correction = {**review, "review_status": "achieved", "what_changed": "Työkiertoon lähti kuusi hoitajaa."}
    second = post_form(client, page_url, f"{page_url}/reviews", correction)
    assert second.status_code == 303

    reviews = api_target(client, target_id)["reviews"]
    assert [r["status"] for r in reviews] == ["on_track", "achieved"]
    assert reviews[1]["corrects"] == reviews[0]["id"]
    shown = open_page(client, page_url).by_id("reviews")
    rows = shown.find("tbody").find_all("tr")
    assert "Achieved" in rows[0].text and "Corrects an earlier review" in rows[0].text
    assert "On track" in rows[1].text and "Corrected by a later review of the same year" in rows[1].text
    assert rows[1].get("class") == "corrected"
    assert coverage(client, target_id)["latest_review"]["status"] == "achieved"
    history = open_page(client, f"{page_url}/history").by_id("history").text
    assert "Yearly review recorded" in history and "Review 2012 · Corrects an earlier review" in history


def test_review_refusals_are_next_to_their_field_and_record_nothing(client: TestClient) -> None:
    english(client)
    target_id = define(client)["id"]
    page_url = f"/targets/{target_id}"
    before = len(all_events(client))
    empty = post_form(client, page_url, f"{page_url}/reviews", {"year": "20x2", "what_changed": "Kept"})
    assert empty.status_code == 422
    doc = parse(empty.text)
    assert field_error(doc, "year") == "Error: Enter a year such as 2012."
    assert field_error(doc, "review_status") == "Error: Choose how the target is doing."
    assert field_error(doc, "decision") == "Error: Choose a decision."
    assert doc.by_id("field-what_changed").text == "Kept"
    early = {"year": "2011", "review_status": "at_risk", "decision": "adjust"}
    refused = post_form(client, page_url, f"{page_url}/reviews", early)
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "year") == (
        "Error: year is 2011, before the target's period starts (Jan 1, 2012)."
    )
    later = {**early, "year": "2012", "reviewed_on": "2999-01-01"}
    refused = post_form(client, page_url, f"{page_url}/reviews", later)
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "reviewed_on").startswith("Error: ")
    assert len(all_events(client)) == before


# ---- retiring, as-of, history --------------------------------------------------------------------


def test_retire_after_a_confirmation_with_a_reason(client: TestClient) -> None:
    english(client)
    target_id = define(client)["id"]
    retire_url = f"/targets/{target_id}/retire"
    before = len(all_events(client))
    refused = post_form(client, retire_url, retire_url, {"reason": " "})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "reason") == "Error: Say why the target is retired."
    assert len(all_events(client)) == before

    done = post_form(
        client, retire_url, retire_url, {"reason": "Tavoite saavutettu; työkierto on vakiintunut."}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/targets/{target_id}"
    page = open_page(client, f"/targets/{target_id}")
    assert "This development target is retired." in page.text and "vakiintunut" in page.text
    assert not page.find_all("form", method="post")
    assert "that is final" in open_page(client, retire_url).text
    before = len(all_events(client))
    edit_url = f"/targets/{target_id}/edit"
    late = submit_edit(client, None, edit_url, {"title": "Myöhässä"})
    assert late.status_code == 422
    assert "is retired" in parse(late.text).find(class_="error-summary").text
    assert len(all_events(client)) == before
    assert open_page(client, "/targets?status=retired").by_id("results").find("h3").text == ROTATION


def test_the_target_page_as_it_was(client: TestClient) -> None:
    english(client)
    target_id = define(client)["id"]
    page_url = f"/targets/{target_id}"
    now = open_page(client, f"{page_url}?as_of_date={today()}")
    assert "You are looking at the past." in now.text
    assert not now.find_all("form", method="post")
    past = open_page(client, f"{page_url}?as_of_date=2000-01-01", status=404)
    assert past.find("h1").text == ROTATION
    bad = open_page(client, f"{page_url}?as_of_date=bogus", status=400)
    assert field_error(bad, "as_of_date").endswith("Enter a date such as 2026-03-31.")
    assert open_page(client, f"/targets/{UNKNOWN}", status=404)


# ---- the timelines ------------------------------------------------------------------------------


def test_the_target_timeline_shows_its_initiatives_lanes_and_entries(client: TestClient) -> None:
    english(client)
    target_id = define(client)["id"]
    initiative_id = started(client, ROTATION)
    command(client, target_id, "links", {"record_type": "initiative", "record_id": initiative_id})
    page_url = f"/targets/{target_id}/timeline"

    page = open_page(client, page_url)
    svg = page.find("svg")
    assert svg.find("title").text and svg.find("desc").text
    entries = page.by_id("entries").find_all("li")
    assert entries and all(ROTATION in e.text for e in entries)
    assert any("Lifecycle" in e.text for e in entries)
    filtered = open_page(client, f"{page_url}?kind=evaluation")
    assert "Nothing recorded in this period." in filtered.by_id("entries").text
    bad = open_page(client, f"{page_url}?from=2012-02-01&to=2012-01-01", status=400)
    assert field_error(bad, "to") == "Error: The end of the period must not be before its start."
    assert open_page(client, f"{page_url}?as_of_date=2000-01-01", status=404).find("h1").text == ROTATION
    assert "You are looking at the past." in open_page(client, f"{page_url}?as_of_date={today()}").text


def test_the_programme_timeline_and_its_link_from_the_programme_page(client: TestClient) -> None:
    english(client)
    created = client.post(
        "/api/programmes",
        json={"name": "3W-kehittämisohjelma", "period_start": "2018-04-01", "period_end": "2019-04-30"},
    )
    assert created.status_code == 201, created.text
    programme_id = created.json()["id"]
    initiative_id = started(client, "Kotihoidon aamut")
    enrolled = client.post(
        f"/api/programmes/{programme_id}/initiatives", json={"initiative_id": initiative_id}
    )
    assert enrolled.status_code < 300, enrolled.text

    dashboard = open_page(client, f"/programmes/{programme_id}")
    assert f"/programmes/{programme_id}/timeline" in [a.get("href") for a in dashboard.find_all("a")]
    page = open_page(client, f"/programmes/{programme_id}/timeline")
    assert page.find("h1").text == "Timeline: 3W-kehittämisohjelma"
    assert "Kotihoidon aamut" in page.by_id("entries").text
    assert page.find("svg").find("title").text
    assert open_page(client, f"/programmes/{programme_id}/timeline?kind=bogus", status=400)
    assert open_page(client, f"/programmes/{UNKNOWN}/timeline", status=404)


# ---- a placement serves a target ----------------------------------------------------------------


def test_a_placement_chooses_its_target_on_its_own_form_and_shows_it(client: TestClient) -> None:
    english(client)
    org = register_heinavesi(client)
    target_id = define(client, ROTATION)["id"]
    placed = placement(client, org)
    edit_url = f"/rotations/{placed['id']}/edit"
    shown = open_page(client, edit_url)
    offered = shown.by_id("picker-target_id").find_all("input", type="radio")
    assert [o.get("value") for o in offered] == ["", target_id]

    saved = submit(client, shown, edit_url, {"target_id": target_id})
    assert saved.status_code == 303, saved.text[:3000]
    details = open_page(client, f"/rotations/{placed['id']}")
    assert f"/targets/{target_id}" in [a.get("href") for a in details.find_all("a")]
    assert [p["id"] for p in coverage(client, target_id)["placements"]] == [placed["id"]]
    assert "Kotihoito → Terveyskeskuksen vuodeosasto" in texts(
        open_page(client, f"/targets/{target_id}"), "coverage"
    )
