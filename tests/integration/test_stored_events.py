"""Events stored by Kipinä v1 still load with the current code.

`tests/fixtures/events_v1.sqlite` is a real SQLite event store written once by
`scripts/make_event_fixture.py`: organisations with units added and renamed,
initiatives through every field edit, goal, team, note and lifecycle event
(paused, resumed, discontinued included) and applied Idempotency-Keys.
`tests/fixtures/events_v1.json` says what every aggregate and every read model
must look like once that store is loaded. The tests work on a copy in a
temporary directory; the committed files are never written to.

If this test fails after an event class changed shape, add an upcaster
(eventsourcing `class_version` + `upcast_vX_vY` on the event class) instead of
regenerating the fixture: the stores people already run hold events in the old
shape, and only an upcaster lets them load. Regenerating would hide exactly the
break this test exists to catch. The comparison allows new keys and attributes
(what an upcaster adds to old events), but every value v1 recorded must come
back unchanged. If a read model's output changed on purpose, correct the affected
rows under "read_models" in the JSON by hand and say why in the commit; the
.sqlite file stays as it is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic
from sqlalchemy import Engine, Table, select

from domain.application import CommandContext, Kipina, RequestKey
from domain.initiative import Initiative, Status
from domain.recorded import RecordedEvent
from projections import initiatives as initiatives_read_model
from projections.db import make_engine
from projections.history import history
from projections.initiatives import initiatives
from projections.organisations import organisations, units
from projections.projector import Projector
from projections.rebuild import rebuild
from scripts.make_event_fixture import plain  # the fixture's own JSON spelling
from services.bootstrap import event_store_env, read_model_url
from services.people_registry import PeopleRegistry
from services.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STORE = FIXTURES / "events_v1.sqlite"
EXPECTED = FIXTURES / "events_v1.json"
READ_MODEL_TABLES: dict[str, tuple[Table, bool]] = {
    # name in the JSON: (table, current rows only)
    "initiatives": (initiatives, True),
    "organisations": (organisations, True),
    "units": (units, True),
    "history": (history, False),
}


def differences(actual: Any, wanted: Any, where: str) -> list[str]:
    """Where `actual` does not hold everything in `wanted`.

    Dicts may have gained keys (a later version may add fields, filled in for old
    events by an upcaster); every value v1 recorded must come back unchanged.
    """
    if isinstance(wanted, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {actual!r}"]
        found: list[str] = []
        for key, value in wanted.items():
            if key not in actual:
                found.append(f"{where}.{key}: missing")
            else:
                found.extend(differences(actual[key], value, f"{where}.{key}"))
        return found
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(actual) != len(wanted):
            return [f"{where}: expected {wanted!r}, got {actual!r}"]
        return [
            d
            for i, (a, w) in enumerate(zip(actual, wanted, strict=True))
            for d in differences(a, w, f"{where}[{i}]")
        ]
    return [] if actual == wanted else [f"{where}: expected {wanted!r}, got {actual!r}"]


def test_differences_allows_additions_only() -> None:
    wanted = {"notes": [{"id": "1", "text": "Työpaja"}], "status": "spread"}
    assert (
        differences(
            {"notes": [{"id": "1", "text": "Työpaja", "visibility": "team"}], "status": "spread", "new": 1},
            wanted,
            "x",
        )
        == []
    )
    assert differences({"notes": [{"id": "1", "text": "Muu"}], "status": "spread"}, wanted, "x") == [
        "x.notes[0].text: expected 'Työpaja', got 'Muu'"
    ]
    assert differences({"notes": [], "status": "spread"}, wanted, "x") != []
    assert differences({"notes": [{"id": "1", "text": "Työpaja"}]}, wanted, "x") == ["x.status: missing"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings whose SQLite event store is a fresh copy of the committed fixture."""
    committed = sha256(STORE)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(STORE, data_dir / "events.sqlite")
    yield Settings(data_dir=data_dir, database_url=None, actor_header=None)
    assert sha256(STORE) == committed, "the committed fixture must never be written to"
    assert not STORE.with_name(STORE.name + "-wal").exists()


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    read_models = make_engine(read_model_url(settings))
    yield read_models
    read_models.dispose()


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Iterator[Kipina]:
    people = PeopleRegistry(engine)
    people.setup()
    env = event_store_env(settings)
    assert Path(env["SQLITE_DBNAME"]) == settings.data_dir / "events.sqlite"
    application = Kipina(env, people=people)
    yield application
    application.close()


