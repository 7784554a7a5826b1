"""Change action (Change Day -teko): "I/we will …", pledged in one campaign.

Lifecycle::

    pledged → completed   (a short story of what was done; the pledger gets a handprint)
    pledged → withdrawn   (a reason is optional)

Completed and withdrawn are final: no completion after a withdrawal, no
withdrawal after a completion. An action may be linked as inspired by another
action of the same campaign (not by itself; each link is recorded once).

The pledger is either a person (an id in the people registry) or a team (a
name, e.g. "Kotihoidon tiimi 3"), never both. A pledge belongs to one campaign
for good: `campaign_id` is set when it is pledged and never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField, RuleViolation
from domain.recorded import RecordedEvent
from domain.values import optional_text, past_or_today, required_text

TEXT_MAX = 1000
TEAM_MAX = 200
STORY_MAX = 5000
REASON_MAX = 2000
IMPORT_KEY_MAX = 100


class Status(StrEnum):
    PLEDGED = "pledged"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Category(StrEnum):
    """What an action is about. The labels people see are in the pages' catalogues."""

    PATIENT_EXPERIENCE = "patient_experience"  # patient or customer experience
    WORKING_TOGETHER = "working_together"
    WELLBEING_AT_WORK = "wellbeing_at_work"
    WAYS_OF_WORKING = "ways_of_working"
    ENVIRONMENT = "environment"
    OTHER = "other"


# Words a spreadsheet may use for a category (matched casefolded): the code, and its name in
# English, Finnish and Swedish, so a coordinator's own sheet imports without renaming. The
# pages' labels (present/labels/change_day.py, in every catalogue) are among them: an import's
# refusal offers them (tests/unit/test_pledge_import_words.py).
CATEGORY_NAMES: dict[str, Category] = {
    name.casefold(): category
    for category, names in {
        Category.PATIENT_EXPERIENCE: (
            "patient_experience",
            "patient experience",
            "customer experience",
            "patient/customer experience",
            "patient or customer experience",
            "asiakaskokemus",
            "potilaskokemus",
            "potilas- tai asiakaskokemus",
            "kundupplevelse",
            "patientupplevelse",
            "patient- eller kundupplevelse",
        ),
        Category.WORKING_TOGETHER: (
            "working_together",
            "working together",
            "yhteistyö",
            "yhdessä tekeminen",
            "samarbete",
        ),
        Category.WELLBEING_AT_WORK: (
            "wellbeing_at_work",
            "wellbeing at work",
            "työhyvinvointi",
            "välbefinnande i arbetet",
            "arbetshälsa",
        ),
        Category.WAYS_OF_WORKING: (
            "ways_of_working",
            "ways of working",
            "toimintatavat",
            "työtavat",
            "arbetssätt",
        ),
        Category.ENVIRONMENT: ("environment", "ympäristö", "miljö"),
        Category.OTHER: ("other", "muu", "annat"),
    }.items()
    for name in names
}

FINAL_STATUSES = frozenset({Status.COMPLETED, Status.WITHDRAWN})


# ---- checking a pledge's fields ----------------------------------------------------


def category_of(value: Any) -> Category:
    """A category from its code or one of its names (see CATEGORY_NAMES)."""
    if isinstance(value, str):
        found = CATEGORY_NAMES.get(" ".join(value.split()).casefold())
        if found is not None:
            return found
    choices = ", ".join(c.value for c in Category)
    raise InvalidField(
        "category",
        "'{category}' is not a category of a Change Day action; use one of: {choices}.",
        category=value if value is not None else "",
        choices=choices,
    )


def check_text(fields: dict[str, Any]) -> dict[str, Any]:
    return {"text": required_text("text", fields.get("text"), max_length=TEXT_MAX)}


def check_pledger(fields: dict[str, Any]) -> dict[str, Any]:
    person_id = fields.get("person_id")
    team = optional_text("team", fields.get("team"), max_length=TEAM_MAX)
    if person_id is not None and not isinstance(person_id, UUID):
        raise InvalidField("person_id", "{field} must be a UUID.")
    if person_id is not None and team:
        raise InvalidField(
            "team", "An action is pledged by a person or by a team, not both: give person_id or team."
        )
    if person_id is None and not team:
        raise InvalidField("person_id", "Say who pledges the action: give a person_id or a team name.")
    return {"person_id": person_id, "team": team}


def check_place(fields: dict[str, Any]) -> dict[str, Any]:
    organisation_id = fields.get("organisation_id")
    unit_id = fields.get("unit_id")
    for name, value in (("organisation_id", organisation_id), ("unit_id", unit_id)):
        if value is not None and not isinstance(value, UUID):
            raise InvalidField(name, "{field} must be a UUID.")
    if unit_id is not None and organisation_id is None:
        raise InvalidField("unit_id", "A unit needs its organisation: set organisation_id too.")
    return {"organisation_id": organisation_id, "unit_id": unit_id}


def check_category(fields: dict[str, Any]) -> dict[str, Any]:
    return {"category": category_of(fields.get("category"))}


PLEDGE_CHECKS: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (
    check_text,
    check_pledger,
    check_place,
    check_category,
)
PLEDGE_FIELDS = ("text", "person_id", "team", "organisation_id", "unit_id", "category")


