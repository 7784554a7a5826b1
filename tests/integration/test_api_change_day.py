"""Change Day over the JSON API, on both stores: campaigns, pledges, completion with a
story (the handprint), withdrawal, inspired-by links, the wall, handprints and the
CSV import. Every refusal is checked to record nothing.

The data is Oulunkaari's (seed 003): "Kehittäminen kuuluu kaikille", where Change
Day handprint badges tell of the development actions that were carried out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from scripts import import_pledges as import_script
from services.settings import Settings
from tests.integration.api_helpers import (
    OULUNKAARI,
    Org,
    all_events,
    assert_problem,
    history,
    nothing_recorded,
    register_organisation,
    register_person,
)

UNITS = ("Soten kehittämistiimi", "Kotihoito", "Vuodeosasto")
CAMPAIGN = {"name": "Oulunkaaren Change Day 2016", "date": "2016-03-16", "target_count": 50}
MAIJA_EMAIL = "maija.meikalainen@oulunkaari.fi"
PLEDGE = "Minä lupaan kysyä jokaiselta kotihoidon asiakkaalta, mikä hänelle on tänään tärkeintä."
STORY = "Kysyin kahdeltatoista asiakkaalta; kolme käyntiä järjestettiin uudelleen heidän toiveidensa mukaan."


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Oulunkaari:
    """An organisation with units, two people and a campaign."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.org: Org = register_organisation(client, OULUNKAARI, "joint_authority", UNITS)
        self.kotihoito = self.org.units["Kotihoito"]
        self.maija = register_person(client, "Maija Meikäläinen", MAIJA_EMAIL)["id"]
        self.innovaattori = register_person(client, "Iida Innovaattori", "iida@oulunkaari.fi")["id"]
        self.campaign = ok(client.post("/api/campaigns", json=CAMPAIGN), 201)["id"]

    def pledge(self, campaign: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"text": PLEDGE, "person_id": self.maija, "category": "patient_experience", **fields}
        body = {k: v for k, v in body.items() if v is not None}
        return ok(self.client.post(f"/api/campaigns/{campaign or self.campaign}/actions", json=body), 201)  # type: ignore[no-any-return]

    def wall(self, **params: str) -> dict[str, Any]:
        return ok(self.client.get(f"/api/campaigns/{self.campaign}/wall", params=params))  # type: ignore[no-any-return]


def record_change_day(client: TestClient) -> dict[str, str]:
    """Every kind of Change Day event (used by the rebuild test too)."""
    o = Oulunkaari(client)
    ok(client.patch(f"/api/campaigns/{o.campaign}", json={"target_count": 80, "name": "Change Day 2016"}))
    first = o.pledge(organisation_id=o.org.id, unit_id=o.kotihoito)["id"]
    team = o.pledge(person_id=None, team="Vuodeosaston tiimi", category="working_together")["id"]
    third = o.pledge(text="Me lupaamme lajitella biojätteen.", category="environment", inspired_by=first)[
        "id"
    ]
    ok(client.post(f"/api/actions/{first}/complete", json={"story": STORY, "occurred_on": "2016-03-16"}))
    ok(client.post(f"/api/actions/{team}/complete", json={"story": "Pidimme yhteisen palaverin."}))
    ok(client.post(f"/api/actions/{team}/inspired-by", json={"action_id": first}))
    ok(client.post(f"/api/actions/{third}/withdraw", json={"reason": "Siirryin toiseen yksikköön."}))
    csv = "text;team;category\r\nLupaan hymyillä;Kotihoito;muu\r\n"
    ok(client.post(f"/api/campaigns/{o.campaign}/actions/import", content=csv.encode(), headers=CSV))
    return {"campaign": o.campaign, "first": first, "team": team, "third": third, "maija": o.maija}


CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def o(client: TestClient) -> Oulunkaari:
    return Oulunkaari(client)


# ---- campaigns -------------------------------------------------------------------------


