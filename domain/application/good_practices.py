"""Good practices drafted from an initiative, published in versions.

The pre-fill is computed by the caller from the read models (experiments and evaluations
of the initiative live in other records); the initiative itself is loaded here so a
missing one is refused and the draft names the version it was drafted from.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.good_practice import GoodPractice
from domain.initiative import Initiative


class GoodPracticeCommands(CommandPath):
    def draft_good_practice(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        prefilled: dict[str, Any],
        overrides: dict[str, Any],
    ) -> Receipt:
        """Draft a practice from an initiative: the pre-filled fields, then the person's own values."""

        def build() -> GoodPractice:
            initiative = self._get(Initiative, initiative_id)
            return GoodPractice.draft(
                practice_id=uuid4(),
                actor=ctx.actor,
                initiative_id=initiative.id,
                organisation_id=initiative.organisation_id,
                unit_id=initiative.unit_id,
                source_version=initiative.version,
                fields={**prefilled, **overrides},
            )

        return self._create(ctx, build)

    def edit_good_practice(
        self, ctx: CommandContext, practice_id: UUID, *, fields: dict[str, Any]
    ) -> Receipt:
        return self._change(ctx, GoodPractice, practice_id, lambda p: p.edit(actor=ctx.actor, fields=fields))

    def publish_good_practice(self, ctx: CommandContext, practice_id: UUID) -> Receipt:
        """Publish the working copy as version n+1, based on the initiative as it is now: its
        version, and the log's last position (everything recorded about it so far)."""

        def publish(practice: GoodPractice) -> None:
            initiative = self._get(Initiative, practice.initiative_id)
            position = self.recorder.max_notification_id() or 0
            practice.publish(actor=ctx.actor, source_version=initiative.version, source_position=position)

        return self._change(ctx, GoodPractice, practice_id, publish)

    def retract_good_practice(self, ctx: CommandContext, practice_id: UUID, *, reason: str) -> Receipt:
        return self._change(
            ctx, GoodPractice, practice_id, lambda p: p.retract(actor=ctx.actor, reason=reason)
        )

    def get_good_practice(self, practice_id: UUID) -> GoodPractice:
        return self._get(GoodPractice, practice_id)
