"""The Campaign aggregate on its own: creating one, editing it, and every refusal.

Pure domain, no I/O. A refused command raises the named error with a sentence and
records nothing (no pending event, version unchanged). The names come from
Oulunkaari's Change Day handprints (seed 003).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.campaign import NAME_MAX, TARGET_MAX, Campaign
from domain.errors import DomainError, InvalidField

ACTOR = uuid4()
NAME = "Oulunkaaren Change Day 2016"
DAY = date(2016, 3, 16)


def create(**fields: Any) -> Campaign:
    given = {"name": NAME, "held_on": DAY, "target_count": 500, **fields}
    return Campaign.create(campaign_id=uuid4(), actor=ACTOR, fields=given)


def saved(**fields: Any) -> Campaign:
    campaign = create(**fields)
    campaign.collect_events()
    return campaign


@contextmanager
def refused(campaign: Campaign | None, field: str) -> Iterator[None]:
    before = (len(campaign.pending_events), campaign.version) if campaign else None
    with pytest.raises(InvalidField) as caught:
        yield
    assert caught.value.field == field
    assert len(caught.value.detail.split()) >= 3
    if campaign is not None:
        assert (len(campaign.pending_events), campaign.version) == before


def replayed(campaign: Campaign) -> Campaign:
    copy: Any = None
    for event in campaign.collect_events():
        copy = event.mutate(copy)
    assert isinstance(copy, Campaign)
    return copy


class TestCreate:
    def test_name_date_and_target(self) -> None:
        campaign_id = uuid4()
        campaign = Campaign.create(
            campaign_id=campaign_id,
            actor=ACTOR,
            fields={"name": f"  {NAME} ", "held_on": DAY, "target_count": 189_000},
        )
        assert campaign.id == campaign_id
        assert (campaign.name, campaign.held_on, campaign.target_count) == (NAME, DAY, 189_000)
        (event,) = campaign.pending_events
        assert isinstance(event, Campaign.Created)
        assert event.actor == ACTOR and event.occurred_on is None

    def test_replay_gives_the_same_campaign(self) -> None:
        campaign = create()
        copy = replayed(campaign)
        assert (copy.name, copy.held_on, copy.target_count) == (NAME, DAY, 500)

    @pytest.mark.parametrize("missing", ["name", "held_on", "target_count"])
    def test_every_field_is_required(self, missing: str) -> None:
        with refused(None, missing):
            create(**{missing: None})

    @pytest.mark.parametrize("name", ["", "   "])
    def test_a_blank_name_is_refused(self, name: str) -> None:
        with refused(None, "name"):
            create(name=name)

    def test_a_name_over_the_limit_is_refused(self) -> None:
        create(name="x" * NAME_MAX)
        with refused(None, "name"):
            create(name="x" * (NAME_MAX + 1))

    @pytest.mark.parametrize("target", [0, -1, TARGET_MAX + 1])
    def test_the_target_is_at_least_one_and_bounded(self, target: int) -> None:
        with refused(None, "target_count"):
            create(target_count=target)

    @pytest.mark.parametrize("target", ["500", 2.5, True])
    def test_the_target_is_a_whole_number(self, target: Any) -> None:
        with refused(None, "target_count"):
            create(target_count=target)

    def test_the_date_must_be_a_date(self) -> None:
        with refused(None, "held_on"):
            create(held_on="16.3.2016")

    def test_an_unknown_field_is_refused(self) -> None:
        with refused(None, "colour"):
            create(colour="red")


class TestEdit:
    def test_only_changed_fields_are_recorded(self) -> None:
        campaign = saved()
        campaign.edit(actor=ACTOR, fields={"name": NAME, "target_count": 800})
        (event,) = campaign.pending_events
        assert isinstance(event, Campaign.Edited)
        assert event.changes == {"target_count": 800}
        assert campaign.target_count == 800 and campaign.version == 2

    def test_an_edit_that_changes_nothing_records_nothing(self) -> None:
        campaign = saved()
        campaign.edit(actor=ACTOR, fields={"name": NAME, "held_on": DAY})
        assert campaign.pending_events == []
        assert campaign.version == 1

    def test_replay_applies_the_edit(self) -> None:
        campaign = create()
        campaign.edit(actor=ACTOR, fields={"held_on": date(2016, 3, 17), "name": "Change Day 2.0"})
        copy = replayed(campaign)
        assert (copy.name, copy.held_on) == ("Change Day 2.0", date(2016, 3, 17))

    @pytest.mark.parametrize(
        ("field", "value"), [("name", ""), ("target_count", 0), ("held_on", None), ("id", "x")]
    )
    def test_an_invalid_edit_records_nothing(self, field: str, value: Any) -> None:
        campaign = saved()
        with refused(campaign, field):
            campaign.edit(actor=ACTOR, fields={"name": "Uusi nimi", field: value})
        assert campaign.name == NAME


def test_errors_are_domain_errors() -> None:
    with pytest.raises(DomainError):
        create(name="")


class TestPlausibleDay:
    @pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
    def test_a_campaign_in_year_one_or_9999_is_refused(self, day: date) -> None:
        with refused(None, "held_on"):
            create(held_on=day)

    def test_an_edit_to_year_9999_is_refused(self) -> None:
        campaign = saved()
        with refused(campaign, "held_on"):
            campaign.edit(actor=ACTOR, fields={"held_on": date(9999, 1, 1)})
