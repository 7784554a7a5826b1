"""Goal-oriented job rotation (tavoitteellinen työkierto, hospitering): a person works
for a while in another unit, with learning goals and a mentor there.

Lifecycle::

    proposed → approved → started → completed
        ↘          ↘          ↘
         cancelled (with a reason; never after completion)

A placement may be rescheduled while it is proposed, approved or started; its
learning goals, mentor and linked initiative can be edited until it starts.
Reflections are recorded while it runs.

One person never has two overlapping placements. That rule spans records, so the
facts it needs live in a small aggregate of their own, the person's
`RotationSchedule` (see its docstring), saved in the same `save()` as the placement.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, IllegalTransition, InvalidField, RuleViolation
from domain.recorded import RecordedEvent
from domain.values import optional_text, past_or_today, plausible_date, required_text, tag_list


class Status(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# verb → the statuses it is allowed from. `reschedule` and `cancel` keep or end the status.
_ALLOWED_FROM: dict[str, frozenset[Status]] = {
    "approve": frozenset({Status.PROPOSED}),
    "start": frozenset({Status.APPROVED}),
    "reschedule": frozenset({Status.PROPOSED, Status.APPROVED, Status.STARTED}),
    "complete": frozenset({Status.STARTED}),
    "cancel": frozenset({Status.PROPOSED, Status.APPROVED, Status.STARTED}),
}
VERBS = ("approve", "start", "reschedule", "complete", "cancel")
# A placement that is still to come or going on: it holds its period in the person's schedule.
ACTIVE_STATUSES = frozenset({Status.PROPOSED, Status.APPROVED, Status.STARTED})
# Learning goals, mentor and linked initiative are agreed before the placement starts.
EDITABLE_STATUSES = frozenset({Status.PROPOSED, Status.APPROVED})
EDITABLE_FIELDS = ("learning_goals", "mentor_id", "initiative_id")

GOAL_MAX = 1000
GOALS_MAX = 20
TEXT_MAX = 10000
REASON_MAX = 5000


def allowed_moves(status: Status) -> list[str]:
    return [verb for verb in VERBS if status in _ALLOWED_FROM[verb]]


def accepts_edits(status: Status) -> bool:
    return status in EDITABLE_STATUSES


def clean_learning_goals(value: Any) -> list[str]:
    goals = tag_list("learning_goals", value or [], max_items=GOALS_MAX, max_length=GOAL_MAX)
    if not goals:
        raise InvalidField("learning_goals", "{field} needs at least one goal: what should the person learn?")
    return goals


def clean_period(starts_on: date | None, ends_on: date | None) -> tuple[date, date]:
    """A placement's period: both days given, the end on or after the start (a one-day
    placement starts and ends on the same day)."""
    if starts_on is None:
        raise InvalidField("starts_on", "{field} is required: give the first day of the placement.")
    if ends_on is None:
        raise InvalidField("ends_on", "{field} is required: give the last day of the placement.")
    plausible_date("starts_on", starts_on)
    plausible_date("ends_on", ends_on)
    if ends_on < starts_on:
        raise InvalidField(
            "ends_on",
            "The placement cannot end ({end}) before it starts ({start}): "
            "the end must be on or after the start.",
            end=ends_on.isoformat(),
            start=starts_on.isoformat(),
        )
    return starts_on, ends_on


def check_units(home_unit_id: UUID, host_unit_id: UUID) -> None:
    if home_unit_id == host_unit_id:
        raise InvalidField("host_unit_id", "The host unit must be another unit than the person's home unit.")


def check_mentor(person_id: UUID, mentor_id: UUID | None) -> None:
    if mentor_id is not None and mentor_id == person_id:
        raise InvalidField("mentor_id", "The mentor must be someone else than the person on the placement.")


def clean_fields(person_id: UUID, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate editable fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "learning_goals":
            cleaned[name] = clean_learning_goals(value)
        elif name in ("mentor_id", "initiative_id"):
            if value is not None and not isinstance(value, UUID):
                raise InvalidField(name, "{field} must be a UUID.")
            cleaned[name] = value
        else:
            raise InvalidField(name, "{field} is not a field of a rotation placement.")
    check_mentor(person_id, cleaned.get("mentor_id"))
    return cleaned


class RotationPlacement(Archivable, Aggregate):
    """One person's placement in a host unit for a period."""

    TOPIC = "kipina:RotationPlacement"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no rotation placement with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this rotation placement, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    # The conflict may be on the person's schedule: another placement of theirs was
    # proposed, moved, completed or cancelled at the same moment.
    CONCURRENT = N_(
        "Someone else changed this placement, or another placement of the same person, at the same "
        "moment. Reload and try again."
    )

    person_id: UUID
    home_organisation_id: UUID
    home_unit_id: UUID
    host_organisation_id: UUID
    host_unit_id: UUID
    starts_on: date
    ends_on: date
    learning_goals: list[str]
    mentor_id: UUID | None
    initiative_id: UUID | None
    # The development target it serves: set when proposed with one, or when the target links
    # it (`TargetLinked`); the target's own `Linked` event is saved in the same save.
    target_id: UUID | None
    status: Status
    approved_by: UUID | None
    reflections: list[dict[str, Any]]
    learned: str
    bring_home: str
    host_feedback: str
    cancel_reason: str

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:RotationPlacement.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:RotationPlacement.Restored"

    class Proposed(Event, Aggregate.Created):
        TOPIC = "kipina:RotationPlacement.Proposed"
        person_id: UUID
        home_organisation_id: UUID
        home_unit_id: UUID
        host_organisation_id: UUID
        host_unit_id: UUID
        starts_on: date
        ends_on: date
        learning_goals: list[str]
        mentor_id: UUID | None
        initiative_id: UUID | None
        target_id: UUID | None
        # Version 2 added it: its initiative or target belongs to neither of its organisations
        # (confirmed when it was proposed).
        class_version = 2
        cross_organisation: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["cross_organisation"] = False

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.person_id = self.person_id
            aggregate.home_organisation_id = self.home_organisation_id
            aggregate.home_unit_id = self.home_unit_id
            aggregate.host_organisation_id = self.host_organisation_id
            aggregate.host_unit_id = self.host_unit_id
            aggregate.starts_on = self.starts_on
            aggregate.ends_on = self.ends_on
            aggregate.learning_goals = list(self.learning_goals)
            aggregate.mentor_id = self.mentor_id
            aggregate.initiative_id = self.initiative_id
            aggregate.target_id = self.target_id
            aggregate.status = Status.PROPOSED
            aggregate.approved_by = None
            aggregate.reflections = []
            aggregate.learned = ""
            aggregate.bring_home = ""
            aggregate.host_feedback = ""
            aggregate.cancel_reason = ""

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Proposed

    class Edited(Event):
        """Field changes; `changes` holds only the fields that got a new value.
        `cross_organisation` (version 2): the new initiative belongs to neither of the
        placement's organisations (confirmed)."""

        TOPIC = "kipina:RotationPlacement.Edited"
        class_version = 2
        changes: dict[str, Any]
        cross_organisation: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["cross_organisation"] = False

        def apply(self, aggregate: RotationPlacement) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, list(value) if name == "learning_goals" else value)

    class TargetLinked(Event):
        """The placement now serves this development target (linked from the target's side,
        or by an edit of `target_id`)."""

        TOPIC = "kipina:RotationPlacement.TargetLinked"
        # Version 2 added it: the target belongs to neither of the placement's organisations.
        class_version = 2
        target_id: UUID
        cross_organisation: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["cross_organisation"] = False

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.target_id = self.target_id

    class TargetUnlinked(Event):
        TOPIC = "kipina:RotationPlacement.TargetUnlinked"
        target_id: UUID

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.target_id = None

    class Approved(Event):
        """`actor` is who approved it."""

        TOPIC = "kipina:RotationPlacement.Approved"

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.status = Status.APPROVED
            aggregate.approved_by = self.actor

    class Started(Event):
        """`early_reason`: why it started before its planned first day ("" when it did not).
        Version 2 added it; a version 1 event started on time or before the rule existed."""

        TOPIC = "kipina:RotationPlacement.Started"
        class_version = 2
        early_reason: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["early_reason"] = ""

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.status = Status.STARTED

    class Rescheduled(Event):
        TOPIC = "kipina:RotationPlacement.Rescheduled"
        starts_on: date
        ends_on: date
        reason: str

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.starts_on = self.starts_on
            aggregate.ends_on = self.ends_on

    class ReflectionRecorded(Event):
        TOPIC = "kipina:RotationPlacement.ReflectionRecorded"
        reflection_id: UUID
        text: str

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.reflections.append({"reflection_id": str(self.reflection_id), "text": self.text})

    class Completed(Event):
        """`early_reason`: why it was completed before its planned last day ("" when it was
        not). Version 2 added it."""

        TOPIC = "kipina:RotationPlacement.Completed"
        class_version = 2
        learned: str
        bring_home: str
        host_feedback: str
        early_reason: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["early_reason"] = ""

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.status = Status.COMPLETED
            aggregate.learned = self.learned
            aggregate.bring_home = self.bring_home
            aggregate.host_feedback = self.host_feedback

    class Cancelled(Event):
        TOPIC = "kipina:RotationPlacement.Cancelled"
        reason: str

        def apply(self, aggregate: RotationPlacement) -> None:
            aggregate.status = Status.CANCELLED
            aggregate.cancel_reason = self.reason

    # ---- commands -----------------------------------------------------------

    @classmethod
    def propose(
        cls,
        *,
        placement_id: UUID,
        actor: UUID,
        person_id: UUID,
        home_organisation_id: UUID,
        home_unit_id: UUID,
        host_organisation_id: UUID,
        host_unit_id: UUID,
        starts_on: date | None,
        ends_on: date | None,
        learning_goals: list[str],
        mentor_id: UUID | None = None,
        initiative_id: UUID | None = None,
        target_id: UUID | None = None,
        cross_organisation: bool = False,
    ) -> RotationPlacement:
        check_units(home_unit_id, host_unit_id)
        start, end = clean_period(starts_on, ends_on)
        goals = clean_learning_goals(learning_goals)
        check_mentor(person_id, mentor_id)
        return cls._create(
            cls.Proposed,
            id=placement_id,
            actor=actor,
            occurred_on=None,
            person_id=person_id,
            home_organisation_id=home_organisation_id,
            home_unit_id=home_unit_id,
            host_organisation_id=host_organisation_id,
            host_unit_id=host_unit_id,
            starts_on=start,
            ends_on=end,
            learning_goals=goals,
            mentor_id=mentor_id,
            initiative_id=initiative_id,
            target_id=target_id,
            cross_organisation=cross_organisation,
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any], cross_organisation: bool = False) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing."""
        if not accepts_edits(self.status):
            raise RuleViolation(
                "Cannot edit this placement: it is {status}. Learning goals, mentor and initiative "
                "can be changed only while it is proposed or approved.",
                status=self.status.value,
            )
        cleaned = clean_fields(self.person_id, fields)
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        if changes:
            self.trigger_event(
                self.Edited,
                actor=actor,
                occurred_on=None,
                changes=changes,
                cross_organisation=cross_organisation and "initiative_id" in changes,
            )

    def link_target(self, *, actor: UUID, target_id: UUID, cross_organisation: bool = False) -> None:
        """A placement serves one development target at a time (its `target_id`). Linking is
        possible in any status: a completed placement still counts for the target it served.
        Moving it to another target is an explicit unlink first (or an edit of `target_id`)."""
        if self.target_id == target_id:
            raise RuleViolation("This placement is already linked to this development target.")
        if self.target_id is not None:
            raise RuleViolation(
                "This placement already serves another development target ({target_id}); "
                "unlink it there first.",
                target_id=self.target_id,
            )
        self.trigger_event(
            self.TargetLinked,
            actor=actor,
            occurred_on=None,
            target_id=target_id,
            cross_organisation=cross_organisation,
        )

    def unlink_target(self, *, actor: UUID) -> None:
        if self.target_id is not None:
            self.trigger_event(self.TargetUnlinked, actor=actor, occurred_on=None, target_id=self.target_id)

    def approve(self, *, actor: UUID, occurred_on: date | None = None) -> None:
        self._require_move("approve")
        self.trigger_event(self.Approved, actor=actor, occurred_on=past_or_today("occurred_on", occurred_on))

    def start(self, *, actor: UUID, occurred_on: date | None = None, reason: str = "") -> None:
        """A start before the planned first day needs a stated reason (it is recorded)."""
        self._require_move("start")
        if self.mentor_id is None:
            raise RuleViolation(
                "Cannot start this placement without a mentor at the host unit: name one first."
            )
        day = past_or_today("occurred_on", occurred_on)
        early_reason = optional_text("reason", reason, max_length=REASON_MAX)
        started_on = day or _today()
        if started_on >= self.starts_on:
            early_reason = ""  # on time: nothing to explain
        elif not early_reason:
            raise InvalidField(
                "reason",
                "The placement is planned to start on {start}. To start it on {day}, before that, "
                "say why it starts early.",
                start=self.starts_on.isoformat(),
                day=started_on.isoformat(),
            )
        self.trigger_event(self.Started, actor=actor, occurred_on=day, early_reason=early_reason)

    def reschedule(
        self, *, actor: UUID, starts_on: date | None, ends_on: date | None, reason: str = ""
    ) -> tuple[date, date] | None:
        """Returns the new period, or None when it is the same as now (nothing recorded)."""
        self._require_move("reschedule")
        start, end = clean_period(starts_on, ends_on)
        cleaned_reason = optional_text("reason", reason, max_length=REASON_MAX)
        if (start, end) == (self.starts_on, self.ends_on):
            return None
        self.trigger_event(
            self.Rescheduled,
            actor=actor,
            occurred_on=None,
            starts_on=start,
            ends_on=end,
            reason=cleaned_reason,
        )
        return start, end

    def record_reflection(
        self, *, actor: UUID, reflection_id: UUID, text: str, occurred_on: date | None = None
    ) -> None:
        if self.status != Status.STARTED:
            raise RuleViolation(
                "Reflections are recorded while the placement is going on; this one is {status}.",
                status=self.status.value,
            )
        cleaned = required_text("text", text, max_length=TEXT_MAX)
        self.trigger_event(
            self.ReflectionRecorded,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            reflection_id=reflection_id,
            text=cleaned,
        )

    def complete(
        self,
        *,
        actor: UUID,
        learned: str,
        bring_home: str,
        host_feedback: str,
        occurred_on: date | None = None,
        reason: str = "",
    ) -> None:
        """A completion before the planned last day needs a stated reason (it is recorded)."""
        self._require_move("complete")
        day = past_or_today("occurred_on", occurred_on)
        texts = {
            "learned": required_text("learned", learned, max_length=TEXT_MAX),
            "bring_home": required_text("bring_home", bring_home, max_length=TEXT_MAX),
            "host_feedback": required_text("host_feedback", host_feedback, max_length=TEXT_MAX),
        }
        early_reason = optional_text("reason", reason, max_length=REASON_MAX)
        completed_on = day or _today()
        if completed_on >= self.ends_on:
            early_reason = ""
        elif not early_reason:
            raise InvalidField(
                "reason",
                "The placement is planned to end on {end}. To complete it on {day}, before that, "
                "say why it ends early.",
                end=self.ends_on.isoformat(),
                day=completed_on.isoformat(),
            )
        self.trigger_event(self.Completed, actor=actor, occurred_on=day, early_reason=early_reason, **texts)

    def cancel(self, *, actor: UUID, reason: str, occurred_on: date | None = None) -> None:
        self._require_move("cancel")
        self.trigger_event(
            self.Cancelled,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            reason=required_text("reason", reason, max_length=REASON_MAX),
        )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def _require_move(self, verb: str) -> None:
        if self.status in _ALLOWED_FROM[verb]:
            return
        allowed = allowed_moves(self.status)
        if not allowed:
            raise IllegalTransition(
                "Cannot {verb} this placement: it is {status}, and that is final; no moves are allowed.",
                allowed,
                verb=verb,
                status=self.status.value,
            )
        raise IllegalTransition(
            "Cannot {verb} this placement: it is {status}. Allowed moves from {status}: {allowed}.",
            allowed,
            verb=verb,
            status=self.status.value,
            allowed=", ".join(allowed),
        )


def _today() -> date:
    """Today where the day is furthest along (UTC+14): a start or completion on its planned
    day is never taken for an early one, wherever the reader is."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


