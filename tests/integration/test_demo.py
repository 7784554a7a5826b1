"""The demo data: the seed documents' real cases, loaded through the application."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.bootstrap import Services
from scripts.demo import HEINAVESI_UNITS, load


def test_demo_loads_the_seed_cases_and_a_second_run_changes_nothing(
    services: Services, client: TestClient
) -> None:
    first = load(services)
    recorded = services.app.recorder.max_notification_id()
    second = load(services)

    assert second == first
    assert services.app.recorder.max_notification_id() == recorded

    initiatives = {i["title"]: i for i in client.get("/api/initiatives").json()["items"]}
    assert set(initiatives) == {
        "Perustehtävän kirkastaminen",
        "Tavoitteellinen työkierto",
        "Yhteistyö- ja vuorovaikutustaidot",
        "Kehittäminen kuuluu kaikille",
    }
    assert initiatives["Kehittäminen kuuluu kaikille"]["status"] == "completed"
    assert initiatives["Kehittäminen kuuluu kaikille"]["organisation"]["name"] == "Oulunkaaren kuntayhtymä"
    assert len(initiatives["Perustehtävän kirkastaminen"]["goals"]) == 4

    organisations = {o["name"]: o for o in client.get("/api/organisations").json()}
    assert [u["name"] for u in organisations["Heinäveden kunta"]["units"]] == HEINAVESI_UNITS

    history = client.get(f"/api/initiatives/{initiatives['Kehittäminen kuuluu kaikille']['id']}/history")
    completed = [h for h in history.json() if h["event_type"] == "Completed"]
    assert completed[0]["occurred_on"] == "2016-03-16"
