"""Campaign (Change Day -tempaus): a day on which everyone is invited to pledge an action.

A campaign has a name, the date it is held and a target number of pledges. Its
actions are `ChangeAction` records that name it; the campaign itself holds no
list of them (NHS Change Day gathered 320,000 pledges in 2014: one aggregate
holding them all would be replayed in full on every pledge).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField
from domain.recorded import RecordedEvent
from domain.values import plausible_date, required_text

NAME_MAX = 200
TARGET_MAX = 10_000_000
EDITABLE_FIELDS = ("name", "held_on", "target_count")


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate campaign fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            cleaned[name] = required_text("name", value, max_length=NAME_MAX)
        elif name == "held_on":
            cleaned[name] = _held_on(value)
        elif name == "target_count":
            cleaned[name] = _target_count(value)
        else:
            raise InvalidField(name, "{field} is not a field of a campaign.")
    return cleaned


def _held_on(value: Any) -> date:
    if not isinstance(value, date):
        raise InvalidField("held_on", "{field} must be the date of the campaign, such as 2026-03-12.")
    return plausible_date("held_on", value)


def _target_count(value: Any) -> int:
    # bool is an int in Python; True pledges is not a target.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidField("target_count", "{field} must be a whole number of pledges.")
    if not 1 <= value <= TARGET_MAX:
        raise InvalidField(
            "target_count",
            "{field} is {value}; it must be at least 1 and at most {limit}.",
            value=value,
            limit=TARGET_MAX,
        )
    return value


class Campaign(Archivable, Aggregate):
    """A Change Day campaign: name, date and target number of pledges."""

    TOPIC = "kipina:Campaign"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no campaign with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this campaign, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this campaign at the same moment. Reload it and try again.")

    name: str
    held_on: date
    target_count: int

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:Campaign.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:Campaign.Restored"

    class Created(Event, Aggregate.Created):
        TOPIC = "kipina:Campaign.Created"
        name: str
        held_on: date
        target_count: int

        def apply(self, aggregate: Campaign) -> None:
            aggregate.name = self.name
            aggregate.held_on = self.held_on
            aggregate.target_count = self.target_count

    class Edited(Event):
        """Field changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:Campaign.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: Campaign) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, value)

    @classmethod
    def create(cls, *, campaign_id: UUID, actor: UUID, fields: dict[str, Any]) -> Campaign:
        for required in EDITABLE_FIELDS:
            if fields.get(required) is None:
                raise InvalidField(required, "{field} is required.")
        cleaned = clean_fields(fields)
        return cls._create(
            cls.Created,
            id=campaign_id,
            actor=actor,
            occurred_on=None,
            name=cleaned["name"],
            held_on=cleaned["held_on"],
            target_count=cleaned["target_count"],
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing."""
        cleaned = clean_fields(fields)
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)
