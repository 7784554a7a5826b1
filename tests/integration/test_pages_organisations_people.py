"""The Organisations and People pages, used the way a browser uses them: open a
page, fill in its form (with the anti-forgery token and request key it carries),
post, follow the 303.

Runs on SQLite, and on PostgreSQL too when KIPINA_TEST_POSTGRES_DSN is set.
Seed data comes from the source documents (Heinävesi, Oulunkaari, 3W).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from tests.integration.api_helpers import (
    HEINAVESI,
    HEINAVESI_UNITS,
    OULUNKAARI,
    all_events,
    nothing_recorded,
    propose,
    register_heinavesi,
    register_organisation,
    register_person,
)
from tests.integration.page_helpers import (
    FLASH_COOKIE,
    LANG_COOKIE,
    Element,
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

# Kotihoito's head of unit in Heinävesi; the name is made up, the unit is real.
MAIJA = "Maija Meikäläinen"
MAIJA_EMAIL = "maija.meikalainen@heinavesi.fi"


@pytest.fixture
def web(client: TestClient) -> Iterator[TestClient]:
    """The test client reading the pages in English (the messages asserted here)."""
    client.cookies.set(LANG_COOKIE, "en")
    yield client


def follow(client: TestClient, response: object) -> Element:
    """Follow a 303 from a posted form and parse the page it leads to."""
    assert getattr(response, "status_code", None) == 303, getattr(response, "text", response)
    location = response.headers["location"]  # type: ignore[attr-defined]
    shown = client.get(location)
    assert shown.status_code == 200, shown.text
    return parse(shown.text)


def h1(doc: Element) -> str:
    headings = doc.find_all("h1")
    assert len(headings) == 1, [h.text for h in headings]
    return headings[0].text


def flash(doc: Element) -> str:
    return doc.by_id("flash").text


def organisation_names(doc: Element) -> list[str]:
    return [h.text for h in doc.find(class_="cards").find_all("h2")]


def unit_names(doc: Element) -> list[str]:
    units = doc.by_id("units").find("ul")
    return [li.children[0].strip() for li in units.find_all("li") if isinstance(li.children[0], str)]


# ---- organisations: happy paths ------------------------------------------------------------


def test_register_an_organisation_and_find_it_on_the_list_and_its_page(web: TestClient) -> None:
    shown = web.get("/organisations/new")
    assert shown.status_code == 200
    assert form_values(shown.text, "/organisations/new")["kind"] == "municipality"

    posted = post_form(
        web, "/organisations/new", "/organisations/new", {"name": HEINAVESI, "kind": "municipality"}
    )

    assert posted.status_code == 303
    assert re.fullmatch(r"/organisations/[0-9a-f-]{36}", posted.headers["location"])
    page = follow(web, posted)
    assert h1(page) == HEINAVESI
    assert flash(page) == "The organisation was registered."
    assert "Municipality" in page.find("main").text
    assert "Registered" in page.by_id("history").text
    listed = parse(web.get("/organisations").text)
    assert organisation_names(listed) == [HEINAVESI]
    card = listed.find(class_="card")
    assert "Municipality" in card.text and "0 units" in card.text
    assert card.find("a").get("href") == posted.headers["location"]
    assert web.get("/organisations").cookies.get(FLASH_COOKIE) is None  # shown once


def test_add_a_unit_then_rename_it(web: TestClient) -> None:
    org = register_organisation(web, HEINAVESI)
    page_url = f"/organisations/{org.id}"

    added = post_form(web, page_url, f"{page_url}/units", {"name": "Kotihoito"})

    assert added.status_code == 303
    assert added.headers["location"] == f"{page_url}#units"
    page = follow(web, added)
    assert flash(page) == "The unit was added."
    assert unit_names(page) == ["Kotihoito"]
    unit_id = web.get(f"/api/organisations/{org.id}").json()["units"][0]["id"]
    rename_url = f"{page_url}/units/{unit_id}/rename"
    link = page.by_id("units").find("a", href=rename_url)
    assert link.text == "Rename : Kotihoito"  # the unit's name is read out with the link

    form = web.get(rename_url)
    assert form.status_code == 200
    assert form_values(form.text, rename_url)["name"] == "Kotihoito"
    renamed = post_form(web, rename_url, rename_url, {"name": "Kotihoito ja kotisairaanhoito"})

    assert renamed.status_code == 303
    page = follow(web, renamed)
    assert flash(page) == "The unit was renamed."
    assert unit_names(page) == ["Kotihoito ja kotisairaanhoito"]
    latest = page.by_id("history").find("li")
    assert "Unit renamed" in latest.text
    assert latest.find("del").text == "was: Kotihoito"
    assert latest.find("ins").text == "now: Kotihoito ja kotisairaanhoito"


def test_rename_an_organisation_and_change_its_kind(web: TestClient) -> None:
    org = register_heinavesi(web)
    initiative = propose(web, "Kotikuntoutus", organisation_id=org.id)
    page_url = f"/organisations/{org.id}"
    edit_url = f"{page_url}/edit"
    link = parse(web.get(page_url).text).find("a", href=edit_url)
    assert link.text == f"Edit : {HEINAVESI}"  # the organisation is read out with the link

    opened = web.get(edit_url)
    assert opened.status_code == 200
    shown = form_values(opened.text, edit_url)
    assert (shown["name"], shown["kind"], shown["version"]) == (HEINAVESI, "municipality", "4")
    saved = submit(web, opened.text, edit_url, {"name": "Heinäveden seutu", "kind": "joint_authority"})

    assert saved.status_code == 303
    assert saved.headers["location"] == page_url
    page = follow(web, saved)
    assert flash(page) == "The organisation's details were saved."
    assert h1(page) == "Heinäveden seutu"
    assert "Joint authority" in page.find("main").text
    latest, before = page.by_id("history").find_all("li")[:2]
    assert "Kind changed" in latest.text
    assert (latest.find("del").text, latest.find("ins").text) == ("was: Municipality", "now: Joint authority")
    assert "Renamed" in before.text
    assert (before.find("del").text, before.find("ins").text) == (
        f"was: {HEINAVESI}",
        "now: Heinäveden seutu",
    )
    # Other pages read the name where it lives.
    assert "Heinäveden seutu" in web.get(f"/initiatives/{initiative['id']}").text
    assert "Heinäveden seutu" in web.get("/organisations").text

    # Saving the form as it is records nothing.
    with nothing_recorded(web, f"/api/organisations/{org.id}"):
        unchanged = submit_form(web, edit_url, edit_url, {})
    assert unchanged.status_code == 303


def test_the_edit_link_shows_only_on_the_page_as_it_is_now(web: TestClient) -> None:
    org = register_heinavesi(web)
    page_url = f"/organisations/{org.id}"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    past = parse(web.get(page_url, params={"as_of_date": tomorrow}).text)
    assert past.find_all("a", href=f"{page_url}/edit") == []


def test_the_organisation_page_lists_units_sorted_initiatives_and_people(web: TestClient) -> None:
    org = register_organisation(web, HEINAVESI, units=(*HEINAVESI_UNITS, "Äitiysneuvola"))
    initiative = propose(
        web, "Tavoitteellinen työkierto", organisation_id=org.id, unit_id=org.units["Kotihoito"]
    )
    register_person(web, MAIJA, organisation_id=org.id, unit_id=org.units["Kotihoito"])
    register_person(web, "Perusturvajohtaja", organisation_id=org.id)
    other = register_organisation(web, OULUNKAARI, "joint_authority")
    register_person(web, "Innovaattori", organisation_id=other.id)
    web.cookies.set(LANG_COOKIE, "fi")

    page = parse(web.get(f"/organisations/{org.id}").text)

    # Finnish order: ä after z, so Äitiysneuvola comes last.
    assert unit_names(page) == [
        "Kotihoito",
        "Päivähoito ja varhaiskasvatus",
        "Terveyskeskuksen vuodeosasto",
        "Äitiysneuvola",
    ]
    initiatives = page.by_id("initiatives")
    assert initiatives.find("a", href=f"/initiatives/{initiative['id']}").text == "Tavoitteellinen työkierto"
    assert initiatives.find_all("a", href=f"/initiatives?organisation_id={org.id}")
    people = page.by_id("people")
    assert [a.text for a in people.find_all("a")] == [MAIJA, "Perusturvajohtaja"]
    assert "Kotihoito" in people.find("li").text


def test_an_organisation_as_it_was_on_a_day(web: TestClient) -> None:
    org = register_heinavesi(web)
    today = date.today()

    before = web.get(
        f"/organisations/{org.id}", params={"as_of_date": (today - timedelta(days=2)).isoformat()}
    )
    assert before.status_code == 404
    assert "had not been registered yet" in parse(before.text).find("main").text

    then = web.get(f"/organisations/{org.id}", params={"as_of_date": (today + timedelta(days=1)).isoformat()})
    assert then.status_code == 200
    doc = parse(then.text)
    assert "You are looking at the past." in doc.find(class_="as-of-notice").text
    assert sorted(unit_names(doc)) == sorted(HEINAVESI_UNITS)
    assert not doc.find_all("form", action=f"/organisations/{org.id}/units")  # no changes to the past
    assert not doc.has_id("people")  # the registry keeps no past

    bad = web.get(f"/organisations/{org.id}", params={"as_of_date": "11.4.2019"})
    assert bad.status_code == 400
    assert field_error(parse(bad.text), "as_of_date") == "Error: Enter a date such as 2026-03-31."


def test_a_double_submit_registers_the_organisation_once(web: TestClient) -> None:
    shown = web.get("/organisations/new")
    body = {**form_fields(shown.text, "/organisations/new"), "name": OULUNKAARI, "kind": "joint_authority"}

    first = web.post("/organisations/new", data=body, follow_redirects=False)
    second = web.post("/organisations/new", data=body, follow_redirects=False)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert [o["name"] for o in web.get("/api/organisations").json()] == [OULUNKAARI]


def test_htmx_add_unit_swaps_the_units_section_flash_and_history(web: TestClient) -> None:
    org = register_organisation(web, OULUNKAARI, "joint_authority")
    page_url = f"/organisations/{org.id}"
    form = find_form(web.get(page_url).text, f"{page_url}/units")
    assert (form.get("hx-select"), form.get("hx-select-oob")) == ("#units", "#flash,#history")

    added = post_form(
        web, page_url, f"{page_url}/units", {"name": "Soten kehittämistiimi"}, headers={"HX-Request": "true"}
    )

    assert added.status_code == 303
    page = follow(web, added)
    assert unit_names(page) == ["Soten kehittämistiimi"]
    assert all(page.has_id(i) for i in ("units", "flash", "history"))


# ---- organisations: refusals ---------------------------------------------------------------


def test_a_blank_name_is_refused_next_to_the_field_and_the_kind_is_kept(web: TestClient) -> None:
    with nothing_recorded(web, "/api/organisations"):
        refused = post_form(
            web, "/organisations/new", "/organisations/new", {"name": "   ", "kind": "joint_authority"}
        )

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert h1(doc) == "Register an organisation"
    assert "required and cannot be blank" in field_error(doc, "name")
    assert error_summary_links(doc) == ["#field-name"]
    assert form_values(doc, "/organisations/new")["kind"] == "joint_authority"


def test_a_missing_kind_is_refused_and_the_typed_name_is_kept(web: TestClient) -> None:
    with nothing_recorded(web, "/api/organisations"):
        refused = post_form(web, "/organisations/new", "/organisations/new", {"name": OULUNKAARI, "kind": ""})
        tampered = post_form(
            web, "/organisations/new", "/organisations/new", {"name": OULUNKAARI, "kind": "kingdom"}
        )

    assert refused.status_code == tampered.status_code == 422
    doc = parse(refused.text)
    assert field_error(doc, "kind") == "Error: Choose the kind of organisation."
    assert not has_field_error(doc, "name")
    assert form_values(doc, "/organisations/new")["name"] == OULUNKAARI
    assert field_error(parse(tampered.text), "kind") == "Error: Choose one of the options in the list."


def test_a_name_over_the_limit_is_refused_and_kept(web: TestClient) -> None:
    long_name = "Perusturvakuntayhtymä Karviainen " * 7
    with nothing_recorded(web, "/api/organisations"):
        refused = post_form(
            web, "/organisations/new", "/organisations/new", {"name": long_name, "kind": "joint_authority"}
        )

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "the limit is 200" in field_error(doc, "name")
    assert form_values(doc, "/organisations/new")["name"] == long_name


def test_a_duplicate_unit_name_is_refused_and_nothing_is_recorded(web: TestClient) -> None:
    org = register_heinavesi(web)
    page_url = f"/organisations/{org.id}"
    paths = (f"/api/organisations/{org.id}", f"/api/organisations/{org.id}/history")

    with nothing_recorded(web, *paths):
        duplicate = post_form(web, page_url, f"{page_url}/units", {"name": "kotihoito"})
        blank = post_form(web, page_url, f"{page_url}/units", {"name": ""})

    assert duplicate.status_code == 422
    doc = parse(duplicate.text)
    assert h1(doc) == HEINAVESI
    assert field_error(doc, "name") == f"Error: {HEINAVESI} already has a unit called 'Kotihoito'."
    assert form_values(doc, f"{page_url}/units")["name"] == "kotihoito"
    assert doc.by_id("units").find(class_="error-summary")
    assert blank.status_code == 422
    assert "required and cannot be blank" in field_error(parse(blank.text), "name")


def test_renaming_a_unit_to_another_units_name_is_refused(web: TestClient) -> None:
    org = register_heinavesi(web)
    rename_url = f"/organisations/{org.id}/units/{org.units['Kotihoito']}/rename"

    with nothing_recorded(web, f"/api/organisations/{org.id}"):
        refused = post_form(web, rename_url, rename_url, {"name": "Terveyskeskuksen vuodeosasto"})

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "already has a unit called 'Terveyskeskuksen vuodeosasto'" in field_error(doc, "name")
    assert form_values(doc, rename_url)["name"] == "Terveyskeskuksen vuodeosasto"
    assert h1(doc) == "Rename the unit Kotihoito"


@pytest.mark.parametrize(
    ("typed", "field", "sentence"),
    [
        ({"name": "  "}, "name", "required and cannot be blank"),
        ({"name": "n" * 201}, "name", "the limit is 200"),
        ({"kind": "city"}, "kind", "Choose one of the options in the list."),
        ({"kind": ""}, "kind", "Choose the kind of organisation."),
    ],
)
def test_a_refused_organisation_edit_keeps_the_input_and_records_nothing(
    web: TestClient, typed: dict[str, str], field: str, sentence: str
) -> None:
    org = register_heinavesi(web)
    edit_url = f"/organisations/{org.id}/edit"
    with nothing_recorded(web, f"/api/organisations/{org.id}", f"/api/organisations/{org.id}/history"):
        refused = submit_form(web, edit_url, edit_url, typed)

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert sentence in field_error(doc, field)
    assert error_summary_links(doc)
    again = form_values(doc, edit_url)
    assert again["name"] == typed.get("name", HEINAVESI)  # a select shows only its own options
    assert again["version"] == "4"


def test_a_stale_organisation_edit_says_so_and_saves_on_the_second_try(web: TestClient) -> None:
    org = register_heinavesi(web)
    edit_url = f"/organisations/{org.id}/edit"
    opened = web.get(edit_url).text
    meanwhile = web.patch(f"/api/organisations/{org.id}", json={"kind": "other"}, headers={"If-Match": '"4"'})
    assert meanwhile.status_code == 200

    with nothing_recorded(web, f"/api/organisations/{org.id}"):
        stale = submit(web, opened, edit_url, {"name": "Heinäveden seutu"})

    assert stale.status_code == 409
    doc = parse(stale.text)
    assert (
        "Someone else changed this organisation while you were editing it."
        in doc.find(class_="error-summary").text
    )
    assert "Other organisation" in doc.by_id("saved-now").text  # what is saved now
    again = form_values(doc, edit_url)
    assert (again["name"], again["kind"], again["version"]) == ("Heinäveden seutu", "municipality", "5")

    saved = web.post(edit_url, data={**form_fields(stale.text, edit_url), **again}, follow_redirects=False)
    assert saved.status_code == 303
    body = web.get(f"/api/organisations/{org.id}").json()
    assert (body["name"], body["kind"], body["version"]) == ("Heinäveden seutu", "municipality", 7)


def test_a_form_without_the_right_token_is_refused_with_403(web: TestClient) -> None:
    org = register_heinavesi(web)
    events = len(all_events(web))

    fresh = TestClient(web.app, cookies={LANG_COOKIE: "en"})  # a browser that never opened a form
    no_cookie = fresh.post("/organisations/new", data={"name": "Vihti", "kind": "municipality"})
    web.get("/organisations/new")
    no_token = web.post("/organisations/new", data={"name": "Vihti", "kind": "municipality"})
    forged = web.post(f"/organisations/{org.id}/units", data={"name": "Sosiaalityö", "csrf_token": "forged"})
    person = register_person(web, MAIJA)
    erase_forged = web.post(f"/people/{person['id']}/erase", data={"csrf_token": "forged"})

    for refused in (no_cookie, no_token, forged, erase_forged):
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "The form has expired" in parse(refused.text).find("h1").text
    assert len(all_events(web)) == events
    assert [o["name"] for o in web.get("/api/organisations").json()] == [HEINAVESI]
    assert web.get(f"/api/people/{person['id']}").status_code == 200


def test_unknown_ids_get_an_html_404_page(web: TestClient) -> None:
    org = register_heinavesi(web)
    missing = uuid4()
    for path in (
        f"/organisations/{missing}",
        "/organisations/not-an-id",
        f"/organisations/{org.id}/units/{missing}/rename",
        f"/organisations/{missing}/units/{org.units['Kotihoito']}/rename",
        f"/organisations/{missing}/edit",
        f"/people/{missing}",
        f"/people/{missing}/edit",
        f"/people/{missing}/erase",
        "/people/not-an-id",
    ):
        found = web.get(path)
        assert found.status_code == 404, path
        assert found.headers["content-type"].startswith("text/html"), path
        assert h1(parse(found.text)) == "Page not found", path

    page_url = f"/organisations/{org.id}"
    token = form_fields(web.get(page_url).text, f"{page_url}/units")
    with nothing_recorded(web, f"/api/organisations/{org.id}"):
        unknown_org = web.post(f"/organisations/{missing}/units", data={**token, "name": "Kotihoito"})
        unknown_unit = web.post(
            f"/organisations/{org.id}/units/{missing}/rename", data={**token, "name": "Kotihoito"}
        )
        unknown_edit = web.post(
            f"/organisations/{missing}/edit", data={**token, "name": "Kotihoito", "kind": "other"}
        )
    assert unknown_org.status_code == unknown_unit.status_code == unknown_edit.status_code == 404


# ---- sorting and language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", ["Oulu", "Vaasa", "Åbo", "Östersund"]),
        ("sv", ["Oulu", "Vaasa", "Åbo", "Östersund"]),
        ("en", ["Åbo", "Östersund", "Oulu", "Vaasa"]),  # accents folded away
    ],
)
def test_organisations_sort_the_readers_way(web: TestClient, lang: str, expected: list[str]) -> None:
    for name in ("Östersund", "Oulu", "Åbo", "Vaasa"):
        register_organisation(web, name)
    web.cookies.set(LANG_COOKIE, lang)

    listed = web.get("/organisations")

    assert organisation_names(parse(listed.text)) == expected


def test_the_pages_speak_swedish_when_asked(web: TestClient) -> None:
    org = register_heinavesi(web)
    person = register_person(web, MAIJA)
    web.cookies.set(LANG_COOKIE, "sv")
    for path in (
        "/organisations",
        "/organisations/new",
        f"/organisations/{org.id}",
        f"/organisations/{org.id}/units/{org.units['Kotihoito']}/rename",
        f"/organisations/{org.id}/edit",
        "/people",
        "/people/new",
        f"/people/{person['id']}",
        f"/people/{person['id']}/edit",
        f"/people/{person['id']}/erase",
    ):
        shown = web.get(path)
        assert shown.status_code == 200, path
        assert '<html lang="sv">' in shown.text, path
        assert len(parse(shown.text).find_all("h1")) == 1, path


# ---- people: happy paths -------------------------------------------------------------------


def test_register_a_person_then_edit_then_erase(web: TestClient) -> None:
    org = register_heinavesi(web)
    shown = parse(web.get("/people/new").text)
    offered = [
        label.text
        for label in shown.by_id("picker-unit_id").find_all("label")
        if label.get("for") != "field-unit_id"
    ]
    assert f"Kotihoito — {HEINAVESI}" in offered, "each unit names its organisation"

    registered = post_form(
        web,
        "/people/new",
        "/people/new",
        {"name": MAIJA, "email": MAIJA_EMAIL, "organisation_id": org.id, "unit_id": org.units["Kotihoito"]},
    )

    assert registered.status_code == 303
    person_url = registered.headers["location"]
    person_id = person_url.rsplit("/", 1)[1]
    page = follow(web, registered)
    assert flash(page) == "The person was registered."
    assert h1(page) == MAIJA
    details = page.find("dl").text
    assert MAIJA_EMAIL in details and HEINAVESI in details and "Kotihoito" in details
    assert [a.text for a in parse(web.get("/people").text).by_id("results").find_all("a")] == [
        "Local user",
        MAIJA,
    ]

    edit_url = f"{person_url}/edit"
    assert form_fields(web.get(edit_url).text, edit_url)["version"] == "1"
    edited = post_form(
        web,
        edit_url,
        edit_url,
        {
            "name": "Maija Virtanen",
            "email": "",
            "organisation_id": org.id,
            "unit_id": org.units["Terveyskeskuksen vuodeosasto"],
        },
    )

    assert edited.status_code == 303
    page = follow(web, edited)
    assert flash(page) == "The person's details were saved."
    saved = web.get(f"/api/people/{person_id}").json()
    assert (saved["name"], saved["email"], saved["version"]) == ("Maija Virtanen", None, 2)
    assert saved["unit_id"] == org.units["Terveyskeskuksen vuodeosasto"]

    initiative = propose(web, "Tavoitteellinen työkierto", owner_id=person_id)
    events = all_events(web)
    erase_url = f"{person_url}/erase"
    confirm = parse(web.get(erase_url).text)
    assert h1(confirm) == "Erase Maija Virtanen?"
    assert "erased person" in confirm.find("main").text
    assert "events stay as they are" in confirm.find("main").text
    assert find_form(confirm, erase_url).find("button").text == "Erase Maija Virtanen"

    erased = post_form(web, erase_url, erase_url, {})

    assert erased.status_code == 303
    assert erased.headers["location"] == "/people"
    page = follow(web, erased)
    assert flash(page) == "The person was erased. History now shows “erased person”."
    assert "Maija" not in page.by_id("results").text
    assert web.get(f"/api/people/{person_id}").status_code == 404
    assert web.get(person_url).status_code == 404
    assert all_events(web) == events  # erasing changes no event
    initiative_page = parse(web.get(f"/initiatives/{initiative['id']}").text)
    assert "erased person" in initiative_page.find("main").text
    assert "Maija" not in web.get(f"/initiatives/{initiative['id']}").text


def test_choosing_a_unit_names_its_organisation(web: TestClient) -> None:
    org = register_heinavesi(web)

    registered = post_form(
        web, "/people/new", "/people/new", {"name": MAIJA, "unit_id": org.units["Kotihoito"]}
    )

    assert registered.status_code == 303
    person_id = registered.headers["location"].rsplit("/", 1)[1]
    saved = web.get(f"/api/people/{person_id}").json()
    assert (saved["organisation_id"], saved["unit_id"]) == (org.id, org.units["Kotihoito"])


def test_a_person_page_lists_their_open_initiatives(web: TestClient) -> None:
    person = register_person(web, MAIJA)
    owned = propose(web, "Perustehtävän kirkastaminen", owner_id=person["id"])
    teamed = propose(web, "Yhteistyö- ja vuorovaikutustaidot")
    added = web.post(
        f"/api/initiatives/{teamed['id']}/team", json={"person_id": person["id"], "role": "sairaanhoitaja"}
    )
    assert added.status_code == 200, added.text
    propose(web, "Tavoitteellinen työkierto")  # not hers

    page = parse(web.get(f"/people/{person['id']}").text)

    cards = {c.find("h3").text: c.text for c in page.find_all("li", class_="card")}
    assert set(cards) == {"Perustehtävän kirkastaminen", "Yhteistyö- ja vuorovaikutustaidot"}
    assert "Owner" in cards["Perustehtävän kirkastaminen"]
    assert "Team member: sairaanhoitaja" in cards["Yhteistyö- ja vuorovaikutustaidot"]
    assert page.find_all("a", href=f"/initiatives/{owned['id']}")


def test_people_are_listed_by_name_and_can_be_searched(web: TestClient) -> None:
    for name in ("Örjan Berg", "Oskari Saarinen", "Åsa Lindqvist", "Anna Virtanen"):
        register_person(web, name)
    web.cookies.set(LANG_COOKIE, "sv")

    listed = parse(web.get("/people").text).by_id("results")
    found = parse(web.get("/people", params={"q": "saar"}).text)

    assert [a.text for a in listed.find_all("a")] == [
        "Anna Virtanen",
        "Local user",
        "Oskari Saarinen",
        "Åsa Lindqvist",
        "Örjan Berg",
    ]
    assert [a.text for a in found.by_id("results").find_all("a")] == ["Oskari Saarinen"]
    assert form_values(found, "/people")["q"] == "saar"


def test_a_double_submit_registers_the_person_once(web: TestClient) -> None:
    body = {**form_fields(web.get("/people/new").text, "/people/new"), "name": MAIJA}

    first = web.post("/people/new", data=body, follow_redirects=False)
    second = web.post("/people/new", data=body, follow_redirects=False)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    names = [p["name"] for p in web.get("/api/people").json()["items"]]
    assert names.count(MAIJA) == 1


# ---- people: refusals -----------------------------------------------------------------------


def test_a_blank_name_and_a_bad_email_are_refused_together_and_kept(web: TestClient) -> None:
    org = register_heinavesi(web)
    with nothing_recorded(web, "/api/people"):
        refused = post_form(
            web,
            "/people/new",
            "/people/new",
            {"name": " ", "email": "maija(at)heinavesi.fi", "organisation_id": org.id, "unit_id": ""},
        )

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "required and cannot be blank" in field_error(doc, "name")
    assert field_error(doc, "email") == "Error: 'maija(at)heinavesi.fi' is not an e-mail address."
    assert error_summary_links(doc) == ["#field-name", "#field-email"]
    kept = form_values(doc, "/people/new")
    assert (kept["email"], kept["organisation_id"]) == ("maija(at)heinavesi.fi", org.id)


def test_a_unit_of_another_organisation_is_refused_next_to_the_unit(web: TestClient) -> None:
    heinavesi = register_heinavesi(web)
    oulunkaari = register_organisation(web, OULUNKAARI, "joint_authority")
    with nothing_recorded(web, "/api/people"):
        refused = post_form(
            web,
            "/people/new",
            "/people/new",
            {"name": MAIJA, "organisation_id": oulunkaari.id, "unit_id": heinavesi.units["Kotihoito"]},
        )

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert f"{OULUNKAARI} has no unit with id" in field_error(doc, "unit_id")
    assert form_values(doc, "/people/new")["name"] == MAIJA


def test_a_stale_edit_shows_what_is_saved_now_and_keeps_the_input(web: TestClient) -> None:
    person = register_person(web, MAIJA, MAIJA_EMAIL)
    edit_url = f"/people/{person['id']}/edit"
    opened = form_fields(web.get(edit_url).text, edit_url)
    assert opened["version"] == "1"
    meanwhile = web.patch(
        f"/api/people/{person['id']}", json={"email": "maija@oulunkaari.fi"}, headers={"If-Match": '"1"'}
    )
    assert meanwhile.status_code == 200

    with nothing_recorded(web, f"/api/people/{person['id']}"):
        stale = web.post(
            edit_url,
            data={
                **opened,
                "name": "Maija Virtanen",
                "email": MAIJA_EMAIL,
                "organisation_id": "",
                "unit_id": "",
            },
            follow_redirects=False,
        )

    assert stale.status_code == 409
    doc = parse(stale.text)
    assert h1(doc) == "Someone else saved first"
    assert doc.find(class_="error-summary").get("role") == "alert"
    assert "maija@oulunkaari.fi" in doc.find("dl").text  # what is saved now
    again = form_values(doc, edit_url)
    assert (again["name"], again["email"], again["version"]) == ("Maija Virtanen", MAIJA_EMAIL, "2")
    assert "Name, E-mail" in doc.find("main").text

    saved = web.post(edit_url, data=again, follow_redirects=False)
    assert saved.status_code == 303
    body = web.get(f"/api/people/{person['id']}").json()
    assert (body["name"], body["email"], body["version"]) == ("Maija Virtanen", MAIJA_EMAIL, 3)


def test_a_stale_erasure_asks_again(web: TestClient) -> None:
    person = register_person(web, MAIJA)
    erase_url = f"/people/{person['id']}/erase"
    opened = form_fields(web.get(erase_url).text, erase_url)
    web.patch(f"/api/people/{person['id']}", json={"name": "Maija Virtanen"}, headers={"If-Match": '"1"'})

    stale = web.post(erase_url, data=opened, follow_redirects=False)

    assert stale.status_code == 409
    doc = parse(stale.text)
    assert "changed after you opened this page" in doc.find(class_="error-summary").text
    assert h1(doc) == "Erase Maija Virtanen?"
    assert web.get(f"/api/people/{person['id']}").status_code == 200
    confirmed = web.post(erase_url, data=form_fields(doc, erase_url), follow_redirects=False)
    assert confirmed.status_code == 303
    assert web.get(f"/api/people/{person['id']}").status_code == 404


def test_an_edit_with_errors_keeps_the_version_it_was_based_on(web: TestClient) -> None:
    person = register_person(web, MAIJA, MAIJA_EMAIL)
    edit_url = f"/people/{person['id']}/edit"

    with nothing_recorded(web, f"/api/people/{person['id']}"):
        refused = post_form(web, edit_url, edit_url, {"name": "", "email": MAIJA_EMAIL})

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "required and cannot be blank" in field_error(doc, "name")
    assert form_values(doc, edit_url)["version"] == "1"
