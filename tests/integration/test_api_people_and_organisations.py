"""Organisations with their units, and the people registry (outside the event log,
erasable), over real HTTP on both stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from services.settings import Settings
from tests.integration.api_helpers import (
    HEINAVESI,
    HEINAVESI_TARGETS,
    HEINAVESI_UNITS,
    OULUNKAARI,
    OULUNKAARI_MODEL,
    THREE_W_MUNICIPALITIES,
    all_events,
    as_user,
    assert_problem,
    history,
    nothing_recorded,
    propose,
    proxy_mode_http,
    register_heinavesi,
    register_organisation,
    register_person,
)

ERASED = "erased person"


# ---- organisations -----------------------------------------------------------------


def test_register_an_organisation_with_its_units(http: httpx.Client) -> None:
    created = http.post("/api/organisations", json={"name": HEINAVESI, "kind": "municipality"})
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    org_path = created.headers["Location"]
    assert org_path == f"/api/organisations/{created.json()['id']}"
    assert created.json()["units"] == []

    for version, unit in enumerate(HEINAVESI_UNITS, start=2):
        added = http.post(f"{org_path}/units", json={"name": unit})
        assert added.status_code == 200
        assert added.headers["ETag"] == f'"{version}"'

    read = http.get(org_path)
    assert read.headers["ETag"] == '"4"'
    body = read.json()
    assert (body["name"], body["kind"], body["version"]) == ("Heinäveden kunta", "municipality", 4)
    assert [u["name"] for u in body["units"]] == list(HEINAVESI_UNITS)

    entries = history(http, org_path)
    assert [e["event_type"] for e in entries] == ["Registered", "UnitAdded", "UnitAdded", "UnitAdded"]
    assert entries[0]["changes"] == [
        {"field": "name", "old": None, "new": "Heinäveden kunta"},
        {"field": "kind", "old": None, "new": "municipality"},
    ]
    unit_ids = [u["id"] for u in body["units"]]
    assert [e["changes"] for e in entries[1:]] == [
        [{"field": f"units.{uid}", "old": None, "new": name}]
        for uid, name in zip(unit_ids, HEINAVESI_UNITS, strict=True)
    ]
    assert all(e["actor"]["name"] == "Local user" and e["record_title"] == HEINAVESI for e in entries)


def test_list_organisations_by_name(http: httpx.Client) -> None:
    for municipality in THREE_W_MUNICIPALITIES:
        register_organisation(http, municipality)
    register_organisation(http, OULUNKAARI, "joint_authority", ("Kehittämistiimi",))
    register_heinavesi(http)

    listed = http.get("/api/organisations")
    assert listed.status_code == 200
    orgs = listed.json()
    assert [o["name"] for o in orgs] == sorted([*THREE_W_MUNICIPALITIES, OULUNKAARI, HEINAVESI])
    by_name = {o["name"]: o for o in orgs}
    assert by_name[OULUNKAARI]["kind"] == "joint_authority"
    assert [u["name"] for u in by_name[OULUNKAARI]["units"]] == ["Kehittämistiimi"]
    assert [u["name"] for u in by_name[HEINAVESI]["units"]] == list(HEINAVESI_UNITS)


def test_rename_a_unit(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    unit_id = heinavesi.units["Kotihoito"]
    initiative = propose(http, HEINAVESI_TARGETS[0], organisation_id=heinavesi.id, unit_id=unit_id)
    org_path = f"/api/organisations/{heinavesi.id}"

    renamed = http.post(f"{org_path}/units/{unit_id}/rename", json={"name": "Kotihoito ja kotisairaanhoito"})

    assert renamed.status_code == 200
    assert renamed.headers["ETag"] == '"5"'
    units = {u["id"]: u["name"] for u in renamed.json()["units"]}
    assert units[unit_id] == "Kotihoito ja kotisairaanhoito"
    assert len(units) == 3, "renaming keeps the unit's id and adds none"
    last = history(http, org_path)[-1]
    assert last["event_type"] == "UnitRenamed"
    assert last["changes"] == [
        {"field": f"units.{unit_id}", "old": "Kotihoito", "new": "Kotihoito ja kotisairaanhoito"}
    ]
    shown = http.get(f"/api/initiatives/{initiative['id']}").json()
    assert shown["unit"] == {"id": unit_id, "name": "Kotihoito ja kotisairaanhoito"}

    # Renaming to the same name records nothing.
    same = http.post(f"{org_path}/units/{unit_id}/rename", json={"name": "Kotihoito ja kotisairaanhoito"})
    assert same.status_code == 200 and same.headers["ETag"] == '"5"'
    assert len(history(http, org_path)) == 5


def test_rename_an_organisation_and_change_its_kind(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    initiative = propose(http, HEINAVESI_TARGETS[0], organisation_id=heinavesi.id)
    org_path = f"/api/organisations/{heinavesi.id}"

    renamed = http.patch(org_path, json={"name": " Heinäveden seutu "}, headers={"If-Match": '"4"'})

    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["ETag"] == '"5"'
    body = renamed.json()
    assert (body["name"], body["kind"], body["version"]) == ("Heinäveden seutu", "municipality", 5)
    assert [u["name"] for u in body["units"]] == list(HEINAVESI_UNITS)
    # Names are read where they live: the initiative now shows the new one.
    shown = http.get(f"/api/initiatives/{initiative['id']}").json()
    assert shown["organisation"] == {"id": heinavesi.id, "name": "Heinäveden seutu"}

    both = http.patch(org_path, json={"name": "Heinäveden kunta", "kind": "other"})
    assert both.status_code == 200 and both.headers["ETag"] == '"7"'
    assert (both.json()["name"], both.json()["kind"]) == (HEINAVESI, "other")

    entries = history(http, org_path)
    assert [e["event_type"] for e in entries[-3:]] == ["Renamed", "Renamed", "KindChanged"]
    assert [e["changes"] for e in entries[-3:]] == [
        [{"field": "name", "old": HEINAVESI, "new": "Heinäveden seutu"}],
        [{"field": "name", "old": "Heinäveden seutu", "new": HEINAVESI}],
        [{"field": "kind", "old": "municipality", "new": "other"}],
    ]
    assert [e["record_title"] for e in entries[-3:]] == ["Heinäveden seutu", HEINAVESI, HEINAVESI]

    # The values it already has, or nothing at all: nothing is recorded.
    for unchanged in ({"name": HEINAVESI, "kind": "other"}, {}):
        same = http.patch(org_path, json=unchanged)
        assert same.status_code == 200 and same.headers["ETag"] == '"7"'
    assert len(history(http, org_path)) == 7


def test_a_refused_organisation_edit_records_nothing(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    org_path = f"/api/organisations/{heinavesi.id}"
    with nothing_recorded(http, org_path, f"{org_path}/history", "/api/organisations"):
        for body, field in (
            ({"name": "   "}, "name"),
            ({"name": None}, "name"),
            ({"name": "n" * 201}, "name"),
            ({"name": "Heinä\u202evesi"}, "name"),
            ({"kind": "city"}, "kind"),
            ({"kind": None}, "kind"),
            ({"name": "Heinäveden seutu", "kind": "city"}, "kind"),
            ({"name": "Heinäveden seutu", "units": []}, "units"),
        ):
            assert_problem(http.patch(org_path, json=body), 422, field=field)

        stale = http.patch(org_path, json={"name": "Heinäveden seutu"}, headers={"If-Match": '"3"'})
        problem = assert_problem(stale, 412, slug="stale-version")
        assert problem["current_version"] == 4
        assert "version 3" in problem["detail"] and "version 4" in problem["detail"]

        odd_etag = http.patch(org_path, json={"name": "Heinäveden seutu"}, headers={"If-Match": "four"})
        assert_problem(odd_etag, 400)

        missing = http.patch(f"/api/organisations/{uuid4()}", json={"name": "Heinäveden seutu"})
        assert "There is no organisation with id" in assert_problem(missing, 404)["detail"]


def test_an_organisation_edit_retried_with_its_key_is_recorded_once(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    org_path = f"/api/organisations/{heinavesi.id}"
    key = {"Idempotency-Key": str(uuid4())}
    first = http.patch(org_path, json={"kind": "joint_authority"}, headers=key)
    again = http.patch(org_path, json={"kind": "joint_authority"}, headers=key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json() and again.headers["ETag"] == '"5"'
    assert [e["event_type"] for e in history(http, org_path)].count("KindChanged") == 1
    reused = http.patch(org_path, json={"kind": "other"}, headers=key)
    assert reused.status_code == 422
    assert reused.json()["type"].endswith("/idempotency-key-reused")


# ---- people ------------------------------------------------------------------------


def test_register_read_list_and_edit_a_person(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    created = http.post(
        "/api/people",
        json={
            "name": "  Aino Äijälä ",
            "email": "aino.aijala@heinavesi.fi",
            "organisation_id": heinavesi.id,
            "unit_id": heinavesi.units["Päivähoito ja varhaiskasvatus"],
        },
    )
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    person = created.json()
    assert created.headers["Location"] == f"/api/people/{person['id']}"
    assert (person["name"], person["email"]) == ("Aino Äijälä", "aino.aijala@heinavesi.fi")
    assert person["unit_id"] == heinavesi.units["Päivähoito ja varhaiskasvatus"]

    read = http.get(created.headers["Location"])
    assert read.json() == person and read.headers["ETag"] == '"1"'

    edited = http.patch(
        created.headers["Location"],
        json={"name": "Aino Äijälä-Öhman", "unit_id": heinavesi.units["Kotihoito"]},
        headers={"If-Match": '"1"'},
    )
    assert edited.status_code == 200
    assert edited.headers["ETag"] == '"2"'
    assert edited.json()["name"] == "Aino Äijälä-Öhman"
    assert edited.json()["unit_id"] == heinavesi.units["Kotihoito"]
    assert edited.json()["email"] == "aino.aijala@heinavesi.fi", "fields not sent are kept"

    cleared = http.patch(created.headers["Location"], json={"email": None}, headers={"If-Match": '"2"'})
    assert cleared.json()["email"] is None and cleared.headers["ETag"] == '"3"'
    unchanged = http.patch(created.headers["Location"], json={"email": None})
    assert unchanged.headers["ETag"] == '"3"', "a PATCH that changes nothing keeps the version"
    assert http.get(created.headers["Location"]).json() == unchanged.json()


def test_search_and_page_through_people(http: httpx.Client) -> None:
    names = ["Aino Äijälä", "Eeva Kärkkäinen", "Sanna Öhman", "Jussi Ylönen", "Ärjä Äimä"]
    registered = {register_person(http, name)["id"] for name in names}

    def found(q: str) -> set[str]:
        page = http.get("/api/people", params={"q": q})
        assert page.status_code == 200
        return {p["name"] for p in page.json()["items"]}

    assert found("äijälä") == {"Aino Äijälä"}
    assert found("ÄIJÄLÄ") == {"Aino Äijälä"}, "case-insensitive for Finnish letters on both stores"
    assert found("öhman") == {"Sanna Öhman"}
    assert found("ä") == {"Aino Äijälä", "Eeva Kärkkäinen", "Ärjä Äimä"}
    assert found("Meikäläinen") == set()

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = http.get("/api/people", params=params).json()
        seen.extend(p["id"] for p in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    local_user = {p["id"] for p in http.get("/api/people", params={"q": "Local user"}).json()["items"]}
    assert len(seen) == len(set(seen)), "no person twice"
    assert set(seen) == registered | local_user, "no person missed"


def test_erasing_a_person_leaves_the_events_alone(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    owner = register_person(http, "Aino Äijälä", "aino.aijala@heinavesi.fi", organisation_id=heinavesi.id)
    colleague = register_person(http, "Eeva Kärkkäinen")
    initiative = propose(
        http,
        HEINAVESI_TARGETS[1],
        owner_id=owner["id"],
        team=[{"person_id": owner["id"], "role": "vastuuhenkilö"}, {"person_id": colleague["id"]}],
    )
    path = f"/api/initiatives/{initiative['id']}"
    entries_before = history(http, path)
    events_before = all_events(http)
    # Events and history hold ids, never names or e-mail addresses.
    for text in (
        json.dumps(events_before, ensure_ascii=False),
        json.dumps(entries_before, ensure_ascii=False),
    ):
        assert "Äijälä" not in text and "aino.aijala@" not in text
        assert owner["id"] in text

    erased = http.delete(f"/api/people/{owner['id']}")

    assert erased.status_code == 204 and erased.content == b""
    assert http.get(f"/api/people/{owner['id']}").status_code == 404
    assert owner["id"] not in {p["id"] for p in http.get("/api/people").json()["items"]}
    shown = http.get(path).json()
    assert shown["owner"] == {"id": owner["id"], "name": ERASED}
    assert {(m["person"]["id"], m["person"]["name"]) for m in shown["team"]} == {
        (owner["id"], ERASED),
        (colleague["id"], "Eeva Kärkkäinen"),
    }
    listed = http.get("/api/initiatives").json()["items"][0]
    assert listed["owner"]["name"] == ERASED
    assert history(http, path) == entries_before, "history holds ids; names come from the registry"
    assert all_events(http) == events_before, "no event changed"
    assert http.get(path).headers["ETag"] == f'"{initiative["version"]}"'


@pytest.fixture
def proxy_http(store: Settings) -> Iterator[httpx.Client]:
    with proxy_mode_http(store) as client:
        yield client


def test_after_erasure_the_history_shows_an_erased_person(proxy_http: httpx.Client) -> None:
    aino = as_user("aino.aijala")
    created = proxy_http.post("/api/initiatives", json={"title": OULUNKAARI_MODEL}, headers=aino)
    assert created.status_code == 201
    path = created.headers["Location"]
    aino_id = history(proxy_http, path, headers=aino)[0]["actor"]["id"]
    claimed = proxy_http.patch(path, json={"owner_id": aino_id}, headers=aino)
    assert claimed.status_code == 200
    noted = proxy_http.post(f"{path}/notes", json={"text": "Kädenjälkitunnukset jaettu"}, headers=aino)
    assert noted.json()["notes"][0]["author"] == {"id": aino_id, "name": "aino.aijala"}
    assert {e["actor"]["name"] for e in history(proxy_http, path, headers=aino)} == {"aino.aijala"}
    events_before = all_events(proxy_http, headers=aino)

    admin = as_user("kehittamistiimi.admin")
    assert proxy_http.delete(f"/api/people/{aino_id}", headers=admin).status_code == 204

    entries = history(proxy_http, path, headers=admin)
    assert {e["actor"]["id"] for e in entries} == {aino_id}
    assert {e["actor"]["name"] for e in entries} == {ERASED}
    shown = proxy_http.get(path, headers=admin).json()
    assert shown["owner"] == {"id": aino_id, "name": ERASED}
    assert shown["notes"][0]["author"] == {"id": aino_id, "name": ERASED}
    activity = proxy_http.get("/api/activity", headers=admin).json()["items"]
    assert {a["actor"]["name"] for a in activity} == {ERASED}
    assert all_events(proxy_http, headers=admin) == events_before, "no event changed"

    # Signing in again makes a new person: the erased one stays erased.
    proxy_http.post(f"{path}/notes", json={"text": "Palasin"}, headers=aino)
    last = history(proxy_http, path, headers=admin)[-1]
    assert last["actor"]["id"] != aino_id and last["actor"]["name"] == "aino.aijala"
    assert history(proxy_http, path, headers=admin)[0]["actor"]["name"] == ERASED
