"""The RotationPlacement and RotationSchedule aggregates on their own: every rule
and every refusal of a goal-oriented job-rotation placement (Heinävesi's
"tavoitteellinen työkierto", seed 000).

Pure domain, no I/O. Each refused command is checked for its error class, a
sentence a person understands, and that nothing was recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.errors import DomainError, IllegalTransition, InvalidField, RuleViolation
from domain.rotation import (
    GOALS_MAX,
    VERBS,
    RotationPlacement,
    RotationSchedule,
    Status,
    allowed_moves,
    schedule_id_for,
)

ACTOR = uuid4()
PERSON = uuid4()
MENTOR = uuid4()
HOME_ORG = uuid4()
KOTIHOITO = uuid4()
VUODEOSASTO = uuid4()
GOALS = ["Vuodeosaston kotiutuskäytännöt tutuiksi", "Opas työnkiertoon: kokemukset talteen"]

# The lifecycle written out by hand, so the test pins the rules instead of reading them back.
EXPECTED_MOVES: dict[Status, list[str]] = {
    Status.PROPOSED: ["approve", "reschedule", "cancel"],
    Status.APPROVED: ["start", "reschedule", "cancel"],
    Status.STARTED: ["reschedule", "complete", "cancel"],
    Status.COMPLETED: [],
    Status.CANCELLED: [],
}


def propose(**overrides: Any) -> RotationPlacement:
    values: dict[str, Any] = dict(
        placement_id=uuid4(),
        actor=ACTOR,
        person_id=PERSON,
        home_organisation_id=HOME_ORG,
        home_unit_id=KOTIHOITO,
        host_organisation_id=HOME_ORG,
        host_unit_id=VUODEOSASTO,
        starts_on=date(2012, 3, 5),
        ends_on=date(2012, 3, 30),
        learning_goals=GOALS,
        mentor_id=MENTOR,
        initiative_id=None,
    )
    values.update(overrides)
    return RotationPlacement.propose(**values)


def complete_args() -> dict[str, Any]:
    return dict(
        actor=ACTOR,
        learned="Kotiutuksen tarkistuslista ja moniammatillinen palaveri.",
        bring_home="Tarkistuslista kotihoidon käyttöön.",
        host_feedback="Hyvä kysymään, toi kotihoidon näkökulman osastolle.",
    )


def in_status(status: Status) -> RotationPlacement:
    placement = propose()
    if status in (Status.APPROVED, Status.STARTED, Status.COMPLETED):
        placement.approve(actor=ACTOR)
    if status in (Status.STARTED, Status.COMPLETED):
        placement.start(actor=ACTOR)
    if status == Status.COMPLETED:
        placement.complete(**complete_args())
    if status == Status.CANCELLED:
        placement.cancel(actor=ACTOR, reason="Sijaista ei saatu.")
    placement.collect_events()
    assert placement.status == status
    return placement


@contextmanager
def refused(
    record: Aggregate, error: type[DomainError], *, field: str | None = None, says: str = ""
) -> Iterator[None]:
    version = record.version
    with pytest.raises(error) as raised:
        yield
    assert record.version == version and not record.pending_events, "a refused command recorded something"
    assert len(raised.value.detail.split()) >= 5, raised.value.detail
    assert says in raised.value.detail
    if field is not None:
        assert isinstance(raised.value, InvalidField) and raised.value.field == field


# ---- proposing -----------------------------------------------------------------------


def test_a_proposal_records_everything_it_was_given() -> None:
    initiative = uuid4()
    placement = propose(initiative_id=initiative)
    (event,) = placement.collect_events()
    assert isinstance(event, RotationPlacement.Proposed)
    assert placement.status == Status.PROPOSED
    assert (placement.person_id, placement.home_unit_id, placement.host_unit_id) == (
        PERSON,
        KOTIHOITO,
        VUODEOSASTO,
    )
    assert (placement.starts_on, placement.ends_on) == (date(2012, 3, 5), date(2012, 3, 30))
    assert placement.learning_goals == GOALS
    assert placement.mentor_id == MENTOR and placement.initiative_id == initiative
    assert placement.target_id is None, "there are no development targets yet"


def test_the_host_unit_must_be_another_unit() -> None:
    with pytest.raises(InvalidField) as raised:
        propose(host_unit_id=KOTIHOITO)
    assert raised.value.field == "host_unit_id"
    assert "another unit" in raised.value.detail


def test_the_period_ends_on_or_after_its_start() -> None:
    one_day = propose(starts_on=date(2012, 3, 5), ends_on=date(2012, 3, 5))
    assert one_day.starts_on == one_day.ends_on, "a one-day placement starts and ends on the same day"
    with pytest.raises(InvalidField) as raised:
        propose(starts_on=date(2012, 3, 5), ends_on=date(2012, 3, 4))
    assert raised.value.field == "ends_on"
    assert "2012-03-04" in raised.value.detail and "2012-03-05" in raised.value.detail


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
def test_both_days_of_the_period_are_required(field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        propose(**{field: None})
    assert raised.value.field == field


@pytest.mark.parametrize("goals", [[], ["  ", ""]])
def test_at_least_one_learning_goal_is_required(goals: list[str]) -> None:
    with pytest.raises(InvalidField) as raised:
        propose(learning_goals=goals)
    assert raised.value.field == "learning_goals"


def test_learning_goals_are_trimmed_deduplicated_and_limited() -> None:
    placement = propose(learning_goals=[" Kotiutus ", "kotiutus", "Lääkehoito"])
    assert placement.learning_goals == ["Kotiutus", "Lääkehoito"]
    with pytest.raises(InvalidField) as raised:
        propose(learning_goals=[f"Tavoite {n}" for n in range(GOALS_MAX + 1)])
    assert raised.value.field == "learning_goals"


def test_the_mentor_is_someone_else() -> None:
    with pytest.raises(InvalidField) as raised:
        propose(mentor_id=PERSON)
    assert raised.value.field == "mentor_id"


def test_a_mentor_may_be_named_later() -> None:
    assert propose(mentor_id=None).mentor_id is None


# ---- the lifecycle ---------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_allowed_moves(status: Status) -> None:
    assert allowed_moves(status) == EXPECTED_MOVES[status]


def test_approval_records_who_approved() -> None:
    placement = propose()
    approver = uuid4()
    placement.approve(actor=approver, occurred_on=date(2012, 2, 20))
    (_, event) = placement.collect_events()
    assert isinstance(event, RotationPlacement.Approved)
    assert placement.status == Status.APPROVED
    assert placement.approved_by == approver == event.actor
    assert event.occurred_on == date(2012, 2, 20)


def test_the_whole_way_to_completed() -> None:
    placement = in_status(Status.STARTED)
    placement.record_reflection(
        actor=PERSON, reflection_id=uuid4(), text="Osastolla kotiutus alkaa jo tulopäivänä.", occurred_on=None
    )
    placement.complete(**complete_args())
    assert placement.status == Status.COMPLETED
    assert placement.bring_home == "Tarkistuslista kotihoidon käyttöön."
    assert [type(e).__name__ for e in placement.collect_events()] == ["ReflectionRecorded", "Completed"]


def _attempt(placement: RotationPlacement, verb: str) -> None:
    if verb == "approve":
        placement.approve(actor=ACTOR)
    elif verb == "start":
        placement.start(actor=ACTOR)
    elif verb == "reschedule":
        placement.reschedule(actor=ACTOR, starts_on=date(2012, 4, 2), ends_on=date(2012, 4, 27))
    elif verb == "complete":
        placement.complete(**complete_args())
    else:
        placement.cancel(actor=ACTOR, reason="Muuttuneet tilanteet.")


@pytest.mark.parametrize(
    ("status", "verb"),
    [(s, v) for s in Status for v in VERBS if v not in EXPECTED_MOVES[s]],
)
def test_a_move_not_allowed_from_a_status_is_refused(status: Status, verb: str) -> None:
    placement = in_status(status)
    with refused(placement, IllegalTransition, says=f"Cannot {verb} this placement"):
        _attempt(placement, verb)
    try:
        _attempt(placement, verb)
    except IllegalTransition as error:
        assert error.allowed == EXPECTED_MOVES[status]


def test_no_cancelling_after_completion() -> None:
    placement = in_status(Status.COMPLETED)
    with refused(placement, IllegalTransition, says="final"):
        placement.cancel(actor=ACTOR, reason="Myöhästynyt peruutus.")


def test_starting_needs_a_mentor() -> None:
    placement = propose(mentor_id=None)
    placement.approve(actor=ACTOR)
    placement.collect_events()
    with refused(placement, RuleViolation, says="mentor"):
        placement.start(actor=ACTOR)


def test_the_start_cannot_be_dated_in_the_future() -> None:
    placement = in_status(Status.APPROVED)
    with refused(placement, InvalidField, field="occurred_on"):
        placement.start(actor=ACTOR, occurred_on=datetime.now(UTC).date() + timedelta(days=3))


@pytest.mark.parametrize("missing", ["learned", "bring_home", "host_feedback"])
def test_completion_needs_learned_bring_home_and_host_feedback(missing: str) -> None:
    placement = in_status(Status.STARTED)
    args = {**complete_args(), missing: "  "}
    with refused(placement, InvalidField, field=missing):
        placement.complete(**args)


def test_cancelling_needs_a_reason() -> None:
    placement = in_status(Status.APPROVED)
    with refused(placement, InvalidField, field="reason"):
        placement.cancel(actor=ACTOR, reason=" ")
    placement.cancel(actor=ACTOR, reason="Sijaista ei saatu.")
    assert placement.status == Status.CANCELLED and placement.cancel_reason == "Sijaista ei saatu."


# ---- rescheduling --------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PROPOSED, Status.APPROVED, Status.STARTED])
def test_rescheduling_keeps_the_status_and_moves_the_period(status: Status) -> None:
    placement = in_status(status)
    period = placement.reschedule(
        actor=ACTOR, starts_on=date(2012, 4, 2), ends_on=date(2012, 4, 27), reason="Loma-ajat"
    )
    assert period == (date(2012, 4, 2), date(2012, 4, 27))
    assert (placement.starts_on, placement.ends_on, placement.status) == (*period, status)


def test_rescheduling_applies_the_order_rule_again() -> None:
    placement = _settled(propose())
    with refused(placement, InvalidField, field="ends_on"):
        placement.reschedule(actor=ACTOR, starts_on=date(2012, 4, 2), ends_on=date(2012, 4, 1))


def _settled(placement: RotationPlacement) -> RotationPlacement:
    placement.collect_events()
    return placement


def test_rescheduling_to_the_same_period_records_nothing() -> None:
    placement = _settled(propose())
    assert placement.reschedule(actor=ACTOR, starts_on=placement.starts_on, ends_on=placement.ends_on) is None
    assert not placement.pending_events


# ---- reflections and edits --------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PROPOSED, Status.APPROVED, Status.COMPLETED, Status.CANCELLED])
def test_reflections_only_while_started(status: Status) -> None:
    placement = in_status(status)
    with refused(placement, RuleViolation, says="going on"):
        placement.record_reflection(actor=ACTOR, reflection_id=uuid4(), text="Ajatuksia", occurred_on=None)


def test_a_reflection_may_be_back_dated_but_not_future_dated_and_needs_text() -> None:
    placement = in_status(Status.STARTED)
    with refused(placement, InvalidField, field="text"):
        placement.record_reflection(actor=ACTOR, reflection_id=uuid4(), text=" ", occurred_on=None)
    with refused(placement, InvalidField, field="occurred_on"):
        placement.record_reflection(
            actor=ACTOR,
            reflection_id=uuid4(),
            text="Huomenna",
            occurred_on=datetime.now(UTC).date() + timedelta(days=5),
        )
    placement.record_reflection(
        actor=ACTOR, reflection_id=uuid4(), text="Ensimmäinen viikko", occurred_on=date(2012, 3, 9)
    )
    (event,) = placement.collect_events()
    assert event.occurred_on == date(2012, 3, 9)


@pytest.mark.parametrize("status", [Status.PROPOSED, Status.APPROVED])
def test_goals_mentor_and_initiative_can_be_edited_before_the_start(status: Status) -> None:
    placement = in_status(status)
    new_mentor, initiative = uuid4(), uuid4()
    placement.edit(
        actor=ACTOR,
        fields={"learning_goals": ["Lääkehoito"], "mentor_id": new_mentor, "initiative_id": initiative},
    )
    (event,) = placement.collect_events()
    assert isinstance(event, RotationPlacement.Edited)
    assert set(event.changes) == {"learning_goals", "mentor_id", "initiative_id"}
    assert (placement.learning_goals, placement.mentor_id, placement.initiative_id) == (
        ["Lääkehoito"],
        new_mentor,
        initiative,
    )


def test_an_edit_that_changes_nothing_records_nothing() -> None:
    placement = in_status(Status.PROPOSED)
    placement.edit(actor=ACTOR, fields={"learning_goals": GOALS, "mentor_id": MENTOR})
    assert not placement.pending_events


@pytest.mark.parametrize("status", [Status.STARTED, Status.COMPLETED, Status.CANCELLED])
def test_no_edits_once_started(status: Status) -> None:
    placement = in_status(status)
    with refused(placement, RuleViolation, says="Cannot edit this placement"):
        placement.edit(actor=ACTOR, fields={"learning_goals": ["Jotain muuta"]})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"learning_goals": []}, "learning_goals"),
        ({"mentor_id": PERSON}, "mentor_id"),
        ({"mentor_id": "not a uuid"}, "mentor_id"),
        ({"person_id": uuid4()}, "person_id"),
    ],
)
def test_edits_are_validated(fields: dict[str, Any], field: str) -> None:
    placement = in_status(Status.PROPOSED)
    with refused(placement, InvalidField, field=field):
        placement.edit(actor=ACTOR, fields=fields)


# ---- the person's schedule: no two overlapping placements ---------------------------------


def schedule_with(*periods: tuple[date, date]) -> tuple[RotationSchedule, list[UUID]]:
    schedule = RotationSchedule.open(person_id=PERSON, actor=ACTOR)
    ids = []
    for start, end in periods:
        placement_id = uuid4()
        schedule.book(actor=ACTOR, placement_id=placement_id, starts_on=start, ends_on=end)
        ids.append(placement_id)
    schedule.collect_events()
    return schedule, ids


def test_the_schedule_id_is_derived_from_the_person() -> None:
    assert schedule_id_for(PERSON) == schedule_id_for(PERSON) != schedule_id_for(uuid4())
    assert RotationSchedule.open(person_id=PERSON, actor=ACTOR).id == schedule_id_for(PERSON)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2012, 3, 1), date(2012, 3, 5)),  # ends on the other's first day
        (date(2012, 3, 30), date(2012, 4, 10)),  # starts on the other's last day
        (date(2012, 3, 10), date(2012, 3, 12)),  # inside
        (date(2012, 2, 1), date(2012, 5, 1)),  # around
    ],
)
def test_an_overlapping_period_is_refused(start: date, end: date) -> None:
    schedule, (existing,) = schedule_with((date(2012, 3, 5), date(2012, 3, 30)))
    with refused(schedule, RuleViolation, says=str(existing)):
        schedule.book(actor=ACTOR, placement_id=uuid4(), starts_on=start, ends_on=end)


def test_adjacent_periods_are_fine() -> None:
    schedule, _ = schedule_with((date(2012, 3, 5), date(2012, 3, 30)))
    schedule.book(actor=ACTOR, placement_id=uuid4(), starts_on=date(2012, 3, 31), ends_on=date(2012, 4, 6))
    schedule.book(actor=ACTOR, placement_id=uuid4(), starts_on=date(2012, 2, 1), ends_on=date(2012, 3, 4))
    assert len(schedule.periods) == 3


def test_a_placement_may_move_over_its_own_period() -> None:
    schedule, (mine,) = schedule_with((date(2012, 3, 5), date(2012, 3, 30)))
    schedule.book(actor=ACTOR, placement_id=mine, starts_on=date(2012, 3, 12), ends_on=date(2012, 4, 6))
    assert schedule.periods[str(mine)] == (date(2012, 3, 12), date(2012, 4, 6))


def test_a_released_period_no_longer_blocks() -> None:
    schedule, (done,) = schedule_with((date(2012, 3, 5), date(2012, 3, 30)))
    schedule.release(actor=ACTOR, placement_id=done)
    schedule.book(actor=ACTOR, placement_id=uuid4(), starts_on=date(2012, 3, 5), ends_on=date(2012, 3, 30))
    assert [type(e).__name__ for e in schedule.collect_events()] == ["PeriodReleased", "PeriodBooked"]


def test_releasing_an_unknown_placement_records_nothing() -> None:
    schedule, _ = schedule_with((date(2012, 3, 5), date(2012, 3, 30)))
    schedule.release(actor=ACTOR, placement_id=uuid4())
    assert not schedule.pending_events


def test_every_event_has_its_own_topic() -> None:
    classes: list[Callable[..., Any]] = [
        RotationPlacement.Proposed,
        RotationPlacement.Edited,
        RotationPlacement.Approved,
        RotationPlacement.Started,
        RotationPlacement.Rescheduled,
        RotationPlacement.ReflectionRecorded,
        RotationPlacement.Completed,
        RotationPlacement.Cancelled,
        RotationSchedule.Opened,
        RotationSchedule.PeriodBooked,
        RotationSchedule.PeriodReleased,
    ]
    topics = [vars(c)["TOPIC"] for c in classes]
    assert len(set(topics)) == len(topics)
    assert all(t.startswith(("kipina:RotationPlacement.", "kipina:RotationSchedule.")) for t in topics)


@pytest.mark.parametrize(("field", "day"), [("starts_on", date(1, 1, 1)), ("ends_on", date(9999, 12, 31))])
def test_a_placement_outside_1900_to_2100_is_refused(field: str, day: date) -> None:
    with pytest.raises(InvalidField) as caught:
        propose(**{field: day})
    assert caught.value.field == field
    assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail
