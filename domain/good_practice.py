"""Good practice (hyvä käytäntö, toimintamalli): recorded work written up so that other
municipalities can adopt it, in the fields of Finland's Innokylä operating-model template.

Oulunkaari published "Kehittäminen kuuluu kaikille" in Innokylä this way; the 3W
programme's closing seminar "Hyvät käytännöt jakoon" shared its projects' practices.

A practice is drafted from an initiative (pre-filled from what the initiative holds, see
`good_practice_prefill.py`) and then edited by a person. The fields being edited are the
*working copy*; nothing of it is public. Publishing checks that every required field is
filled and records version n: a snapshot of the working copy, together with the source
initiative's version and the log position it was based on. Publishing again after edits
records a revision (version n+1); older versions stay readable. Retracting (with a
reason) takes the practice out of the public catalogue; it can be published again later,
as a new version.

Internal notes belong to the working copy only: they are never part of a published
version, so no public read or export can show them.

Lifecycle::

    draft ──publish──▶ published ──retract──▶ retracted
                       ▲    │ publish (revision)    │
                       └────┘◀──────publish─────────┘
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField, InvalidFields, RuleViolation
from domain.recorded import RecordedEvent
from domain.values import optional_text, required_text, tag_list


class Phase(StrEnum):
    """Innokylä's development phase (kehittämisen vaihe)."""

    IDEA = "idea"
    BEING_DEVELOPED = "being_developed"
    READY = "ready"
    SPREAD = "spread"


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETRACTED = "retracted"


NAME_MAX = 200
SHORT_MAX = 1000
LINE_MAX = 500
TEXT_MAX = 20_000
TAGS_MAX = 20
TAG_MAX = 100

# The Innokylä fields, in the template's order, and their kinds.
SHORT_TEXT_FIELDS = {"name": NAME_MAX, "where_implemented": LINE_MAX, "region": LINE_MAX, "funder": LINE_MAX}
LONG_TEXT_FIELDS = {
    "short_description": SHORT_MAX,
    "basic_idea": TEXT_MAX,
    "operating_environment": TEXT_MAX,
    "target_group_and_customer_understanding": TEXT_MAX,
    "conditions_for_adoption": TEXT_MAX,
    "evaluation_results": TEXT_MAX,
    "tips_for_adopters": TEXT_MAX,
}
TAG_FIELDS = ("topics", "phenomena", "target_groups")
PUBLIC_FIELDS = (
    "name",
    "short_description",
    "where_implemented",
    "region",
    "funder",
    "basic_idea",
    "operating_environment",
    "target_group_and_customer_understanding",
    "conditions_for_adoption",
    "evaluation_results",
    "tips_for_adopters",
    "development_phase",
    "topics",
    "phenomena",
    "target_groups",
)
# Never published, never exported: the team's own notes on the write-up.
INTERNAL_FIELDS = ("internal_notes",)
EDITABLE_FIELDS = PUBLIC_FIELDS + INTERNAL_FIELDS
# Innokylä marks these as required (**), plus what a reader needs to find the practice.
REQUIRED_TO_PUBLISH = (
    "name",
    "short_description",
    "where_implemented",
    "basic_idea",
    "operating_environment",
    "target_group_and_customer_understanding",
    "conditions_for_adoption",
    "evaluation_results",
    "tips_for_adopters",
    "development_phase",
)


def empty_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {name: "" for name in EDITABLE_FIELDS}
    fields.update({name: [] for name in TAG_FIELDS})
    fields["development_phase"] = Phase.IDEA.value
    return fields


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate fields of a practice; returns the cleaned values. Unknown keys are refused.
    Blank is allowed while drafting: publishing is what needs the required fields."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            cleaned[name] = required_text(name, _text(name, value), max_length=NAME_MAX)
        elif name in SHORT_TEXT_FIELDS:
            cleaned[name] = optional_text(name, _text(name, value), max_length=SHORT_TEXT_FIELDS[name])
        elif name in LONG_TEXT_FIELDS:
            cleaned[name] = optional_text(name, _text(name, value), max_length=LONG_TEXT_FIELDS[name])
        elif name == "internal_notes":
            cleaned[name] = optional_text(name, _text(name, value), max_length=TEXT_MAX)
        elif name in TAG_FIELDS:
            cleaned[name] = _tags(name, value)
        elif name == "development_phase":
            cleaned[name] = _phase(value)
        else:
            raise InvalidField(name, "{field} is not a field of a good practice.")
    return cleaned


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidField(name, "{field} must be text.")
    return value


