"""Evaluations (KS step 7) and the yearly follow-up over the JSON API, on both stores.

The case is Heinävesi's basic services (seed 000): the common development target
"Tavoitteellinen työkierto" (goal-oriented job rotation) was run as an initiative in
2012 and evaluated; its lessons ("the guide is worth writing before the first
rotation") are what other units need. The effects follow KS's step 7: on staff, on
users and on quality, plus the economy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    all_events,
    assert_problem,
    history,
    move,
    nothing_recorded,
    propose,
    register_heinavesi,
    register_organisation,
)

ROTATION = HEINAVESI_TARGETS[1]  # "Tavoitteellinen työkierto"
EVALUATION: dict[str, Any] = {
    "evaluated_on": "2012-12-14",
    "method": "self_assessment",
    "effects": {
        "staff": {
            "text": "Hoitajat tuntevat toistensa työn; yhteistyö kotihoidon ja vuodeosaston välillä parani.",
            "figures": [{"label": "työkierrossa olleet", "value": 6, "unit": "hlö"}],
        },
        "users": {"text": "Kotiutukset sujuivat paremmin."},
        "quality": {"text": "Kotiutuksen tarkistuslista käyttöön molemmissa yksiköissä."},
    },
    "costs": {"text": "Sijaiskulut kiertojen ajalta.", "amount_eur": 4800},
    "worked": "Mentori vastaanottavassa yksikössä.",
    "did_not_work": "Kiertojen ajoitus lomakauteen.",
    "lessons": "Opas kannattaa tehdä ennen ensimmäistä kiertoa.",
    "recommendation": "spread",
}


def started(client: httpx.Client, title: str = ROTATION, **fields: Any) -> dict[str, Any]:
    initiative = propose(client, title, **fields)
    move(client, initiative["id"], "plan")
    return move(client, initiative["id"], "start")


def evaluate(client: httpx.Client, initiative_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"/api/initiatives/{initiative_id}/evaluations", json={**EVALUATION, **overrides})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def evaluations_of(client: httpx.Client, initiative_id: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/api/initiatives/{initiative_id}/evaluations", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def initiative_paths(initiative_id: str) -> tuple[str, str, str]:
    base = f"/api/initiatives/{initiative_id}"
    return base, f"{base}/history", f"{base}/evaluations"


def follow_up(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/api/follow-up", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# ---- recording --------------------------------------------------------------------


def test_an_evaluation_is_recorded_on_the_initiative_with_201_location_and_etag(client: TestClient) -> None:
    initiative = started(client)
    response = client.post(f"/api/initiatives/{initiative['id']}/evaluations", json=EVALUATION)

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/initiatives/{initiative['id']}/evaluations/{body['id']}"
    assert response.headers["ETag"] == f'"{initiative["version"] + 1}"'
    assert body["initiative"] == {"id": initiative["id"], "name": ROTATION}
    assert body["evaluated_on"] == "2012-12-14"
    assert body["method"] == "self_assessment"
    assert body["effects"]["staff"]["figures"] == [
        {"label": "työkierrossa olleet", "value": 6.0, "unit": "hlö"}
    ]
    assert body["effects"]["users"] == {"text": "Kotiutukset sujuivat paremmin.", "figures": []}
    assert body["effects"]["economy"] == {"text": "", "figures": []}  # always all four areas
    assert body["costs"] == {"text": "Sijaiskulut kiertojen ajalta.", "amount_eur": 4800.0}
    assert body["lessons"] == EVALUATION["lessons"]
    assert body["recommendation"] == "spread"
    assert body["author"]["id"]

    assert client.get(response.headers["Location"]).json() == body
    current = client.get(f"/api/initiatives/{initiative['id']}")
    assert current.headers["ETag"] == response.headers["ETag"]

    entry = history(client, f"/api/initiatives/{initiative['id']}")[-1]
    assert entry["event_type"] == "EvaluationRecorded"
    assert entry["occurred_on"] == "2012-12-14"
    changes = {c["field"]: c["new"] for c in entry["changes"]}
    assert changes["evaluation"] == body["id"]
    assert changes["method"] == "self_assessment"
    assert changes["recommendation"] == "spread"
    assert changes["effects.staff.työkierrossa olleet"] == "6 hlö"
    assert changes["lessons"] == EVALUATION["lessons"]
    assert changes["costs.amount_eur"] == 4800.0


def test_the_latest_evaluation_is_a_hint_and_nothing_moves_by_itself(client: TestClient) -> None:
    initiative = started(client)
    first = evaluate(client, initiative["id"], evaluated_on="2012-06-29", recommendation="adapt")
    listed = evaluations_of(client, initiative["id"])
    assert listed["latest"]["id"] == first["id"]
    # In progress, "adapt" points to no move allowed now (it is already in progress).
    assert listed["decision_hint"] == {
        "status": "in_progress",
        "recommendation": "adapt",
        "evaluation_id": first["id"],
        "suggested_moves": [],
    }

    move(client, initiative["id"], "evaluate")
    second = evaluate(client, initiative["id"])  # 2012-12-14, spread
    listed = evaluations_of(client, initiative["id"])
    assert [e["id"] for e in listed["items"]] == [first["id"], second["id"]]
    assert listed["decision_hint"]["suggested_moves"] == ["complete"]
    assert client.get(f"/api/initiatives/{initiative['id']}").json()["status"] == "evaluating"

    move(client, initiative["id"], "complete")
    assert evaluations_of(client, initiative["id"])["decision_hint"]["suggested_moves"] == ["spread"]


def test_latest_means_the_latest_evaluated_on_not_the_latest_recorded(client: TestClient) -> None:
    initiative = started(client)
    newer = evaluate(client, initiative["id"], evaluated_on="2013-01-31", recommendation="continue")
    older = evaluate(client, initiative["id"], evaluated_on="2012-06-29", recommendation="stop")
    listed = evaluations_of(client, initiative["id"])
    assert [e["id"] for e in listed["items"]] == [older["id"], newer["id"]]
    assert listed["latest"]["id"] == newer["id"]
    assert listed["decision_hint"]["recommendation"] == "continue"


def test_a_discontinued_initiative_may_still_be_evaluated(client: TestClient) -> None:
    initiative = started(client, "Laatukäsikirjan päivittäminen")
    move(client, initiative["id"], "discontinue", reason="Resurssit loppuivat", lessons="Liian laaja")
    evaluation = evaluate(client, initiative["id"], recommendation="stop", method="external")
    hint = evaluations_of(client, initiative["id"])["decision_hint"]
    assert hint["status"] == "discontinued" and hint["suggested_moves"] == []
    assert evaluation["method"] == "external"


def test_a_paused_initiative_counts_by_where_it_was_paused_from(client: TestClient) -> None:
    under_way = started(client)
    move(client, under_way["id"], "pause", reason="Kesälomat")
    evaluate(client, under_way["id"])

    planned = propose(client, "Prosessikuvaukset")
    move(client, planned["id"], "plan")
    move(client, planned["id"], "pause")
    with nothing_recorded(client, *initiative_paths(planned["id"])):
        refused = client.post(f"/api/initiatives/{planned['id']}/evaluations", json=EVALUATION)
    body = assert_problem(refused, 409)
    assert body["detail"] == (
        "Cannot record an evaluation: this initiative is paused and its work has not started yet."
    )


def test_a_retried_evaluation_is_recorded_once(client: TestClient) -> None:
    initiative = started(client)
    headers = {"Idempotency-Key": "arviointi-2012-tyokierto"}
    path = f"/api/initiatives/{initiative['id']}/evaluations"
    first = client.post(path, json=EVALUATION, headers=headers)
    before = all_events(client)
    again = client.post(path, json=EVALUATION, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert all_events(client) == before
    assert len(evaluations_of(client, initiative["id"])["items"]) == 1


def test_evaluated_on_defaults_to_today(client: TestClient) -> None:
    initiative = started(client)
    body = {k: v for k, v in EVALUATION.items() if k != "evaluated_on"}
    response = client.post(f"/api/initiatives/{initiative['id']}/evaluations", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["evaluated_on"] == datetime.now(UTC).date().isoformat()


# ---- refusals ---------------------------------------------------------------------


def test_refused_evaluations_record_nothing(client: TestClient) -> None:
    initiative = started(client)
    path = f"/api/initiatives/{initiative['id']}/evaluations"
    future = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        ({"evaluated_on": future}, "evaluated_on", "which is in the future"),
        (
            {"effects": {}, "worked": "", "did_not_work": "", "lessons": ""},
            "effects",
            "An evaluation needs at least one finding",
        ),
        ({"method": "guesswork"}, "method", None),
        ({"recommendation": "forget"}, "recommendation", None),
        ({"effects": {"morale": {"text": "hyvä"}}}, "morale", None),
        (
            {"effects": {"staff": {"figures": [{"label": "x", "value": i} for i in range(11)]}}},
            "effects.staff.figures",
            "has 11 entries; the limit is 10",
        ),
        (
            {"effects": {"staff": {"figures": [{"label": " ", "value": 1}]}}},
            "effects.staff.figures.0.label",
            "is required and cannot be blank",
        ),
        ({"costs": {"amount_eur": -5}}, "costs.amount_eur", "must be between 0 and"),
        ({"lessons": "x" * 5001}, "lessons", "the limit is 5000"),
    ]
    for change, field, detail in cases:
        with nothing_recorded(client, *initiative_paths(initiative["id"])):
            refused = client.post(path, json={**EVALUATION, **change})
        body = assert_problem(refused, 422, field=field)
        if detail is not None:
            assert detail in body["detail"], body["detail"]


def test_an_initiative_whose_work_has_not_started_cannot_be_evaluated(client: TestClient) -> None:
    initiative = propose(client, "Yksilökehityskeskustelut")
    with nothing_recorded(client, *initiative_paths(initiative["id"])):
        refused = client.post(f"/api/initiatives/{initiative['id']}/evaluations", json=EVALUATION)
    body = assert_problem(refused, 409)
    assert "this initiative is proposed" in body["detail"]


def test_unknown_ids_are_404(client: TestClient) -> None:
    initiative = started(client)
    unknown = "00000000-0000-4000-8000-000000000000"
    with nothing_recorded(client, *initiative_paths(initiative["id"])):
        refused = client.post(f"/api/initiatives/{unknown}/evaluations", json=EVALUATION)
    assert assert_problem(refused, 404)["detail"] == f"There is no initiative with id {unknown}."
    assert_problem(client.get(f"/api/initiatives/{unknown}/evaluations"), 404)
    missing = client.get(f"/api/initiatives/{initiative['id']}/evaluations/{unknown}")
    assert assert_problem(missing, 404)["detail"] == f"This initiative has no evaluation with id {unknown}."


def test_a_stale_if_match_is_412_and_records_nothing(client: TestClient) -> None:
    initiative = started(client)
    stale = {"If-Match": f'"{initiative["version"] - 1}"'}
    with nothing_recorded(client, *initiative_paths(initiative["id"])):
        refused = client.post(
            f"/api/initiatives/{initiative['id']}/evaluations", json=EVALUATION, headers=stale
        )
    assert assert_problem(refused, 412)["current_version"] == initiative["version"]
    current = {"If-Match": f'"{initiative["version"]}"'}
    response = client.post(
        f"/api/initiatives/{initiative['id']}/evaluations", json=EVALUATION, headers=current
    )
    assert response.status_code == 201


# ---- as of ------------------------------------------------------------------------


def test_evaluations_as_of_a_moment_show_what_was_known_then(client: TestClient) -> None:
    initiative = started(client)
    first = evaluate(client, initiative["id"], evaluated_on="2012-06-29", recommendation="adapt")
    entry = history(client, f"/api/initiatives/{initiative['id']}")[-1]
    moment = datetime.fromisoformat(entry["recorded_at"]).isoformat()
    evaluate(client, initiative["id"])

    then = evaluations_of(client, initiative["id"], as_of=moment)
    assert [e["id"] for e in then["items"]] == [first["id"]]
    assert then["latest"]["id"] == first["id"]
    assert then["as_of"] is not None
    assert len(evaluations_of(client, initiative["id"])["items"]) == 2
    one = client.get(
        f"/api/initiatives/{initiative['id']}/evaluations/{first['id']}", params={"as_of": moment}
    )
    assert one.status_code == 200 and one.json() == first

    before = (datetime.fromisoformat(entry["recorded_at"]) - timedelta(microseconds=1)).isoformat()
    empty = evaluations_of(client, initiative["id"], as_of=before)
    assert empty["items"] == [] and empty["latest"] is None and empty["decision_hint"] is None


# ---- the yearly follow-up -------------------------------------------------------


def test_follow_up_lists_started_initiatives_without_an_evaluation(client: TestClient) -> None:
    heinavesi = register_heinavesi(client)
    other = register_organisation(client, "Joroisten kunta")
    evaluated = started(client, ROTATION, organisation_id=heinavesi.id)
    evaluate(client, evaluated["id"], evaluated_on="2012-12-14", recommendation="continue")
    not_yet = started(client, HEINAVESI_TARGETS[2], organisation_id=heinavesi.id)
    propose(client, HEINAVESI_TARGETS[0], organisation_id=heinavesi.id)  # proposed: nothing due yet
    elsewhere = started(client, "Kotihoidon iltakäynnit", organisation_id=other.id)
    stopped = started(client, "Laatukäsikirja", organisation_id=heinavesi.id)
    move(client, stopped["id"], "discontinue", reason="Ei resursseja", lessons="Liian laaja")

    found = follow_up(client, year=2012, organisation_id=heinavesi.id)
    assert found["year"] == 2012 and found["organisation_id"] == heinavesi.id
    assert [i["initiative"]["id"] for i in found["not_evaluated"]] == [not_yet["id"]]
    assert found["not_evaluated"][0]["initiative"]["status"] == "in_progress"

    everywhere = follow_up(client, year=2012)
    assert {i["initiative"]["id"] for i in everywhere["not_evaluated"]} == {not_yet["id"], elsewhere["id"]}
    # An evaluation dated 2012-12-14 does not count for 2011's follow-up.
    earlier = follow_up(client, year=2011, organisation_id=heinavesi.id)
    assert {i["initiative"]["id"] for i in earlier["not_evaluated"]} == {evaluated["id"], not_yet["id"]}


def test_follow_up_lists_recommended_spreading_without_a_good_practice(client: TestClient) -> None:
    initiative = started(client)
    evaluation = evaluate(client, initiative["id"])  # recommends spreading
    other = started(client, HEINAVESI_TARGETS[2])
    evaluate(client, other["id"], recommendation="spread", evaluated_on="2012-05-02")
    evaluate(client, other["id"], recommendation="adapt", evaluated_on="2012-11-02")  # the latest counts

    found = follow_up(client, year=2012)
    assert found["recommended_spreading"] == [
        {
            "initiative": {
                "id": initiative["id"],
                "name": ROTATION,
                "status": "in_progress",
                "organisation_id": None,
            },
            "evaluation": {"id": evaluation["id"], "evaluated_on": "2012-12-14", "recommendation": "spread"},
            "good_practice": None,
            "note": "recommended spreading; no good practice recorded yet",
        }
    ]
    assert found["not_evaluated"] == []


def test_follow_up_lists_completed_initiatives_whose_measures_still_get_values(client: TestClient) -> None:
    initiative = started(client)
    measure = client.post(
        f"/api/initiatives/{initiative['id']}/measures",
        json={"name": "Kotiutuksen viive", "unit": "vrk", "direction": "down", "frequency": "monthly"},
    )
    assert measure.status_code == 201, measure.text
    measure_id = measure.json()["id"]
    quiet = started(client, HEINAVESI_TARGETS[2])
    for period, value in (("2012-09", 3.5), ("2012-10", 2.0)):
        recorded = client.post(f"/api/measures/{measure_id}/values", json={"period": period, "value": value})
        assert recorded.status_code in (200, 201), recorded.text
    for done in (initiative, quiet):
        move(client, done["id"], "evaluate")
        move(client, done["id"], "complete", occurred_on="2012-09-30")
    recorded = client.post(f"/api/measures/{measure_id}/values", json={"period": "2012-11", "value": 1.5})
    assert recorded.status_code in (200, 201), recorded.text

    found = follow_up(client, year=2012)
    assert [s["initiative"]["id"] for s in found["still_measured"]] == [initiative["id"]]
    entry = found["still_measured"][0]
    assert entry["completed_on"] == "2012-09-30"
    # Only the values for days on or after the completion count (October and November).
    assert entry["measures"] == [
        {
            "id": measure_id,
            "name": "Kotiutuksen viive",
            "values_since_completion": 2,
            "last_value_on": "2012-11-01",
        }
    ]
    assert follow_up(client, year=2013)["still_measured"] == []


def test_follow_up_as_of_and_its_defaults(client: TestClient) -> None:
    initiative = started(client)
    entry = history(client, f"/api/initiatives/{initiative['id']}")[-1]
    moment = datetime.fromisoformat(entry["recorded_at"]).isoformat()
    evaluate(client, initiative["id"], evaluated_on=date.today().isoformat())

    now = follow_up(client)
    assert now["year"] == datetime.now(UTC).year and now["not_evaluated"] == []
    then = follow_up(client, as_of=moment)
    assert [i["initiative"]["id"] for i in then["not_evaluated"]] == [initiative["id"]]
    assert then["as_of"] is not None

    assert_problem(client.get("/api/follow-up", params={"year": 20120}), 422)
    assert_problem(client.get("/api/follow-up", params={"as_of": "2012-12-14T10:00:00"}), 400)
