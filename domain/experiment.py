"""Experiment (kokeilu, PDSA cycle): a small test of a change, under an initiative.

Stages (Plan → Do → Study → Act)::

    planned → started → studied → decided (adopt / adapt / abandon)
       ↘         ↘          ↘
                cancelled (with a reason)

Only a title and the change idea are needed to plan one: an internal developer logs
it in two minutes and fills in the question, prediction and plan later. Observations
are recorded only while it runs; a decision comes only after the results were studied.
An `adapt` decision may plan the next cycle in the same save: the new experiment
`follows` this one, and the chain of cycles of one change idea is read from those links.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, IllegalTransition, InvalidField, InvalidFields, RuleViolation
from domain.initiative import Initiative
from domain.recorded import RecordedEvent
from domain.values import (
    finite_number,
    optional_text,
    past_or_today,
    plausible_date,
    printable,
    required_text,
    tag_list,
)


class Stage(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    STUDIED = "studied"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class Decision(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


# The steps each stage allows, in the order a page offers them.
_STEPS: dict[Stage, tuple[str, ...]] = {
    Stage.PLANNED: ("edit", "start", "cancel"),
    Stage.STARTED: ("edit", "record_observation", "study", "cancel"),
    Stage.STUDIED: ("decide", "cancel"),
    Stage.DECIDED: (),
    Stage.CANCELLED: (),
}

# Fields of the plan: set when planning, editable while planned or started.
EDITABLE_FIELDS = (
    "title",
    "question",
    "change_idea",
    "prediction",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "measures",
    "planned_start",
    "planned_end",
)
TEXT_FIELDS = ("question", "prediction", "plan_who", "plan_what", "plan_when", "plan_where")

TITLE_MAX = 200
# A title made from the change idea (see `title_from`) is at most this long.
TITLE_SHORT = 80
CHANGE_IDEA_MAX = 2000
TEXT_MAX = 2000
MEASURES_MAX = 10
MEASURE_MAX = 100
OBSERVATION_MAX = 5000
VALUES_MAX = 10
VALUE_NAME_MAX = 60
STUDY_MAX = 5000
REASON_MAX = 2000


def allowed_steps(stage: Stage) -> list[str]:
    return list(_STEPS[stage])


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate plan fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "title":
            cleaned[name] = required_text("title", value, max_length=TITLE_MAX)
        elif name == "change_idea":
            cleaned[name] = required_text("change_idea", value, max_length=CHANGE_IDEA_MAX)
        elif name in TEXT_FIELDS:
            cleaned[name] = optional_text(name, value, max_length=TEXT_MAX)
        elif name == "measures":
            cleaned[name] = tag_list(name, value or [], max_items=MEASURES_MAX, max_length=MEASURE_MAX)
        elif name in ("planned_start", "planned_end"):
            if value is not None and not isinstance(value, date):
                raise InvalidField(name, "{field} must be a date such as 2026-03-31.")
            cleaned[name] = None if value is None else plausible_date(name, value)
        else:
            raise InvalidField(name, "{field} is not a field of an experiment.")
    return cleaned


def title_from(change_idea: str) -> str:
    """A title for an experiment planned with its change idea alone (the quick form on a
    phone): the idea's first line, cut at a word boundary before TITLE_SHORT characters.
    Blank in, blank out (the plan then refuses the missing change idea)."""
    line = next((part.strip() for part in str(change_idea).splitlines() if part.strip()), "")
    if len(line) <= TITLE_SHORT:
        return line
    cut = line[: TITLE_SHORT - 1].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return f"{cut or line[: TITLE_SHORT - 1]}…"


def _require_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidField(
            "planned_end",
            "planned_end {end} is before planned_start {start}; an experiment ends after it starts.",
            end=end.isoformat(),
            start=start.isoformat(),
        )


def clean_done(
    *,
    fields: dict[str, Any],
    started_on: date | None,
    ended_on: date | None,
    result: str,
    learning: str,
    decision: str,
    rationale: str,
) -> dict[str, Any]:
    """Every part of an experiment told after it ran (see `Experiment.log_done`), each judged
    on its own so that all refusals come at once (`InvalidFields`, in the form's order):
    the plan's fields, the days it started and ended (not in the future, in that order), what
    happened, what was learnt and the decision. Returns the cleaned study and decision."""
    errors: list[InvalidField] = []
    cleaned: dict[str, Any] = {}

    def check(name: str, judge: Any) -> None:
        try:
            cleaned[name] = judge()
        except InvalidField as error:
            errors.append(error)

    for name in ("title", "change_idea"):
        if name not in fields:
            errors.append(InvalidField(name, "{field} is required and cannot be blank."))
    for name, value in fields.items():
        check(name, lambda name=name, value=value: clean_fields({name: value})[name])
    check("started_on", lambda: past_or_today("started_on", started_on))
    check("ended_on", lambda: past_or_today("ended_on", ended_on))
    start, end = cleaned.get("started_on"), cleaned.get("ended_on")
    if start is not None and end is not None and end < start:
        errors.append(
            InvalidField(
                "ended_on",
                "The experiment ended on {end}, before it started on {start}; check the two days.",
                end=end.isoformat(),
                start=start.isoformat(),
            )
        )
    check("result", lambda: required_text("result", result, max_length=STUDY_MAX))
    check("learning", lambda: required_text("learning", learning, max_length=STUDY_MAX))
    if not str(decision).strip():
        errors.append(InvalidField("decision", "Choose whether to adopt, adapt or abandon the change."))
    else:
        check("decision", lambda: _known_decision(decision).value)
    check("rationale", lambda: optional_text("rationale", rationale, max_length=STUDY_MAX))
    if errors:
        raise InvalidFields(errors)
    return cleaned


def clean_values(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Numbers observed, each with a short name ("odotusaika, min"): at most VALUES_MAX."""
    if len(values) > VALUES_MAX:
        raise InvalidField(
            "values",
            "{field} has {count} entries; the limit is {limit}.",
            count=len(values),
            limit=VALUES_MAX,
        )
    cleaned: list[dict[str, Any]] = []
    for item in values:
        name = optional_text("values", str(item.get("name") or ""), max_length=VALUE_NAME_MAX)
        value = item.get("value")
        if not finite_number(value):
            raise InvalidField("values", "Each observed value must be a finite number.")
        cleaned.append({"name": name, "value": value})
    return cleaned


class Experiment(Archivable, Aggregate):
    """One PDSA cycle of one change idea, under one initiative."""

    TOPIC = "kipina:Experiment"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no experiment with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this experiment, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this experiment at the same moment. Reload it and try again.")

    initiative_id: UUID
    organisation_id: UUID | None
    unit_id: UUID | None
    follows: UUID | None
    cycle: int
    title: str
    question: str
    change_idea: str
    prediction: str
    plan_who: str
    plan_what: str
    plan_when: str
    plan_where: str
    measures: list[str]
    planned_start: date | None
    planned_end: date | None
    stage: Stage
    observations: list[dict[str, Any]]
    result: str
    learning: str
    decision: Decision | None
    rationale: str
    next_cycle_id: UUID | None
    cancel_reason: str

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:Experiment.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:Experiment.Restored"

    class Planned(Event, Aggregate.Created):
        TOPIC = "kipina:Experiment.Planned"
        initiative_id: UUID
        organisation_id: UUID | None
        unit_id: UUID | None
        follows: UUID | None
        cycle: int
        title: str
        question: str
        change_idea: str
        prediction: str
        plan_who: str
        plan_what: str
        plan_when: str
        plan_where: str
        measures: list[str]
        planned_start: date | None
        planned_end: date | None

        def apply(self, aggregate: Experiment) -> None:
            aggregate.initiative_id = self.initiative_id
            aggregate.organisation_id = self.organisation_id
            aggregate.unit_id = self.unit_id
            aggregate.follows = self.follows
            aggregate.cycle = self.cycle
            aggregate.title = self.title
            aggregate.question = self.question
            aggregate.change_idea = self.change_idea
            aggregate.prediction = self.prediction
            aggregate.plan_who = self.plan_who
            aggregate.plan_what = self.plan_what
            aggregate.plan_when = self.plan_when
            aggregate.plan_where = self.plan_where
            aggregate.measures = list(self.measures)
            aggregate.planned_start = self.planned_start
            aggregate.planned_end = self.planned_end
            aggregate.stage = Stage.PLANNED
            aggregate.observations = []
            aggregate.result = ""
            aggregate.learning = ""
            aggregate.decision = None
            aggregate.rationale = ""
            aggregate.next_cycle_id = None
            aggregate.cancel_reason = ""

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Planned

    class Edited(Event):
        """Plan changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:Experiment.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: Experiment) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, list(value) if name == "measures" else value)

    class Started(Event):
        TOPIC = "kipina:Experiment.Started"

        def apply(self, aggregate: Experiment) -> None:
            aggregate.stage = Stage.STARTED

    class ObservationRecorded(Event):
        TOPIC = "kipina:Experiment.ObservationRecorded"
        observation_id: UUID
        text: str
        values: list[dict[str, Any]]

        def apply(self, aggregate: Experiment) -> None:
            aggregate.observations.append(
                {"observation_id": str(self.observation_id), "text": self.text, "values": list(self.values)}
            )

    class Studied(Event):
        TOPIC = "kipina:Experiment.Studied"
        result: str
        learning: str

        def apply(self, aggregate: Experiment) -> None:
            aggregate.stage = Stage.STUDIED
            aggregate.result = self.result
            aggregate.learning = self.learning

    class Decided(Event):
        TOPIC = "kipina:Experiment.Decided"
        decision: str
        rationale: str
        next_cycle_id: UUID | None

        def apply(self, aggregate: Experiment) -> None:
            aggregate.stage = Stage.DECIDED
            aggregate.decision = Decision(self.decision)
            aggregate.rationale = self.rationale
            aggregate.next_cycle_id = self.next_cycle_id

    class Cancelled(Event):
        TOPIC = "kipina:Experiment.Cancelled"
        reason: str

        def apply(self, aggregate: Experiment) -> None:
            aggregate.stage = Stage.CANCELLED
            aggregate.cancel_reason = self.reason

    # ---- commands -----------------------------------------------------------

    @classmethod
    def plan(
        cls,
        *,
        experiment_id: UUID,
        initiative: Initiative,
        actor: UUID,
        occurred_on: date | None,
        fields: dict[str, Any],
        follows: Experiment | None = None,
    ) -> Experiment:
        """Plan an experiment under an open initiative; only title and change idea are needed."""
        for name in ("title", "change_idea"):
            if name not in fields:
                raise InvalidField(name, "{field} is required and cannot be blank.")
        if initiative.is_closed:
            raise RuleViolation(
                "Cannot plan an experiment under this initiative: it is {status}, which is final.",
                status=initiative.status.value.replace("_", " "),
            )
        cleaned = clean_fields(fields)
        _require_period(cleaned.get("planned_start"), cleaned.get("planned_end"))
        return cls._create(
            cls.Planned,
            id=experiment_id,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            initiative_id=initiative.id,
            organisation_id=initiative.organisation_id,
            unit_id=initiative.unit_id,
            follows=follows.id if follows is not None else None,
            cycle=follows.cycle + 1 if follows is not None else 1,
            title=cleaned["title"],
            question=cleaned.get("question", ""),
            change_idea=cleaned["change_idea"],
            prediction=cleaned.get("prediction", ""),
            plan_who=cleaned.get("plan_who", ""),
            plan_what=cleaned.get("plan_what", ""),
            plan_when=cleaned.get("plan_when", ""),
            plan_where=cleaned.get("plan_where", ""),
            measures=cleaned.get("measures", []),
            planned_start=cleaned.get("planned_start"),
            planned_end=cleaned.get("planned_end"),
        )

    @classmethod
    def log_done(
        cls,
        *,
        experiment_id: UUID,
        initiative: Initiative,
        actor: UUID,
        fields: dict[str, Any],
        started_on: date | None,
        ended_on: date | None,
        result: str,
        learning: str,
        decision: str,
        rationale: str,
    ) -> Experiment:
        """An experiment that already ran, told afterwards in one form: the whole cycle as the
        events it would have had (planned and started on the day it started, studied and
        decided on the day it ended), so it reads like any other. Every part is checked before
        the first event; since nothing is saved until the caller saves, a refusal of any part
        records nothing."""
        cleaned = clean_done(
            fields=fields,
            started_on=started_on,
            ended_on=ended_on,
            result=result,
            learning=learning,
            decision=decision,
            rationale=rationale,
        )
        experiment = cls.plan(
            experiment_id=experiment_id,
            initiative=initiative,
            actor=actor,
            occurred_on=started_on,
            fields={**fields, "planned_start": started_on, "planned_end": ended_on},
        )
        experiment.start(actor=actor, occurred_on=started_on)
        experiment.study(
            actor=actor, result=cleaned["result"], learning=cleaned["learning"], occurred_on=ended_on
        )
        experiment.decide(
            actor=actor, decision=cleaned["decision"], rationale=cleaned["rationale"], occurred_on=ended_on
        )
        return experiment

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the plan fields that really change; an edit that changes nothing records nothing."""
        self._require_step("edit")
        cleaned = clean_fields(fields)
        _require_period(
            cleaned.get("planned_start", self.planned_start), cleaned.get("planned_end", self.planned_end)
        )
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)

    def start(self, *, actor: UUID, occurred_on: date | None) -> None:
        self._require_step("start")
        self.trigger_event(self.Started, actor=actor, occurred_on=past_or_today("occurred_on", occurred_on))

    def record_observation(
        self,
        *,
        actor: UUID,
        observation_id: UUID,
        text: str,
        values: list[dict[str, Any]],
        occurred_on: date | None,
    ) -> None:
        self._require_step("record_observation")
        cleaned = required_text("text", text, max_length=OBSERVATION_MAX)
        self.trigger_event(
            self.ObservationRecorded,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            observation_id=observation_id,
            text=cleaned,
            values=clean_values(values),
        )

    def study(self, *, actor: UUID, result: str, learning: str, occurred_on: date | None) -> None:
        self._require_step("study")
        self.trigger_event(
            self.Studied,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            result=required_text("result", result, max_length=STUDY_MAX),
            learning=required_text("learning", learning, max_length=STUDY_MAX),
        )

    def decide(
        self,
        *,
        actor: UUID,
        decision: str,
        rationale: str,
        occurred_on: date | None,
        next_cycle_id: UUID | None = None,
    ) -> None:
        """Adopt, adapt or abandon the change; with `adapt`, `next_cycle_id` names the
        experiment planned as the next cycle (planned in the same save)."""
        self._require_step("decide")
        chosen = _known_decision(decision)
        if next_cycle_id is not None and chosen is not Decision.ADAPT:
            raise InvalidField(
                "next_cycle", "Only an adapt decision plans a next cycle; adopt and abandon end the chain."
            )
        self.trigger_event(
            self.Decided,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            decision=chosen.value,
            rationale=optional_text("rationale", rationale, max_length=STUDY_MAX),
            next_cycle_id=next_cycle_id,
        )

    def plan_next_cycle(
        self,
        *,
        experiment_id: UUID,
        initiative: Initiative,
        actor: UUID,
        fields: dict[str, Any],
    ) -> Experiment:
        """The next cycle of the same change idea: what is not given is carried over
        (title, question, change idea, measures); the new prediction and plan start empty."""
        carried = {
            "title": self.title,
            "question": self.question,
            "change_idea": self.change_idea,
            "measures": list(self.measures),
        }
        return Experiment.plan(
            experiment_id=experiment_id,
            initiative=initiative,
            actor=actor,
            occurred_on=None,
            fields={**carried, **fields},
            follows=self,
        )

    def cancel(self, *, actor: UUID, reason: str, occurred_on: date | None) -> None:
        self._require_step("cancel")
        self.trigger_event(
            self.Cancelled,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            reason=required_text("reason", reason, max_length=REASON_MAX),
        )

    # ---- rules --------------------------------------------------------------

    def _require_step(self, step: str) -> None:
        if step not in _STEPS[self.stage]:
            raise self._out_of_order(step)

    def _out_of_order(self, step: str) -> IllegalTransition:
        """What must happen first, one whole sentence per case so each translates as a whole."""
        allowed = allowed_steps(self.stage)
        stage = self.stage.value
        if self.stage is Stage.CANCELLED:
            return IllegalTransition(
                "This experiment was cancelled; nothing more can be recorded on it. "
                "Plan a new experiment instead.",
                allowed,
            )
        if step == "record_observation":
            if self.stage is Stage.PLANNED:
                return IllegalTransition(
                    "Record observations only while the experiment runs: start it first.", allowed
                )
            return IllegalTransition(
                "Record observations only while the experiment runs: it is {stage} already.",
                allowed,
                stage=stage,
            )
        if step == "decide":
            if self.stage is Stage.PLANNED:
                return IllegalTransition(
                    "Decide only after studying the results: start the experiment and study it first.",
                    allowed,
                )
            if self.stage is Stage.STARTED:
                return IllegalTransition("Decide only after studying the results: study it first.", allowed)
            return IllegalTransition(
                "This experiment has been decided already. To change course, plan a new cycle.", allowed
            )
        if step == "study":
            if self.stage is Stage.PLANNED:
                return IllegalTransition(
                    "Study the results only after the experiment ran: start it first.", allowed
                )
            return IllegalTransition("This experiment has been studied already.", allowed)
        if step == "start":
            if self.stage is Stage.STARTED:
                return IllegalTransition(
                    "This experiment has started already: record observations, then study it.", allowed
                )
            return IllegalTransition(
                "Cannot start this experiment: it is {stage}. To try again, plan a new cycle.",
                allowed,
                stage=stage,
            )
        if step == "cancel":
            return IllegalTransition(
                "Cannot cancel this experiment: it is decided, and a decision is final.", allowed
            )
        return IllegalTransition(
            "Cannot change the plan of this experiment: it is {stage}. "
            "The plan can change only while it is planned or running.",
            allowed,
            stage=stage,
        )


def _known_decision(decision: str) -> Decision:
    try:
        return Decision(decision)
    except ValueError:
        raise InvalidField(
            "decision",
            "'{decision}' is not a decision; use one of: adopt, adapt, abandon.",
            decision=printable("decision", str(decision))[:40],
        ) from None
