"""The projector: pulls events from the application's notification log and
applies them to every read model, recording the last applied position in the
same transaction as the read-model writes.

It stops and resumes anywhere: a crash loses only an uncommitted batch, which
the next catch-up applies again. Several processes may share one PostgreSQL
database: the tracking row is locked (`SELECT … FOR UPDATE`) for the batch, so
a second process waits, sees the advanced position and never applies an event
twice. Within one process a lock allows one catch-up at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Column, Connection, Engine, Integer, String, Table, insert, select, update

from domain.recorded import RecordedEvent
from projections import (
    campaigns,
    change_actions,
    change_day_wall,
    development_targets,
    evaluations,
    experiments,
    good_practices,
    history,
    initiatives,
    measures,
    organisations,
    programmes,
    rotations,
)
from projections.batch import Batch
from projections.tables import metadata

PROJECTION_NAME = "read_models"

tracking = Table(
    "projection_tracking",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("position", Integer, nullable=False),
)


class ReadModel(Protocol):
    def prefetch(self, batch: Batch, events: list[RecordedEvent]) -> None: ...

    def apply(self, batch: Batch, position: int, event: RecordedEvent) -> None: ...


# History reads each record's previous row from the state read models: it goes first.
READ_MODELS: tuple[ReadModel, ...] = (
    history,
    initiatives,
    organisations,
    experiments,
    rotations,
    campaigns,
    change_actions,
    change_day_wall,
    programmes,
    measures,
    evaluations,
    development_targets,
    good_practices,
)


class NotificationSource(Protocol):
    """What the projector needs of eventsourcing's ApplicationRecorder."""

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Any]: ...

    def max_notification_id(self) -> int | None: ...


class Projector:
    def __init__(
        self,
        engine: Engine,
        source: NotificationSource,
        to_event: Callable[[Any], object],
        *,
        batch_size: int = 500,
    ) -> None:
        self.engine = engine
        self.source = source
        self.to_event = to_event
        self.batch_size = batch_size
        self._lock = threading.Lock()
        # The highest position this process knows to be applied. It only ever lags the
        # truth (another process may have gone further), so it can only cause a needless
        # locked check, never a skipped event.
        self._known_applied = 0

    def setup(self) -> None:
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            found = conn.execute(
                select(tracking.c.position).where(tracking.c.name == PROJECTION_NAME)
            ).first()
            if found is None:
                conn.execute(insert(tracking).values(name=PROJECTION_NAME, position=0))
        self._known_applied = self.position()

    def position(self) -> int:
        with self.engine.connect() as conn:
            return _tracked_position(conn, lock=False)

    def lag(self) -> int:
        """How many recorded events the read models have not applied yet."""
        return max(0, (self.source.max_notification_id() or 0) - self.position())

    def catch_up(
        self,
        up_to: int | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> int:
        """Apply everything recorded (or at least up to `up_to`); returns the new position."""
        # Fast path for every read: when nothing new was recorded, no lock and no transaction.
        target = up_to if up_to is not None else (self.source.max_notification_id() or 0)
        if target <= self._known_applied:
            return self._known_applied
        with self._lock:
            while True:
                applied, position = self._apply_next_batch(up_to)
                self._known_applied = max(self._known_applied, position)
                if on_batch is not None and applied:
                    on_batch(applied)
                if not applied or (up_to is not None and position >= up_to):
                    return position

    def _apply_next_batch(self, up_to: int | None) -> tuple[int, int]:
        with self.engine.begin() as conn:
            start = _tracked_position(conn, lock=True)
            if up_to is not None and start >= up_to:
                return 0, start
            notifications = self.source.select_notifications(
                start=start, limit=self.batch_size, inclusive_of_start=False
            )
            if not notifications:
                return 0, start
            decoded = [(n.id, self.to_event(n)) for n in notifications]
            events = [(position, e) for position, e in decoded if isinstance(e, RecordedEvent)]
            batch = Batch(conn)
            for model in READ_MODELS:
                model.prefetch(batch, [e for _, e in events])
            for position, event in events:
                for model in READ_MODELS:
                    model.apply(batch, position, event)
            batch.flush()
            position = notifications[-1].id
            conn.execute(update(tracking).where(tracking.c.name == PROJECTION_NAME).values(position=position))
            return len(notifications), position


def _tracked_position(conn: Connection, *, lock: bool) -> int:
    query = select(tracking.c.position).where(tracking.c.name == PROJECTION_NAME)
    if lock and conn.dialect.name == "sqlite":
        # SQLite has no FOR UPDATE, and the sqlite3 driver starts the transaction only
        # at the first write: a plain SELECT would read the position unlocked, and two
        # processes would apply the same batch. A no-op write takes the database's
        # write lock first (waiting for the other writer), so the read below is current.
        row = tracking.c.name == PROJECTION_NAME
        conn.execute(update(tracking).where(row).values(position=tracking.c.position))
    elif lock:
        query = query.with_for_update()
    return int(conn.execute(query).scalar_one())