class TestCampaigns:
    def test_create_read_list_and_history(self, client: TestClient) -> None:
        created = client.post("/api/campaigns", json=CAMPAIGN)
        body = ok(created, 201)
        assert created.headers["Location"] == f"/api/campaigns/{body['id']}"
        assert created.headers["ETag"] == '"1"'
        assert {k: body[k] for k in ("name", "date", "target_count", "version")} == {**CAMPAIGN, "version": 1}
        read = client.get(f"/api/campaigns/{body['id']}")
        assert ok(read)["name"] == CAMPAIGN["name"] and read.headers["ETag"] == '"1"'
        assert [c["id"] for c in ok(client.get("/api/campaigns"))["items"]] == [body["id"]]
        (entry,) = history(client, f"/api/campaigns/{body['id']}")
        assert entry["event_type"] == "Created" and entry["record_type"] == "campaign"
        assert {c["field"]: c["new"] for c in entry["changes"]} == {
            "name": CAMPAIGN["name"],
            "held_on": "2016-03-16",
            "target_count": 50,
        }

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"date": "2016-03-16", "target_count": 5}, "name"),
            ({**CAMPAIGN, "name": "   "}, "name"),
            ({**CAMPAIGN, "target_count": 0}, "target_count"),
            ({**CAMPAIGN, "target_count": "many"}, "target_count"),
            ({**CAMPAIGN, "date": "16.3.2016"}, "date"),
            ({"name": "x", "target_count": 5}, "date"),
            ({**CAMPAIGN, "colour": "red"}, "colour"),
        ],
    )
    def test_invalid_campaigns_are_refused(
        self, client: TestClient, body: dict[str, Any], field: str
    ) -> None:
        with nothing_recorded(client, "/api/campaigns"):
            assert_problem(client.post("/api/campaigns", json=body), 422, field=field)

    def test_malformed_json_is_a_400(self, client: TestClient) -> None:
        with nothing_recorded(client):
            assert_problem(
                client.post("/api/campaigns", content=b"{", headers={"Content-Type": "application/json"}), 400
            )

    def test_edit_and_its_history(self, o: Oulunkaari) -> None:
        path = f"/api/campaigns/{o.campaign}"
        edited = o.client.patch(
            path, json={"target_count": 80, "date": "2016-03-17"}, headers={"If-Match": '"1"'}
        )
        assert ok(edited)["target_count"] == 80 and edited.headers["ETag"] == '"2"'
        entries = history(o.client, path)
        assert entries[-1]["event_type"] == "Edited"
        assert {c["field"]: (c["old"], c["new"]) for c in entries[-1]["changes"]} == {
            "target_count": (50, 80),
            "held_on": ("2016-03-16", "2016-03-17"),
        }
        # An edit that changes nothing records nothing.
        with nothing_recorded(o.client, path):
            assert ok(o.client.patch(path, json={"target_count": 80}))["version"] == 2

    def test_edit_refusals(self, o: Oulunkaari) -> None:
        path = f"/api/campaigns/{o.campaign}"
        with nothing_recorded(o.client, path, f"{path}/history"):
            assert_problem(o.client.patch(path, json={"name": "Uusi"}, headers={"If-Match": '"7"'}), 412)
            assert_problem(o.client.patch(path, json={"name": None}), 422, field="name")
            assert_problem(o.client.patch(path, json={"target_count": -1}), 422, field="target_count")
            assert_problem(o.client.patch(path, json={"held_on": "2016-01-01"}), 422, field="held_on")
            assert_problem(o.client.patch(f"/api/campaigns/{uuid4()}", json={"name": "x"}), 404)

    def test_unknown_and_not_yet(self, o: Oulunkaari) -> None:
        missing = uuid4()
        for path in (
            f"/api/campaigns/{missing}",
            f"/api/campaigns/{missing}/history",
            f"/api/campaigns/{missing}/wall",
        ):
            assert_problem(o.client.get(path), 404)
        early = {"as_of": "2001-01-01T00:00:00Z"}
        assert_problem(o.client.get(f"/api/campaigns/{o.campaign}", params=early), 404)
        assert ok(o.client.get("/api/campaigns", params=early))["items"] == []


