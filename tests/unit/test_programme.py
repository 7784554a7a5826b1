"""The Programme aggregate and the initiative's check-ins, on their own.

Pure domain, no I/O. The case is the 3W programme (seed 001): Kirkkonummi,
Raasepori, Vihti and Karkkila, seven workshop days from autumn 2018 and the
closing seminar "Hyvät käytännöt jakoon" on 11 April 2019. Each refused command
is checked for its error class, its sentence and that nothing was recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.check_in import PROGRESS_SCALE, Rag, clean_check_in
from domain.errors import DomainError, InvalidField, RecordNotFound, RuleViolation
from domain.initiative import Initiative
from domain.programme import Programme, ProgrammeStatus, WorkshopKind

ACTOR = uuid4()
KIRKKONUMMI, RAASEPORI, VIHTI, KARKKILA = (uuid4() for _ in range(4))
SEMINAR_DAY = date(2019, 4, 11)
FAR_FUTURE = datetime.now(UTC).date() + timedelta(days=400)


def three_w(**fields: Any) -> Programme:
    return Programme.create(
        programme_id=uuid4(),
        actor=ACTOR,
        occurred_on=None,
        fields={
            "name": "3W – Hyvinvointia työhön, työpaikalle ja työssä",
            "description": "Lähiesihenkilöiden kehittämisohjelma, neljä kuntaa.",
            "period_start": date(2018, 8, 1),
            "period_end": date(2019, 5, 31),
            "organisation_ids": [KIRKKONUMMI, RAASEPORI, VIHTI, KARKKILA],
            **fields,
        },
    )


def schedule(programme: Programme, day: date, title: str = "Työpaja 1", kind: str = "workshop") -> UUID:
    workshop_id = uuid4()
    programme.schedule_workshop(
        actor=ACTOR, workshop_id=workshop_id, day=day, title=title, kind=kind, agenda=""
    )
    return workshop_id


@contextmanager
def refused(record: Programme | Initiative, error: type[DomainError], sentence: str) -> Iterator[None]:
    """The command raises `error` with `sentence` (a substring) and records nothing."""
    version, pending = record.version, len(record.pending_events)
    with pytest.raises(error) as caught:
        yield
    assert sentence in caught.value.detail
    assert (record.version, len(record.pending_events)) == (version, pending)


def test_a_programme_is_created_open_with_its_period_and_organisations() -> None:
    programme = three_w()
    assert programme.status is ProgrammeStatus.OPEN
    assert programme.organisation_ids == [str(o) for o in (KIRKKONUMMI, RAASEPORI, VIHTI, KARKKILA)]
    assert (programme.period_start, programme.period_end) == (date(2018, 8, 1), date(2019, 5, 31))
    assert [type(e).__name__ for e in programme.pending_events] == ["Created"]
    assert isinstance(programme.pending_events[0], Programme.Created)
    assert Programme.Created.TOPIC == "kipina:Programme.Created"


@pytest.mark.parametrize(
    ("fields", "field", "sentence"),
    [
        ({"name": "  "}, "name", "is required"),
        ({"period_start": None}, "period_start", "is required"),
        ({"period_end": date(2018, 7, 1)}, "period_end", "is before period_start"),
        ({"period_start": "2018-08-01"}, "period_start", "must be a date"),
        ({"organisation_ids": ["Vihti"]}, "organisation_ids", "list of organisation ids"),
        ({"coordinator_id": "Anna"}, "coordinator_id", "must be a UUID"),
        ({"budget": 1}, "budget", "is not a field of a programme"),
    ],
)
def test_create_refuses_bad_fields(fields: dict[str, Any], field: str, sentence: str) -> None:
    with pytest.raises(InvalidField) as caught:
        three_w(**fields)
    assert caught.value.field == field
    assert sentence in caught.value.detail


def test_duplicate_organisations_are_kept_once() -> None:
    assert three_w(organisation_ids=[VIHTI, VIHTI]).organisation_ids == [str(VIHTI)]


def test_edit_records_only_what_changes_and_keeps_workshops_inside_the_period() -> None:
    programme = three_w()
    schedule(programme, date(2018, 9, 20))
    programme.edit(actor=ACTOR, fields={"name": programme.name})
    assert len(programme.pending_events) == 2  # created + scheduled: an unchanged name records nothing
    programme.edit(actor=ACTOR, fields={"period_end": SEMINAR_DAY, "description": "Uusi kuvaus"})
    assert programme.pending_events[-1].changes == {  # type: ignore[attr-defined]
        "period_end": SEMINAR_DAY,
        "description": "Uusi kuvaus",
    }
    with refused(programme, InvalidField, "would fall outside the new period"):
        programme.edit(actor=ACTOR, fields={"period_start": date(2018, 10, 1)})


def test_enrol_and_withdraw() -> None:
    programme = three_w()
    initiative_id = uuid4()
    programme.enrol(
        actor=ACTOR, initiative_id=initiative_id, initiative_organisation_id=VIHTI, occurred_on=None
    )
    assert programme.enrolled == {str(initiative_id)}
    with refused(programme, RuleViolation, "already enrolled"):
        programme.enrol(
            actor=ACTOR, initiative_id=initiative_id, initiative_organisation_id=VIHTI, occurred_on=None
        )
    programme.withdraw(
        actor=ACTOR, initiative_id=initiative_id, reason="Hanke siirtyi toiseen ohjelmaan", occurred_on=None
    )
    assert programme.enrolled == set()
    with refused(programme, RuleViolation, "is not enrolled"):
        programme.withdraw(actor=ACTOR, initiative_id=initiative_id, reason="", occurred_on=None)
    # Withdrawn work may come back.
    programme.enrol(
        actor=ACTOR, initiative_id=initiative_id, initiative_organisation_id=None, occurred_on=None
    )
    assert programme.enrolled == {str(initiative_id)}


def test_enrol_refuses_an_initiative_of_an_organisation_outside_the_programme() -> None:
    programme = three_w()
    with refused(programme, RuleViolation, "does not take part in this programme"):
        programme.enrol(
            actor=ACTOR, initiative_id=uuid4(), initiative_organisation_id=uuid4(), occurred_on=None
        )
    # A programme that lists no organisations takes initiatives from anywhere.
    open_to_all = three_w(organisation_ids=[])
    open_to_all.enrol(
        actor=ACTOR, initiative_id=uuid4(), initiative_organisation_id=uuid4(), occurred_on=None
    )


def test_workshops_are_scheduled_within_the_period_and_rescheduled_until_held() -> None:
    programme = three_w()
    seminar = schedule(programme, SEMINAR_DAY, "Hyvät käytännöt jakoon", "seminar")
    assert programme.workshops[str(seminar)]["kind"] == WorkshopKind.SEMINAR
    with refused(programme, InvalidField, "is outside the programme's period 2018-08-01 – 2019-05-31"):
        schedule(programme, date(2019, 6, 1))
    with refused(programme, InvalidField, "must be workshop or seminar"):
        schedule(programme, SEMINAR_DAY, kind="party")
    with refused(programme, InvalidField, "is required"):
        schedule(programme, SEMINAR_DAY, title=" ")
    programme.reschedule_workshop(
        actor=ACTOR, workshop_id=seminar, day=date(2019, 4, 12), reason="Sali varattu"
    )
    assert programme.workshops[str(seminar)]["day"] == date(2019, 4, 12)
    version = programme.version
    programme.reschedule_workshop(actor=ACTOR, workshop_id=seminar, day=date(2019, 4, 12), reason="")
    assert programme.version == version  # same day: nothing to record
    programme.hold_workshop(actor=ACTOR, workshop_id=seminar, occurred_on=None)
    with refused(programme, RuleViolation, "a held workshop cannot be rescheduled"):
        programme.reschedule_workshop(actor=ACTOR, workshop_id=seminar, day=SEMINAR_DAY, reason="")
    with refused(programme, RuleViolation, "is already marked held"):
        programme.hold_workshop(actor=ACTOR, workshop_id=seminar, occurred_on=None)
    with refused(programme, RecordNotFound, "has no workshop with id"):
        programme.hold_workshop(actor=ACTOR, workshop_id=uuid4(), occurred_on=None)


def test_a_workshop_cannot_be_marked_held_before_its_day() -> None:
    programme = three_w(period_end=FAR_FUTURE)
    later = schedule(programme, FAR_FUTURE)
    with refused(programme, RuleViolation, "cannot be marked held before that day"):
        programme.hold_workshop(actor=ACTOR, workshop_id=later, occurred_on=None)


def test_a_closed_programme_takes_nothing_more() -> None:
    programme = three_w()
    workshop = schedule(programme, date(2018, 9, 20))
    initiative_id = uuid4()
    programme.enrol(
        actor=ACTOR, initiative_id=initiative_id, initiative_organisation_id=None, occurred_on=None
    )
    programme.close(actor=ACTOR, summary="30 hanketta, seminaari pidetty.", occurred_on=SEMINAR_DAY)
    assert programme.status is ProgrammeStatus.CLOSED
    assert programme.summary == "30 hanketta, seminaari pidetty."
    for command in (
        lambda: programme.edit(actor=ACTOR, fields={"name": "Uusi"}),
        lambda: programme.enrol(
            actor=ACTOR, initiative_id=uuid4(), initiative_organisation_id=None, occurred_on=None
        ),
        lambda: programme.withdraw(actor=ACTOR, initiative_id=initiative_id, reason="", occurred_on=None),
        lambda: schedule(programme, date(2018, 10, 1)),
        lambda: programme.hold_workshop(actor=ACTOR, workshop_id=workshop, occurred_on=None),
        lambda: programme.close(actor=ACTOR, summary="", occurred_on=None),
    ):
        with refused(programme, RuleViolation, "is closed; it cannot be changed any more"):
            command()
    with pytest.raises(RuleViolation, match="takes no more check-ins"):
        programme.require_check_in(initiative_id=initiative_id, workshop_id=workshop)


def test_a_check_in_needs_an_enrolled_initiative_and_a_workshop_of_the_programme() -> None:
    programme = three_w()
    workshop = schedule(programme, date(2018, 9, 20))
    initiative_id = uuid4()
    with pytest.raises(RuleViolation, match="is not enrolled in programme"):
        programme.require_check_in(initiative_id=initiative_id, workshop_id=workshop)
    programme.enrol(
        actor=ACTOR, initiative_id=initiative_id, initiative_organisation_id=None, occurred_on=None
    )
    programme.require_check_in(initiative_id=initiative_id, workshop_id=workshop)
    with pytest.raises(InvalidField) as caught:
        programme.require_check_in(initiative_id=initiative_id, workshop_id=uuid4())
    assert caught.value.field == "workshop_id"


# ---- check-ins on the initiative -------------------------------------------------------


def vihti_initiative() -> Initiative:
    return Initiative.propose(
        initiative_id=uuid4(),
        actor=ACTOR,
        occurred_on=None,
        fields={"title": "Perehdytyksen malli kotihoitoon", "organisation_id": VIHTI},
    )


def check_in(initiative: Initiative, workshop_id: UUID, **values: Any) -> None:
    initiative.record_check_in(
        actor=ACTOR,
        check_in_id=uuid4(),
        programme_id=uuid4(),
        workshop_id=workshop_id,
        values={
            "status": "green",
            "progress_score": 2,
            "done": "",
            "next_steps": "",
            "help_needed": "",
            **values,
        },
        occurred_on=values.pop("occurred_on", None),
    )


def test_a_second_check_in_for_the_same_workshop_corrects_the_first() -> None:
    initiative = vihti_initiative()
    workshop = uuid4()
    check_in(initiative, workshop, done="Tiimi koottu", progress_score=1)
    first = initiative.pending_events[-1]
    check_in(initiative, workshop, progress_score=1.5, status="amber", help_needed="Mittarit?")
    second = initiative.pending_events[-1]
    assert first.corrects is None  # type: ignore[attr-defined]
    assert second.corrects == first.check_in_id  # type: ignore[attr-defined]
    assert (second.progress_score, second.status) == (1.5, "amber")  # type: ignore[attr-defined]
    assert initiative.check_ins == {str(workshop): str(second.check_in_id)}  # type: ignore[attr-defined]
    check_in(initiative, uuid4())
    assert initiative.pending_events[-1].corrects is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"progress_score": 0.7}, "progress_score"),
        ({"progress_score": 0}, "progress_score"),
        ({"progress_score": 5.5}, "progress_score"),
        ({"progress_score": True}, "progress_score"),
        ({"progress_score": "3"}, "progress_score"),
        ({"progress_score": float("nan")}, "progress_score"),
        ({"status": "blue"}, "status"),
        ({"done": "x" * 5001}, "done"),
        ({"help_needed": "a\x00b"}, "help_needed"),
    ],
)
def test_check_in_values_are_validated_before_anything_is_recorded(
    values: dict[str, Any], field: str
) -> None:
    initiative = vihti_initiative()
    version = initiative.version
    with pytest.raises(InvalidField) as caught:
        check_in(initiative, uuid4(), **values)
    assert caught.value.field == field
    assert initiative.version == version


def test_a_discontinued_initiative_records_no_check_in() -> None:
    initiative = vihti_initiative()
    initiative.move(
        "discontinue", actor=ACTOR, occurred_on=None, reason="Rahoitus loppui", lessons="Aloita pienemmin"
    )
    with refused(initiative, RuleViolation, "this initiative is discontinued"):
        check_in(initiative, uuid4())


def test_the_progress_scale_has_ten_steps_of_a_half() -> None:
    assert list(PROGRESS_SCALE) == [step / 2 for step in range(1, 11)]
    assert PROGRESS_SCALE[0.5] == "Intent to participate"
    assert PROGRESS_SCALE[5.0] == "Outstanding sustainable results"
    assert clean_check_in(
        status=Rag.RED, progress_score=3, done=" tehty ", next_steps="", help_needed=""
    ) == {
        "status": "red",
        "progress_score": 3.0,
        "done": "tehty",
        "next_steps": "",
        "help_needed": "",
    }


# ---- limits and plausible dates -----------------------------------------------


@pytest.mark.parametrize("field", ["period_start", "period_end"])
@pytest.mark.parametrize("year", [1, 9999])
def test_a_period_in_year_one_or_9999_is_refused(field: str, year: int) -> None:
    with pytest.raises(InvalidField) as caught:
        three_w(**{field: date(year, 1, 1) if field == "period_start" else date(year, 12, 31)})
    assert caught.value.field == field
    assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail


def test_workshops_up_to_the_limit_then_refused() -> None:
    from domain.programme import WORKSHOPS_MAX

    programme = three_w()
    for _ in range(WORKSHOPS_MAX):
        schedule(programme, SEMINAR_DAY)
    with refused(programme, RuleViolation, f"already has {WORKSHOPS_MAX} workshops"):
        schedule(programme, SEMINAR_DAY)


def test_enrolments_up_to_the_limit_then_refused() -> None:
    from domain.programme import ENROLMENTS_MAX

    programme = three_w(organisation_ids=[])
    for _ in range(ENROLMENTS_MAX):
        programme.enrol(actor=ACTOR, initiative_id=uuid4(), initiative_organisation_id=None, occurred_on=None)
    with refused(programme, RuleViolation, f"already has {ENROLMENTS_MAX} enrolled initiatives"):
        programme.enrol(actor=ACTOR, initiative_id=uuid4(), initiative_organisation_id=None, occurred_on=None)
