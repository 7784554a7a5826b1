"""Organisations and their units."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.organisation import Organisation, OrganisationKind


class OrganisationCommands(CommandPath):
    def register_organisation(self, ctx: CommandContext, *, name: str, kind: OrganisationKind) -> Receipt:
        return self._create(
            ctx,
            lambda: Organisation.register(organisation_id=uuid4(), actor=ctx.actor, name=name, kind=kind),
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
