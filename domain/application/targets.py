"""Development targets (KS steps 5–6), and the records linked to them.

A link is recorded on both sides in one save: the target's `Linked` and the initiative's
`LinkedToTarget` (or the placement's `TargetLinked`), so each history is complete and a
concurrent change to either conflicts on its version (409) instead of half-applying.
Change Day actions have no target field of their own: their links live on the target.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.application.core import CommandContext, Receipt
from domain.application.links import CrossOrganisationLinks
from domain.change_action import ChangeAction
from domain.development_target import DevelopmentTarget, RecordType, clean_record_type
from domain.initiative import Initiative
from domain.organisation import Organisation
from domain.rotation import RotationPlacement

# The kind of record each link type names.
_LINKABLE: dict[str, type[Aggregate]] = {
    RecordType.INITIATIVE: Initiative,
    RecordType.ROTATION: RotationPlacement,
    RecordType.CHANGE_ACTION: ChangeAction,
}


class TargetCommands(CrossOrganisationLinks):
    def define_target(
        self, ctx: CommandContext, *, fields: dict[str, Any], occurred_on: date | None = None
    ) -> Receipt:
        def build() -> DevelopmentTarget:
            self._check_target_references(fields)
            return DevelopmentTarget.define(
                target_id=uuid4(), actor=ctx.actor, occurred_on=occurred_on, fields=fields
            )

        return self._create(ctx, build)

    def edit_target(self, ctx: CommandContext, target_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        def edit(target: DevelopmentTarget) -> None:
            target.edit(actor=ctx.actor, fields=fields)
            self._check_target_references(fields)

        return self._change(ctx, DevelopmentTarget, target_id, edit)

    def link_to_target(
        self,
        ctx: CommandContext,
        target_id: UUID,
        *,
        record_type: str,
        record_id: UUID,
        cross_organisation: bool = False,
    ) -> Receipt:
        """Link an initiative, rotation placement or Change Day action that exists (422 if not).
        A record of another organisation than the target's only with `cross_organisation`."""

        def link(target: DevelopmentTarget) -> list[Aggregate]:
            kind = clean_record_type(record_type)
            linked = self._linkable(kind, record_id)
            crossing = self._crossing(
                what="target",
                title=target.title,
                organisation_id=target.organisation_id,
                record_organisations=organisations_of(linked),
                confirmed=cross_organisation,
            )
            target.link(actor=ctx.actor, record_type=kind, record_id=record_id, cross_organisation=crossing)
            if isinstance(linked, Initiative):
                linked.link_to_target(actor=ctx.actor, target_id=target.id, cross_organisation=crossing)
                return [linked]
            if isinstance(linked, RotationPlacement):
                linked.link_target(actor=ctx.actor, target_id=target.id, cross_organisation=crossing)
                return [linked]
            return []

        return self._change(ctx, DevelopmentTarget, target_id, link)

    def unlink_from_target(
        self, ctx: CommandContext, target_id: UUID, *, record_id: UUID, reason: str = ""
    ) -> Receipt:
        def unlink(target: DevelopmentTarget) -> list[Aggregate]:
            kind = target.unlink(actor=ctx.actor, record_id=record_id, reason=reason)
            if kind == RecordType.INITIATIVE:
                initiative = self._get(Initiative, record_id)
                initiative.unlink_from_target(actor=ctx.actor, target_id=target.id)
                return [initiative]
            if kind == RecordType.ROTATION:
                placement = self._get(RotationPlacement, record_id)
                if placement.target_id == target.id:
                    placement.unlink_target(actor=ctx.actor)
                    return [placement]
            return []

        return self._change(ctx, DevelopmentTarget, target_id, unlink)

    def review_target(
        self,
        ctx: CommandContext,
        target_id: UUID,
        *,
        review_id: UUID,
        year: Any,
        status: str,
        decision: str,
        what_changed: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            DevelopmentTarget,
            target_id,
            lambda t: t.review(
                actor=ctx.actor,
                review_id=review_id,
                year=year,
                status=status,
                what_changed=what_changed,
                decision=decision,
                occurred_on=occurred_on,
            ),
        )

    def retire_target(
        self, ctx: CommandContext, target_id: UUID, *, reason: str, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            DevelopmentTarget,
            target_id,
            lambda t: t.retire(actor=ctx.actor, reason=reason, occurred_on=occurred_on),
        )

    def get_target(self, target_id: UUID) -> DevelopmentTarget:
        return self._get(DevelopmentTarget, target_id)

    def _linkable(self, record_type: str, record_id: UUID) -> Aggregate:
        """The record a link names; an unknown id is an invalid field (422), not a missing path."""
        return self._referenced(_LINKABLE.get(record_type, ChangeAction), "record_id", record_id)

    def _check_target_references(self, fields: dict[str, Any]) -> None:
        """A target's organisation, when it names one, must exist."""
        organisation_id = fields.get("organisation_id")
        if isinstance(organisation_id, UUID):
            self._referenced(Organisation, "organisation_id", organisation_id)


def organisations_of(record: Aggregate) -> list[UUID | None]:
    """The organisations a linkable record belongs to: a placement to its home and its host."""
    if isinstance(record, RotationPlacement):
        return [record.home_organisation_id, record.host_organisation_id]
    return [getattr(record, "organisation_id", None)]
