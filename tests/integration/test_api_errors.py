"""Every error status of the API contract, over real HTTP on both stores.

Each refused request must answer problem+json with a sentence a person can act
on, and must leave no trace: the event log, the record, its history (and for
the people registry, the people list) are exactly as before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    OULUNKAARI,
    Org,
    assert_problem,
    initiative_paths,
    move,
    nothing_recorded,
    propose,
    register_heinavesi,
    register_organisation,
    register_person,
)

UNKNOWN = "0b6f6a4e-5d1c-4c1e-9c33-7d2a0f4f0e11"


@dataclass
class World:
    heinavesi: Org
    initiative: dict[str, Any]
    person: dict[str, Any]

    @property
    def path(self) -> str:
        return f"/api/initiatives/{self.initiative['id']}"

    @property
    def watched(self) -> tuple[str, ...]:
        """Everything a refused request must leave as it was."""
        return (
            *initiative_paths(self.initiative["id"]),
            f"/api/organisations/{self.heinavesi.id}",
            f"/api/organisations/{self.heinavesi.id}/history",
            f"/api/people/{self.person['id']}",
            "/api/people?limit=500",
            "/api/initiatives?limit=500",
        )


@pytest.fixture
def world(http: httpx.Client) -> World:
    heinavesi = register_heinavesi(http)
    person = register_person(http, "Aino Äijälä", "aino.aijala@heinavesi.fi")
    initiative = propose(
        http,
        HEINAVESI_TARGETS[0],
        organisation_id=heinavesi.id,
        unit_id=heinavesi.units["Kotihoito"],
        team=[{"person_id": person["id"], "role": "sairaanhoitaja"}],
    )
    return World(heinavesi, initiative, person)


# ---- 400 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", ['{"title": "Perustehtävän kirkastaminen",'.encode(), b"{title: 'x'}", b"nul"]
)
def test_malformed_json_is_400(http: httpx.Client, world: World, content: bytes) -> None:
    json_type = {"Content-Type": "application/json"}
    with nothing_recorded(http, *world.watched):
        for method, path in [
            ("POST", "/api/initiatives"),
            ("PATCH", world.path),
            ("POST", f"{world.path}/plan"),
            ("POST", f"{world.path}/notes"),
            ("POST", "/api/organisations"),
            ("POST", "/api/people"),
        ]:
            response = http.request(method, path, content=content, headers=json_type)
            body = assert_problem(response, 400, slug="malformed-json")
            assert "JSON" in body["detail"], (method, path)


def test_a_body_that_is_a_json_array_is_400(http: httpx.Client, world: World) -> None:
    with nothing_recorded(http, *world.watched):
        for method, path in [
            ("POST", "/api/initiatives"),
            ("PATCH", world.path),
            ("POST", f"{world.path}/plan"),
            ("POST", f"{world.path}/goals"),
            ("POST", f"/api/organisations/{world.heinavesi.id}/units"),
            ("POST", "/api/people"),
        ]:
            response = http.request(method, path, json=[{"title": HEINAVESI_TARGETS[0]}])
            assert_problem(response, 400, slug="malformed-json")


@pytest.mark.parametrize("if_match", ['"abc"', "soon", '"1.5"', '"-1"', ""])
def test_a_bad_if_match_header_is_400(http: httpx.Client, world: World, if_match: str) -> None:
    with nothing_recorded(http, *world.watched):
        patched = http.patch(world.path, json={"title": "Uusi nimi"}, headers={"If-Match": if_match})
        body = assert_problem(patched, 400, slug="bad-request")
        assert "If-Match" in body["detail"]
        moved = http.post(f"{world.path}/plan", headers={"If-Match": if_match})
        assert_problem(moved, 400, slug="bad-request")
        person = http.patch(
            f"/api/people/{world.person['id']}", json={"name": "Aino"}, headers={"If-Match": if_match}
        )
        assert_problem(person, 400, slug="bad-request")


# The last two: a position larger than any the database can compare, and Arabic-Indic digits.
@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "eDE", "%%%", "cDEyYQ", "cDk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "cNmh2aI"]
)
def test_a_cursor_this_server_did_not_give_is_400(http: httpx.Client, world: World, cursor: str) -> None:
    response = http.get("/api/initiatives", params={"cursor": cursor})
    body = assert_problem(response, 400, slug="bad-request")
    assert "cursor" in body["detail"]


def test_as_of_without_an_offset_is_400(http: httpx.Client, world: World) -> None:
    for path in [
        world.path,
        "/api/initiatives",
        f"{world.path}/history",
        "/api/organisations",
        f"/api/organisations/{world.heinavesi.id}",
        "/api/activity",
    ]:
        response = http.get(path, params={"as_of": "2019-04-11T09:00:00"})
        body = assert_problem(response, 400, slug="bad-request")
        assert "time zone offset" in body["detail"], path


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+03:00", "9999-12-31T23:59:59-03:00"])
def test_as_of_beyond_the_calendar_is_400_not_500(http: httpx.Client, world: World, moment: str) -> None:
    for path in [world.path, "/api/initiatives", f"{world.path}/history", "/api/organisations"]:
        assert_problem(http.get(path, params={"as_of": moment}), 400, slug="bad-request")


def test_a_bad_idempotency_key_is_400(http: httpx.Client, world: World) -> None:
    with nothing_recorded(http, *world.watched):
        for key in ["", "k" * 201]:
            created = http.post(
                "/api/initiatives", json={"title": "Työkierto"}, headers={"Idempotency-Key": key}
            )
            body = assert_problem(created, 400, slug="bad-request")
            assert "Idempotency-Key" in body["detail"]


# ---- 404 ---------------------------------------------------------------------------


def test_unknown_ids_are_404_on_every_collection(http: httpx.Client, world: World) -> None:
    initiative = f"/api/initiatives/{UNKNOWN}"
    organisation = f"/api/organisations/{UNKNOWN}"
    unit = world.heinavesi.units["Kotihoito"]
    requests: list[tuple[str, str, Any]] = [
        ("GET", initiative, None),
        ("GET", f"{initiative}/history", None),
        ("PATCH", initiative, {"title": "Uusi"}),
        *[("POST", f"{initiative}/{verb}", None) for verb in ("plan", "start", "pause", "resume")],
        *[("POST", f"{initiative}/{verb}", None) for verb in ("evaluate", "complete", "spread")],
        ("POST", f"{initiative}/discontinue", {"reason": "Ei rahoitusta", "lessons": "Aloita pienestä"}),
        ("POST", f"{initiative}/goals", {"text": "Opas valmiiksi"}),
        ("POST", f"{initiative}/notes", {"text": "Muistiinpano"}),
        ("POST", f"{initiative}/team", {"person_id": world.person["id"]}),
        ("DELETE", f"{initiative}/team/{world.person['id']}", None),
        ("GET", organisation, None),
        ("GET", f"{organisation}/history", None),
        ("POST", f"{organisation}/units", {"name": "Kotihoito"}),
        ("POST", f"{organisation}/units/{unit}/rename", {"name": "Kotihoito"}),
        ("GET", f"/api/people/{UNKNOWN}", None),
        ("PATCH", f"/api/people/{UNKNOWN}", {"name": "Aino"}),
        ("DELETE", f"/api/people/{UNKNOWN}", None),
        # An id of one kind of record is unknown in another collection.
        ("GET", f"/api/organisations/{world.initiative['id']}", None),
        ("GET", f"/api/organisations/{world.initiative['id']}/history", None),
        ("GET", f"/api/initiatives/{world.heinavesi.id}", None),
        ("GET", f"/api/initiatives/{world.heinavesi.id}/history", None),
        ("POST", f"/api/initiatives/{world.heinavesi.id}/plan", None),
        ("GET", f"/api/people/{world.initiative['id']}", None),
        # Unknown items inside a known record.
        ("PUT", f"{world.path}/goals/{UNKNOWN}", {"text": "Uusi muotoilu"}),
        ("DELETE", f"{world.path}/goals/{UNKNOWN}", None),
    ]
    cross_ids = (world.initiative["id"], world.heinavesi.id)
    with nothing_recorded(http, *world.watched):
        for method, path, body in requests:
            response = http.request(method, path, json=body)
            problem = assert_problem(response, 404, slug="not-found")
            missing = [part for part in path.split("/") if part in (UNKNOWN, *cross_ids)][-1]
            assert missing in problem["detail"], "the detail names the id that was not found"


def test_unknown_routes_are_404_problems(http: httpx.Client, world: World) -> None:
    with nothing_recorded(http, *world.watched):
        for method, path in [
            ("GET", "/api/nothing-here"),
            ("GET", "/api/initiatives/x/y/z"),
            ("POST", f"{world.path}/celebrate"),
        ]:
            body = assert_problem(http.request(method, path), 404)
            assert "/docs" in body["detail"]
        assert_problem(http.delete("/api/initiatives"), 405)
        # Outside /api, a person is reading: the same 404 is an HTML page.
        page = http.get("/favicon.ico")
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]


# ---- 409 ---------------------------------------------------------------------------


def test_an_illegal_move_is_409_with_the_allowed_moves(http: httpx.Client, world: World) -> None:
    with nothing_recorded(http, *world.watched):
        refused = http.post(f"{world.path}/complete")
        body = assert_problem(refused, 409, slug="illegal-move")
        assert body["allowed_moves"] == ["plan", "discontinue"]
        assert body["detail"] == (
            "Cannot complete this initiative: it is proposed. Allowed moves from proposed: plan, discontinue."
        )
        assert_problem(http.post(f"{world.path}/resume"), 409, slug="illegal-move")


def test_no_move_out_of_a_final_status(http: httpx.Client, world: World) -> None:
    done = propose(http, "Kehittäminen kuuluu kaikille")
    for verb in ("plan", "start", "evaluate", "complete", "spread"):
        move(http, done["id"], verb)
    with nothing_recorded(http, *initiative_paths(done["id"])):
        for verb in ("plan", "start", "pause", "resume", "evaluate", "complete", "spread"):
            body = assert_problem(
                http.post(f"/api/initiatives/{done['id']}/{verb}"), 409, slug="illegal-move"
            )
            assert body["allowed_moves"] == []
            assert "final" in body["detail"]
        stopped = http.post(
            f"/api/initiatives/{done['id']}/discontinue",
            json={"reason": "Ei jatkoa", "lessons": "Dokumentoi ajoissa"},
        )
        assert_problem(stopped, 409, slug="illegal-move")
        # A final initiative's fields, goals and team are frozen too.
        edited = http.patch(f"/api/initiatives/{done['id']}", json={"title": "Uusi nimi"})
        assert "final" in assert_problem(edited, 409, slug="rule-broken")["detail"]
        goal = http.post(f"/api/initiatives/{done['id']}/goals", json={"text": "Lisää tavoitteita"})
        assert_problem(goal, 409, slug="rule-broken")


def test_breaking_a_rule_is_409(http: httpx.Client, world: World) -> None:
    org = f"/api/organisations/{world.heinavesi.id}"
    with nothing_recorded(http, *world.watched):
        duplicate_unit = http.post(f"{org}/units", json={"name": "  kotihoito "})
        body = assert_problem(duplicate_unit, 409, slug="rule-broken")
        assert "Kotihoito" in body["detail"] and "Heinäveden kunta" in body["detail"]

        renamed_onto_another = http.post(
            f"{org}/units/{world.heinavesi.units['Kotihoito']}/rename",
            json={"name": "Päivähoito ja varhaiskasvatus"},
        )
        assert_problem(renamed_onto_another, 409, slug="rule-broken")

        twice_in_team = http.post(f"{world.path}/team", json={"person_id": world.person["id"], "role": "x"})
        assert "already in the team" in assert_problem(twice_in_team, 409, slug="rule-broken")["detail"]

        not_in_team = http.delete(f"{world.path}/team/{UNKNOWN}")
        assert "not in the team" in assert_problem(not_in_team, 409, slug="rule-broken")["detail"]


# ---- 412 ---------------------------------------------------------------------------


def test_a_stale_if_match_is_412_with_the_current_version(http: httpx.Client, world: World) -> None:
    current = world.initiative["version"]
    with nothing_recorded(http, *world.watched):
        for stale in (current - 1, current + 1, 1):
            patched = http.patch(world.path, json={"title": "Uusi nimi"}, headers={"If-Match": f'"{stale}"'})
            body = assert_problem(patched, 412, slug="stale-version")
            assert body["current_version"] == current
            assert f"version {stale}" in body["detail"] and f"version {current}" in body["detail"]

        moved = http.post(f"{world.path}/plan", headers={"If-Match": f'W/"{current - 1}"'})
        assert assert_problem(moved, 412, slug="stale-version")["current_version"] == current

        note = http.post(f"{world.path}/notes", json={"text": "Huomio"}, headers={"If-Match": '"1"'})
        assert_problem(note, 412, slug="stale-version")

        person = http.patch(
            f"/api/people/{world.person['id']}", json={"name": "Aino Ä."}, headers={"If-Match": '"7"'}
        )
        assert assert_problem(person, 412, slug="stale-version")["current_version"] == 1

        erased = http.delete(f"/api/people/{world.person['id']}", headers={"If-Match": '"2"'})
        assert assert_problem(erased, 412, slug="stale-version")["current_version"] == 1


def test_a_current_if_match_is_accepted(http: httpx.Client, world: World) -> None:
    current = world.initiative["version"]
    moved = http.post(f"{world.path}/plan", headers={"If-Match": f'"{current}"'})
    assert moved.status_code == 200
    assert moved.headers["ETag"] == f'"{current + 1}"'
    erased = http.delete(f"/api/people/{world.person['id']}", headers={"If-Match": '"1"'})
    assert erased.status_code == 204
    assert http.get(f"/api/people/{world.person['id']}").status_code == 404


# ---- 422 ---------------------------------------------------------------------------


def test_invalid_initiative_fields_are_422(http: httpx.Client, world: World) -> None:
    other = register_organisation(http, OULUNKAARI, "joint_authority", ("Kehittämistiimi",))
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": None}, "title"),
        ({"title": 42}, "title"),
        ({"title": "Työkierto", "priority": "high"}, "priority"),
        ({"title": "Työkierto", "organisation_id": "heinävesi"}, "organisation_id"),
        ({"title": "Työkierto", "owner_id": UNKNOWN}, "owner_id"),
        ({"title": "Työkierto", "organisation_id": UNKNOWN}, "organisation_id"),
        (
            {
                "title": "Työkierto",
                "organisation_id": world.heinavesi.id,
                "unit_id": other.units["Kehittämistiimi"],
            },
            "unit_id",
        ),
        ({"title": "Työkierto", "unit_id": world.heinavesi.units["Kotihoito"]}, "unit_id"),
        ({"title": "Työkierto", "themes": ["x" * 61]}, "themes"),
        ({"title": "Työkierto", "themes": [f"teema {n}" for n in range(21)]}, "themes"),
        ({"title": "Työkierto", "team": [{"person_id": UNKNOWN}]}, "team"),
        ({"title": "Työkierto", "occurred_on": "2999-01-01"}, "occurred_on"),
        ({"title": "Työkierto", "occurred_on": "11.4.2019"}, "occurred_on"),
    ]
    with nothing_recorded(http, *world.watched):
        for body, field in cases:
            response = http.post("/api/initiatives", json=body)
            assert_problem(response, 422, field=field)


def test_invalid_edits_and_moves_are_422(http: httpx.Client, world: World) -> None:
    other = register_organisation(http, OULUNKAARI, "joint_authority", ("Kehittämistiimi",))
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("PATCH", world.path, {"title": ""}, "title"),
        ("PATCH", world.path, {"title": "y" * 201}, "title"),
        ("PATCH", world.path, {"status": "completed"}, "status"),
        ("PATCH", world.path, {"owner_id": "aino"}, "owner_id"),
        ("PATCH", world.path, {"owner_id": UNKNOWN}, "owner_id"),
        ("PATCH", world.path, {"unit_id": other.units["Kehittämistiimi"]}, "unit_id"),
        ("PATCH", world.path, {"organisation_id": None}, "unit_id"),
        ("POST", f"{world.path}/discontinue", {}, "reason"),
        ("POST", f"{world.path}/discontinue", {"reason": "  ", "lessons": "Opittiin"}, "reason"),
        ("POST", f"{world.path}/discontinue", {"reason": "Ei rahoitusta"}, "lessons"),
        ("POST", f"{world.path}/plan", {"occurred_on": "2999-12-31"}, "occurred_on"),
        ("POST", f"{world.path}/plan", {"why": "koska"}, "why"),
        ("POST", f"{world.path}/goals", {"text": " "}, "text"),
        ("POST", f"{world.path}/notes", {"text": ""}, "text"),
        ("POST", f"{world.path}/team", {"person_id": UNKNOWN}, "person_id"),
        ("POST", f"{world.path}/team", {"person_id": "not-a-uuid"}, "person_id"),
        ("GET", "/api/initiatives/not-a-uuid", {}, "initiative_id"),
        ("POST", "/api/initiatives/not-a-uuid/plan", {}, "initiative_id"),
        ("POST", "/api/organisations", {"name": "Vihti", "kind": "village"}, "kind"),
        ("POST", "/api/organisations", {"name": " ", "kind": "municipality"}, "name"),
        ("POST", f"/api/organisations/{world.heinavesi.id}/units", {"name": ""}, "name"),
    ]
    with nothing_recorded(http, *world.watched):
        for method, path, body, field in cases:
            response = http.request(method, path, json=body or None)
            assert_problem(response, 422, field=field)


def test_invalid_people_fields_are_422(http: httpx.Client, world: World) -> None:
    other = register_organisation(http, OULUNKAARI, "joint_authority", ("Kehittämistiimi",))
    person = f"/api/people/{world.person['id']}"
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", "/api/people", {"name": "Aino", "email": "aino.heinavesi.fi"}, "email"),
        ("POST", "/api/people", {"name": "Aino", "email": "aino@heinavesi"}, "email"),
        ("POST", "/api/people", {"name": "Aino", "email": "a" * 250 + "@heinavesi.fi"}, "email"),
        ("POST", "/api/people", {"name": "  "}, "name"),
        ("POST", "/api/people", {"email": "aino@heinavesi.fi"}, "name"),
        ("POST", "/api/people", {"name": "Aino", "login": "aino"}, "login"),
        ("POST", "/api/people", {"name": "Aino", "organisation_id": UNKNOWN}, "organisation_id"),
        (
            "POST",
            "/api/people",
            {
                "name": "Aino",
                "organisation_id": world.heinavesi.id,
                "unit_id": other.units["Kehittämistiimi"],
            },
            "unit_id",
        ),
        ("POST", "/api/people", {"name": "Aino", "unit_id": world.heinavesi.units["Kotihoito"]}, "unit_id"),
        ("PATCH", person, {"email": "not an address"}, "email"),
        ("PATCH", person, {"name": ""}, "name"),
        ("PATCH", person, {"version": 3}, "version"),
    ]
    with nothing_recorded(http, *world.watched):
        for method, path, body, field in cases:
            assert_problem(http.request(method, path, json=body), 422, field=field)


# ---- never 500 ---------------------------------------------------------------------


def test_no_user_mistake_gives_500(http: httpx.Client, world: World) -> None:
    """A grab bag of odd requests: each gets a 4xx problem, none a 500, and nothing is recorded."""
    p = world.path
    odd: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/initiatives", {"json": {"title": {"fi": "Työkierto"}}}),
        ("POST", "/api/initiatives", {"json": {"title": "Työkierto", "themes": "Lean"}}),
        ("POST", "/api/initiatives", {"json": {"title": "Työkierto", "themes": [1, 2]}}),
        ("POST", "/api/initiatives", {"json": {"title": "Työkierto", "goals": [""]}}),
        ("POST", "/api/initiatives", {"json": {"title": "Työkierto", "team": ["aino"]}}),
        ("POST", "/api/initiatives", {"json": {"title": "Työkierto", "occurred_on": "0000-01-01"}}),
        # PostgreSQL cannot store NUL in text: once recorded, such an event would stop the
        # read models for good, so it must be refused before anything is saved.
        ("POST", "/api/initiatives", {"json": {"title": "\u0000"}}),
        ("POST", "/api/initiatives", {"json": {"title": "Työkierto", "themes": ["Le\u0000an"]}}),
        ("POST", f"{p}/notes", {"json": {"text": "Muistio\u0000"}}),
        ("POST", "/api/people", {"json": {"name": "Aino\u0000"}}),
        ("POST", "/api/people", {"json": {"name": "Aino", "email": "aino\u0000@heinavesi.fi"}}),
        ("POST", "/api/organisations", {"json": {"name": "Vihti\u0000", "kind": "municipality"}}),
        ("GET", "/api/initiatives", {"params": {"q": "työ\u0000"}}),
        ("GET", "/api/initiatives", {"params": {"theme": "lean\u0000"}}),
        ("GET", "/api/people", {"params": {"q": "Aino\u0000"}}),
        ("GET", "/api/people", {"params": {"cursor": "\u0000"}}),
        ("POST", "/api/initiatives", {"json": "Työkierto"}),
        ("POST", "/api/initiatives", {"json": None}),
        (
            "POST",
            "/api/initiatives",
            {"content": b"\xff\xfe", "headers": {"Content-Type": "application/json"}},
        ),
        (
            "POST",
            "/api/initiatives",
            {"content": b'{"title": "x"}', "headers": {"Content-Type": "text/plain"}},
        ),
        ("PATCH", p, {"json": {"themes": None, "title": "   "}}),
        ("PATCH", p, {"json": {"summary": "s" * 5001}}),
        ("PATCH", p, {"headers": {"If-Match": '"99999999999999999999999999"'}, "json": {"title": "x"}}),
        ("POST", f"{p}/pause", {"json": {"reason": "r" * 5001}}),
        ("POST", f"{p}/notes", {"json": {"text": "n" * 10001}}),
        ("POST", f"{p}/notes", {"json": {"text": "x", "occurred_on": "2019-02-30"}}),
        ("PUT", f"{p}/goals/not-a-uuid", {"json": {"text": "x"}}),
        ("DELETE", f"{p}/team/not-a-uuid", {}),
        ("POST", f"{p}/team", {"json": {"person_id": world.person["id"], "role": "r" * 101}}),
        ("GET", "/api/initiatives", {"params": {"limit": 0}}),
        ("GET", "/api/initiatives", {"params": {"limit": 100000}}),
        ("GET", "/api/initiatives", {"params": {"limit": "many"}}),
        ("GET", "/api/initiatives", {"params": {"status": "done"}}),
        ("GET", "/api/initiatives", {"params": {"owner_id": "aino"}}),
        ("GET", "/api/initiatives", {"params": {"theme": "t" * 61}}),
        ("GET", "/api/initiatives", {"params": {"q": "q" * 201}}),
        ("GET", "/api/initiatives", {"params": {"as_of": "eilen"}}),
        ("GET", "/api/initiatives", {"params": {"as_of": "2019-13-45T25:61:00+03:00"}}),
        ("GET", "/api/events", {"params": {"after": -1}}),
        ("GET", "/api/events", {"params": {"after": "first"}}),
        ("GET", "/api/events", {"params": {"after": 10**30}}),
        ("GET", "/api/events", {"params": {"after": 2**63}}),
        ("GET", "/api/activity", {"params": {"before": 0}}),
        ("GET", "/api/activity", {"params": {"before": 10**30}}),
        ("GET", "/api/activity", {"params": {"record_type": "person"}}),
        ("GET", "/api/people", {"params": {"limit": 501}}),
        ("DELETE", "/api/people/not-a-uuid", {}),
        ("POST", "/api/organisations", {"json": {"name": "n" * 201, "kind": "municipality"}}),
    ]
    with nothing_recorded(http, *world.watched):
        for method, path, options in odd:
            response = http.request(method, path, **options)
            assert 400 <= response.status_code < 500, (method, path, options, response.text)
            assert response.headers["content-type"].startswith("application/problem+json"), (method, path)
            assert_problem(response, response.status_code)


def test_every_error_response_carries_a_request_id(http: httpx.Client, world: World) -> None:
    mine = uuid.uuid4().hex
    response = http.post(f"{world.path}/complete", headers={"X-Request-ID": mine})
    assert response.status_code == 409
    assert response.headers["X-Request-ID"] == mine
    generated = http.get(f"/api/initiatives/{UNKNOWN}")
    assert len(generated.headers["X-Request-ID"]) >= 16