# ---- pledges -------------------------------------------------------------------------------


class TestPledge:
    def test_a_person_pledges_in_a_unit(self, o: Oulunkaari) -> None:
        created = o.client.post(
            f"/api/campaigns/{o.campaign}/actions",
            json={
                "text": PLEDGE,
                "person_id": o.maija,
                "organisation_id": o.org.id,
                "unit_id": o.kotihoito,
                "category": "patient_experience",
            },
        )
        body = ok(created, 201)
        assert created.headers["Location"] == f"/api/actions/{body['id']}"
        assert body["campaign"] == {"id": o.campaign, "name": CAMPAIGN["name"]}
        assert body["pledger"] == {"person": {"id": o.maija, "name": "Maija Meikäläinen"}, "team": None}
        assert body["unit"] == {"id": o.kotihoito, "name": "Kotihoito"}
        assert (body["status"], body["handprint"], body["version"]) == ("pledged", False, 1)
        assert ok(o.client.get(f"/api/actions/{body['id']}"))["text"] == PLEDGE

    def test_a_team_pledges(self, o: Oulunkaari) -> None:
        body = o.pledge(person_id=None, team="Kotihoidon tiimi 3", category="wellbeing_at_work")
        assert body["pledger"] == {"person": None, "team": "Kotihoidon tiimi 3"}

    def test_an_idempotent_retry_records_once(self, o: Oulunkaari) -> None:
        path = f"/api/campaigns/{o.campaign}/actions"
        body = {"text": PLEDGE, "team": "Tiimi", "category": "other"}
        headers = {"Idempotency-Key": "change-day-retry"}
        first = ok(o.client.post(path, json=body, headers=headers), 201)
        events = all_events(o.client)
        again = o.client.post(path, json=body, headers=headers)
        assert ok(again, 201)["id"] == first["id"]
        assert all_events(o.client) == events

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"text": "  "}, "text"),
            ({"text": None}, "text"),
            ({"person_id": None}, "person_id"),
            ({"team": "Kotihoito"}, "team"),
            ({"category": "important"}, "category"),
            ({"category": None}, "category"),
            ({"unit_id": "UNIT"}, "unit_id"),
            ({"organisation_id": "ORG", "unit_id": "OTHER_UNIT"}, "unit_id"),
            ({"organisation_id": "MISSING"}, "organisation_id"),
            ({"person_id": "MISSING"}, "person_id"),
            ({"inspired_by": "MISSING"}, "inspired_by"),
            ({"priority": "high"}, "priority"),
        ],
    )
    def test_invalid_pledges_are_refused(self, o: Oulunkaari, changes: dict[str, Any], field: str) -> None:
        other = register_organisation(o.client, "Hamina", "municipality", ("Kirjasto",))
        values = {
            "UNIT": o.kotihoito,
            "ORG": o.org.id,
            "OTHER_UNIT": other.units["Kirjasto"],
            "MISSING": str(uuid4()),
        }
        body = {"text": PLEDGE, "person_id": o.maija, "category": "other"}
        body.update({k: values.get(v, v) if isinstance(v, str) else v for k, v in changes.items()})
        body = {k: v for k, v in body.items() if v is not None}
        path = f"/api/campaigns/{o.campaign}/actions"
        with nothing_recorded(o.client, f"/api/actions?campaign_id={o.campaign}"):
            assert_problem(o.client.post(path, json=body), 422, field=field)

    def test_unknown_campaign(self, o: Oulunkaari) -> None:
        with nothing_recorded(o.client):
            body = {"text": PLEDGE, "team": "T", "category": "other"}
            assert_problem(o.client.post(f"/api/campaigns/{uuid4()}/actions", json=body), 404)

    def test_inspired_by_an_action_of_the_same_campaign_only(self, o: Oulunkaari) -> None:
        source = o.pledge()["id"]
        linked = o.pledge(text="Me lupaamme kysyä myös omaisilta.", inspired_by=source)
        assert linked["inspired_by"] == [{"id": source, "text": PLEDGE}]
        other = ok(o.client.post("/api/campaigns", json={**CAMPAIGN, "name": "Change Day 2017"}), 201)["id"]
        body = {"text": PLEDGE, "team": "T", "category": "other", "inspired_by": source}
        with nothing_recorded(o.client):
            problem = assert_problem(
                o.client.post(f"/api/campaigns/{other}/actions", json=body), 422, field="action_id"
            )
        assert "another campaign" in problem["detail"]


