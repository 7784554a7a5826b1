"""Retries (Idempotency-Key) and concurrent writers, over real HTTP on both stores.

The concurrent tests start their threads together on a barrier and talk to a real
uvicorn server; every thread makes a fixed number of attempts, so they always end.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.settings import Settings
from tests.conftest import LiveServer
from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    all_events,
    as_user,
    assert_problem,
    history,
    initiative_paths,
    move,
    nothing_recorded,
    propose,
    proxy_mode_http,
)

THREADS = 8
ATTEMPTS = 5


def topics(http: httpx.Client, headers: dict[str, str] | None = None) -> Counter[str]:
    return Counter(e["topic"] for e in all_events(http, headers=headers))


# ---- Idempotency-Key ---------------------------------------------------------------


def test_a_retried_create_returns_the_first_response_and_records_nothing_new(http: httpx.Client) -> None:
    request = {"title": HEINAVESI_TARGETS[1], "themes": ["Työkierto"], "goals": ["Opas työnkiertoon"]}
    key = {"Idempotency-Key": "heinavesi-tyokierto-2012"}

    first = http.post("/api/initiatives", json=request, headers=key)
    assert first.status_code == 201
    recorded = all_events(http)

    for _ in range(3):
        retry = http.post("/api/initiatives", json=request, headers=key)
        assert retry.status_code == 201
        assert retry.json() == first.json()
        assert retry.headers["Location"] == first.headers["Location"]
        assert retry.headers["ETag"] == first.headers["ETag"] == '"2"'
        assert retry.headers.get("Idempotent-Replayed") == "true"

    assert all_events(http) == recorded, "a retry records nothing"
    assert topics(http)["kipina:Initiative.Proposed"] == 1
    assert [i["id"] for i in http.get("/api/initiatives").json()["items"]] == [first.json()["id"]]


def test_a_retried_move_returns_the_first_200_even_when_it_would_now_be_illegal(http: httpx.Client) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[0])
    path = f"/api/initiatives/{initiative['id']}"
    key = {"Idempotency-Key": "plan-perustehtava"}

    planned = http.post(f"{path}/plan", headers=key)
    assert planned.status_code == 200 and planned.json()["status"] == "planned"
    move(http, initiative["id"], "start")

    with nothing_recorded(http, *initiative_paths(initiative["id"])):
        retry = http.post(f"{path}/plan", headers=key)
    assert retry.status_code == 200, "planning an in-progress initiative would be a 409 without the key"
    assert retry.json() == planned.json()
    assert retry.headers["ETag"] == planned.headers["ETag"] == '"2"'
    assert http.get(path).json()["status"] == "in_progress", "the retry changed nothing"
    assert [e["event_type"] for e in history(http, path)] == ["Proposed", "Planned", "Started"]


def test_a_key_reused_for_a_different_request_is_422(http: httpx.Client) -> None:
    key = {"Idempotency-Key": "oulunkaari-1"}
    first = http.post("/api/initiatives", json={"title": "Kehittäminen kuuluu kaikille"}, headers=key)
    assert first.status_code == 201
    initiative_id = first.json()["id"]

    with nothing_recorded(http, *initiative_paths(initiative_id), "/api/initiatives", "/api/people"):
        other_body = http.post("/api/initiatives", json={"title": "Change Day"}, headers=key)
        body = assert_problem(other_body, 422, slug="idempotency-key-reused")
        assert "Idempotency-Key" in body["detail"]
        other_path = http.post(f"/api/initiatives/{initiative_id}/plan", headers=key)
        assert_problem(other_path, 422, slug="idempotency-key-reused")
        other_collection = http.post("/api/people", json={"name": "Aino Äijälä"}, headers=key)
        assert_problem(other_collection, 422, slug="idempotency-key-reused")


def test_a_refused_request_does_not_use_up_its_key(http: httpx.Client) -> None:
    key = {"Idempotency-Key": "vihti-1"}
    with nothing_recorded(http, "/api/initiatives"):
        for _ in range(2):
            assert_problem(
                http.post("/api/initiatives", json={"title": " "}, headers=key), 422, field="title"
            )
    fixed = http.post("/api/initiatives", json={"title": "Vihti: Lean-kokeilu"}, headers=key)
    assert fixed.status_code == 201


def test_registering_a_person_is_idempotent(http: httpx.Client) -> None:
    request = {"name": "Aino Äijälä", "email": "aino.aijala@heinavesi.fi"}
    key = {"Idempotency-Key": "person-aino"}

    first = http.post("/api/people", json=request, headers=key)
    retry = http.post("/api/people", json=request, headers=key)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["ETag"] == first.headers["ETag"]
    names = [p["name"] for p in http.get("/api/people").json()["items"]]
    assert names.count("Aino Äijälä") == 1

    with nothing_recorded(http, "/api/people"):
        reused = http.post("/api/people", json={**request, "name": "Eeva Kärkkäinen"}, headers=key)
        assert_problem(reused, 422, slug="idempotency-key-reused")

    erase_key = {"Idempotency-Key": "erase-aino"}
    erased = http.delete(first.headers["Location"], headers=erase_key)
    erased_again = http.delete(first.headers["Location"], headers=erase_key)
    assert erased.status_code == erased_again.status_code == 204


@pytest.fixture
def proxy_http(store: Settings) -> Iterator[httpx.Client]:
    with proxy_mode_http(store) as client:
        yield client


def test_keys_belong_to_one_user(proxy_http: httpx.Client) -> None:
    request = {"title": "Kirkkonummi: Lean-aamupalaverit"}
    same_key = {"Idempotency-Key": "workshop-1"}

    maija = proxy_http.post("/api/initiatives", json=request, headers={**same_key, **as_user("maija")})
    pekka = proxy_http.post("/api/initiatives", json=request, headers={**same_key, **as_user("pekka")})
    maija_again = proxy_http.post("/api/initiatives", json=request, headers={**same_key, **as_user("maija")})

    assert maija.status_code == pekka.status_code == maija_again.status_code == 201
    assert maija.json()["id"] != pekka.json()["id"], "two users, one key: two records"
    assert maija_again.json() == maija.json()
    listed = proxy_http.get("/api/initiatives", headers=as_user("maija")).json()["items"]
    assert {i["id"] for i in listed} == {maija.json()["id"], pekka.json()["id"]}
    assert topics(proxy_http, as_user("maija"))["kipina:Initiative.Proposed"] == 2


# ---- concurrent writers ------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    value: str
    status: int
    version: int | None


def run_together(server: LiveServer, work: Callable[[httpx.Client, int], list[Attempt]]) -> list[Attempt]:
    """Runs `work(client, thread_number)` in THREADS threads that start on one barrier."""
    barrier = threading.Barrier(THREADS, timeout=60)

    def thread(n: int) -> list[Attempt]:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            barrier.wait()
            return work(client, n)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(thread, range(THREADS)))
    return [attempt for attempts in results for attempt in attempts]


def assert_no_lost_update(
    attempts: list[Attempt], entries: list[dict[str, Any]], event_type: str, field: str
) -> list[Attempt]:
    statuses = Counter(a.status for a in attempts)
    assert set(statuses) <= {200, 409, 412}, f"unexpected statuses (500s?): {statuses}"
    accepted = [a for a in attempts if a.status == 200]
    assert accepted, "at least one writer must get through"
    recorded = Counter(
        c["new"]
        for e in entries
        if e["event_type"] == event_type
        for c in e["changes"]
        if c["field"] == field
    )
    for attempt in attempts:
        expected = 1 if attempt.status == 200 else 0
        assert recorded[attempt.value] == expected, (attempt, recorded[attempt.value])
    assert sum(recorded.values()) == len(accepted), "nothing was recorded that nobody was told about"
    by_value = {c["new"]: e["version"] for e in entries for c in e["changes"] if c["field"] == field}
    for attempt in accepted:
        # Read-your-writes: the response shows a state that includes the change (a
        # concurrent writer's later change may already be in it too).
        assert attempt.version is not None and attempt.version >= by_value[attempt.value], attempt
    return accepted


def test_concurrent_edits_with_if_match_lose_no_update(http: httpx.Client, live_server: LiveServer) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[2], summary="Osallistavat palaverit")
    path = f"/api/initiatives/{initiative['id']}"

    def edit(client: httpx.Client, n: int) -> list[Attempt]:
        attempts = []
        for k in range(ATTEMPTS):
            value = f"Yhteistyö- ja vuorovaikutustaidot: säie {n}, muokkaus {k}"
            read = client.get(path)
            assert read.status_code == 200
            edited = client.patch(path, json={"summary": value}, headers={"If-Match": read.headers["ETag"]})
            if edited.status_code == 200:
                assert edited.headers["ETag"] == f'"{edited.json()["version"]}"'
            else:
                assert edited.headers["content-type"].startswith("application/problem+json")
            version = edited.json()["version"] if edited.status_code == 200 else None
            attempts.append(Attempt(value, edited.status_code, version))
        return attempts

    attempts = run_together(live_server, edit)

    entries = history(http, path)
    accepted = assert_no_lost_update(attempts, entries, "Edited", "summary")
    final = http.get(path)
    assert final.json()["version"] == 1 + len(accepted)
    assert final.headers["ETag"] == f'"{1 + len(accepted)}"'
    assert [e["version"] for e in entries] == list(range(1, len(accepted) + 2))
    last_accepted = max(accepted, key=lambda a: a.version or 0)
    assert final.json()["summary"] == last_accepted.value
    assert len(all_events(http)) == 1 + len(accepted)


def test_concurrent_notes_without_if_match_lose_no_update(
    http: httpx.Client, live_server: LiveServer
) -> None:
    initiative = propose(http, "Change Day: kädenjälki")
    path = f"/api/initiatives/{initiative['id']}"

    def note(client: httpx.Client, n: int) -> list[Attempt]:
        attempts = []
        for k in range(ATTEMPTS):
            text = f"Kädenjälki {n}-{k}: lupaus toteutettu"
            added = client.post(f"{path}/notes", json={"text": text})
            if added.status_code == 200:
                assert text in [n["text"] for n in added.json()["notes"]], "the response shows the note"
            version = added.json()["version"] if added.status_code == 200 else None
            attempts.append(Attempt(text, added.status_code, version))
        return attempts

    attempts = run_together(live_server, note)

    entries = history(http, path)
    accepted = assert_no_lost_update(attempts, entries, "NoteAdded", "note")
    assert {a.status for a in attempts} <= {200, 409}, "without If-Match a conflict is a 409, never a 412"
    final = http.get(path).json()
    assert final["version"] == 1 + len(accepted)
    assert final["notes_count"] == len(accepted)
    assert sorted(n["text"] for n in final["notes"]) == sorted(a.value for a in accepted)


def test_concurrent_moves_apply_one_lifecycle_step_once(http: httpx.Client, live_server: LiveServer) -> None:
    initiative = propose(http, "Raasepori: kotihoidon porrastus")
    path = f"/api/initiatives/{initiative['id']}"

    def plan(client: httpx.Client, n: int) -> list[Attempt]:
        planned = client.post(f"{path}/plan")
        return [Attempt(f"plan {n}", planned.status_code, None)]

    attempts = run_together(live_server, plan)

    statuses = Counter(a.status for a in attempts)
    assert statuses[200] == 1, statuses
    assert statuses[409] == THREADS - 1, statuses
    assert [e["event_type"] for e in history(http, path)] == ["Proposed", "Planned"]


def test_concurrent_retries_of_one_create_make_one_record(
    http: httpx.Client, live_server: LiveServer
) -> None:
    request = {"title": "Karkkila: yhteinen perehdytys"}

    def create(client: httpx.Client, n: int) -> list[Attempt]:
        created = client.post("/api/initiatives", json=request, headers={"Idempotency-Key": "karkkila-1"})
        assert created.status_code == 201, created.text
        return [Attempt(created.json()["id"], created.status_code, created.json()["version"])]

    attempts = run_together(live_server, create)

    assert len({a.value for a in attempts}) == 1, "every retry answers with the one record"
    assert topics(http)["kipina:Initiative.Proposed"] == 1
    assert topics(http)["kipina:AppliedRequest.Applied"] == 1


# ---- the people registry: plain SQL, the same contract --------------------------------

PERSON_WRITERS = 16


def _update_person_together(server: LiveServer, path: str, *, if_match: bool) -> list[Attempt]:
    """PERSON_WRITERS threads rename one person ATTEMPTS times each, starting on one barrier."""
    barrier = threading.Barrier(PERSON_WRITERS, timeout=60)

    def thread(n: int) -> list[Attempt]:
        attempts = []
        with httpx.Client(base_url=server.url, timeout=60) as client:
            barrier.wait()
            for k in range(ATTEMPTS):
                name = f"Kotihoidon ohjaaja {n}-{k}"
                headers = {}
                if if_match:
                    headers["If-Match"] = client.get(path).headers["ETag"]
                edited = client.patch(path, json={"name": name}, headers=headers)
                version = edited.json()["version"] if edited.status_code == 200 else None
                if edited.status_code == 200:
                    assert edited.json()["name"] == name and edited.headers["ETag"] == f'"{version}"'
                else:
                    assert edited.headers["content-type"].startswith("application/problem+json")
                attempts.append(Attempt(name, edited.status_code, version))
        return attempts

    with ThreadPoolExecutor(max_workers=PERSON_WRITERS) as pool:
        return [a for attempts in pool.map(thread, range(PERSON_WRITERS)) for a in attempts]


@pytest.mark.parametrize("if_match", [True, False], ids=["if-match", "no-precondition"])
def test_concurrent_person_updates_lose_no_acknowledged_update(
    http: httpx.Client, live_server: LiveServer, if_match: bool
) -> None:
    person = http.post("/api/people", json={"name": "Kotihoidon ohjaaja"}).json()
    path = f"/api/people/{person['id']}"

    attempts = _update_person_together(live_server, path, if_match=if_match)

    statuses = Counter(a.status for a in attempts)
    allowed = {200, 412} if if_match else {200, 409}
    assert set(statuses) <= allowed, f"unexpected statuses: {statuses}"
    accepted = [a for a in attempts if a.status == 200]
    assert accepted, "at least one writer must get through"
    # Every acknowledged update made a version of its own: two writers told "saved as
    # version 7" means one of the two changes was silently lost.
    versions = Counter(a.version for a in accepted)
    assert all(count == 1 for count in versions.values()), versions.most_common(3)
    final = http.get(path)
    assert final.json()["version"] == 1 + len(accepted)
    assert final.json()["name"] == max(accepted, key=lambda a: a.version or 0).value
