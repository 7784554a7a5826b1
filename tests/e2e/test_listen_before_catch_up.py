"""The server process listens before its start-up catch-up has finished.

The store holds events the read models have not applied, and this test holds the
read-model database's write lock (PostgreSQL: the tracking row; SQLite: the
database), so the server's catch-up cannot move until the test lets it. Meanwhile
the server must listen and answer: /healthz at once, /readyz 503 "catching up",
reads with what is there (and the header that says so), commands recorded with 202.
Then the lock is released and the server catches up by itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from domain.application import CommandContext
from services.bootstrap import bootstrap
from services.settings import Settings
from tests.conftest import NO_POSTGRES, POSTGRES_DSN, postgres_database
from tests.e2e.helpers import ServerProcess

pytestmark = pytest.mark.e2e

RECORDED = 40


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        yield {"KIPINA_DATA_DIR": str(data_dir), "KIPINA_DATABASE_URL": ""}
        return
    if POSTGRES_DSN is None:
        pytest.skip(NO_POSTGRES)
    for url in postgres_database():
        yield {"KIPINA_DATA_DIR": str(data_dir), "KIPINA_DATABASE_URL": url}


def record_without_projecting(settings: Settings) -> None:
    services = bootstrap(settings, catch_up=False)
    try:
        ctx = CommandContext(actor=services.local_actor_id)
        for n in range(RECORDED):
            services.app.propose_initiative(
                ctx, fields={"title": f"Aamukäyntien porrastus {n}", "themes": []}
            )
        assert services.projector.position() == 0
    finally:
        services.close()


class ReadModelLock:
    """Holds the lock the projector's catch-up needs, from outside the server."""

    def __init__(self, env: dict[str, str]) -> None:
        self.url = env["KIPINA_DATABASE_URL"]
        self.data_dir = Path(env["KIPINA_DATA_DIR"])
        self._held: Any = None

    def __enter__(self) -> ReadModelLock:
        if self.url:
            conn = psycopg.connect(self.url)
            conn.execute("SELECT position FROM projection_tracking FOR UPDATE")
        else:
            conn = sqlite3.connect(self.data_dir / "kipina.sqlite", isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
        self._held = conn
        return self

    def release(self) -> None:
        if self._held is not None:
            self._held.rollback()
            self._held.close()
            self._held = None

    def __exit__(self, *_: object) -> None:
        self.release()


def test_the_server_listens_and_answers_before_catch_up_is_done(env: dict[str, str], tmp_path: Path) -> None:
    settings = Settings(
        data_dir=Path(env["KIPINA_DATA_DIR"]), database_url=env["KIPINA_DATABASE_URL"] or None
    )
    record_without_projecting(settings)

    with ReadModelLock(env) as lock, ServerProcess(env, tmp_path, "catching-up") as server:
        with server.client() as http:
            assert http.get("/healthz").json() == {"status": "ok"}

            ready = http.get("/readyz")
            assert ready.status_code == 503, ready.text
            body = ready.json()
            assert (body["state"], body["applied"], body["recorded"]) == ("catching-up", 0, RECORDED)
            assert f"0 of {RECORDED} events applied" in body["detail"]

            # Reads answer at once with what the read models hold, and say they are behind.
            listed = http.get("/api/initiatives")
            assert listed.status_code == 200 and listed.json()["items"] == []
            assert listed.headers["X-Kipina-Views-State"] == "catching-up"
            assert listed.headers["X-Kipina-Views-Behind"] == "0"
            page = http.get("/", headers={"Accept-Language": "en"})
            assert "The views are being brought up to date after a restart" in page.text

            # A command is recorded and says it is not visible yet.
            written = http.post("/api/initiatives", json={"title": "Työvuorolistat", "themes": []})
            assert written.status_code == 202, written.text
            assert written.json()["position"] == RECORDED + 1

            lock.release()
            ready_body = server.wait_until_ready()
            assert ready_body["applied"] == ready_body["recorded"] == RECORDED + 1
            caught_up = http.get("/api/initiatives", params={"limit": 100})
            assert len(caught_up.json()["items"]) == RECORDED + 1
            assert "X-Kipina-Views-Behind" not in caught_up.headers
        server.stop()
