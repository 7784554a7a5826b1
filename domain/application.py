"""The Kipinä application service: one method per command.

Every command follows the same path (see `_change` and `_create`):
replay if this Idempotency-Key was already applied → load the record →
compare its version with If-Match → let the aggregate check its rules and
trigger events → save the events (with the applied request, atomically).
A refused command raises a `DomainError` before anything is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain.errors import (
    ConcurrentChange,
    IdempotencyKeyReused,
    InvalidField,
    RecordNotFound,
    StaleVersion,
)
from domain.initiative import Initiative
from domain.organisation import Organisation, OrganisationKind
from domain.recorded import DateAsISO
from domain.request import AppliedRequest, request_id_for

A = TypeVar("A", bound=Aggregate)


class PeopleDirectory(Protocol):
    """The people registry, as far as commands need it (it lives outside the event log)."""

    def exists(self, person_id: UUID) -> bool: ...


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


class Kipina(Application[UUID]):
    name = "Kipina"

    def __init__(self, env: dict[str, str] | None = None, *, people: PeopleDirectory) -> None:
        super().__init__(env)
        self.people = people

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # ---- organisations --------------------------------------------------------

    def register_organisation(self, ctx: CommandContext, *, name: str, kind: OrganisationKind) -> Receipt:
        return self._create(
            ctx,
            lambda: Organisation.register(organisation_id=uuid4(), actor=ctx.actor, name=name, kind=kind),
        )

    def add_unit(self, ctx: CommandContext, organisation_id: UUID, *, name: str) -> Receipt:
        unit_id = uuid4()
        return self._change(
            ctx,
            Organisation,
            organisation_id,
            lambda org: org.add_unit(actor=ctx.actor, unit_id=unit_id, name=name),
        )

    def rename_unit(self, ctx: CommandContext, organisation_id: UUID, unit_id: UUID, *, name: str) -> Receipt:
        return self._change(
            ctx,
            Organisation,
            organisation_id,
            lambda org: org.rename_unit(actor=ctx.actor, unit_id=unit_id, name=name),
        )

    # ---- initiatives ----------------------------------------------------------

    def propose_initiative(
        self,
        ctx: CommandContext,
        *,
        fields: dict[str, Any],
        occurred_on: date | None = None,
        goals: Sequence[str] = (),
        team: Sequence[tuple[UUID, str]] = (),
    ) -> Receipt:
        """Propose an initiative; its first goals and team members are saved with it, atomically."""

        def build() -> Initiative:
            self._check_references(fields)
            initiative = Initiative.propose(
                initiative_id=uuid4(),
                actor=ctx.actor,
                occurred_on=occurred_on,
                fields=fields,
            )
            for text in goals:
                initiative.set_goal(actor=ctx.actor, goal_id=uuid4(), text=text)
            for person_id, role in team:
                self._check_person("team", person_id)
                initiative.add_team_member(actor=ctx.actor, person_id=person_id, role=role)
            return initiative

        return self._create(ctx, build)

    def edit_initiative(self, ctx: CommandContext, initiative_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        def edit(initiative: Initiative) -> None:
            merged = {
                "organisation_id": initiative.organisation_id,
                "unit_id": initiative.unit_id,
                **fields,
            }
            self._check_references(merged)
            initiative.edit(actor=ctx.actor, fields=fields)

        return self._change(ctx, Initiative, initiative_id, edit)

    def move_initiative(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        verb: str,
        *,
        occurred_on: date | None = None,
        reason: str = "",
        lessons: str = "",
    ) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.move(
                verb,
                actor=ctx.actor,
                occurred_on=occurred_on,
                reason=reason,
                lessons=lessons,
            ),
        )

    def set_goal(self, ctx: CommandContext, initiative_id: UUID, *, text: str) -> Receipt:
        goal_id = uuid4()
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.set_goal(actor=ctx.actor, goal_id=goal_id, text=text),
        )

    def reword_goal(self, ctx: CommandContext, initiative_id: UUID, goal_id: UUID, *, text: str) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.reword_goal(actor=ctx.actor, goal_id=goal_id, text=text),
        )

    def remove_goal(self, ctx: CommandContext, initiative_id: UUID, goal_id: UUID) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.remove_goal(actor=ctx.actor, goal_id=goal_id),
        )

    def add_team_member(
        self, ctx: CommandContext, initiative_id: UUID, *, person_id: UUID, role: str = ""
    ) -> Receipt:
        def add(initiative: Initiative) -> None:
            self._check_person("person_id", person_id)
            initiative.add_team_member(actor=ctx.actor, person_id=person_id, role=role)

        return self._change(ctx, Initiative, initiative_id, add)

    def remove_team_member(self, ctx: CommandContext, initiative_id: UUID, person_id: UUID) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.remove_team_member(actor=ctx.actor, person_id=person_id),
        )

    def add_note(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        text: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        note_id = uuid4()
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.add_note(
                actor=ctx.actor,
                note_id=note_id,
                text=text,
                occurred_on=occurred_on,
            ),
        )

    # ---- reads the write side needs -------------------------------------------

    def get_initiative(self, initiative_id: UUID) -> Initiative:
        return self._get(Initiative, initiative_id)

    def get_organisation(self, organisation_id: UUID) -> Organisation:
        return self._get(Organisation, organisation_id)

    # ---- the one path every command takes -------------------------------------

    def _create(self, ctx: CommandContext, build: Callable[[], A]) -> Receipt:
        replay = self._replay(ctx)
        if replay is not None:
            return replay
        return self._commit(ctx, build())

    def _change(
        self, ctx: CommandContext, cls: type[A], record_id: UUID, command: Callable[[A], None]
    ) -> Receipt:
        replay = self._replay(ctx)
        if replay is not None:
            return replay
        record = self._get(cls, record_id)
        if ctx.expected_version is not None and ctx.expected_version != record.version:
            raise _stale_version(record, ctx.expected_version)
        command(record)
        return self._commit(ctx, record)

    def _commit(self, ctx: CommandContext, record: Aggregate) -> Receipt:
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
            recordings = self.save(record, applied)
        except IntegrityError:
            # Either the same key won a race, or another command changed the record.
            replay = self._replay(ctx)
            if replay is not None:
                return replay
            raise _concurrent_change(record) from None
        positions = [r.notification.id for r in recordings if r.domain_event.originator_id == record.id]
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

    def _check_references(self, fields: dict[str, Any]) -> None:
        """An initiative's organisation, unit and owner must exist."""
        organisation_id = fields.get("organisation_id")
        unit_id = fields.get("unit_id")
        if organisation_id is not None:
            try:
                organisation = self.get_organisation(organisation_id)
            except RecordNotFound:
                raise InvalidField(
                    "organisation_id", "There is no organisation with id {id}.", id=organisation_id
                ) from None
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
# One whole sentence per kind of record (not the kind glued into a sentence), so that
# each can be translated as a whole.


def _not_found(cls: type[Aggregate], record_id: UUID) -> RecordNotFound:
    if cls is Initiative:
        return RecordNotFound("There is no initiative with id {id}.", id=record_id)
    if cls is Organisation:
        return RecordNotFound("There is no organisation with id {id}.", id=record_id)
    raise TypeError(f"No sentence says that a {cls.__name__} is missing.")


def _stale_version(record: Aggregate, expected_version: int) -> StaleVersion:
    if isinstance(record, Initiative):
        return StaleVersion(
            "You edited version {expected_version} of this initiative, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, Organisation):
        return StaleVersion(
            "You edited version {expected_version} of this organisation, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    raise TypeError(f"No sentence says that a {type(record).__name__} has changed.")


def _concurrent_change(record: Aggregate) -> ConcurrentChange:
    if isinstance(record, Initiative):
        return ConcurrentChange(
            "Someone else changed this initiative at the same moment. Reload it and try again."
        )
    if isinstance(record, Organisation):
        return ConcurrentChange(
            "Someone else changed this organisation at the same moment. Reload it and try again."
        )
    return ConcurrentChange("Someone else changed this record at the same moment. Reload it and try again.")
