"""Enrolling many initiatives in a programme at once over the JSON API, on both stores
(`POST /api/programmes/{id}/enrolments`): all of them or none. Every id is checked first;
a refusal names each initiative it refuses (`body.initiative_ids.<index>`) and records
nothing. If-Match and Idempotency-Key work as on every command.
"""

from __future__ import annotations

import httpx

from tests.integration.api_helpers import (
    all_events,
    assert_problem,
    nothing_recorded,
    propose,
    register_organisation,
)
from tests.integration.test_api_programmes import UNKNOWN, create, enrol, programme_paths


def _programme_with_candidates(client: httpx.Client, count: int) -> tuple[str, list[str], str]:
    vihti = register_organisation(client, "Vihdin kunta").id
    programme = create(client, organisation_ids=[vihti])["id"]
    ids = [propose(client, f"Vihdin hanke {n}", organisation_id=vihti)["id"] for n in range(count)]
    return programme, ids, vihti


def test_many_initiatives_are_enrolled_in_one_command(client: httpx.Client) -> None:
    programme, ids, _ = _programme_with_candidates(client, 5)
    path = f"/api/programmes/{programme}"
    version = client.get(path).json()["version"]
    before = len(all_events(client))

    done = client.post(
        f"{path}/enrolments",
        json={"initiative_ids": ids, "occurred_on": "2018-05-02"},
        headers={"If-Match": f'"{version}"'},
    )

    assert done.status_code == 200, done.text
    body = done.json()
    assert [e["initiative"]["id"] for e in body["initiatives"]] == ids
    assert {e["enrolled_on"] for e in body["initiatives"]} == {"2018-05-02"}
    assert done.headers["ETag"] == f'"{version + 5}"'
    events = all_events(client)[before:]
    assert [e["topic"] for e in events] == ["kipina:Programme.InitiativeEnrolled"] * 5


def test_a_retried_bulk_enrolment_records_once(client: httpx.Client) -> None:
    programme, ids, _ = _programme_with_candidates(client, 3)
    url = f"/api/programmes/{programme}/enrolments"
    headers = {"Idempotency-Key": f"bulk-{programme}"}
    first = client.post(url, json={"initiative_ids": ids}, headers=headers)
    assert first.status_code == 200, first.text
    with nothing_recorded(client, *programme_paths(programme)):
        again = client.post(url, json={"initiative_ids": ids}, headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_a_stale_if_match_enrols_nothing(client: httpx.Client) -> None:
    programme, ids, _ = _programme_with_candidates(client, 2)
    path = f"/api/programmes/{programme}"
    read = client.get(path).json()["version"]
    edited = client.patch(path, json={"description": "Neljän kunnan ohjelma."})
    assert edited.status_code == 200, edited.text
    with nothing_recorded(client, *programme_paths(programme)):
        stale = client.post(
            f"{path}/enrolments", json={"initiative_ids": ids}, headers={"If-Match": f'"{read}"'}
        )
    assert assert_problem(stale, 412)["current_version"] == read + 1


def test_unknown_and_already_enrolled_ids_are_named_and_nothing_is_enrolled(client: httpx.Client) -> None:
    programme, ids, _ = _programme_with_candidates(client, 4)
    enrol(client, programme, ids[1])
    outsider = propose(
        client, "Karkkilan päivätoiminta", organisation_id=register_organisation(client, "Karkkila").id
    )
    asked = [ids[0], ids[1], UNKNOWN, ids[2], ids[2], outsider["id"], ids[3]]

    with nothing_recorded(client, *programme_paths(programme)):
        refused = client.post(f"/api/programmes/{programme}/enrolments", json={"initiative_ids": asked})

    problem = assert_problem(refused, 422)
    assert problem["detail"].startswith("Nothing was enrolled: 4 of the 7 initiatives cannot be enrolled")
    assert "all of them or none" in problem["detail"]
    named = {p["field"]: p["message"] for p in problem["invalid_params"]}
    assert named == {
        "body.initiative_ids": named["body.initiative_ids"],
        "body.initiative_ids.1": "Vihdin hanke 1 is already enrolled in this programme.",
        "body.initiative_ids.2": f"There is no initiative with id {UNKNOWN}.",
        "body.initiative_ids.4": "Vihdin hanke 2 is listed twice.",
        "body.initiative_ids.5": "Karkkilan päivätoiminta belongs to an organisation that does not take "
        "part in this programme.",
    }
    enrolled = [
        e["initiative"]["id"] for e in client.get(f"/api/programmes/{programme}").json()["initiatives"]
    ]
    assert enrolled == [ids[1]]


def test_an_empty_a_malformed_or_too_long_list_is_refused(client: httpx.Client) -> None:
    programme, ids, _ = _programme_with_candidates(client, 1)
    url = f"/api/programmes/{programme}/enrolments"
    with nothing_recorded(client, *programme_paths(programme)):
        empty = client.post(url, json={"initiative_ids": []})
        missing = client.post(url, json={})
        malformed = client.post(url, json={"initiative_ids": ["kotihoito"]})
        extra = client.post(url, json={"initiative_ids": ids, "owner": "me"})
        too_many = client.post(url, json={"initiative_ids": [UNKNOWN] * 201})
    assert (
        assert_problem(empty, 422, field="initiative_ids")["detail"]
        == "Choose at least one initiative to enrol."
    )
    assert_problem(missing, 422, field="initiative_ids")
    assert_problem(malformed, 422, field="initiative_ids.0")
    assert_problem(extra, 422)
    assert "200" in assert_problem(too_many, 422, field="initiative_ids")["detail"]


def test_a_closed_or_unknown_programme_enrols_nothing(client: httpx.Client) -> None:
    programme, ids, _ = _programme_with_candidates(client, 2)
    closed = client.post(f"/api/programmes/{programme}/close", json={"summary": "Valmis."})
    assert closed.status_code == 200, closed.text
    with nothing_recorded(client, *programme_paths(programme)):
        refused = client.post(f"/api/programmes/{programme}/enrolments", json={"initiative_ids": ids})
    assert "is closed" in assert_problem(refused, 409)["detail"]
    nowhere = client.post(f"/api/programmes/{UNKNOWN}/enrolments", json={"initiative_ids": ids})
    assert_problem(nowhere, 404)
