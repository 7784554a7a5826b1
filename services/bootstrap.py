"""Composition root: turns Settings into a wired set of services.

This is the only place that knows which database is in use; everything else
receives an engine, an application or a registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy.engine import make_url

from domain.application import Kipina
from projections.db import make_engine
from projections.projector import Projector
from services.people_registry import PeopleRegistry
from services.response_cache import ResponseCache
from services.settings import Settings


@dataclass
class Services:
    settings: Settings
    app: Kipina
    projector: Projector
    people: PeopleRegistry
    responses: ResponseCache
    local_actor_id: UUID

    def close(self) -> None:
        self.app.close()
        self.projector.engine.dispose()


def event_store_env(settings: Settings) -> dict[str, str]:
    """eventsourcing is configured by environment-style keys."""
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.data_dir / "events.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    url = make_url(settings.database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.database or "",
        "POSTGRES_HOST": url.host or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "postgres",
        "POSTGRES_PASSWORD": url.password or "",
        "POSTGRES_POOL_SIZE": "10",
        "POSTGRES_MAX_OVERFLOW": "20",
    }


def read_model_url(settings: Settings) -> str:
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{settings.data_dir / 'kipina.sqlite'}"
    url = make_url(settings.database_url).set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def bootstrap(settings: Settings, *, catch_up: bool = True) -> Services:
    """`catch_up=True` (tests, scripts) applies the whole log before returning. The server
    passes False and catches up in a thread once it listens (`Projector.start_catching_up`).
    Either way the catch-up never raises: a failing event leaves `projector.fault` set."""
    engine = make_engine(read_model_url(settings))
    people = PeopleRegistry(engine)
    people.setup()
    app = Kipina(event_store_env(settings), people=people)
    projector = Projector(
        engine,
        app.recorder,
        app.mapper.to_domain_event,
        retry_seconds=settings.projection_retry_seconds,
    )
    # Creates the read-model tables, or drops them when their definitions changed (the
    # catch-up then rebuilds them from position 0).
    projector.setup()
    if catch_up:
        projector.catch_up()
    local_actor_id = people.ensure_local_actor(settings.local_actor_name)
    responses = ResponseCache(engine, keep_for=timedelta(hours=settings.idempotency_keep_hours))
    responses.setup()
    people.on_erase(responses.forget_person)
    return Services(settings, app, projector, people, responses, local_actor_id)
