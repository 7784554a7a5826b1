"""Development targets (KS steps 5–6) over the JSON API, on both stores: define, edit with
If-Match, link and unlink initiatives, rotation placements and Change Day actions, yearly
reviews (a second one for a year corrects the first), retire, the filtered list, history,
as-of views and the coverage view with its flags.

The data are Heinävesi's three common development targets for 2012 (seed 000), derived
from the basic services' strategic goal, sorted into KS's strategies (seed 002):
mobilise, develop, acquire, phase out, each with a responsible role.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from projections.rebuild import rebuild
from services.bootstrap import Services
from tests.e2e.helpers import assert_same_tables, read_model_snapshot
from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    Org,
    all_events,
    assert_problem,
    history,
    move,
    nothing_recorded,
    propose,
    register_heinavesi,
    register_person,
)

BASIC_TASK, ROTATION, COOPERATION = HEINAVESI_TARGETS
STRATEGY_GOAL = "Sosiaali- ja terveydenhuollon henkilöstön osaamisen ja hyvinvoinnin kehittäminen"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def target_body(title: str = ROTATION, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": title,
        "strategy_goal": STRATEGY_GOAL,
        "strategy": "develop",
        "responsible_role": "unit_manager",
        "period_start": "2012-01-01",
        "period_end": "2012-12-31",
        "description": "Opas tekeillä jo nyt.",
    }
    body.update(overrides)
    return body


def define(client: httpx.Client, title: str = ROTATION, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/targets", json=target_body(title, **overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def command(client: httpx.Client, target_id: str, verb: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/targets/{target_id}/{verb}", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def paths(target_id: str) -> tuple[str, str, str]:
    base = f"/api/targets/{target_id}"
    return base, f"{base}/history", f"{base}/coverage"


def placement(client: httpx.Client, org: Org, **overrides: Any) -> dict[str, Any]:
    person = register_person(
        client, "Maija Meikäläinen", organisation_id=org.id, unit_id=org.units["Kotihoito"]
    )
    body = {
        "person_id": person["id"],
        "home_organisation_id": org.id,
        "home_unit_id": org.units["Kotihoito"],
        "host_organisation_id": org.id,
        "host_unit_id": org.units["Terveyskeskuksen vuodeosasto"],
        "starts_on": "2012-03-05",
        "ends_on": "2012-03-30",
        "learning_goals": ["Vuodeosaston kotiutuskäytännöt tutuiksi"],
        **overrides,
    }
    response = client.post("/api/rotations", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def change_action(client: httpx.Client) -> dict[str, Any]:
    campaign = client.post(
        "/api/campaigns", json={"name": "Change Day 2016", "date": "2016-03-16", "target_count": 50}
    )
    assert campaign.status_code == 201, campaign.text
    person = register_person(client, "Iida Innovaattori")
    pledged = client.post(
        f"/api/campaigns/{campaign.json()['id']}/actions",
        json={
            "text": "Minä lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä.",
            "person_id": person["id"],
            "category": "patient_experience",
        },
    )
    assert pledged.status_code == 201, pledged.text
    result: dict[str, Any] = pledged.json()
    return result


# ---- define and read ----------------------------------------------------------------


def test_define_returns_201_with_location_etag_and_the_target(client: TestClient) -> None:
    org = register_heinavesi(client)
    response = client.post("/api/targets", json=target_body(organisation_id=org.id))
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/targets/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert body["title"] == ROTATION
    assert body["strategy_goal"] == STRATEGY_GOAL
    assert (body["strategy"], body["responsible_role"]) == ("develop", "unit_manager")
    assert (body["period_start"], body["period_end"]) == ("2012-01-01", "2012-12-31")
    assert body["organisation"] == {"id": org.id, "name": org.name}
    assert body["status"] == "active"
    assert body["links"] == [] and body["reviews"] == [] and body["latest_review"] is None

    read = client.get(response.headers["Location"])
    assert read.headers["ETag"] == '"1"' and read.json()["title"] == ROTATION
    entry = history(client, f"/api/targets/{body['id']}")[0]
    assert entry["record_type"] == "development_target" and entry["event_type"] == "Defined"
    changes = {c["field"]: c["new"] for c in entry["changes"]}
    assert changes["strategy"] == "develop" and changes["status"] == "active"


def test_define_refusals_are_422_and_record_nothing(client: TestClient) -> None:
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        (target_body(title="  "), "title", "title is required and cannot be blank."),
        (target_body(period_end="2011-12-31"), "period_end", "The period cannot end (2011-12-31)"),
        (
            target_body(organisation_id=UNKNOWN),
            "organisation_id",
            f"There is no organisation with id {UNKNOWN}.",
        ),
        (target_body(strategy="outsource"), "strategy", None),
        (target_body(responsible_role="mayor"), "responsible_role", None),
        ({k: v for k, v in target_body().items() if k != "period_start"}, "period_start", None),
        (target_body(title="x" * 201), "title", "the limit is 200"),
    ]
    for body, field, detail in cases:
        with nothing_recorded(client, "/api/targets"):
            refused = client.post("/api/targets", json=body)
        problem = assert_problem(refused, 422, field=field)
        if detail is not None:
            assert detail in problem["detail"], problem["detail"]


def test_list_filters_and_as_of(client: TestClient) -> None:
    org = register_heinavesi(client)
    basic = define(client, BASIC_TASK, strategy="mobilise", responsible_role="top_management_hr")
    rotation = define(client, ROTATION, organisation_id=org.id)
    cooperation = define(client, COOPERATION, strategy="acquire", responsible_role="first_line_manager")
    moment = history(client, f"/api/targets/{cooperation['id']}")[-1]["recorded_at"]
    command(client, basic["id"], "retire", {"reason": "Tehtäväkuvaukset tarkistettu kaikissa yksiköissä."})

    def ids(**params: Any) -> list[str]:
        response = client.get("/api/targets", params=params)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["items"]]

    assert ids() == [cooperation["id"], rotation["id"], basic["id"]]
    assert ids(strategy="acquire") == [cooperation["id"]]
    assert ids(responsible_role="unit_manager") == [rotation["id"]]
    assert ids(status="retired") == [basic["id"]]
    assert ids(status="active") == [cooperation["id"], rotation["id"]]
    assert ids(organisation_id=org.id) == [rotation["id"]]
    assert ids(q="TYÖKIERTO") == [rotation["id"]]  # casefolded, ö included
    assert ids(q="hyvinvoinnin vuorovaikutustaidot") == [cooperation["id"]]
    assert ids(status="retired", as_of=moment) == []
    page = client.get("/api/targets", params={"limit": 2}).json()
    assert len(page["items"]) == 2
    rest = client.get("/api/targets", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [t["id"] for t in rest["items"]] == [basic["id"]] and rest["next_cursor"] is None
    assert_problem(client.get("/api/targets", params={"strategy": "outsource"}), 422)
    assert_problem(client.get("/api/targets", params={"cursor": "nonsense"}), 400)


# ---- edit ---------------------------------------------------------------------------


def test_edit_with_if_match_and_the_target_as_of_before_it(client: TestClient) -> None:
    target = define(client)
    response = client.patch(
        f"/api/targets/{target['id']}",
        json={"strategy": "mobilise", "period_end": "2013-12-31"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert (response.json()["strategy"], response.json()["period_end"]) == ("mobilise", "2013-12-31")
    entry = history(client, f"/api/targets/{target['id']}")[-1]
    assert entry["event_type"] == "Edited"
    assert {c["field"]: (c["old"], c["new"]) for c in entry["changes"]} == {
        "strategy": ("develop", "mobilise"),
        "period_end": ("2012-12-31", "2013-12-31"),
    }
    before = (datetime.fromisoformat(entry["recorded_at"]) - timedelta(microseconds=1)).isoformat()
    then = client.get(f"/api/targets/{target['id']}", params={"as_of": before})
    assert then.status_code == 200 and then.json()["strategy"] == "develop" and then.headers["ETag"] == '"1"'

    with nothing_recorded(client, *paths(target["id"])):
        stale = client.patch(f"/api/targets/{target['id']}", json={"title": "X"}, headers={"If-Match": '"1"'})
    assert assert_problem(stale, 412)["current_version"] == 2
    for body, field in (
        ({"period_start": "2014-01-01"}, "period_end"),
        ({"organisation_id": UNKNOWN}, "organisation_id"),
        ({"title": None}, "title"),
        ({"colour": "red"}, "colour"),
    ):
        with nothing_recorded(client, *paths(target["id"])):
            refused = client.patch(f"/api/targets/{target['id']}", json=body)
        assert_problem(refused, 422, field=field)
    with nothing_recorded(client, *paths(target["id"])):
        missing = client.patch(f"/api/targets/{UNKNOWN}", json={"title": "X"})
    assert assert_problem(missing, 404)["detail"] == f"There is no development target with id {UNKNOWN}."


# ---- links ----------------------------------------------------------------------------


def test_linking_an_initiative_is_recorded_on_both_records(client: TestClient) -> None:
    target = define(client)
    initiative = propose(client, "Opas työnkiertoon")
    linked = command(
        client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]}
    )
    assert linked["version"] == 2 and linked["links_count"] == 1
    assert [(link["record_type"], link["record_id"], link["name"]) for link in linked["links"]] == [
        ("initiative", initiative["id"], "Opas työnkiertoon")
    ]
    entry = history(client, f"/api/initiatives/{initiative['id']}")[-1]
    assert entry["event_type"] == "LinkedToTarget"
    assert entry["changes"] == [{"field": f"targets.{target['id']}", "old": None, "new": ROTATION}]
    assert client.get(f"/api/initiatives/{initiative['id']}").json()["version"] == initiative["version"] + 1
    target_entry = history(client, f"/api/targets/{target['id']}")[-1]
    assert target_entry["changes"] == [
        {"field": f"links.{initiative['id']}", "old": None, "new": "initiative"}
    ]

    unlinked = command(
        client, target["id"], "unlink", {"record_id": initiative["id"], "reason": "Väärä kohde"}
    )
    assert unlinked["links"] == [] and unlinked["links_count"] == 0
    assert history(client, f"/api/initiatives/{initiative['id']}")[-1]["event_type"] == "UnlinkedFromTarget"
    relinked = command(
        client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]}
    )
    assert relinked["links_count"] == 1


def test_link_refusals_record_nothing(client: TestClient) -> None:
    target = define(client)
    initiative = propose(client, "Opas työnkiertoon")
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    watched = (*paths(target["id"]), f"/api/initiatives/{initiative['id']}/history")
    cases: list[tuple[str, dict[str, Any], int, str | None]] = [
        (target["id"], {"record_type": "initiative", "record_id": initiative["id"]}, 409,
         "This record is already linked to this development target."),
        (target["id"], {"record_type": "initiative", "record_id": UNKNOWN}, 422,
         f"There is no initiative with id {UNKNOWN}."),
        (target["id"], {"record_type": "rotation", "record_id": UNKNOWN}, 422,
         f"There is no rotation placement with id {UNKNOWN}."),
        (target["id"], {"record_type": "change_action", "record_id": UNKNOWN}, 422,
         f"There is no Change Day action with id {UNKNOWN}."),
        (target["id"], {"record_type": "programme", "record_id": initiative["id"]}, 422, None),
        (UNKNOWN, {"record_type": "initiative", "record_id": initiative["id"]}, 404,
         f"There is no development target with id {UNKNOWN}."),
    ]  # fmt: skip
    for target_id, body, status, detail in cases:
        with nothing_recorded(client, *watched):
            refused = client.post(f"/api/targets/{target_id}/links", json=body)
        problem = assert_problem(refused, status, field="record_id" if status == 422 and detail else None)
        if detail is not None:
            assert problem["detail"] == detail
    other = propose(client, "Toinen")
    with nothing_recorded(client, *watched, f"/api/initiatives/{other['id']}"):
        stale = client.post(
            f"/api/targets/{target['id']}/links",
            json={"record_type": "initiative", "record_id": other["id"]},
            headers={"If-Match": '"1"'},
        )
    assert_problem(stale, 412)
    with nothing_recorded(client, *watched):
        not_linked = client.post(f"/api/targets/{target['id']}/unlink", json={"record_id": UNKNOWN})
    assert assert_problem(not_linked, 409)["detail"] == (
        f"No record with id {UNKNOWN} is linked to this development target."
    )


def test_a_placement_serves_one_target_and_its_target_id_follows_the_links(client: TestClient) -> None:
    org = register_heinavesi(client)
    rotation_target = define(client, ROTATION)
    cooperation = define(client, COOPERATION)
    proposed = placement(client, org, target_id=rotation_target["id"])
    assert proposed["target_id"] == rotation_target["id"]
    links = client.get(f"/api/targets/{rotation_target['id']}").json()["links"]
    assert [(link["record_type"], link["record_id"]) for link in links] == [("rotation", proposed["id"])]
    assert links[0]["name"] == "Kotihoito → Terveyskeskuksen vuodeosasto"
    first = history(client, f"/api/rotations/{proposed['id']}")[0]
    assert {"field": "target_id", "old": None, "new": rotation_target["id"]} in first["changes"]

    with nothing_recorded(client, *paths(cooperation["id"]), f"/api/rotations/{proposed['id']}"):
        refused = client.post(
            f"/api/targets/{cooperation['id']}/links",
            json={"record_type": "rotation", "record_id": proposed["id"]},
        )
    assert "already serves another development target" in assert_problem(refused, 409)["detail"]

    # An edit of target_id moves it: both targets record it in the same save.
    moved = client.patch(f"/api/rotations/{proposed['id']}", json={"target_id": cooperation["id"]})
    assert moved.status_code == 200, moved.text
    assert moved.json()["target_id"] == cooperation["id"]
    assert client.get(f"/api/targets/{rotation_target['id']}").json()["links"] == []
    assert [
        link["record_id"] for link in client.get(f"/api/targets/{cooperation['id']}").json()["links"]
    ] == [proposed["id"]]
    assert [e["event_type"] for e in history(client, f"/api/rotations/{proposed['id']}")][-2:] == [
        "TargetUnlinked",
        "TargetLinked",
    ]

    command(client, cooperation["id"], "unlink", {"record_id": proposed["id"]})
    assert client.get(f"/api/rotations/{proposed['id']}").json()["target_id"] is None
    again = command(
        client, rotation_target["id"], "links", {"record_type": "rotation", "record_id": proposed["id"]}
    )
    assert again["links_count"] == 1
    assert client.get(f"/api/rotations/{proposed['id']}").json()["target_id"] == rotation_target["id"]


def test_a_placement_naming_an_unknown_or_retired_target_is_refused(client: TestClient) -> None:
    org = register_heinavesi(client)
    retired = define(client)
    command(client, retired["id"], "retire", {"reason": "Työkierto vakiintui."})
    person = register_person(client, "Maija Meikäläinen")
    body = {
        "person_id": person["id"],
        "home_organisation_id": org.id,
        "home_unit_id": org.units["Kotihoito"],
        "host_organisation_id": org.id,
        "host_unit_id": org.units["Terveyskeskuksen vuodeosasto"],
        "starts_on": "2012-03-05",
        "ends_on": "2012-03-30",
        "learning_goals": ["Kotiutuskäytännöt"],
    }
    with nothing_recorded(client, "/api/rotations"):
        unknown = client.post("/api/rotations", json={**body, "target_id": UNKNOWN})
    assert assert_problem(unknown, 422, field="target_id")["detail"] == (
        f"There is no development target with id {UNKNOWN}."
    )
    with nothing_recorded(client, "/api/rotations", *paths(retired["id"])):
        refused = client.post("/api/rotations", json={**body, "target_id": retired["id"]})
    assert "is retired" in assert_problem(refused, 409)["detail"]


def test_a_change_day_action_can_be_linked(client: TestClient) -> None:
    target = define(client, COOPERATION)
    action = change_action(client)
    linked = command(
        client, target["id"], "links", {"record_type": "change_action", "record_id": action["id"]}
    )
    assert [(link["record_type"], link["name"]) for link in linked["links"]] == [
        ("change_action", action["text"])
    ]


# ---- reviews and retirement ------------------------------------------------------


def test_a_yearly_review_and_its_correction(client: TestClient) -> None:
    target = define(client)
    reviewed = command(
        client,
        target["id"],
        "reviews",
        {"year": 2012, "status": "at_risk", "what_changed": "Opas kesken.", "decision": "continue"},
    )
    assert reviewed["reviews_count"] == 1
    first = reviewed["latest_review"]
    assert (first["year"], first["status"], first["decision"]) == (2012, "at_risk", "continue")

    corrected = command(
        client,
        target["id"],
        "reviews",
        {
            "year": 2012,
            "status": "on_track",
            "what_changed": "Opas valmistui joulukuussa.",
            "decision": "adjust",
        },
    )
    assert corrected["reviews_count"] == 1  # a correction is not another year
    assert [r["corrected_by"] for r in corrected["reviews"]] == [corrected["latest_review"]["id"], None]
    assert corrected["latest_review"]["corrects"] == first["id"]
    assert corrected["latest_review"]["status"] == "on_track"
    later = command(
        client, target["id"], "reviews", {"year": 2013, "status": "achieved", "decision": "retire"}
    )
    assert later["reviews_count"] == 2 and later["latest_review"]["year"] == 2013
    assert later["status"] == "active"  # a retire decision is a recommendation, not a retirement

    entries = history(client, f"/api/targets/{target['id']}")
    assert {"field": "reviews.2012.corrects", "old": None, "new": first["id"]} in entries[-2]["changes"]

    this_year = datetime.now(UTC).year
    for body, field in (
        ({"year": this_year + 1, "status": "on_track", "decision": "continue"}, "year"),
        ({"year": 2011, "status": "on_track", "decision": "continue"}, "year"),
        ({"year": 2012, "status": "fine", "decision": "continue"}, "status"),
        ({"year": 2012, "status": "on_track", "decision": "celebrate"}, "decision"),
        ({"year": "2012", "status": "on_track", "decision": "continue"}, "year"),
    ):
        with nothing_recorded(client, *paths(target["id"])):
            refused = client.post(f"/api/targets/{target['id']}/reviews", json=body)
        assert_problem(refused, 422, field=field)


def test_a_retired_target_takes_no_more_changes(client: TestClient) -> None:
    target = define(client)
    initiative = propose(client, "Opas työnkiertoon")
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    with nothing_recorded(client, *paths(target["id"])):
        blank = client.post(f"/api/targets/{target['id']}/retire", json={"reason": " "})
    assert_problem(blank, 422, field="reason")

    retired = command(client, target["id"], "retire", {"reason": "Työkierto on vakiintunut käytäntö."})
    assert (retired["status"], retired["retired_reason"]) == ("retired", "Työkierto on vakiintunut käytäntö.")
    assert history(client, f"/api/targets/{target['id']}")[-1]["changes"][0] == {
        "field": "status",
        "old": "active",
        "new": "retired",
    }
    other = propose(client, "Toinen")
    refusals = [
        ("post", "links", {"record_type": "initiative", "record_id": other["id"]}),
        ("post", "unlink", {"record_id": initiative["id"]}),
        ("post", "reviews", {"year": 2012, "status": "achieved", "decision": "retire"}),
        ("post", "retire", {"reason": "Uudelleen"}),
        ("patch", "", {"title": "Uusi nimi"}),
    ]
    for method, verb, body in refusals:
        path = f"/api/targets/{target['id']}/{verb}".rstrip("/")
        with nothing_recorded(client, *paths(target["id"]), f"/api/initiatives/{other['id']}/history"):
            refused = client.request(method, path, json=body)
        assert assert_problem(refused, 409)["detail"] == (
            f"Development target {ROTATION} is retired; it cannot be changed, linked or reviewed any more."
        )


def test_unknown_targets_are_404_for_every_command_and_read(client: TestClient) -> None:
    define(client)
    before = all_events(client)
    for method, suffix, body in (
        ("get", "", None),
        ("get", "/history", None),
        ("get", "/coverage", None),
        ("patch", "", {"title": "X"}),
        ("post", "/unlink", {"record_id": UNKNOWN}),
        ("post", "/reviews", {"year": 2012, "status": "on_track", "decision": "continue"}),
        ("post", "/retire", {"reason": "X"}),
    ):
        response = client.request(method, f"/api/targets/{UNKNOWN}{suffix}", json=body)
        assert_problem(response, 404)
    assert all_events(client) == before


# ---- coverage ------------------------------------------------------------------------


def test_coverage_shows_linked_work_and_flags(client: TestClient) -> None:
    org = register_heinavesi(client)
    target = define(client)
    empty = client.get(f"/api/targets/{target['id']}/coverage").json()
    assert empty["flags"] == {"no_measure": True, "no_activity": True}
    assert empty["initiatives"] == [] and empty["last_activity_at"] is None

    initiative = propose(client, "Opas työnkiertoon")
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    linked_only = client.get(f"/api/targets/{target['id']}/coverage").json()
    # Proposing it was recorded just now: that is activity; linking itself is not.
    assert linked_only["flags"] == {"no_measure": True, "no_activity": False}
    assert (
        linked_only["last_activity_at"]
        == history(client, f"/api/initiatives/{initiative['id']}")[0]["recorded_at"]
    )
    moment = history(client, f"/api/targets/{target['id']}")[-1]["recorded_at"]  # when it was linked

    move(client, initiative["id"], "plan")
    move(client, initiative["id"], "start")
    evaluation = client.post(
        f"/api/initiatives/{initiative['id']}/evaluations",
        json={
            "evaluated_on": "2012-12-14",
            "method": "survey",
            "lessons": "Opas ensin.",
            "recommendation": "spread",
        },
    )
    assert evaluation.status_code == 201, evaluation.text
    measure = client.post(
        f"/api/initiatives/{initiative['id']}/measures",
        json={"name": "Työkierrossa olleet", "unit": "hlö", "direction": "up", "frequency": "yearly"},
    )
    assert measure.status_code == 201, measure.text
    rotation = placement(client, org, target_id=target["id"])
    action = change_action(client)
    command(client, target["id"], "links", {"record_type": "change_action", "record_id": action["id"]})
    command(client, target["id"], "reviews", {"year": 2012, "status": "on_track", "decision": "continue"})

    covered = client.get(f"/api/targets/{target['id']}/coverage").json()
    assert covered["target"]["id"] == target["id"]
    assert covered["initiatives"] == [
        {
            "id": initiative["id"],
            "name": "Opas työnkiertoon",
            "status": "in_progress",
            "latest_evaluation": {
                "id": evaluation.json()["id"],
                "evaluated_on": "2012-12-14",
                "recommendation": "spread",
            },
            "measures": [
                {
                    "id": measure.json()["id"],
                    "name": "Työkierrossa olleet",
                    "unit": "hlö",
                    "values_count": 0,
                    "last_value_on": None,
                }
            ],
        }
    ]
    assert [(p["id"], p["status"], p["home_unit"]["name"]) for p in covered["placements"]] == [
        (rotation["id"], "proposed", "Kotihoito")
    ]
    assert [(a["id"], a["status"]) for a in covered["actions"]] == [(action["id"], "pledged")]
    assert covered["latest_review"]["year"] == 2012
    assert covered["flags"] == {"no_measure": False, "no_activity": False}

    then = client.get(f"/api/targets/{target['id']}/coverage", params={"as_of": moment}).json()
    assert [i["id"] for i in then["initiatives"]] == [initiative["id"]]
    assert then["initiatives"][0]["status"] == "proposed" and then["initiatives"][0]["measures"] == []
    assert then["placements"] == [] and then["latest_review"] is None
    assert then["flags"]["no_measure"] is True and then["as_of"] is not None


def test_target_history_tells_the_whole_story(client: TestClient) -> None:
    target = define(client)
    initiative = propose(client, "Opas työnkiertoon")
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    command(client, target["id"], "unlink", {"record_id": initiative["id"], "reason": "Väärä kohde"})
    command(client, target["id"], "reviews", {"year": 2012, "status": "achieved", "decision": "retire"})
    command(client, target["id"], "retire", {"reason": "Saavutettu."})
    entries = history(client, f"/api/targets/{target['id']}")
    assert [e["event_type"] for e in entries] == ["Defined", "Linked", "Unlinked", "Reviewed", "Retired"]
    assert [e["version"] for e in entries] == [1, 2, 3, 4, 5]
    assert {"field": "unlink_reason", "old": None, "new": "Väärä kohde"} in entries[2]["changes"]
    assert_problem(client.get(f"/api/targets/{initiative['id']}/history"), 404)


# ---- rebuild ---------------------------------------------------------------------------


def test_a_rebuild_gives_the_same_target_and_evaluation_tables(
    client: TestClient, services: Services
) -> None:
    org = register_heinavesi(client)
    target = define(client, organisation_id=org.id)
    other = define(client, COOPERATION, strategy="acquire")
    initiative = propose(client, "Opas työnkiertoon")
    move(client, initiative["id"], "plan")
    move(client, initiative["id"], "start")
    evaluated = client.post(
        f"/api/initiatives/{initiative['id']}/evaluations",
        json={
            "evaluated_on": "2012-12-14",
            "method": "survey",
            "lessons": "Opas ensin.",
            "recommendation": "spread",
        },
    )
    assert evaluated.status_code == 201, evaluated.text
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    command(client, target["id"], "unlink", {"record_id": initiative["id"]})
    command(client, target["id"], "links", {"record_type": "initiative", "record_id": initiative["id"]})
    rotation = placement(client, org, target_id=target["id"])
    assert (
        client.patch(f"/api/rotations/{rotation['id']}", json={"target_id": other["id"]}).status_code == 200
    )
    action = change_action(client)
    command(client, other["id"], "links", {"record_type": "change_action", "record_id": action["id"]})
    command(client, target["id"], "reviews", {"year": 2012, "status": "at_risk", "decision": "continue"})
    command(client, target["id"], "reviews", {"year": 2012, "status": "on_track", "decision": "adjust"})
    command(client, other["id"], "retire", {"reason": "Yhdistetty toiseen kohteeseen."})

    engine = services.projector.engine
    incremental = read_model_snapshot(engine)
    assert len(incremental["development_target_links"]) == 7  # one row per link or unlink event
    assert len(incremental["development_target_reviews"]) == 2
    assert len(incremental["evaluations"]) == 1
    rebuild(services.projector)
    assert_same_tables(incremental, read_model_snapshot(engine))