def _tags(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidField(name, "{field} must be a list of words or short phrases.")
    return tag_list(name, value, max_items=TAGS_MAX, max_length=TAG_MAX)


def _phase(value: Any) -> str:
    try:
        return Phase(value).value
    except ValueError:
        raise InvalidField(
            "development_phase", "{field} must be idea, being_developed, ready or spread."
        ) from None


def missing_for_publishing(fields: dict[str, Any]) -> list[str]:
    """The required fields that are still blank, in the template's order."""
    return [name for name in REQUIRED_TO_PUBLISH if not fields.get(name)]


def public_part(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields a published version holds: the Innokylä fields, never internal notes."""
    return {name: fields[name] for name in PUBLIC_FIELDS}


class GoodPractice(Archivable, Aggregate):
    """A good practice: its working copy and its published versions."""

    TOPIC = "kipina:GoodPractice"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no good practice with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this good practice, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this good practice at the same moment. Reload it and try again.")

    initiative_id: UUID
    organisation_id: UUID | None
    unit_id: UUID | None
    fields: dict[str, Any]
    status: Status
    published_version: int  # the newest version number; 0 before the first publish
    published_fields: dict[str, Any]  # the newest version's fields ({} before)
    published_source_version: int  # the initiative version the newest version was based on
    retracted_reason: str

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:GoodPractice.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:GoodPractice.Restored"

    class Drafted(Event, Aggregate.Created):
        """Drafted from an initiative at `source_version`, with pre-filled `fields`."""

        TOPIC = "kipina:GoodPractice.Drafted"
        initiative_id: UUID
        organisation_id: UUID | None
        unit_id: UUID | None
        source_version: int
        fields: dict[str, Any]

        def apply(self, aggregate: GoodPractice) -> None:
            aggregate.initiative_id = self.initiative_id
            aggregate.organisation_id = self.organisation_id
            aggregate.unit_id = self.unit_id
            aggregate.fields = {**empty_fields(), **self.fields}
            aggregate.status = Status.DRAFT
            aggregate.published_version = 0
            aggregate.published_fields = {}
            aggregate.published_source_version = 0
            aggregate.retracted_reason = ""

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Drafted

    class Edited(Event):
        """Working-copy changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:GoodPractice.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: GoodPractice) -> None:
            aggregate.fields = {**aggregate.fields, **self.changes}

    class Published(Event):
        """Version `version`: a snapshot of the public fields, based on the source initiative
        at `source_version`, read with the log at `source_position` (its last position then)."""

        TOPIC = "kipina:GoodPractice.Published"
        version: int
        fields: dict[str, Any]
        initiative_id: UUID
        source_version: int
        source_position: int

        def apply(self, aggregate: GoodPractice) -> None:
            aggregate.status = Status.PUBLISHED
            aggregate.published_version = self.version
            aggregate.published_fields = dict(self.fields)
            aggregate.published_source_version = self.source_version
            aggregate.retracted_reason = ""

    class Revised(Published):
        """A later version (n ≥ 2); same shape as the first."""

        TOPIC = "kipina:GoodPractice.Revised"

    class Retracted(Event):
        TOPIC = "kipina:GoodPractice.Retracted"
        version: int
        reason: str

        def apply(self, aggregate: GoodPractice) -> None:
            aggregate.status = Status.RETRACTED
            aggregate.retracted_reason = self.reason

    # ---- commands -----------------------------------------------------------

    @classmethod
    def draft(
        cls,
        *,
        practice_id: UUID,
        actor: UUID,
        initiative_id: UUID,
        organisation_id: UUID | None,
        unit_id: UUID | None,
        source_version: int,
        fields: dict[str, Any],
    ) -> GoodPractice:
        """`fields` are the pre-filled values, possibly overridden by the person drafting."""
        cleaned = clean_fields(fields)
        if "name" not in cleaned:
            raise InvalidField("name", "{field} is required and cannot be blank.")
        return cls._create(
            cls.Drafted,
            id=practice_id,
            actor=actor,
            occurred_on=None,
            initiative_id=initiative_id,
            organisation_id=organisation_id,
            unit_id=unit_id,
            source_version=source_version,
            fields=cleaned,
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing.
        Editing a published practice changes only the working copy: the public sees the
        published version until the next publish."""
        cleaned = clean_fields(fields)
        changes = {name: value for name, value in cleaned.items() if self.fields.get(name) != value}
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)

    def publish(self, *, actor: UUID, source_version: int, source_position: int) -> int:
        """Publish the working copy as the next version; returns its number."""
        missing = missing_for_publishing(self.fields)
        if missing:
            raise InvalidFields(
                [
                    InvalidField(name, "{field} is required before the good practice can be published.")
                    for name in missing
                ]
            )
        public = public_part(self.fields)
        if (
            self.status is Status.PUBLISHED
            and public == self.published_fields
            and source_version == self.published_source_version
        ):
            raise RuleViolation(
                "Version {version} already holds exactly this text and the same state of the "
                "initiative; edit the practice before publishing a new version.",
                version=self.published_version,
            )
        version = self.published_version + 1
        event_class = self.Published if version == 1 else self.Revised
        self.trigger_event(
            event_class,
            actor=actor,
            occurred_on=None,
            version=version,
            fields=public,
            initiative_id=self.initiative_id,
            source_version=source_version,
            source_position=source_position,
        )
        return version

    def retract(self, *, actor: UUID, reason: str) -> None:
        if self.status is Status.DRAFT:
            raise RuleViolation("This good practice has not been published, so there is nothing to retract.")
        if self.status is Status.RETRACTED:
            raise RuleViolation("This good practice is already retracted.")
        self.trigger_event(
            self.Retracted,
            actor=actor,
            occurred_on=None,
            version=self.published_version,
            reason=required_text("reason", reason, max_length=TEXT_MAX),
        )

    @property
    def has_unpublished_changes(self) -> bool:
        return public_part(self.fields) != self.published_fields
