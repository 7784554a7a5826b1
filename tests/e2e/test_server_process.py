"""A real Kipinä server process (`python -m scripts.run --port 0`), stopped and
started again, and killed with SIGKILL in the middle of a stream of writes.

Runs on SQLite always and on PostgreSQL when KIPINA_TEST_POSTGRES_DSN is set
(each run on a database of its own).
"""

from __future__ import annotations

import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.bootstrap import read_model_url
from services.settings import Settings
from tests.conftest import NO_POSTGRES, POSTGRES_DSN, postgres_database
from tests.e2e.helpers import (
    ServerProcess,
    assert_same_tables,
    run_rebuild_process,
    snapshot_url,
)

pytestmark = pytest.mark.e2e

WRITERS = 4
KILL_AFTER_ACKS = 60
MAX_WRITES_PER_WRITER = 500
WAIT = 120.0

# One initiative's way through its life, as (verb or "note", event type it records).
LIFE = (
    ("plan", "Planned"),
    ("note", "NoteAdded"),
    ("start", "Started"),
    ("pause", "Paused"),
    ("resume", "Resumed"),
    ("note", "NoteAdded"),
    ("evaluate", "EvaluationStarted"),
    ("complete", "Completed"),
    ("spread", "Spread"),
)


@dataclass
class Store:
    env: dict[str, str]
    settings: Settings

    @property
    def is_sqlite(self) -> bool:
        return self.settings.database_url is None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        env = {"KIPINA_DATA_DIR": str(data_dir), "KIPINA_DATABASE_URL": ""}
        yield Store(env, Settings(data_dir=data_dir, database_url=None))
        return
    if POSTGRES_DSN is None:
        pytest.skip(NO_POSTGRES)
    for url in postgres_database():
        env = {"KIPINA_DATA_DIR": str(data_dir), "KIPINA_DATABASE_URL": url}
        yield Store(env, Settings(data_dir=data_dir, database_url=url))


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.text}"
    )
    return response.json()


def read_everything(http: httpx.Client, initiative_id: str, organisation_id: str) -> dict[str, Any]:
    one = http.get(f"/api/initiatives/{initiative_id}")
    return {
        "initiative": ok(one),
        "etag": one.headers["ETag"],
        "initiative_history": ok(http.get(f"/api/initiatives/{initiative_id}/history")),
        "organisation": ok(http.get(f"/api/organisations/{organisation_id}")),
        "organisation_history": ok(http.get(f"/api/organisations/{organisation_id}/history")),
        "search": ok(http.get("/api/initiatives", params={"q": "kirkastaminen", "theme": "perustehtävä"})),
        "activity": ok(http.get("/api/activity")),
        "events": ok(http.get("/api/events")),
    }


def test_stop_and_start_keeps_everything(store: Store, tmp_path: Path) -> None:
    with ServerProcess(store.env, tmp_path, "first") as server, server.client() as http:
        org = ok(
            http.post("/api/organisations", json={"name": "Heinäveden kunta", "kind": "municipality"}), 201
        )
        org = ok(http.post(f"/api/organisations/{org['id']}/units", json={"name": "Kotihoito"}))
        created = ok(
            http.post(
                "/api/initiatives",
                json={
                    "title": "Perustehtävän kirkastaminen",
                    "summary": "Tehtäväkuvausten ja työnkuvien tarkistaminen ja selkeyttäminen.",
                    "organisation_id": org["id"],
                    "unit_id": org["units"][0]["id"],
                    "themes": ["perustehtävä"],
                    "goals": ["Laatukäsikirjan päivittäminen"],
                },
            ),
            201,
        )
        initiative_id = created["id"]
        ok(http.post(f"/api/initiatives/{initiative_id}/plan"))
        ok(http.post(f"/api/initiatives/{initiative_id}/start", json={"occurred_on": "2012-01-09"}))
        ok(
            http.post(
                f"/api/initiatives/{initiative_id}/notes",
                json={"text": "Palaverillakin on oma perustehtävänsä."},
            )
        )
        before = read_everything(http, initiative_id, org["id"])
        stopped = server.stop()
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught.
    assert stopped in (0, -signal.SIGTERM), server.diagnostics()

    assert before["initiative"]["status"] == "in_progress"
    assert before["initiative"]["unit"]["name"] == "Kotihoito"
    assert before["etag"] == '"5"'  # proposed, goal set, planned, started, note added
    assert [h["event_type"] for h in before["initiative_history"]] == [
        "Proposed",
        "GoalSet",
        "Planned",
        "Started",
        "NoteAdded",
    ]
    assert before["initiative_history"][3]["occurred_on"] == "2012-01-09"
    assert [i["id"] for i in before["search"]["items"]] == [initiative_id]

    with ServerProcess(store.env, tmp_path, "second") as server, server.client() as http:
        assert server.url != ""
        after = read_everything(http, initiative_id, org["id"])
        server.stop()
    assert after == before


@dataclass(frozen=True)
class Ack:
    """A write the server answered with 2xx."""

    initiative_id: str
    version: int
    event_type: str
    note: str | None = None


