"""The ChangeAction aggregate on its own: pledging, completing (the handprint),
withdrawing and linking to an inspiring action, with every refusal.

Pure domain, no I/O. A refused command raises the named error with a sentence and
records nothing (no pending event, version and status unchanged). Pledges are in
the spirit of Oulunkaari's Change Day handprints (seed 003).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.change_action import (
    CATEGORY_NAMES,
    REASON_MAX,
    STORY_MAX,
    TEAM_MAX,
    TEXT_MAX,
    Category,
    ChangeAction,
    Status,
    category_of,
    clean_pledge,
    pledge_errors,
)
from domain.errors import DomainError, InvalidField, RuleViolation

ACTOR = uuid4()
CAMPAIGN = uuid4()
PERSON = uuid4()
TEXT = "Minä lupaan kysyä jokaiselta kotihoidon asiakkaalta, mikä hänelle on tänään tärkeintä."
STORY = "Kysyin kahdeltatoista asiakkaalta; kolme käyntiä järjestettiin uudelleen."


def pledge(campaign_id: UUID = CAMPAIGN, **fields: Any) -> ChangeAction:
    given = {"text": TEXT, "person_id": PERSON, "category": "patient_experience", **fields}
    return ChangeAction.pledge(action_id=uuid4(), actor=ACTOR, campaign_id=campaign_id, fields=given)


def at(status: Status, **fields: Any) -> ChangeAction:
    action = pledge(**fields)
    if status is Status.COMPLETED:
        action.complete(actor=ACTOR, story=STORY)
    elif status is Status.WITHDRAWN:
        action.withdraw(actor=ACTOR)
    action.collect_events()
    assert action.status is status
    return action


@contextmanager
def refused(action: ChangeAction | None, error: type[DomainError]) -> Iterator[pytest.ExceptionInfo[Any]]:
    before = (len(action.pending_events), action.version, action.status) if action else None
    with pytest.raises(error) as caught:
        yield caught
    assert type(caught.value) is error
    assert len(caught.value.detail.split()) >= 3, caught.value.detail
    if action is not None:
        assert (len(action.pending_events), action.version, action.status) == before


def replayed(action: ChangeAction) -> ChangeAction:
    copy: Any = None
    for event in action.collect_events():
        copy = event.mutate(copy)
    assert isinstance(copy, ChangeAction)
    return copy


class TestPledge:
    def test_a_person_pledges(self) -> None:
        action = pledge(text=f"  {TEXT}  ")
        assert action.campaign_id == CAMPAIGN
        assert (action.text, action.person_id, action.team) == (TEXT, PERSON, "")
        assert action.category is Category.PATIENT_EXPERIENCE
        assert action.status is Status.PLEDGED
        assert (action.story, action.withdrawal_reason, action.inspired_by) == ("", "", [])
        assert not action.has_handprint
        (event,) = action.pending_events
        assert isinstance(event, ChangeAction.Pledged)
        assert event.actor == ACTOR and event.import_key == ""

    def test_a_team_pledges_in_a_unit(self) -> None:
        org, unit = uuid4(), uuid4()
        action = pledge(
            person_id=None,
            team="Kotihoidon tiimi 3",
            organisation_id=org,
            unit_id=unit,
            category="työhyvinvointi",
        )
        assert (action.person_id, action.team) == (None, "Kotihoidon tiimi 3")
        assert (action.organisation_id, action.unit_id) == (org, unit)
        assert action.category is Category.WELLBEING_AT_WORK

    def test_replay_gives_the_same_action(self) -> None:
        action = pledge(person_id=None, team="Vuodeosasto", category="environment")
        copy = replayed(action)
        assert (copy.text, copy.team, copy.category, copy.status) == (
            TEXT,
            "Vuodeosasto",
            Category.ENVIRONMENT,
            Status.PLEDGED,
        )

    def test_an_import_key_is_kept(self) -> None:
        action = ChangeAction.pledge(
            action_id=uuid4(),
            actor=ACTOR,
            campaign_id=CAMPAIGN,
            fields={"text": TEXT, "team": "Tiimi", "category": "other"},
            import_key="id:rivi-7",
        )
        assert action.import_key == "id:rivi-7"

    @pytest.mark.parametrize("text", ["", "  ", None])
    def test_the_text_is_required(self, text: Any) -> None:
        with refused(None, InvalidField) as caught:
            pledge(text=text)
        assert caught.value.field == "text"

    def test_the_text_has_a_limit(self) -> None:
        pledge(text="x" * TEXT_MAX)
        with refused(None, InvalidField) as caught:
            pledge(text="x" * (TEXT_MAX + 1))
        assert caught.value.field == "text"

    def test_the_text_cannot_hold_control_characters(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(text="Lupaan\x00")
        assert caught.value.field == "text"

    def test_a_pledger_is_required(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(person_id=None, team="  ")
        assert caught.value.field == "person_id"

    def test_a_person_and_a_team_are_not_both_pledgers(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(team="Kotihoito")
        assert caught.value.field == "team"

    def test_a_team_name_has_a_limit(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(person_id=None, team="t" * (TEAM_MAX + 1))
        assert caught.value.field == "team"

    def test_the_person_must_be_an_id(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(person_id="maija@oulunkaari.fi")
        assert caught.value.field == "person_id"

    def test_a_unit_needs_its_organisation(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(unit_id=uuid4())
        assert caught.value.field == "unit_id"

    @pytest.mark.parametrize("field", ["organisation_id", "unit_id"])
    def test_places_must_be_ids(self, field: str) -> None:
        with refused(None, InvalidField) as caught:
            pledge(**{"organisation_id": uuid4(), field: "Oulunkaari"})
        assert caught.value.field == field

    @pytest.mark.parametrize("category", ["", None, "tärkeä", "patient"])
    def test_the_category_comes_from_the_list(self, category: Any) -> None:
        with refused(None, InvalidField) as caught:
            pledge(category=category)
        assert caught.value.field == "category"
        assert "patient_experience" in caught.value.detail

    def test_an_unknown_field_is_refused(self) -> None:
        with refused(None, InvalidField) as caught:
            pledge(priority="high")
        assert caught.value.field == "priority"

    def test_every_problem_is_reported_at_once(self) -> None:
        _, errors = pledge_errors({"text": "", "category": "x", "unit_id": uuid4()})
        assert sorted(e.field for e in errors) == ["category", "person_id", "text", "unit_id"]
        with pytest.raises(InvalidField):
            clean_pledge({"text": ""})


class TestCategories:
    @pytest.mark.parametrize("category", list(Category))
    def test_each_code_is_its_own_name(self, category: Category) -> None:
        assert category_of(category.value) is category
        assert category_of(f"  {category.value.upper()} ") is category

    @pytest.mark.parametrize(
        ("name", "category"),
        [
            ("Asiakaskokemus", Category.PATIENT_EXPERIENCE),
            ("yhdessä   tekeminen", Category.WORKING_TOGETHER),
            ("TYÖHYVINVOINTI", Category.WELLBEING_AT_WORK),
            ("arbetssätt", Category.WAYS_OF_WORKING),
            ("ympäristö", Category.ENVIRONMENT),
            ("muu", Category.OTHER),
        ],
    )
    def test_finnish_and_swedish_names(self, name: str, category: Category) -> None:
        assert category_of(name) is category

    def test_every_category_has_names(self) -> None:
        assert set(CATEGORY_NAMES.values()) == set(Category)


class TestComplete:
    def test_completion_awards_the_handprint(self) -> None:
        action = pledge()
        action.complete(actor=ACTOR, story=f" {STORY} ")
        event = action.pending_events[-1]
        assert isinstance(event, ChangeAction.Completed) and action.version == 2
        assert (action.status, action.story, action.has_handprint) == (Status.COMPLETED, STORY, True)
        assert replayed(action).has_handprint

    def test_completion_may_be_back_dated(self) -> None:
        action = at(Status.PLEDGED)
        action.complete(actor=ACTOR, story=STORY, occurred_on=date(2016, 3, 16))
        assert action.pending_events[0].occurred_on == date(2016, 3, 16)

    def test_not_in_the_future(self) -> None:
        action = at(Status.PLEDGED)
        with refused(action, InvalidField) as caught:
            action.complete(
                actor=ACTOR, story=STORY, occurred_on=datetime.now(UTC).date() + timedelta(days=3)
            )
        assert caught.value.field == "occurred_on"

    @pytest.mark.parametrize("story", ["", "   "])
    def test_a_story_is_required(self, story: str) -> None:
        action = at(Status.PLEDGED)
        with refused(action, InvalidField) as caught:
            action.complete(actor=ACTOR, story=story)
        assert caught.value.field == "story"

    def test_the_story_has_a_limit(self) -> None:
        action = at(Status.PLEDGED)
        with refused(action, InvalidField):
            action.complete(actor=ACTOR, story="s" * (STORY_MAX + 1))

    def test_no_completion_after_withdrawal(self) -> None:
        action = at(Status.WITHDRAWN)
        with refused(action, RuleViolation) as caught:
            action.complete(actor=ACTOR, story=STORY)
        assert "withdrawn" in caught.value.detail

    def test_no_second_completion(self) -> None:
        action = at(Status.COMPLETED)
        with refused(action, RuleViolation) as caught:
            action.complete(actor=ACTOR, story="Toinen tarina")
        assert "already completed" in caught.value.detail
        assert action.story == STORY


class TestWithdraw:
    def test_withdraw_with_or_without_a_reason(self) -> None:
        action = at(Status.PLEDGED)
        action.withdraw(actor=ACTOR, reason=" Siirryin toiseen yksikköön. ")
        assert (action.status, action.withdrawal_reason) == (Status.WITHDRAWN, "Siirryin toiseen yksikköön.")
        other = at(Status.PLEDGED)
        other.withdraw(actor=ACTOR)
        (event,) = other.pending_events
        assert isinstance(event, ChangeAction.Withdrawn) and event.reason == ""

    def test_the_reason_has_a_limit(self) -> None:
        action = at(Status.PLEDGED)
        with refused(action, InvalidField) as caught:
            action.withdraw(actor=ACTOR, reason="r" * (REASON_MAX + 1))
        assert caught.value.field == "reason"

    def test_no_withdrawal_after_completion(self) -> None:
        action = at(Status.COMPLETED)
        with refused(action, RuleViolation) as caught:
            action.withdraw(actor=ACTOR)
        assert "completed" in caught.value.detail

    def test_no_second_withdrawal(self) -> None:
        action = at(Status.WITHDRAWN)
        with refused(action, RuleViolation):
            action.withdraw(actor=ACTOR, reason="again")


class TestInspiredBy:
    def test_link_to_an_action_of_the_same_campaign(self) -> None:
        action, source = pledge(), uuid4()
        action.link_inspiration(actor=ACTOR, source_id=source, source_campaign_id=CAMPAIGN)
        event = action.pending_events[-1]
        assert isinstance(event, ChangeAction.InspiredBy) and event.action_id == source
        assert replayed(action).inspired_by == [str(source)]

    def test_a_link_is_recorded_once(self) -> None:
        action, source = at(Status.PLEDGED), uuid4()
        action.link_inspiration(actor=ACTOR, source_id=source, source_campaign_id=CAMPAIGN)
        action.collect_events()
        action.link_inspiration(actor=ACTOR, source_id=source, source_campaign_id=CAMPAIGN)
        assert action.pending_events == []
        assert action.inspired_by == [str(source)]

    def test_a_completed_action_can_still_name_its_inspiration(self) -> None:
        action = at(Status.COMPLETED)
        action.link_inspiration(actor=ACTOR, source_id=uuid4(), source_campaign_id=CAMPAIGN)
        assert len(action.pending_events) == 1

    def test_not_inspired_by_itself(self) -> None:
        action = at(Status.PLEDGED)
        with refused(action, InvalidField) as caught:
            action.link_inspiration(actor=ACTOR, source_id=action.id, source_campaign_id=CAMPAIGN)
        assert caught.value.field == "action_id"

    def test_not_by_an_action_of_another_campaign(self) -> None:
        action = at(Status.PLEDGED)
        with refused(action, InvalidField) as caught:
            action.link_inspiration(actor=ACTOR, source_id=uuid4(), source_campaign_id=uuid4())
        assert "another campaign" in caught.value.detail

    def test_not_for_a_withdrawn_action(self) -> None:
        action = at(Status.WITHDRAWN)
        with refused(action, RuleViolation):
            action.link_inspiration(actor=ACTOR, source_id=uuid4(), source_campaign_id=CAMPAIGN)
