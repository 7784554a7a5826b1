"""The web pages for initiatives, the home page, the activity feed and the language
switch, through FastAPI's TestClient on both stores.

The pages are read like a browser reads them (forms, their fields, elements by id;
see page_helpers) and checked against the JSON API and the event log, which say
what was really recorded. English words are asserted only with the language set
to English; Finnish and Swedish wording belongs to the catalogues, not to these tests.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.recorded import RecordedEvent
from services.bootstrap import Services
from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    OULUNKAARI,
    OULUNKAARI_MODEL,
    OULUNKAARI_SUMMARY,
    PROBLEM_JSON,
    all_events,
    history,
    move,
    propose,
    register_heinavesi,
    register_organisation,
    register_person,
)
from tests.integration.page_helpers import (
    FLASH_COOKIE,
    LANG_COOKIE,
    Element,
    csrf_token,
    error_summary_links,
    field_error,
    find_form,
    form_fields,
    form_values,
    has_field_error,
    parse,
    post_form,
    submit,
    submit_form,
)

LOCAL_USER = "Local user"
PERUSTEHTAVA, TYOKIERTO, VUOROVAIKUTUS = HEINAVESI_TARGETS
# From the eOSMO slides: what each of Heinävesi's common targets for 2012 means.
PERUSTEHTAVA_SUMMARY = "Tehtäväkuvausten ja työnkuvien tarkistaminen ja selkeyttäminen"
TYOKIERTO_SUMMARY = "Opas työnkiertoon tekeillä jo nyt"
TYOKIERTO_GOALS = ("Opas työnkiertoon valmis", "Tavoitteellinen työkierto kotikunnan muissakin yksiköissä")
HTML = "text/html"


# ---- helpers -------------------------------------------------------------------------


def english(client: httpx.Client) -> None:
    """Choose English the way a reader does: the language link sets the cookie."""
    chosen = client.get("/language", params={"set": "en", "next": "/"}, follow_redirects=False)
    assert chosen.status_code == 303
    assert client.cookies.get(LANG_COOKIE) == "en"


def open_page(
    client: httpx.Client, url: str, status: int = 200, headers: dict[str, str] | None = None
) -> Element:
    shown = client.get(url, headers=headers)
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:3000]}"
    assert shown.headers["content-type"].startswith(HTML)
    return parse(shown.text)


def event_count(client: httpx.Client) -> int:
    return len(all_events(client))


def api_initiative(client: httpx.Client, initiative_id: str) -> dict[str, Any]:
    found = client.get(f"/api/initiatives/{initiative_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def changes_of(entry: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}


def created_id(response: httpx.Response) -> str:
    assert response.status_code == 303, f"{response.status_code}\n{response.text[:3000]}"
    match = re.fullmatch(r"/initiatives/([0-9a-f-]{36})", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def section(doc: Element, heading_id: str) -> Element:
    return doc.find("section", aria_labelledby=heading_id)


def card_titles(part: Element) -> list[str]:
    return [h3.text for h3 in part.find_all("h3")]


def result_titles(doc: Element) -> list[str]:
    return card_titles(doc.by_id("results"))


def flash(doc: Element) -> str:
    return doc.by_id("flash").text


def status_shown(doc: Element) -> str:
    """The status of the initiative page, from the badge's class (status-<code>)."""
    badge = doc.find(class_="status-line").find("span")
    codes = [c.removeprefix("status-") for c in (badge.get("class") or "").split() if c != "status"]
    assert len(codes) == 1, badge.attrs
    return codes[0]


def shown_moves(doc: Element, initiative_id: str) -> set[str]:
    """The lifecycle moves the page offers: a button that posts, or a button-link to a form."""
    moves = doc.find("section", class_="moves")
    prefix = f"/initiatives/{initiative_id}/move/"
    posted = {f.attrs["action"].removeprefix(prefix) for f in moves.find_all("form") if f.get("action")}
    linked = {
        a.attrs["href"].removeprefix(prefix)
        for a in moves.find_all("a", class_="button")
        if (a.get("href") or "").startswith(prefix)
    }
    return posted | linked


def history_entries(doc: Element) -> list[Element]:
    return doc.by_id("history").find_all("li", class_="history-entry")


def change_lines(entry: Element) -> list[tuple[str, str | None, str | None]]:
    """(label, old, new) of each changed field of one history entry, as shown."""
    lines = []
    for row in entry.find("dl", class_="changes").find_all("div"):
        old = row.find_all("del")
        new = row.find_all("ins")
        lines.append(
            (
                row.find("dt").text,
                old[0].text.removeprefix("was:").strip() if old else None,
                new[0].text.removeprefix("now:").strip() if new else None,
            )
        )
    return lines


def move_on_page(client: httpx.Client, initiative_id: str, verb: str) -> httpx.Response:
    """Press a lifecycle button on the initiative page."""
    page_url = f"/initiatives/{initiative_id}"
    return post_form(client, page_url, f"{page_url}/move/{verb}", {})


def clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Make Kipinä record the next events at `moment` (the as-of views need days apart)."""
    monkeypatch.setattr(RecordedEvent, "create_timestamp", staticmethod(lambda: moment))


# ---- proposing -------------------------------------------------------------------------


def test_propose_through_the_form(client: TestClient, services: Services) -> None:
    english(client)
    heinavesi = register_heinavesi(client)
    form_page = open_page(client, "/initiatives/new")
    assert form_values(form_page, "/initiatives/new")["owner_id"] == str(services.local_actor_id), (
        "the person proposing is offered as the owner"
    )

    response = post_form(
        client,
        "/initiatives/new",
        "/initiatives/new",
        {
            "title": f"  {TYOKIERTO}  ",
            "summary": TYOKIERTO_SUMMARY,
            "organisation_id": heinavesi.id,
            "unit_id": heinavesi.units["Kotihoito"],
            "owner_id": str(services.local_actor_id),
            "themes": "työkierto, osaaminen ,  , Työkierto",
            "target_group": "Perusturvan henkilöstö",
            "goals": f"{TYOKIERTO_GOALS[0]}\r\n\r\n   {TYOKIERTO_GOALS[1]}  \r\n",
            "occurred_on": "2012-01-09",
        },
    )
    initiative_id = created_id(response)

    shown = open_page(client, response.headers["location"])
    assert flash(shown) == "The initiative was saved."
    assert shown.find("h1").text == TYOKIERTO
    assert status_shown(shown) == "proposed"
    goals = section(shown, "goals-heading").text
    assert all(goal in goals for goal in TYOKIERTO_GOALS)
    assert FLASH_COOKIE not in client.cookies, "the confirmation is used up once shown"
    assert flash(open_page(client, response.headers["location"])) == "", "a reload shows it no more"

    body = api_initiative(client, initiative_id)
    assert body["title"] == TYOKIERTO
    assert body["summary"] == TYOKIERTO_SUMMARY
    assert body["organisation"] == {"id": heinavesi.id, "name": heinavesi.name}
    assert body["unit"] == {"id": heinavesi.units["Kotihoito"], "name": "Kotihoito"}
    assert body["owner"] == {"id": str(services.local_actor_id), "name": LOCAL_USER}
    assert body["themes"] == ["työkierto", "osaaminen"], "comma separated, trimmed, no duplicates"
    assert body["target_group"] == "Perusturvan henkilöstö"
    assert [g["text"] for g in body["goals"]] == list(TYOKIERTO_GOALS), "one goal per line"
    assert body["status"] == "proposed" and body["version"] == 3
    first = history(client, f"/api/initiatives/{initiative_id}")[0]
    assert (first["event_type"], first["occurred_on"]) == ("Proposed", "2012-01-09")


def test_only_the_title_is_needed(client: TestClient) -> None:
    response = post_form(client, "/initiatives/new", "/initiatives/new", {"title": OULUNKAARI_MODEL})
    body = api_initiative(client, created_id(response))
    assert (body["title"], body["summary"], body["goals"], body["themes"]) == (OULUNKAARI_MODEL, "", [], [])


def test_every_mistake_is_shown_next_to_its_field_and_nothing_is_recorded(client: TestClient) -> None:
    english(client)
    before = event_count(client)
    typed = {
        "title": "   ",
        "summary": OULUNKAARI_SUMMARY,
        "themes": "kehittäminen, kokeilut",
        "target_group": "Henkilöstö ja luottamuselimet " * 20,  # 600 characters; the limit is 500
        "goals": "Kokeiluihin kannustetaan\nInnovaattori-koulutus",
        "occurred_on": "31.1.2012",
    }
    response = post_form(client, "/initiatives/new", "/initiatives/new", typed)

    assert response.status_code == 422
    doc = parse(response.text)
    assert "required" in field_error(doc, "title")
    assert "500" in field_error(doc, "target_group")
    assert "2026-03-31" in field_error(doc, "occurred_on"), "the message shows the date format"
    for valid in ("summary", "themes", "goals", "organisation_id", "unit_id", "owner_id"):
        assert not has_field_error(doc, valid), valid
        assert doc.by_id(f"field-{valid}").get("aria-invalid") is None
    links = error_summary_links(doc)
    assert sorted(links) == ["#field-occurred_on", "#field-target_group", "#field-title"]
    assert all(doc.has_id(link[1:]) for link in links), "each link leads to its field"

    kept = form_values(doc, "/initiatives/new")
    assert {name: kept[name] for name in typed} == typed, "everything typed is kept"
    assert event_count(client) == before, "nothing was recorded"
    assert client.get("/api/initiatives").json()["items"] == []


def test_a_unit_without_its_organisation_is_refused_at_the_unit_field(client: TestClient) -> None:
    english(client)
    heinavesi = register_heinavesi(client)
    before = event_count(client)
    kotihoito = heinavesi.units["Kotihoito"]

    response = post_form(
        client, "/initiatives/new", "/initiatives/new", {"title": TYOKIERTO, "unit_id": kotihoito}
    )

    assert response.status_code == 422
    doc = parse(response.text)
    assert "organisation" in field_error(doc, "unit_id")
    assert error_summary_links(doc) == ["#field-unit_id"]
    kept = form_values(doc, "/initiatives/new")
    assert (kept["title"], kept["unit_id"], kept["organisation_id"]) == (TYOKIERTO, kotihoito, "")
    assert event_count(client) == before


# ---- editing ---------------------------------------------------------------------------


def test_an_edit_records_only_the_fields_that_changed(client: TestClient) -> None:
    english(client)
    heinavesi = register_heinavesi(client)
    maija = register_person(client, "Maija Heikkinen")
    created = propose(
        client,
        PERUSTEHTAVA,
        summary=PERUSTEHTAVA_SUMMARY,
        organisation_id=heinavesi.id,
        unit_id=heinavesi.units["Kotihoito"],
        themes=["perustehtävä", "laatu"],
        target_group="Perusturvan henkilöstö",
    )
    edit_url = f"/initiatives/{created['id']}/edit"
    assert form_values(open_page(client, edit_url), edit_url)["version"] == "1"

    new_summary = f"{PERUSTEHTAVA_SUMMARY}; prosessikuvausten laatiminen"
    saved = submit_form(client, edit_url, edit_url, {"summary": new_summary, "owner_id": maija["id"]})

    assert saved.status_code == 303 and saved.headers["location"] == f"/initiatives/{created['id']}"
    assert flash(open_page(client, saved.headers["location"])) == "Your changes were saved."
    last = history(client, f"/api/initiatives/{created['id']}")[-1]
    assert last["event_type"] == "Edited"
    assert changes_of(last) == {
        "summary": (PERUSTEHTAVA_SUMMARY, new_summary),
        "owner_id": (None, maija["id"]),
    }, "the unchanged title, places, themes and target group were not sent again"

    before = event_count(client)
    unchanged = submit_form(client, edit_url, edit_url, {})
    assert unchanged.status_code == 303
    assert event_count(client) == before, "saving an unchanged form records nothing"


def test_an_edit_with_a_blank_title_keeps_the_form(client: TestClient) -> None:
    english(client)
    created = propose(client, PERUSTEHTAVA, summary=PERUSTEHTAVA_SUMMARY)
    edit_url = f"/initiatives/{created['id']}/edit"
    before = event_count(client)

    refused = submit_form(client, edit_url, edit_url, {"title": "", "summary": "Laatukäsikirjan päivitys"})

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "required" in field_error(doc, "title")
    kept = form_values(doc, edit_url)
    assert (kept["title"], kept["summary"], kept["version"]) == ("", "Laatukäsikirjan päivitys", "1")
    assert event_count(client) == before
    assert api_initiative(client, created["id"])["summary"] == PERUSTEHTAVA_SUMMARY


def test_a_tampered_version_is_not_a_server_error(client: TestClient) -> None:
    created = propose(client, PERUSTEHTAVA)
    edit_url = f"/initiatives/{created['id']}/edit"
    for version in ("abc", "²", "9" * 40):
        response = submit_form(client, edit_url, edit_url, {"version": version, "summary": version})
        assert response.status_code in (303, 409), (version, response.status_code)


def test_two_people_edit_at_once_and_the_second_sees_the_first_ones_change(client: TestClient) -> None:
    english(client)
    created = propose(
        client,
        TYOKIERTO,
        summary=TYOKIERTO_SUMMARY,
        target_group="Kotihoidon henkilöstö",
        themes=["työkierto"],
    )
    edit_url = f"/initiatives/{created['id']}/edit"
    first_form = client.get(edit_url).text
    second_form = client.get(edit_url).text
    first_summary = "Opas työnkiertoon valmis; työkierto aloitettu"
    second_target = "Perusturvan kaikkien yksiköiden henkilöstö"

    assert submit(client, first_form, edit_url, {"summary": first_summary}).status_code == 303
    before = event_count(client)
    conflict = submit(client, second_form, edit_url, {"target_group": second_target})

    assert conflict.status_code == 409
    assert event_count(client) == before, "the stale save recorded nothing"
    doc = parse(conflict.text)
    theirs = section(doc, "theirs-heading")
    [their_change] = theirs.find_all("li", class_="history-entry")
    assert "by Local user" in their_change.text
    assert change_lines(their_change) == [("Summary", TYOKIERTO_SUMMARY, first_summary)]
    assert "You changed: Target group." in section(doc, "mine-heading").text
    offered = form_values(doc, edit_url)
    assert offered["target_group"] == second_target, "the second person's edit is kept"
    assert offered["summary"] == first_summary, "the form starts from the current version"
    assert offered["version"] == "2"
    assert offered["request_key"] != form_values(second_form, edit_url)["request_key"]

    saved = submit(client, doc, edit_url, {})
    assert saved.status_code == 303
    body = api_initiative(client, created["id"])
    assert (body["summary"], body["target_group"], body["version"]) == (first_summary, second_target, 3)
    assert body["themes"] == ["työkierto"]
    last = history(client, f"/api/initiatives/{created['id']}")[-1]
    assert changes_of(last) == {"target_group": ("Kotihoidon henkilöstö", second_target)}


# ---- the lifecycle -----------------------------------------------------------------------


def test_the_page_offers_exactly_the_allowed_moves_along_the_lifecycle(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    page_url = f"/initiatives/{initiative_id}"
    path = [
        ("plan", "planned", {"start", "pause", "discontinue"}),
        ("start", "in_progress", {"evaluate", "pause", "discontinue"}),
        ("evaluate", "evaluating", {"complete", "start", "pause", "discontinue"}),
        ("complete", "completed", {"spread"}),
    ]
    assert shown_moves(open_page(client, page_url), initiative_id) == {"plan", "discontinue"}

    for verb, status, offered in path:
        moved = move_on_page(client, initiative_id, verb)
        assert moved.status_code == 303 and moved.headers["location"] == page_url, verb
        doc = open_page(client, page_url)
        assert flash(doc) == "The status was changed."
        assert status_shown(doc) == status
        assert shown_moves(doc, initiative_id) == offered, verb
        assert api_initiative(client, initiative_id)["status"] == status

    entries = history(client, page_url.replace("/initiatives", "/api/initiatives"))
    assert [e["event_type"] for e in entries] == [
        "Proposed",
        "Planned",
        "Started",
        "EvaluationStarted",
        "Completed",
    ]


def test_an_illegal_move_is_refused_with_its_reason_and_records_nothing(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, VUOROVAIKUTUS)["id"]
    page_url = f"/initiatives/{initiative_id}"
    client.get(page_url)
    before = event_count(client)

    refused = client.post(
        f"{page_url}/move/complete",
        data={"csrf_token": csrf_token(client), "request_key": uuid4().hex, "version": "1"},
        follow_redirects=False,
    )

    assert refused.status_code == 409
    doc = parse(refused.text)
    moves = doc.find("section", class_="moves")
    assert (
        "Cannot complete this initiative: it is proposed. Allowed moves from proposed: plan, discontinue."
        in moves.find(class_="error-summary").text
    )
    assert shown_moves(doc, initiative_id) == {"plan", "discontinue"}
    assert event_count(client) == before
    assert api_initiative(client, initiative_id)["status"] == "proposed"

    form = open_page(client, f"{page_url}/move/complete")
    assert "This move is not possible from the current status." in form.text
    assert not form.find_all("form", method="post")


def test_discontinuing_needs_a_reason_and_lessons(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, PERUSTEHTAVA)["id"]
    move(client, initiative_id, "plan")
    page_url = f"/initiatives/{initiative_id}"
    form_url = f"{page_url}/move/discontinue"
    before = event_count(client)

    refused = post_form(client, form_url, form_url, {"reason": "  ", "lessons": ""})

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "required" in field_error(doc, "reason")
    assert "required" in field_error(doc, "lessons")
    assert sorted(error_summary_links(doc)) == ["#field-lessons", "#field-reason"]
    assert event_count(client) == before

    lessons = "Yhteinen suunta ja kannustus kokeilemaan ovat perusta; kokeilu vaatii aikaa."
    only_reason = post_form(client, form_url, form_url, {"reason": "Rahoitus päättyi", "lessons": ""})
    assert only_reason.status_code == 422
    only = parse(only_reason.text)
    assert not has_field_error(only, "reason") and has_field_error(only, "lessons")
    assert form_values(only, form_url)["reason"] == "Rahoitus päättyi"

    done = post_form(client, form_url, form_url, {"reason": "Rahoitus päättyi", "lessons": lessons})
    assert done.status_code == 303
    shown = open_page(client, page_url)
    assert status_shown(shown) == "discontinued"
    assert lessons in shown.text
    assert not shown.find_all("section", class_="moves")[0].find_all("form")
    assert not shown.find_all("a", href=f"{page_url}/edit"), "a discontinued initiative is final"
    body = api_initiative(client, initiative_id)
    assert (body["discontinued_reason"], body["lessons"]) == ("Rahoitus päättyi", lessons)


def test_a_move_can_be_back_dated_through_its_form(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    page_url = f"/initiatives/{initiative_id}"
    plan_form = f"{page_url}/move/plan"
    assert any(a.get("href") == plan_form for a in open_page(client, page_url).find_all("a"))

    future = post_form(client, plan_form, plan_form, {"occurred_on": "2999-01-01"})
    assert future.status_code == 422
    assert "future" in field_error(parse(future.text), "occurred_on")

    moved = post_form(client, plan_form, plan_form, {"occurred_on": "2012-01-09"})

    assert moved.status_code == 303
    newest = history_entries(open_page(client, page_url))[0]
    assert "happened on Jan 9, 2012" in newest.text
    assert change_lines(newest) == [("Status", "Proposed", "Planned")]
    assert history(client, f"/api/initiatives/{initiative_id}")[-1]["occurred_on"] == "2012-01-09"


def test_pausing_through_its_form_and_resuming(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    move(client, initiative_id, "plan")
    move(client, initiative_id, "start")
    page_url = f"/initiatives/{initiative_id}"

    paused = post_form(client, f"{page_url}/move/pause", f"{page_url}/move/pause", {"reason": "Kesälomat"})

    assert paused.status_code == 303
    doc = open_page(client, page_url)
    assert status_shown(doc) == "paused" and "(paused while in progress)" in doc.text
    assert shown_moves(doc, initiative_id) == {"resume", "discontinue"}
    assert ("Reason for pausing", None, "Kesälomat") in change_lines(history_entries(doc)[0])
    assert move_on_page(client, initiative_id, "resume").status_code == 303
    assert status_shown(open_page(client, page_url)) == "in_progress"


# ---- history and the past -------------------------------------------------------------------


def test_the_page_shows_who_changed_what_and_when(client: TestClient) -> None:
    english(client)
    heinavesi = register_heinavesi(client)
    maija = register_person(client, "Maija Heikkinen")
    initiative_id = propose(client, "Työkierto", organisation_id=heinavesi.id)["id"]
    edit_url = f"/initiatives/{initiative_id}/edit"

    saved = submit_form(
        client,
        edit_url,
        edit_url,
        {"title": TYOKIERTO, "owner_id": maija["id"], "unit_id": heinavesi.units["Kotihoito"]},
    )

    assert saved.status_code == 303
    entries = history_entries(open_page(client, f"/initiatives/{initiative_id}"))
    assert len(entries) == 2
    newest, oldest = entries
    assert newest.find("strong").text == "Edited" and oldest.find("strong").text == "Proposed"
    assert "by Local user" in newest.text
    when = newest.find("time")
    moment = datetime.fromisoformat(when.attrs["datetime"])
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 300
    assert when.text, "the time is written out for people"
    assert "version 2" in newest.text
    assert sorted(change_lines(newest)) == [
        ("Owner", None, "Maija Heikkinen"),
        ("Title", "Työkierto", TYOKIERTO),
        ("Unit", None, "Kotihoito"),
    ], "labels and names, never ids"
    assert ("Organisation", None, heinavesi.name) in change_lines(oldest)


def test_as_of_a_date_the_page_shows_the_initiative_as_it_was(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    english(client)
    clock_at(monkeypatch, datetime(2012, 1, 9, 8, 0, tzinfo=UTC))
    initiative_id = propose(client, TYOKIERTO, summary=TYOKIERTO_SUMMARY)["id"]
    clock_at(monkeypatch, datetime(2012, 2, 1, 8, 0, tzinfo=UTC))
    move(client, initiative_id, "plan")
    clock_at(monkeypatch, datetime(2012, 3, 1, 8, 0, tzinfo=UTC))
    move(client, initiative_id, "start")
    page_url = f"/initiatives/{initiative_id}"

    then = open_page(client, f"{page_url}?as_of_date=2012-02-15")
    assert status_shown(then) == "planned"
    assert "This is how it was at the end of February 15, 2012." in then.find(class_="as-of-notice").text
    assert "version 2" in then.find(class_="status-line").text
    assert not then.find_all("section", class_="moves"), "the past cannot be changed"
    assert not then.find_all("form", method="post")
    assert len(history_entries(then)) == 2
    assert form_values(then, page_url)["as_of_date"] == "2012-02-15"
    assert status_shown(open_page(client, f"{page_url}?as_of_date=2012-03-01")) == "in_progress"
    assert status_shown(open_page(client, page_url)) == "in_progress"

    listed = open_page(client, "/initiatives?as_of_date=2012-02-15")
    assert result_titles(listed) == [TYOKIERTO]
    assert listed.by_id("results").find(class_="status-planned")
    assert form_values(listed, "/initiatives")["as_of_date"] == "2012-02-15", "the date stays chosen"

    not_yet = open_page(client, f"{page_url}?as_of_date=2012-01-08", status=404)
    assert "had not been recorded yet at the end of January 8, 2012" in not_yet.text
    assert not_yet.find("a", href=page_url)
    assert result_titles(open_page(client, "/initiatives?as_of_date=2012-01-08")) == []


@pytest.mark.parametrize("bad_date", ["2012-02-30", "15.2.2012", "9999-12-31"])
def test_a_malformed_as_of_date_is_shown_next_to_the_date_field(client: TestClient, bad_date: str) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    page_url = f"/initiatives/{initiative_id}"

    doc = open_page(client, f"{page_url}?as_of_date={bad_date}", status=400)

    assert "2026-03-31" in field_error(doc, "as_of_date")
    assert form_values(doc, page_url)["as_of_date"] == bad_date
    listed = open_page(client, f"/initiatives?as_of_date={bad_date}", status=400)
    assert field_error(listed, "as_of_date")
    assert form_values(listed, "/initiatives")["as_of_date"] == bad_date


# ---- double submit, anti-forgery, errors ---------------------------------------------------------


def test_posting_the_same_form_twice_records_it_once(client: TestClient) -> None:
    form_page = client.get("/initiatives/new").text
    body = {
        **form_fields(form_page, "/initiatives/new"),
        "title": OULUNKAARI_MODEL,
        "summary": OULUNKAARI_SUMMARY,
    }

    first = client.post("/initiatives/new", data=body, follow_redirects=False)
    after_first = event_count(client)
    second = client.post("/initiatives/new", data=body, follow_redirects=False)

    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"], "the second post replays the first"
    assert event_count(client) == after_first
    found = client.get("/api/initiatives", params={"q": "kuuluu kaikille"}).json()["items"]
    assert len(found) == 1

    initiative_id = created_id(first)
    page_url = f"/initiatives/{initiative_id}"
    note = {
        **form_fields(client.get(page_url).text, f"{page_url}/notes"),
        "text": "Change Day: kädenjälkitunnukset jaettu",
    }
    for _ in range(2):
        assert client.post(f"{page_url}/notes", data=note, follow_redirects=False).status_code == 303
    assert api_initiative(client, initiative_id)["notes_count"] == 1

    fresh = post_form(client, page_url, f"{page_url}/notes", {"text": "Innovaattori-koulutus alkoi"})
    assert fresh.status_code == 303
    assert api_initiative(client, initiative_id)["notes_count"] == 2, "a new form is a new request"


def test_a_form_without_this_browsers_token_is_refused(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, PERUSTEHTAVA)["id"]
    page_url = f"/initiatives/{initiative_id}"
    shown = client.get(page_url).text
    before = event_count(client)
    note = {**form_fields(shown, f"{page_url}/notes"), "text": "Laatukäsikirja päivitetty"}
    proposal = {**form_fields(client.get("/initiatives/new").text, "/initiatives/new"), "title": TYOKIERTO}

    attempts = [
        ("/initiatives/new", {k: v for k, v in proposal.items() if k != "csrf_token"}),
        ("/initiatives/new", {**proposal, "csrf_token": "forged"}),
        (f"{page_url}/notes", {k: v for k, v in note.items() if k != "csrf_token"}),
        (f"{page_url}/notes", {**note, "csrf_token": note["csrf_token"][:-1]}),
        (f"{page_url}/move/plan", {"version": "1", "request_key": uuid4().hex}),
    ]
    for action, data in attempts:
        refused = client.post(action, data=data, follow_redirects=False)
        assert refused.status_code == 403, (action, refused.status_code)
        assert refused.headers["content-type"].startswith(HTML)
        assert parse(refused.text).find("h1").text == "The form has expired"

    # Another site, or another browser, posting a token it copied: no cookie, no entry.
    with TestClient(client.app) as stranger:
        refused = stranger.post(f"{page_url}/notes", data=note, follow_redirects=False)
        assert refused.status_code == 403
    assert event_count(client) == before
    assert api_initiative(client, initiative_id)["notes_count"] == 0


def test_errors_are_pages_outside_the_api_and_problems_inside_it(client: TestClient) -> None:
    english(client)
    unknown = uuid4()
    for url in (f"/initiatives/{unknown}", f"/initiatives/{unknown}/edit", "/initiatives/not-an-id"):
        doc = open_page(client, url, status=404)
        assert doc.find("h1").text == "Page not found"
        assert doc.find("a", href="/"), "the error page leads back home"
    initiative_id = propose(client, PERUSTEHTAVA)["id"]
    assert open_page(client, f"/initiatives/{initiative_id}/move/fly", status=404)

    api = client.get(f"/api/initiatives/{unknown}")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith(PROBLEM_JSON)
    assert str(unknown) in api.json()["detail"]


# ---- language ---------------------------------------------------------------------------


def html_lang(doc: Element) -> str | None:
    return doc.find("html").get("lang")


def test_the_language_comes_from_the_cookie_then_the_browser(client: TestClient) -> None:
    assert html_lang(open_page(client, "/")) == "fi", "Finnish by default"
    assert html_lang(open_page(client, "/", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})) == "sv"
    assert html_lang(open_page(client, "/", headers={"Accept-Language": "de, en;q=0.3"})) == "en"
    assert html_lang(open_page(client, "/", headers={"Accept-Language": "nb"})) == "sv"

    chosen = client.get("/language", params={"set": "en", "next": "/initiatives"}, follow_redirects=False)

    assert chosen.status_code == 303 and chosen.headers["location"] == "/initiatives"
    assert client.cookies.get(LANG_COOKIE) == "en"
    doc = open_page(client, "/initiatives", headers={"Accept-Language": "sv"})
    assert html_lang(doc) == "en", "the reader's choice beats the browser's"
    assert doc.find("h1").text == "Initiatives"
    current = doc.find("nav", class_="languages").find("a", aria_current="true")
    assert current.get("lang") == "en"

    ignored = client.get("/language", params={"set": "de", "next": "/activity"}, follow_redirects=False)
    assert ignored.status_code == 303 and ignored.headers["location"] == "/activity"
    assert "set-cookie" not in ignored.headers, "an unknown language is ignored"
    assert html_lang(open_page(client, "/activity")) == "en"


def test_the_language_links_return_to_the_same_page(client: TestClient) -> None:
    doc = open_page(client, "/initiatives?status=planned&q=ty%C3%B6kierto")
    links = {a.get("lang"): a.attrs["href"] for a in doc.find("nav", class_="languages").find_all("a")}
    assert set(links) == {"fi", "sv", "en"}
    back = client.get(links["sv"], follow_redirects=False)
    assert back.headers["location"] == "/initiatives?status=planned&q=ty%C3%B6kierto"
    assert html_lang(open_page(client, back.headers["location"])) == "sv"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/initiatives",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_the_language_switch_never_leaves_the_site(client: TestClient, target: str) -> None:
    response = client.get("/language", params={"set": "sv", "next": target}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.cookies.get(LANG_COOKIE) == "sv"


def test_a_control_character_cannot_turn_the_path_into_another_site(client: TestClient) -> None:
    # Browsers drop tabs and newlines from URLs: "/\t/evil.example" would become "//evil.example".
    for target in ("/\t/evil.example", "/\n/evil.example", "/\r/evil.example"):
        response = client.get("/language", params={"next": target}, follow_redirects=False)
        location = response.headers["location"]
        cleaned = re.sub(r"[\t\n\r]", "", location)
        assert urlsplit(cleaned).netloc == "" and not cleaned.startswith("//"), location


def test_dates_are_written_the_readers_way(client: TestClient) -> None:
    initiative_id = propose(client, TYOKIERTO)["id"]
    page_url = f"/initiatives/{initiative_id}"
    noted = post_form(
        client,
        page_url,
        f"{page_url}/notes",
        {"text": '"Opas työnkiertoon" luonnosta tehty', "occurred_on": "2012-01-09"},
    )
    assert noted.status_code == 303

    def notes_text() -> str:
        return section(open_page(client, page_url), "notes-heading").find("ol", class_="notes").text

    finnish = notes_text()
    assert "9.1.2012" in finnish and "Jan 9, 2012" not in finnish
    english(client)
    in_english = notes_text()
    assert "happened on Jan 9, 2012" in in_english and "9.1.2012" not in in_english
    assert "by Local user" in in_english


# ---- htmx -----------------------------------------------------------------------------


def test_htmx_requests_get_the_same_redirects_and_pages(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    page_url = f"/initiatives/{initiative_id}"
    htmx = {"HX-Request": "true"}

    noted = post_form(client, page_url, f"{page_url}/notes", {"text": "Työkierto aloitettu"}, headers=htmx)

    assert noted.status_code == 303, "htmx follows the redirect and swaps the notes from the new page"
    assert noted.headers["location"] == f"{page_url}#notes"
    doc = open_page(client, noted.headers["location"], headers=htmx)
    assert "Työkierto aloitettu" in doc.by_id("notes").text
    assert flash(doc) == "The note was added."
    assert history_entries(doc)[0].find("strong").text == "Note added"
    form = find_form(doc, f"{page_url}/notes")
    assert (form.get("hx-select"), form.get("hx-target")) == ("#notes", "#notes")

    listed = client.get("/initiatives", params={"q": "työkierto"}, headers=htmx)
    assert listed.status_code == 200
    results = parse(listed.text).by_id("results")
    assert card_titles(results) == [TYOKIERTO]


# ---- goals and team ------------------------------------------------------------------------


def test_goals_and_team_through_their_forms(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    maija = register_person(client, "Maija Heikkinen")
    page_url = f"/initiatives/{initiative_id}"

    added = post_form(client, page_url, f"{page_url}/goals", {"text": TYOKIERTO_GOALS[0]})
    assert added.status_code == 303 and added.headers["location"] == f"{page_url}#goals"
    doc = open_page(client, page_url)
    assert flash(doc) == "The goal was added."
    assert TYOKIERTO_GOALS[0] in section(doc, "goals-heading").text

    before = event_count(client)
    blank = post_form(client, page_url, f"{page_url}/goals", {"text": "   "})
    assert blank.status_code == 422
    goals = section(parse(blank.text), "goals-heading")
    assert "required" in goals.find(class_="error-summary").text
    assert event_count(client) == before

    joined = post_form(
        client, page_url, f"{page_url}/team", {"person_id": maija["id"], "role": "kotihoidon alue-esimies"}
    )
    assert joined.status_code == 303
    team = section(open_page(client, page_url), "team-heading")
    assert "Maija Heikkinen – kotihoidon alue-esimies" in team.text
    assert not team.find_all("option", value=maija["id"]), "a member is not offered again"

    goal_id = api_initiative(client, initiative_id)["goals"][0]["id"]
    removed = post_form(client, page_url, f"{page_url}/goals/{goal_id}/remove", {})
    left = post_form(client, page_url, f"{page_url}/team/{maija['id']}/remove", {})
    assert removed.status_code == left.status_code == 303
    body = api_initiative(client, initiative_id)
    assert (body["goals"], body["team"]) == ([], [])


# ---- home and activity ------------------------------------------------------------------------


def test_home_lists_my_open_initiatives_and_what_needs_attention(
    client: TestClient, services: Services
) -> None:
    english(client)
    me = str(services.local_actor_id)
    heinavesi = register_heinavesi(client)
    oulunkaari = register_organisation(client, OULUNKAARI, "joint_authority")
    maija = register_person(client, "Maija Heikkinen")
    owned = propose(client, PERUSTEHTAVA, owner_id=me, organisation_id=heinavesi.id)["id"]
    in_team = propose(client, TYOKIERTO, owner_id=maija["id"])["id"]
    member = client.post(f"/api/initiatives/{in_team}/team", json={"person_id": me, "role": "kehittäjä"})
    assert member.status_code == 200, member.text
    closed = propose(client, VUOROVAIKUTUS, owner_id=me)["id"]
    move(client, closed, "discontinue", reason="Koulutusrahat loppuivat", lessons="Sisäinen koulutus riittää")
    propose(client, OULUNKAARI_MODEL, owner_id=maija["id"], organisation_id=oulunkaari.id)
    paused = propose(client, "Innovaattori-koulutus", organisation_id=oulunkaari.id)["id"]
    for verb in ("plan", "start"):
        move(client, paused, verb)
    move(client, paused, "pause", reason="Kouluttaja sairastui")

    doc = open_page(client, "/")

    assert doc.find("h1").text == f"Hello, {LOCAL_USER}"
    mine = section(doc, "mine-heading")
    assert sorted(card_titles(mine)) == sorted([PERUSTEHTAVA, TYOKIERTO]), "owned or in the team, open only"
    links = {a.attrs["href"] for a in mine.find_all("a")}
    assert links == {f"/initiatives/{owned}", f"/initiatives/{in_team}"}
    attention = section(doc, "attention-heading")
    assert card_titles(attention) == ["Innovaattori-koulutus"]
    assert "Paused: decide whether to resume or discontinue it." in attention.text
    recent = section(doc, "recent-heading")
    newest = recent.find("li", class_="history-entry")
    assert newest.find("a", href=f"/initiatives/{paused}").text == "Innovaattori-koulutus"
    assert "Paused" in newest.find("strong").text


def test_home_with_nothing_recorded_yet_says_how_to_begin(client: TestClient) -> None:
    english(client)
    doc = open_page(client, "/")
    start = section(doc, "start-heading")
    assert "Kipinä has no records yet." in start.text
    assert start.find("code").text == "make demo"
    assert [a.get("href") for a in start.find_all("a")] == ["/organisations/new"]
    html = client.get("/").text
    assert 'id="mine-heading"' not in html and 'id="recent-heading"' not in html

    # Once anything is recorded, the usual sections replace the guide.
    propose(client, TYOKIERTO)
    assert 'id="start-heading"' not in client.get("/").text
    assert TYOKIERTO in section(open_page(client, "/"), "recent-heading").text


def test_the_activity_feed_pages_back_through_everything(client: TestClient) -> None:
    english(client)
    initiative_id = propose(client, TYOKIERTO)["id"]
    for week in range(1, 51):
        noted = client.post(f"/api/initiatives/{initiative_id}/notes", json={"text": f"Viikko {week}"})
        assert noted.status_code == 200, noted.text

    first = open_page(client, "/activity")
    entries = first.find("ol", class_="history").find_all("li", class_="history-entry")
    assert len(entries) == 50
    assert "Viikko 50" in entries[0].text, "newest first"
    assert all(e.find("a", href=f"/initiatives/{initiative_id}") for e in entries)
    older = first.find("a", rel="next").attrs["href"]

    second = open_page(client, older)
    [oldest] = second.find("ol", class_="history").find_all("li", class_="history-entry")
    assert oldest.find("strong").text == "Proposed"
    assert not second.find_all("a", rel="next")
    assert second.find("a", href="/activity")


# ---- the list and its filters -----------------------------------------------------------------


@pytest.fixture
def seeded(client: TestClient) -> dict[str, Any]:
    """Heinävesi's three common targets for 2012 and Oulunkaari's operating model."""
    heinavesi = register_heinavesi(client)
    oulunkaari = register_organisation(client, OULUNKAARI, "joint_authority", ("Soten kehittämistiimi",))
    ids = {
        PERUSTEHTAVA: propose(
            client,
            PERUSTEHTAVA,
            summary=PERUSTEHTAVA_SUMMARY,
            organisation_id=heinavesi.id,
            unit_id=heinavesi.units["Päivähoito ja varhaiskasvatus"],
            themes=["perustehtävä", "laatu"],
        )["id"],
        TYOKIERTO: propose(
            client,
            TYOKIERTO,
            summary=TYOKIERTO_SUMMARY,
            organisation_id=heinavesi.id,
            unit_id=heinavesi.units["Kotihoito"],
            themes=["työkierto", "osaaminen"],
        )["id"],
        VUOROVAIKUTUS: propose(
            client,
            VUOROVAIKUTUS,
            summary="Osallistavat palaverit ja sisäiset koulutukset",
            organisation_id=heinavesi.id,
            unit_id=heinavesi.units["Terveyskeskuksen vuodeosasto"],
            themes=["vuorovaikutus", "osaaminen"],
        )["id"],
        OULUNKAARI_MODEL: propose(
            client,
            OULUNKAARI_MODEL,
            summary=OULUNKAARI_SUMMARY,
            organisation_id=oulunkaari.id,
            themes=["kokeilukulttuuri", "Change Day"],
        )["id"],
    }
    move(client, ids[PERUSTEHTAVA], "plan")
    return {"heinavesi": heinavesi, "oulunkaari": oulunkaari, "ids": ids}


def listed(client: TestClient, **query: str) -> list[str]:
    response = client.get("/initiatives", params=query)
    assert response.status_code == 200, response.text[:3000]
    return result_titles(parse(response.text))


def test_the_list_filters(client: TestClient, seeded: dict[str, Any]) -> None:
    english(client)
    heinavesi = seeded["heinavesi"]
    everything = [OULUNKAARI_MODEL, VUOROVAIKUTUS, TYOKIERTO, PERUSTEHTAVA]
    assert listed(client) == everything, "newest first"

    assert listed(client, status="planned") == [PERUSTEHTAVA]
    assert listed(client, status="proposed") == [OULUNKAARI_MODEL, VUOROVAIKUTUS, TYOKIERTO]
    assert listed(client, q="TYÖKIERTO") == [TYOKIERTO], "case-insensitive, with ö"
    assert listed(client, q="työnkiertoon") == [TYOKIERTO], "words of the summary count too"
    assert listed(client, q="PERUSTEHTÄVÄN") == [PERUSTEHTAVA]
    assert listed(client, q="sisäiset vuorovaikutustaidot") == [VUOROVAIKUTUS], "every word must match"
    assert listed(client, q="kokeiluihin kannustetaan") == [OULUNKAARI_MODEL]
    assert listed(client, q="hammashoito") == []
    assert listed(client, theme="osaaminen") == [VUOROVAIKUTUS, TYOKIERTO]
    assert listed(client, theme="change day") == [OULUNKAARI_MODEL]
    assert listed(client, theme="Change") == [], "a theme matches whole"
    assert listed(client, unit_id=heinavesi.units["Kotihoito"]) == [TYOKIERTO]
    assert listed(client, organisation_id=heinavesi.id) == [VUOROVAIKUTUS, TYOKIERTO, PERUSTEHTAVA]
    assert listed(client, organisation_id=heinavesi.id, theme="osaaminen", q="palaverit") == [VUOROVAIKUTUS]

    doc = open_page(client, "/initiatives?q=työkierto&status=proposed")
    shown = form_values(doc, "/initiatives")
    assert (shown["q"], shown["status"]) == ("työkierto", "proposed"), "the filters stay filled in"
    assert "Clear the filters" in [a.text for a in doc.find("form", class_="filters").find_all("a")]
    assert "No initiatives match these filters." in open_page(client, "/initiatives?q=hammashoito").text


def test_a_filter_that_is_not_an_id_is_shown_at_its_field(client: TestClient) -> None:
    english(client)
    propose(client, TYOKIERTO)
    doc = open_page(client, "/initiatives?unit_id=kotihoito", status=400)
    assert field_error(doc, "unit_id")
    assert result_titles(doc) == []


def test_the_list_pages_with_a_cursor(client: TestClient) -> None:
    english(client)
    titles = [f"3W-projekti {n:02d}" for n in range(1, 28)]
    for title in titles:
        propose(client, title, themes=["Lean"])
    newest_first = titles[::-1]

    first = open_page(client, "/initiatives?theme=lean")
    assert result_titles(first) == newest_first[:25]
    next_href = first.find("a", rel="next").attrs["href"]
    assert "theme=lean" in next_href and "cursor=" in next_href

    second = open_page(client, next_href)
    assert result_titles(second) == newest_first[25:]
    assert not second.find_all("a", rel="next")
    assert second.find("nav", class_="pager").find("a", href="/initiatives?theme=lean").text == "First page"

    bogus = client.get("/initiatives", params={"theme": "lean", "cursor": "not-a-cursor"})
    assert bogus.status_code == 400
    doc = parse(bogus.text)
    assert "That page link is out of date; showing the first page." in doc.find(class_="error-summary").text
    assert result_titles(doc) == newest_first[:25]


# ---- ids the form macros give ---------------------------------------------------------------------


def test_the_error_of_the_summary_field_has_an_id_of_its_own(client: TestClient) -> None:
    # The error summary box once had id="error-summary": the id of the summary field's error.
    response = post_form(
        client, "/initiatives/new", "/initiatives/new", {"title": TYOKIERTO, "summary": "x" * 5001}
    )
    assert response.status_code == 422
    doc = parse(response.text)
    assert "5000" in field_error(doc, "summary")
    assert len(doc.find_all(id="error-summary")) == 1
    assert error_summary_links(doc) == ["#field-summary"]


def test_every_element_on_the_initiative_page_has_an_id_of_its_own(client: TestClient) -> None:
    # The goal and note forms both have a "text" field; each needs its own id and label.
    initiative_id = propose(client, TYOKIERTO)["id"]
    page_url = f"/initiatives/{initiative_id}"
    for doc in (
        open_page(client, page_url),
        parse(post_form(client, page_url, f"{page_url}/notes", {"text": " "}).text),
        parse(post_form(client, page_url, f"{page_url}/goals", {"text": " "}).text),
    ):
        ids = [e.attrs["id"] for e in doc.iter() if "id" in e.attrs]
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        for label in doc.find_all("label"):
            assert doc.has_id(label.attrs["for"]), label.attrs
        for link in doc.find_all("a"):
            href = link.get("href") or ""
            if href.startswith("#"):
                assert doc.has_id(href[1:]), href