# ---- complete, withdraw, inspired-by ------------------------------------------------------


class TestLifecycle:
    def test_complete_awards_the_handprint(self, o: Oulunkaari) -> None:
        action = o.pledge()["id"]
        done = o.client.post(
            f"/api/actions/{action}/complete", json={"story": STORY, "occurred_on": "2016-03-16"}
        )
        body = ok(done)
        assert (body["status"], body["handprint"], body["story"], body["completed_on"]) == (
            "completed",
            True,
            STORY,
            "2016-03-16",
        )
        assert done.headers["ETag"] == '"2"'
        entries = history(o.client, f"/api/actions/{action}")
        assert [e["event_type"] for e in entries] == ["Pledged", "Completed"]
        assert {c["field"]: c["new"] for c in entries[1]["changes"]} == {
            "status": "completed",
            "story": STORY,
        }
        assert entries[1]["occurred_on"] == "2016-03-16"

    def test_completion_refusals(self, o: Oulunkaari) -> None:
        action = o.pledge()["id"]
        paths = (f"/api/actions/{action}", f"/api/actions/{action}/history")
        with nothing_recorded(o.client, *paths):
            assert_problem(
                o.client.post(f"/api/actions/{action}/complete", json={"story": " "}), 422, field="story"
            )
            assert_problem(o.client.post(f"/api/actions/{action}/complete", json={}), 422, field="story")
            assert_problem(
                o.client.post(
                    f"/api/actions/{action}/complete", json={"story": STORY, "occurred_on": "2999-01-01"}
                ),
                422,
                field="occurred_on",
            )
            stale = o.client.post(
                f"/api/actions/{action}/complete", json={"story": STORY}, headers={"If-Match": '"5"'}
            )
            assert assert_problem(stale, 412)["current_version"] == 1
            assert_problem(o.client.post(f"/api/actions/{uuid4()}/complete", json={"story": STORY}), 404)
        ok(o.client.post(f"/api/actions/{action}/complete", json={"story": STORY}))
        with nothing_recorded(o.client, *paths):
            again = o.client.post(f"/api/actions/{action}/complete", json={"story": "Toinen"})
            assert "already completed" in assert_problem(again, 409, slug="rule-broken")["detail"]
            refused = o.client.post(f"/api/actions/{action}/withdraw")
            assert "already completed" in assert_problem(refused, 409)["detail"]

    def test_withdraw_and_no_completion_after_it(self, o: Oulunkaari) -> None:
        action = o.pledge()["id"]
        body = ok(
            o.client.post(f"/api/actions/{action}/withdraw", json={"reason": "Jäin vuorotteluvapaalle."})
        )
        assert (body["status"], body["withdrawal_reason"], body["handprint"]) == (
            "withdrawn",
            "Jäin vuorotteluvapaalle.",
            False,
        )
        other = o.pledge(text="Lupaan jotain muuta.")["id"]
        assert ok(o.client.post(f"/api/actions/{other}/withdraw"))["withdrawal_reason"] == ""
        paths = (f"/api/actions/{action}", f"/api/actions/{action}/history")
        with nothing_recorded(o.client, *paths):
            refused = o.client.post(f"/api/actions/{action}/complete", json={"story": STORY})
            assert "withdrawn" in assert_problem(refused, 409)["detail"]
            assert_problem(o.client.post(f"/api/actions/{action}/withdraw"), 409)
            assert_problem(o.client.post(f"/api/actions/{uuid4()}/withdraw"), 404)
            assert_problem(o.client.post(f"/api/actions/{other}/withdraw", json={"reason": "x" * 2001}), 409)

    def test_inspired_by_link_is_recorded_once(self, o: Oulunkaari) -> None:
        source, action = o.pledge()["id"], o.pledge(text="Me lupaamme kysyä omaisilta.")["id"]
        path = f"/api/actions/{action}/inspired-by"
        body = ok(o.client.post(path, json={"action_id": source}))
        assert body["inspired_by"] == [{"id": source, "text": PLEDGE}] and body["version"] == 2
        with nothing_recorded(o.client, f"/api/actions/{action}", f"/api/actions/{action}/history"):
            assert ok(o.client.post(path, json={"action_id": source}))["version"] == 2
            assert_problem(o.client.post(path, json={"action_id": action}), 422, field="action_id")
            assert_problem(o.client.post(path, json={"action_id": str(uuid4())}), 422, field="action_id")
            assert_problem(o.client.post(path, json={}), 422, field="action_id")
            assert_problem(
                o.client.post(f"/api/actions/{uuid4()}/inspired-by", json={"action_id": source}), 404
            )
        (entry,) = [e for e in history(o.client, f"/api/actions/{action}") if e["event_type"] == "InspiredBy"]
        assert entry["changes"] == [{"field": f"inspired_by.{source}", "old": None, "new": source}]

    def test_no_links_from_another_campaign_or_to_a_withdrawn_action(self, o: Oulunkaari) -> None:
        other = ok(o.client.post("/api/campaigns", json={**CAMPAIGN, "name": "Change Day 2017"}), 201)["id"]
        foreign = o.pledge(campaign=other)["id"]
        action = o.pledge()["id"]
        with nothing_recorded(o.client, f"/api/actions/{action}"):
            assert_problem(
                o.client.post(f"/api/actions/{action}/inspired-by", json={"action_id": foreign}), 422
            )
        ok(o.client.post(f"/api/actions/{action}/withdraw"))
        source = o.pledge(text="Lähde")["id"]
        with nothing_recorded(o.client, f"/api/actions/{action}"):
            refused = o.client.post(f"/api/actions/{action}/inspired-by", json={"action_id": source})
            assert_problem(refused, 409)

    def test_unknown_action_reads(self, o: Oulunkaari) -> None:
        missing = uuid4()
        assert_problem(o.client.get(f"/api/actions/{missing}"), 404)
        assert_problem(o.client.get(f"/api/actions/{missing}/history"), 404)
        # A campaign's id is not an action's.
        assert_problem(o.client.get(f"/api/actions/{o.campaign}/history"), 404)


