"""POST /api/initiatives/{id}/experiments/done on both stores: an experiment that already
happened, told in one request, is recorded as its whole cycle (planned, started, studied,
decided) in one command, or, when any part is refused, not at all, with a problem naming
the fields. The same command path as the page's one form (`/experiments/done`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from domain.experiment import STUDY_MAX
from tests.integration.api_helpers import all_events, assert_problem, nothing_recorded, propose

IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
DONE: dict[str, Any] = {
    "change_idea": IDEA,
    "started_on": "2026-03-02",
    "ended_on": "2026-03-20",
    "result": "Soittoja tuli 40 % vähemmän.",
    "learning": "Päivitys ennen kahdeksaa.",
    "decision": "adopt",
}


def url(initiative_id: str) -> str:
    return f"/api/initiatives/{initiative_id}/experiments/done"


def test_an_experiment_that_already_happened_is_recorded_as_its_whole_cycle(client: httpx.Client) -> None:
    initiative_id = propose(client, "Sisäinen kehittäjä: terveyspalvelut")["id"]
    before = len(all_events(client))
    created = client.post(url(initiative_id), json={**DONE, "rationale": "Toimii."})
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/experiments/{body['id']}"
    assert (body["stage"], body["decision"], body["title"]) == ("decided", "adopt", IDEA)
    assert (body["planned_start"], body["planned_end"]) == ("2026-03-02", "2026-03-20")
    events = [e for e in all_events(client)[before:] if e["topic"].startswith("kipina:Experiment.")]
    assert [(e["topic"].rsplit(".", 1)[1], e["data"]["occurred_on"]) for e in events] == [
        ("Planned", "2026-03-02"),
        ("Started", "2026-03-02"),
        ("Studied", "2026-03-20"),
        ("Decided", "2026-03-20"),
    ]
    assert {e["record_id"] for e in events} == {body["id"]}


def test_any_refused_part_records_nothing(client: httpx.Client) -> None:
    initiative_id = propose(client, "Sisäinen kehittäjä: terveyspalvelut")["id"]
    future = (date.today() + timedelta(days=30)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"started_on": "2026-03-20", "ended_on": "2026-03-02"}, "ended_on"),
        ({"ended_on": future}, "ended_on"),
        ({"decision": "spread"}, "decision"),
        ({"result": "x" * (STUDY_MAX + 1)}, "result"),
        ({"learning": "   "}, "learning"),
        ({"change_idea": ""}, "change_idea"),
    ]
    for changes, field in cases:
        with nothing_recorded(client, f"/api/initiatives/{initiative_id}/learning-log"):
            refused = client.post(url(initiative_id), json={**DONE, **changes})
            assert_problem(refused, 422, field=field)
    missing = {k: v for k, v in DONE.items() if k != "decision"}
    with nothing_recorded(client):
        assert_problem(client.post(url(initiative_id), json=missing), 422, field="decision")
    with nothing_recorded(client):
        unknown = client.post(url("00000000-0000-4000-8000-000000000000"), json=DONE)
        assert_problem(unknown, 404)
