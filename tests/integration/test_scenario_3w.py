"""The whole 3W programme (seed 001), replayed through the HTTP API on both stores
(`scripts/three_w.py`, the same scenario `make demo` loads): what a coordinator sees on the
morning of workshop 7 — the dashboard, the digest of what changed before workshop 4, and
the dashboard as it was before a workshop-4 check-in was corrected.

Expectations are written out here from the scenario's story, not computed from its data,
so a change of the story shows up as a failing line that names what moved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from scripts import three_w
from services.bootstrap import Services

FOUR = {
    "Kirkkonummen kunta",
    "Raaseporin kaupunki",
    "Perusturvakuntayhtymä Karviainen, Vihti",
    "Perusturvakuntayhtymä Karviainen, Karkkila",
}
PORRASTUS = "Kotihoidon aamukäyntien porrastus"
LAAKEJAKELU = "Lääkejakelun virheiden vähentäminen"
NOT_YET_AT_W7 = {
    "Vuoronvaihdon raportointi seisomapalaverina",
    "Palvelutarpeen arvioinnin läpimenoaika",
    "Hoitotyön kirjaamisen yhtenäistäminen",
    "Omaishoidon vapaiden suunnittelu ennakkoon",
    "Päivätoiminnan kuljetusten yhdistäminen",
    "Painehaavojen ennaltaehkäisy",
    "Päivätoiminnan liikuntaryhmän tulosten seuranta",
    "Työvuorosuunnittelun ergonominen malli",
    "Omahoitajuus asumisyksikössä",
}


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_3w_programme_through_the_api(client: TestClient, services: Services) -> None:
    played = three_w.play(client)
    assert played.replayed == 0
    programme = get(client, f"/api/programmes/{played.programme}")

    # ---- who and what ---------------------------------------------------------------
    assert {o["name"] for o in get(client, "/api/organisations")} == FOUR
    assert {o["name"] for o in programme["organisations"]} == FOUR
    assert programme["coordinator"]["name"] == three_w.COORDINATOR
    assert (programme["period_start"], programme["period_end"], programme["status"]) == (
        "2018-08-01",
        "2019-05-31",
        "open",
    )
    people = get(client, "/api/people", limit=100)["items"]
    participants = [p for p in people if p["organisation_id"] is not None]
    assert len(participants) == 32
    round_the_clock = {u for (_, name), u in played.units.items() if name == "Ympärivuorokautinen hoito"}
    assert sum(p["unit_id"] in round_the_clock for p in participants) == 15

    assert len(get(client, "/api/initiatives", limit=100)["items"]) == 30
    assert len(programme["initiatives"]) == 29
    [withdrawn] = programme["withdrawn"]
    assert withdrawn["initiative"]["name"] == "Kotihoidon avainten hallinta"
    assert (withdrawn["withdrawn_on"], withdrawn["reason"]) == ("2018-11-29", three_w.WITHDRAWAL[1])

    workshops = programme["workshops"]
    assert [w["kind"] for w in workshops] == ["workshop"] * 7 + ["seminar"]
    assert [w["held"] for w in workshops] == [True] * 6 + [False, False]
    seminar = workshops[-1]
    assert (seminar["day"], seminar["title"]) == ("2019-04-11", "Hyvät käytännöt jakoon -päätösseminaari")
    assert (workshops[4]["day"], workshops[4]["reschedule_reason"]) == (
        "2019-01-24",
        three_w.RESCHEDULE_REASON,
    )

    # ---- the dashboard on the morning of workshop 7 --------------------------------------
    dashboard = get(client, f"/api/programmes/{played.programme}/dashboard")
    rows = {r["initiative"]["name"]: r for r in dashboard["rows"]}
    assert len(rows) == dashboard["enrolled"] == 29
    assert "Kotihoidon avainten hallinta" not in rows
    assert dashboard["next_workshop"]["title"] == "Työpaja 7: Tulokset näkyviksi"
    assert {m["name"] for m in dashboard["missing_for_next"]} == NOT_YET_AT_W7
    assert {name for name, r in rows.items() if not r["checked_in_for_next"]} == NOT_YET_AT_W7
    # Among the 29 enrolled now: one absent at workshops 2 and 5, nine not yet in for 7.
    assert [w["check_ins"] for w in dashboard["workshops"]] == [29, 28, 29, 29, 28, 29, 20, 0]

    totals = dashboard["totals"]
    per_organisation = {t["organisation"]["name"]: t for t in totals["by_organisation"]}
    assert {name: t["initiatives"] for name, t in per_organisation.items()} == {
        "Kirkkonummen kunta": 9,
        "Raaseporin kaupunki": 8,
        "Perusturvakuntayhtymä Karviainen, Vihti": 7,
        "Perusturvakuntayhtymä Karviainen, Karkkila": 5,
    }
    assert per_organisation["Raaseporin kaupunki"]["by_rag"] == {"green": 6, "amber": 1, "red": 1, "none": 0}
    assert per_organisation["Kirkkonummen kunta"]["checked_in_for_next"] == 7
    assert totals["by_status"] == {"in_progress": 24, "evaluating": 4, "completed": 1}
    assert totals["by_rag"] == {"green": 24, "amber": 4, "red": 1, "none": 0}

    porrastus = rows[PORRASTUS]
    assert porrastus["organisation"]["name"] == "Perusturvakuntayhtymä Karviainen, Vihti"
    assert porrastus["owner"]["name"] == "Kotihoidon alue-esimies, Vihti (demo)"
    assert porrastus["status"] == "evaluating"
    workshop_ids = [played.workshops[f"w{n}"] for n in range(1, 8)]
    trend = {s["workshop_id"]: (s["score"], s["status"]) for s in porrastus["scores"]}
    assert [trend[w] for w in workshop_ids] == [
        (1.0, "green"),
        (2.0, "green"),
        (2.5, "green"),
        (3.0, "green"),
        (3.5, "green"),
        (4.0, "green"),
        (4.5, "green"),
    ]
    assert porrastus["open_experiments"] == []  # its experiment was decided (adopt)
    absent = {s["workshop_id"]: s["score"] for s in rows["Sijaisten perehdytyksen tarkistuslista"]["scores"]}
    assert played.workshops["w2"] not in absent  # no check-in that day: a gap in the trend
    assert len(absent) == 6
    red = rows["Kotihoidon käyntien sisällön vakiointi"]["latest_check_in"]
    assert (red["status"], red["help_needed"]) == (
        "red",
        next(p.help for p in three_w.PROJECTS if p.slug == "ra-kh-ae"),
    )
    assert [e["title"] for e in rows[LAAKEJAKELU]["open_experiments"]] == ["Rauhoitettu jakohetki"]

    # ---- the digest of workshop 4: what changed since workshop 3 -----------------------
    digest = get(client, f"/api/programmes/{played.programme}/workshops/{played.workshops['w4']}/digest")
    assert digest["window"] == {"from": "2018-11-16", "to": "2018-12-13"}
    assert digest["previous_workshop"]["id"] == played.workshops["w3"]
    entries = {i["initiative"]["name"]: i for i in digest["initiatives"]}
    assert len(entries) == 29
    mine = entries[PORRASTUS]
    assert [(e["kind"], e["day"]) for e in mine["entries"]] == [
        ("measure", "2018-11-26"),
        ("note", "2018-11-28"),
        ("experiment_studied", "2018-12-03"),
        ("experiment_decided", "2018-12-05"),
        ("check_in", "2018-12-13"),
    ]
    assert mine["check_in"]["progress_score"] == 3.0
    every_day = {date.fromisoformat(e["day"]) for i in digest["initiatives"] for e in i["entries"]}
    assert min(every_day) >= date(2018, 11, 16) and max(every_day) <= date(2018, 12, 13)
    # The withdrawal and discontinuation of 29.11. belong to a project no longer enrolled.
    assert "Kotihoidon avainten hallinta" not in entries

    # ---- as of a moment before the workshop-4 check-in was corrected --------------------
    laakejakelu = played.initiatives["ki-aoh"]
    at_w4 = [
        c
        for c in get(client, f"/api/initiatives/{laakejakelu}/check-ins")["items"]
        if c["workshop"]["id"] == played.workshops["w4"]
    ]
    original, correction = at_w4
    assert (original["progress_score"], original["corrected_by"]) == (2.0, correction["id"])
    assert (correction["progress_score"], correction["corrects"]) == (3.0, original["id"])

    then = get(client, f"/api/programmes/{played.programme}/dashboard", as_of=original["recorded_at"])
    row_then = next(r for r in then["rows"] if r["initiative"]["name"] == LAAKEJAKELU)
    assert row_then["latest_check_in"]["id"] == original["id"]
    scores_then = {s["workshop_id"]: (s["score"], s["status"]) for s in row_then["scores"]}
    assert scores_then[played.workshops["w4"]] == (2.0, "amber")
    assert played.workshops["w5"] not in scores_then
    assert then["next_workshop"]["title"].startswith("Työpaja 5")
    now_scores = {s["workshop_id"]: s["score"] for s in rows[LAAKEJAKELU]["scores"]}
    assert now_scores[played.workshops["w4"]] == 3.0

    # ---- playing it again records nothing new --------------------------------------------
    position = services.app.recorder.max_notification_id()
    again = three_w.play(client)
    assert again.replayed == again.requests == played.requests
    assert (again.programme, again.initiatives, again.people) == (
        played.programme,
        played.initiatives,
        played.people,
    )
    assert services.app.recorder.max_notification_id() == position
    assert len(get(client, "/api/people", limit=100)["items"]) == len(people)