# ---- reads: list, wall, handprints --------------------------------------------------------------


class TestReads:
    def test_list_filters_and_pages(self, o: Oulunkaari) -> None:
        first = o.pledge(organisation_id=o.org.id, unit_id=o.kotihoito)["id"]
        second = o.pledge(text="Toinen", category="environment")["id"]
        third = o.pledge(text="Kolmas", person_id=None, team="Tiimi")["id"]
        ok(o.client.post(f"/api/actions/{second}/complete", json={"story": STORY}))

        def ids(**params: Any) -> list[str]:
            return [a["id"] for a in ok(o.client.get("/api/actions", params=params))["items"]]

        assert ids(campaign_id=o.campaign) == [third, second, first]
        assert ids(status="completed") == [second]
        assert ids(unit_id=o.kotihoito) == [first]
        assert ids(category="environment") == [second]
        page = ok(o.client.get("/api/actions", params={"campaign_id": o.campaign, "limit": 2}))
        assert [a["id"] for a in page["items"]] == [third, second]
        rest = ok(o.client.get("/api/actions", params={"limit": 2, "cursor": page["next_cursor"]}))
        assert [a["id"] for a in rest["items"]] == [first] and rest["next_cursor"] is None
        assert_problem(o.client.get("/api/actions", params={"cursor": "nonsense"}), 400)
        assert_problem(o.client.get("/api/actions", params={"status": "done"}), 422)

    def test_the_wall_counts_and_tells_stories(self, o: Oulunkaari) -> None:
        empty = o.wall()
        assert empty["totals"] == {
            "pledged": 0,
            "completed": 0,
            "withdrawn": 0,
            "open": 0,
            "completion_rate": 0.0,
            "target_count": 50,
            "target_progress": 0.0,
        }
        moment = ok(o.client.get(f"/api/campaigns/{o.campaign}"))["created_at"]
        a = o.pledge(organisation_id=o.org.id, unit_id=o.kotihoito)["id"]
        b = o.pledge(text="B", organisation_id=o.org.id, category="environment")["id"]
        c = o.pledge(text="C", person_id=None, team="Tiimi", category="environment")["id"]
        o.pledge(text="D", person_id=None, team="Tiimi")
        ok(o.client.post(f"/api/actions/{a}/complete", json={"story": STORY}))
        ok(o.client.post(f"/api/actions/{b}/complete", json={"story": "Biojäte lajitellaan."}))
        ok(o.client.post(f"/api/actions/{c}/withdraw"))
        wall = o.wall()
        assert wall["totals"] == {
            "pledged": 4,
            "completed": 2,
            "withdrawn": 1,
            "open": 1,
            "completion_rate": round(2 / 3, 4),
            "target_count": 50,
            "target_progress": 0.06,
        }
        orgs = {(g["organisation"] or {}).get("name"): g for g in wall["organisations"]}
        assert (orgs[OULUNKAARI]["pledged"], orgs[OULUNKAARI]["completed"]) == (2, 2)
        assert [(u["unit"]["name"], u["completed"]) for u in orgs[OULUNKAARI]["units"]] == [("Kotihoito", 1)]
        assert (orgs[None]["pledged"], orgs[None]["withdrawn"]) == (2, 1)
        categories = {
            g["category"]: (g["pledged"], g["completed"], g["withdrawn"]) for g in wall["categories"]
        }
        assert categories == {"patient_experience": (2, 1, 0), "environment": (2, 1, 1)}
        assert [s["action_id"] for s in wall["latest_stories"]] == [b, a]
        assert wall["latest_stories"][1]["story"] == STORY
        assert wall["latest_stories"][1]["pledger"]["person"]["name"] == "Maija Meikäläinen"
        # As of the campaign's creation nothing was pledged yet.
        past = o.wall(as_of=moment)
        assert past["totals"]["pledged"] == 0 and past["latest_stories"] == [] and past["as_of"]

    def test_the_wall_as_of_a_moment_in_between(self, o: Oulunkaari) -> None:
        a = o.pledge()["id"]
        ok(o.client.post(f"/api/actions/{a}/complete", json={"story": STORY}))
        moment = ok(o.client.get(f"/api/actions/{a}"))["updated_at"]
        b = o.pledge(text="B")["id"]
        ok(o.client.post(f"/api/actions/{b}/complete", json={"story": "B tehty."}))
        then = o.wall(as_of=moment)
        assert (then["totals"]["pledged"], then["totals"]["completed"]) == (1, 1)
        assert [s["action_id"] for s in then["latest_stories"]] == [a]
        assert o.wall()["totals"]["completed"] == 2
        # The action itself as of then: pledged B did not exist.
        assert_problem(o.client.get(f"/api/actions/{b}", params={"as_of": moment}), 404)

    def test_handprints_of_a_person_and_of_teams(self, o: Oulunkaari) -> None:
        mine = o.pledge()["id"]
        o.pledge(text="Kesken")
        team = o.pledge(text="Tiimin teko", person_id=None, team="Kotihoidon  tiimi")["id"]
        other_team = o.pledge(text="Toisen tiimin teko", person_id=None, team="Vuodeosasto")["id"]
        for action in (mine, team, other_team):
            ok(o.client.post(f"/api/actions/{action}/complete", json={"story": STORY}))
        person = ok(o.client.get(f"/api/people/{o.maija}/handprints"))
        assert person["person"]["name"] == "Maija Meikäläinen"
        assert (person["count"], [h["action_id"] for h in person["items"]]) == (1, [mine])
        assert ok(o.client.get(f"/api/people/{o.innovaattori}/handprints"))["count"] == 0
        teams = ok(o.client.get(f"/api/campaigns/{o.campaign}/handprints"))
        assert teams["count"] == 2 and {t["team"] for t in teams["teams"]} == {
            "Kotihoidon  tiimi",
            "Vuodeosasto",
        }
        one = ok(o.client.get(f"/api/campaigns/{o.campaign}/handprints", params={"team": "kotihoidon tiimi"}))
        assert [h["action_id"] for h in one["items"]] == [team]
        assert_problem(o.client.get(f"/api/people/{uuid4()}/handprints"), 404)
        assert_problem(o.client.get(f"/api/campaigns/{uuid4()}/handprints"), 404)


