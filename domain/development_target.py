"""Development target (kehittämiskohde; KS steps 5–6 "strategier og tiltak"): what an
organisation chose to develop for a period, the strategy goal it serves, the kind of
strategy and who is responsible.

Heinävesi's basic services chose three common targets for 2012 — clarifying the basic
task, goal-oriented job rotation, cooperation and interaction skills — derived from
their strategic goal. The KS model sorts measures into four strategies (mobilise the
competence people have, develop it, acquire it, phase out what is no longer needed)
and gives each a responsible role (top management / HR, unit manager, first-line manager).

Lifecycle::

    active (defined, edited, linked, unlinked, reviewed) → retired (with a reason)

Initiatives, rotation placements and Change Day actions are linked to a target; the
application checks that the linked record exists and records the link on the initiative
or placement too, in the same save. A retired target takes no more links, unlinks,
reviews or edits: it stays readable as it was.

Reviews are yearly (KS: "rullere hvert år", roll the plans every year). A second review
for the same year corrects the first, the way a second check-in for a workshop does:
the latest counts and the history keeps both. Refusing it would leave a typo in the
yearly follow-up for good, since events are never edited.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField, RuleViolation
from domain.recorded import RecordedEvent
from domain.values import optional_text, past_or_today, plausible_date, required_text


class Strategy(StrEnum):
    MOBILISE = "mobilise"
    DEVELOP = "develop"
    ACQUIRE = "acquire"
    PHASE_OUT = "phase_out"


class ResponsibleRole(StrEnum):
    TOP_MANAGEMENT_HR = "top_management_hr"
    UNIT_MANAGER = "unit_manager"
    FIRST_LINE_MANAGER = "first_line_manager"


class Status(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class RecordType(StrEnum):
    """What can be linked to a target."""

    INITIATIVE = "initiative"
    ROTATION = "rotation"
    CHANGE_ACTION = "change_action"


class ReviewStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"


class ReviewDecision(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    RETIRE = "retire"


EDITABLE_FIELDS = (
    "title",
    "strategy_goal",
    "strategy",
    "responsible_role",
    "period_start",
    "period_end",
    "organisation_id",
    "description",
)
REQUIRED_FIELDS = ("title", "strategy", "responsible_role", "period_start", "period_end")
TITLE_MAX = 200
GOAL_MAX = 1000
TEXT_MAX = 5000
YEAR_MIN = 1900
# Links a real target never reaches (even a whole Change Day's actions), which bound what one
# target record and its read-model rows can hold.
LINKS_MAX = 2000


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate a target's fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "title":
            cleaned[name] = required_text("title", value, max_length=TITLE_MAX)
        elif name == "strategy_goal":
            cleaned[name] = optional_text("strategy_goal", value, max_length=GOAL_MAX)
        elif name == "description":
            cleaned[name] = optional_text("description", value, max_length=TEXT_MAX)
        elif name == "strategy":
            cleaned[name] = _strategy(value)
        elif name == "responsible_role":
            cleaned[name] = _role(value)
        elif name in ("period_start", "period_end"):
            if not isinstance(value, date):
                raise InvalidField(name, "{field} must be a date such as 2012-01-01.")
            cleaned[name] = plausible_date(name, value)
        elif name == "organisation_id":
            if value is not None and not isinstance(value, UUID):
                raise InvalidField(name, "{field} must be a UUID.")
            cleaned[name] = value
        else:
            raise InvalidField(name, "{field} is not a field of a development target.")
    return cleaned


def _strategy(value: Any) -> str:
    try:
        return Strategy(value).value
    except ValueError:
        raise InvalidField("strategy", "{field} must be mobilise, develop, acquire or phase_out.") from None


def _role(value: Any) -> str:
    try:
        return ResponsibleRole(value).value
    except ValueError:
        raise InvalidField(
            "responsible_role", "{field} must be top_management_hr, unit_manager or first_line_manager."
        ) from None


def _require_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidField(
            "period_end",
            "The period cannot end ({end}) before it starts ({start}).",
            end=end.isoformat(),
            start=start.isoformat(),
        )


def link_key(record_type: str, record_id: UUID) -> str:
    return f"{record_type}:{record_id}"


class DevelopmentTarget(Archivable, Aggregate):
    """A development target, its links and its yearly reviews."""

    TOPIC = "kipina:DevelopmentTarget"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no development target with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this development target, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    # The conflict may be on a linked initiative or placement, saved in the same save.
    CONCURRENT = N_(
        "Someone else changed this development target, or a record being linked to it, at the same "
        "moment. Reload it and try again."
    )

    title: str
    strategy_goal: str
    strategy: str
    responsible_role: str
    period_start: date
    period_end: date
    organisation_id: UUID | None
    description: str
    status: Status
    links: dict[str, str]  # record id → record type
    reviews: dict[int, str]  # year → id of the review that counts
    retired_reason: str

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:DevelopmentTarget.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:DevelopmentTarget.Restored"

    class Defined(Event, Aggregate.Created):
        TOPIC = "kipina:DevelopmentTarget.Defined"
        title: str
        strategy_goal: str
        strategy: str
        responsible_role: str
        period_start: date
        period_end: date
        organisation_id: UUID | None
        description: str

        def apply(self, aggregate: DevelopmentTarget) -> None:
            aggregate.title = self.title
            aggregate.strategy_goal = self.strategy_goal
            aggregate.strategy = self.strategy
            aggregate.responsible_role = self.responsible_role
            aggregate.period_start = self.period_start
            aggregate.period_end = self.period_end
            aggregate.organisation_id = self.organisation_id
            aggregate.description = self.description
            aggregate.status = Status.ACTIVE
            aggregate.links = {}
            aggregate.reviews = {}
            aggregate.retired_reason = ""

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Defined

    class Edited(Event):
        """Field changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:DevelopmentTarget.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: DevelopmentTarget) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, value)

    class Linked(Event):
        """`cross_organisation`: the record belongs to another organisation than the target,
        and whoever linked it confirmed that. Version 2 added it (older links: False)."""

        TOPIC = "kipina:DevelopmentTarget.Linked"
        class_version = 2
        record_type: str
        record_id: UUID
        cross_organisation: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["cross_organisation"] = False

        def apply(self, aggregate: DevelopmentTarget) -> None:
            aggregate.links[str(self.record_id)] = self.record_type

    class Unlinked(Event):
        TOPIC = "kipina:DevelopmentTarget.Unlinked"
        record_type: str
        record_id: UUID
        reason: str

        def apply(self, aggregate: DevelopmentTarget) -> None:
            aggregate.links.pop(str(self.record_id), None)

    class Reviewed(Event):
        """The yearly follow-up; `corrects` names the earlier review of the same year it replaces."""

        TOPIC = "kipina:DevelopmentTarget.Reviewed"
        review_id: UUID
        year: int
        status: str
        what_changed: str
        decision: str
        corrects: UUID | None

        def apply(self, aggregate: DevelopmentTarget) -> None:
            aggregate.reviews[self.year] = str(self.review_id)

    class Retired(Event):
        TOPIC = "kipina:DevelopmentTarget.Retired"
        reason: str

        def apply(self, aggregate: DevelopmentTarget) -> None:
            aggregate.status = Status.RETIRED
            aggregate.retired_reason = self.reason

    # ---- commands -----------------------------------------------------------

    @classmethod
    def define(
        cls, *, target_id: UUID, actor: UUID, occurred_on: date | None, fields: dict[str, Any]
    ) -> DevelopmentTarget:
        for name in REQUIRED_FIELDS:
            if fields.get(name) is None:
                raise InvalidField(name, "{field} is required and cannot be blank.")
        cleaned = clean_fields(fields)
        _require_period(cleaned["period_start"], cleaned["period_end"])
        return cls._create(
            cls.Defined,
            id=target_id,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            title=cleaned["title"],
            strategy_goal=cleaned.get("strategy_goal", ""),
            strategy=cleaned["strategy"],
            responsible_role=cleaned["responsible_role"],
            period_start=cleaned["period_start"],
            period_end=cleaned["period_end"],
            organisation_id=cleaned.get("organisation_id"),
            description=cleaned.get("description", ""),
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing."""
        self._refuse_if_retired()
        for name in REQUIRED_FIELDS:
            if name in fields and fields[name] is None:
                raise InvalidField(name, "{field} is required and cannot be blank.")
        cleaned = clean_fields(fields)
        _require_period(
            cleaned.get("period_start", self.period_start), cleaned.get("period_end", self.period_end)
        )
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)

    def link(
        self, *, actor: UUID, record_type: str, record_id: UUID, cross_organisation: bool = False
    ) -> None:
        """Link a record the application found; the same record twice is refused.
        `cross_organisation`: the application found the record in another organisation and
        the link was confirmed."""
        self._refuse_if_retired()
        kind = clean_record_type(record_type)
        if str(record_id) in self.links:
            raise RuleViolation("This record is already linked to this development target.")
        if len(self.links) >= LINKS_MAX:
            raise RuleViolation(
                "This development target already has {limit} linked records, the most it can have; "
                "unlink one before linking another.",
                limit=LINKS_MAX,
            )
        self.trigger_event(
            self.Linked,
            actor=actor,
            occurred_on=None,
            record_type=kind,
            record_id=record_id,
            cross_organisation=cross_organisation,
        )

    def unlink(self, *, actor: UUID, record_id: UUID, reason: str = "") -> str:
        """Returns the type of the record unlinked."""
        self._refuse_if_retired()
        kind = self.links.get(str(record_id))
        if kind is None:
            raise RuleViolation("No record with id {id} is linked to this development target.", id=record_id)
        self.trigger_event(
            self.Unlinked,
            actor=actor,
            occurred_on=None,
            record_type=kind,
            record_id=record_id,
            reason=optional_text("reason", reason, max_length=TEXT_MAX),
        )
        return kind

    def review(
        self,
        *,
        actor: UUID,
        review_id: UUID,
        year: Any,
        status: Any,
        what_changed: str,
        decision: Any,
        occurred_on: date | None = None,
    ) -> None:
        """The yearly review; a second one for the same year corrects the first. A decision to
        retire is a recommendation: retiring stays its own command, with its reason."""
        self._refuse_if_retired()
        checked_year = self._review_year(year)
        review_status = _review_status(status)
        review_decision = _review_decision(decision)
        text = optional_text("what_changed", what_changed, max_length=TEXT_MAX)
        previous = self.reviews.get(checked_year)
        self.trigger_event(
            self.Reviewed,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            review_id=review_id,
            year=checked_year,
            status=review_status,
            what_changed=text,
            decision=review_decision,
            corrects=UUID(previous) if previous else None,
        )

    def retire(self, *, actor: UUID, reason: str, occurred_on: date | None = None) -> None:
        self._refuse_if_retired()
        self.trigger_event(
            self.Retired,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            reason=required_text("reason", reason, max_length=TEXT_MAX),
        )

    # ---- rules --------------------------------------------------------------

    @property
    def is_retired(self) -> bool:
        return self.status is Status.RETIRED

    def _refuse_if_retired(self) -> None:
        if self.is_retired:
            raise RuleViolation(
                "Development target {title} is retired; it cannot be changed, linked or reviewed any more.",
                title=self.title,
            )

    def _review_year(self, year: Any) -> int:
        """A year from the target's first year up to this one: a review looks back."""
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidField("year", "{field} must be a year such as 2012.")
        this_year = datetime.now(UTC).year
        if year > this_year:
            raise InvalidField("year", "{field} is {year}, which has not begun yet.", year=year)
        if year < max(YEAR_MIN, self.period_start.year):
            raise InvalidField(
                "year",
                "{field} is {year}, before the target's period starts ({start}).",
                year=year,
                start=self.period_start.isoformat(),
            )
        return year


def clean_record_type(value: Any) -> str:
    try:
        return RecordType(value).value
    except ValueError:
        raise InvalidField("record_type", "{field} must be initiative, rotation or change_action.") from None


def _review_status(value: Any) -> str:
    try:
        return ReviewStatus(value).value
    except ValueError:
        raise InvalidField("status", "{field} must be on_track, at_risk, off_track or achieved.") from None


def _review_decision(value: Any) -> str:
    try:
        return ReviewDecision(value).value
    except ValueError:
        raise InvalidField("decision", "{field} must be continue, adjust or retire.") from None