class WriteStream:
    """WRITERS threads, each taking its own initiatives through their lives over HTTP.

    Every 2xx answer is recorded. When KILL_AFTER_ACKS writes have been acknowledged
    the writer that counted the last one sets `kill_now`; the writers carry on, so
    requests are in flight when the server dies, and each stops at its first
    transport error.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.acks: list[Ack] = []
        self.unexpected: list[str] = []
        self.transport_errors = 0
        self.kill_now = threading.Event()
        self._lock = threading.Lock()
        self._start = threading.Barrier(WRITERS, timeout=WAIT)
        self.threads = [threading.Thread(target=self._write, args=(w,)) for w in range(WRITERS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=WAIT)
        assert not any(t.is_alive() for t in self.threads), "a writer did not stop"

    def _ack(self, ack: Ack) -> None:
        with self._lock:
            self.acks.append(ack)
            if len(self.acks) >= KILL_AFTER_ACKS:
                self.kill_now.set()

    def _write(self, writer: int) -> None:
        try:
            with httpx.Client(base_url=self.url, timeout=WAIT) as http:
                self._start.wait()
                self._lives(http, writer)
        except httpx.TransportError:
            with self._lock:
                self.transport_errors += 1
        except BaseException as error:  # reported by the test
            with self._lock:
                self.unexpected.append(repr(error))

    def _lives(self, http: httpx.Client, writer: int) -> None:
        sent = 0
        life = 0
        while sent < MAX_WRITES_PER_WRITER:
            life += 1
            title = f"Kotihoidon aamukäyntien porrastus {writer}-{life}"
            created = http.post("/api/initiatives", json={"title": title, "themes": ["kotihoito", "Lean"]})
            sent += 1
            if not self._accepted(created):
                return
            initiative_id = created.json()["id"]
            self._ack(Ack(initiative_id, 1, "Proposed"))
            for step, (verb, event_type) in enumerate(LIFE):
                note = None
                if verb == "note":
                    note = f"Tilannekatsaus {writer}-{life}-{step}: työvuorolistat päivitetty, hyvä päivä."
                    response = http.post(f"/api/initiatives/{initiative_id}/notes", json={"text": note})
                else:
                    response = http.post(f"/api/initiatives/{initiative_id}/{verb}")
                sent += 1
                if not self._accepted(response):
                    return
                self._ack(Ack(initiative_id, response.json()["version"], event_type, note))

    def _accepted(self, response: httpx.Response) -> bool:
        if response.is_success:
            return True
        with self._lock:
            self.unexpected.append(f"{response.status_code} {response.request.url}: {response.text}")
        return False


def all_events(http: httpx.Client) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    for _ in range(1000):  # bounded: 500 per page
        page = ok(http.get("/api/events", params={"after": after, "limit": 500}))
        events.extend(page["items"])
        if page["next_after"] is None:
            return events
        after = page["next_after"]
    raise AssertionError("the event feed did not end")


def test_kill_9_during_writes_loses_no_acknowledged_write(store: Store, tmp_path: Path) -> None:
    with ServerProcess(store.env, tmp_path, "doomed") as server:
        stream = WriteStream(server.url)
        stream.start()
        try:
            assert stream.kill_now.wait(timeout=WAIT), f"too few writes acknowledged{server.diagnostics()}"
            assert server.kill() == -signal.SIGKILL
        finally:
            server.close()  # writers blocked on the server end with a transport error
            stream.join()
    assert stream.unexpected == []
    assert stream.transport_errors == WRITERS  # every writer was cut off by the kill
    acks = stream.acks
    assert len(acks) >= KILL_AFTER_ACKS

    with ServerProcess(store.env, tmp_path, "restarted") as server, server.client() as http:
        ready = server.wait_until_ready()  # it listens first and catches up in the background
        assert ready["lag"] == 0 and ready["applied"] == ready["recorded"]  # caught up at start-up

        events = {(e["record_id"], e["version"]): e for e in all_events(http)}
        for ack in acks:
            event = events.get((ack.initiative_id, ack.version))
            assert event is not None, f"acknowledged write lost from the log: {ack}"
            assert event["topic"] == f"kipina:Initiative.{ack.event_type}"
            if ack.note is not None:
                assert event["data"]["text"] == ack.note

        latest: dict[str, int] = {}
        for ack in acks:
            latest[ack.initiative_id] = max(latest.get(ack.initiative_id, 0), ack.version)
        for initiative_id, version in latest.items():
            one = ok(http.get(f"/api/initiatives/{initiative_id}"))
            assert one["version"] >= version
            history = {h["version"]: h for h in ok(http.get(f"/api/initiatives/{initiative_id}/history"))}
            notes = {n["text"] for n in one["notes"]}
            for ack in (a for a in acks if a.initiative_id == initiative_id):
                assert history[ack.version]["event_type"] == ack.event_type
                if ack.note is not None:
                    assert ack.note in notes
        stopped = server.stop()
    assert stopped in (0, -signal.SIGTERM), server.diagnostics()

    # The read models the restarted server caught up equal a rebuild from the log.
    url = read_model_url(store.settings)
    caught_up = snapshot_url(url)
    registry = snapshot_url(url, "registry")
    assert len(caught_up["initiatives"]) > 0
    rebuild_env = dict(store.env)
    if store.is_sqlite:
        copy = tmp_path / "rebuilt"
        shutil.copytree(store.settings.data_dir, copy)
        rebuild_env["KIPINA_DATA_DIR"] = str(copy)
        url = read_model_url(Settings(data_dir=copy, database_url=None))
    completed = run_rebuild_process(rebuild_env, tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Rebuilt read models: ")
    rebuilt = snapshot_url(url)
    assert_same_tables(caught_up, rebuilt)
    assert_same_tables(registry, snapshot_url(url, "registry"))