# ---- CSV import ------------------------------------------------------------------------------

FINNISH_CSV = (
    "\ufefftext;person_email;team;organisation;unit;category\r\n"
    f"Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä;{MAIJA_EMAIL};;"
    f"{OULUNKAARI};Kotihoito;asiakaskokemus\r\n"
    "Me lupaamme pitää taukojumpan joka päivä;;Kotihoidon tiimi 3;;;työhyvinvointi\r\n"
    ";;Tiimi ilman tekoa;;;muu\r\n"
    "Lupaan jotain;tuntematon@oulunkaari.fi;;;Kotihoito;tärkeä\r\n"
    "Säästän sähköä sammuttamalla valot;;Vuodeosasto;;;ympäristö\r\n"
)


class TestImport:
    def import_csv(self, o: Oulunkaari, text: str | bytes, **kwargs: Any) -> Any:
        content = text.encode("utf-8") if isinstance(text, str) else text
        return o.client.post(
            f"/api/campaigns/{o.campaign}/actions/import", content=content, headers=CSV, **kwargs
        )

    def test_rows_are_recorded_and_bad_rows_reported_by_line(self, o: Oulunkaari) -> None:
        report = ok(self.import_csv(o, FINNISH_CSV))
        assert (report["imported"], report["already_imported"], report["rejected_count"]) == (3, 0, 2)
        lines = {r["line"]: r["reasons"] for r in report["rejected"]}
        assert set(lines) == {4, 5}
        assert any("text is required" in reason for reason in lines[4])
        assert len(lines[5]) == 3  # unknown person, a unit without organisation, unknown category
        assert any("tuntematon@oulunkaari.fi" in reason for reason in lines[5])
        actions = ok(o.client.get("/api/actions", params={"campaign_id": o.campaign}))["items"]
        by_text = {a["text"]: a for a in actions}
        assert set(by_text) == {
            "Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä",
            "Me lupaamme pitää taukojumpan joka päivä",
            "Säästän sähköä sammuttamalla valot",
        }
        first = by_text["Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä"]
        assert first["pledger"]["person"]["id"] == o.maija and first["unit"]["name"] == "Kotihoito"
        assert first["category"] == "patient_experience" and first["import_key"].startswith("sha256:")
        assert o.wall()["totals"]["pledged"] == 3

    def test_the_same_file_twice_records_once(self, o: Oulunkaari) -> None:
        ok(self.import_csv(o, FINNISH_CSV))
        events = all_events(o.client)
        report = ok(self.import_csv(o, FINNISH_CSV))
        assert (report["imported"], report["already_imported"], report["rejected_count"]) == (0, 3, 2)
        assert all_events(o.client) == events
        assert o.wall()["totals"]["pledged"] == 3

    def test_row_ids_and_repeated_rows(self, o: Oulunkaari) -> None:
        text = (
            "id,text,team,category\n7,Lupaan,Tiimi,other\n8,Lupaan,Tiimi,other\n"
            "7,Muutettu teksti,Tiimi,other\n"
        )
        report = ok(self.import_csv(o, text))
        assert (report["imported"], report["already_imported"]) == (2, 1)
        keys = {a["import_key"] for a in ok(o.client.get("/api/actions"))["items"]}
        assert keys == {"id:7", "id:8"}

    def test_a_form_upload_works_the_same(self, o: Oulunkaari) -> None:
        files = {"file": ("lupaukset.csv", FINNISH_CSV.encode("utf-8"), "text/csv")}
        report = ok(o.client.post(f"/api/campaigns/{o.campaign}/actions/import", files=files))
        assert (report["imported"], report["rejected_count"]) == (3, 2)

    def test_a_bad_file_records_nothing(self, o: Oulunkaari) -> None:
        with nothing_recorded(o.client, f"/api/campaigns/{o.campaign}/wall"):
            problem = assert_problem(self.import_csv(o, "teksti;tiimi\nLupaan;T\n"), 422, field="file")
            assert "teksti" in problem["detail"]
            assert_problem(self.import_csv(o, ""), 422, field="file")
            latin1 = "text;team;category\nLupaan;T;muu\nMe lupaamme;Tiimi;työhyvinvointi\n".encode("latin-1")
            problem = assert_problem(self.import_csv(o, latin1), 422, field="file")
            assert "line 3" in problem["detail"] and "UTF-8" in problem["detail"]
            wrong_type = o.client.post(f"/api/campaigns/{o.campaign}/actions/import", json={"text": "Lupaan"})
            assert_problem(wrong_type, 400)
            assert_problem(
                o.client.post(f"/api/campaigns/{o.campaign}/actions/import", files={"other": ("a", b"x")}),
                422,
                field="file",
            )
            unknown = o.client.post(
                f"/api/campaigns/{uuid4()}/actions/import", content=FINNISH_CSV.encode(), headers=CSV
            )
            assert_problem(unknown, 404)

    def test_only_bad_rows_records_nothing(self, o: Oulunkaari) -> None:
        with nothing_recorded(o.client):
            report = ok(self.import_csv(o, "text;team;category\n;;muu\nLupaan;;muu\n"))
        assert (report["imported"], report["rejected_count"]) == (0, 2)
        assert [r["line"] for r in report["rejected"]] == [2, 3]


