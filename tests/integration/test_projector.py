"""The projector: resumes where it stopped, stops where asked, never applies an
event twice (also when two processes catch up at once), and maps recorded times
to log positions for as-of reads.

Commands here go straight to the application (no API), so nothing catches up
behind the test's back: the test decides when the projector runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, func, select

from domain.application import CommandContext, Kipina
from domain.organisation import OrganisationKind
from projections import history, initiatives, organisations
from projections.db import make_engine
from projections.projector import Projector
from services.bootstrap import Services, event_store_env, read_model_url
from services.settings import Settings

THREAD_TIMEOUT = 120.0


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def record_initiatives(app: Kipina, ctx: CommandContext, count: int, label: str) -> list[UUID]:
    """Each initiative: proposed, a note, planned — three events."""
    ids = []
    for n in range(count):
        receipt = app.propose_initiative(
            ctx, fields={"title": f"Tavoitteellinen työkierto {label} {n}", "themes": ["työkierto"]}
        )
        app.add_note(ctx, receipt.record_id, text=f"Opas työnkiertoon, luonnos {n}: käynnissä.")
        app.move_initiative(ctx, receipt.record_id, "plan")
        ids.append(receipt.record_id)
    return ids


def history_positions(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(select(history.history.c.position).order_by(history.history.c.position)).scalars()
        )


def all_positions(app: Kipina) -> list[int]:
    return [n.id for n in app.recorder.select_notifications(start=None, limit=100_000)]


def second_projector(store: Settings, app: Kipina, batch_size: int = 500) -> Projector:
    """Another projector on its own engine: what a second process would have."""
    return Projector(
        make_engine(read_model_url(store)), app.recorder, app.mapper.to_domain_event, batch_size=batch_size
    )


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def test_catch_up_resumes_from_the_tracked_position(
    store: Settings, services: Services, ctx: CommandContext, engines: list[Engine]
) -> None:
    app, projector = services.app, services.projector
    record_initiatives(app, ctx, 4, "a")
    first = app.recorder.max_notification_id()
    assert first == 12
    assert projector.lag() == first
    assert projector.catch_up() == first
    assert projector.position() == first and projector.lag() == 0

    record_initiatives(app, ctx, 3, "b")
    last = app.recorder.max_notification_id()
    assert last == first + 9

    # A new projector object on a new engine (as after a restart) knows the position
    # only from the tracking table, and applies only what came after it.
    restarted = second_projector(store, app, batch_size=4)
    engines.append(restarted.engine)
    batches: list[int] = []
    assert restarted.catch_up(on_batch=batches.append) == last
    assert batches == [4, 4, 1]
    assert restarted.position() == last == projector.position()
    assert history_positions(projector.engine) == list(range(1, last + 1))

    # Nothing new: a catch-up applies nothing.
    batches.clear()
    assert restarted.catch_up(on_batch=batches.append) == last
    assert batches == []
    with projector.engine.connect() as conn:
        titles = [r["title"] for r in initiatives.search(conn, initiatives.InitiativeFilter(), limit=50)[0]]
        notes = conn.execute(select(func.count()).select_from(initiatives.initiative_notes)).scalar_one()
    assert sorted(titles) == sorted(
        [f"Tavoitteellinen työkierto a {n}" for n in range(4)]
        + [f"Tavoitteellinen työkierto b {n}" for n in range(3)]
    )
    assert notes == 7


def test_a_failed_batch_leaves_no_trace_and_is_applied_again(
    store: Settings, services: Services, ctx: CommandContext, engines: list[Engine]
) -> None:
    """Read-model writes and the position commit together: a batch that fails half-way
    leaves neither its rows nor a moved position behind. The projector then applies the
    batch one event at a time, keeps the events before the failing one, and stops there
    without raising."""
    app = services.app
    record_initiatives(app, ctx, 4, "c")
    last = app.recorder.max_notification_id()
    assert last == 12

    def to_event_failing_at_7(notification: Any) -> object:
        if notification.id == 7:
            raise RuntimeError("the process died here")
        return app.mapper.to_domain_event(notification)

    failing = Projector(make_engine(read_model_url(store)), app.recorder, to_event_failing_at_7, batch_size=5)
    engines.append(failing.engine)
    assert failing.catch_up() == 6  # batch 1–5 committed; 6–10 failed, then 6 alone went in
    assert failing.position() == 6
    assert history_positions(failing.engine) == [1, 2, 3, 4, 5, 6]
    fault = failing.fault
    assert fault is not None and fault.kind == "failed"
    assert (fault.failed_at, fault.applied, fault.error) == (7, 6, "RuntimeError")
    assert fault.topic == "kipina:Initiative.Proposed"
    assert "died here" not in fault.message  # the message names the place, never the error's text
    # Until the retry interval has passed, a catch-up does not touch the database again.
    assert failing.catch_up() == 6

    resumed = second_projector(store, app, batch_size=5)
    engines.append(resumed.engine)
    assert resumed.catch_up() == last
    assert history_positions(resumed.engine) == list(range(1, last + 1))
    with resumed.engine.connect() as conn:
        notes = conn.execute(select(func.count()).select_from(initiatives.initiative_notes)).scalar_one()
    assert notes == 4


def test_catch_up_up_to_a_position_stops_at_the_end_of_its_batch(
    store: Settings, services: Services, ctx: CommandContext, engines: list[Engine]
) -> None:
    app = services.app
    record_initiatives(app, ctx, 5, "d")
    last = app.recorder.max_notification_id()
    assert last == 15
    projector = second_projector(store, app, batch_size=4)
    engines.append(projector.engine)

    reached = projector.catch_up(up_to=6)
    assert reached == 8  # batches 1–4 and 5–8: stops with the batch that holds 6
    assert projector.position() == 8
    assert history_positions(projector.engine) == list(range(1, 9))

    # Already there: nothing is applied.
    batches: list[int] = []
    assert projector.catch_up(up_to=3, on_batch=batches.append) == 8
    assert batches == []

    assert projector.catch_up(up_to=last, on_batch=batches.append) == last
    assert batches == [4, 3]
    assert history_positions(projector.engine) == list(range(1, last + 1))


def test_two_projectors_catching_up_at_once_apply_each_event_once(
    store: Settings, services: Services, ctx: CommandContext, engines: list[Engine]
) -> None:
    """Two processes on one database. PostgreSQL: the tracking row is locked with
    SELECT … FOR UPDATE for the batch; SQLite: one writer at a time."""
    app = services.app
    record_initiatives(app, ctx, 40, "e")
    last = app.recorder.max_notification_id()
    assert last == 120

    # The second process has its own application (event-store connection) too.
    other_app = Kipina(event_store_env(store), people=services.people)
    try:
        workers = [
            second_projector(store, app, batch_size=7),
            second_projector(store, other_app, batch_size=7),
        ]
        engines.extend(w.engine for w in workers)
        barrier = threading.Barrier(len(workers), timeout=THREAD_TIMEOUT)
        applied: list[list[int]] = [[] for _ in workers]
        errors: list[BaseException] = []

        def run(index: int) -> Callable[[], None]:
            def target() -> None:
                try:
                    barrier.wait()
                    workers[index].catch_up(on_batch=applied[index].append)
                except BaseException as error:  # reported by the main thread
                    errors.append(error)

            return target

        threads = [threading.Thread(target=run(i)) for i in range(len(workers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=THREAD_TIMEOUT)
        assert not any(t.is_alive() for t in threads), "a catch-up did not finish"
    finally:
        other_app.close()

    assert errors == []
    assert sum(applied[0]) + sum(applied[1]) == last  # every event applied by exactly one of them
    assert history_positions(services.projector.engine) == all_positions(app) == list(range(1, last + 1))
    assert services.projector.position() == last
    with services.projector.engine.connect() as conn:
        notes = conn.execute(select(func.count()).select_from(initiatives.initiative_notes)).scalar_one()
        current = conn.execute(
            select(func.count())
            .select_from(initiatives.initiatives)
            .where(initiatives.initiatives.c.valid_to.is_(None))
        ).scalar_one()
    assert notes == 40
    assert current == 40


def test_position_at_maps_recorded_times_to_log_positions(services: Services, ctx: CommandContext) -> None:
    app, projector = services.app, services.projector
    before_anything = datetime.now(UTC)
    registered = app.register_organisation(ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY)
    org_id = registered.record_id
    added = app.add_unit(ctx, org_id, name="Kotihoito")
    after_unit = datetime.now(UTC)
    unit_id = UUID(next(iter(app.get_organisation(org_id).units)))
    renamed = app.rename_unit(ctx, org_id, unit_id, name="Kotihoito ja asumisyksiköt")
    after_rename = datetime.now(UTC)
    projector.catch_up()

    with projector.engine.connect() as conn:
        assert history.position_at(conn, before_anything) == 0
        assert history.position_at(conn, after_unit) == added.last_position
        assert history.position_at(conn, after_rename) == renamed.last_position
        assert history.position_at(conn, after_rename + timedelta(days=365)) == renamed.last_position
        recorded = [r["recorded_at"] for r in history.of_record(conn, org_id)]
        assert [history.position_at(conn, moment) for moment in recorded] == [
            registered.last_position,
            added.last_position,
            renamed.last_position,
        ]

        # The position found for a moment gives the state as it was then.
        then = organisations.get(conn, org_id, as_of=history.position_at(conn, after_unit))
        now = organisations.get(conn, org_id)
        nothing = organisations.get(conn, org_id, as_of=history.position_at(conn, before_anything))
    assert then is not None and now is not None
    assert [u["name"] for u in then["units"]] == ["Kotihoito"]
    assert [u["name"] for u in now["units"]] == ["Kotihoito ja asumisyksiköt"]
    assert nothing is None
