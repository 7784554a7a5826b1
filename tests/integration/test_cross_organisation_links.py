"""A link between records of two organisations asks for confirmation: the API refuses it
without `cross_organisation: true` (422, problem+json naming both organisations, nothing
recorded), records it with the flag, and the histories say it crosses organisations; the
pages show the refusal with a confirm box. Links checked: an initiative, a placement and a
Change Day action linked to a target (from the target), a placement's target and
initiative (proposed or edited). Events stored before (version 1) still load. Both stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from domain.development_target import DevelopmentTarget
from domain.initiative import Initiative
from domain.rotation import RotationPlacement
from services.bootstrap import Services
from tests.integration.api_helpers import assert_problem, history, nothing_recorded, register_person
from tests.integration.page_helpers import parse, post_form
from tests.integration.test_pages_pickers import HAMINA, HEINAVESI, ROTATION, Twins, twins

GOALS = ["Kotiutus tutuksi"]


def crossings(client: httpx.Client, path: str) -> list[str]:
    """The event types in a record's history that say they crossed organisations."""
    return [
        entry["event_type"]
        for entry in history(client, path)
        if any(c["field"] == "cross_organisation" and c["new"] is True for c in entry["changes"])
    ]


def placement_body(client: httpx.Client, case: Twins, **overrides: Any) -> dict[str, Any]:
    person = register_person(client, "Maija Meikäläinen", organisation_id=case.hamina.id)
    mentor = register_person(client, "Jyrki Hämäläinen", organisation_id=case.hamina.id)
    return {
        "person_id": person["id"],
        "home_organisation_id": case.hamina.id,
        "home_unit_id": case.hamina.units["Kotihoito"],
        "host_organisation_id": case.hamina.id,
        "host_unit_id": case.hamina.units["Sairaala"],
        "starts_on": "2012-03-05",
        "ends_on": "2012-03-30",
        "learning_goals": GOALS,
        "mentor_id": mentor["id"],
        **overrides,
    }


def test_linking_another_organisations_initiative_needs_the_flag(client: TestClient) -> None:
    case = twins(client)
    target = f"/api/targets/{case.heinavesi_target}"
    body = {"record_type": "initiative", "record_id": case.hamina_initiative}
    with nothing_recorded(client, target, f"/api/initiatives/{case.hamina_initiative}"):
        for flag in ({}, {"cross_organisation": False}):
            problem = assert_problem(
                client.post(f"{target}/links", json={**body, **flag}), 422, field="cross_organisation"
            )
            assert HAMINA in problem["detail"] and HEINAVESI in problem["detail"], problem["detail"]
            assert ROTATION in problem["detail"]
    linked = client.post(f"{target}/links", json={**body, "cross_organisation": True})
    assert linked.status_code == 200, linked.text
    assert crossings(client, target) == ["Linked"]
    assert crossings(client, f"/api/initiatives/{case.hamina_initiative}") == ["LinkedToTarget"]


def test_a_link_within_one_organisation_needs_no_flag_and_says_nothing(client: TestClient) -> None:
    case = twins(client)
    target = f"/api/targets/{case.hamina_target}"
    linked = client.post(
        f"{target}/links", json={"record_type": "initiative", "record_id": case.hamina_initiative}
    )
    assert linked.status_code == 200, linked.text
    assert crossings(client, target) == []
    # A record without an organisation crosses nothing either.
    loose = client.post("/api/initiatives", json={"title": "Ilman organisaatiota"}).json()["id"]
    assert (
        client.post(f"{target}/links", json={"record_type": "initiative", "record_id": loose}).status_code
        == 200
    )


def test_a_placement_and_its_target_or_initiative_of_another_organisation(client: TestClient) -> None:
    case = twins(client)
    body = placement_body(client, case, target_id=case.heinavesi_target)
    with nothing_recorded(client, "/api/rotations", f"/api/targets/{case.heinavesi_target}"):
        problem = assert_problem(client.post("/api/rotations", json=body), 422, field="cross_organisation")
        assert HAMINA in problem["detail"] and HEINAVESI in problem["detail"]
        refused = client.post(
            "/api/rotations", json={**body, "target_id": None, "initiative_id": case.heinavesi_initiative}
        )
        assert_problem(refused, 422, field="cross_organisation")
    created = client.post("/api/rotations", json={**body, "cross_organisation": True})
    assert created.status_code == 201, created.text
    rotation = f"/api/rotations/{created.json()['id']}"
    assert crossings(client, rotation) == ["Proposed"]
    assert crossings(client, f"/api/targets/{case.heinavesi_target}") == ["Linked"]
    # Editing: another organisation's initiative needs the flag too; the home one does not.
    with nothing_recorded(client, rotation):
        assert_problem(
            client.patch(rotation, json={"initiative_id": case.heinavesi_initiative}),
            422,
            field="cross_organisation",
        )
    assert client.patch(rotation, json={"initiative_id": case.hamina_initiative}).status_code == 200
    moved = client.patch(
        rotation, json={"initiative_id": case.heinavesi_initiative, "cross_organisation": True}
    )
    assert moved.status_code == 200, moved.text
    assert crossings(client, rotation) == ["Proposed", "Edited"]
    # Moving it to its own organisation's target needs no flag.
    assert client.patch(rotation, json={"target_id": case.hamina_target}).status_code == 200


