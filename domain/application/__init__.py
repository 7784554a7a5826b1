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
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain.campaign import Campaign
from domain.change_action import ChangeAction
from domain.development_target import DevelopmentTarget, RecordType, clean_record_type
from domain.errors import (
    ConcurrentChange,
    IdempotencyKeyReused,
    InvalidField,
    RecordNotFound,
    StaleVersion,
)
from domain.experiment import Experiment
from domain.good_practice import GoodPractice
from domain.initiative import GOALS_MAX, TEAM_MAX, Initiative
from domain.measure import Measure
from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme
from domain.recorded import DateAsISO
from domain.request import AppliedRequest, request_id_for
from domain.rotation import RotationPlacement, RotationSchedule, schedule_id_for
from domain.values import at_most

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


@dataclass(frozen=True)
class PledgeBatch:
    """What `record_pledges` recorded: the new actions' ids and their log positions."""

    recorded: list[UUID]
    positions: list[int]


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
            # Counted before anything is built: a request with 4,000 goals is refused whole.
            at_most("goals", goals, max_items=GOALS_MAX)
            at_most("team", team, max_items=TEAM_MAX)
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

    # ---- experiments -----------------------------------------------------------

    def plan_experiment(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        occurred_on: date | None = None,
    ) -> Receipt:
        """Plan an experiment under an initiative that exists and is not closed."""

        def build() -> Experiment:
            initiative = self.get_initiative(initiative_id)
            return Experiment.plan(
                experiment_id=uuid4(),
                initiative=initiative,
                actor=ctx.actor,
                occurred_on=occurred_on,
                fields=fields,
            )

        return self._create(ctx, build)

    def edit_experiment(self, ctx: CommandContext, experiment_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        return self._change(ctx, Experiment, experiment_id, lambda e: e.edit(actor=ctx.actor, fields=fields))

    def start_experiment(
        self, ctx: CommandContext, experiment_id: UUID, *, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx, Experiment, experiment_id, lambda e: e.start(actor=ctx.actor, occurred_on=occurred_on)
        )

    def record_observation(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        text: str,
        values: Sequence[dict[str, Any]] = (),
        occurred_on: date | None = None,
    ) -> Receipt:
        observation_id = uuid4()
        return self._change(
            ctx,
            Experiment,
            experiment_id,
            lambda e: e.record_observation(
                actor=ctx.actor,
                observation_id=observation_id,
                text=text,
                values=list(values),
                occurred_on=occurred_on,
            ),
        )

    def study_experiment(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        result: str,
        learning: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Experiment,
            experiment_id,
            lambda e: e.study(actor=ctx.actor, result=result, learning=learning, occurred_on=occurred_on),
        )

    def decide_experiment(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        decision: str,
        rationale: str = "",
        occurred_on: date | None = None,
        next_cycle: dict[str, Any] | None = None,
    ) -> Receipt:
        """Adopt, adapt or abandon; `next_cycle` (adapt only) plans the next experiment,
        linked as following this one, in the same save."""

        def decide(experiment: Experiment) -> list[Aggregate]:
            next_id = uuid4() if next_cycle is not None else None
            experiment.decide(
                actor=ctx.actor,
                decision=decision,
                rationale=rationale,
                occurred_on=occurred_on,
                next_cycle_id=next_id,
            )
            if next_id is None or next_cycle is None:
                return []
            initiative = self.get_initiative(experiment.initiative_id)
            return [
                experiment.plan_next_cycle(
                    experiment_id=next_id, initiative=initiative, actor=ctx.actor, fields=next_cycle
                )
            ]

        return self._change(ctx, Experiment, experiment_id, decide)

    def cancel_experiment(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        reason: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Experiment,
            experiment_id,
            lambda e: e.cancel(actor=ctx.actor, reason=reason, occurred_on=occurred_on),
        )

    # ---- rotation placements ----------------------------------------------------
    # "A person never has two overlapping placements" is checked against the person's
    # RotationSchedule aggregate, inside the command, and saved in the same save() as the
    # placement. The issue asked for a check "against the read model"; the read model is
    # eventually consistent (two requests can both read it before either is projected), so
    # it could never make the rule hold under concurrent requests. The schedule is the
    # authoritative, consistent copy of exactly the facts the rule needs: two concurrent
    # bookings conflict on its version and the loser gets 409 (ConcurrentChange).

    def propose_rotation(
        self,
        ctx: CommandContext,
        *,
        person_id: UUID,
        home_organisation_id: UUID,
        home_unit_id: UUID,
        host_organisation_id: UUID,
        host_unit_id: UUID,
        starts_on: date | None,
        ends_on: date | None,
        learning_goals: Sequence[str],
        mentor_id: UUID | None = None,
        initiative_id: UUID | None = None,
        target_id: UUID | None = None,
    ) -> Receipt:
        """Propose a placement; with `target_id`, the development target records the link in
        the same save (a retired target refuses it)."""
        replay = self._replay(ctx)
        if replay is not None:
            return replay
        self._check_person("person_id", person_id)
        self._check_unit("home", home_organisation_id, home_unit_id)
        self._check_unit("host", host_organisation_id, host_unit_id)
        placement = RotationPlacement.propose(
            placement_id=uuid4(),
            actor=ctx.actor,
            person_id=person_id,
            home_organisation_id=home_organisation_id,
            home_unit_id=home_unit_id,
            host_organisation_id=host_organisation_id,
            host_unit_id=host_unit_id,
            starts_on=starts_on,
            ends_on=ends_on,
            learning_goals=list(learning_goals),
            mentor_id=mentor_id,
            initiative_id=initiative_id,
            target_id=target_id,
        )
        self._check_rotation_references({"mentor_id": mentor_id, "initiative_id": initiative_id})
        linked: list[Aggregate] = []
        if target_id is not None:
            target = self._referenced_target(target_id)
            target.link(actor=ctx.actor, record_type=RecordType.ROTATION, record_id=placement.id)
            linked.append(target)
        schedule = self._rotation_schedule(person_id, ctx.actor)
        schedule.book(
            actor=ctx.actor,
            placement_id=placement.id,
            starts_on=placement.starts_on,
            ends_on=placement.ends_on,
        )
        return self._commit(ctx, placement, schedule, *linked)

    def edit_rotation(self, ctx: CommandContext, placement_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        """Edit learning goals, mentor and initiative (until it starts). `target_id` moves the
        placement to another development target (or none) in any status: both targets record
        it in the same save."""
        plan = {name: value for name, value in fields.items() if name != "target_id"}

        def edit(placement: RotationPlacement) -> list[Aggregate]:
            if plan or "target_id" not in fields:
                placement.edit(actor=ctx.actor, fields=plan)
                self._check_rotation_references(plan)
            if "target_id" not in fields:
                return []
            return self._move_placement_target(ctx, placement, fields["target_id"])

        return self._change(ctx, RotationPlacement, placement_id, edit)

    def _move_placement_target(
        self, ctx: CommandContext, placement: RotationPlacement, target_id: Any
    ) -> list[Aggregate]:
        if target_id is not None and not isinstance(target_id, UUID):
            raise InvalidField("target_id", "{field} must be a UUID.")
        if target_id == placement.target_id:
            return []
        changed: list[Aggregate] = []
        if placement.target_id is not None:
            old = self.get_target(placement.target_id)
            old.unlink(actor=ctx.actor, record_id=placement.id)
            placement.unlink_target(actor=ctx.actor)
            changed.append(old)
        if target_id is not None:
            new = self._referenced_target(target_id)
            new.link(actor=ctx.actor, record_type=RecordType.ROTATION, record_id=placement.id)
            placement.link_target(actor=ctx.actor, target_id=target_id)
            changed.append(new)
        return changed

    def approve_rotation(
        self, ctx: CommandContext, placement_id: UUID, *, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            RotationPlacement,
            placement_id,
            lambda p: p.approve(actor=ctx.actor, occurred_on=occurred_on),
        )

    def start_rotation(
        self, ctx: CommandContext, placement_id: UUID, *, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            RotationPlacement,
            placement_id,
            lambda p: p.start(actor=ctx.actor, occurred_on=occurred_on),
        )

    def reschedule_rotation(
        self,
        ctx: CommandContext,
        placement_id: UUID,
        *,
        starts_on: date | None,
        ends_on: date | None,
        reason: str = "",
    ) -> Receipt:
        def reschedule(placement: RotationPlacement) -> list[Aggregate]:
            period = placement.reschedule(
                actor=ctx.actor, starts_on=starts_on, ends_on=ends_on, reason=reason
            )
            if period is None:
                return []
            schedule = self._rotation_schedule(placement.person_id, ctx.actor)
            schedule.book(actor=ctx.actor, placement_id=placement.id, starts_on=period[0], ends_on=period[1])
            return [schedule]

        return self._change(ctx, RotationPlacement, placement_id, reschedule)

    def record_rotation_reflection(
        self,
        ctx: CommandContext,
        placement_id: UUID,
        *,
        text: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        reflection_id = uuid4()
        return self._change(
            ctx,
            RotationPlacement,
            placement_id,
            lambda p: p.record_reflection(
                actor=ctx.actor, reflection_id=reflection_id, text=text, occurred_on=occurred_on
            ),
        )

    def complete_rotation(
        self,
        ctx: CommandContext,
        placement_id: UUID,
        *,
        learned: str,
        bring_home: str,
        host_feedback: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        def complete(placement: RotationPlacement) -> list[Aggregate]:
            placement.complete(
                actor=ctx.actor,
                learned=learned,
                bring_home=bring_home,
                host_feedback=host_feedback,
                occurred_on=occurred_on,
            )
            return self._release_period(placement, ctx.actor)

        return self._change(ctx, RotationPlacement, placement_id, complete)

    def cancel_rotation(
        self,
        ctx: CommandContext,
        placement_id: UUID,
        *,
        reason: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        def cancel(placement: RotationPlacement) -> list[Aggregate]:
            placement.cancel(actor=ctx.actor, reason=reason, occurred_on=occurred_on)
            return self._release_period(placement, ctx.actor)

        return self._change(ctx, RotationPlacement, placement_id, cancel)

    def get_rotation_schedule(self, person_id: UUID) -> RotationSchedule | None:
        try:
            schedule: Aggregate = self.repository.get(schedule_id_for(person_id))
        except AggregateNotFoundError:
            return None
        assert isinstance(schedule, RotationSchedule)
        return schedule

    def _rotation_schedule(self, person_id: UUID, actor: UUID) -> RotationSchedule:
        existing = self.get_rotation_schedule(person_id)
        return existing or RotationSchedule.open(person_id=person_id, actor=actor)

    def _release_period(self, placement: RotationPlacement, actor: UUID) -> list[Aggregate]:
        schedule = self.get_rotation_schedule(placement.person_id)
        if schedule is None:
            return []
        schedule.release(actor=actor, placement_id=placement.id)
        return [schedule]

    def _check_unit(self, which: str, organisation_id: UUID, unit_id: UUID) -> None:
        """A placement's home or host unit: a unit of an organisation that exists."""
        try:
            organisation = self.get_organisation(organisation_id)
        except RecordNotFound:
            raise InvalidField(
                f"{which}_organisation_id", "There is no organisation with id {id}.", id=organisation_id
            ) from None
        if not organisation.has_unit(unit_id):
            raise InvalidField(
                f"{which}_unit_id",
                "{organisation} has no unit with id {unit_id}.",
                organisation=organisation.name,
                unit_id=unit_id,
            )

    def _check_rotation_references(self, fields: dict[str, Any]) -> None:
        """A placement's mentor must be in the people registry; its initiative must exist."""
        if fields.get("mentor_id") is not None:
            self._check_person("mentor_id", fields["mentor_id"])
        if fields.get("initiative_id") is not None:
            try:
                self.get_initiative(fields["initiative_id"])
            except RecordNotFound:
                raise InvalidField(
                    "initiative_id", "There is no initiative with id {id}.", id=fields["initiative_id"]
                ) from None

    # ---- Change Day: campaigns and actions ---------------------------------------

    def create_campaign(self, ctx: CommandContext, *, fields: dict[str, Any]) -> Receipt:
        return self._create(ctx, lambda: Campaign.create(campaign_id=uuid4(), actor=ctx.actor, fields=fields))

    def edit_campaign(self, ctx: CommandContext, campaign_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        return self._change(ctx, Campaign, campaign_id, lambda c: c.edit(actor=ctx.actor, fields=fields))

    def pledge_action(
        self,
        ctx: CommandContext,
        campaign_id: UUID,
        *,
        fields: dict[str, Any],
        inspired_by: UUID | None = None,
    ) -> Receipt:
        """Pledge an action in a campaign that exists; an inspiring action, if named, is
        linked in the same save."""

        def build() -> ChangeAction:
            campaign = self.get_campaign(campaign_id)
            self._check_pledge_references(fields)
            action = ChangeAction.pledge(
                action_id=uuid4(), actor=ctx.actor, campaign_id=campaign.id, fields=fields
            )
            if inspired_by is not None:
                source = self._inspiring_action("inspired_by", inspired_by)
                action.link_inspiration(
                    actor=ctx.actor, source_id=source.id, source_campaign_id=source.campaign_id
                )
            return action

        return self._create(ctx, build)

    def complete_action(
        self, ctx: CommandContext, action_id: UUID, *, story: str, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            ChangeAction,
            action_id,
            lambda a: a.complete(actor=ctx.actor, story=story, occurred_on=occurred_on),
        )

    def withdraw_action(self, ctx: CommandContext, action_id: UUID, *, reason: str = "") -> Receipt:
        return self._change(
            ctx, ChangeAction, action_id, lambda a: a.withdraw(actor=ctx.actor, reason=reason)
        )

    def link_inspiration(self, ctx: CommandContext, action_id: UUID, *, source_id: UUID) -> Receipt:
        def link(action: ChangeAction) -> None:
            source = self._inspiring_action("action_id", source_id)
            action.link_inspiration(
                actor=ctx.actor, source_id=source.id, source_campaign_id=source.campaign_id
            )

        return self._change(ctx, ChangeAction, action_id, link)

    def record_pledges(
        self, actor: UUID, campaign_id: UUID, pledges: Sequence[tuple[UUID, str, dict[str, Any]]]
    ) -> PledgeBatch:
        """Record a batch of imported pledges (action id, row key, checked fields) in one save.

        Ids already in the store are skipped, so a row imported twice is recorded once:
        the caller leaves out the ids it knows (a read model, fast), and the store's unique
        (id, version) constraint catches the rest (a concurrent import of the same file)."""
        campaign = self.get_campaign(campaign_id)
        if not pledges:
            return PledgeBatch([], [])
        actions = [
            ChangeAction.pledge(
                action_id=action_id, actor=actor, campaign_id=campaign.id, fields=fields, import_key=key
            )
            for action_id, key, fields in pledges
        ]
        for _ in range(3):
            try:
                recordings = self.save(*actions)
            except IntegrityError:
                # Someone recorded some of them meanwhile: leave those out and try again.
                actions = [a for a in actions if a.id not in self.repository]
                continue
            positions = [r.notification.id for r in recordings]
            return PledgeBatch([a.id for a in actions], positions)
        raise ConcurrentChange(
            "Someone else imported the same pledges at the same moment. Import the file again."
        )

    def get_campaign(self, campaign_id: UUID) -> Campaign:
        return self._get(Campaign, campaign_id)

    def get_change_action(self, action_id: UUID) -> ChangeAction:
        return self._get(ChangeAction, action_id)

    def _inspiring_action(self, field_name: str, action_id: UUID) -> ChangeAction:
        try:
            return self.get_change_action(action_id)
        except RecordNotFound:
            raise InvalidField(
                field_name, "There is no Change Day action with id {id}.", id=action_id
            ) from None

    def _check_pledge_references(self, fields: dict[str, Any]) -> None:
        """A pledge's organisation, unit and person must exist."""
        self._check_references({k: fields.get(k) for k in ("organisation_id", "unit_id")})
        if isinstance(fields.get("person_id"), UUID):
            self._check_person("person_id", fields["person_id"])

    # ---- evaluations (KS step 7) -----------------------------------------------

    def record_evaluation(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        evaluation_id: UUID | None = None,
    ) -> Receipt:
        """Record an evaluation of an initiative (see `Initiative.record_evaluation` for when).
        `evaluation_id` comes from `new_id` so a retried request names the same evaluation."""
        new_id = evaluation_id or uuid4()
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.record_evaluation(actor=ctx.actor, evaluation_id=new_id, values=fields),
        )

    # ---- development targets (KS steps 5–6) -------------------------------------
    # A link is recorded on both sides in one save: the target's `Linked` and the initiative's
    # `LinkedToTarget` (or the placement's `TargetLinked`), so each history is complete and a
    # concurrent change to either conflicts on its version (409) instead of half-applying.
    # Change Day actions have no target field of their own: their links live on the target.

    def define_target(
        self, ctx: CommandContext, *, fields: dict[str, Any], occurred_on: date | None = None
    ) -> Receipt:
        def build() -> DevelopmentTarget:
            self._check_target_references(fields)
            return DevelopmentTarget.define(
                target_id=uuid4(), actor=ctx.actor, occurred_on=occurred_on, fields=fields
            )

        return self._create(ctx, build)

    def edit_target(self, ctx: CommandContext, target_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        def edit(target: DevelopmentTarget) -> None:
            target.edit(actor=ctx.actor, fields=fields)
            self._check_target_references(fields)

        return self._change(ctx, DevelopmentTarget, target_id, edit)

    def link_to_target(
        self, ctx: CommandContext, target_id: UUID, *, record_type: str, record_id: UUID
    ) -> Receipt:
        """Link an initiative, rotation placement or Change Day action that exists (422 if not)."""

        def link(target: DevelopmentTarget) -> list[Aggregate]:
            kind = clean_record_type(record_type)
            linked = self._linkable(kind, record_id)
            target.link(actor=ctx.actor, record_type=kind, record_id=record_id)
            if isinstance(linked, Initiative):
                linked.link_to_target(actor=ctx.actor, target_id=target.id)
                return [linked]
            if isinstance(linked, RotationPlacement):
                linked.link_target(actor=ctx.actor, target_id=target.id)
                return [linked]
            return []

        return self._change(ctx, DevelopmentTarget, target_id, link)

    def unlink_from_target(
        self, ctx: CommandContext, target_id: UUID, *, record_id: UUID, reason: str = ""
    ) -> Receipt:
        def unlink(target: DevelopmentTarget) -> list[Aggregate]:
            kind = target.unlink(actor=ctx.actor, record_id=record_id, reason=reason)
            if kind == RecordType.INITIATIVE:
                initiative = self.get_initiative(record_id)
                initiative.unlink_from_target(actor=ctx.actor, target_id=target.id)
                return [initiative]
            if kind == RecordType.ROTATION:
                placement = self._get(RotationPlacement, record_id)
                if placement.target_id == target.id:
                    placement.unlink_target(actor=ctx.actor)
                    return [placement]
            return []

        return self._change(ctx, DevelopmentTarget, target_id, unlink)

    def review_target(
        self,
        ctx: CommandContext,
        target_id: UUID,
        *,
        review_id: UUID,
        year: Any,
        status: str,
        decision: str,
        what_changed: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            DevelopmentTarget,
            target_id,
            lambda t: t.review(
                actor=ctx.actor,
                review_id=review_id,
                year=year,
                status=status,
                what_changed=what_changed,
                decision=decision,
                occurred_on=occurred_on,
            ),
        )

    def retire_target(
        self, ctx: CommandContext, target_id: UUID, *, reason: str, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            DevelopmentTarget,
            target_id,
            lambda t: t.retire(actor=ctx.actor, reason=reason, occurred_on=occurred_on),
        )

    def get_target(self, target_id: UUID) -> DevelopmentTarget:
        return self._get(DevelopmentTarget, target_id)

    def _referenced_target(self, target_id: UUID) -> DevelopmentTarget:
        try:
            return self.get_target(target_id)
        except RecordNotFound:
            raise InvalidField(
                "target_id", "There is no development target with id {id}.", id=target_id
            ) from None

    def _linkable(self, record_type: str, record_id: UUID) -> Aggregate:
        """The record a link names; an unknown id is an invalid field (422), not a missing path."""
        try:
            if record_type == RecordType.INITIATIVE:
                return self.get_initiative(record_id)
            if record_type == RecordType.ROTATION:
                return self._get(RotationPlacement, record_id)
            return self.get_change_action(record_id)
        except RecordNotFound:
            if record_type == RecordType.INITIATIVE:
                raise InvalidField(
                    "record_id", "There is no initiative with id {id}.", id=record_id
                ) from None
            if record_type == RecordType.ROTATION:
                raise InvalidField(
                    "record_id", "There is no rotation placement with id {id}.", id=record_id
                ) from None
            raise InvalidField(
                "record_id", "There is no Change Day action with id {id}.", id=record_id
            ) from None

    def _check_target_references(self, fields: dict[str, Any]) -> None:
        """A target's organisation, when it names one, must exist."""
        organisation_id = fields.get("organisation_id")
        if isinstance(organisation_id, UUID):
            try:
                self.get_organisation(organisation_id)
            except RecordNotFound:
                raise InvalidField(
                    "organisation_id", "There is no organisation with id {id}.", id=organisation_id
                ) from None

    # ---- good practices -------------------------------------------------------------
    # The pre-fill is computed by the caller from the read models (experiments and evaluations
    # of the initiative live in other records); the initiative itself is loaded here so a
    # missing one is refused and the draft names the version it was drafted from.

    def draft_good_practice(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        prefilled: dict[str, Any],
        overrides: dict[str, Any],
    ) -> Receipt:
        """Draft a practice from an initiative: the pre-filled fields, then the person's own values."""

        def build() -> GoodPractice:
            initiative = self.get_initiative(initiative_id)
            return GoodPractice.draft(
                practice_id=uuid4(),
                actor=ctx.actor,
                initiative_id=initiative.id,
                organisation_id=initiative.organisation_id,
                unit_id=initiative.unit_id,
                source_version=initiative.version,
                fields={**prefilled, **overrides},
            )

        return self._create(ctx, build)

    def edit_good_practice(
        self, ctx: CommandContext, practice_id: UUID, *, fields: dict[str, Any]
    ) -> Receipt:
        return self._change(ctx, GoodPractice, practice_id, lambda p: p.edit(actor=ctx.actor, fields=fields))

    def publish_good_practice(self, ctx: CommandContext, practice_id: UUID) -> Receipt:
        """Publish the working copy as version n+1, based on the initiative as it is now: its
        version, and the log's last position (everything recorded about it so far)."""

        def publish(practice: GoodPractice) -> None:
            initiative = self.get_initiative(practice.initiative_id)
            position = self.recorder.max_notification_id() or 0
            practice.publish(actor=ctx.actor, source_version=initiative.version, source_position=position)

        return self._change(ctx, GoodPractice, practice_id, publish)

    def retract_good_practice(self, ctx: CommandContext, practice_id: UUID, *, reason: str) -> Receipt:
        return self._change(
            ctx, GoodPractice, practice_id, lambda p: p.retract(actor=ctx.actor, reason=reason)
        )

    def get_good_practice(self, practice_id: UUID) -> GoodPractice:
        return self._get(GoodPractice, practice_id)

    # ---- reads the write side needs -------------------------------------------

    def get_initiative(self, initiative_id: UUID) -> Initiative:
        return self._get(Initiative, initiative_id)

    def get_organisation(self, organisation_id: UUID) -> Organisation:
        return self._get(Organisation, organisation_id)

    def get_experiment(self, experiment_id: UUID) -> Experiment:
        return self._get(Experiment, experiment_id)

    # ---- measures and their values ---------------------------------------------
    # A measure can be defined and its values recorded whatever the initiative's lifecycle
    # status: measuring goes on after an initiative is completed or spread (the yearly
    # follow-up asks exactly which completed initiatives are still measured), and a
    # discontinued initiative's numbers may still arrive late.

    def define_measure(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        occurred_on: date | None = None,
    ) -> Receipt:
        """Define a measure under an initiative that exists (in any lifecycle status)."""

        def build() -> Measure:
            initiative = self.get_initiative(initiative_id)
            return Measure.define(
                measure_id=uuid4(),
                initiative_id=initiative.id,
                actor=ctx.actor,
                occurred_on=occurred_on,
                fields=fields,
            )

        return self._create(ctx, build)

    def edit_measure(self, ctx: CommandContext, measure_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        return self._change(ctx, Measure, measure_id, lambda m: m.edit(actor=ctx.actor, fields=fields))

    def record_measure_value(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        value_id: UUID,
        period: str | date,
        value: Any,
        note: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        """A value for one period; a second value for the same period is refused (409)."""
        return self._change(
            ctx,
            Measure,
            measure_id,
            lambda m: m.record_value(
                actor=ctx.actor,
                value_id=value_id,
                period=period,
                value=value,
                note=note,
                occurred_on=occurred_on,
            ),
        )

    def correct_measure_value(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        value_id: UUID,
        value: Any,
        note: str | None = None,
        reason: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Measure,
            measure_id,
            lambda m: m.correct_value(
                actor=ctx.actor,
                value_id=value_id,
                value=value,
                note=note,
                reason=reason,
                occurred_on=occurred_on,
            ),
        )

    def annotate_measure(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        annotation_id: UUID,
        day: date,
        text: str,
        experiment_id: UUID | None = None,
        occurred_on: date | None = None,
    ) -> Receipt:
        """A change point; a linked experiment must exist and belong to the same initiative."""

        def annotate(measure: Measure) -> None:
            experiment = None
            if experiment_id is not None:
                try:
                    experiment = self.get_experiment(experiment_id)
                except RecordNotFound:
                    raise InvalidField(
                        "experiment_id", "There is no experiment with id {id}.", id=experiment_id
                    ) from None
            measure.annotate(
                actor=ctx.actor,
                annotation_id=annotation_id,
                day=day,
                text=text,
                experiment=experiment,
                occurred_on=occurred_on,
            )

        return self._change(ctx, Measure, measure_id, annotate)

    def get_measure(self, measure_id: UUID) -> Measure:
        return self._get(Measure, measure_id)

    # ---- programmes and check-ins ---------------------------------------------

    def create_programme(
        self, ctx: CommandContext, *, fields: dict[str, Any], occurred_on: date | None = None
    ) -> Receipt:
        def build() -> Programme:
            self._check_programme_references(fields)
            return Programme.create(
                programme_id=uuid4(), actor=ctx.actor, occurred_on=occurred_on, fields=fields
            )

        return self._create(ctx, build)

    def edit_programme(self, ctx: CommandContext, programme_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        def edit(programme: Programme) -> None:
            self._check_programme_references(fields)
            programme.edit(actor=ctx.actor, fields=fields)

        return self._change(ctx, Programme, programme_id, edit)

    def enrol_initiative(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        initiative_id: UUID,
        occurred_on: date | None = None,
    ) -> Receipt:
        def enrol(programme: Programme) -> None:
            initiative = self._referenced_initiative(initiative_id)
            programme.enrol(
                actor=ctx.actor,
                initiative_id=initiative_id,
                initiative_organisation_id=initiative.organisation_id,
                occurred_on=occurred_on,
            )

        return self._change(ctx, Programme, programme_id, enrol)

    def withdraw_initiative(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        initiative_id: UUID,
        reason: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.withdraw(
                actor=ctx.actor, initiative_id=initiative_id, reason=reason, occurred_on=occurred_on
            ),
        )

    def schedule_workshop(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        workshop_id: UUID,
        day: date,
        title: str,
        kind: str,
        agenda: str = "",
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.schedule_workshop(
                actor=ctx.actor, workshop_id=workshop_id, day=day, title=title, kind=kind, agenda=agenda
            ),
        )

    def reschedule_workshop(
        self, ctx: CommandContext, programme_id: UUID, workshop_id: UUID, *, day: date, reason: str = ""
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.reschedule_workshop(actor=ctx.actor, workshop_id=workshop_id, day=day, reason=reason),
        )

    def hold_workshop(
        self, ctx: CommandContext, programme_id: UUID, workshop_id: UUID, *, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.hold_workshop(actor=ctx.actor, workshop_id=workshop_id, occurred_on=occurred_on),
        )

    def close_programme(
        self, ctx: CommandContext, programme_id: UUID, *, summary: str = "", occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.close(actor=ctx.actor, summary=summary, occurred_on=occurred_on),
        )

    def record_check_in(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        check_in_id: UUID,
        programme_id: UUID,
        workshop_id: UUID,
        status: str,
        progress_score: float,
        done: str = "",
        next_steps: str = "",
        help_needed: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        """Record an initiative's check-in at a workshop. The programme is read from its own
        events (not a read model), so the check is never behind the programme's latest change."""

        def check_in(initiative: Initiative) -> None:
            try:
                programme = self.get_programme(programme_id)
            except RecordNotFound:
                raise InvalidField(
                    "programme_id", "There is no programme with id {id}.", id=programme_id
                ) from None
            programme.require_check_in(initiative_id=initiative_id, workshop_id=workshop_id)
            initiative.record_check_in(
                actor=ctx.actor,
                check_in_id=check_in_id,
                programme_id=programme_id,
                workshop_id=workshop_id,
                values=dict(
                    status=status,
                    progress_score=progress_score,
                    done=done,
                    next_steps=next_steps,
                    help_needed=help_needed,
                ),
                occurred_on=occurred_on,
            )

        return self._change(ctx, Initiative, initiative_id, check_in)

    def get_programme(self, programme_id: UUID) -> Programme:
        return self._get(Programme, programme_id)

    def new_id(self, ctx: CommandContext) -> UUID:
        """An id for something a command adds inside a record (a workshop, a check-in): derived
        from the Idempotency-Key when there is one, so a retried request names the same thing."""
        if ctx.request_key is None:
            return uuid4()
        return uuid5(request_id_for(ctx.actor, ctx.request_key.key), "child")

    def _referenced_initiative(self, initiative_id: UUID) -> Initiative:
        try:
            return self.get_initiative(initiative_id)
        except RecordNotFound:
            raise InvalidField(
                "initiative_id", "There is no initiative with id {id}.", id=initiative_id
            ) from None

    def _check_programme_references(self, fields: dict[str, Any]) -> None:
        """A programme's organisations and coordinator must exist."""
        for organisation_id in fields.get("organisation_ids") or []:
            if not isinstance(organisation_id, UUID):
                continue  # the aggregate explains what an organisation id looks like
            try:
                self.get_organisation(organisation_id)
            except RecordNotFound:
                raise InvalidField(
                    "organisation_ids", "There is no organisation with id {id}.", id=organisation_id
                ) from None
        if isinstance(fields.get("coordinator_id"), UUID):
            self._check_person("coordinator_id", fields["coordinator_id"])

    # ---- the one path every command takes -------------------------------------

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
    ) -> Receipt:
        """`command` may return new records made by the change (an adapt decision's next
        cycle): they are saved in the same `save()`, atomically."""
        replay = self._replay(ctx)
        if replay is not None:
            return replay
        record = self._get(cls, record_id)
        if ctx.expected_version is not None and ctx.expected_version != record.version:
            raise _stale_version(record, ctx.expected_version)
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
    if cls is Experiment:
        return RecordNotFound("There is no experiment with id {id}.", id=record_id)
    if cls is RotationPlacement:
        return RecordNotFound("There is no rotation placement with id {id}.", id=record_id)
    if cls is Campaign:
        return RecordNotFound("There is no campaign with id {id}.", id=record_id)
    if cls is ChangeAction:
        return RecordNotFound("There is no Change Day action with id {id}.", id=record_id)
    if cls is Programme:
        return RecordNotFound("There is no programme with id {id}.", id=record_id)
    if cls is Measure:
        return RecordNotFound("There is no measure with id {id}.", id=record_id)
    if cls is DevelopmentTarget:
        return RecordNotFound("There is no development target with id {id}.", id=record_id)
    if cls is GoodPractice:
        return RecordNotFound("There is no good practice with id {id}.", id=record_id)
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
    if isinstance(record, Experiment):
        return StaleVersion(
            "You edited version {expected_version} of this experiment, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, RotationPlacement):
        return StaleVersion(
            "You edited version {expected_version} of this rotation placement, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, Campaign):
        return StaleVersion(
            "You edited version {expected_version} of this campaign, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, ChangeAction):
        return StaleVersion(
            "You changed version {expected_version} of this action, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, Programme):
        return StaleVersion(
            "You edited version {expected_version} of this programme, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, Measure):
        return StaleVersion(
            "You edited version {expected_version} of this measure, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, DevelopmentTarget):
        return StaleVersion(
            "You edited version {expected_version} of this development target, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=record.version,
            expected_version=expected_version,
        )
    if isinstance(record, GoodPractice):
        return StaleVersion(
            "You edited version {expected_version} of this good practice, but it is now at version "
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
    if isinstance(record, Experiment):
        return ConcurrentChange(
            "Someone else changed this experiment at the same moment. Reload it and try again."
        )
    if isinstance(record, RotationPlacement):
        # The conflict may be on the person's schedule: another placement of theirs was
        # proposed, moved, completed or cancelled at the same moment.
        return ConcurrentChange(
            "Someone else changed this placement, or another placement of the same person, at the same "
            "moment. Reload and try again."
        )
    if isinstance(record, Campaign):
        return ConcurrentChange(
            "Someone else changed this campaign at the same moment. Reload it and try again."
        )
    if isinstance(record, ChangeAction):
        return ConcurrentChange(
            "Someone else changed this action at the same moment. Reload it and try again."
        )
    if isinstance(record, Programme):
        return ConcurrentChange(
            "Someone else changed this programme at the same moment. Reload it and try again."
        )
    if isinstance(record, Measure):
        return ConcurrentChange(
            "Someone else changed this measure at the same moment. Reload it and try again."
        )
    if isinstance(record, DevelopmentTarget):
        # The conflict may be on a linked initiative or placement, saved in the same save.
        return ConcurrentChange(
            "Someone else changed this development target, or a record being linked to it, at the same "
            "moment. Reload it and try again."
        )
    if isinstance(record, GoodPractice):
        return ConcurrentChange(
            "Someone else changed this good practice at the same moment. Reload it and try again."
        )
    return ConcurrentChange("Someone else changed this record at the same moment. Reload it and try again.")
