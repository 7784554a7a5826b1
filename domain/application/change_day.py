"""Change Day: campaigns, and the actions pledged in them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from domain.application.core import CommandContext, CommandPath, PeopleDirectory, Receipt
from domain.campaign import Campaign
from domain.change_action import ChangeAction
from domain.errors import ConcurrentChange, InvalidField


@dataclass(frozen=True)
class PledgeBatch:
    """What `record_pledges` recorded: the new actions' ids and their log positions."""

    recorded: list[UUID]
    positions: list[int]


class ChangeDayCommands(CommandPath):
    def create_campaign(self, ctx: CommandContext, *, fields: dict[str, Any]) -> Receipt:
        return self._create(ctx, lambda: Campaign.create(campaign_id=uuid4(), actor=ctx.actor, fields=fields))

    def edit_campaign(self, ctx: CommandContext, campaign_id: UUID, *, fields: dict[str, Any]) -> Receipt:
        return self._change(ctx, Campaign, campaign_id, lambda c: c.edit(actor=ctx.actor, fields=fields))

    def pledge_action(
        self,
        ctx: CommandContext,
        campaign_id: UUID,
        *,
        fields: dict[str, Any],
        inspired_by: UUID | None = None,
    ) -> Receipt:
        """Pledge an action in a campaign that exists; an inspiring action, if named, is
        linked in the same save."""

        def build() -> ChangeAction:
            campaign = self.get_campaign(campaign_id)
            self._check_pledge_references(fields)
            placed = _Placements(self.people, self._check_references)(fields)
            action = ChangeAction.pledge(
                action_id=uuid4(), actor=ctx.actor, campaign_id=campaign.id, fields=placed
            )
            if inspired_by is not None:
                source = self._referenced(ChangeAction, "inspired_by", inspired_by)
                action.link_inspiration(
                    actor=ctx.actor, source_id=source.id, source_campaign_id=source.campaign_id
                )
            return action

        return self._create(ctx, build)

    def complete_action(
        self, ctx: CommandContext, action_id: UUID, *, story: str, occurred_on: date | None = None
    ) -> Receipt:
        return self._change(
            ctx,
            ChangeAction,
            action_id,
            lambda a: a.complete(actor=ctx.actor, story=story, occurred_on=occurred_on),
        )

    def withdraw_action(self, ctx: CommandContext, action_id: UUID, *, reason: str = "") -> Receipt:
        return self._change(
            ctx, ChangeAction, action_id, lambda a: a.withdraw(actor=ctx.actor, reason=reason)
        )

    def link_inspiration(self, ctx: CommandContext, action_id: UUID, *, source_id: UUID) -> Receipt:
        def link(action: ChangeAction) -> None:
            source = self._referenced(ChangeAction, "action_id", source_id)
            action.link_inspiration(
                actor=ctx.actor, source_id=source.id, source_campaign_id=source.campaign_id
            )

        return self._change(ctx, ChangeAction, action_id, link)

    def record_pledges(
        self, actor: UUID, campaign_id: UUID, pledges: Sequence[tuple[UUID, str, dict[str, Any]]]
    ) -> PledgeBatch:
        """Record a batch of imported pledges (action id, row key, checked fields) in one save.

        Ids already in the store are skipped, so a row imported twice is recorded once:
        the caller leaves out the ids it knows (a read model, fast), and the store's unique
        (id, version) constraint catches the rest (a concurrent import of the same file)."""
        campaign = self.get_campaign(campaign_id)
        if not pledges:
            return PledgeBatch([], [])
        placed = _Placements(self.people, self._check_references)
        actions = [
            ChangeAction.pledge(
                action_id=action_id,
                actor=actor,
                campaign_id=campaign.id,
                fields=placed(fields),
                import_key=key,
            )
            for action_id, key, fields in pledges
        ]
        for _ in range(3):
            try:
                recordings = self.save(*actions)
            except IntegrityError:
                # Someone recorded some of them meanwhile: leave those out and try again.
                actions = [a for a in actions if a.id not in self.repository]
                continue
            positions = [r.notification.id for r in recordings]
            return PledgeBatch([a.id for a in actions], positions)
        raise ConcurrentChange(
            "Someone else imported the same pledges at the same moment. Import the file again."
        )

    def get_campaign(self, campaign_id: UUID) -> Campaign:
        return self._get(Campaign, campaign_id)

    def get_change_action(self, action_id: UUID) -> ChangeAction:
        return self._get(ChangeAction, action_id)

    def _check_pledge_references(self, fields: dict[str, Any]) -> None:
        """A pledge's organisation, unit and person must exist."""
        self._check_references({k: fields.get(k) for k in ("organisation_id", "unit_id")})
        if isinstance(fields.get("person_id"), UUID):
            self._check_person("person_id", fields["person_id"])


class _Placements:
    """A person's pledge takes the person's organisation and unit from the people registry
    when it names neither itself, so the wall counts it where the person works. A pledge
    that names an organisation keeps what it names (a unit of the person's would belong to
    another organisation); a team's pledge names its own. Each person is looked up, and
    their place checked against the organisations, once; a place the organisations no
    longer know is not taken (the pledge stays without one rather than being refused)."""

    def __init__(self, people: PeopleDirectory, check: Callable[[dict[str, Any]], None]) -> None:
        self.people = people
        self.check = check
        self.found: dict[UUID, dict[str, UUID | None]] = {}

    def __call__(self, fields: dict[str, Any]) -> dict[str, Any]:
        person_id = fields.get("person_id")
        if not isinstance(person_id, UUID) or fields.get("organisation_id") or fields.get("unit_id"):
            return fields
        if person_id not in self.found:
            self.found[person_id] = self._place_of(person_id)
        return {**fields, **self.found[person_id]}

    def _place_of(self, person_id: UUID) -> dict[str, UUID | None]:
        organisation_id, unit_id = self.people.placement(person_id)
        place = {"organisation_id": organisation_id, "unit_id": unit_id if organisation_id else None}
        try:
            self.check(place)
        except InvalidField:
            return {"organisation_id": None, "unit_id": None}
        return place
