"""Rebuild: dropping every read model and replaying the whole log gives the same
tables, row for row and column for column, as the incrementally built ones.

The records come from the Heinävesi eOSMO case (seed 000): the basic-services
units and the three common development targets for 2012.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from projections.initiatives import initiatives
from projections.projector import PROJECTION_NAME, tracking
from projections.rebuild import rebuild
from scripts import rebuild as rebuild_script
from services.bootstrap import Services
from services.settings import Settings
from tests.e2e.helpers import assert_same_tables, read_model_snapshot, registry_snapshot
from tests.integration.test_api_change_day import record_change_day

NOT_READ_MODELS = {"people", "idempotent_responses"}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def record_heinavesi(client: TestClient) -> dict[str, str]:
    """A realistic mix of every kind of event the foundation records."""
    org = ok(
        client.post("/api/organisations", json={"name": "Heinäveden kunta", "kind": "municipality"}), 201
    )
    org_id = org["id"]
    for unit in ("Kotihoito", "Terveyskeskuksen vuodeosasto", "Päivähoito ja varhaiskasvatus"):
        org = ok(client.post(f"/api/organisations/{org_id}/units", json={"name": unit}))
    units = {u["name"]: u["id"] for u in org["units"]}
    kotihoito = units["Kotihoito"]
    ok(
        client.post(
            f"/api/organisations/{org_id}/units/{kotihoito}/rename",
            json={"name": "Kotihoito (kotipalvelu ja kotisairaanhoito)"},
        )
    )
    ok(
        client.post(
            "/api/organisations", json={"name": "Oulunkaaren kuntayhtymä", "kind": "joint_authority"}
        ),
        201,
    )

    maija = ok(
        client.post(
            "/api/people",
            json={
                "name": "Maija Meikäläinen",
                "email": "maija.meikalainen@heinavesi.fi",
                "organisation_id": org_id,
                "unit_id": kotihoito,
            },
        ),
        201,
    )["id"]
    jyrki = ok(client.post("/api/people", json={"name": "Jyrki Hämäläinen"}), 201)["id"]

    clarify = ok(
        client.post(
            "/api/initiatives",
            json={
                "title": "Perustehtävän kirkastaminen",
                "summary": "Tehtäväkuvausten ja työnkuvien tarkistaminen ja selkeyttäminen.",
                "organisation_id": org_id,
                "unit_id": kotihoito,
                "owner_id": maija,
                "themes": ["perustehtävä", "laatu"],
                "target_group": "Perusturvan henkilöstö",
                "goals": ["Prosessikuvausten laatiminen", "Laatukäsikirjan päivittäminen"],
                "team": [{"person_id": jyrki, "role": "sairaanhoitaja"}],
                "occurred_on": "2011-11-15",
            },
            headers={"Idempotency-Key": "heinavesi-clarify-1"},
        ),
        201,
    )
    cid = clarify["id"]
    ok(
        client.patch(
            f"/api/initiatives/{cid}",
            json={"summary": "Tehtäväkuvaukset, prosessikuvaukset ja laatukäsikirja kuntoon vuonna 2012."},
            headers={"If-Match": f'"{clarify["version"]}"'},
        )
    )
    goal = ok(client.post(f"/api/initiatives/{cid}/goals", json={"text": "Yksilökehityskeskustelut"}))[
        "goals"
    ]
    ok(client.put(f"/api/initiatives/{cid}/goals/{goal[0]['id']}", json={"text": "Prosessikuvaukset (ams)"}))
    ok(client.delete(f"/api/initiatives/{cid}/goals/{goal[1]['id']}"))
    for verb in ("plan", "start"):
        ok(client.post(f"/api/initiatives/{cid}/{verb}"))
    ok(client.post(f"/api/initiatives/{cid}/pause", json={"reason": "Kesälomakausi"}))
    ok(client.post(f"/api/initiatives/{cid}/resume"))
    ok(
        client.post(
            f"/api/initiatives/{cid}/notes",
            json={"text": "Palaverillakin on oma perustehtävänsä.", "occurred_on": "2012-02-01"},
            headers={"Idempotency-Key": "heinavesi-clarify-note"},
        )
    )
    for verb in ("evaluate", "complete", "spread"):
        ok(client.post(f"/api/initiatives/{cid}/{verb}"))

    rotation = ok(
        client.post(
            "/api/initiatives",
            json={"title": "Tavoitteellinen työkierto", "themes": ["työkierto"], "owner_id": jyrki},
        ),
        201,
    )["id"]
    ok(client.post(f"/api/initiatives/{rotation}/team", json={"person_id": maija, "role": "mentori"}))
    ok(
        client.post(
            f"/api/initiatives/{rotation}/team", json={"person_id": jyrki, "role": "työkiertoon lähtijä"}
        )
    )
    ok(client.delete(f"/api/initiatives/{rotation}/team/{jyrki}"))
    ok(
        client.patch(
            f"/api/initiatives/{rotation}", json={"organisation_id": org_id, "themes": ["Työkierto", "opas"]}
        )
    )
    ok(client.post(f"/api/initiatives/{rotation}/plan"))
    # Experiments: a cycle adapted into the next one (saved together), observations, a cancel.
    trial = ok(
        client.post(
            f"/api/initiatives/{rotation}/experiments",
            json={"title": "Kotihoidon hoitaja vuodeosastolla", "change_idea": "Viikko vuodeosastolla"},
        ),
        201,
    )["id"]
    trial_path = f"/api/experiments/{trial}"
    ok(client.patch(trial_path, json={"planned_start": "2012-02-06", "measures": ["Palaute"]}))
    ok(client.post(f"{trial_path}/start"))
    ok(client.post(f"{trial_path}/observations", json={"text": "Hyvä viikko", "values": [{"value": 4}]}))
    ok(client.post(f"{trial_path}/study", json={"result": "Opas auttoi", "learning": "Kaksi viikkoa"}))
    next_trial = ok(client.post(f"{trial_path}/decision", json={"decision": "adapt", "next_cycle": {}}))[
        "next_cycle_id"
    ]
    ok(client.post(f"/api/experiments/{next_trial}/cancel", json={"reason": "Kesälomat"}))
    ok(client.post(f"/api/initiatives/{rotation}/notes", json={"text": '"Opas työnkiertoon" luonnos tehty.'}))

    cooperation = ok(
        client.post("/api/initiatives", json={"title": "Yhteistyö- ja vuorovaikutustaidot"}), 201
    )["id"]
    ok(
        client.post(
            f"/api/initiatives/{cooperation}/discontinue",
            json={
                "reason": "Yhdistettiin perustehtävän kirkastamiseen.",
                "lessons": "Osallistavat palaverit toimivat jo nyt; ulkoinen koulutus talousarvioon 2012.",
            },
        )
    )

    # A job-rotation placement through its whole way, and one cancelled.
    placement = ok(
        client.post(
            "/api/rotations",
            json={
                "person_id": jyrki,
                "home_organisation_id": org_id,
                "home_unit_id": kotihoito,
                "host_organisation_id": org_id,
                "host_unit_id": units["Terveyskeskuksen vuodeosasto"],
                "starts_on": "2012-03-05",
                "ends_on": "2012-03-30",
                "learning_goals": ["Kotiutuskäytännöt tutuiksi"],
                "mentor_id": maija,
                "initiative_id": rotation,
            },
        ),
        201,
    )["id"]
    for verb, body in (
        ("approve", None),
        ("start", None),
        ("reflections", {"text": "Kotiutus alkaa tulopäivänä.", "occurred_on": "2012-03-09"}),
        ("reschedule", {"starts_on": "2012-03-05", "ends_on": "2012-04-06"}),
        ("complete", {"learned": "Tarkistuslista", "bring_home": "Lista kotiin", "host_feedback": "Hyvä"}),
    ):
        ok(client.post(f"/api/rotations/{placement}/{verb}", json=body))
    other_placement = ok(
        client.post(
            "/api/rotations",
            json={
                "person_id": jyrki,
                "home_organisation_id": org_id,
                "home_unit_id": kotihoito,
                "host_organisation_id": org_id,
                "host_unit_id": units["Päivähoito ja varhaiskasvatus"],
                "starts_on": "2012-09-03",
                "ends_on": "2012-09-07",
                "learning_goals": ["Varhaiskasvatuksen arki"],
            },
        ),
        201,
    )["id"]
    ok(client.patch(f"/api/rotations/{other_placement}", json={"learning_goals": ["Perheiden kohtaaminen"]}))
    ok(client.post(f"/api/rotations/{other_placement}/cancel", json={"reason": "Sijaista ei saatu."}))

    # Erasure happens in the registry only; no event changes.
    ok(client.delete(f"/api/people/{maija}"), 204)
    return {"clarify": cid, "rotation": rotation, "cooperation": cooperation, "maija": maija, "jyrki": jyrki}


def test_rebuild_gives_the_incrementally_built_tables(services: Services, client: TestClient) -> None:
    ids = record_heinavesi(client)
    engine = services.projector.engine
    last = services.app.recorder.max_notification_id()
    assert last is not None and last > 30

    incremental = read_model_snapshot(engine)
    registry = registry_snapshot(engine)
    [tracked] = incremental["projection_tracking"]
    assert (tracked["name"], tracked["position"]) == (PROJECTION_NAME, last)
    assert [h["position"] for h in incremental["history"]] == _record_positions(services)
    assert len(incremental["initiative_notes"]) == 2
    assert len(registry["people"]) == 2  # the local actor and Jyrki; Maija is erased
    assert len(registry["idempotent_responses"]) == 2

    # Make the read model wrong on purpose: a rebuild must recompute it from the log,
    # not keep what was there.
    with engine.begin() as conn:
        conn.execute(update(initiatives).where(initiatives.c.id == ids["clarify"]).values(title="väärin"))

    batches: list[int] = []
    position = rebuild(services.projector, on_batch=batches.append)
    assert position == last
    assert sum(batches) == last
    assert_same_tables(incremental, read_model_snapshot(engine))
    assert_same_tables(registry, registry_snapshot(engine))

    # The API reads the rebuilt tables: Maija stays erased, nothing came back.
    body = ok(client.get(f"/api/initiatives/{ids['rotation']}"))
    assert [(m["person"]["name"], m["role"]) for m in body["team"]] == [("erased person", "mentori")]
    assert client.get(f"/api/people/{ids['maija']}").status_code == 404
    history = ok(client.get(f"/api/initiatives/{ids['clarify']}/history"))
    assert history[0]["record_title"] == "Perustehtävän kirkastaminen"
    assert history[-1]["event_type"] == "Spread"


def test_rebuild_command_in_process(
    store: Settings,
    services: Services,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record_heinavesi(client)
    engine = services.projector.engine
    last = services.app.recorder.max_notification_id()
    incremental = read_model_snapshot(engine)
    registry = registry_snapshot(engine)
    with engine.begin() as conn:  # a wrong position: the command must start over from zero anyway
        conn.execute(update(tracking).values(position=last))
        conn.execute(initiatives.delete())

    monkeypatch.setenv("KIPINA_DATA_DIR", str(store.data_dir))
    monkeypatch.setenv("KIPINA_DATABASE_URL", store.database_url or "")
    assert rebuild_script.main(["--quiet"]) == 0

    captured = capsys.readouterr()
    assert f"{last}/{last}" not in captured.err  # --quiet: no progress bar
    out = captured.out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith(f"Rebuilt read models: {last} events applied in ")
    assert "events/s" in out[0]
    assert_same_tables(incremental, read_model_snapshot(engine))
    assert_same_tables(registry, registry_snapshot(engine))


def test_rebuild_command_shows_a_progress_bar(
    store: Settings,
    services: Services,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record_heinavesi(client)
    last = services.app.recorder.max_notification_id()
    monkeypatch.setenv("KIPINA_DATA_DIR", str(store.data_dir))
    monkeypatch.setenv("KIPINA_DATABASE_URL", store.database_url or "")
    assert rebuild_script.main([]) == 0
    captured = capsys.readouterr()
    assert f"{last}/{last}" in captured.err  # tqdm's final "n/total"
    assert captured.out.startswith(f"Rebuilt read models: {last} events applied")


def test_rebuild_command_refuses_invalid_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIPINA_DATABASE_URL", "mysql://root@127.0.0.1/kipina")
    assert rebuild_script.main(["--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "Invalid settings: KIPINA_DATABASE_URL: Value error, must be a postgresql:// URL "
        "(leave it unset for SQLite)"
    ]


def test_rebuild_gives_the_incrementally_built_change_day_tables(
    services: Services, client: TestClient
) -> None:
    """Campaigns, actions (with handprints) and the wall's versioned counters, rebuilt from zero."""
    from projections.change_actions import change_actions
    from projections.change_day_wall import wall_counters

    ids = record_change_day(client)
    engine = services.projector.engine
    incremental = read_model_snapshot(engine)
    assert len(incremental["campaigns"]) == 2  # created, edited
    assert {r["status"] for r in incremental["change_actions"] if r["valid_to"] is None} == {
        "completed",
        "withdrawn",
        "pledged",
    }
    assert len(incremental["change_day_wall"]) > 10  # one row per change of a counter
    wall = ok(client.get(f"/api/campaigns/{ids['campaign']}/wall"))
    with engine.begin() as conn:  # wrong on purpose: the rebuild must recompute from the log
        conn.execute(update(wall_counters).values(pledged=999))
        conn.execute(change_actions.delete().where(change_actions.c.id == ids["first"]))
    rebuild(services.projector)
    assert_same_tables(incremental, read_model_snapshot(engine))
    assert ok(client.get(f"/api/campaigns/{ids['campaign']}/wall")) == wall
    assert wall["totals"]["pledged"] == 4 and wall["totals"]["completed"] == 2
    handprints = ok(client.get(f"/api/people/{ids['maija']}/handprints"))
    assert [h["action_id"] for h in handprints["items"]] == [ids["first"]]


def _record_positions(services: Services) -> list[int]:
    """Log positions of initiative and organisation events (not the idempotency bookkeeping)."""
    notifications = services.app.recorder.select_notifications(start=None, limit=10_000)
    recorded = ("kipina:Initiative", "kipina:Organisation", "kipina:Experiment", "kipina:RotationPlacement")
    return [n.id for n in notifications if n.topic.startswith(recorded)]
