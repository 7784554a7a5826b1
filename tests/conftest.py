"""Fixtures shared by every suite.

`store` runs a test once per event store: SQLite always, PostgreSQL when
KIPINA_TEST_POSTGRES_DSN is set (each PostgreSQL test gets a database of its
own, created and dropped here, so runs never see each other's data).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn
from fastapi.dependencies import models as fastapi_models
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from api.app import create_app
from api.http_guard import server_config
from services.bootstrap import Services, bootstrap
from services.settings import Settings

# The demo collection fixture of the golden and names-never-ids tests.
pytest_plugins = ["tests.golden.collect"]

POSTGRES_DSN = os.environ.get("KIPINA_TEST_POSTGRES_DSN")
NO_POSTGRES = "KIPINA_TEST_POSTGRES_DSN is not set; .ci/run sets it to run the PostgreSQL suite"
# FastAPI's TestClient sends `Host: testserver`; the live server is reached as 127.0.0.1.
TEST_HOST = {"allowed_hosts": "testserver"}


def postgres_database() -> Iterator[str]:
    """Create a throw-away database on the test server; yields its URL."""
    assert POSTGRES_DSN is not None
    name = f"kipina_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_DSN).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _forget_apps_after_each_test() -> Iterator[None]:
    """FastAPI keeps up to 4,096 endpoints per cache in module-level LRU caches
    (fastapi.dependencies.models), and each endpoint closure holds its app and so its
    services: engines, pools, templates. Over a few thousand tests that kept gigabytes
    alive and made every full garbage collection slower. A test's app is gone after it."""
    yield
    for cached in (
        fastapi_models._is_gen_callable_cached,
        fastapi_models._is_async_gen_callable_cached,
        fastapi_models._is_coroutine_callable_cached,
    ):
        cached.cache_clear()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty store of each kind."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data", database_url=None, actor_header=None, **TEST_HOST)
        return
    if POSTGRES_DSN is None:
        pytest.skip(NO_POSTGRES)
    for url in postgres_database():
        yield Settings(data_dir=tmp_path / "data", database_url=url, actor_header=None, **TEST_HOST)


@pytest.fixture
def services(store: Settings) -> Iterator[Services]:
    wired = bootstrap(store)
    yield wired
    wired.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=services)) as test_client:
        yield test_client


class LiveServer:
    """A real uvicorn server on an OS-picked loopback port, in a thread of this process."""

    def __init__(self, services: Services) -> None:
        # IPPROTO_TCP so asyncio sets TCP_NODELAY (see scripts/run.py).
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = server_config(create_app(services=services), services.settings)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@pytest.fixture
def live_server(services: Services) -> Iterator[LiveServer]:
    with LiveServer(services) as server:
        yield server


@pytest.fixture
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client talking to the live server over loopback."""
    with httpx.Client(base_url=live_server.url, timeout=30) as session:
        yield session
