"""Organisation (kunta, kuntayhtymä, hyvinvointialue) and its units (yksiköt)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField, RuleViolation
from domain.recorded import RecordedEvent
from domain.values import required_text

NAME_MAX = 200
# What an organisation's edit may change; its units have commands of their own.
EDITABLE_FIELDS = ("name", "kind")
# More units than any Finnish municipality or wellbeing services county has, and a bound on
# what one organisation record (and its read-model rows) can hold.
UNITS_MAX = 1000


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    JOINT_AUTHORITY = "joint_authority"
    WELLBEING_SERVICES_COUNTY = "wellbeing_services_county"
    OTHER = "other"


class Organisation(Archivable, Aggregate):
    """A municipality or joint authority; initiatives and people belong to its units."""

    TOPIC = "kipina:Organisation"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no organisation with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this organisation, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this organisation at the same moment. Reload it and try again.")

    name: str
    kind: OrganisationKind
    units: dict[str, str]

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:Organisation.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:Organisation.Restored"

    class Registered(Event, Aggregate.Created):
        TOPIC = "kipina:Organisation.Registered"
        name: str
        kind: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.name = self.name
            aggregate.kind = OrganisationKind(self.kind)
            aggregate.units = {}

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Registered

    class UnitAdded(Event):
        TOPIC = "kipina:Organisation.UnitAdded"
        unit_id: UUID
        name: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.units[str(self.unit_id)] = self.name

    class UnitRenamed(Event):
        TOPIC = "kipina:Organisation.UnitRenamed"
        unit_id: UUID
        name: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.units[str(self.unit_id)] = self.name

    class Renamed(Event):
        TOPIC = "kipina:Organisation.Renamed"
        name: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.name = self.name

    class KindChanged(Event):
        TOPIC = "kipina:Organisation.KindChanged"
        kind: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate.kind = OrganisationKind(self.kind)

    @classmethod
    def register(
        cls, *, organisation_id: UUID, actor: UUID, name: str, kind: OrganisationKind
    ) -> Organisation:
        return cls._create(
            cls.Registered,
            id=organisation_id,
            actor=actor,
            occurred_on=None,
            name=required_text("name", name, max_length=NAME_MAX),
            kind=_known_kind(kind).value,
        )

    def rename(self, *, actor: UUID, name: str) -> None:
        """A new name for a registered organisation (a typo, or a merger's new name).
        Renaming to the name it already has records nothing, like an unchanged unit name."""
        cleaned = required_text("name", name, max_length=NAME_MAX)
        if cleaned != self.name:
            self.trigger_event(self.Renamed, actor=actor, occurred_on=None, name=cleaned)

    def change_kind(self, *, actor: UUID, kind: OrganisationKind | str) -> None:
        """Correct the kind; the kind it already has records nothing."""
        known = _known_kind(kind)
        if known is not self.kind:
            self.trigger_event(self.KindChanged, actor=actor, occurred_on=None, kind=known.value)

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Change the name, the kind or both. Every field is checked before anything is
        recorded, so a wrong kind does not leave the new name recorded alone."""
        unknown = [name for name in fields if name not in EDITABLE_FIELDS]
        if unknown:
            raise InvalidField(unknown[0], "{field} is not a field of an organisation.")
        if "name" in fields:
            required_text("name", fields["name"], max_length=NAME_MAX)
        if "kind" in fields:
            _known_kind(fields["kind"])
        if "name" in fields:
            self.rename(actor=actor, name=fields["name"])
        if "kind" in fields:
            self.change_kind(actor=actor, kind=fields["kind"])

    def add_unit(self, *, actor: UUID, unit_id: UUID, name: str) -> None:
        cleaned = required_text("name", name, max_length=NAME_MAX)
        if len(self.units) >= UNITS_MAX:
            raise RuleViolation(
                "{organisation} already has {limit} units, the most it can have.",
                organisation=self.name,
                limit=UNITS_MAX,
            )
        self._refuse_duplicate_name(cleaned, except_unit=None)
        self.trigger_event(self.UnitAdded, actor=actor, occurred_on=None, unit_id=unit_id, name=cleaned)

    def rename_unit(self, *, actor: UUID, unit_id: UUID, name: str) -> None:
        if not self.has_unit(unit_id):
            raise RuleViolation(
                "{organisation} has no unit with id {unit_id}.", organisation=self.name, unit_id=unit_id
            )
        cleaned = required_text("name", name, max_length=NAME_MAX)
        if self.units[str(unit_id)] == cleaned:
            return
        self._refuse_duplicate_name(cleaned, except_unit=unit_id)
        self.trigger_event(self.UnitRenamed, actor=actor, occurred_on=None, unit_id=unit_id, name=cleaned)

    def has_unit(self, unit_id: UUID) -> bool:
        return str(unit_id) in self.units

    def _refuse_duplicate_name(self, name: str, *, except_unit: UUID | None) -> None:
        for existing_id, existing_name in self.units.items():
            if existing_name.casefold() == name.casefold() and existing_id != str(except_unit):
                raise RuleViolation(
                    "{organisation} already has a unit called '{unit}'.",
                    organisation=self.name,
                    unit=existing_name,
                )


def _known_kind(kind: str | None) -> OrganisationKind:
    if kind is None:  # a JSON null: no kind at all, not an unknown one
        raise InvalidField("kind", "{field} is required and cannot be blank.")
    try:
        return OrganisationKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in OrganisationKind)
        raise InvalidField(
            "kind",
            "'{kind}' is not a kind of organisation; use one of: {choices}.",
            kind=kind,
            choices=choices,
        ) from None
