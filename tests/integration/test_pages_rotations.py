"""The job-rotation pages through FastAPI's TestClient on both stores: the list and
its filters, the propose form with its errors, a placement's next steps as forms,
the calendar and its window checks.

Pages are read like a browser reads them (see page_helpers) and checked against the
JSON API and the event log. English words are asserted only with English chosen.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    all_events,
    propose,
    register_heinavesi,
    register_person,
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
from tests.integration.test_api_rotations import COMPLETION, GOALS, KOTIHOITO, PAIVAHOITO, VUODEOSASTO, Case

HTML = "text/html"


def english(client: httpx.Client) -> None:
    chosen = client.get("/language", params={"set": "en", "next": "/"}, follow_redirects=False)
    assert chosen.status_code == 303


def open_page(client: httpx.Client, url: str, status: int = 200) -> Element:
    shown = client.get(url)
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:3000]}"
    assert shown.headers["content-type"].startswith(HTML)
    return parse(shown.text)


def make_case(client: TestClient) -> Case:
    english(client)
    org = register_heinavesi(client)
    person = register_person(client, "Maija Meikäläinen")
    mentor = register_person(client, "Jyrki Hämäläinen")
    initiative = propose(client, HEINAVESI_TARGETS[1])
    return Case(org, person["id"], mentor["id"], initiative["id"])


def form_data(case: Case, **overrides: str) -> dict[str, str]:
    data = {
        "person_id": case.person,
        "home_unit_id": case.org.units[KOTIHOITO],
        "host_unit_id": case.org.units[VUODEOSASTO],
        "starts_on": "2012-03-05",
        "ends_on": "2012-03-30",
        "learning_goals": "\r\n".join(GOALS) + "\r\n\r\n",
        "mentor_id": case.mentor,
        "initiative_id": case.initiative,
    }
    data.update(overrides)
    return data


def created_id(response: httpx.Response) -> str:
    assert response.status_code == 303, f"{response.status_code}\n{response.text[:3000]}"
    match = re.fullmatch(r"/rotations/([0-9a-f-]{36})", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def api_rotation(client: httpx.Client, rotation_id: str) -> dict[str, Any]:
    found = client.get(f"/api/rotations/{rotation_id}")
    assert found.status_code == 200
    body: dict[str, Any] = found.json()
    return body


def press(
    client: httpx.Client, rotation_id: str, verb: str, data: dict[str, str] | None = None
) -> httpx.Response:
    url = f"/rotations/{rotation_id}"
    return post_form(client, url, f"{url}/{verb}", data or {})


def status_shown(doc: Element) -> str:
    badge = doc.find(class_="status-line").find("span")
    return next(c.removeprefix("status-") for c in (badge.get("class") or "").split() if c != "status")


# ---- proposing ---------------------------------------------------------------------------


def test_propose_through_the_form(client: TestClient) -> None:
    case = make_case(client)
    form = open_page(client, "/rotations/new")
    host = form.by_id("picker-host_unit_id")
    offered = [label.text for label in host.find(class_="picker-options").find_all("label")]
    assert f"{VUODEOSASTO} — Heinäveden kunta" in offered, "each unit names its organisation"

    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    body = api_rotation(client, rotation_id)
    assert body["status"] == "proposed" and body["learning_goals"] == GOALS
    assert body["home_organisation"]["id"] == body["host_organisation"]["id"] == case.org.id
    assert body["initiative"]["id"] == case.initiative and body["mentor"]["id"] == case.mentor

    shown = open_page(client, f"/rotations/{rotation_id}")
    assert shown.find("h1").text == f"Maija Meikäläinen: {KOTIHOITO} → {VUODEOSASTO}"
    assert "The placement was proposed." in shown.by_id("flash").text
    assert status_shown(shown) == "proposed"


def test_the_form_shows_every_error_next_to_its_field_and_records_nothing(client: TestClient) -> None:
    case = make_case(client)
    before = all_events(client)
    response = post_form(
        client,
        "/rotations/new",
        "/rotations/new",
        form_data(
            case,
            host_unit_id=case.org.units[KOTIHOITO],
            starts_on="2012-03-30",
            ends_on="2012-03-05",
            learning_goals="  ",
            mentor_id=case.person,
        ),
    )
    assert response.status_code == 422
    doc = parse(response.text)
    assert "another unit" in field_error(doc, "host_unit_id")
    assert "on or after the start" in field_error(doc, "ends_on")
    assert "at least one" in field_error(doc, "learning_goals")
    assert "someone else" in field_error(doc, "mentor_id")
    assert set(error_summary_links(doc)) == {
        "#field-host_unit_id",
        "#field-ends_on",
        "#field-learning_goals",
        "#field-mentor_id",
    }
    assert doc.by_id("field-starts_on").get("value") == "2012-03-30", "what was typed is kept"
    assert all_events(client) == before

    empty = post_form(client, "/rotations/new", "/rotations/new", {})
    assert empty.status_code == 422
    doc = parse(empty.text)
    for name in ("person_id", "home_unit_id", "host_unit_id", "starts_on", "learning_goals"):
        assert field_error(doc, name)
    assert all_events(client) == before


def test_an_overlapping_proposal_is_refused_at_the_top_of_the_form(client: TestClient) -> None:
    case = make_case(client)
    created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    before = all_events(client)
    refused = post_form(
        client,
        "/rotations/new",
        "/rotations/new",
        form_data(
            case, host_unit_id=case.org.units[PAIVAHOITO], starts_on="2012-03-20", ends_on="2012-04-20"
        ),
    )
    assert refused.status_code == 422
    summary = parse(refused.text).find(class_="error-summary").text
    assert "already has a placement" in summary
    assert all_events(client) == before


def test_a_double_submitted_form_records_once(client: TestClient) -> None:
    case = make_case(client)
    shown = client.get("/rotations/new").text
    first = submit(client, shown, "/rotations/new", form_data(case))
    again = submit(client, shown, "/rotations/new", form_data(case))
    assert created_id(first) == created_id(again)
    assert len(client.get("/api/rotations").json()["items"]) == 1


# ---- a placement's steps -------------------------------------------------------------------


def test_the_steps_as_forms_approve_start_reflect_complete(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    page = open_page(client, f"/rotations/{rotation_id}")
    assert page.has_id("reschedule") and page.has_id("cancel") and not page.has_id("complete")
    assert not find_form(page, f"/rotations/{rotation_id}/approve").find_all("input", name="occurred_on")

    assert press(client, rotation_id, "approve").status_code == 303
    approved = api_rotation(client, rotation_id)
    assert approved["status"] == "approved" and approved["approved_by"]["name"] == "Local user"
    assert press(client, rotation_id, "start").status_code == 303

    refused = press(client, rotation_id, "reflections", {"text": "  "})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "reflection-text")
    added = press(
        client,
        rotation_id,
        "reflections",
        {"text": "Kotiutus alkaa jo tulopäivänä.", "occurred_on": "2012-03-09"},
    )
    assert added.status_code == 303 and added.headers["location"].endswith("#reflections")
    shown = open_page(client, f"/rotations/{rotation_id}")
    assert "Kotiutus alkaa jo tulopäivänä." in shown.by_id("reflections").text

    incomplete = press(client, rotation_id, "complete", {"learned": COMPLETION["learned"]})
    assert incomplete.status_code == 422
    doc = parse(incomplete.text)
    assert field_error(doc, "bring_home") and field_error(doc, "host_feedback")
    assert api_rotation(client, rotation_id)["status"] == "started"
    assert press(client, rotation_id, "complete", COMPLETION).status_code == 303
    done = open_page(client, f"/rotations/{rotation_id}")
    assert status_shown(done) == "completed"
    assert not done.has_id("cancel") and not done.find_all(
        "form", action=f"/rotations/{rotation_id}/reflections"
    )
    events = [e.find("strong").text for e in done.by_id("history").find_all("li", class_="history-entry")]
    assert events == ["Completed", "Reflection recorded", "Started", "Approved", "Proposed"]


def test_an_htmx_reflection_swaps_the_section(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    press(client, rotation_id, "approve")
    press(client, rotation_id, "start")
    url = f"/rotations/{rotation_id}"
    shown = client.get(url).text
    form = find_form(shown, f"{url}/reflections")
    assert form.get("hx-select") == "#reflections"
    response = submit(
        client, shown, f"{url}/reflections", {"text": "Ensimmäinen viikko."}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 303
    assert api_rotation(client, rotation_id)["reflections_count"] == 1


def test_reschedule_and_cancel_from_the_page(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    url = f"/rotations/{rotation_id}"
    page = open_page(client, url)
    assert find_form(page, f"{url}/reschedule").find("input", name="starts_on").get("value") == "2012-03-05"

    backwards = press(client, rotation_id, "reschedule", {"starts_on": "2012-04-10", "ends_on": "2012-04-01"})
    assert backwards.status_code == 422
    assert "on or after" in field_error(parse(backwards.text), "ends_on")
    moved = press(
        client,
        rotation_id,
        "reschedule",
        {"starts_on": "2012-04-02", "ends_on": "2012-04-27", "reason": "Loma-ajat"},
    )
    assert moved.status_code == 303
    assert api_rotation(client, rotation_id)["starts_on"] == "2012-04-02"

    no_reason = press(client, rotation_id, "cancel", {"reason": ""})
    assert no_reason.status_code == 422
    assert field_error(parse(no_reason.text), "cancel-reason")
    assert press(client, rotation_id, "cancel", {"reason": "Sijaista ei saatu."}).status_code == 303
    cancelled = api_rotation(client, rotation_id)
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "Sijaista ei saatu."


def test_a_stale_step_is_refused_with_a_sentence(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    url = f"/rotations/{rotation_id}"
    shown = client.get(url).text
    assert client.post(f"/api/rotations/{rotation_id}/approve").status_code == 200
    stale = submit(client, shown, f"{url}/cancel", {"reason": "Vanhasta näkymästä"})
    assert stale.status_code == 409
    assert "Someone else changed this placement" in parse(stale.text).by_id("cancel").text
    assert api_rotation(client, rotation_id)["status"] == "approved"


# ---- editing -------------------------------------------------------------------------------


def test_edit_adds_a_mentor_then_the_placement_starts(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(
        post_form(client, "/rotations/new", "/rotations/new", form_data(case, mentor_id=""))
    )
    url = f"/rotations/{rotation_id}"
    assert press(client, rotation_id, "approve").status_code == 303
    no_mentor = press(client, rotation_id, "start")
    assert no_mentor.status_code == 409, "no mentor yet: the placement cannot start"
    assert "mentor" in parse(no_mentor.text).by_id("steps").text
    assert api_rotation(client, rotation_id)["status"] == "approved"

    page = open_page(client, url)
    assert page.find_all("a", href=f"{url}/edit"), "an approved placement can be edited"
    shown = client.get(f"{url}/edit").text
    assert form_values(shown, f"{url}/edit")["learning_goals"].splitlines() == GOALS
    saved = submit(client, shown, f"{url}/edit", {"mentor_id": case.mentor})
    assert saved.status_code == 303 and saved.headers["location"] == url
    assert "changes were saved" in open_page(client, url).by_id("flash").text
    edited = api_rotation(client, rotation_id)
    assert edited["mentor"]["id"] == case.mentor and edited["learning_goals"] == GOALS
    assert edited["initiative"]["id"] == case.initiative

    assert press(client, rotation_id, "start").status_code == 303
    started = open_page(client, url)
    assert status_shown(started) == "started"
    assert not started.find_all("a", href=f"{url}/edit"), "a started placement is not edited"


def test_edit_without_learning_goals_is_refused_next_to_the_field(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    url = f"/rotations/{rotation_id}"
    before = all_events(client)
    refused = submit(client, client.get(f"{url}/edit").text, f"{url}/edit", {"learning_goals": " \r\n "})
    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "at least one goal" in field_error(doc, "learning_goals")
    assert error_summary_links(doc) == ["#field-learning_goals"]
    assert all_events(client) == before
    assert api_rotation(client, rotation_id)["learning_goals"] == GOALS


def test_a_stale_edit_keeps_the_input_and_saves_again(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    url = f"/rotations/{rotation_id}"
    shown = client.get(f"{url}/edit").text
    assert client.patch(f"/api/rotations/{rotation_id}", json={"initiative_id": None}).status_code == 200
    mine = "Kotiutuksen tarkistuslista tutuksi"
    stale = submit(client, shown, f"{url}/edit", {"learning_goals": mine})
    assert stale.status_code == 409
    doc = parse(stale.text)
    assert "someone else changed this placement" in doc.by_id("problem-summary").text
    again = find_form(doc, f"{url}/edit")
    assert again.find("textarea", name="learning_goals").text.strip() == mine, "the input is kept"
    current = api_rotation(client, rotation_id)
    assert again.find("input", name="version").get("value") == str(current["version"])
    assert api_rotation(client, rotation_id)["learning_goals"] == GOALS

    saved = submit(client, doc, f"{url}/edit", {})
    assert saved.status_code == 303
    edited = api_rotation(client, rotation_id)
    assert edited["learning_goals"] == [mine]
    assert edited["initiative"] is None, "the other person's change is kept"


def test_as_of_and_unknown_placements(client: TestClient) -> None:
    case = make_case(client)
    rotation_id = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    open_page(client, f"/rotations/{rotation_id}?as_of_date=2000-01-01", status=404)
    open_page(client, f"/rotations/{rotation_id}?as_of_date=bogus", status=400)
    open_page(client, f"/rotations/{case.initiative}", status=404)


# ---- the list and the calendar ---------------------------------------------------------------


def test_the_list_filters(client: TestClient) -> None:
    case = make_case(client)
    first = created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    eeva = register_person(client, "Eeva Kärkkäinen")["id"]
    second = created_id(
        post_form(
            client,
            "/rotations/new",
            "/rotations/new",
            form_data(case, person_id=eeva, host_unit_id=case.org.units[PAIVAHOITO], initiative_id=""),
        )
    )

    def listed(query: str) -> list[str]:
        doc = open_page(client, f"/rotations{query}")
        return [
            a.get("href", "")
            for a in doc.by_id("results").find_all("a")
            if "/rotations/" in (a.get("href") or "")
        ]

    assert listed("") == [f"/rotations/{second}", f"/rotations/{first}"]
    assert listed(f"?person_id={eeva}") == [f"/rotations/{second}"]
    assert listed(f"?unit_id={case.org.units[VUODEOSASTO]}") == [f"/rotations/{first}"]
    assert listed(f"?initiative_id={case.initiative}") == [f"/rotations/{first}"]
    assert listed("?status=approved") == []
    open_page(client, "/rotations?person_id=nobody", status=400)


def test_the_calendar_page_shows_who_is_away_and_the_weeks(client: TestClient) -> None:
    case = make_case(client)
    created_id(post_form(client, "/rotations/new", "/rotations/new", form_data(case)))
    doc = open_page(client, "/rotations/calendar?from=2012-03-12&to=2012-03-25")
    tables = {t.find("caption").text: t for t in doc.find_all("table")}
    away = tables[f"Away from {KOTIHOITO}"]
    assert [th.text for th in away.find_all("th", scope="row")] == ["Maija Meikäläinen"]
    assert VUODEOSASTO in away.text
    hosted = tables[f"Hosted by {VUODEOSASTO}"]
    assert "Maija Meikäläinen" in hosted.text
    weeks = tables[f"People away from and hosted by {KOTIHOITO}, week by week"]
    rows = [
        [c.text for c in tr.find_all() if c.tag in ("th", "td")] for tr in weeks.find("tbody").find_all("tr")
    ]
    assert [r[0].split(" (")[0] for r in rows] == ["Week 11/2012", "Week 12/2012"]
    assert [r[1:] for r in rows] == [["1", "0"], ["1", "0"]]
    assert all(th.get("scope") for th in doc.find_all("th"))

    empty = open_page(client, "/rotations/calendar?from=2013-01-07&to=2013-01-20")
    assert "Nobody is on a placement" in empty.find("main").text
    open_page(client, "/rotations/calendar")  # the default window: this week and the next eleven


def test_the_calendar_window_is_checked(client: TestClient) -> None:
    english(client)
    backwards = open_page(client, "/rotations/calendar?from=2012-03-12&to=2012-03-01", status=400)
    assert "on or after" in field_error(backwards, "to")
    too_long = open_page(client, "/rotations/calendar?from=2012-01-01&to=2013-06-30", status=400)
    assert "366" in field_error(too_long, "to")
    bogus = open_page(client, "/rotations/calendar?from=12.3.2012", status=400)
    assert field_error(bogus, "from")
