"""/api/rotations on both stores: every command and every refusal, the reads (list,
one, history, as of), the rotation calendar, reflections per initiative, a person's
rotation history, the overlap rule under concurrent requests, and rebuild.

The case is Heinävesi's "tavoitteellinen työkierto" (seed 000): goal-oriented job
rotation between the basic-services units, with a guide ("Opas työnkiertoon").
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.application import Kipina
from domain.rotation import RotationSchedule
from projections.rebuild import rebuild
from services.bootstrap import Services
from tests.conftest import LiveServer
from tests.e2e.helpers import assert_same_tables, read_model_snapshot
from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    Org,
    all_events,
    assert_problem,
    history,
    nothing_recorded,
    propose,
    register_heinavesi,
    register_organisation,
    register_person,
)

KOTIHOITO, VUODEOSASTO, PAIVAHOITO = (
    "Kotihoito",
    "Terveyskeskuksen vuodeosasto",
    "Päivähoito ja varhaiskasvatus",
)
GOALS = ["Vuodeosaston kotiutuskäytännöt tutuiksi", "Kokemukset talteen Opas työnkiertoon -luonnokseen"]


@dataclass
class Case:
    org: Org
    person: str  # the nurse going on rotation
    mentor: str  # at the host unit
    initiative: str  # "Tavoitteellinen työkierto"


@pytest.fixture
def case(client: TestClient) -> Case:
    return make_case(client)


def make_case(http: httpx.Client) -> Case:
    org = register_heinavesi(http)
    person = register_person(http, "Maija Meikäläinen", organisation_id=org.id, unit_id=org.units[KOTIHOITO])
    mentor = register_person(http, "Jyrki Hämäläinen", organisation_id=org.id, unit_id=org.units[VUODEOSASTO])
    initiative = propose(http, HEINAVESI_TARGETS[1], summary="Opas työnkiertoon tekeillä jo nyt")
    return Case(org, person["id"], mentor["id"], initiative["id"])


def placement(case: Case, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person_id": case.person,
        "home_organisation_id": case.org.id,
        "home_unit_id": case.org.units[KOTIHOITO],
        "host_organisation_id": case.org.id,
        "host_unit_id": case.org.units[VUODEOSASTO],
        "starts_on": "2012-03-05",
        "ends_on": "2012-03-30",
        "learning_goals": GOALS,
        "mentor_id": case.mentor,
        "initiative_id": case.initiative,
    }
    body.update(overrides)
    return body


def created(http: httpx.Client, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = http.post("/api/rotations", json=body, **kwargs)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def step(
    http: httpx.Client, rotation_id: str, verb: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = http.post(f"/api/rotations/{rotation_id}/{verb}", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


COMPLETION = {
    "learned": "Kotiutus alkaa jo tulopäivänä; moniammatillinen kotiutuspalaveri.",
    "bring_home": "Kotiutuksen tarkistuslista kotihoidon käyttöön.",
    "host_feedback": "Toi kotihoidon näkökulman osaston palavereihin.",
}


def started(http: httpx.Client, case: Case, **overrides: Any) -> dict[str, Any]:
    rotation = created(http, placement(case, **overrides))
    step(http, rotation["id"], "approve")
    return step(http, rotation["id"], "start")


def paths(rotation_id: str) -> tuple[str, str]:
    return f"/api/rotations/{rotation_id}", f"/api/rotations/{rotation_id}/history"


# ---- propose ---------------------------------------------------------------------------


def test_propose_returns_201_with_location_etag_and_the_placement(client: TestClient, case: Case) -> None:
    response = client.post("/api/rotations", json=placement(case))
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/rotations/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert body["status"] == "proposed" and body["version"] == 1
    assert body["allowed_moves"] == ["approve", "reschedule", "cancel"]
    assert body["person"] == {"id": case.person, "name": "Maija Meikäläinen"}
    assert body["mentor"] == {"id": case.mentor, "name": "Jyrki Hämäläinen"}
    assert (body["home_unit"]["name"], body["host_unit"]["name"]) == (KOTIHOITO, VUODEOSASTO)
    assert body["home_organisation"]["name"] == body["host_organisation"]["name"] == "Heinäveden kunta"
    assert (body["starts_on"], body["ends_on"]) == ("2012-03-05", "2012-03-30")
    assert body["learning_goals"] == GOALS
    assert body["initiative"] == {"id": case.initiative, "name": HEINAVESI_TARGETS[1]}
    assert body["target_id"] is None
    assert body["approved_by"] is None and body["reflections"] == []

    read = client.get(response.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert {k: v for k, v in read.json().items() if k != "as_of"} == {
        k: v for k, v in body.items() if k != "as_of"
    }
    (entry,) = history(client, response.headers["Location"])
    assert entry["record_type"] == "rotation" and entry["event_type"] == "Proposed"
    assert entry["record_title"] == f"{KOTIHOITO} → {VUODEOSASTO}", "unit names, never the person's name"
    fields = {c["field"]: c["new"] for c in entry["changes"]}
    assert fields["person_id"] == case.person and fields["status"] == "proposed"
    assert fields["starts_on"] == "2012-03-05" and fields["learning_goals"] == GOALS


def test_a_one_day_placement_starts_and_ends_on_the_same_day(client: TestClient, case: Case) -> None:
    body = created(client, placement(case, starts_on="2012-05-07", ends_on="2012-05-07"))
    assert body["starts_on"] == body["ends_on"] == "2012-05-07"


def test_a_placement_may_be_hosted_by_another_organisation(client: TestClient, case: Case) -> None:
    joroinen = register_organisation(client, "Joroisten kunta", units=("Kotihoito",))
    body = created(
        client,
        placement(
            case, host_organisation_id=joroinen.id, host_unit_id=joroinen.units["Kotihoito"], mentor_id=None
        ),
    )
    assert body["host_organisation"]["name"] == "Joroisten kunta" and body["mentor"] is None


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"host_unit_id": "home"}, "host_unit_id", "another unit"),
        ({"starts_on": "2012-03-05", "ends_on": "2012-03-04"}, "ends_on", "on or after the start"),
        ({"learning_goals": []}, "learning_goals", "at least one"),
        ({"learning_goals": ["  "]}, "learning_goals", "at least one"),
        ({"person_id": "unknown"}, "person_id", "no person"),
        ({"mentor_id": "unknown"}, "mentor_id", "no person"),
        ({"mentor_id": "person"}, "mentor_id", "someone else"),
        ({"initiative_id": "unknown"}, "initiative_id", "no initiative"),
        ({"home_organisation_id": "unknown"}, "home_organisation_id", "no organisation"),
        ({"host_organisation_id": "unknown"}, "host_organisation_id", "no organisation"),
        ({"host_unit_id": "unknown"}, "host_unit_id", "has no unit"),
        ({"home_unit_id": "unknown"}, "home_unit_id", "has no unit"),
        ({"starts_on": None}, "starts_on", ""),
        ({"ends_on": "31.3.2012"}, "ends_on", ""),
        ({"surprise": "field"}, "surprise", ""),
    ],
)
def test_propose_refusals_are_422_and_record_nothing(
    client: TestClient, case: Case, overrides: dict[str, Any], field: str, says: str
) -> None:
    special = {"home": case.org.units[KOTIHOITO], "unknown": str(uuid4()), "person": case.person}
    body = placement(
        case, **{k: special.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    )
    if overrides.get("starts_on", "") is None:
        del body["starts_on"]
    with nothing_recorded(client, "/api/rotations", f"/api/people/{case.person}/rotations"):
        problem = assert_problem(client.post("/api/rotations", json=body), 422, field=field)
    assert says.lower() in problem["detail"].lower()


def test_a_retried_propose_returns_the_first_response_and_records_once(
    client: TestClient, case: Case
) -> None:
    key = {"Idempotency-Key": "heinavesi-tyokierto-maija-2012"}
    first = client.post("/api/rotations", json=placement(case), headers=key)
    events = all_events(client)
    retry = client.post("/api/rotations", json=placement(case), headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry.headers["Location"] == first.headers["Location"]
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert all_events(client) == events
    reused = client.post("/api/rotations", json=placement(case, ends_on="2012-03-31"), headers=key)
    assert_problem(reused, 422, slug="idempotency-key-reused")


# ---- the overlap rule ------------------------------------------------------------------


def test_one_person_never_has_two_overlapping_placements(client: TestClient, case: Case) -> None:
    first = created(client, placement(case))
    other_unit = case.org.units[PAIVAHOITO]
    for starts_on, ends_on in (
        ("2012-03-30", "2012-04-13"),
        ("2012-02-20", "2012-03-05"),
        ("2012-03-10", "2012-03-11"),
    ):
        with nothing_recorded(client, *paths(first["id"]), "/api/rotations"):
            refused = client.post(
                "/api/rotations",
                json=placement(case, host_unit_id=other_unit, starts_on=starts_on, ends_on=ends_on),
            )
            problem = assert_problem(refused, 409, slug="rule-broken")
        assert first["id"] in problem["detail"] and "2012-03-05" in problem["detail"]

    adjacent = created(
        client, placement(case, host_unit_id=other_unit, starts_on="2012-03-31", ends_on="2012-04-13")
    )
    assert adjacent["status"] == "proposed"
    # Someone else may be away at the same time.
    colleague = register_person(client, "Eeva Kärkkäinen")
    created(client, placement(case, person_id=colleague["id"]))


def test_a_cancelled_or_completed_placement_frees_its_period(client: TestClient, case: Case) -> None:
    first = created(client, placement(case))
    step(client, first["id"], "cancel", {"reason": "Sijaista ei saatu."})
    second = started(client, case)
    assert second["status"] == "started"
    step(client, second["id"], "complete", COMPLETION)
    third = created(client, placement(case))
    assert third["status"] == "proposed"


def test_reschedule_moves_the_period_and_the_rules_apply_again(client: TestClient, case: Case) -> None:
    rotation = created(client, placement(case))
    other = created(
        client,
        placement(
            case, host_unit_id=case.org.units[PAIVAHOITO], starts_on="2012-05-07", ends_on="2012-05-18"
        ),
    )
    path = f"/api/rotations/{rotation['id']}"

    with nothing_recorded(client, *paths(rotation["id"])):
        overlap = client.post(f"{path}/reschedule", json={"starts_on": "2012-05-14", "ends_on": "2012-05-25"})
        assert other["id"] in assert_problem(overlap, 409, slug="rule-broken")["detail"]
        backwards = client.post(
            f"{path}/reschedule", json={"starts_on": "2012-04-10", "ends_on": "2012-04-09"}
        )
        assert_problem(backwards, 422, field="ends_on")
        missing = client.post(f"{path}/reschedule", json={"starts_on": "2012-04-10"})
        assert_problem(missing, 422, field="ends_on")

    moved = step(
        client,
        rotation["id"],
        "reschedule",
        {"starts_on": "2012-03-12", "ends_on": "2012-04-06", "reason": "Loma-ajat"},
    )
    assert (moved["starts_on"], moved["ends_on"], moved["status"]) == ("2012-03-12", "2012-04-06", "proposed")
    assert moved["version"] == 2
    last = history(client, path)[-1]
    assert last["event_type"] == "Rescheduled"
    assert {c["field"]: (c["old"], c["new"]) for c in last["changes"]} == {
        "starts_on": ("2012-03-05", "2012-03-12"),
        "ends_on": ("2012-03-30", "2012-04-06"),
        "reschedule_reason": (None, "Loma-ajat"),
    }
    # The old period is free now, the new one is taken.
    created(
        client,
        placement(
            case, host_unit_id=case.org.units[PAIVAHOITO], starts_on="2012-03-05", ends_on="2012-03-09"
        ),
    )
    assert_problem(
        client.post("/api/rotations", json=placement(case, starts_on="2012-04-06", ends_on="2012-04-06")), 409
    )


# ---- the lifecycle ---------------------------------------------------------------------


def test_the_whole_way_approve_start_reflect_complete(client: TestClient, case: Case) -> None:
    rotation = created(client, placement(case))
    rid = rotation["id"]
    approved = step(client, rid, "approve", {"occurred_on": "2012-02-20"})
    assert approved["status"] == "approved"
    assert approved["approved_by"]["name"] == "Local user", "the approver is the actor, recorded"
    assert approved["approved_at"] is not None
    begun = step(client, rid, "start")
    assert begun["status"] == "started" and begun["started_at"] is not None
    reflected = step(
        client,
        rid,
        "reflections",
        {"text": "Osastolla kotiutus alkaa jo tulopäivänä.", "occurred_on": "2012-03-09"},
    )
    assert reflected["reflections_count"] == 1
    assert reflected["reflections"][0]["text"] == "Osastolla kotiutus alkaa jo tulopäivänä."
    assert reflected["reflections"][0]["occurred_on"] == "2012-03-09"
    done = step(client, rid, "complete", COMPLETION)
    assert done["status"] == "completed" and done["allowed_moves"] == []
    assert (done["learned"], done["bring_home"], done["host_feedback"]) == tuple(COMPLETION.values())

    entries = history(client, f"/api/rotations/{rid}")
    assert [e["event_type"] for e in entries] == [
        "Proposed",
        "Approved",
        "Started",
        "ReflectionRecorded",
        "Completed",
    ]
    assert entries[1]["occurred_on"] == "2012-02-20"
    assert [e["version"] for e in entries] == [1, 2, 3, 4, 5]

    by_initiative = client.get("/api/rotations/reflections", params={"initiative_id": case.initiative})
    assert by_initiative.status_code == 200
    (reflection,) = by_initiative.json()
    assert reflection["rotation_id"] == rid and reflection["person"]["name"] == "Maija Meikäläinen"
    assert reflection["host_unit"]["name"] == VUODEOSASTO
    assert client.get("/api/rotations/reflections", params={"initiative_id": str(uuid4())}).json() == []


@pytest.mark.parametrize(
    ("status", "verb", "body"),
    [
        ("proposed", "start", None),
        ("proposed", "complete", COMPLETION),
        ("approved", "approve", None),
        ("approved", "complete", COMPLETION),
        ("started", "approve", None),
        ("started", "start", None),
        ("completed", "cancel", {"reason": "Myöhästynyt peruutus"}),
        ("completed", "reschedule", {"starts_on": "2012-06-04", "ends_on": "2012-06-08"}),
        ("cancelled", "approve", None),
        ("cancelled", "cancel", {"reason": "Uudelleen"}),
    ],
)
def test_a_step_not_allowed_now_is_409_with_the_allowed_moves(
    client: TestClient, case: Case, status: str, verb: str, body: dict[str, Any] | None
) -> None:
    rotation = created(client, placement(case))
    rid = rotation["id"]
    for move, move_body in {
        "approved": [("approve", None)],
        "started": [("approve", None), ("start", None)],
        "completed": [("approve", None), ("start", None), ("complete", COMPLETION)],
        "cancelled": [("cancel", {"reason": "Sijaista ei saatu."})],
    }.get(status, []):
        step(client, rid, move, move_body)
    current = client.get(f"/api/rotations/{rid}").json()
    with nothing_recorded(client, *paths(rid)):
        problem = assert_problem(
            client.post(f"/api/rotations/{rid}/{verb}", json=body), 409, slug="illegal-move"
        )
    assert problem["allowed_moves"] == current["allowed_moves"]
    assert f"Cannot {verb} this placement" in problem["detail"]


def test_refusals_of_the_steps_record_nothing(client: TestClient, case: Case) -> None:
    no_mentor = created(client, placement(case, mentor_id=None))
    rid = no_mentor["id"]
    with nothing_recorded(client, *paths(rid)):
        reflection = client.post(f"/api/rotations/{rid}/reflections", json={"text": "Liian aikaisin"})
        assert "going on" in assert_problem(reflection, 409, slug="rule-broken")["detail"]
    step(client, rid, "approve")
    with nothing_recorded(client, *paths(rid)):
        assert "mentor" in assert_problem(client.post(f"/api/rotations/{rid}/start"), 409)["detail"]
        future = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
        assert_problem(client.post(f"/api/rotations/{rid}/cancel", json={"reason": " "}), 422, field="reason")
        assert_problem(client.post(f"/api/rotations/{rid}/cancel", json={}), 422, field="reason")

    rotation = started(client, case, starts_on="2012-09-03", ends_on="2012-09-28")
    rid = rotation["id"]
    with nothing_recorded(client, *paths(rid)):
        assert_problem(
            client.post(f"/api/rotations/{rid}/reflections", json={"text": " "}), 422, field="text"
        )
        assert_problem(
            client.post(
                f"/api/rotations/{rid}/reflections", json={"text": "Huomenna", "occurred_on": future}
            ),
            422,
            field="occurred_on",
        )
        for missing in COMPLETION:
            incomplete = {k: v for k, v in COMPLETION.items() if k != missing}
            assert_problem(client.post(f"/api/rotations/{rid}/complete", json=incomplete), 422, field=missing)
        assert_problem(client.post(f"/api/rotations/{rid}/start", json={"occurred_on": future}), 409)


def test_unknown_ids_are_404_for_every_command_and_read(client: TestClient, case: Case) -> None:
    unknown = str(uuid4())
    with nothing_recorded(client, "/api/rotations"):
        for verb, body in (
            ("approve", None),
            ("start", None),
            ("reschedule", {"starts_on": "2012-03-05", "ends_on": "2012-03-09"}),
            ("reflections", {"text": "Ajatus"}),
            ("complete", COMPLETION),
            ("cancel", {"reason": "Syy"}),
        ):
            problem = assert_problem(client.post(f"/api/rotations/{unknown}/{verb}", json=body), 404)
            assert unknown in problem["detail"]
        assert_problem(client.patch(f"/api/rotations/{unknown}", json={"learning_goals": ["X"]}), 404)
    assert_problem(client.get(f"/api/rotations/{unknown}"), 404)
    assert_problem(client.get(f"/api/rotations/{unknown}/history"), 404)
    # An initiative's id is not a placement's.
    assert_problem(client.get(f"/api/rotations/{case.initiative}"), 404)
    assert_problem(client.get(f"/api/rotations/{case.initiative}/history"), 404)
    assert_problem(client.get("/api/rotations/not-a-uuid"), 422)


# ---- edit ------------------------------------------------------------------------------


def test_edit_goals_mentor_and_initiative_while_proposed_or_approved(client: TestClient, case: Case) -> None:
    rotation = created(client, placement(case, initiative_id=None, mentor_id=None))
    path = f"/api/rotations/{rotation['id']}"
    new_mentor = register_person(client, "Osastonhoitaja (vuodeosasto)")["id"]

    edited = client.patch(
        path,
        json={
            "learning_goals": ["Lääkehoidon käytännöt"],
            "mentor_id": new_mentor,
            "initiative_id": case.initiative,
        },
        headers={"If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    body = edited.json()
    assert body["learning_goals"] == ["Lääkehoidon käytännöt"]
    assert body["mentor"]["id"] == new_mentor and body["initiative"]["id"] == case.initiative
    last = history(client, path)[-1]
    assert last["event_type"] == "Edited"
    assert {c["field"] for c in last["changes"]} == {"learning_goals", "mentor_id", "initiative_id"}

    with nothing_recorded(client, *paths(rotation["id"])):
        stale = client.patch(path, json={"learning_goals": ["Vanha"]}, headers={"If-Match": '"1"'})
        assert assert_problem(stale, 412)["current_version"] == 2
        assert_problem(client.patch(path, json={"mentor_id": case.person}), 422, field="mentor_id")
        assert_problem(client.patch(path, json={"mentor_id": str(uuid4())}), 422, field="mentor_id")
        assert_problem(client.patch(path, json={"initiative_id": str(uuid4())}), 422, field="initiative_id")
        assert_problem(client.patch(path, json={"learning_goals": []}), 422, field="learning_goals")
        assert_problem(client.patch(path, json={"person_id": case.mentor}), 422, field="person_id")
        same = client.patch(path, json={"learning_goals": ["Lääkehoidon käytännöt"]})
        assert same.status_code == 200 and same.json()["version"] == 2, "no change, no event"

    step(client, rotation["id"], "approve")
    assert client.patch(path, json={"initiative_id": None}).json()["initiative"] is None
    step(client, rotation["id"], "start")
    with nothing_recorded(client, *paths(rotation["id"])):
        closed = client.patch(path, json={"learning_goals": ["Myöhässä"]})
        assert "Cannot edit this placement" in assert_problem(closed, 409, slug="rule-broken")["detail"]


# ---- reads -----------------------------------------------------------------------------


def test_list_filters_and_pages(client: TestClient, case: Case) -> None:
    first = created(client, placement(case))
    colleague = register_person(client, "Eeva Kärkkäinen")["id"]
    second = created(
        client,
        placement(
            case,
            person_id=colleague,
            home_unit_id=case.org.units[PAIVAHOITO],
            host_unit_id=case.org.units[KOTIHOITO],
            initiative_id=None,
        ),
    )
    step(client, second["id"], "approve")

    def ids(**params: Any) -> list[str]:
        found = client.get("/api/rotations", params=params)
        assert found.status_code == 200, found.text
        return [i["id"] for i in found.json()["items"]]

    assert ids() == [second["id"], first["id"]], "newest first"
    assert ids(person_id=case.person) == [first["id"]]
    assert ids(unit_id=case.org.units[KOTIHOITO]) == [second["id"], first["id"]], "home or host"
    assert ids(unit_id=case.org.units[VUODEOSASTO]) == [first["id"]]
    assert ids(status="approved") == [second["id"]]
    assert ids(initiative_id=case.initiative) == [first["id"]]
    page = client.get("/api/rotations", params={"limit": 1}).json()
    assert [i["id"] for i in page["items"]] == [second["id"]] and page["next_cursor"]
    rest = client.get("/api/rotations", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [i["id"] for i in rest["items"]] == [first["id"]] and rest["next_cursor"] is None
    assert_problem(client.get("/api/rotations", params={"cursor": "bogus"}), 400)
    assert_problem(client.get("/api/rotations", params={"status": "away"}), 422, field="status")


def test_as_of_shows_what_was_known_then(client: TestClient, case: Case) -> None:
    rotation = created(client, placement(case))
    path = f"/api/rotations/{rotation['id']}"
    before_approval = history(client, path)[0]["recorded_at"]
    step(client, rotation["id"], "approve")
    then = client.get(path, params={"as_of": before_approval})
    assert then.status_code == 200 and then.json()["status"] == "proposed" and then.headers["ETag"] == '"1"'
    assert client.get(path).json()["status"] == "approved"
    listed = client.get("/api/rotations", params={"as_of": before_approval, "status": "proposed"}).json()
    assert [i["id"] for i in listed["items"]] == [rotation["id"]]
    early = assert_problem(client.get(path, params={"as_of": "2000-01-01T00:00:00Z"}), 404)
    assert "as of" in early["detail"]
    assert len(history(client, path, as_of=before_approval)) == 1


def test_a_persons_rotation_history(client: TestClient, case: Case) -> None:
    later = created(client, placement(case, starts_on="2012-09-03", ends_on="2012-09-28"))
    earlier = created(client, placement(case, host_unit_id=case.org.units[PAIVAHOITO]))
    step(client, earlier["id"], "cancel", {"reason": "Sijaista ei saatu."})
    found = client.get(f"/api/people/{case.person}/rotations")
    assert found.status_code == 200
    assert [(r["id"], r["status"]) for r in found.json()] == [
        (earlier["id"], "cancelled"),
        (later["id"], "proposed"),
    ]
    assert client.get(f"/api/people/{case.mentor}/rotations").json() == []
    assert_problem(client.get(f"/api/people/{uuid4()}/rotations"), 404)

    # Erasing the person keeps the placements (they hold only the id); the name is gone.
    assert client.delete(f"/api/people/{case.person}").status_code == 204
    after = client.get(f"/api/people/{case.person}/rotations").json()
    assert [r["id"] for r in after] == [earlier["id"], later["id"]]
    assert {r["person"]["name"] for r in after} == {"erased person"}


# ---- the calendar ------------------------------------------------------------------------


def test_the_calendar_shows_who_is_away_and_hosted_and_counts_per_week(
    client: TestClient, case: Case
) -> None:
    maija = created(client, placement(case))  # 5.–30.3.2012 Kotihoito → vuodeosasto
    eeva = register_person(client, "Eeva Kärkkäinen")["id"]
    eevas = created(
        client,
        placement(case, person_id=eeva, starts_on="2012-03-19", ends_on="2012-04-13", mentor_id=None),
    )
    outside = created(client, placement(case, starts_on="2012-06-04", ends_on="2012-06-08"))
    cancelled = created(client, placement(case, person_id=eeva, starts_on="2012-03-01", ends_on="2012-03-02"))
    step(client, cancelled["id"], "cancel", {"reason": "Sairausloma"})

    found = client.get("/api/rotations/calendar", params={"from": "2012-03-12", "to": "2012-03-25"})
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["from"], body["to"]) == ("2012-03-12", "2012-03-25")
    assert [p["id"] for p in body["placements"]] == [maija["id"], eevas["id"]]
    assert outside["id"] not in str(body) and cancelled["id"] not in str(body)
    assert [(w["year"], w["week"], w["starts_on"]) for w in body["weeks"]] == [
        (2012, 11, "2012-03-12"),
        (2012, 12, "2012-03-19"),
    ]
    units = {u["unit"]["name"]: u["weeks"] for u in body["units"]}
    assert [w["away"] for w in units[KOTIHOITO]] == [1, 2], "Maija both weeks, Eeva from week 12"
    assert [w["hosted"] for w in units[KOTIHOITO]] == [0, 0]
    assert [w["hosted"] for w in units[VUODEOSASTO]] == [1, 2]
    assert [w["away"] for w in units[VUODEOSASTO]] == [0, 0]

    only_host = client.get(
        "/api/rotations/calendar",
        params={"from": "2012-03-01", "to": "2012-06-30", "unit": case.org.units[VUODEOSASTO]},
    ).json()
    assert [p["id"] for p in only_host["placements"]] == [maija["id"], eevas["id"], outside["id"]]
    assert [u["unit"]["name"] for u in only_host["units"]] == [VUODEOSASTO]
    nobody = client.get(
        "/api/rotations/calendar",
        params={"from": "2012-03-01", "to": "2012-06-30", "unit": case.org.units[PAIVAHOITO]},
    ).json()
    assert nobody["placements"] == [] and nobody["units"] == []

    # As of before Eeva's placement was recorded.
    moment = history(client, f"/api/rotations/{maija['id']}")[0]["recorded_at"]
    then = client.get(
        "/api/rotations/calendar", params={"from": "2012-03-12", "to": "2012-03-25", "as_of": moment}
    )
    assert [p["id"] for p in then.json()["placements"]] == [maija["id"]]


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"from": "2012-03-12", "to": "2012-03-11"}, "to", "before"),
        ({"from": "2012-01-01", "to": "2013-01-01"}, "to", "367 days"),
        ({"to": "2012-03-11"}, "from", ""),
        ({"from": "2012-03-12"}, "to", ""),
        ({"from": "12.3.2012", "to": "2012-03-20"}, "from", ""),
        ({"from": "2012-03-12", "to": "2012-03-20", "unit": "kotihoito"}, "unit", ""),
    ],
)
def test_the_calendar_window_is_validated(
    client: TestClient, params: dict[str, str], field: str, says: str
) -> None:
    problem = assert_problem(client.get("/api/rotations/calendar", params=params), 422, field=field)
    assert says in problem["detail"]
    assert any(p["field"] == f"query.{field}" for p in problem["invalid_params"])


def test_a_whole_leap_year_is_a_valid_window(client: TestClient) -> None:
    found = client.get("/api/rotations/calendar", params={"from": "2012-01-01", "to": "2012-12-31"})
    assert found.status_code == 200
    weeks = [(w["year"], w["week"]) for w in found.json()["weeks"]]
    # From the week of 1.1.2012 (week 52 of 2011) to Monday 31.12.2012 (week 1 of 2013).
    assert (weeks[0], weeks[-1], len(weeks)) == ((2011, 52), (2013, 1), 54)


# ---- concurrent proposals ----------------------------------------------------------------


def propose_together(server: LiveServer, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Both requests leave at the same moment (a barrier lines the threads up)."""
    barrier = threading.Barrier(len(bodies), timeout=60)

    def send(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            barrier.wait()
            return client.post("/api/rotations", json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def assert_one_won(http: httpx.Client, case: Case, responses: list[httpx.Response]) -> dict[str, Any]:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert_problem(loser, 409)
    winner = next(r for r in responses if r.status_code == 201).json()
    proposals = [e for e in all_events(http) if e["topic"] == "kipina:RotationPlacement.Proposed"]
    of_person = [e["record_id"] for e in proposals if e["data"]["person_id"] == case.person]
    assert of_person == [winner["id"]], "the loser recorded nothing"
    assert [r["id"] for r in http.get(f"/api/people/{case.person}/rotations").json()] == [winner["id"]]
    return winner


def test_concurrent_overlapping_proposals_one_201_one_409(
    http: httpx.Client, live_server: LiveServer
) -> None:
    case = make_case(http)
    for round_ in range(3):
        person = register_person(http, f"Hoitaja {round_} (työkierto)")["id"]
        round_case = Case(case.org, person, case.mentor, case.initiative)
        bodies = [
            placement(round_case, starts_on="2012-03-05", ends_on="2012-03-30"),
            placement(
                round_case,
                host_unit_id=case.org.units[PAIVAHOITO],
                starts_on="2012-03-19",
                ends_on="2012-04-13",
            ),
        ]
        assert_one_won(http, round_case, propose_together(live_server, bodies))


def test_concurrent_proposals_that_both_passed_the_check_conflict_on_the_schedule(
    http: httpx.Client, live_server: LiveServer, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both commands load the person's schedule before either saves (a barrier inside the
    command holds them there), so both pass the overlap check; the schedule's version makes
    the second save fail, and that request gets 409 concurrent-change."""
    case = make_case(http)
    inside = threading.Barrier(2, timeout=60)
    original = Kipina._rotation_schedule

    def held(self: Kipina, person_id: Any, actor: Any) -> RotationSchedule:
        schedule = original(self, person_id, actor)
        inside.wait()
        return schedule

    monkeypatch.setattr(Kipina, "_rotation_schedule", held)
    bodies = [
        placement(case),
        placement(
            case, host_unit_id=case.org.units[PAIVAHOITO], starts_on="2012-03-19", ends_on="2012-04-13"
        ),
    ]
    responses = propose_together(live_server, bodies)
    assert_one_won(http, case, responses)
    loser = next(r for r in responses if r.status_code == 409)
    assert_problem(loser, 409, slug="concurrent-change")
    schedule = services.app.get_rotation_schedule(UUID(case.person))
    assert schedule is not None
    winner = next(r for r in responses if r.status_code == 201).json()
    assert list(schedule.periods) == [winner["id"]], "only the winner's period is booked"
    monkeypatch.undo()
    # Retrying the lost proposal now meets the rule itself.
    assert_problem(http.post("/api/rotations", json=bodies[1]), 409, slug="rule-broken")


# ---- rebuild ----------------------------------------------------------------------------


def test_rebuild_gives_the_incrementally_built_rotation_tables(
    services: Services, client: TestClient
) -> None:
    case = make_case(client)
    rotation = started(client, case)
    step(
        client,
        rotation["id"],
        "reflections",
        {"text": "Ensimmäinen viikko osastolla.", "occurred_on": "2012-03-09"},
    )
    step(client, rotation["id"], "reschedule", {"starts_on": "2012-03-05", "ends_on": "2012-04-06"})
    step(client, rotation["id"], "complete", COMPLETION)
    other = created(client, placement(case, starts_on="2012-09-03", ends_on="2012-09-28"))
    client.patch(
        f"/api/rotations/{other['id']}", json={"learning_goals": ["Lääkehoito"], "initiative_id": None}
    )
    step(client, other["id"], "cancel", {"reason": "Sijaista ei saatu."})
    renamed = client.post(
        f"/api/organisations/{case.org.id}/units/{case.org.units[KOTIHOITO]}/rename",
        json={"name": "Kotihoito (kotipalvelu ja kotisairaanhoito)"},
    )
    assert renamed.status_code == 200

    engine = services.projector.engine
    incremental = read_model_snapshot(engine)
    assert len(incremental["rotations"]) == 9  # one row per event of the two placements
    assert len(incremental["rotation_reflections"]) == 1
    assert sum(1 for h in incremental["history"] if h["record_type"] == "rotation") == 9
    rebuild(services.projector)
    assert_same_tables(incremental, read_model_snapshot(engine))


def test_event_counts_for_one_placement(client: TestClient, case: Case) -> None:
    """A proposal records the placement, opens the person's schedule and books the period, atomically."""
    before = Counter(e["topic"] for e in all_events(client))
    created(client, placement(case))
    after = Counter(e["topic"] for e in all_events(client))
    assert after - before == Counter(
        {
            "kipina:RotationPlacement.Proposed": 1,
            "kipina:RotationSchedule.Opened": 1,
            "kipina:RotationSchedule.PeriodBooked": 1,
        }
    )
