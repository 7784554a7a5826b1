"""The pickers on both stores: GET /pick/<kind> (search, limit, each option naming its
organisation, what comes first, empty, garbage and very long searches, an unknown kind)
and a form that uses pickers without JavaScript (its Search button shows the form again
with the matches, keeping everything typed, and records nothing)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient

from services.people_registry import LOCAL_ACTOR_ID
from tests.integration.api_helpers import Org, all_events, propose, register_organisation, register_person
from tests.integration.page_helpers import Element, find_form, form_fields, parse
from tests.integration.test_api_targets import define

ROTATION = "Tavoitteellinen työkierto"
HAMINA = "Haminan kaupunki"
HEINAVESI = "Heinäveden kunta"


def english(client: httpx.Client) -> None:
    assert (
        client.get("/language", params={"set": "en", "next": "/"}, follow_redirects=False).status_code == 303
    )


@dataclass
class Twins:
    """Two organisations, each with an initiative and a target of the same name."""

    hamina: Org
    heinavesi: Org
    hamina_initiative: str
    heinavesi_initiative: str
    hamina_target: str
    heinavesi_target: str


def twins(client: httpx.Client) -> Twins:
    english(client)
    hamina = register_organisation(client, HAMINA, "municipality", ("Kotihoito", "Sairaala"))
    heinavesi = register_organisation(client, HEINAVESI, "municipality", ("Kotihoito", "Vuodeosasto"))
    return Twins(
        hamina,
        heinavesi,
        propose(client, ROTATION, organisation_id=hamina.id)["id"],
        propose(client, ROTATION, organisation_id=heinavesi.id)["id"],
        define(client, ROTATION, organisation_id=hamina.id)["id"],
        define(client, ROTATION, organisation_id=heinavesi.id)["id"],
    )


def options(client: httpx.Client, kind: str, **params: str) -> list[tuple[str, str]]:
    """(value, label) of each option GET /pick/<kind> answers."""
    shown = client.get(f"/pick/{kind}", params=params)
    assert shown.status_code == 200, shown.text[:2000]
    doc = parse(shown.text)
    labels = {label.get("for"): label.text.strip() for label in doc.find_all("label")}
    return [
        (radio.get("value") or "", labels[radio.get("id")]) for radio in doc.find_all("input", type="radio")
    ]


def test_each_option_names_its_organisation(client: TestClient) -> None:
    case = twins(client)
    found = options(client, "initiatives", q="työkierto")
    assert sorted(found) == sorted(
        [
            (case.hamina_initiative, f"{ROTATION} — {HAMINA}"),
            (case.heinavesi_initiative, f"{ROTATION} — {HEINAVESI}"),
        ]
    )
    targets = [label for _, label in options(client, "targets", q="TYÖKIERTO")]
    assert sorted(targets) == [f"{ROTATION} — {HAMINA}", f"{ROTATION} — {HEINAVESI}"], "case-folded search"
    units = options(client, "units", q="kotihoito")
    assert sorted(label for _, label in units) == [f"Kotihoito — {HAMINA}", f"Kotihoito — {HEINAVESI}"]
    assert [label for _, label in options(client, "units", q="kotihoito heinäveden")] == [
        f"Kotihoito — {HEINAVESI}"
    ], "every word must match, the organisation's name included"


def test_an_organisation_asked_for_comes_first(client: TestClient) -> None:
    case = twins(client)
    for org, initiative in (
        (case.hamina, case.hamina_initiative),
        (case.heinavesi, case.heinavesi_initiative),
    ):
        assert options(client, "initiatives", organisation=org.id)[0][0] == initiative
    assert options(client, "targets", organisation=case.heinavesi.id)[0][0] == case.heinavesi_target


def test_the_readers_own_initiatives_come_first(client: TestClient) -> None:
    case = twins(client)
    client.get("/")  # the pages act as the local user, registered on first use
    mine = propose(client, "Oma kokeilu", owner_id=str(LOCAL_ACTOR_ID))["id"]
    found = options(client, "initiatives", first="own")
    assert found[0][0] == mine, found
    assert {case.hamina_initiative, case.heinavesi_initiative} <= {v for v, _ in found}


def test_people_name_their_organisation(client: TestClient) -> None:
    case = twins(client)
    register_person(client, "Maija Meikäläinen", organisation_id=case.hamina.id)
    register_person(client, "Matti Meikäläinen")
    found = dict((label, value) for value, label in options(client, "people", q="meikäläinen"))
    assert set(found) == {f"Maija Meikäläinen — {HAMINA}", "Matti Meikäläinen"}


def test_the_result_count_is_bounded(client: TestClient) -> None:
    english(client)
    for n in range(30):
        propose(client, f"Kokeilu {n:02d}")
    assert len(options(client, "initiatives")) == 10, "ten unless asked"
    assert len(options(client, "initiatives", limit="3")) == 3
    assert len(options(client, "initiatives", limit="1000")) == 25, "never more than 25"
    assert len(options(client, "initiatives", limit="-1")) == 10
    assert len(options(client, "initiatives", q="kokeilu 07")) == 1


def test_empty_garbage_and_very_long_searches_answer_without_failing(client: TestClient) -> None:
    case = twins(client)
    assert len(options(client, "initiatives", q="")) == 2
    for garbage in ("%", "_", "\\", "' OR 1=1 --", "<script>", "\x00kokeilu", "💥" * 50, "ä" * 1000):
        shown = client.get("/pick/initiatives", params={"q": garbage})
        assert shown.status_code == 200, garbage
        assert parse(shown.text).find_all("input", type="radio") == [], garbage
    assert "&lt;script&gt;" in client.get("/pick/initiatives", params={"q": "<script>"}).text
    too_long = client.get("/pick/initiatives", params={"q": "a" * 20_000})
    # Past the query's limit (10,000 characters), or the server's limit on a request line: a page, no 500.
    assert too_long.status_code in (400, 414, 422), too_long.status_code
    # The chosen record comes first whatever was searched; a chosen id that is no id is ignored.
    kept = options(
        client, "initiatives", name="initiative_id", q="nothing", initiative_id=case.hamina_initiative
    )
    assert kept == [(case.hamina_initiative, f"{ROTATION} — {HAMINA}")]
    assert options(client, "initiatives", name="initiative_id", initiative_id="not-an-id", q="zzz") == []
    assert options(client, "initiatives", organisation="garbage", limit="x")


def test_an_unknown_kind_is_not_found(client: TestClient) -> None:
    english(client)
    for kind in ("programmes", "x" * 40, "%C3%A4"):
        assert client.get(f"/pick/{kind}").status_code == 404


def test_the_options_are_radio_buttons_of_the_named_field(client: TestClient) -> None:
    case = twins(client)
    shown = parse(client.get("/pick/targets", params={"name": "target_id", "target_id__q": "Hamina"}).text)
    radios = shown.find_all("input", type="radio")
    assert [r.get("name") for r in radios] == ["target_id"]
    assert radios[0].get("value") == case.hamina_target
    status = shown.by_id("picker-target_id-status")
    assert status.get("hx-swap-oob") == "true" and "1 option" in status.text
    odd = parse(client.get("/pick/targets", params={"name": 'x" onclick="alert(1)'}).text)
    assert {r.get("name") for r in odd.find_all("input", type="radio")} == {"targets"}


# ---- a form with pickers, without JavaScript -------------------------------------------------


def picker_labels(doc: Element, name: str) -> list[str]:
    box = doc.by_id(f"picker-{name}").find(class_="picker-options")
    return [label.text.strip() for label in box.find_all("label")]


def test_a_form_searches_without_javascript_and_keeps_what_was_typed(client: TestClient) -> None:
    case = twins(client)
    person = register_person(client, "Maija Meikäläinen", organisation_id=case.hamina.id)
    shown = client.get("/rotations/new")
    doc = parse(shown.text)
    search = doc.by_id("field-initiative_id")
    assert search.get("type") == "search" and search.get("name") == "initiative_id__q"
    assert [lb.text for lb in doc.find_all("label") if lb.get("for") == "field-initiative_id"] == [
        "Search by name"
    ]
    before = all_events(client)
    typed = {
        **form_fields(shown.text, "/rotations/new"),
        "person_id": person["id"],
        "home_unit_id": case.hamina.units["Kotihoito"],
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-28",
        "learning_goals": "Kotiutus tutuksi",
        "initiative_id__q": "Heinäveden",
        "_pick": "initiative_id",
    }
    again = client.post("/rotations/new", data=typed, follow_redirects=False)
    assert again.status_code == 200, again.text[:2000]
    assert all_events(client) == before, "a search records nothing"
    page = parse(again.text)
    assert picker_labels(page, "initiative_id") == [f"{ROTATION} — {HEINAVESI}"]
    assert page.by_id("field-initiative_id").get("value") == "Heinäveden"
    assert page.by_id("field-starts_on").get("value") == "2027-02-01", "what was typed is kept"
    assert "Kotiutus tutuksi" in page.by_id("field-learning_goals").text
    chosen = [
        r for r in page.by_id("picker-person_id").find_all("input", type="radio") if "checked" in r.attrs
    ]
    assert [r.get("value") for r in chosen] == [person["id"]], "the chosen person stays chosen, by name"
    assert f"Maija Meikäläinen — {HAMINA}" in picker_labels(page, "person_id")
    # Choosing from the matches and saving records the placement with that initiative.
    form = find_form(again.text, "/rotations/new")
    assert form is not None
    saved = client.post(
        "/rotations/new",
        data={
            **typed,
            **form_fields(again.text, "/rotations/new"),
            "_pick": "",
            "host_unit_id": case.hamina.units["Sairaala"],
            "initiative_id": case.hamina_initiative,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:3000]
    rotation = client.get(saved.headers["location"].replace("/rotations/", "/api/rotations/")).json()
    assert rotation["initiative"]["id"] == case.hamina_initiative


def test_the_edit_form_shows_the_current_value_by_name(client: TestClient) -> None:
    case = twins(client)
    person = register_person(client, "Maija Meikäläinen", organisation_id=case.hamina.id)
    created = client.post(
        "/api/rotations",
        json={
            "person_id": person["id"],
            "home_organisation_id": case.hamina.id,
            "home_unit_id": case.hamina.units["Kotihoito"],
            "host_organisation_id": case.hamina.id,
            "host_unit_id": case.hamina.units["Sairaala"],
            "starts_on": "2027-02-01",
            "ends_on": "2027-02-28",
            "learning_goals": ["Kotiutus tutuksi"],
            "target_id": case.hamina_target,
        },
    )
    assert created.status_code == 201, created.text
    doc = parse(client.get(f"/rotations/{created.json()['id']}/edit").text)
    radios = doc.by_id("picker-target_id").find_all("input", type="radio")
    checked = [r for r in radios if "checked" in r.attrs]
    assert [r.get("value") for r in checked] == [case.hamina_target]
    assert picker_labels(doc, "target_id")[0] == f"{ROTATION} — {HAMINA}"
    # The initiatives of the placement's organisation come first.
    assert picker_labels(doc, "initiative_id")[0] == f"{ROTATION} — {HAMINA}"


def test_other_forms_search_their_pickers_without_javascript(client: TestClient) -> None:
    """The programme's coordinator, an initiative's unit and owner, a team member: each
    picker's Search shows its form again with the matches and what was typed."""
    case = twins(client)
    register_person(client, "Maija Meikäläinen", organisation_id=case.hamina.id)
    before = all_events(client)
    shown = client.get("/programmes/new")
    again = client.post(
        "/programmes/new",
        data={
            **form_fields(shown.text, "/programmes/new"),
            "name": "Työkierto-ohjelma",
            "coordinator_id__q": "maija",
            "_pick": "coordinator_id",
        },
    )
    assert again.status_code == 200, again.text[:2000]
    page = parse(again.text)
    assert picker_labels(page, "coordinator_id") == [f"Maija Meikäläinen — {HAMINA}"]
    assert page.by_id("field-name").get("value") == "Työkierto-ohjelma"

    shown = client.get("/initiatives/new")
    again = client.post(
        "/initiatives/new",
        data={
            **form_fields(shown.text, "/initiatives/new"),
            "title": "Uusi hanke",
            "organisation_id": case.heinavesi.id,
            "unit_id__q": "kotihoito",
            "_pick": "unit_id",
        },
    )
    assert again.status_code == 200, again.text[:2000]
    page = parse(again.text)
    assert picker_labels(page, "unit_id")[0] == f"Kotihoito — {HEINAVESI}", "the chosen organisation's first"
    assert page.by_id("field-title").get("value") == "Uusi hanke"

    url = f"/initiatives/{case.hamina_initiative}"
    shown = client.get(url)
    again = client.post(
        f"{url}/team",
        data={**form_fields(shown.text, f"{url}/team"), "person_id__q": "meikäläinen", "_pick": "person_id"},
    )
    assert again.status_code == 200, again.text[:2000]
    assert picker_labels(parse(again.text), "person_id") == [f"Maija Meikäläinen — {HAMINA}"]
    assert all_events(client) == before, "searching records nothing"


def test_a_list_filter_picker_shows_the_filter_by_name_and_searches(client: TestClient) -> None:
    case = twins(client)
    person = register_person(client, "Maija Meikäläinen", organisation_id=case.hamina.id)
    page = parse(client.get("/rotations", params={"person_id": person["id"]}).text)
    chosen = [
        r for r in page.by_id("picker-person_id").find_all("input", type="radio") if "checked" in r.attrs
    ]
    assert [r.get("value") for r in chosen] == [person["id"]]
    assert picker_labels(page, "person_id")[0] == f"Maija Meikäläinen — {HAMINA}"
    searched = parse(
        client.get("/rotations", params={"initiative_id__q": "heinäveden", "_pick": "initiative_id"}).text
    )
    assert picker_labels(searched, "initiative_id") == [f"{ROTATION} — {HEINAVESI}"]
