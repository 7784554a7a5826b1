"""The one path every command takes, shared by the areas of the application.

Replay if this Idempotency-Key was already applied → load the record → compare its
version with If-Match → let the aggregate check its rules and trigger events → save the
events (with the applied request, atomically). A refused command raises a `DomainError`
before anything is saved.

A refusal that names the kind of record (not found, stale, changed concurrently) takes its
sentence from the record's class: each aggregate holds `NOT_FOUND`, `STALE` and `CONCURRENT`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain.archive import Archivable
from domain.errors import (
    ConcurrentChange,
    IdempotencyKeyReused,
    InvalidField,
    RecordNotFound,
    StaleVersion,
)
from domain.organisation import Organisation
from domain.recorded import DateAsISO
from domain.request import AppliedRequest, request_id_for

A = TypeVar("A", bound=Aggregate)


class PeopleDirectory(Protocol):
    """The people registry, as far as commands need it (it lives outside the event log)."""

    def exists(self, person_id: UUID) -> bool: ...

    def placement(self, person_id: UUID) -> tuple[UUID | None, UUID | None]:
        """The person's organisation and unit in the registry ((None, None) if not known)."""
        ...


@dataclass(frozen=True)
class RequestKey:
    """An Idempotency-Key and a fingerprint of the request it came with."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class CommandContext:
    """Who is asking, and the HTTP preconditions that came with the request."""

    actor: UUID
    expected_version: int | None = None
    request_key: RequestKey | None = None


@dataclass(frozen=True)
class Receipt:
    """What a command did: the record, its version after the command, and the
    notification-log positions it wrote (empty when nothing changed or on a replay)."""

    record_id: UUID
    version: int
    positions: list[int] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    replayed: bool = False

    @property
    def last_position(self) -> int | None:
        return self.positions[-1] if self.positions else None


@runtime_checkable
class RecordKind(Protocol):
    """A kind of record the application loads and saves, as its refusals name it: one whole
    sentence per kind (not the kind glued into a sentence), so each translates whole."""

    NOT_FOUND: str  # placeholder {id}
    STALE: str  # placeholders {expected_version} and {current_version}
    CONCURRENT: str


class CommandPath(Application[UUID]):
    """The application's shared machinery; each area of commands builds on it."""

    def __init__(self, env: dict[str, str] | None = None, *, people: PeopleDirectory) -> None:
        super().__init__(env)
        self.people = people

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def new_id(self, ctx: CommandContext) -> UUID:
        """An id for something a command adds inside a record (a workshop, a check-in): derived
        from the Idempotency-Key when there is one, so a retried request names the same thing."""
        if ctx.request_key is None:
            return uuid4()
        return uuid5(request_id_for(ctx.actor, ctx.request_key.key), "child")

    def _create(self, ctx: CommandContext, build: Callable[[], A]) -> Receipt:
        replay = self._replay(ctx)
        if replay is not None:
            return replay
        return self._commit(ctx, build())

    def _change(
        self,
        ctx: CommandContext,
        cls: type[A],
        record_id: UUID,
        command: Callable[[A], Sequence[Aggregate] | None],
        *,
        archived_ok: bool = False,
    ) -> Receipt:
        """`command` may return new records made by the change (an adapt decision's next
        cycle): they are saved in the same `save()`, atomically. An archived record refuses
        every command but archive and restore (`archived_ok`), before its fields are judged."""
        replay = self._replay(ctx)
        if replay is not None:
            return replay
        record = self._get(cls, record_id)
        if ctx.expected_version is not None and ctx.expected_version != record.version:
            raise _stale_version(record, ctx.expected_version)
        if isinstance(record, Archivable) and not archived_ok:
            record.refuse_if_archived()
        created = command(record) or ()
        return self._commit(ctx, record, *created)

    def _commit(self, ctx: CommandContext, record: Aggregate, *created: Aggregate) -> Receipt:
        if not record.pending_events:
            return Receipt(record.id, record.version)
        applied: AppliedRequest | None = None
        if ctx.request_key is not None:
            applied = AppliedRequest.record(
                actor=ctx.actor,
                key=ctx.request_key.key,
                fingerprint=ctx.request_key.fingerprint,
                record_id=record.id,
                record_version=record.version,
            )
        event_types = [type(e).__name__ for e in record.pending_events]
        try:
            recordings = self.save(record, *created, applied)
        except IntegrityError:
            # Either the same key won a race, or another command changed the record.
            replay = self._replay(ctx)
            if replay is not None:
                return replay
            raise _concurrent_change(record) from None
        saved = {record.id, *(c.id for c in created)}
        positions = [r.notification.id for r in recordings if r.domain_event.originator_id in saved]
        return Receipt(record.id, record.version, positions, event_types)

    def _replay(self, ctx: CommandContext) -> Receipt | None:
        if ctx.request_key is None:
            return None
        try:
            applied: Aggregate = self.repository.get(request_id_for(ctx.actor, ctx.request_key.key))
        except AggregateNotFoundError:
            return None
        assert isinstance(applied, AppliedRequest)
        if applied.fingerprint != ctx.request_key.fingerprint:
            raise IdempotencyKeyReused()
        return Receipt(applied.record_id, applied.record_version, replayed=True)

    def _get(self, cls: type[A], record_id: UUID) -> A:
        try:
            record: Aggregate = self.repository.get(record_id)
        except AggregateNotFoundError:
            raise _not_found(cls, record_id) from None
        if not isinstance(record, cls):
            raise _not_found(cls, record_id)
        return record

    # ---- references a command checks ----------------------------------------------

    def _referenced(self, cls: type[A], field_name: str, record_id: UUID) -> A:
        """A record that a field names: an unknown id is an invalid field (422), not a missing
        path (404), in the same sentence."""
        try:
            return self._get(cls, record_id)
        except RecordNotFound:
            raise InvalidField(field_name, _kind(cls).NOT_FOUND, id=record_id) from None

    def _check_references(self, fields: dict[str, Any]) -> None:
        """A record's organisation, unit and owner (an initiative's, a pledge's) must exist."""
        organisation_id = fields.get("organisation_id")
        unit_id = fields.get("unit_id")
        if organisation_id is not None:
            organisation = self._referenced(Organisation, "organisation_id", organisation_id)
            if unit_id is not None and not organisation.has_unit(unit_id):
                raise InvalidField(
                    "unit_id",
                    "{organisation} has no unit with id {unit_id}.",
                    organisation=organisation.name,
                    unit_id=unit_id,
                )
        if fields.get("owner_id") is not None:
            self._check_person("owner_id", fields["owner_id"])

    def _check_person(self, field_name: str, person_id: UUID) -> None:
        if not self.people.exists(person_id):
            raise InvalidField(field_name, "There is no person with id {id}.", id=person_id)


# ---- refusals that name the kind of record ---------------------------------------


def _kind(cls: type[Aggregate]) -> RecordKind:
    if not isinstance(cls, RecordKind):
        raise TypeError(f"{cls.__name__} has no NOT_FOUND, STALE and CONCURRENT sentences.")
    return cls


def _not_found(cls: type[Aggregate], record_id: UUID) -> RecordNotFound:
    return RecordNotFound(_kind(cls).NOT_FOUND, id=record_id)


def _stale_version(record: Aggregate, expected_version: int) -> StaleVersion:
    return StaleVersion(
        _kind(type(record)).STALE, current_version=record.version, expected_version=expected_version
    )


def _concurrent_change(record: Aggregate) -> ConcurrentChange:
    kind = type(record)
    if isinstance(kind, RecordKind):
        return ConcurrentChange(kind.CONCURRENT)
    return ConcurrentChange("Someone else changed this record at the same moment. Reload it and try again.")
