"""A placement does not start before its planned first day, nor complete before its
planned last day, without a stated reason: the API refuses it (422, problem+json, nothing
recorded), the page says so in the reader's language with the reader's dates, and with a
reason the event records it and the history shows it. Events stored before the rule
(version 1 of Started and Completed, without `early_reason`) still load. Both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from domain.rotation import RotationPlacement
from services.bootstrap import Services
from tests.integration.api_helpers import all_events, assert_problem, history, nothing_recorded
from tests.integration.page_helpers import field_error, parse, post_form
from tests.integration.test_api_rotations import COMPLETION, Case, created, make_case, placement, step

SOON = (datetime.now(UTC) + timedelta(days=60)).date()
LATER = SOON + timedelta(days=27)


def approved_in_the_future(client: httpx.Client) -> tuple[Case, str]:
    case = make_case(client)
    rotation = created(client, placement(case, starts_on=SOON.isoformat(), ends_on=LATER.isoformat()))
    step(client, rotation["id"], "approve")
    return case, rotation["id"]


def history_changes(client: httpx.Client, rotation_id: str, event_type: str) -> dict[str, Any]:
    entries = [e for e in history(client, f"/api/rotations/{rotation_id}") if e["event_type"] == event_type]
    assert len(entries) == 1, entries
    return {c["field"]: c["new"] for c in entries[0]["changes"]}


def test_an_early_start_without_a_reason_is_refused_and_with_one_recorded(client: TestClient) -> None:
    _, rotation_id = approved_in_the_future(client)
    url = f"/api/rotations/{rotation_id}"
    with nothing_recorded(client, url):
        for body in (None, {}, {"reason": "   "}):
            refused = client.post(f"{url}/start", json=body)
            problem = assert_problem(refused, 422, field="reason")
            assert SOON.isoformat() in problem["detail"] and "early" in problem["detail"]
    assert assert_problem(client.post(f"{url}/start", json={"reason": "x" * 5001}), 422, field="reason")
    started = step(client, rotation_id, "start", {"reason": "Sijaisuus alkoi kaksi viikkoa aiemmin."})
    assert started["status"] == "started"
    changes = history_changes(client, rotation_id, "Started")
    assert changes["early_start_reason"] == "Sijaisuus alkoi kaksi viikkoa aiemmin."


def test_a_start_on_or_after_the_planned_day_needs_no_reason(client: TestClient) -> None:
    case = make_case(client)
    rotation = created(client, placement(case))  # 2012: long since begun
    step(client, rotation["id"], "approve")
    assert step(client, rotation["id"], "start", {"reason": "ignored when on time"})["status"] == "started"
    assert "early_start_reason" not in history_changes(client, rotation["id"], "Started")
    # Completing after the planned last day needs no reason either.
    assert step(client, rotation["id"], "complete", COMPLETION)["status"] == "completed"
    assert "early_end_reason" not in history_changes(client, rotation["id"], "Completed")


def test_an_early_completion_needs_a_reason(client: TestClient) -> None:
    _, rotation_id = approved_in_the_future(client)
    step(client, rotation_id, "start", {"reason": "Aloitettiin aiemmin."})
    url = f"/api/rotations/{rotation_id}"
    with nothing_recorded(client, url):
        problem = assert_problem(client.post(f"{url}/complete", json=COMPLETION), 422, field="reason")
        assert LATER.isoformat() in problem["detail"]
    done = step(
        client, rotation_id, "complete", {**COMPLETION, "reason": "Työkierto päätettiin sairausloman vuoksi."}
    )
    assert done["status"] == "completed"
    assert history_changes(client, rotation_id, "Completed")["early_end_reason"].startswith("Työkierto")


def test_the_page_asks_why_in_the_readers_language_with_the_readers_dates(client: TestClient) -> None:
    _, rotation_id = approved_in_the_future(client)
    assert (
        client.get("/language", params={"set": "fi", "next": "/"}, follow_redirects=False).status_code == 303
    )
    url = f"/rotations/{rotation_id}"
    shown = parse(client.get(url).text)
    assert shown.has_id("field-start-reason"), "an early start asks why up front"
    before = all_events(client)
    refused = post_form(client, url, f"{url}/start", {"reason": ""})
    assert refused.status_code == 422
    message = field_error(parse(refused.text), "start-reason")
    finnish_day = f"{SOON.day}.{SOON.month}.{SOON.year}"
    assert finnish_day in message, message
    assert SOON.isoformat() not in message, "no ISO date in a Finnish sentence"
    assert all_events(client) == before
    saved = post_form(client, url, f"{url}/start", {"reason": "Sijaisuus alkoi aiemmin."})
    assert saved.status_code == 303
    page = client.get(url).text
    assert "Sijaisuus alkoi aiemmin." in parse(page).by_id("history").text


def test_started_and_completed_events_stored_before_the_rule_still_load(services: Services) -> None:
    """Version 1 of Started and Completed had no `early_reason`: the upcaster gives ""."""
    app = services.app
    for cls, state in (
        (RotationPlacement.Started, {}),
        (RotationPlacement.Completed, {"learned": "a", "bring_home": "b", "host_feedback": "c"}),
    ):
        v1 = {
            "timestamp": datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
            "actor": UUID(int=1),
            "occurred_on": None,
            **state,
        }
        stored = StoredEvent(
            originator_id=UUID(int=2),
            originator_version=3,
            topic=cls.TOPIC,
            state=app.mapper.transcoder.encode(v1),
        )
        event = app.mapper.to_domain_event(stored)
        assert type(event) is cls
        assert event.early_reason == "" and event.originator_version == 3  # type: ignore[attr-defined]
        assert app.mapper.to_domain_event(app.mapper.to_stored_event(event)).early_reason == ""  # type: ignore[attr-defined]
