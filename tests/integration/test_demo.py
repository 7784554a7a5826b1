"""The demo data: the seed documents' real cases, loaded through the application, and the
3W programme through the HTTP API (its content is checked in test_scenario_3w.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from scripts import three_w
from scripts.demo import HEINAVESI_UNITS, load
from services.bootstrap import Services, bootstrap
from services.settings import Settings


def test_demo_loads_the_seed_cases_and_a_second_run_changes_nothing(
    services: Services, client: TestClient
) -> None:
    first = load(services)
    recorded = services.app.recorder.max_notification_id()
    second = load(services)

    assert second == first
    assert services.app.recorder.max_notification_id() == recorded

    initiatives = {
        i["title"]: i for i in client.get("/api/initiatives", params={"limit": 100}).json()["items"]
    }
    assert set(initiatives) == {
        "Perustehtävän kirkastaminen",
        "Tavoitteellinen työkierto",
        "Yhteistyö- ja vuorovaikutustaidot",
        "Kehittäminen kuuluu kaikille",
        *(p.title for p in three_w.PROJECTS),
    }
    assert len(first["organisations"]) == 6 and len(first["initiatives"]) == 34
    assert initiatives["Kehittäminen kuuluu kaikille"]["status"] == "completed"
    assert initiatives["Kehittäminen kuuluu kaikille"]["organisation"]["name"] == "Oulunkaaren kuntayhtymä"
    assert len(initiatives["Perustehtävän kirkastaminen"]["goals"]) == 4
    # Outcomes: a measure whose run chart shows the shift, and an evaluation.
    measures = client.get(f"/api/initiatives/{initiatives['Perustehtävän kirkastaminen']['id']}/measures")
    [measure] = measures.json()["items"]
    chart = client.get(f"/api/measures/{measure['id']}/chart").json()
    assert (len(chart["points"]), measure["corrections_count"], measure["annotations_count"]) == (20, 1, 1)
    assert chart["signals"] and chart["annotations"][0]["experiment"] is not None
    evaluated = client.get(
        f"/api/initiatives/{initiatives['Kehittäminen kuuluu kaikille']['id']}/evaluations"
    )
    assert evaluated.json()["latest"]["recommendation"] == "spread"

    # Heinävesi's common development targets for 2012, linked to their initiatives.
    targets = {t["title"]: t for t in client.get("/api/targets").json()["items"]}
    assert set(targets) == {
        "Perustehtävän kirkastaminen",
        "Tavoitteellinen työkierto",
        "Yhteistyö- ja vuorovaikutustaidot",
    }
    assert len(first["targets"]) == 3
    rotation_target = targets["Tavoitteellinen työkierto"]
    assert (rotation_target["strategy"], rotation_target["reviews_count"]) == ("develop", 1)
    covered = client.get(f"/api/targets/{rotation_target['id']}/coverage").json()
    assert [i["name"] for i in covered["initiatives"]] == ["Tavoitteellinen työkierto"]
    assert len(covered["placements"]) == 1 and covered["latest_review"]["year"] == 2012

    organisations = {o["name"]: o for o in client.get("/api/organisations").json()}
    assert [u["name"] for u in organisations["Heinäveden kunta"]["units"]] == HEINAVESI_UNITS

    history = client.get(f"/api/initiatives/{initiatives['Kehittäminen kuuluu kaikille']['id']}/history")
    completed = [h for h in history.json() if h["event_type"] == "Completed"]
    assert completed[0]["occurred_on"] == "2016-03-16"

    [programme] = client.get("/api/programmes").json()["items"]
    assert (programme["id"], programme["name"]) == (str(first["programmes"][0]), three_w.PROGRAMME_NAME)
    assert (programme["enrolled_count"], programme["workshops_count"]) == (29, 8)
    # The 3W steps ran as the local person, as the rest of the demo does.
    coordinator = client.get(f"/api/programmes/{programme['id']}/history").json()[0]["actor"]
    assert coordinator["id"] == str(services.local_actor_id)


def test_demo_loads_behind_a_sign_in_proxy_too(tmp_path: Path) -> None:
    """With KIPINA_ACTOR_HEADER set (as the browser tests run it), the 3W requests need no
    user header: the demo's own client acts as the local person."""
    settings = Settings(data_dir=tmp_path / "data", database_url=None, actor_header="X-Remote-User")
    services = bootstrap(settings)
    try:
        loaded = load(services)
        assert len(loaded["programmes"]) == 1
    finally:
        services.close()
