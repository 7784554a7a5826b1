"""Initiatives: their goals, team, notes and evaluations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.errors import ConcurrentChange
from domain.initiative import GOALS_MAX, TEAM_MAX, Initiative
from domain.values import at_most


@dataclass(frozen=True)
class ImportedInitiatives:
    """What `import_initiatives` recorded: the new initiatives' ids and their log positions."""

    recorded: list[UUID]
    positions: list[int]


# An imported initiative: its id, fields, the moves that lead to its status and the day
# its work began (the proposal and the moves up to "start" are dated then).
ImportedRow = tuple[UUID, dict[str, Any], Sequence[str], date | None]


class InitiativeCommands(CommandPath):
    def propose_initiative(
        self,
        ctx: CommandContext,
        *,
        fields: dict[str, Any],
        occurred_on: date | None = None,
        goals: Sequence[str] = (),
        team: Sequence[tuple[UUID, str]] = (),
    ) -> Receipt:
        """Propose an initiative; its first goals and team members are saved with it, atomically."""

        def build() -> Initiative:
            # Counted before anything is built: a request with 4,000 goals is refused whole.
            at_most("goals", goals, max_items=GOALS_MAX)
            at_most("team", team, max_items=TEAM_MAX)
            self._check_references(fields)
            initiative = Initiative.propose(
                initiative_id=uuid4(),
                actor=ctx.actor,
                occurred_on=occurred_on,
                fields=fields,
            )
            for text in goals:
                initiative.set_goal(actor=ctx.actor, goal_id=uuid4(), text=text)
            for person_id, role in team:
                self._check_person("team", person_id)
                initiative.add_team_member(actor=ctx.actor, person_id=person_id, role=role)
            return initiative

        return self._create(ctx, build)

    def import_initiatives(self, actor: UUID, rows: Sequence[ImportedRow]) -> ImportedInitiatives:
        """Record a batch of imported initiatives in one save, each proposed and moved to its
        status (the moves after "start" are dated today). Every row is checked before any is
        saved. Ids already in the store are skipped, so a row imported twice is recorded once
        (and the store's unique (id, version) constraint catches a concurrent import of the
        same file)."""
        new = [row for row in rows if row[0] not in self.repository]
        if not new:
            return ImportedInitiatives([], [])
        initiatives = []
        for initiative_id, fields, moves, started_on in new:
            self._check_references(fields)
            if isinstance(fields.get("owner_id"), UUID):
                self._check_person("owner_id", fields["owner_id"])
            initiative = Initiative.propose(
                initiative_id=initiative_id, actor=actor, occurred_on=started_on, fields=fields
            )
            begun = False
            for verb in moves:
                initiative.move(verb, actor=actor, occurred_on=None if begun else started_on)
                begun = begun or verb == "start"
            initiatives.append(initiative)
        for _ in range(3):
            try:
                recordings = self.save(*initiatives)
            except IntegrityError:
                # Someone recorded some of them meanwhile: leave those out and try again.
                initiatives = [i for i in initiatives if i.id not in self.repository]
                continue
            return ImportedInitiatives([i.id for i in initiatives], [r.notification.id for r in recordings])
        raise ConcurrentChange(
            "Someone else imported the same initiatives at the same moment. Import the file again."
        )

    def edit_initiative(self, ctx: CommandContext, initiative_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        def edit(initiative: Initiative) -> None:
            merged = {
                "organisation_id": initiative.organisation_id,
                "unit_id": initiative.unit_id,
                **fields,
            }
            self._check_references(merged)
            initiative.edit(actor=ctx.actor, fields=fields)

        return self._change(ctx, Initiative, initiative_id, edit)

    def move_initiative(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        verb: str,
        *,
        occurred_on: date | None = None,
        reason: str = "",
        lessons: str = "",
    ) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.move(
                verb,
                actor=ctx.actor,
                occurred_on=occurred_on,
                reason=reason,
                lessons=lessons,
            ),
        )

    def set_goal(self, ctx: CommandContext, initiative_id: UUID, *, text: str) -> Receipt:
        goal_id = uuid4()
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.set_goal(actor=ctx.actor, goal_id=goal_id, text=text),
        )

    def reword_goal(self, ctx: CommandContext, initiative_id: UUID, goal_id: UUID, *, text: str) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.reword_goal(actor=ctx.actor, goal_id=goal_id, text=text),
        )

    def remove_goal(self, ctx: CommandContext, initiative_id: UUID, goal_id: UUID) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.remove_goal(actor=ctx.actor, goal_id=goal_id),
        )

    def add_team_member(
        self, ctx: CommandContext, initiative_id: UUID, *, person_id: UUID, role: str = ""
    ) -> Receipt:
        def add(initiative: Initiative) -> None:
            self._check_person("person_id", person_id)
            initiative.add_team_member(actor=ctx.actor, person_id=person_id, role=role)

        return self._change(ctx, Initiative, initiative_id, add)

    def remove_team_member(self, ctx: CommandContext, initiative_id: UUID, person_id: UUID) -> Receipt:
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.remove_team_member(actor=ctx.actor, person_id=person_id),
        )

    def add_note(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        text: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        note_id = uuid4()
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.add_note(
                actor=ctx.actor,
                note_id=note_id,
                text=text,
                occurred_on=occurred_on,
            ),
        )

    # ---- evaluations (KS step 7): recorded on the initiative --------------------------

    def record_evaluation(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        evaluation_id: UUID | None = None,
    ) -> Receipt:
        """Record an evaluation of an initiative (see `Initiative.record_evaluation` for when).
        `evaluation_id` comes from `new_id` so a retried request names the same evaluation."""
        new_id = evaluation_id or uuid4()
        return self._change(
            ctx,
            Initiative,
            initiative_id,
            lambda i: i.record_evaluation(actor=ctx.actor, evaluation_id=new_id, values=fields),
        )

    def get_initiative(self, initiative_id: UUID) -> Initiative:
        return self._get(Initiative, initiative_id)
