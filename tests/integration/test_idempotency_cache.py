"""The cache of responses to requests with an Idempotency-Key: erasure reaches it, and
its responses expire. Over the real API on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from services.bootstrap import Services
from services.response_cache import responses
from tests.integration.api_helpers import HEINAVESI_TARGETS

AINO = {"name": "Aino Äijälä", "email": "aino.aijala@heinavesi.fi"}


def cached_bodies(services: Services) -> list[str]:
    with services.projector.engine.connect() as conn:
        return [str(row.body) for row in conn.execute(select(responses.c.body))]


def test_a_replay_after_erasure_returns_no_personal_data_and_registers_no_one(
    client: TestClient, services: Services
) -> None:
    key = {"Idempotency-Key": "person-aino"}
    first = client.post("/api/people", json=AINO, headers=key)
    assert first.status_code == 201
    assert client.delete(first.headers["Location"]).status_code == 204

    replay = client.post("/api/people", json=AINO, headers=key)

    assert replay.status_code == 410
    assert replay.headers["content-type"] == "application/problem+json"
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert "erased" in replay.json()["detail"]
    assert "Äijälä" not in replay.text and "heinavesi.fi" not in replay.text
    names = [p["name"] for p in client.get("/api/people").json()["items"]]
    assert AINO["name"] not in names, "the replay registered nobody again"
    assert not any("Äijälä" in body or "heinavesi.fi" in body for body in cached_bodies(services))


def test_erasure_reaches_cached_responses_of_other_records_that_name_the_person(
    client: TestClient, services: Services
) -> None:
    aino = client.post("/api/people", json=AINO).json()
    request = {"title": HEINAVESI_TARGETS[0], "owner_id": aino["id"]}
    key = {"Idempotency-Key": "initiative-owned-by-aino"}
    first = client.post("/api/initiatives", json=request, headers=key)
    assert first.status_code == 201 and first.json()["owner"]["name"] == AINO["name"]
    recorded = services.app.recorder.max_notification_id()

    assert client.delete(f"/api/people/{aino['id']}").status_code == 204
    replay = client.post("/api/initiatives", json=request, headers=key)

    assert "Äijälä" not in replay.text
    assert services.app.recorder.max_notification_id() == recorded, "the replay recorded nothing"
    assert not any("Äijälä" in body for body in cached_bodies(services))
    # Other people's cached responses are left as they were.
    other = client.post("/api/people", json={"name": "Eeva Kärkkäinen"}, headers={"Idempotency-Key": "eeva"})
    assert (
        client.post(
            "/api/people", json={"name": "Eeva Kärkkäinen"}, headers={"Idempotency-Key": "eeva"}
        ).json()
        == other.json()
    )


def test_cached_responses_expire_after_the_stated_time(client: TestClient, services: Services) -> None:
    assert services.responses.keep_for == timedelta(hours=24), "the documented default"
    key = {"Idempotency-Key": "person-aino"}
    first = client.post("/api/people", json=AINO, headers=key)
    assert client.post("/api/people", json=AINO, headers=key).headers["Idempotent-Replayed"] == "true"

    a_day_ago = datetime.now(UTC) - timedelta(hours=24, seconds=1)
    with services.projector.engine.begin() as conn:
        conn.execute(update(responses).values(created_at=a_day_ago))

    after_a_day = client.post("/api/people", json=AINO, headers=key)
    assert after_a_day.status_code == 201
    assert "Idempotent-Replayed" not in after_a_day.headers, "an expired response is not replayed"
    assert after_a_day.json()["id"] != first.json()["id"]
    with services.projector.engine.connect() as conn:
        kept = conn.execute(select(responses.c.created_at)).scalars().all()
    assert len(kept) == 1 and kept[0] > a_day_ago, "the expired response was deleted, the new one kept"
