"""A projector that fails safe, on both stores.

An event the read models cannot apply (here: a read model that makes the database
refuse a row for one marked note, a real NOT NULL violation on SQLite and
PostgreSQL alike) must not take the service down: reads keep answering with the
state before that event and say so (header, banner), /readyz turns not ready and
names the event, commands still record and answer 202, and once the fault is gone
the projector catches up by itself. Read models ahead of the log are a failure
too. And read models whose table definitions changed are rebuilt at start.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from domain.recorded import RecordedEvent
from projections import projector as projector_module
from projections.batch import Batch
from projections.db import make_engine
from projections.projector import PROJECTION_NAME, Projector, short_message, tracking
from projections.rebuild import rebuild
from scripts import rebuild as rebuild_script
from services.bootstrap import Services, bootstrap
from services.settings import Settings
from tests.e2e.helpers import REPO, assert_same_tables, read_model_snapshot, registry_snapshot
from tests.integration.page_helpers import post_form

POISON = "Myrkkypilleri"
THREAD_TIMEOUT = 120.0


class PoisonedReadModel:
    """Makes the database refuse a row for any note whose text holds POISON."""

    @staticmethod
    def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
        return None

    @staticmethod
    def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
        if POISON in str(getattr(event, "text", "")):
            batch.conn.execute(text("INSERT INTO projection_tracking (name, position) VALUES (NULL, NULL)"))


@pytest.fixture
def poison(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(projector_module, "READ_MODELS", (*projector_module.READ_MODELS, PoisonedReadModel()))
    yield


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.text}"
    )
    return response.json()


def propose(client: TestClient, title: str, status: int = 201) -> Any:
    return ok(client.post("/api/initiatives", json={"title": title, "themes": ["perustehtävä"]}), status)


def titles(client: TestClient) -> list[str]:
    return sorted(i["title"] for i in ok(client.get("/api/initiatives"))["items"])


def test_a_failing_event_keeps_every_read_serving_the_last_good_state(
    store: Settings, services: Services, client: TestClient, poison: None
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    ok(client.post(f"/api/initiatives/{clarify['id']}/notes", json={"text": "Tehtäväkuvaukset luettu."}))
    assert "X-Kipina-Views-Behind" not in client.get("/api/initiatives").headers
    good = services.app.recorder.max_notification_id()
    assert good is not None

    with structlog.testing.capture_logs() as logs:
        failing = client.post(
            f"/api/initiatives/{clarify['id']}/notes", json={"text": f"{POISON}: tämä ei mene läpi."}
        )
        # The command is recorded (the event store write is separate) but not shown.
        accepted = ok(failing, 202)
        assert accepted["visible"] is False and accepted["position"] == good + 1
        assert accepted["id"] == clarify["id"] and accepted["views_position"] == good
        assert failing.headers["ETag"] == f'"{accepted["version"]}"'
        assert failing.headers["X-Kipina-Views-Behind"] == str(good)
        assert failing.headers["X-Kipina-Views-State"] == "failed"
        since = failing.headers["X-Kipina-Views-Behind-Since"]

        # Later commands record too, and say they are not visible yet; a new record keeps its Location.
        later = client.post("/api/initiatives", json={"title": "Tavoitteellinen työkierto", "themes": []})
        assert later.status_code == 202, later.text
        assert later.headers["Location"] == f"/api/initiatives/{later.json()['id']}"
        assert later.json()["position"] > good + 1

        # Every read answers 200 with the state as of the last good position, and says so.
        for _ in range(3):
            listed = client.get("/api/initiatives")
            assert listed.status_code == 200
            assert listed.headers["X-Kipina-Views-Behind"] == str(good)
            assert listed.headers["X-Kipina-Views-Behind-Since"] == since
        assert titles(client) == ["Perustehtävän kirkastaminen"]
        one = ok(client.get(f"/api/initiatives/{clarify['id']}"))
        assert [n["text"] for n in one["notes"]] == ["Tehtäväkuvaukset luettu."]
        assert client.get(f"/api/initiatives/{later.json()['id']}").status_code == 404
        # The event store has everything.
        topics = [e["topic"] for e in ok(client.get("/api/events"))["items"]]
        assert topics[good:] == ["kipina:Initiative.NoteAdded", "kipina:Initiative.Proposed"]

        # /readyz names the position and the error.
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
        body = ready.json()
        assert body["state"] == "failed"
        assert (body["applied"], body["failed_position"]) == (good, good + 1)
        assert body["topic"] == "kipina:Initiative.NoteAdded"
        assert body["error"] == "IntegrityError"
        assert f"stopped at position {good}" in body["detail"]
        assert POISON not in body["detail"]  # no row values

        # Pages show the banner, in the reader's language.
        page = client.get("/initiatives", headers={"Accept-Language": "fi"})
        assert page.status_code == 200
        assert "Näkymät ovat jäljessä" in page.text and "Ylläpitäjälle on ilmoitettu" in page.text
        swedish = client.get("/", headers={"Accept-Language": "sv"})
        assert "Vyerna ligger efter sedan" in swedish.text
        missing = client.get(f"/initiatives/{later.json()['id']}", headers={"Accept-Language": "en"})
        assert missing.status_code == 404 and "The views are behind since" in missing.text
    # Logged once, not on every request.
    failures = [entry for entry in logs if entry["event"] == "projection_failed"]
    assert len(failures) == 1
    assert (failures[0]["position"], failures[0]["error"]) == (good + 1, "IntegrityError")


def test_a_page_form_redirects_as_usual_and_the_banner_explains(
    services: Services, client: TestClient, poison: None
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    page_url = f"/initiatives/{clarify['id']}"
    fi = {"Accept-Language": "fi"}
    posted = post_form(client, page_url, f"{page_url}/notes", {"text": f"{POISON} lomakkeelta"}, headers=fi)
    assert posted.status_code == 303, posted.text
    shown = client.get(posted.headers["location"], headers=fi)
    assert shown.status_code == 200
    assert "Näkymät ovat jäljessä" in shown.text
    assert f"{POISON} lomakkeelta" not in shown.text  # recorded, not shown yet
    topics = [e["topic"] for e in ok(client.get("/api/events"))["items"]]
    assert "kipina:Initiative.NoteAdded" in topics[-2:]  # with the form's request key


def test_after_the_fault_is_fixed_it_catches_up_by_itself(
    store: Settings, services: Services, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    healthy = projector_module.READ_MODELS
    monkeypatch.setattr(projector_module, "READ_MODELS", (*healthy, PoisonedReadModel()))
    ok(client.post(f"/api/initiatives/{clarify['id']}/notes", json={"text": f"{POISON} ensin"}), 202)
    later = propose(client, "Yhteistyö- ja vuorovaikutustaidot", 202)
    assert client.get("/readyz").status_code == 503
    recorded = services.app.recorder.max_notification_id()

    # An upgraded Kipinä (the fault fixed) started on the same store catches up by itself.
    monkeypatch.setattr(projector_module, "READ_MODELS", healthy)
    upgraded = bootstrap(store)
    try:
        assert upgraded.projector.fault is None
        assert upgraded.projector.position() == recorded
        with TestClient(create_app(services=upgraded)) as fixed:
            assert ok(fixed.get("/readyz"))["applied"] == recorded
            response = fixed.get(f"/api/initiatives/{clarify['id']}")
            assert [n["text"] for n in response.json()["notes"]] == [f"{POISON} ensin"]
            assert "X-Kipina-Views-Behind" not in response.headers
            assert (
                ok(fixed.get(f"/api/initiatives/{later['id']}"))["title"]
                == "Yhteistyö- ja vuorovaikutustaidot"
            )
            assert "Näkymät ovat jäljessä" not in fixed.get("/", headers={"Accept-Language": "fi"}).text
    finally:
        upgraded.close()


def test_a_transient_failure_heals_at_the_next_retry(
    store: Settings, services: Services, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    healthy = projector_module.READ_MODELS
    monkeypatch.setattr(projector_module, "READ_MODELS", (*healthy, PoisonedReadModel()))
    ok(client.post(f"/api/initiatives/{clarify['id']}/notes", json={"text": f"{POISON} hetken"}), 202)
    monkeypatch.setattr(projector_module, "READ_MODELS", healthy)  # the cause went away

    # Within the retry interval the projector does not try again: still behind.
    assert client.get("/readyz").status_code == 503
    assert ok(client.get(f"/api/initiatives/{clarify['id']}"))["notes"] == []

    # The interval has passed (a clock that moved on): the next request retries, and it heals.
    now = services.projector._clock()
    monkeypatch.setattr(services.projector, "_clock", lambda: now + services.projector.retry_seconds + 1)
    with structlog.testing.capture_logs() as logs:
        response = client.get(f"/api/initiatives/{clarify['id']}")
    assert [n["text"] for n in response.json()["notes"]] == [f"{POISON} hetken"]
    assert "X-Kipina-Views-Behind" not in response.headers
    assert [entry["event"] for entry in logs if entry["event"].startswith("projection_")] == [
        "projection_recovered"
    ]
    assert ok(client.get("/readyz"))["lag"] == 0
    assert propose(client, "Tavoitteellinen työkierto")["title"] == "Tavoitteellinen työkierto"


def test_rebuild_stops_before_the_failing_event_and_says_which(
    store: Settings, services: Services, client: TestClient, poison: None
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    ok(client.post(f"/api/initiatives/{clarify['id']}/notes", json={"text": f"{POISON} taas"}), 202)
    propose(client, "Tavoitteellinen työkierto", 202)
    assert rebuild(services.projector) == 1  # the proposal applied; the note is position 2
    fault = services.projector.fault
    assert fault is not None and (fault.applied, fault.failed_at) == (1, 2)
    assert "applying event 2 (kipina:Initiative.NoteAdded) failed with IntegrityError" in fault.describe()
    assert titles(client) == ["Perustehtävän kirkastaminen"]


def test_the_rebuild_command_says_which_event_stopped_it(
    store: Settings,
    services: Services,
    client: TestClient,
    poison: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    ok(client.post(f"/api/initiatives/{clarify['id']}/notes", json={"text": f"{POISON} taas"}), 202)
    monkeypatch.setenv("KIPINA_DATA_DIR", str(store.data_dir))
    monkeypatch.setenv("KIPINA_DATABASE_URL", store.database_url or "")
    assert rebuild_script.main(["--quiet"]) == 1  # not a traceback
    err = capsys.readouterr().err
    assert "Rebuilt read models up to position 1 (1 events in " in err
    assert "applying event 2 (kipina:Initiative.NoteAdded) failed with IntegrityError" in err
    assert POISON not in err


def test_a_short_message_leaves_values_out() -> None:
    class Driver(Exception):
        pass

    refused = DBAPIError(
        "INSERT …", None, Driver('invalid input syntax for type integer: "Maija"\nDETAIL: x')
    )
    assert short_message(refused) == "invalid input syntax for type integer"
    try:
        {"a": 1}["Maija Meikäläinen"]
    except KeyError as error:
        assert "Maija" not in short_message(error)


# ---- read models ahead of the log -----------------------------------------------------


def test_read_models_ahead_of_the_log_are_not_ready_and_never_skip_a_new_write(
    store: Settings, services: Services, client: TestClient
) -> None:
    propose(client, "Perustehtävän kirkastaminen")
    propose(client, "Tavoitteellinen työkierto")
    recorded = services.app.recorder.max_notification_id()
    assert recorded == 2
    # The read-model database restored from a later moment than the event store: it claims
    # five more positions than the log holds.
    with services.projector.engine.begin() as conn:
        conn.execute(update(tracking).where(tracking.c.name == PROJECTION_NAME).values(position=recorded + 5))

    restarted = bootstrap(store)
    try:
        fault = restarted.projector.fault
        assert fault is not None and fault.kind == "ahead"
        with TestClient(create_app(services=restarted)) as again:
            ready = again.get("/readyz")
            assert ready.status_code == 503
            body = ready.json()
            assert (body["state"], body["applied"], body["recorded"]) == ("ahead", recorded + 5, recorded)
            assert "ahead of the event store" in body["detail"] and "make rebuild" in body["detail"]

            # A new write gets position 3, below the tracked 7: recorded, and said to be not visible,
            # never silently counted as shown.
            written = again.post("/api/initiatives", json={"title": "Yhteistyötaidot", "themes": []})
            assert written.status_code == 202, written.text
            assert written.json()["position"] == recorded + 1
            assert written.headers["X-Kipina-Views-State"] == "ahead"
            assert again.get(f"/api/initiatives/{written.json()['id']}").status_code == 404
            page = again.get("/", headers={"Accept-Language": "fi"})
            assert "Näkymät eivät vastaa tapahtumavarastoa" in page.text

        # More writes than the gap: the log now reaches past the tracked position, but the event
        # there is not the one the read models applied. A restart still says so.
        for n in range(5):
            restarted.app.propose_initiative(_ctx(restarted), fields={"title": f"Kokeilu {n}", "themes": []})
        assert (restarted.app.recorder.max_notification_id() or 0) > recorded + 5
    finally:
        restarted.close()
    once_more = bootstrap(store)
    try:
        fault = once_more.projector.fault
        assert fault is not None and fault.kind == "ahead"
        assert "different event" in fault.describe()
        # `make rebuild` puts it right: everything the log holds is shown.
        assert rebuild(once_more.projector) == once_more.app.recorder.max_notification_id()
        assert once_more.projector.fault is None
        with TestClient(create_app(services=once_more)) as rebuilt:
            assert ok(rebuilt.get("/readyz"))["lag"] == 0
            assert len(ok(rebuilt.get("/api/initiatives"))["items"]) == 8
    finally:
        once_more.close()


def _ctx(services: Services) -> Any:
    from domain.application import CommandContext

    return CommandContext(actor=services.local_actor_id)


# ---- read-model schema fingerprint -----------------------------------------------------


def test_changed_table_definitions_drop_and_rebuild_the_read_models_only(
    store: Settings, services: Services, client: TestClient
) -> None:
    clarify = propose(client, "Perustehtävän kirkastaminen")
    ok(client.post(f"/api/initiatives/{clarify['id']}/notes", json={"text": "Ensimmäinen palaveri."}))
    ok(client.post("/api/people", json={"name": "Maija Meikäläinen"}), 201)
    engine = services.projector.engine
    before = read_model_snapshot(engine)
    registry = registry_snapshot(engine)
    # The stored fingerprint is of other table definitions (an older Kipinä), and a row is
    # wrong: a rebuild must not keep it.
    with engine.begin() as conn:
        conn.execute(update(tracking).values(fingerprint="0" * 64))
        conn.execute(text("UPDATE initiatives SET title = 'väärin'"))

    with structlog.testing.capture_logs() as logs:
        restarted = bootstrap(store)
    try:
        assert [e["event"] for e in logs if e["event"] == "read_models_rebuilding"] == [
            "read_models_rebuilding"
        ]
        assert_same_tables(before, read_model_snapshot(engine))
        assert_same_tables(registry, registry_snapshot(engine))  # the people registry is not a read model
    finally:
        restarted.close()


def test_tracking_from_before_fingerprints_means_a_rebuild(
    store: Settings, services: Services, client: TestClient
) -> None:
    propose(client, "Perustehtävän kirkastaminen")
    engine = services.projector.engine
    before = read_model_snapshot(engine)
    with engine.begin() as conn:  # the table as Kipinä made it before
        conn.execute(text("ALTER TABLE projection_tracking DROP COLUMN fingerprint"))
        conn.execute(text("ALTER TABLE projection_tracking DROP COLUMN last_event"))
    restarted = bootstrap(store)
    try:
        assert_same_tables(before, read_model_snapshot(engine))
    finally:
        restarted.close()


def test_two_processes_starting_on_changed_tables_rebuild_once(
    store: Settings, services: Services, client: TestClient
) -> None:
    propose(client, "Perustehtävän kirkastaminen")
    engine = services.projector.engine
    before = read_model_snapshot(engine)
    with engine.begin() as conn:
        conn.execute(update(tracking).values(fingerprint="0" * 64))

    workers = [
        Projector(
            make_engine(str(engine.url.render_as_string(hide_password=False))),
            services.app.recorder,
            services.app.mapper.to_domain_event,
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(len(workers), timeout=THREAD_TIMEOUT)
    errors: list[BaseException] = []

    def start(worker: Projector) -> None:
        try:
            barrier.wait()
            worker.setup()
            worker.catch_up()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    try:
        with structlog.testing.capture_logs() as logs:
            threads = [threading.Thread(target=start, args=(w,)) for w in workers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=THREAD_TIMEOUT)
        assert not any(t.is_alive() for t in threads)
        assert errors == []
        assert len([e for e in logs if e["event"] == "read_models_rebuilding"]) == 1
        assert_same_tables(before, read_model_snapshot(engine))
        with engine.connect() as conn:
            assert conn.execute(select(tracking.c.position)).scalar_one() == 1
    finally:
        for worker in workers:
            worker.engine.dispose()


def test_the_fingerprint_covers_every_read_model_table() -> None:
    """Every process must compute the same fingerprint, the server and `make rebuild` alike:
    importing the projector alone registers every read-model table."""
    script = (
        "import importlib, pkgutil, projections\n"
        "from projections.projector import schema_fingerprint\n"
        "from projections.tables import metadata\n"
        "from sqlalchemy.dialects import sqlite\n"
        "alone = (sorted(metadata.tables), schema_fingerprint(sqlite.dialect()))\n"
        "for module in pkgutil.iter_modules(projections.__path__):\n"
        "    importlib.import_module(f'projections.{module.name}')\n"
        "print(alone == (sorted(metadata.tables), schema_fingerprint(sqlite.dialect())))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.stdout.strip() == "True", completed.stderr


def test_the_openapi_document_names_the_202(client: TestClient) -> None:
    paths = ok(client.get("/openapi.json"))["paths"]
    accepted = paths["/api/initiatives"]["post"]["responses"]["202"]
    assert "not show it yet" in accepted["description"]
    assert "202" in paths["/api/initiatives/{initiative_id}/notes"]["post"]["responses"]
    assert "202" not in paths["/api/people"]["post"]["responses"]  # the registry answers at once
