"""Programmes: the initiatives enrolled, the workshops, and each initiative's check-ins."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.check_in import ANY_CHECK_IN, require_replaces
from domain.enrolment import Candidate, enrol_many
from domain.errors import RecordNotFound
from domain.initiative import Initiative
from domain.organisation import Organisation
from domain.programme import Programme


class ProgrammeCommands(CommandPath):
    def create_programme(
        self, ctx: CommandContext, *, fields: dict[str, Any], occurred_on: date | None = None
    ) -> Receipt:
        def build() -> Programme:
            self._check_programme_references(fields)
            return Programme.create(
                programme_id=uuid4(), actor=ctx.actor, occurred_on=occurred_on, fields=fields
            )

        return self._create(ctx, build)

    def edit_programme(self, ctx: CommandContext, programme_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        def edit(programme: Programme) -> None:
            self._check_programme_references(fields)
            programme.edit(actor=ctx.actor, fields=fields)

        return self._change(ctx, Programme, programme_id, edit)

    def enrol_initiative(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        initiative_id: UUID,
        occurred_on: date | None = None,
    ) -> Receipt:
        def enrol(programme: Programme) -> None:
            initiative = self._referenced(Initiative, "initiative_id", initiative_id)
            programme.enrol(
                actor=ctx.actor,
                initiative_id=initiative_id,
                initiative_organisation_id=initiative.organisation_id,
                occurred_on=occurred_on,
            )

        return self._change(ctx, Programme, programme_id, enrol)

    def enrol_initiatives(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        initiative_ids: list[UUID],
        occurred_on: date | None = None,
    ) -> Receipt:
        """Enrol several initiatives in one command, all or none (see `domain.enrolment`)."""

        def enrol(programme: Programme) -> None:
            enrol_many(
                programme,
                actor=ctx.actor,
                candidates=[self._candidate(i) for i in initiative_ids],
                occurred_on=occurred_on,
            )

        return self._change(ctx, Programme, programme_id, enrol)

    def _candidate(self, initiative_id: UUID) -> Candidate:
        try:
            initiative = self._get(Initiative, initiative_id)
        except RecordNotFound:
            return Candidate(initiative_id, None, None)
        return Candidate(initiative_id, initiative.title, initiative.organisation_id)

    def withdraw_initiative(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        initiative_id: UUID,
        reason: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.withdraw(
                actor=ctx.actor, initiative_id=initiative_id, reason=reason, occurred_on=occurred_on
            ),
        )

    def schedule_workshop(
        self,
        ctx: CommandContext,
        programme_id: UUID,
        *,
        workshop_id: UUID,
        day: date,
        title: str,
        kind: str,
        agenda: str = "",
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.schedule_workshop(
                actor=ctx.actor, workshop_id=workshop_id, day=day, title=title, kind=kind, agenda=agenda
            ),
        )

    def reschedule_workshop(
        self, ctx: CommandContext, programme_id: UUID, workshop_id: UUID, *, day: date, reason: str = ""
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.reschedule_workshop(actor=ctx.actor, workshop_id=workshop_id, day=day, reason=reason),
        )

    def hold_workshop(
        self, ctx: CommandContext, programme_id: UUID, workshop_id: UUID, *, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.hold_workshop(actor=ctx.actor, workshop_id=workshop_id, occurred_on=occurred_on),
        )

    def close_programme(
        self, ctx: CommandContext, programme_id: UUID, *, summary: str = "", occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            Programme,
            programme_id,
            lambda p: p.close(actor=ctx.actor, summary=summary, occurred_on=occurred_on),
        )

    def record_check_in(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        check_in_id: UUID,
        programme_id: UUID,
        workshop_id: UUID,
        status: str,
        progress_score: float,
        done: str = "",
        next_steps: str = "",
        help_needed: str = "",
        occurred_on: date | None = None,
        replaces: UUID | object | None = ANY_CHECK_IN,
    ) -> Receipt:
        """Record an initiative's check-in at a workshop. The programme is read from its own
        events (not a read model), so the check is never behind the programme's latest change.
        `replaces`, when given, is the check-in the reporter saw for that workshop (None: none):
        if another was recorded since, the command is refused (`CheckInChangedMeanwhile`)."""

        def check_in(initiative: Initiative) -> None:
            programme = self._referenced(Programme, "programme_id", programme_id)
            programme.require_check_in(initiative_id=initiative_id, workshop_id=workshop_id)
            require_replaces(initiative.check_ins.get(str(workshop_id)), replaces)
            initiative.record_check_in(
                actor=ctx.actor,
                check_in_id=check_in_id,
                programme_id=programme_id,
                workshop_id=workshop_id,
                values=dict(
                    status=status,
                    progress_score=progress_score,
                    done=done,
                    next_steps=next_steps,
                    help_needed=help_needed,
                ),
                occurred_on=occurred_on,
            )

        return self._change(ctx, Initiative, initiative_id, check_in)

    def get_programme(self, programme_id: UUID) -> Programme:
        return self._get(Programme, programme_id)

    def _check_programme_references(self, fields: dict[str, Any]) -> None:
        """A programme's organisations and coordinator must exist."""
        for organisation_id in fields.get("organisation_ids") or []:
            if not isinstance(organisation_id, UUID):
                continue  # the aggregate explains what an organisation id looks like
            self._referenced(Organisation, "organisation_ids", organisation_id)
        if isinstance(fields.get("coordinator_id"), UUID):
            self._check_person("coordinator_id", fields["coordinator_id"])
