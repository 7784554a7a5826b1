"""Measures of an initiative, their values by period and their annotations.

A measure can be defined and its values recorded whatever the initiative's lifecycle
status: measuring goes on after an initiative is completed or spread (the yearly
follow-up asks exactly which completed initiatives are still measured), and a
discontinued initiative's numbers may still arrive late.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.experiment import Experiment
from domain.initiative import Initiative
from domain.measure import Measure


class MeasureCommands(CommandPath):
    def define_measure(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        occurred_on: date | None = None,
    ) -> Receipt:
        """Define a measure under an initiative that exists (in any lifecycle status)."""

        def build() -> Measure:
            initiative = self._get(Initiative, initiative_id)
            return Measure.define(
                measure_id=uuid4(),
                initiative_id=initiative.id,
                actor=ctx.actor,
                occurred_on=occurred_on,
                fields=fields,
            )

        return self._create(ctx, build)

    def edit_measure(self, ctx: CommandContext, measure_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        return self._change(ctx, Measure, measure_id, lambda m: m.edit(actor=ctx.actor, fields=fields))

    def record_measure_value(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        value_id: UUID,
        period: str | date,
        value: Any,
        note: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        """A value for one period; a second value for the same period is refused (409)."""
        return self._change(
            ctx,
            Measure,
            measure_id,
            lambda m: m.record_value(
                actor=ctx.actor,
                value_id=value_id,
                period=period,
                value=value,
                note=note,
                occurred_on=occurred_on,
            ),
        )

    def record_measure_values(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        values: list[dict[str, Any]],
        occurred_on: date | None = None,
    ) -> Receipt:
        """Several periods' values in one save (a pasted series; each {period, value, note}):
        all are recorded, or none when one is refused."""
        listed = [(uuid4(), v["period"], v["value"], v.get("note", "")) for v in values]
        return self._change(
            ctx,
            Measure,
            measure_id,
            lambda m: m.record_values(actor=ctx.actor, values=listed, occurred_on=occurred_on),
        )

    def correct_measure_value(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        value_id: UUID,
        value: Any,
        note: str | None = None,
        reason: str = "",
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Measure,
            measure_id,
            lambda m: m.correct_value(
                actor=ctx.actor,
                value_id=value_id,
                value=value,
                note=note,
                reason=reason,
                occurred_on=occurred_on,
            ),
        )

    def annotate_measure(
        self,
        ctx: CommandContext,
        measure_id: UUID,
        *,
        annotation_id: UUID,
        day: date,
        text: str,
        experiment_id: UUID | None = None,
        occurred_on: date | None = None,
    ) -> Receipt:
        """A change point; a linked experiment must exist and belong to the same initiative."""

        def annotate(measure: Measure) -> None:
            experiment = None
            if experiment_id is not None:
                experiment = self._referenced(Experiment, "experiment_id", experiment_id)
            measure.annotate(
                actor=ctx.actor,
                annotation_id=annotation_id,
                day=day,
                text=text,
                experiment=experiment,
                occurred_on=occurred_on,
            )

        return self._change(ctx, Measure, measure_id, annotate)

    def get_measure(self, measure_id: UUID) -> Measure:
        return self._get(Measure, measure_id)
