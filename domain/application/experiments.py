"""Experiments (PDSA cycles) under an initiative."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.experiment import Experiment
from domain.initiative import Initiative


class ExperimentCommands(CommandPath):
    def plan_experiment(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        occurred_on: date | None = None,
    ) -> Receipt:
        """Plan an experiment under an initiative that exists and is not closed."""

        def build() -> Experiment:
            initiative = self._get(Initiative, initiative_id)
            return Experiment.plan(
                experiment_id=uuid4(),
                initiative=initiative,
                actor=ctx.actor,
                occurred_on=occurred_on,
                fields=fields,
            )

        return self._create(ctx, build)

    def log_done_experiment(
        self,
        ctx: CommandContext,
        initiative_id: UUID,
        *,
        fields: dict[str, Any],
        started_on: date | None = None,
        ended_on: date | None = None,
        result: str,
        learning: str,
        decision: str,
        rationale: str = "",
    ) -> Receipt:
        """An experiment that already ran, in one command: planned, started, studied and
        decided in one save; a refusal of any part records nothing."""

        def build() -> Experiment:
            initiative = self._get(Initiative, initiative_id)
            return Experiment.log_done(
                experiment_id=uuid4(),
                initiative=initiative,
                actor=ctx.actor,
                fields=fields,
                started_on=started_on,
                ended_on=ended_on,
                result=result,
                learning=learning,
                decision=decision,
                rationale=rationale,
            )

        return self._create(ctx, build)

    def edit_experiment(self, ctx: CommandContext, experiment_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        return self._change(ctx, Experiment, experiment_id, lambda e: e.edit(actor=ctx.actor, fields=fields))

    def start_experiment(
        self, ctx: CommandContext, experiment_id: UUID, *, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx, Experiment, experiment_id, lambda e: e.start(actor=ctx.actor, occurred_on=occurred_on)
        )

    def record_observation(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        text: str,
        values: Sequence[dict[str, Any]] = (),
        occurred_on: date | None = None,
    ) -> Receipt:
        observation_id = uuid4()
        return self._change(
            ctx,
            Experiment,
            experiment_id,
            lambda e: e.record_observation(
                actor=ctx.actor,
                observation_id=observation_id,
                text=text,
                values=list(values),
                occurred_on=occurred_on,
            ),
        )

    def study_experiment(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        result: str,
        learning: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Experiment,
            experiment_id,
            lambda e: e.study(actor=ctx.actor, result=result, learning=learning, occurred_on=occurred_on),
        )

    def decide_experiment(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        decision: str,
        rationale: str = "",
        occurred_on: date | None = None,
        next_cycle: dict[str, Any] | None = None,
    ) -> Receipt:
        """Adopt, adapt or abandon; `next_cycle` (adapt only) plans the next experiment,
        linked as following this one, in the same save."""

        def decide(experiment: Experiment) -> list[Aggregate]:
            next_id = uuid4() if next_cycle is not None else None
            experiment.decide(
                actor=ctx.actor,
                decision=decision,
                rationale=rationale,
                occurred_on=occurred_on,
                next_cycle_id=next_id,
            )
            if next_id is None or next_cycle is None:
                return []
            initiative = self._get(Initiative, experiment.initiative_id)
            return [
                experiment.plan_next_cycle(
                    experiment_id=next_id, initiative=initiative, actor=ctx.actor, fields=next_cycle
                )
            ]

        return self._change(ctx, Experiment, experiment_id, decide)

    def cancel_experiment(
        self,
        ctx: CommandContext,
        experiment_id: UUID,
        *,
        reason: str,
        occurred_on: date | None = None,
    ) -> Receipt:
        return self._change(
            ctx,
            Experiment,
            experiment_id,
            lambda e: e.cancel(actor=ctx.actor, reason=reason, occurred_on=occurred_on),
        )

    def get_experiment(self, experiment_id: UUID) -> Experiment:
        return self._get(Experiment, experiment_id)
