"""Archiving: a record made by mistake, or no longer wanted, leaves the lists without being
deleted.

Archiving is an event like any other (`Archived`, with a reason), and so is restoring
(`Restored`, a reason optional): the record, its history and whatever links to it stay, the
lists hide it unless asked, and its own page still answers and says it is archived.

The rule: an archived record refuses every other command ("This record is archived; restore
it first."), so nothing changes a record that nobody sees in the lists. Commands on *other*
records that name it (an experiment of an archived initiative, a pledge in an archived
campaign) are not refused: archiving hides a record, it does not cut what was linked to it.

Every kind of record a person creates is `Archivable`: the aggregate lists the mixin first
among its bases and names its two events with explicit topics:

    class Initiative(Archivable, Aggregate):
        class Archived(RecordArchived):
            TOPIC = "kipina:Initiative.Archived"

        class Restored(RecordRestored):
            TOPIC = "kipina:Initiative.Restored"
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from domain.errors import RuleViolation
from domain.recorded import RecordedEvent
from domain.values import optional_text, required_text

REASON_MAX = 1000


class RecordArchived(RecordedEvent):
    """Base of every kind's `Archived` event."""

    reason: str

    def apply(self, aggregate: Any) -> None:
        aggregate.archived = True
        aggregate.archived_reason = self.reason


class RecordRestored(RecordedEvent):
    """Base of every kind's `Restored` event; the reason may be empty."""

    reason: str

    def apply(self, aggregate: Any) -> None:
        aggregate.archived = False
        aggregate.archived_reason = ""


ArchiveEvent = RecordArchived | RecordRestored


class Archivable:
    """The archive and restore commands, and the guard that makes an archived record refuse
    every other command. State defaults live on the class, so records recorded before
    archiving existed replay as live ones."""

    archived: bool = False
    archived_reason: str = ""

    Archived: ClassVar[type[RecordArchived]]
    Restored: ClassVar[type[RecordRestored]]

    def archive(self, *, actor: UUID, reason: str | None) -> None:
        if self.archived:
            raise RuleViolation("This record is already archived.")
        cleaned = required_text("reason", reason, max_length=REASON_MAX)
        self.trigger_event(self.Archived, actor=actor, occurred_on=None, reason=cleaned)

    def restore(self, *, actor: UUID, reason: str | None = None) -> None:
        if not self.archived:
            raise RuleViolation("This record is not archived, so there is nothing to restore.")
        cleaned = optional_text("reason", reason, max_length=REASON_MAX)
        self.trigger_event(self.Restored, actor=actor, occurred_on=None, reason=cleaned)

    def refuse_if_archived(self) -> None:
        if self.archived:
            raise RuleViolation("This record is archived; restore it first.")

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Every command ends here: on an archived record, only restoring gets through."""
        if not issubclass(event_class, RecordRestored):
            self.refuse_if_archived()
        super().trigger_event(event_class, **kwargs)  # type: ignore[misc]