def test_the_import_script(
    store: Settings,
    client: TestClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`python -m scripts.import_pledges`: the same import, with a progress bar and a summary."""
    o = Oulunkaari(client)
    monkeypatch.setenv("KIPINA_DATA_DIR", str(store.data_dir))
    monkeypatch.setenv("KIPINA_DATABASE_URL", store.database_url or "")
    path = tmp_path / "lupaukset.csv"
    path.write_text(FINNISH_CSV, encoding="utf-8")

    assert import_script.main([o.campaign, str(path)]) == 1  # some rows were rejected
    captured = capsys.readouterr()
    assert "Imported 3 pledges, 0 already imported, 2 rejected" in captured.out
    assert "line 4: text is required" in captured.out and "line 5: " in captured.out
    assert "6/6" in captured.err  # tqdm's final "n/total" (lines)
    assert o.wall()["totals"]["pledged"] == 3

    events = all_events(client)
    assert import_script.main([o.campaign, str(path), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "Imported 0 pledges, 3 already imported, 2 rejected" in captured.out
    assert captured.err == ""
    assert all_events(client) == events

    path.write_bytes("text;team;category\nLupaan;Työyhteisö;muu\n".encode("latin-1"))
    assert import_script.main([o.campaign, str(path), "--quiet"]) == 1
    assert "line 2" in capsys.readouterr().err
    assert import_script.main([str(uuid4()), str(path), "--quiet"]) == 1
    assert "no campaign" in capsys.readouterr().err
    assert import_script.main([o.campaign, str(tmp_path / "missing.csv"), "--quiet"]) == 2
    assert all_events(client) == events