def test_the_target_page_asks_for_confirmation_and_the_history_says_so(client: TestClient) -> None:
    case = twins(client)
    url = f"/targets/{case.heinavesi_target}"
    data = {"record_type": "initiative", "link_initiative_id": case.hamina_initiative}
    refused = post_form(client, url, f"{url}/links", data)
    assert refused.status_code == 422
    doc = parse(refused.text)
    box = doc.by_id("link-initiative")
    confirm = box.by_id("field-cross_organisation")
    assert confirm.get("type") == "checkbox" and confirm.get("aria-describedby") == "error-cross_organisation"
    message = box.by_id("error-cross_organisation").text
    assert HAMINA in message and HEINAVESI in message
    chosen = [r for r in box.find_all("input", type="radio") if "checked" in r.attrs]
    assert [r.get("value") for r in chosen] == [case.hamina_initiative], "the choice is kept"
    linked = post_form(client, url, f"{url}/links", {**data, "cross_organisation": "yes"})
    assert linked.status_code == 303, linked.text[:3000]
    full = client.get(f"{url}/history").text
    assert "Linked across organisations" in full


def test_the_rotation_form_asks_for_confirmation(client: TestClient) -> None:
    case = twins(client)
    body = placement_body(client, case)
    data = {
        **{
            k: v
            for k, v in body.items()
            if k not in ("learning_goals", "home_organisation_id", "host_organisation_id")
        },
        "learning_goals": "\n".join(GOALS),
        "target_id": case.heinavesi_target,
    }
    refused = post_form(client, "/rotations/new", "/rotations/new", data)
    assert refused.status_code == 422
    doc = parse(refused.text)
    assert doc.by_id("field-cross_organisation").get("type") == "checkbox"
    assert HEINAVESI in doc.by_id("error-cross_organisation").text
    assert "#field-cross_organisation" in [a.get("href") for a in doc.by_id("problem-summary").find_all("a")]
    saved = post_form(client, "/rotations/new", "/rotations/new", {**data, "cross_organisation": "yes"})
    assert saved.status_code == 303, saved.text[:3000]
    shown = client.get(saved.headers["location"]).text
    assert "Linked across organisations" in shown


def test_link_events_stored_before_the_confirmation_still_load(services: Services) -> None:
    """Version 1 of these events had no `cross_organisation`: the upcasters give False."""
    app = services.app
    some = UUID(int=7)
    proposed = {
        "originator_topic": "kipina:RotationPlacement",
        "person_id": some,
        "home_organisation_id": some,
        "home_unit_id": some,
        "host_organisation_id": some,
        "host_unit_id": some,
        "starts_on": datetime(2012, 3, 5).date(),
        "ends_on": datetime(2012, 3, 30).date(),
        "learning_goals": GOALS,
        "mentor_id": None,
        "initiative_id": None,
        "target_id": None,
    }
    for cls, state in (
        (DevelopmentTarget.Linked, {"record_type": "initiative", "record_id": some}),
        (Initiative.LinkedToTarget, {"target_id": some}),
        (RotationPlacement.TargetLinked, {"target_id": some}),
        (RotationPlacement.Edited, {"changes": {"mentor_id": None}}),
        (RotationPlacement.Proposed, proposed),
    ):
        v1 = {
            "timestamp": datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
            "actor": some,
            "occurred_on": None,
            **state,
        }
        stored = StoredEvent(
            originator_id=UUID(int=2),
            originator_version=1,
            topic=cls.TOPIC,
            state=app.mapper.transcoder.encode(v1),
        )
        event = app.mapper.to_domain_event(stored)
        assert type(event) is cls and event.cross_organisation is False  # type: ignore[attr-defined]
