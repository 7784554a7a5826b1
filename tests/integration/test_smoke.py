"""A first walk through the API on both stores, over real HTTP."""

from __future__ import annotations

import httpx


def test_propose_plan_and_read_history(http: httpx.Client) -> None:
    created = http.post("/api/initiatives", json={"title": "Perustehtävän kirkastaminen"})
    assert created.status_code == 201
    initiative = created.json()
    assert created.headers["Location"] == f"/api/initiatives/{initiative['id']}"
    assert created.headers["ETag"] == '"1"'

    planned = http.post(f"/api/initiatives/{initiative['id']}/plan")
    assert planned.status_code == 200
    assert planned.json()["status"] == "planned"

    history = http.get(f"/api/initiatives/{initiative['id']}/history").json()
    assert [h["event_type"] for h in history] == ["Proposed", "Planned"]
    assert history[1]["changes"] == [{"field": "status", "old": "proposed", "new": "planned"}]
