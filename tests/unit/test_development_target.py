"""The DevelopmentTarget aggregate: fields, links, yearly reviews and retirement."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.development_target import DevelopmentTarget, clean_fields
from domain.errors import InvalidField, RuleViolation
from domain.rotation import RotationPlacement

ACTOR = uuid4()
FIELDS: dict[str, Any] = {
    "title": "Tavoitteellinen työkierto",
    "strategy_goal": "Henkilöstön osaamisen ja hyvinvoinnin kehittäminen",
    "strategy": "develop",
    "responsible_role": "unit_manager",
    "period_start": date(2012, 1, 1),
    "period_end": date(2012, 12, 31),
}


def target(**overrides: Any) -> DevelopmentTarget:
    return DevelopmentTarget.define(
        target_id=uuid4(), actor=ACTOR, occurred_on=None, fields={**FIELDS, **overrides}
    )


def review(
    t: DevelopmentTarget, year: Any = 2012, status: str = "on_track", decision: str = "continue"
) -> UUID:
    review_id = uuid4()
    t.review(actor=ACTOR, review_id=review_id, year=year, status=status, what_changed="", decision=decision)
    return review_id


def test_a_defined_target_is_active_with_its_fields() -> None:
    t = target(title="  Tavoitteellinen työkierto ")
    assert (t.title, t.strategy, t.responsible_role, t.status) == (
        "Tavoitteellinen työkierto",
        "develop",
        "unit_manager",
        "active",
    )
    assert t.links == {} and t.reviews == {} and t.organisation_id is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"strategy": None}, "strategy"),
        ({"strategy": "outsource"}, "strategy"),
        ({"responsible_role": "mayor"}, "responsible_role"),
        ({"period_end": date(2011, 12, 31)}, "period_end"),
        ({"period_start": "2012-01-01"}, "period_start"),
        ({"title": " "}, "title"),
        ({"organisation_id": "heinävesi"}, "organisation_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_fields_are_refused(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        target(**fields)
    assert refused.value.field == field


def test_an_edit_records_only_real_changes_and_judges_the_period_as_a_whole() -> None:
    t = target()
    t.edit(actor=ACTOR, fields={"strategy": "develop"})
    assert len(t.pending_events) == 1
    t.edit(actor=ACTOR, fields={"strategy": "mobilise", "period_end": date(2013, 12, 31)})
    assert t.pending_events[-1].changes == {"strategy": "mobilise", "period_end": date(2013, 12, 31)}  # type: ignore[attr-defined]
    with pytest.raises(InvalidField):
        t.edit(actor=ACTOR, fields={"period_start": date(2014, 1, 1)})
    with pytest.raises(InvalidField):
        t.edit(actor=ACTOR, fields={"responsible_role": None})


def test_links_are_unique_and_unlinks_name_a_linked_record() -> None:
    t = target()
    record = uuid4()
    t.link(actor=ACTOR, record_type="initiative", record_id=record)
    with pytest.raises(RuleViolation):
        t.link(actor=ACTOR, record_type="initiative", record_id=record)
    with pytest.raises(InvalidField):
        t.link(actor=ACTOR, record_type="programme", record_id=uuid4())
    assert t.unlink(actor=ACTOR, record_id=record, reason="Väärä") == "initiative"
    with pytest.raises(RuleViolation):
        t.unlink(actor=ACTOR, record_id=record)
    t.link(actor=ACTOR, record_type="initiative", record_id=record)
    assert t.links == {str(record): "initiative"}


def test_a_second_review_of_a_year_corrects_the_first() -> None:
    t = target()
    first = review(t, status="at_risk")
    second = review(t, status="on_track")
    event = t.pending_events[-1]
    assert isinstance(event, DevelopmentTarget.Reviewed)
    assert event.corrects == first
    assert t.reviews == {2012: str(second)}
    review(t, year=2013)
    assert isinstance(t.pending_events[-1], DevelopmentTarget.Reviewed)
    assert t.pending_events[-1].corrects is None


@pytest.mark.parametrize(
    ("year", "status", "decision", "field"),
    [
        (datetime.now(UTC).year + 1, "on_track", "continue", "year"),
        (2011, "on_track", "continue", "year"),
        (True, "on_track", "continue", "year"),
        (2012, "fine", "continue", "status"),
        (2012, "on_track", "celebrate", "decision"),
    ],
)
def test_invalid_reviews_are_refused(year: Any, status: str, decision: str, field: str) -> None:
    t = target()
    with pytest.raises(InvalidField) as refused:
        review(t, year=year, status=status, decision=decision)
    assert refused.value.field == field


def test_a_retired_target_refuses_every_change() -> None:
    t = target()
    record = uuid4()
    t.link(actor=ACTOR, record_type="change_action", record_id=record)
    with pytest.raises(InvalidField):
        t.retire(actor=ACTOR, reason=" ")
    t.retire(actor=ACTOR, reason="Saavutettu")
    assert t.is_retired and t.retired_reason == "Saavutettu"
    before = len(t.pending_events)
    for attempt in (
        lambda: t.edit(actor=ACTOR, fields={"title": "Uusi"}),
        lambda: t.link(actor=ACTOR, record_type="initiative", record_id=uuid4()),
        lambda: t.unlink(actor=ACTOR, record_id=record),
        lambda: review(t),
        lambda: t.retire(actor=ACTOR, reason="Taas"),
    ):
        with pytest.raises(RuleViolation):
            attempt()
    assert len(t.pending_events) == before


def test_clean_fields_keeps_optional_texts_optional() -> None:
    assert clean_fields({"strategy_goal": None, "description": " "}) == {
        "strategy_goal": "",
        "description": "",
    }


def test_a_placement_serves_one_target_at_a_time() -> None:
    placement = RotationPlacement.propose(
        placement_id=uuid4(),
        actor=ACTOR,
        person_id=uuid4(),
        home_organisation_id=uuid4(),
        home_unit_id=uuid4(),
        host_organisation_id=uuid4(),
        host_unit_id=uuid4(),
        starts_on=date(2012, 3, 5),
        ends_on=date(2012, 3, 30),
        learning_goals=["Kotiutuskäytännöt"],
    )
    first, second = uuid4(), uuid4()
    placement.link_target(actor=ACTOR, target_id=first)
    assert placement.target_id == first
    with pytest.raises(RuleViolation):
        placement.link_target(actor=ACTOR, target_id=first)
    with pytest.raises(RuleViolation):
        placement.link_target(actor=ACTOR, target_id=second)
    placement.unlink_target(actor=ACTOR)
    placement.link_target(actor=ACTOR, target_id=second)
    assert placement.target_id == second


# ---- limits and plausible dates -----------------------------------------------


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_a_period_outside_1900_to_2100_is_refused(day: date) -> None:
    with pytest.raises(InvalidField) as caught:
        target(period_start=day, period_end=day)
    assert caught.value.field == "period_start"
    assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail


def test_links_up_to_the_limit_then_refused() -> None:
    from domain.development_target import LINKS_MAX

    t = target()
    for _ in range(LINKS_MAX):
        t.link(actor=ACTOR, record_type="initiative", record_id=uuid4())
    version = t.version
    with pytest.raises(RuleViolation) as caught:
        t.link(actor=ACTOR, record_type="initiative", record_id=uuid4())
    assert f"already has {LINKS_MAX} linked records" in caught.value.detail
    assert t.version == version
