"""Programme (kehittämisohjelma): a coordinated set of initiatives followed at shared
workshop days, such as the 3W programme's seven workshops and closing seminar.

A programme enrols initiatives, schedules its workshops within its period, marks
them held and is finally closed; a closed programme takes nothing more. The
initiatives report at each workshop by check-ins, which are the initiatives' own
events (see `domain.check_in`), validated here: only an enrolled initiative, only
for a workshop of this programme, only while it is open.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField, RecordNotFound, RuleViolation
from domain.recorded import RecordedEvent
from domain.values import optional_text, past_or_today, plausible_date, required_text


class ProgrammeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class WorkshopKind(StrEnum):
    WORKSHOP = "workshop"
    SEMINAR = "seminar"


EDITABLE_FIELDS = ("name", "description", "period_start", "period_end", "organisation_ids", "coordinator_id")

NAME_MAX = 200
DESCRIPTION_MAX = 5000
TITLE_MAX = 200
AGENDA_MAX = 5000
REASON_MAX = 2000
ORGANISATIONS_MAX = 50
# Limits a real programme never reaches (3W had 7 workshop days and 30 initiatives), which
# bound what one programme record and its read-model rows can hold.
WORKSHOPS_MAX = 100
ENROLMENTS_MAX = 200

# A workshop may be marked held on its day in any time zone east of UTC (Finland is UTC+2/+3).
_HELD_TOLERANCE = timedelta(days=1)


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate programme fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            cleaned[name] = required_text("name", value, max_length=NAME_MAX)
        elif name == "description":
            cleaned[name] = optional_text("description", value, max_length=DESCRIPTION_MAX)
        elif name in ("period_start", "period_end"):
            if not isinstance(value, date):
                raise InvalidField(name, "{field} must be a date such as 2018-09-01.")
            cleaned[name] = plausible_date(name, value)
        elif name == "organisation_ids":
            cleaned[name] = _organisation_ids(value)
        elif name == "coordinator_id":
            if value is not None and not isinstance(value, UUID):
                raise InvalidField(name, "{field} must be a UUID.")
            cleaned[name] = value
        else:
            raise InvalidField(name, "{field} is not a field of a programme.")
    return cleaned


def _organisation_ids(value: Any) -> list[str]:
    ids: list[str] = []
    for item in value or []:
        if not isinstance(item, UUID):
            raise InvalidField("organisation_ids", "{field} must be a list of organisation ids (UUIDs).")
        if str(item) not in ids:
            ids.append(str(item))
    if len(ids) > ORGANISATIONS_MAX:
        raise InvalidField(
            "organisation_ids",
            "{field} has {count} entries; the limit is {limit}.",
            count=len(ids),
            limit=ORGANISATIONS_MAX,
        )
    return ids


def _require_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidField(
            "period_end",
            "period_end {end} is before period_start {start}; a programme ends after it starts.",
            end=end.isoformat(),
            start=start.isoformat(),
        )


def _kind(value: Any) -> WorkshopKind:
    try:
        return WorkshopKind(value)
    except ValueError:
        raise InvalidField("kind", "{field} must be workshop or seminar.") from None


class Programme(Archivable, Aggregate):
    """A development programme and its workshop days."""

    TOPIC = "kipina:Programme"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no programme with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this programme, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this programme at the same moment. Reload it and try again.")

    name: str
    description: str
    period_start: date
    period_end: date
    organisation_ids: list[str]
    coordinator_id: UUID | None
    status: ProgrammeStatus
    enrolled: set[str]
    workshops: dict[str, dict[str, Any]]
    summary: str

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:Programme.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:Programme.Restored"

    class Created(Event, Aggregate.Created):
        TOPIC = "kipina:Programme.Created"
        name: str
        description: str
        period_start: date
        period_end: date
        organisation_ids: list[str]
        coordinator_id: UUID | None

        def apply(self, aggregate: Programme) -> None:
            aggregate.name = self.name
            aggregate.description = self.description
            aggregate.period_start = self.period_start
            aggregate.period_end = self.period_end
            aggregate.organisation_ids = list(self.organisation_ids)
            aggregate.coordinator_id = self.coordinator_id
            aggregate.status = ProgrammeStatus.OPEN
            aggregate.enrolled = set()
            aggregate.workshops = {}
            aggregate.summary = ""

    class Edited(Event):
        """Field changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:Programme.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: Programme) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, list(value) if name == "organisation_ids" else value)

    class InitiativeEnrolled(Event):
        TOPIC = "kipina:Programme.InitiativeEnrolled"
        initiative_id: UUID

        def apply(self, aggregate: Programme) -> None:
            aggregate.enrolled.add(str(self.initiative_id))

    class InitiativeWithdrawn(Event):
        TOPIC = "kipina:Programme.InitiativeWithdrawn"
        initiative_id: UUID
        reason: str

        def apply(self, aggregate: Programme) -> None:
            aggregate.enrolled.discard(str(self.initiative_id))

    class WorkshopScheduled(Event):
        TOPIC = "kipina:Programme.WorkshopScheduled"
        workshop_id: UUID
        day: date
        title: str
        kind: str
        agenda: str

        def apply(self, aggregate: Programme) -> None:
            aggregate.workshops[str(self.workshop_id)] = {
                "day": self.day,
                "title": self.title,
                "kind": self.kind,
                "agenda": self.agenda,
                "held": False,
            }

    class WorkshopRescheduled(Event):
        TOPIC = "kipina:Programme.WorkshopRescheduled"
        workshop_id: UUID
        day: date
        reason: str

        def apply(self, aggregate: Programme) -> None:
            aggregate.workshops[str(self.workshop_id)]["day"] = self.day

    class WorkshopHeld(Event):
        TOPIC = "kipina:Programme.WorkshopHeld"
        workshop_id: UUID

        def apply(self, aggregate: Programme) -> None:
            aggregate.workshops[str(self.workshop_id)]["held"] = True

    class Closed(Event):
        TOPIC = "kipina:Programme.Closed"
        summary: str

        def apply(self, aggregate: Programme) -> None:
            aggregate.status = ProgrammeStatus.CLOSED
            aggregate.summary = self.summary

    # ---- commands -----------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        programme_id: UUID,
        actor: UUID,
        occurred_on: date | None,
        fields: dict[str, Any],
    ) -> Programme:
        for required in ("name", "period_start", "period_end"):
            if fields.get(required) is None:
                raise InvalidField(required, "{field} is required and cannot be blank.")
        cleaned = clean_fields(fields)
        _require_period(cleaned["period_start"], cleaned["period_end"])
        return cls._create(
            cls.Created,
            id=programme_id,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            name=cleaned["name"],
            description=cleaned.get("description", ""),
            period_start=cleaned["period_start"],
            period_end=cleaned["period_end"],
            organisation_ids=cleaned.get("organisation_ids", []),
            coordinator_id=cleaned.get("coordinator_id"),
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing."""
        self._refuse_if_closed()
        cleaned = clean_fields(fields)
        start = cleaned.get("period_start", self.period_start)
        end = cleaned.get("period_end", self.period_end)
        _require_period(start, end)
        for workshop in self.workshops.values():
            if not start <= workshop["day"] <= end:
                raise InvalidField(
                    "period_start" if workshop["day"] < start else "period_end",
                    "Workshop {title} on {day} would fall outside the new period; reschedule it first.",
                    title=workshop["title"],
                    day=workshop["day"].isoformat(),
                )
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)

    def enrol(
        self,
        *,
        actor: UUID,
        initiative_id: UUID,
        initiative_organisation_id: UUID | None,
        occurred_on: date | None,
    ) -> None:
        self._refuse_if_closed()
        if str(initiative_id) in self.enrolled:
            raise RuleViolation("This initiative is already enrolled in this programme.")
        if len(self.enrolled) >= ENROLMENTS_MAX:
            raise RuleViolation(
                "This programme already has {limit} enrolled initiatives, the most it can have; "
                "withdraw one before enrolling another.",
                limit=ENROLMENTS_MAX,
            )
        if (
            initiative_organisation_id is not None
            and self.organisation_ids
            and str(initiative_organisation_id) not in self.organisation_ids
        ):
            raise RuleViolation(
                "The initiative belongs to an organisation that does not take part in this programme; "
                "add the organisation to the programme first."
            )
        self.trigger_event(
            self.InitiativeEnrolled,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            initiative_id=initiative_id,
        )

    def withdraw(self, *, actor: UUID, initiative_id: UUID, reason: str, occurred_on: date | None) -> None:
        self._refuse_if_closed()
        if str(initiative_id) not in self.enrolled:
            raise RuleViolation("This initiative is not enrolled in this programme.")
        self.trigger_event(
            self.InitiativeWithdrawn,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            initiative_id=initiative_id,
            reason=optional_text("reason", reason, max_length=REASON_MAX),
        )

    def schedule_workshop(
        self, *, actor: UUID, workshop_id: UUID, day: date, title: str, kind: Any, agenda: str
    ) -> None:
        self._refuse_if_closed()
        if str(workshop_id) in self.workshops:
            raise RuleViolation("This programme already has a workshop with id {id}.", id=workshop_id)
        if len(self.workshops) >= WORKSHOPS_MAX:
            raise RuleViolation(
                "This programme already has {limit} workshops, the most it can have.", limit=WORKSHOPS_MAX
            )
        cleaned_title = required_text("title", title, max_length=TITLE_MAX)
        cleaned_kind = _kind(kind)
        cleaned_agenda = optional_text("agenda", agenda, max_length=AGENDA_MAX)
        self._require_within_period(day)
        self.trigger_event(
            self.WorkshopScheduled,
            actor=actor,
            occurred_on=None,
            workshop_id=workshop_id,
            day=day,
            title=cleaned_title,
            kind=cleaned_kind.value,
            agenda=cleaned_agenda,
        )

    def reschedule_workshop(self, *, actor: UUID, workshop_id: UUID, day: date, reason: str) -> None:
        self._refuse_if_closed()
        workshop = self._workshop(workshop_id)
        if workshop["held"]:
            raise RuleViolation(
                "Workshop {title} was already held on {day}; a held workshop cannot be rescheduled.",
                title=workshop["title"],
                day=workshop["day"].isoformat(),
            )
        cleaned_reason = optional_text("reason", reason, max_length=REASON_MAX)
        self._require_within_period(day)
        if day != workshop["day"]:
            self.trigger_event(
                self.WorkshopRescheduled,
                actor=actor,
                occurred_on=None,
                workshop_id=workshop_id,
                day=day,
                reason=cleaned_reason,
            )

    def hold_workshop(self, *, actor: UUID, workshop_id: UUID, occurred_on: date | None) -> None:
        self._refuse_if_closed()
        workshop = self._workshop(workshop_id)
        if workshop["held"]:
            raise RuleViolation("Workshop {title} is already marked held.", title=workshop["title"])
        if workshop["day"] > (datetime.now(UTC) + _HELD_TOLERANCE).date():
            raise RuleViolation(
                "Workshop {title} is on {day}; it cannot be marked held before that day.",
                title=workshop["title"],
                day=workshop["day"].isoformat(),
            )
        self.trigger_event(
            self.WorkshopHeld,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            workshop_id=workshop_id,
        )

    def close(self, *, actor: UUID, summary: str, occurred_on: date | None) -> None:
        self._refuse_if_closed()
        self.trigger_event(
            self.Closed,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            summary=optional_text("summary", summary, max_length=DESCRIPTION_MAX),
        )

    # ---- rules other records ask about -------------------------------------------

    def require_check_in(self, *, initiative_id: UUID, workshop_id: UUID) -> None:
        """A check-in reports to an open programme, for one of its workshops, by an enrolled initiative."""
        if self.status is ProgrammeStatus.CLOSED:
            raise RuleViolation("Programme {name} is closed; it takes no more check-ins.", name=self.name)
        if str(workshop_id) not in self.workshops:
            raise InvalidField(
                "workshop_id",
                "Programme {name} has no workshop with id {id}.",
                name=self.name,
                id=workshop_id,
            )
        if str(initiative_id) not in self.enrolled:
            raise RuleViolation(
                "This initiative is not enrolled in programme {name}; enrol it before recording check-ins.",
                name=self.name,
            )

    # ---- rules --------------------------------------------------------------

    def _refuse_if_closed(self) -> None:
        if self.status is ProgrammeStatus.CLOSED:
            raise RuleViolation("Programme {name} is closed; it cannot be changed any more.", name=self.name)

    def _workshop(self, workshop_id: UUID) -> dict[str, Any]:
        workshop = self.workshops.get(str(workshop_id))
        if workshop is None:
            raise RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)
        return workshop

    def _require_within_period(self, day: Any) -> None:
        if not isinstance(day, date):
            raise InvalidField("day", "{field} must be a date such as 2019-04-11.")
        plausible_date("day", day)
        if not self.period_start <= day <= self.period_end:
            raise InvalidField(
                "day",
                "{day} is outside the programme's period {start} – {end}.",
                day=day.isoformat(),
                start=self.period_start.isoformat(),
                end=self.period_end.isoformat(),
            )
