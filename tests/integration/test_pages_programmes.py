"""The programme pages through FastAPI's TestClient on both stores: the list with its
filters, the create and edit forms (refusals next to their fields, input kept, nothing
recorded), the dashboard with its workshops, enrolment and withdrawal, the workshop's
digest, the as-of view, closing, the programme's history and the initiative page's
programmes section. The check-in sheet has its own tests (test_pages_check_in_sheet.py).

Pages are read like a browser reads them (see page_helpers) and checked against the
JSON API and the event log. English words are asserted only with English chosen.
The case is the 3W programme (seed 001): four municipalities, workshop days, check-ins.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient

from services.settings import Settings
from tests.integration.api_helpers import all_events, propose, register_organisation, register_person
from tests.integration.page_helpers import (
    LANG_COOKIE,
    Element,
    error_summary_links,
    field_error,
    find_form,
    form_values,
    parse,
    post_form,
    submit,
)

NAME = "3W-kehittämisohjelma"
HTML = "text/html"
HTMX = {"HX-Request": "true"}
ZONE = ZoneInfo(Settings.model_fields["timezone"].default)


def ticked(html: str | Element, action: str) -> dict[str, list[str]]:
    """The ticked checkboxes of the form that posts to `action` (name → values), which a
    browser sends along with the rest (page_helpers.form_values leaves them out)."""
    found: dict[str, list[str]] = {}
    for box in find_form(html, action).find_all("input", type="checkbox"):
        if "checked" in box.attrs:
            found.setdefault(box.attrs["name"], []).append(box.attrs.get("value", "on"))
    return found


def submit_ticked(
    client: httpx.Client, page_url: str, action: str, changes: dict[str, str]
) -> httpx.Response:
    """Like page_helpers.submit_form, with the ticked checkboxes sent too."""
    shown = open_page(client, page_url)
    body = {**form_values(shown, action), **ticked(shown, action), **changes}
    return client.post(action, data=body, follow_redirects=False)


def english(client: httpx.Client) -> None:
    chosen = client.get("/language", params={"set": "en", "next": "/"}, follow_redirects=False)
    assert chosen.status_code == 303 and client.cookies.get(LANG_COOKIE) == "en"


def open_page(
    client: httpx.Client, url: str, status: int = 200, headers: dict[str, str] | None = None
) -> Element:
    shown = client.get(url, headers=headers)
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:3000]}"
    assert shown.headers["content-type"].startswith(HTML)
    return parse(shown.text)


def programme_id_of(response: httpx.Response) -> str:
    assert response.status_code == 303, f"{response.status_code}\n{response.text[:3000]}"
    match = re.fullmatch(r"/programmes/([0-9a-f-]{36})(#[a-z-]+)?", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def api_programme(client: httpx.Client, programme_id: str) -> dict[str, Any]:
    found = client.get(f"/api/programmes/{programme_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def three_w(client: httpx.Client) -> dict[str, str]:
    """Two of the 3W municipalities, one outside it, a coordinator and three initiatives."""
    kirkkonummi = register_organisation(client, "Kirkkonummi")
    vihti = register_organisation(client, "Vihti")
    other = register_organisation(client, "Hamina")
    coordinator = register_person(client, "Koordinaattori Kaisa")
    return {
        "kirkkonummi": kirkkonummi.id,
        "vihti": vihti.id,
        "other": other.id,
        "coordinator": coordinator["id"],
        "kotihoito": propose(client, "Kotihoidon aamut", organisation_id=kirkkonummi.id)["id"],
        "palvelutalo": propose(client, "Palvelutalon lääkejako", organisation_id=vihti.id)["id"],
        "outside": propose(client, "Haminan kokeilu", organisation_id=other.id)["id"],
    }


def create_programme(client: httpx.Client, ids: dict[str, str]) -> str:
    shown = open_page(client, "/programmes/new")
    body = {
        **form_values(shown, "/programmes/new"),
        "name": NAME,
        "period_start": "2018-04-01",
        "period_end": "2019-04-30",
        "coordinator_id": ids["coordinator"],
        "description": "Lean-oppia lähiesihenkilöille.",
    }
    data = {**body, "organisation_ids": [ids["kirkkonummi"], ids["vihti"]]}
    return programme_id_of(client.post("/programmes/new", data=data, follow_redirects=False))


def schedule(client: httpx.Client, programme_id: str, day: str, title: str, kind: str = "workshop") -> str:
    page_url = f"/programmes/{programme_id}"
    done = post_form(client, page_url, f"{page_url}/workshops", {"day": day, "title": title, "kind": kind})
    assert done.status_code == 303, done.text[:3000]
    assert done.headers["location"] == f"{page_url}#workshops"
    workshops = api_programme(client, programme_id)["workshops"]
    return str(next(w["id"] for w in workshops if w["title"] == title))


def enrol(client: httpx.Client, programme_id: str, initiative_id: str) -> httpx.Response:
    page_url = f"/programmes/{programme_id}"
    return post_form(client, page_url, f"{page_url}/initiatives", {"initiative_id": initiative_id})


def check_ins(client: httpx.Client, initiative_id: str) -> list[dict[str, Any]]:
    found = client.get(f"/api/initiatives/{initiative_id}/check-ins")
    assert found.status_code == 200, found.text
    items: list[dict[str, Any]] = found.json()["items"]
    return items


def set_up(client: TestClient) -> tuple[dict[str, str], str, str]:
    """The programme with its first workshop and two initiatives enrolled."""
    ids = three_w(client)
    programme_id = create_programme(client, ids)
    workshop_id = schedule(client, programme_id, "2018-09-13", "Työpaja 1")
    for name in ("kotihoito", "palvelutalo"):
        assert enrol(client, programme_id, ids[name]).status_code == 303
    return ids, programme_id, workshop_id


# ---- the list and the forms -------------------------------------------------------------


def test_the_menu_links_to_programmes_and_the_list_filters(client: TestClient) -> None:
    english(client)
    ids = three_w(client)
    empty = open_page(client, "/programmes")
    assert "/programmes" in [a.get("href") for a in empty.find("nav", class_="main-nav").find_all("a")]
    assert "No programmes match these filters." in empty.by_id("results").text
    programme_id = create_programme(client, ids)

    def names(url: str, status: int = 200) -> list[str]:
        return [h3.text for h3 in open_page(client, url, status).by_id("results").find_all("h3")]

    assert names("/programmes") == [NAME]
    card = open_page(client, "/programmes").by_id("results")
    assert "Kirkkonummi, Vihti" in card.text and "Koordinaattori Kaisa" in card.text
    assert card.find("a").get("href") == f"/programmes/{programme_id}"
    assert names("/programmes?status=open") == [NAME]
    assert names("/programmes?status=closed") == []
    assert names(f"/programmes?organisation_id={ids['vihti']}") == [NAME]
    assert names(f"/programmes?organisation_id={ids['other']}") == []
    assert names("/programmes?q=lean") == [NAME]
    assert names("/programmes?as_of_date=2000-01-01") == []
    bad = open_page(client, "/programmes?as_of_date=bogus&organisation_id=x", status=400)
    assert field_error(bad, "as_of_date").endswith("Enter a date such as 2026-03-31.")
    assert field_error(bad, "organisation_id") == "Error: Choose one of the options in the list."


def test_a_programme_without_its_required_fields_is_shown_again_and_records_nothing(
    client: TestClient,
) -> None:
    english(client)
    ids = three_w(client)
    before = len(all_events(client))
    shown = open_page(client, "/programmes/new")
    data = {
        **form_values(shown, "/programmes/new"),
        "name": " ",
        "period_start": "1.4.2018",
        "description": "Kuvaus säilyy",
        "organisation_ids": [ids["vihti"]],
    }

    refused = client.post("/programmes/new", data=data, follow_redirects=False)

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert error_summary_links(doc) == ["#field-name", "#field-period_start", "#field-period_end"]
    assert field_error(doc, "name").endswith("name is required and cannot be blank.")
    assert field_error(doc, "period_start").endswith("Enter a date such as 2026-03-31.")
    assert field_error(doc, "period_end").endswith("period_end is required and cannot be blank.")
    assert doc.by_id("field-description").text == "Kuvaus säilyy", "what was typed is kept"
    assert doc.by_id("field-period_start").get("value") == "1.4.2018"
    assert "checked" in doc.by_id(f"field-organisation_ids-{ids['vihti']}").attrs
    assert "checked" not in doc.by_id(f"field-organisation_ids-{ids['kirkkonummi']}").attrs
    assert len(all_events(client)) == before

    reversed_period = submit(
        client,
        doc,
        "/programmes/new",
        {"name": NAME, "period_start": "2019-04-30", "period_end": "2018-04-01"},
    )
    assert reversed_period.status_code == 422
    assert error_summary_links(parse(reversed_period.text)) == ["#field-period_end"]
    assert len(all_events(client)) == before


def test_create_and_edit_through_the_forms(client: TestClient) -> None:
    english(client)
    ids = three_w(client)
    programme_id = create_programme(client, ids)
    body = api_programme(client, programme_id)
    assert (body["name"], body["period_start"], body["period_end"]) == (NAME, "2018-04-01", "2019-04-30")
    assert {o["id"] for o in body["organisations"]} == {ids["kirkkonummi"], ids["vihti"]}
    assert body["coordinator"]["id"] == ids["coordinator"]
    doc = open_page(client, f"/programmes/{programme_id}")
    assert doc.find("h1").text == NAME
    assert doc.by_id("flash").text == "The programme was created."

    edit_url = f"/programmes/{programme_id}/edit"
    refused = submit_ticked(client, edit_url, edit_url, {"period_end": "2018-01-01"})
    assert refused.status_code == 422
    assert error_summary_links(parse(refused.text)) == ["#field-period_end"]
    saved = submit_ticked(client, edit_url, edit_url, {"name": f"{NAME} 2018–2019"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/programmes/{programme_id}"
    body = api_programme(client, programme_id)
    assert (body["name"], body["version"]) == (f"{NAME} 2018–2019", 2)
    assert {o["id"] for o in body["organisations"]} == {ids["kirkkonummi"], ids["vihti"]}, "kept as shown"

    shown = open_page(client, edit_url)
    other = client.patch(
        f"/api/programmes/{programme_id}", json={"name": "Joku muu"}, headers={"If-Match": '"2"'}
    )
    assert other.status_code == 200, other.text
    before = len(all_events(client))
    conflict = client.post(
        edit_url,
        data={**form_values(shown, edit_url), **ticked(shown, edit_url), "description": "Minun kuvaukseni"},
        follow_redirects=False,
    )
    assert conflict.status_code == 422
    assert "Someone else changed this programme" in parse(conflict.text).find("main").text
    assert parse(conflict.text).by_id("field-description").text == "Minun kuvaukseni"
    assert len(all_events(client)) == before


# ---- the dashboard ----------------------------------------------------------------------------


def test_workshops_enrolment_and_withdrawal_from_the_dashboard(client: TestClient) -> None:
    english(client)
    ids = three_w(client)
    programme_id = create_programme(client, ids)
    page_url = f"/programmes/{programme_id}"
    before = len(all_events(client))

    outside = post_form(
        client,
        page_url,
        f"{page_url}/workshops",
        {"day": "2020-01-01", "title": "Myöhässä", "kind": "workshop"},
    )
    assert outside.status_code == 422
    doc = parse(outside.text)
    assert field_error(doc, "day").endswith(
        "Jan 1, 2020 is outside the programme's period Apr 1, 2018 – Apr 30, 2019."
    )
    assert doc.by_id("field-title").get("value") == "Myöhässä"
    blank = post_form(client, page_url, f"{page_url}/workshops", {"day": "", "title": "", "kind": "workshop"})
    assert error_summary_links(parse(blank.text)) == ["#field-day", "#field-title"]
    assert len(all_events(client)) == before

    first = schedule(client, programme_id, "2018-09-13", "Työpaja 1")
    schedule(client, programme_id, "2019-04-11", "Hyvät käytännöt jakoon", kind="seminar")

    enrol_form = find_form(open_page(client, page_url), f"{page_url}/initiatives")
    offered = {o.get("value") for o in enrol_form.find_all("option") if o.get("value")}
    assert offered == {ids["kotihoito"], ids["palvelutalo"]}, "only the participating organisations'"
    refused = enrol(client, programme_id, ids["outside"])
    assert refused.status_code == 422
    assert "does not take part in this programme" in parse(refused.text).by_id("enrolment").text
    nothing = enrol(client, programme_id, "")
    assert field_error(parse(nothing.text), "initiative_id").endswith("Choose the initiative to enrol.")
    for name in ("kotihoito", "palvelutalo"):
        assert enrol(client, programme_id, ids[name]).headers["location"] == f"{page_url}#enrolment"

    doc = open_page(client, page_url)
    table = doc.by_id("initiatives").find("table")
    assert [th.text for th in table.find("tbody").find_all("th")] == [
        "Kotihoidon aamut",
        "Palvelutalon lääkejako",
    ]
    assert "No check-in" in table.text and "Not yet" in table.text
    assert doc.by_id("next").find("a").text == "Työpaja 1"
    assert [li.text.split(" – ")[0] for li in doc.by_id("next").find_all("li")] == [
        "Kotihoidon aamut",
        "Palvelutalon lääkejako",
    ]
    workshops = doc.by_id("workshops").find("tbody").find_all("tr")
    assert [tr.find("th").text for tr in workshops] == ["Työpaja 1", "Hyvät käytännöt jakoon"]
    assert "Seminar" in workshops[1].text

    held = post_form(client, page_url, f"{page_url}/workshops/{first}/held", {})
    assert held.status_code == 303 and held.headers["location"] == f"{page_url}#workshops"
    doc = open_page(client, page_url)
    assert doc.by_id("next").find("a").text == "Hyvät käytännöt jakoon", "the next one not held"

    withdrawn = post_form(
        client,
        page_url,
        f"{page_url}/withdrawals",
        {"withdraw_initiative_id": ids["palvelutalo"], "withdraw_reason": "Yhdistettiin toiseen"},
    )
    assert withdrawn.status_code == 303
    body = api_programme(client, programme_id)
    assert [i["initiative"]["id"] for i in body["initiatives"]] == [ids["kotihoito"]]
    assert body["withdrawn"][0]["reason"] == "Yhdistettiin toiseen"
    history = open_page(client, f"{page_url}/history").by_id("history")
    events = [e.find("strong").text for e in history.find_all("li", class_="history-entry")]
    assert events[:3] == ["Initiative withdrawn", "Workshop held", "Initiative enrolled"]
    assert "Workshop: Hyvät käytännöt jakoon · Kind now: Seminar" in history.text
    assert "Initiative: Palvelutalon lääkejako" in history.text
    assert "Yhdistettiin toiseen" in history.text


# ---- the workshop, as of, closing ---------------------------------------------------------------


def test_the_workshop_page_shows_the_digest_and_links_to_the_pack(client: TestClient) -> None:
    english(client)
    ids, programme_id, workshop_id = set_up(client)
    client.post(
        f"/api/initiatives/{ids['kotihoito']}/notes",
        json={"text": "Aamun tiimipalaveri", "occurred_on": "2018-09-01"},
    )
    client.post(
        f"/api/initiatives/{ids['kotihoito']}/check-ins",
        json={
            "programme_id": programme_id,
            "workshop_id": workshop_id,
            "status": "amber",
            "progress_score": 1,
            "help_needed": "Mittari puuttuu",
            "occurred_on": "2018-09-13",
        },
    )
    page_url = f"/programmes/{programme_id}/workshops/{workshop_id}"
    doc = open_page(client, page_url)
    assert doc.find("h1").text == "Työpaja 1"
    digest = doc.by_id(f"digest-{ids['kotihoito']}")
    assert "Aamun tiimipalaveri" in digest.text and "Mittari puuttuu" in digest.text
    assert "Amber" in digest.text and "Team formed" in digest.text
    assert "No check-in for this workshop." in doc.by_id(f"digest-{ids['palvelutalo']}").text
    packs = [a.get("href") or "" for a in doc.by_id("pack").find_all("a")]
    assert packs[0] == f"/api/programmes/{programme_id}/workshops/{workshop_id}/pack?lang=en"
    assert client.get(packs[0]).status_code == 200

    refused = post_form(client, page_url, f"{page_url}/reschedule", {"new_day": "2017-01-01"})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "new_day").endswith(
        "outside the programme's period Apr 1, 2018 – Apr 30, 2019."
    )
    moved = post_form(
        client,
        page_url,
        f"{page_url}/reschedule",
        {"new_day": "2018-09-20", "reschedule_reason": "Sairastumisia"},
    )
    assert moved.status_code == 303
    doc = open_page(client, page_url)
    assert "Sairastumisia" in doc.find("main").text
    held = post_form(client, page_url, f"{page_url}/held", {"held_on": "2018-09-20"})
    assert held.status_code == 303
    doc = open_page(client, page_url)
    assert not doc.has_id("reschedule") and not doc.has_id("held"), "a held workshop is not moved"


def test_the_dashboard_as_it_was_before_a_correction(client: TestClient) -> None:
    english(client)
    ids, programme_id, workshop_id = set_up(client)
    url = f"/api/initiatives/{ids['kotihoito']}/check-ins"
    body = {"programme_id": programme_id, "workshop_id": workshop_id, "status": "red", "progress_score": 1}
    assert client.post(url, json=body).status_code == 201
    assert client.post(url, json={**body, "status": "green", "progress_score": 2}).status_code == 201
    corrected_at = datetime.fromisoformat(check_ins(client, ids["kotihoito"])[1]["recorded_at"])
    just_before = (corrected_at - timedelta(microseconds=1)).astimezone(ZONE).replace(tzinfo=None).isoformat()

    now = open_page(client, f"/programmes/{programme_id}").by_id("initiatives").find("tbody").find("tr")
    assert "Green" in now.text
    past = open_page(client, f"/programmes/{programme_id}?as_of={just_before}")
    row = past.by_id("initiatives").find("tbody").find("tr")
    assert "Red" in row.text and "Green" not in row.text
    assert "You are looking at the past." in past.find("main").text
    assert not past.has_id("enrolment") and not past.has_id("withdrawal"), "the past is read-only"
    assert past.by_id("field-as_of").get("value") == just_before, "the picker keeps its value"

    bad = open_page(client, f"/programmes/{programme_id}?as_of=yesterday", status=400)
    assert field_error(bad, "as_of").endswith("Enter a date and time such as 2019-02-14 09:00.")
    before = open_page(client, f"/programmes/{programme_id}?as_of=2000-01-01T09:00", status=404)
    assert "did not exist yet" in before.find("main").text
    assert open_page(client, "/programmes/00000000-0000-4000-8000-000000000000", status=404)


def test_closing_asks_for_confirmation_and_the_initiative_lists_its_programmes(client: TestClient) -> None:
    english(client)
    ids, programme_id, workshop_id = set_up(client)
    client.post(
        f"/api/initiatives/{ids['kotihoito']}/check-ins",
        json={
            "programme_id": programme_id,
            "workshop_id": workshop_id,
            "status": "green",
            "progress_score": 3,
        },
    )
    initiative = open_page(client, f"/initiatives/{ids['kotihoito']}").by_id("programmes")
    assert initiative.find("h3").find("a").get("href") == f"/programmes/{programme_id}"
    assert (
        "Työpaja 1" in initiative.text
        and "Green" in initiative.text
        and "Modest improvement" in initiative.text
    )

    close_url = f"/programmes/{programme_id}/close"
    confirm = open_page(client, close_url)
    assert "1 workshop has not been marked as held." in confirm.find("main").text
    refused = post_form(client, close_url, close_url, {"closed_on": "2999-12-31"})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "closed_on")
    closed = post_form(client, close_url, close_url, {"summary": "Hyvät käytännöt jaettiin."})
    assert closed.status_code == 303 and closed.headers["location"] == f"/programmes/{programme_id}"
    doc = open_page(client, f"/programmes/{programme_id}")
    assert "This programme is closed." in doc.find("main").text
    assert not doc.has_id("enrolment") and not doc.find_all("form", method="post")
    assert api_programme(client, programme_id)["status"] == "closed"
    sheet = open_page(client, f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins")
    assert not sheet.find_all("form", method="post")
    assert "This programme is closed" in open_page(client, close_url).find("main").text
    history = open_page(client, f"/programmes/{programme_id}/history").by_id("history")
    assert history.find("li", class_="history-entry").find("strong").text == "Closed"
