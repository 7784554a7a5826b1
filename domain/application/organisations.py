"""Organisations and their units."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.organisation import Organisation, OrganisationKind


class OrganisationCommands(CommandPath):
    def register_organisation(self, ctx: CommandContext, *, name: str, kind: OrganisationKind) -> Receipt:
        return self._create(
            ctx,
            lambda: Organisation.register(organisation_id=uuid4(), actor=ctx.actor, name=name, kind=kind),
        )

    def edit_organisation(
        self, ctx: CommandContext, organisation_id: UUID, *, fields: dict[str, Any]
    ) -> Receipt:
        """Correct the name and/or the kind; the history keeps what they were."""
        return self._change(
            ctx,
            Organisation,
            organisation_id,
            lambda org: org.edit(actor=ctx.actor, fields=fields),
        )

    def add_unit(self, ctx: CommandContext, organisation_id: UUID, *, name: str) -> Receipt:
        unit_id = uuid4()
        return self._change(
            ctx,
            Organisation,
            organisation_id,
            lambda org: org.add_unit(actor=ctx.actor, unit_id=unit_id, name=name),
        )

    def rename_unit(self, ctx: CommandContext, organisation_id: UUID, unit_id: UUID, *, name: str) -> Receipt:
        return self._change(
            ctx,
            Organisation,
            organisation_id,
            lambda org: org.rename_unit(actor=ctx.actor, unit_id=unit_id, name=name),
        )

    def get_organisation(self, organisation_id: UUID) -> Organisation:
        return self._get(Organisation, organisation_id)
