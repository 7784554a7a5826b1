"""The projector: pulls events from the application's notification log and
applies them to every read model, recording the last applied position in the
same transaction as the read-model writes.

It stops and resumes anywhere: a crash loses only an uncommitted batch, which
the next catch-up applies again. Several processes may share one PostgreSQL
database: the tracking row is locked (`SELECT … FOR UPDATE`) for the batch, so
a second process waits, sees the advanced position and never applies an event
twice. Within one process a lock allows one catch-up at a time.

It fails safe. If applying an event raises (a database refuses a value, a
projection has a bug), the batch is rolled back, the failing event is found by
applying the batch again one event at a time, and the failure is remembered and
logged once. From then on `catch_up` does not raise: it returns the last good
position, so every read serves the read models as they were before that event,
and it tries the event again at most every `retry_seconds` (a transient failure
heals; a deterministic one stays until a Kipinä with the fix starts and catches
up by itself). Read models that are ahead of the log (a read-model database
restored from a later moment than the event store) are a failure too: nothing
is applied, because the positions they claim to hold are not the log's.

Read models are rebuilt from events, so their tables are never migrated: the
tracking row stores a fingerprint of every read-model table's DDL, and `setup`
drops and recreates them (then the catch-up rebuilds them from position 0)
when the code's tables differ from the stored ones.
"""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import structlog
from sqlalchemy import (
    Column,
    Connection,
    Dialect,
    Engine,
    Integer,
    String,
    Table,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex, CreateTable

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
# Part of the fingerprint: bump it when a projection turns events into different rows
# without changing a table, so every deployment rebuilds its read models at start.
PROJECTION_VERSION = 1
# Held (PostgreSQL: transaction-level advisory lock) while one process checks the
# fingerprint and, if it changed, drops and recreates the read-model tables.
SCHEMA_LOCK_KEY = 0x4B6970696E61  # "Kipina"

log = structlog.get_logger("kipina.projector")

tracking = Table(
    "projection_tracking",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("position", Integer, nullable=False),
    # The event applied at `position` (originator id and version): a log restored from
    # another moment has a different event there, or none, and the projector notices.
    Column("last_event", String(80), nullable=True),
    # What `schema_fingerprint` gave when these tables were created.
    Column("fingerprint", String(64), nullable=True),
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


FaultKind = Literal["failed", "ahead"]


@dataclass(frozen=True)
class Fault:
    """Why the read models stopped: an event could not be applied ("failed"), or the
    read models claim positions the log does not hold ("ahead")."""

    kind: FaultKind
    applied: int  # the position the read models show
    failed_at: int | None  # "failed": the event that could not be applied (None: reading the log failed)
    recorded: int | None  # "ahead": the last position the log holds
    topic: str | None
    error: str  # the exception's class
    message: str  # short, without row values
    since: datetime

    def describe(self) -> str:
        """One sentence for an administrator (/readyz, the rebuild command)."""
        if self.kind == "ahead":
            return (
                f"The read models are ahead of the event store: they have applied position "
                f"{self.applied}, but {self._log_holds()}. Restore both from the same backup "
                f"or run `make rebuild`. New changes are recorded but not shown."
            )
        what = (
            f"applying event {self.failed_at} ({self.topic})"
            if self.failed_at is not None
            else "reading the event store"
        )
        return (
            f"The read models stopped at position {self.applied} since {self.since.isoformat()}: "
            f"{what} failed with {self.error}: {self.message}. Changes recorded after that are "
            f"saved but not shown; start a Kipinä that fixes this and it catches up by itself."
        )

    def _log_holds(self) -> str:
        if self.recorded is not None and self.recorded >= self.applied:
            return f"the event store holds a different event at that position ({self.message})"
        return f"the event store ends at position {self.recorded or 0}"


@dataclass(frozen=True)
class Status:
    """What readers are shown, from this process's memory (no database round trip)."""

    applied: int
    fault: Fault | None
    catching_up: bool  # the start-up catch-up is still running
    since: datetime | None  # since when the views are behind

    @property
    def behind(self) -> bool:
        return self.fault is not None or self.catching_up


class _ApplyFailed(Exception):
    def __init__(self, position: int | None, topic: str | None, error: BaseException) -> None:
        super().__init__(str(error))
        self.position = position
        self.topic = topic
        self.error = error


class _Ahead(Exception):
    def __init__(self, applied: int, recorded: int | None, detail: str) -> None:
        super().__init__(detail)
        self.applied = applied
        self.recorded = recorded
        self.detail = detail


class Projector:
    def __init__(
        self,
        engine: Engine,
        source: NotificationSource,
        to_event: Callable[[Any], object],
        *,
        batch_size: int = 500,
        retry_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.source = source
        self.to_event = to_event
        self.batch_size = batch_size
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._lock = threading.Lock()
        # The highest position this process knows to be applied. It only ever lags the
        # truth (another process may have gone further), so it can only cause a needless
        # locked check, never a skipped event.
        self._known_applied = 0
        self._fault: Fault | None = None
        self._retry_at = 0.0
        # The start-up catch-up in a thread: while it runs, requests do not wait for it.
        self._background = threading.Event()
        self._background_since: datetime | None = None
        self._stop = threading.Event()

    # ---- setup ---------------------------------------------------------------------

    def setup(self, *, rebuild: bool = False) -> None:
        """Create the read-model tables, or drop and recreate them when their definitions
        changed (or `rebuild`); then the next catch-up applies the log from position 0."""
        wanted = schema_fingerprint(self.engine.dialect)
        if not rebuild:
            # The usual start: the tables are as the code defines them. Checked without the
            # lock, so a start never waits for a catch-up another process is running.
            with self.engine.connect() as conn:
                current = _stored_fingerprint(conn) == wanted
            if current:
                self._started()
                return
        with self.engine.begin() as conn:
            _lock_schema(conn)
            stored = _stored_fingerprint(conn)  # again: another process may have rebuilt meanwhile
            if rebuild or stored != wanted:
                existed = inspect(conn).has_table(tracking.name)
                metadata.drop_all(conn)
                metadata.create_all(conn)
                conn.execute(insert(tracking).values(name=PROJECTION_NAME, position=0, fingerprint=wanted))
                if existed and not rebuild:
                    log.warning("read_models_rebuilding", reason="read-model tables changed")
        self._started()

    def _started(self) -> None:
        self._known_applied = self.position()
        self._fault = None
        self._check_against_log()

    def position(self) -> int:
        with self.engine.connect() as conn:
            return _tracked(conn, lock=False)[0]

    def lag(self) -> int:
        """How many recorded events the read models have not applied yet."""
        return max(0, (self.source.max_notification_id() or 0) - self.position())

    # ---- state for readers ---------------------------------------------------------

    @property
    def fault(self) -> Fault | None:
        return self._fault

    def status(self) -> Status:
        fault = self._fault
        catching_up = self._background.is_set()
        since = fault.since if fault is not None else (self._background_since if catching_up else None)
        return Status(self._known_applied, fault, catching_up, since)

    def shows(self, position: int) -> bool:
        """Whether the read models this process serves include the event at `position`."""
        return self._fault is None and self._known_applied >= position

    # ---- catching up ---------------------------------------------------------------

    def catch_up(
        self,
        up_to: int | None = None,
        on_batch: Callable[[int], None] | None = None,
        *,
        wait: bool = True,
    ) -> int:
        """Apply everything recorded (or at least up to `up_to`); returns the position the
        read models now show. Never raises: on a failure it returns the last good position.

        `wait=False`, and every call while the start-up catch-up runs, returns at once with
        the current position when another catch-up holds the lock."""
        return self._catch_up(up_to, on_batch, blocking=wait and not self._background.is_set())

    def start_catching_up(self) -> threading.Thread | None:
        """The start-up catch-up, in a thread: the server listens meanwhile. None when
        there is nothing to catch up (the usual restart), so no request sees "catching up"."""
        try:
            behind = (self.source.max_notification_id() or 0) != self._known_applied
        except Exception:  # the thread's catch-up records the failure
            behind = True
        if not behind or self._fault is not None:
            return None
        self._background_since = datetime.now(UTC)
        self._background.set()
        self._stop.clear()
        thread = threading.Thread(target=self._catch_up_in_background, name="kipina-catch-up", daemon=True)
        thread.start()
        return thread

    def stop_catching_up(self, thread: threading.Thread | None, timeout: float = 10.0) -> None:
        """Ask the start-up catch-up to stop after its current batch (the server is stopping)."""
        self._stop.set()
        if thread is not None:
            thread.join(timeout)

    def _catch_up_in_background(self) -> None:
        started = time.perf_counter()
        try:
            position = self._catch_up(None, None, blocking=True)
            log.info(
                "caught_up",
                position=position,
                seconds=round(time.perf_counter() - started, 2),
                failed=self._fault is not None,
            )
        finally:
            self._background.clear()

    def _catch_up(self, up_to: int | None, on_batch: Callable[[int], None] | None, *, blocking: bool) -> int:
        if self._fault is not None:
            if self._clock() < self._retry_at:
                return self._known_applied
            blocking = False  # one caller retries; the others serve what is there
        else:
            try:
                # Fast path for every read: when nothing new was recorded, no lock and no transaction.
                target = up_to if up_to is not None else (self.source.max_notification_id() or 0)
            except Exception as error:  # the event store is unreachable: keep serving
                self._fail(_ApplyFailed(None, None, error))
                return self._known_applied
            # Equal is caught up; a log that ends below what is applied is checked under the lock.
            if target == self._known_applied or (up_to is not None and target < self._known_applied):
                return self._known_applied
        if not self._lock.acquire(blocking=blocking):
            return self._known_applied
        try:
            return self._catch_up_locked(up_to, on_batch)
        finally:
            self._lock.release()

    def _catch_up_locked(self, up_to: int | None, on_batch: Callable[[int], None] | None) -> int:
        while not self._stop.is_set():  # set only when the server stops
            try:
                applied, position = self._apply_next_batch(up_to, self.batch_size)
            except _Ahead as ahead:
                self._fail_ahead(ahead)
                return self._known_applied
            except _ApplyFailed as failed:
                if not self._isolate(failed, on_batch):
                    return self._known_applied
                continue
            self._advanced(position)
            if on_batch is not None and applied:
                on_batch(applied)
            if not applied or (up_to is not None and position >= up_to):
                return position
        return self._known_applied

    def _isolate(self, failed: _ApplyFailed, on_batch: Callable[[int], None] | None) -> bool:
        """A batch failed and was rolled back: apply its events one at a time, so the
        events before the failing one are kept and the failing one is named. Returns
        True when they all applied this time (a transient failure)."""
        for _ in range(self.batch_size):
            try:
                applied, position = self._apply_next_batch(None, 1)
            except _Ahead as ahead:
                self._fail_ahead(ahead)
                return False
            except _ApplyFailed as single:
                self._fail(single)
                return False
            if not applied:
                break
            self._advanced(position)
            if on_batch is not None:
                on_batch(applied)
        log.info("projection_batch_retried", first_error=type(failed.error).__name__)
        return True

    def _advanced(self, position: int) -> None:
        self._known_applied = max(self._known_applied, position)
        if self._fault is not None:
            log.warning("projection_recovered", position=position, failed_since=self._fault.since.isoformat())
            self._fault = None

    def _fail(self, failed: _ApplyFailed) -> None:
        error = failed.error
        fault = Fault(
            kind="failed",
            applied=self._known_applied,
            failed_at=failed.position,
            recorded=None,
            topic=failed.topic,
            error=type(error).__name__,
            message=short_message(error),
            since=self._fault.since if self._fault is not None else datetime.now(UTC),
        )
        self._retry_at = self._clock() + self.retry_seconds
        if self._fault is not None and (self._fault.failed_at, self._fault.error) == (
            fault.failed_at,
            fault.error,
        ):
            log.debug("projection_still_failing", position=fault.failed_at, error=fault.error)
            self._fault = fault
            return
        self._fault = fault
        # Once per failure, with the traceback: the engines hide statement parameters,
        # so it holds no row values.
        log.error(
            "projection_failed",
            applied=fault.applied,
            position=fault.failed_at,
            topic=fault.topic,
            error=fault.error,
            message=fault.message,
            retry_seconds=self.retry_seconds,
            exc_info=error,
        )

    def _fail_ahead(self, ahead: _Ahead) -> None:
        self._retry_at = self._clock() + self.retry_seconds
        if self._fault is not None and self._fault.kind == "ahead":
            return
        self._fault = Fault(
            kind="ahead",
            applied=ahead.applied,
            failed_at=None,
            recorded=ahead.recorded,
            topic=None,
            error="ReadModelsAhead",
            message=ahead.detail,
            since=datetime.now(UTC),
        )
        log.error(
            "read_models_ahead_of_log", applied=ahead.applied, recorded=ahead.recorded, detail=ahead.detail
        )

    def _check_against_log(self) -> None:
        """At start: are the read models at a position the log holds, with the same event?"""
        try:
            with self.engine.connect() as conn:
                start, last_event = _tracked(conn, lock=False)
            if start > 0:
                self._first_to_apply(start, last_event, 1)
        except _Ahead as ahead:
            self._fail_ahead(ahead)
        except Exception as error:
            self._fail(_ApplyFailed(None, None, error))

    def _first_to_apply(self, start: int, last_event: str | None, limit: int) -> list[Any]:
        """Up to `limit` notifications after `start`, having checked that the log's event
        at `start` is the one the read models applied there. Raises _Ahead if not."""
        if start == 0:
            return list(self.source.select_notifications(start=0, limit=limit, inclusive_of_start=False))
        notifications = list(self.source.select_notifications(start=start, limit=limit + 1))
        if not notifications or notifications[0].id != start:
            recorded = self.source.max_notification_id()
            raise _Ahead(start, recorded, f"no event at position {start}")
        if last_event is not None and _identity(notifications[0]) != last_event:
            raise _Ahead(start, self.source.max_notification_id(), f"another event at position {start}")
        return notifications[1:]

    def _apply_next_batch(self, up_to: int | None, limit: int) -> tuple[int, int]:
        current: tuple[int | None, str | None] = (None, None)
        try:
            with self.engine.begin() as conn:
                start, last_event = _tracked(conn, lock=True)
                if up_to is not None and start >= up_to:
                    return 0, start
                current = (start + 1, None)
                notifications = self._first_to_apply(start, last_event, limit)
                if not notifications:
                    return 0, start
                if len(notifications) == 1:
                    current = (notifications[0].id, notifications[0].topic)
                decoded = [(n.id, self.to_event(n)) for n in notifications]
                events = [(position, e) for position, e in decoded if isinstance(e, RecordedEvent)]
                batch = Batch(conn)
                for model in READ_MODELS:
                    model.prefetch(batch, [e for _, e in events])
                for position, event in events:
                    for model in READ_MODELS:
                        model.apply(batch, position, event)
                batch.flush()
                last = notifications[-1]
                conn.execute(
                    update(tracking)
                    .where(tracking.c.name == PROJECTION_NAME)
                    .values(position=last.id, last_event=_identity(last))
                )
                return len(notifications), last.id
        except _Ahead:
            raise
        except Exception as error:
            raise _ApplyFailed(current[0], current[1], error) from error


def short_message(error: BaseException) -> str:
    """What went wrong, without row values: the database's first line (its statement
    and parameters are left out, and a quoted value after a colon is cut), or for
    other errors the place in our code that raised."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        first = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
        return first.split(': "')[0][:200]
    # Not str(error): a KeyError or ValueError may quote a value from the event.
    frames = [Path(f.filename) for f in traceback.extract_tb(error.__traceback__)]
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__)]
    ours = [
        (path, line)
        for path, line in zip(frames, lines, strict=True)
        if path.parent.name in ("projections", "domain")
    ]
    if ours:
        path, line = ours[-1]
        return f"raised at {path.parent.name}/{path.name}:{line}"
    return "raised outside the projections"


def schema_fingerprint(dialect: Dialect) -> str:
    """A hash of every read-model table's DDL as this database would create it."""
    parts = [f"projection version {PROJECTION_VERSION}"]
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        parts.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            parts.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _lock_schema(conn: Connection) -> None:
    """One process at a time checks and rebuilds the tables; the lock ends with the transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    else:
        # SQLite's DDL is transactional too; IMMEDIATE takes the write lock now, not at
        # the first write, so a second process waits here and then sees the new tables.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _stored_fingerprint(conn: Connection) -> str | None:
    inspector = inspect(conn)
    if not inspector.has_table(tracking.name):
        return None
    if "fingerprint" not in {c["name"] for c in inspector.get_columns(tracking.name)}:
        return None  # made by a Kipinä before fingerprints
    found = conn.execute(
        select(tracking.c.fingerprint).where(tracking.c.name == PROJECTION_NAME)
    ).scalar_one_or_none()
    return found


def _identity(notification: Any) -> str:
    return f"{notification.originator_id}:{notification.originator_version}"


def _tracked(conn: Connection, *, lock: bool) -> tuple[int, str | None]:
    query = select(tracking.c.position, tracking.c.last_event).where(tracking.c.name == PROJECTION_NAME)
    if lock and conn.dialect.name == "sqlite":
        # SQLite has no FOR UPDATE, and the sqlite3 driver starts the transaction only
        # at the first write: a plain SELECT would read the position unlocked, and two
        # processes would apply the same batch. A no-op write takes the database's
        # write lock first (waiting for the other writer), so the read below is current.
        row = tracking.c.name == PROJECTION_NAME
        conn.execute(update(tracking).where(row).values(position=tracking.c.position))
    elif lock:
        query = query.with_for_update()
    found = conn.execute(query).one()
    return int(found.position), found.last_event
