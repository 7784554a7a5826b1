"""Outcome timelines over the JSON API on both stores: one initiative's timeline (lifecycle
moves, an experiment decided, a programme check-in, a measure's values and the shifts its run
chart shows, an annotation, an evaluation) in order, filtered by kind and period, as of an
earlier moment; the same aggregated across a programme's and a development target's
initiatives; errors as problem+json; the SVG parsed structurally.

The case is Heinävesi's home care (seed 000) in the 3W-style programme year 2018–2019: the
morning-visit wait fell after a discharge checklist came in, in October 2018.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx

from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    assert_problem,
    history,
    move,
    propose,
    register_heinavesi,
)

SVG = "{http://www.w3.org/2000/svg}"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
MONTHS = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
WAITS = [34, 36, 33, 35, 37, 34, 28, 27, 29, 26, 28, 27]  # the checklist came in 2018-10
CHECKLIST = "Kotiutuksen tarkistuslista"


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def programme_with_workshop(client: httpx.Client, organisation_id: str) -> tuple[str, str]:
    programme = ok(
        client.post(
            "/api/programmes",
            json={
                "name": "3W-kehittämisohjelma",
                "period_start": "2018-04-01",
                "period_end": "2019-04-30",
                "organisation_ids": [organisation_id],
            },
        ),
        201,
    )
    workshop = ok(
        client.post(
            f"/api/programmes/{programme['id']}/workshops",
            json={"day": "2018-11-20", "title": "Työpaja 4", "kind": "workshop"},
        ),
        201,
    )
    return programme["id"], workshop["id"]


def check_in(
    client: httpx.Client, initiative_id: str, programme_id: str, workshop_id: str, score: float
) -> None:
    body = {
        "programme_id": programme_id,
        "workshop_id": workshop_id,
        "status": "green",
        "progress_score": score,
        "occurred_on": "2018-11-20",
    }
    ok(client.post(f"/api/initiatives/{initiative_id}/check-ins", json=body), 201)


class HomeCare:
    """The initiative with everything a timeline shows, recorded in a sensible order."""

    def __init__(self, client: httpx.Client) -> None:
        org = register_heinavesi(client)
        self.org = org.id
        self.id = str(
            propose(
                client,
                HEINAVESI_TARGETS[0],
                organisation_id=org.id,
                unit_id=org.units["Kotihoito"],
                occurred_on="2018-03-01",
            )["id"]
        )
        move(client, self.id, "plan", occurred_on="2018-03-15")
        move(client, self.id, "start", occurred_on="2018-04-02")
        self.measure = ok(
            client.post(
                f"/api/initiatives/{self.id}/measures",
                json={
                    "name": "Aamukäynnin odotusaika",
                    "unit": "min",
                    "direction": "down",
                    "frequency": "monthly",
                    "rules": "ihi",
                },
            ),
            201,
        )["id"]
        self.experiment = ok(
            client.post(
                f"/api/initiatives/{self.id}/experiments",
                json={
                    "title": CHECKLIST,
                    "change_idea": "Tarkistuslista kotiutukseen",
                    "occurred_on": "2018-09-03",
                },
            ),
            201,
        )["id"]
        for verb, body in (
            ("start", {"occurred_on": "2018-10-01"}),
            ("study", {"result": "Odotus lyheni.", "learning": "Lista toimii.", "occurred_on": "2019-01-15"}),
            (
                "decision",
                {"decision": "adopt", "rationale": "Koko kotihoitoon.", "occurred_on": "2019-02-01"},
            ),
        ):
            ok(client.post(f"/api/experiments/{self.experiment}/{verb}", json=body))
        self.programme, self.workshop = programme_with_workshop(client, org.id)
        ok(client.post(f"/api/programmes/{self.programme}/initiatives", json={"initiative_id": self.id}))
        check_in(client, self.id, self.programme, self.workshop, 2.5)
        for month, wait in zip(MONTHS, WAITS, strict=True):
            ok(
                client.post(f"/api/measures/{self.measure}/values", json={"period": month, "value": wait}),
                201,
            )
        ok(
            client.post(
                f"/api/measures/{self.measure}/annotations",
                json={
                    "day": "2018-10-01",
                    "text": "Tarkistuslista käyttöön",
                    "experiment_id": self.experiment,
                },
            ),
            201,
        )
        ok(
            client.post(
                f"/api/initiatives/{self.id}/evaluations",
                json={
                    "evaluated_on": "2019-03-20",
                    "method": "measures",
                    "effects": {"users": {"text": "Asiakkaat odottavat vähemmän."}},
                    "lessons": "Mittari kannattaa aloittaa ennen muutosta.",
                    "recommendation": "spread",
                },
            ),
            201,
        )

    @property
    def path(self) -> str:
        return f"/api/initiatives/{self.id}/timeline"


def timeline(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    return ok(client.get(path, params=params))


def kinds_and_days(
    body: dict[str, Any], *, without: tuple[str, ...] = ("measure_value",)
) -> list[tuple[str, str]]:
    return [(e["day"], e["kind"]) for e in body["entries"] if e["kind"] not in without]


# ---- one initiative ----------------------------------------------------------------------


def test_an_initiatives_timeline_has_everything_in_order(client: httpx.Client) -> None:
    case = HomeCare(client)
    body = timeline(client, case.path)
    assert body["subject"] == {"type": "initiative", "id": case.id, "name": HEINAVESI_TARGETS[0]}
    assert body["initiatives"] == [{"id": case.id, "name": HEINAVESI_TARGETS[0]}]
    assert body["from"] is None and body["to"] is None and body["as_of"] is None
    entries = body["entries"]
    assert [(e["day"], e["position"]) for e in entries] == sorted((e["day"], e["position"]) for e in entries)

    proposed, planned, started = [e for e in entries if e["kind"] == "lifecycle"]
    assert (proposed["day"], proposed["details"]["from"], proposed["details"]["to"]) == (
        "2018-03-01",
        None,
        "proposed",
    )
    assert (planned["day"], planned["details"]["to"]) == ("2018-03-15", "planned")
    assert (started["day"], started["title"]) == ("2018-04-02", "planned → in_progress")
    assert started["record_type"] == "initiative" and started["record_id"] == case.id

    stages = [(e["day"], e["details"]["stage"]) for e in entries if e["kind"] == "experiment"]
    assert stages == [
        ("2018-09-03", "planned"),
        ("2018-10-01", "started"),
        ("2019-01-15", "studied"),
        ("2019-02-01", "decided"),
    ]
    decided = [e for e in entries if e["kind"] == "experiment"][-1]
    assert decided["record_type"] == "experiment" and decided["record_id"] == case.experiment
    assert (decided["details"]["decision"], decided["details"]["rationale"]) == ("adopt", "Koko kotihoitoon.")
    assert decided["title"] == f"{CHECKLIST}: decided (adopt)"

    [visit] = [e for e in entries if e["kind"] == "check_in"]
    assert visit["day"] == "2018-11-20"
    assert {k: visit["details"][k] for k in ("programme", "workshop", "status", "progress_score")} == {
        "programme": "3W-kehittämisohjelma",
        "workshop": "Työpaja 4",
        "status": "green",
        "progress_score": 2.5,
    }

    values = [e for e in entries if e["kind"] == "measure_value"]
    assert [(e["day"], e["details"]["period"], e["details"]["value"]) for e in values] == [
        (f"{m}-01", m, w) for m, w in zip(MONTHS, WAITS, strict=True)
    ]
    assert all(e["record_id"] == case.measure and not e["details"]["corrected"] for e in values)

    shifts = [e for e in entries if e["kind"] == "measure_signal" and e["details"]["rule"] == "shift"]
    # Six above the median from April, six below from October: each seen at its sixth point.
    assert [(e["day"], e["details"]["first_period"], e["details"]["last_period"]) for e in shifts] == [
        ("2018-09-01", "2018-04", "2018-09"),
        ("2019-03-01", "2018-10", "2019-03"),
    ]
    assert (
        shifts[0]["details"]["median"] == 31 and "6 points in a row above" in shifts[0]["details"]["detail"]
    )

    [note] = [e for e in entries if e["kind"] == "annotation"]
    assert (note["day"], note["title"], note["details"]["experiment_id"]) == (
        "2018-10-01",
        "Tarkistuslista käyttöön",
        case.experiment,
    )
    [evaluation] = [e for e in entries if e["kind"] == "evaluation"]
    assert (evaluation["day"], evaluation["details"]["method"], evaluation["details"]["recommendation"]) == (
        "2019-03-20",
        "measures",
        "spread",
    )
    assert not [e for e in entries if e["kind"] == "good_practice"]  # nothing produces it yet


def test_filters_by_kind_and_period(client: httpx.Client) -> None:
    case = HomeCare(client)
    body = timeline(client, case.path, kind=["check_in", "evaluation"])
    assert body["kinds"] == ["check_in", "evaluation"]
    assert kinds_and_days(body) == [("2018-11-20", "check_in"), ("2019-03-20", "evaluation")]

    autumn = timeline(client, case.path, **{"from": "2018-10-01", "to": "2018-12-31"})
    assert (autumn["from"], autumn["to"]) == ("2018-10-01", "2018-12-31")
    assert all("2018-10-01" <= e["day"] <= "2018-12-31" for e in autumn["entries"])
    assert kinds_and_days(autumn) == [
        ("2018-10-01", "experiment"),
        ("2018-10-01", "annotation"),
        ("2018-11-20", "check_in"),
    ]
    assert [e["details"]["period"] for e in autumn["entries"] if e["kind"] == "measure_value"] == [
        "2018-10",
        "2018-11",
        "2018-12",
    ]
    one_day = timeline(client, case.path, kind="good_practice", **{"from": "2019-01-01", "to": "2019-01-01"})
    assert one_day["entries"] == []


def test_as_of_shows_only_what_was_known_then(client: httpx.Client) -> None:
    case = HomeCare(client)
    recorded = history(client, f"/api/measures/{case.measure}")
    ninth = [e for e in recorded if e["event_type"] == "ValueRecorded"][8]  # 2018-12
    then = timeline(client, case.path, as_of=ninth["recorded_at"])
    assert then["as_of"] is not None
    kinds = {e["kind"] for e in then["entries"]}
    assert "evaluation" not in kinds and "annotation" not in kinds
    assert [e["details"]["period"] for e in then["entries"] if e["kind"] == "measure_value"] == MONTHS[:9]
    shifts = [
        e["day"] for e in then["entries"] if e["kind"] == "measure_signal" and e["details"]["rule"] == "shift"
    ]
    # The median then was 34 (of nine values): no run of six yet. Both shifts came with later values.
    assert shifts == []

    too_early = client.get(case.path, params={"as_of": "2000-01-01T00:00:00+00:00"})
    assert "as of 2000-01-01" in assert_problem(too_early, 404)["detail"]


def test_invalid_queries_and_unknown_ids_are_problems(client: httpx.Client) -> None:
    case = HomeCare(client)
    wrong_kind = assert_problem(
        client.get(case.path, params={"kind": ["lifecycle", "gossip"]}), 422, field="kind.1"
    )
    assert "lifecycle" in wrong_kind["detail"] and "good_practice" in wrong_kind["detail"]
    backwards = assert_problem(
        client.get(case.path, params={"from": "2019-01-02", "to": "2019-01-01"}), 422, field="to"
    )
    assert "before from" in backwards["detail"]
    assert_problem(
        client.get(f"{case.path}.svg", params={"from": "2019-01-02", "to": "2019-01-01"}), 422, field="to"
    )
    assert_problem(client.get(case.path, params={"from": "last year"}), 422, field="from")
    for path in (
        f"/api/initiatives/{UNKNOWN}/timeline",
        f"/api/initiatives/{UNKNOWN}/timeline.svg",
        f"/api/programmes/{UNKNOWN}/timeline",
        f"/api/programmes/{UNKNOWN}/timeline.svg",
        f"/api/targets/{UNKNOWN}/timeline",
        f"/api/targets/{UNKNOWN}/timeline.svg",
    ):
        body = assert_problem(client.get(path), 404)
        assert UNKNOWN in body["detail"]


def test_the_svg_has_a_marker_per_entry_and_a_lane_per_kind(client: httpx.Client) -> None:
    case = HomeCare(client)
    body = timeline(client, case.path)
    response = client.get(f"{case.path}.svg", params={"lang": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["content-language"] == "en"
    root = ET.fromstring(response.text)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert f"{len(body['entries'])} entries" in (root.findtext(f"{SVG}desc") or "")
    markers = root.findall(f".//{SVG}g[@class='markers']/{SVG}path")
    assert len(markers) == len(body["entries"])
    assert all(m.find(f"{SVG}title") is not None for m in markers)
    lanes = [g.get("data-lane") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == [k for k in body["kinds"] if any(e["kind"] == k for e in body["entries"])]

    only = ET.fromstring(client.get(f"{case.path}.svg", params={"kind": "evaluation", "lang": "fi"}).text)
    assert len(only.findall(f".//{SVG}g[@class='markers']/{SVG}path")) == 1


# ---- aggregated ----------------------------------------------------------------------------


def test_a_programmes_timeline_merges_its_enrolled_initiatives(client: httpx.Client) -> None:
    case = HomeCare(client)
    night = str(propose(client, "Yöhoidon työnjako", organisation_id=case.org)["id"])
    move(client, night, "plan", occurred_on="2018-05-02")
    ok(client.post(f"/api/programmes/{case.programme}/initiatives", json={"initiative_id": night}))
    check_in(client, night, case.programme, case.workshop, 1.5)
    outside = str(propose(client, "Päivähoidon ruokailu", organisation_id=case.org)["id"])
    move(client, outside, "plan", occurred_on="2018-06-01")

    path = f"/api/programmes/{case.programme}/timeline"
    body = timeline(client, path, kind=["check_in", "lifecycle"])
    assert body["subject"] == {"type": "programme", "id": case.programme, "name": "3W-kehittämisohjelma"}
    assert [i["id"] for i in body["initiatives"]] == [case.id, night]
    assert {e["initiative_id"] for e in body["entries"]} == {case.id, night}
    scores = [
        (e["initiative_id"], e["details"]["progress_score"])
        for e in body["entries"]
        if e["kind"] == "check_in"
    ]
    assert scores == [(case.id, 2.5), (night, 1.5)]
    assert [(e["day"], e["initiative_id"]) for e in body["entries"] if e["day"] == "2018-05-02"] == [
        ("2018-05-02", night)
    ]

    # Withdrawn now: gone from today's timeline, still on the one as it was before.
    enrolled = history(client, f"/api/programmes/{case.programme}")[-1]["recorded_at"]
    ok(client.post(f"/api/programmes/{case.programme}/withdrawals", json={"initiative_id": night}))
    assert [i["id"] for i in timeline(client, path)["initiatives"]] == [case.id]
    assert [i["id"] for i in timeline(client, path, as_of=enrolled)["initiatives"]] == [case.id, night]

    svg = ET.fromstring(client.get(f"{path}.svg", params={"as_of": enrolled, "kind": "check_in"}).text)
    lanes = [g.get("data-lane") for g in svg.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == [case.id, night]  # the night shift's check-in came after that moment
    assert len(svg.findall(f".//{SVG}g[@class='markers']/{SVG}path")) == 1


def test_a_development_targets_timeline_merges_its_linked_initiatives(client: httpx.Client) -> None:
    case = HomeCare(client)
    target = ok(
        client.post(
            "/api/targets",
            json={
                "title": HEINAVESI_TARGETS[0],
                "strategy_goal": "Osaamisen ja hyvinvoinnin kehittäminen",
                "strategy": "develop",
                "responsible_role": "unit_manager",
                "period_start": "2018-01-01",
                "period_end": "2019-12-31",
            },
        ),
        201,
    )
    path = f"/api/targets/{target['id']}/timeline"
    assert timeline(client, path)["entries"] == []
    ok(
        client.post(
            f"/api/targets/{target['id']}/links", json={"record_type": "initiative", "record_id": case.id}
        )
    )
    body = timeline(client, path, kind="evaluation")
    assert body["subject"]["type"] == "target"
    assert [i["id"] for i in body["initiatives"]] == [case.id]
    assert [(e["day"], e["initiative_id"]) for e in body["entries"]] == [("2019-03-20", case.id)]
    svg = client.get(f"{path}.svg")
    assert svg.status_code == 200 and ET.fromstring(svg.text).get("role") == "img"