def pledge_errors(fields: dict[str, Any]) -> tuple[dict[str, Any], list[InvalidField]]:
    """Every check of a pledge, each on its own: the cleaned fields and *all* that is wrong
    (an import report lists every reason of a rejected row, not just the first)."""
    unknown = sorted(set(fields) - set(PLEDGE_FIELDS))
    errors = [InvalidField(name, "{field} is not a field of a Change Day action.") for name in unknown]
    cleaned: dict[str, Any] = {}
    for check in PLEDGE_CHECKS:
        try:
            cleaned.update(check(fields))
        except InvalidField as error:
            errors.append(error)
    return cleaned, errors


def clean_pledge(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned, errors = pledge_errors(fields)
    if errors:
        raise errors[0]
    return cleaned


# ---- the aggregate -------------------------------------------------------------------


class ChangeAction(Archivable, Aggregate):
    """One pledged action of a Change Day campaign."""

    TOPIC = "kipina:ChangeAction"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no Change Day action with id {id}.")
    STALE = N_(
        "You changed version {expected_version} of this action, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this action at the same moment. Reload it and try again.")

    campaign_id: UUID
    text: str
    person_id: UUID | None
    team: str
    organisation_id: UUID | None
    unit_id: UUID | None
    category: Category
    import_key: str
    status: Status
    story: str
    withdrawal_reason: str
    inspired_by: list[str]

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:ChangeAction.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:ChangeAction.Restored"

    class Pledged(Event, Aggregate.Created):
        TOPIC = "kipina:ChangeAction.Pledged"
        campaign_id: UUID
        text: str
        person_id: UUID | None
        team: str
        organisation_id: UUID | None
        unit_id: UUID | None
        category: str
        # The row key of a CSV import ("" when pledged one at a time).
        import_key: str

        def apply(self, aggregate: ChangeAction) -> None:
            aggregate.campaign_id = self.campaign_id
            aggregate.text = self.text
            aggregate.person_id = self.person_id
            aggregate.team = self.team
            aggregate.organisation_id = self.organisation_id
            aggregate.unit_id = self.unit_id
            aggregate.category = Category(self.category)
            aggregate.import_key = self.import_key
            aggregate.status = Status.PLEDGED
            aggregate.story = ""
            aggregate.withdrawal_reason = ""
            aggregate.inspired_by = []

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Pledged

    class Completed(Event):
        """Done, with a short story of what happened: the pledger gets a handprint badge."""

        TOPIC = "kipina:ChangeAction.Completed"
        story: str

        def apply(self, aggregate: ChangeAction) -> None:
            aggregate.status = Status.COMPLETED
            aggregate.story = self.story

    class Withdrawn(Event):
        TOPIC = "kipina:ChangeAction.Withdrawn"
        reason: str

        def apply(self, aggregate: ChangeAction) -> None:
            aggregate.status = Status.WITHDRAWN
            aggregate.withdrawal_reason = self.reason

    class InspiredBy(Event):
        TOPIC = "kipina:ChangeAction.InspiredBy"
        action_id: UUID

        def apply(self, aggregate: ChangeAction) -> None:
            aggregate.inspired_by.append(str(self.action_id))

    # ---- commands -----------------------------------------------------------

    @classmethod
    def pledge(
        cls,
        *,
        action_id: UUID,
        actor: UUID,
        campaign_id: UUID,
        fields: dict[str, Any],
        import_key: str = "",
    ) -> ChangeAction:
        cleaned = clean_pledge(fields)
        return cls._create(
            cls.Pledged,
            id=action_id,
            actor=actor,
            occurred_on=None,
            campaign_id=campaign_id,
            text=cleaned["text"],
            person_id=cleaned["person_id"],
            team=cleaned["team"],
            organisation_id=cleaned["organisation_id"],
            unit_id=cleaned["unit_id"],
            category=cleaned["category"].value,
            import_key=optional_text("import_key", import_key, max_length=IMPORT_KEY_MAX),
        )

    def complete(self, *, actor: UUID, story: str, occurred_on: date | None = None) -> None:
        if self.status is Status.WITHDRAWN:
            raise RuleViolation("Cannot complete this action: it was withdrawn.")
        if self.status is Status.COMPLETED:
            raise RuleViolation("This action is already completed; its handprint was awarded then.")
        cleaned = required_text("story", story, max_length=STORY_MAX)
        self.trigger_event(
            self.Completed,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            story=cleaned,
        )

    def withdraw(self, *, actor: UUID, reason: str = "") -> None:
        if self.status is Status.COMPLETED:
            raise RuleViolation("Cannot withdraw this action: it is already completed.")
        if self.status is Status.WITHDRAWN:
            raise RuleViolation("This action is already withdrawn.")
        cleaned = optional_text("reason", reason, max_length=REASON_MAX)
        self.trigger_event(self.Withdrawn, actor=actor, occurred_on=None, reason=cleaned)

    def link_inspiration(self, *, actor: UUID, source_id: UUID, source_campaign_id: UUID) -> None:
        """Record that `source_id` (an action of `source_campaign_id`) inspired this one.
        A link that is already there is not recorded again."""
        if source_id == self.id:
            raise InvalidField("action_id", "An action cannot be inspired by itself.")
        if source_campaign_id != self.campaign_id:
            raise InvalidField(
                "action_id", "The inspiring action belongs to another campaign; link actions of one campaign."
            )
        if self.status is Status.WITHDRAWN:
            raise RuleViolation("Cannot link a withdrawn action to the action that inspired it.")
        if str(source_id) in self.inspired_by:
            return
        self.trigger_event(self.InspiredBy, actor=actor, occurred_on=None, action_id=source_id)

    @property
    def has_handprint(self) -> bool:
        return self.status is Status.COMPLETED