# ---- the rule across placements ------------------------------------------------------

_SCHEDULE_NAMESPACE = uuid5(NAMESPACE_URL, "https://kipina.invalid/rotation-schedule")


def schedule_id_for(person_id: UUID) -> UUID:
    """One schedule per person, found without any lookup."""
    return uuid5(_SCHEDULE_NAMESPACE, str(person_id))


class RotationSchedule(Aggregate):
    """The periods of one person's active placements (proposed, approved or started).

    It exists so that "a person never has two overlapping placements" holds under
    concurrent requests: every command that books or frees a period saves this
    aggregate in the same `save()` as the placement. Two requests that both saw the
    schedule at version N both try to write version N+1, the store's unique
    (id, version) constraint lets only one through, and the other gets 409.
    """

    TOPIC = "kipina:RotationSchedule"

    person_id: UUID
    periods: dict[str, tuple[date, date]]

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    class Event(RecordedEvent):
        pass

    class Opened(Event, Aggregate.Created):
        TOPIC = "kipina:RotationSchedule.Opened"
        person_id: UUID

        def apply(self, aggregate: RotationSchedule) -> None:
            aggregate.person_id = self.person_id
            aggregate.periods = {}

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Opened

    class PeriodBooked(Event):
        """A placement's period, new or moved."""

        TOPIC = "kipina:RotationSchedule.PeriodBooked"
        placement_id: UUID
        starts_on: date
        ends_on: date

        def apply(self, aggregate: RotationSchedule) -> None:
            aggregate.periods[str(self.placement_id)] = (self.starts_on, self.ends_on)

    class PeriodReleased(Event):
        """The placement was completed or cancelled: its period no longer blocks others."""

        TOPIC = "kipina:RotationSchedule.PeriodReleased"
        placement_id: UUID

        def apply(self, aggregate: RotationSchedule) -> None:
            aggregate.periods.pop(str(self.placement_id), None)

    @classmethod
    def open(cls, *, person_id: UUID, actor: UUID) -> RotationSchedule:
        return cls._create(
            cls.Opened, id=schedule_id_for(person_id), actor=actor, occurred_on=None, person_id=person_id
        )

    def book(self, *, actor: UUID, placement_id: UUID, starts_on: date, ends_on: date) -> None:
        """Hold the period for the placement, unless it overlaps another of the person's placements."""
        for other_id, (other_start, other_end) in sorted(self.periods.items(), key=lambda p: p[1]):
            if other_id == str(placement_id):
                continue
            if starts_on <= other_end and other_start <= ends_on:
                raise RuleViolation(
                    "This person already has a placement from {start} to {end} (id {other}); "
                    "one person cannot have two placements at the same time.",
                    start=other_start.isoformat(),
                    end=other_end.isoformat(),
                    other=other_id,
                )
        self.trigger_event(
            self.PeriodBooked,
            actor=actor,
            occurred_on=None,
            placement_id=placement_id,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    def release(self, *, actor: UUID, placement_id: UUID) -> None:
        if str(placement_id) in self.periods:
            self.trigger_event(self.PeriodReleased, actor=actor, occurred_on=None, placement_id=placement_id)