# ---- the fixture itself ------------------------------------------------------------------


def test_fixture_is_small_self_contained_and_complete(expected: dict[str, Any]) -> None:
    assert STORE.stat().st_size < 200_000
    assert not STORE.with_name(STORE.name + "-wal").exists()
    with closing(sqlite3.connect(f"file:{STORE}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        stored = conn.execute("SELECT topic FROM stored_events ORDER BY rowid").fetchall()
    assert [t for (t,) in stored] == expected["topics_in_order"]
    assert len(stored) == expected["notification_count"]
    assert sorted({t for (t,) in stored}) == expected["topics"]
    # v1 had nineteen event types; the fixture holds at least one of each.
    assert len(expected["topics"]) == 19


# ---- the events --------------------------------------------------------------------------


def test_every_stored_topic_resolves_to_a_recorded_event_class(expected: dict[str, Any]) -> None:
    for topic in expected["topics"]:
        cls = resolve_topic(topic)
        assert isinstance(cls, type) and issubclass(cls, RecordedEvent), topic
        assert get_topic(cls) == topic, f"{topic} would now be stored as {get_topic(cls)}"


def test_every_stored_event_decodes(app: Kipina, expected: dict[str, Any]) -> None:
    notifications = app.recorder.select_notifications(start=1, limit=1000)
    assert [n.id for n in notifications] == list(range(1, expected["notification_count"] + 1))
    actor = UUID(expected["actor_id"])
    for notification in notifications:
        event = app.mapper.to_domain_event(notification)
        assert type(event) is resolve_topic(notification.topic)
        assert isinstance(event, RecordedEvent)
        assert event.originator_id == notification.originator_id
        assert event.originator_version == notification.originator_version
        assert event.actor == actor
        assert event.occurred_on is None or isinstance(event.occurred_on, date)
    back_dated = {
        (type(e).__name__, e.occurred_on)
        for n in notifications
        if isinstance(e := app.mapper.to_domain_event(n), RecordedEvent) and e.occurred_on is not None
    }
    assert ("Proposed", date(2012, 1, 9)) in back_dated
    assert ("Paused", date(2012, 6, 18)) in back_dated


# ---- the aggregates -----------------------------------------------------------------------


def test_every_aggregate_loads_with_the_expected_state(app: Kipina, expected: dict[str, Any]) -> None:
    check_aggregates(app, expected)


def check_aggregates(app: Kipina, expected: dict[str, Any]) -> None:
    kinds = [a["type"] for a in expected["aggregates"]]
    assert sorted(set(kinds)) == ["AppliedRequest", "Initiative", "Organisation"]
    for record in expected["aggregates"]:
        aggregate: Aggregate = app.repository.get(UUID(record["id"]))
        where = f"{record['type']} {record['id']}"
        assert type(aggregate).__name__ == record["type"], where
        assert aggregate.version == record["version"], where
        assert aggregate.created_on.isoformat() == record["created_on"], where
        assert aggregate.modified_on.isoformat() == record["modified_on"], where
        state = {name: plain(getattr(aggregate, name, None)) for name in record["state"]}
        assert differences(state, record["state"], where) == []


def test_loaded_initiatives_keep_their_lifecycle(app: Kipina, expected: dict[str, Any]) -> None:
    by_title = {
        a["state"]["title"]: UUID(a["id"]) for a in expected["aggregates"] if a["type"] == "Initiative"
    }
    statuses = {title: app.get_initiative(i).status for title, i in by_title.items()}
    assert statuses == {
        "Perustehtävän kirkastaminen": Status.SPREAD,
        "Tavoitteellinen työkierto": Status.PAUSED,
        "Yhteistyö- ja vuorovaikutustaidot": Status.DISCONTINUED,
        "Kehittäminen kuuluu kaikille": Status.COMPLETED,
    }
    paused: Initiative = app.get_initiative(by_title["Tavoitteellinen työkierto"])
    assert paused.paused_from is Status.IN_PROGRESS
    discontinued = app.get_initiative(by_title["Yhteistyö- ja vuorovaikutustaidot"])
    assert (discontinued.discontinued_reason, discontinued.lessons) == (
        "Koulutusmääräraha loppui.",
        "Varmista rahoitus ennen aloitusta.",
    )


def test_loaded_records_take_new_commands(app: Kipina, expected: dict[str, Any]) -> None:
    """Old events and new ones live side by side: the next events follow on."""
    ctx = CommandContext(actor=UUID(expected["actor_id"]))
    paused = next(a for a in expected["aggregates"] if a["state"].get("status") == "paused")
    receipt = app.move_initiative(ctx, UUID(paused["id"]), "resume")
    assert receipt.version == paused["version"] + 1
    assert receipt.positions == [expected["notification_count"] + 1]
    assert app.get_initiative(UUID(paused["id"])).status is Status.IN_PROGRESS


def test_stored_idempotency_keys_still_replay(app: Kipina, expected: dict[str, Any]) -> None:
    actor = UUID(expected["actor_id"])
    first = expected["request_keys"][0]
    applied = next(a for a in expected["aggregates"] if a["id"] == first["applied_request_id"])
    receipt = app.propose_initiative(
        CommandContext(actor=actor, request_key=RequestKey(first["key"], first["fingerprint"])),
        fields={"title": "Perustehtävän kirkastaminen"},
    )
    assert receipt.replayed is True
    assert (str(receipt.record_id), receipt.version) == (
        applied["state"]["record_id"],
        applied["state"]["record_version"],
    )
    assert app.recorder.max_notification_id() == expected["notification_count"]


# ---- the read models ----------------------------------------------------------------------


def test_rebuild_over_the_stored_events_gives_the_expected_read_models(
    app: Kipina, engine: Engine, expected: dict[str, Any]
) -> None:
    check_read_models(app, engine, expected)


def check_read_models(app: Kipina, engine: Engine, expected: dict[str, Any]) -> None:
    projector = Projector(engine, app.recorder, app.mapper.to_domain_event)
    position = rebuild(projector)
    assert position == expected["notification_count"]
    assert projector.lag() == 0
    order_by = {"initiatives": "created_position", "organisations": "created_position"}
    order_by |= {"units": "valid_from", "history": "position"}
    with engine.connect() as conn:
        for name, (table, current_only) in READ_MODEL_TABLES.items():
            wanted: list[dict[str, Any]] = expected["read_models"][name]
            assert wanted, f"the fixture has no {name} rows to compare"
            query = select(table)
            if current_only:
                query = query.where(table.c.valid_to.is_(None))
            got = [dict(r) for r in conn.execute(query.order_by(table.c[order_by[name]])).mappings()]
            assert len(got) == len(wanted), name
            if table is initiatives:
                # An initiative's goals and team live in tables of their own: compare what the
                # read model gives (`initiatives.get`), as the API and the pages read it, and the
                # lists in the order v1 kept them.
                got = [initiatives_read_model.get(conn, UUID(row["id"])) or {} for row in got]
                for row, want in zip(got, wanted, strict=True):
                    assert list(row["goals"]) == list(want["goals"]), f"goal order of {want['id']}"
                    assert list(row["team"]) == list(want["team"]), f"team order of {want['id']}"
            for row, want in zip(got, wanted, strict=True):
                label = f"{name} row {want.get('id') or want.get('position')}"
                assert differences({k: plain(v) for k, v in row.items()}, want, label) == []


# ---- the same events in either store -----------------------------------------------------------


def test_stored_events_load_in_either_store(store: Settings, expected: dict[str, Any]) -> None:
    """The stored form is not tied to SQLite: the same rows, copied into a fresh
    store of each kind (PostgreSQL when configured), load and project the same."""
    with closing(sqlite3.connect(f"file:{STORE}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()
    engine = make_engine(read_model_url(store))
    people = PeopleRegistry(engine)
    people.setup()
    app = Kipina(event_store_env(store), people=people)
    try:
        app.recorder.insert_events(
            [StoredEvent(UUID(oid), version, topic, bytes(state)) for oid, version, topic, state in rows]
        )
        assert app.recorder.max_notification_id() == expected["notification_count"]
        check_aggregates(app, expected)
        check_read_models(app, engine, expected)
    finally:
        app.close()
        engine.dispose()
