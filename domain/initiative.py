"""Initiative (kehittämishanke): a piece of development work and its lifecycle.

Lifecycle::

    proposed → planned → in_progress → evaluating → completed → spread
                  ↘          ↘              ↘
                   paused ↔ (returns to where it was paused)
    discontinued: from any status that is not completed/spread/discontinued

Only the title is needed to propose one: people log first and fill in later.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.check_in import clean_check_in
from domain.errors import N_, IllegalTransition, InvalidField, RecordNotFound, RuleViolation
from domain.evaluation import clean_evaluation
from domain.recorded import RecordedEvent
from domain.values import optional_text, past_or_today, required_text, tag_list


class Status(StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    EVALUATING = "evaluating"
    PAUSED = "paused"
    COMPLETED = "completed"
    SPREAD = "spread"
    DISCONTINUED = "discontinued"


# verb → status it leads to, per status. `resume` returns to the paused-from status.
_MOVES: dict[Status, dict[str, Status | None]] = {
    Status.PROPOSED: {"plan": Status.PLANNED, "discontinue": Status.DISCONTINUED},
    Status.PLANNED: {
        "start": Status.IN_PROGRESS,
        "pause": Status.PAUSED,
        "discontinue": Status.DISCONTINUED,
    },
    Status.IN_PROGRESS: {
        "evaluate": Status.EVALUATING,
        "pause": Status.PAUSED,
        "discontinue": Status.DISCONTINUED,
    },
    Status.EVALUATING: {
        "complete": Status.COMPLETED,
        # An evaluation may send the work back for another round.
        "start": Status.IN_PROGRESS,
        "pause": Status.PAUSED,
        "discontinue": Status.DISCONTINUED,
    },
    Status.PAUSED: {"resume": None, "discontinue": Status.DISCONTINUED},
    Status.COMPLETED: {"spread": Status.SPREAD},
    Status.SPREAD: {},
    Status.DISCONTINUED: {},
}

VERBS = ("plan", "start", "pause", "resume", "evaluate", "complete", "spread", "discontinue")

# Fields a PATCH may change, with what kind of value each holds.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "organisation_id",
    "unit_id",
    "owner_id",
    "themes",
    "target_group",
)

TITLE_MAX = 200
SUMMARY_MAX = 5000
TARGET_GROUP_MAX = 500
GOAL_MAX = 1000
NOTE_MAX = 10000
REASON_MAX = 5000
ROLE_MAX = 100
THEMES_MAX = 20
THEME_MAX = 60
# List limits a real initiative never reaches, but which bound what one record (and each
# read-model row built from it) can hold: 4,000 goals once wrote 824 MB of read model.
GOALS_MAX = 50
TEAM_MAX = 100


def allowed_moves(status: Status) -> list[str]:
    return list(_MOVES[status])


# Statuses in which the work has begun, so there is something to evaluate (see
# `Initiative.record_evaluation`); a paused initiative counts by the status it was paused from.
EVALUABLE_STATUSES = frozenset(
    {Status.IN_PROGRESS, Status.EVALUATING, Status.COMPLETED, Status.SPREAD, Status.DISCONTINUED}
)

# Final statuses: the record stays readable (and takes notes) but its fields, goals and team are fixed.
CLOSED_STATUSES = frozenset({Status.DISCONTINUED, Status.SPREAD})


def accepts_changes(status: Status) -> bool:
    """Whether an initiative in this status can still be edited (fields, goals, team)."""
    return status not in CLOSED_STATUSES


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate editable fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "title":
            cleaned[name] = required_text("title", value, max_length=TITLE_MAX)
        elif name == "summary":
            cleaned[name] = optional_text("summary", value, max_length=SUMMARY_MAX)
        elif name == "target_group":
            cleaned[name] = optional_text("target_group", value, max_length=TARGET_GROUP_MAX)
        elif name == "themes":
            cleaned[name] = tag_list("themes", value or [], max_items=THEMES_MAX, max_length=THEME_MAX)
        elif name in ("organisation_id", "unit_id", "owner_id"):
            if value is not None and not isinstance(value, UUID):
                raise InvalidField(name, "{field} must be a UUID.")
            cleaned[name] = value
        else:
            raise InvalidField(name, "{field} is not a field of an initiative.")
    return cleaned


class LifecycleEvent(RecordedEvent):
    """Base of the initiative's lifecycle events; each subclass names where it leads.

    Kept outside the aggregate's class body so it needs no topic of its own:
    it is never recorded, only its subclasses are.
    """

    to_status: ClassVar[Status]

    def apply(self, aggregate: Initiative) -> None:
        aggregate.status = self.to_status


class Initiative(Archivable, Aggregate):
    """A development initiative and everything recorded about it."""

    TOPIC = "kipina:Initiative"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no initiative with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this initiative, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this initiative at the same moment. Reload it and try again.")

    title: str
    summary: str
    organisation_id: UUID | None
    unit_id: UUID | None
    owner_id: UUID | None
    themes: list[str]
    target_group: str
    status: Status
    paused_from: Status | None
    goals: dict[str, str]
    team: dict[str, str]
    notes: list[dict[str, Any]]
    check_ins: dict[str, str]
    discontinued_reason: str
    lessons: str

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:Initiative.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:Initiative.Restored"

    class Proposed(Event, Aggregate.Created):
        TOPIC = "kipina:Initiative.Proposed"
        title: str
        summary: str
        organisation_id: UUID | None
        unit_id: UUID | None
        owner_id: UUID | None
        themes: list[str]
        target_group: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.title = self.title
            aggregate.summary = self.summary
            aggregate.organisation_id = self.organisation_id
            aggregate.unit_id = self.unit_id
            aggregate.owner_id = self.owner_id
            aggregate.themes = list(self.themes)
            aggregate.target_group = self.target_group
            aggregate.status = Status.PROPOSED
            aggregate.paused_from = None
            aggregate.goals = {}
            aggregate.team = {}
            aggregate.notes = []
            aggregate.check_ins = {}
            aggregate.discontinued_reason = ""
            aggregate.lessons = ""

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Proposed

    class Edited(Event):
        """Field changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:Initiative.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: Initiative) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, list(value) if name == "themes" else value)

    class GoalSet(Event):
        TOPIC = "kipina:Initiative.GoalSet"
        goal_id: UUID
        text: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.goals[str(self.goal_id)] = self.text

    class GoalRemoved(Event):
        TOPIC = "kipina:Initiative.GoalRemoved"
        goal_id: UUID

        def apply(self, aggregate: Initiative) -> None:
            aggregate.goals.pop(str(self.goal_id), None)

    class TeamMemberAdded(Event):
        TOPIC = "kipina:Initiative.TeamMemberAdded"
        person_id: UUID
        role: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.team[str(self.person_id)] = self.role

    class TeamMemberRemoved(Event):
        TOPIC = "kipina:Initiative.TeamMemberRemoved"
        person_id: UUID

        def apply(self, aggregate: Initiative) -> None:
            aggregate.team.pop(str(self.person_id), None)

    class NoteAdded(Event):
        TOPIC = "kipina:Initiative.NoteAdded"
        note_id: UUID
        text: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.notes.append({"note_id": str(self.note_id), "text": self.text})

    class CheckInRecorded(Event):
        """Progress reported at a programme's workshop; `corrects` names the check-in
        for the same workshop that this one replaces, if any."""

        TOPIC = "kipina:Initiative.CheckInRecorded"
        check_in_id: UUID
        programme_id: UUID
        workshop_id: UUID
        status: str
        progress_score: float
        done: str
        next_steps: str
        help_needed: str
        corrects: UUID | None

        def apply(self, aggregate: Initiative) -> None:
            aggregate.check_ins[str(self.workshop_id)] = str(self.check_in_id)

    class EvaluationRecorded(Event):
        """An evaluation of the work (KS step 7); see domain/evaluation.py for its values.
        `occurred_on` is the day it was evaluated, the same as `evaluated_on`."""

        TOPIC = "kipina:Initiative.EvaluationRecorded"
        evaluation_id: UUID
        evaluated_on: date
        method: str
        effects: dict[str, Any]
        costs: dict[str, Any]
        worked: str
        did_not_work: str
        lessons: str
        recommendation: str

    class LinkedToTarget(Event):
        """The initiative serves a development target. Recorded in the same save as the
        target's own `Linked` event, so both histories tell it."""

        TOPIC = "kipina:Initiative.LinkedToTarget"
        # Version 2 added it: the target belongs to another organisation (confirmed).
        class_version = 2
        target_id: UUID
        cross_organisation: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["cross_organisation"] = False

    class UnlinkedFromTarget(Event):
        TOPIC = "kipina:Initiative.UnlinkedFromTarget"
        target_id: UUID

    class Planned(LifecycleEvent):
        TOPIC = "kipina:Initiative.Planned"
        to_status = Status.PLANNED

    class Started(LifecycleEvent):
        TOPIC = "kipina:Initiative.Started"
        to_status = Status.IN_PROGRESS

    class Paused(LifecycleEvent):
        TOPIC = "kipina:Initiative.Paused"
        to_status = Status.PAUSED
        reason: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.paused_from = aggregate.status
            aggregate.status = Status.PAUSED

    class Resumed(LifecycleEvent):
        TOPIC = "kipina:Initiative.Resumed"

        def apply(self, aggregate: Initiative) -> None:
            assert aggregate.paused_from is not None
            aggregate.status = aggregate.paused_from
            aggregate.paused_from = None

    class EvaluationStarted(LifecycleEvent):
        TOPIC = "kipina:Initiative.EvaluationStarted"
        to_status = Status.EVALUATING

    class Completed(LifecycleEvent):
        TOPIC = "kipina:Initiative.Completed"
        to_status = Status.COMPLETED

    class Spread(LifecycleEvent):
        TOPIC = "kipina:Initiative.Spread"
        to_status = Status.SPREAD

    class Discontinued(LifecycleEvent):
        TOPIC = "kipina:Initiative.Discontinued"
        to_status = Status.DISCONTINUED
        reason: str
        lessons: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.status = Status.DISCONTINUED
            aggregate.paused_from = None
            aggregate.discontinued_reason = self.reason
            aggregate.lessons = self.lessons

    # ---- commands -----------------------------------------------------------

    @classmethod
    def propose(
        cls,
        *,
        initiative_id: UUID,
        actor: UUID,
        occurred_on: date | None,
        fields: dict[str, Any],
    ) -> Initiative:
        if "title" not in fields:
            raise InvalidField("title", "{field} is required and cannot be blank.")
        cleaned = clean_fields(fields)
        _require_organisation_for_unit(cleaned.get("organisation_id"), cleaned.get("unit_id"))
        return cls._create(
            cls.Proposed,
            id=initiative_id,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            title=cleaned["title"],
            summary=cleaned.get("summary", ""),
            organisation_id=cleaned.get("organisation_id"),
            unit_id=cleaned.get("unit_id"),
            owner_id=cleaned.get("owner_id"),
            themes=cleaned.get("themes", []),
            target_group=cleaned.get("target_group", ""),
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing."""
        self._refuse_if_closed("edit")
        cleaned = clean_fields(fields)
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        # Judged on the result, so clearing the organisation cannot leave a unit behind.
        _require_organisation_for_unit(
            cleaned.get("organisation_id", self.organisation_id), cleaned.get("unit_id", self.unit_id)
        )
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)

    def set_goal(self, *, actor: UUID, goal_id: UUID, text: str) -> None:
        self._refuse_if_closed("goals")
        cleaned = required_text("text", text, max_length=GOAL_MAX)
        if str(goal_id) not in self.goals and len(self.goals) >= GOALS_MAX:
            raise RuleViolation(
                "This initiative already has {limit} goals, the most it can have; "
                "remove or reword one instead of adding another.",
                limit=GOALS_MAX,
            )
        self.trigger_event(self.GoalSet, actor=actor, occurred_on=None, goal_id=goal_id, text=cleaned)

    def reword_goal(self, *, actor: UUID, goal_id: UUID, text: str) -> None:
        self._require_goal(goal_id)
        self.set_goal(actor=actor, goal_id=goal_id, text=text)

    def remove_goal(self, *, actor: UUID, goal_id: UUID) -> None:
        self._refuse_if_closed("goals")
        self._require_goal(goal_id)
        self.trigger_event(self.GoalRemoved, actor=actor, occurred_on=None, goal_id=goal_id)

    def add_team_member(self, *, actor: UUID, person_id: UUID, role: str) -> None:
        self._refuse_if_closed("team")
        if str(person_id) in self.team:
            raise RuleViolation("That person is already in the team of this initiative.")
        cleaned = optional_text("role", role, max_length=ROLE_MAX)
        if len(self.team) >= TEAM_MAX:
            raise RuleViolation(
                "This initiative already has {limit} team members, the most it can have; "
                "remove one before adding another.",
                limit=TEAM_MAX,
            )
        self.trigger_event(
            self.TeamMemberAdded, actor=actor, occurred_on=None, person_id=person_id, role=cleaned
        )

    def remove_team_member(self, *, actor: UUID, person_id: UUID) -> None:
        self._refuse_if_closed("team")
        if str(person_id) not in self.team:
            raise RuleViolation("That person is not in the team of this initiative.")
        self.trigger_event(self.TeamMemberRemoved, actor=actor, occurred_on=None, person_id=person_id)

    def add_note(self, *, actor: UUID, note_id: UUID, text: str, occurred_on: date | None) -> None:
        # Notes stay possible after completion: people keep reporting how a change spreads.
        cleaned = required_text("text", text, max_length=NOTE_MAX)
        self.trigger_event(
            self.NoteAdded,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            note_id=note_id,
            text=cleaned,
        )

    def record_check_in(
        self,
        *,
        actor: UUID,
        check_in_id: UUID,
        programme_id: UUID,
        workshop_id: UUID,
        values: dict[str, Any],
        occurred_on: date | None,
    ) -> None:
        """Report progress at a workshop (the programme has already agreed). A discontinued
        initiative has nothing more to report; a completed one may still tell how it spreads."""
        if self.status is Status.DISCONTINUED:
            raise RuleViolation("Cannot record a check-in: this initiative is discontinued.")
        cleaned = clean_check_in(**values)
        previous = self.check_ins.get(str(workshop_id))
        self.trigger_event(
            self.CheckInRecorded,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            check_in_id=check_in_id,
            programme_id=programme_id,
            workshop_id=workshop_id,
            corrects=UUID(previous) if previous else None,
            **cleaned,
        )

    def record_evaluation(self, *, actor: UUID, evaluation_id: UUID, values: dict[str, Any]) -> None:
        """Record an evaluation once there is work to evaluate: the initiative has started
        (in progress, evaluating, completed, spread, or paused while under way).

        A proposed or planned initiative has done nothing yet that could have effects. A
        discontinued one may still be evaluated: why it stopped and what it taught are
        exactly what other units need before they try the same, and the lessons recorded
        when it was discontinued are often worth a proper look later."""
        if not self.can_be_evaluated:
            raise RuleViolation(
                "Cannot record an evaluation: this initiative is {status} and its work has not started yet.",
                status=_label(self.status),
            )
        cleaned = clean_evaluation(**values)
        self.trigger_event(
            self.EvaluationRecorded,
            actor=actor,
            occurred_on=cleaned["evaluated_on"],
            evaluation_id=evaluation_id,
            **cleaned,
        )

    @property
    def can_be_evaluated(self) -> bool:
        status = self.paused_from if self.status is Status.PAUSED else self.status
        return status in EVALUABLE_STATUSES

    def link_to_target(self, *, actor: UUID, target_id: UUID, cross_organisation: bool = False) -> None:
        """The target checks its own rules (not retired, no duplicate link); an initiative
        in any status may be linked: a completed one still shows what a target achieved."""
        self.trigger_event(
            self.LinkedToTarget,
            actor=actor,
            occurred_on=None,
            target_id=target_id,
            cross_organisation=cross_organisation,
        )

    def unlink_from_target(self, *, actor: UUID, target_id: UUID) -> None:
        self.trigger_event(self.UnlinkedFromTarget, actor=actor, occurred_on=None, target_id=target_id)

    def move(
        self,
        verb: str,
        *,
        actor: UUID,
        occurred_on: date | None,
        reason: str = "",
        lessons: str = "",
    ) -> None:
        """Apply a lifecycle verb (plan, start, pause, resume, evaluate, complete, spread,
        discontinue) if the current status allows it."""
        if verb not in VERBS:
            raise InvalidField("verb", "'{verb}' is not a lifecycle move of an initiative.", verb=verb)
        if verb not in _MOVES[self.status]:
            raise self._illegal_move(verb)
        event_class = _EVENT_FOR_VERB[verb]
        occurred_on = past_or_today("occurred_on", occurred_on)
        extra: dict[str, str] = {}
        if verb == "pause":
            extra["reason"] = optional_text("reason", reason, max_length=REASON_MAX)
        elif verb == "discontinue":
            extra["reason"] = required_text("reason", reason, max_length=REASON_MAX)
            extra["lessons"] = required_text("lessons", lessons, max_length=REASON_MAX)
        self.trigger_event(event_class, actor=actor, occurred_on=occurred_on, **extra)

    # ---- rules --------------------------------------------------------------

    def _require_goal(self, goal_id: UUID) -> None:
        if str(goal_id) not in self.goals:
            raise RecordNotFound("This initiative has no goal with id {goal_id}.", goal_id=goal_id)

    @property
    def is_closed(self) -> bool:
        return not accepts_changes(self.status)

    def _refuse_if_closed(self, change: Literal["edit", "goals", "team"]) -> None:
        # One whole sentence per change, so each can be translated as a whole.
        if not self.is_closed:
            return
        status = _label(self.status)
        if change == "goals":
            raise RuleViolation(
                "Cannot change the goals of this initiative: it is {status}, which is final.", status=status
            )
        if change == "team":
            raise RuleViolation(
                "Cannot change the team of this initiative: it is {status}, which is final.", status=status
            )
        raise RuleViolation("Cannot edit this initiative: it is {status}, which is final.", status=status)

    def _illegal_move(self, verb: str) -> IllegalTransition:
        allowed = allowed_moves(self.status)
        status = _label(self.status)
        if not allowed:
            return IllegalTransition(
                "Cannot {verb} this initiative: it is {status}, and that is final; no moves are allowed.",
                allowed,
                verb=verb,
                status=status,
            )
        return IllegalTransition(
            "Cannot {verb} this initiative: it is {status}. Allowed moves from {status}: {allowed}.",
            allowed,
            verb=verb,
            status=status,
            allowed=", ".join(allowed),
        )


def _require_organisation_for_unit(organisation_id: UUID | None, unit_id: UUID | None) -> None:
    if unit_id is not None and organisation_id is None:
        raise InvalidField("unit_id", "A unit needs its organisation: set organisation_id too.")


def _label(status: Status) -> str:
    return status.value.replace("_", " ")


_EVENT_FOR_VERB: dict[str, type[LifecycleEvent]] = {
    "plan": Initiative.Planned,
    "start": Initiative.Started,
    "pause": Initiative.Paused,
    "resume": Initiative.Resumed,
    "evaluate": Initiative.EvaluationStarted,
    "complete": Initiative.Completed,
    "spread": Initiative.Spread,
    "discontinue": Initiative.Discontinued,
}
