"""Measure: definition, periods by frequency, one value per period, corrections that keep
the old number, annotations linked to an experiment of the same initiative.

The case is Heinävesi's home care (seed 000): the nurses' morning visits and how long
clients wait for them, recorded monthly.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidField, RuleViolation
from domain.experiment import Experiment
from domain.initiative import Initiative
from domain.measure import Frequency, Measure, period_of

ACTOR = uuid4()
NAME = "Hoitajan aamukäyntien odotusaika"


def define(**fields: Any) -> Measure:
    given = {"name": NAME, "unit": "min", "direction": "down", "frequency": "monthly", **fields}
    return Measure.define(
        measure_id=uuid4(), initiative_id=uuid4(), actor=ACTOR, occurred_on=None, fields=given
    )


def saved(measure: Measure) -> Measure:
    """As if loaded from the store: pending events are gone."""
    measure.collect_events()
    return measure


def record(measure: Measure, period: str | date, value: Any, note: str = "") -> UUID:
    value_id = uuid4()
    measure.record_value(
        actor=ACTOR, value_id=value_id, period=period, value=value, note=note, occurred_on=None
    )
    return value_id


def experiment_of(initiative_id: UUID) -> Experiment:
    initiative = Initiative.propose(
        initiative_id=initiative_id,
        actor=ACTOR,
        occurred_on=None,
        fields={"title": "Tavoitteellinen työkierto"},
    )
    return Experiment.plan(
        experiment_id=uuid4(),
        initiative=initiative,
        actor=ACTOR,
        occurred_on=None,
        fields={"title": "Tarkistuslista", "change_idea": "Kotiutuksen tarkistuslista käyttöön"},
    )


# ---- definition --------------------------------------------------------------------


def test_a_measure_is_defined_with_defaults_for_the_chart() -> None:
    measure = define()
    assert (measure.name, measure.unit, measure.direction, measure.frequency) == (
        NAME,
        "min",
        "down",
        "monthly",
    )
    assert (measure.rules, measure.baseline_points, measure.baseline, measure.target) == (
        "anhoj",
        None,
        None,
        None,
    )
    [event] = measure.collect_events()
    assert type(event).__dict__["TOPIC"] == "kipina:Measure.Defined"


@pytest.mark.parametrize("missing", ["name", "direction", "frequency"])
def test_name_direction_and_frequency_are_required(missing: str) -> None:
    with pytest.raises(InvalidField) as refused:
        define(**{missing: None})
    assert refused.value.field == missing


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("direction", "sideways"),
        ("frequency", "hourly"),
        ("rules", "western_electric"),
        ("baseline", math.nan),
        ("target", math.inf),
        ("target", True),
        ("baseline", "12"),
        ("baseline_points", 0),
        ("baseline_points", 2.5),
        ("baseline_points", True),
        ("unit", "x" * 41),
        ("colour", "red"),
    ],
)
def test_invalid_definition_fields_are_refused(field: str, value: Any) -> None:
    with pytest.raises(InvalidField) as refused:
        define(**{field: value})
    assert refused.value.field == field


def test_an_edit_records_only_what_changes_and_nothing_when_nothing_does() -> None:
    measure = saved(define(target=20))
    measure.edit(actor=ACTOR, fields={"target": 15, "unit": "min", "rules": "ihi", "baseline_points": 12})
    [event] = measure.collect_events()
    assert isinstance(event, Measure.Edited)
    assert event.changes == {"target": 15.0, "rules": "ihi", "baseline_points": 12}
    measure.edit(actor=ACTOR, fields={"target": 15})
    assert measure.collect_events() == []


def test_the_frequency_is_fixed_once_values_exist() -> None:
    measure = saved(define())
    measure.edit(actor=ACTOR, fields={"frequency": "weekly"})
    record(measure, "2019-W03", 31)
    saved(measure)
    with pytest.raises(RuleViolation, match="frequency of a measure cannot change"):
        measure.edit(actor=ACTOR, fields={"frequency": "monthly"})
    assert measure.collect_events() == []


# ---- periods -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "raw", "label", "first_day"),
    [
        ("daily", "2019-03-14", "2019-03-14", date(2019, 3, 14)),
        ("irregular", date(2019, 3, 14), "2019-03-14", date(2019, 3, 14)),
        ("weekly", "2019-W12", "2019-W12", date(2019, 3, 18)),
        ("weekly", "2019-03-20", "2019-W12", date(2019, 3, 18)),
        ("weekly", "2020-12-31", "2020-W53", date(2020, 12, 28)),
        ("weekly", "2021-01-03", "2020-W53", date(2020, 12, 28)),
        ("monthly", "2019-03", "2019-03", date(2019, 3, 1)),
        ("monthly", " 2019-03-31 ", "2019-03", date(2019, 3, 1)),
        ("quarterly", "2019-Q1", "2019-Q1", date(2019, 1, 1)),
        ("quarterly", "2019-08-15", "2019-Q3", date(2019, 7, 1)),
        ("yearly", "2012", "2012", date(2012, 1, 1)),
        ("yearly", "2012-06-30", "2012", date(2012, 1, 1)),
    ],
)
def test_a_period_is_read_by_the_frequency_and_a_date_means_the_period_it_falls_in(
    frequency: str, raw: str | date, label: str, first_day: date
) -> None:
    assert period_of(frequency, raw) == (label, first_day)


@pytest.mark.parametrize(
    ("frequency", "raw", "words"),
    [
        ("monthly", "2019-13", "is not a month"),
        ("monthly", "2019-W12", "is not a month"),
        ("monthly", "maaliskuu", "is not a month"),
        ("weekly", "2019-W54", "is not a week"),
        ("weekly", "2019-03", "is not a week"),
        ("quarterly", "2019-Q5", "is not a quarter"),
        ("yearly", "19", "is not a year"),
        ("daily", "2019-03", "is not a date"),
        ("daily", "2019-02-30", "is not a real date"),
        ("irregular", "", "is not a date"),
    ],
)
def test_a_wrong_period_says_how_to_write_one(frequency: str, raw: str, words: str) -> None:
    with pytest.raises(InvalidField, match=words) as refused:
        period_of(Frequency(frequency), raw)
    assert refused.value.field == "period"


# ---- values --------------------------------------------------------------------------


def test_a_value_is_recorded_for_its_period() -> None:
    measure = saved(define())
    value_id = record(measure, "2019-03-31", 34, note="Sijaisia vähän")
    [event] = measure.collect_events()
    assert isinstance(event, Measure.ValueRecorded)
    assert (event.period, event.day, event.value, event.note) == (
        "2019-03",
        date(2019, 3, 1),
        34.0,
        "Sijaisia vähän",
    )
    assert measure.values[str(value_id)]["value"] == 34.0
    assert measure.periods == {"2019-03": str(value_id)}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, True, "34", None, 1e13])
def test_a_value_must_be_a_finite_number(value: Any) -> None:
    measure = saved(define())
    with pytest.raises(InvalidField) as refused:
        record(measure, "2019-03", value)
    assert refused.value.field == "value"
    assert measure.collect_events() == []


def test_a_period_that_has_not_begun_is_refused() -> None:
    measure = saved(define())
    next_month = (datetime.now(UTC).date().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    with pytest.raises(InvalidField, match="in the future"):
        record(measure, next_month, 30)
    this_month = datetime.now(UTC).date().strftime("%Y-%m")
    record(measure, this_month, 30)  # a period under way may already have its value


def test_a_second_value_for_the_same_period_is_refused_and_names_the_value_to_correct() -> None:
    measure = saved(define())
    first = record(measure, "2019-03", 34)
    saved(measure)
    with pytest.raises(RuleViolation) as refused:
        record(measure, "2019-03-15", 29)
    assert str(first) in refused.value.detail
    assert "2019-03 already has a value (34)" in refused.value.detail
    assert "correction" in refused.value.detail
    assert measure.collect_events() == []


def test_a_correction_keeps_the_old_number_in_the_event_and_the_note_unless_given() -> None:
    measure = saved(define())
    value_id = record(measure, "2019-03", 34, note="Sijaisia vähän")
    saved(measure)
    measure.correct_value(
        actor=ACTOR, value_id=value_id, value=43, note=None, reason="Näppäilyvirhe", occurred_on=None
    )
    [event] = measure.collect_events()
    assert isinstance(event, Measure.ValueCorrected)
    assert (event.period, event.previous_value, event.value) == ("2019-03", 34.0, 43.0)
    assert (event.previous_note, event.note, event.reason) == (
        "Sijaisia vähän",
        "Sijaisia vähän",
        "Näppäilyvirhe",
    )
    assert measure.values[str(value_id)]["value"] == 43.0


def test_a_correction_that_changes_nothing_records_nothing() -> None:
    measure = saved(define())
    value_id = record(measure, "2019-03", 34)
    saved(measure)
    measure.correct_value(actor=ACTOR, value_id=value_id, value=34, note="", reason="", occurred_on=None)
    assert measure.collect_events() == []


def test_correcting_a_value_the_measure_does_not_have_is_refused() -> None:
    measure = saved(define())
    with pytest.raises(InvalidField, match="no value with id") as refused:
        measure.correct_value(actor=ACTOR, value_id=uuid4(), value=1, note=None, reason="", occurred_on=None)
    assert refused.value.field == "value_id"


# ---- annotations -----------------------------------------------------------------------


def test_an_annotation_may_link_an_experiment_of_the_same_initiative() -> None:
    measure = saved(define())
    experiment = experiment_of(measure.initiative_id)
    measure.annotate(
        actor=ACTOR,
        annotation_id=uuid4(),
        day=date(2019, 4, 1),
        text="Kotiutuksen tarkistuslista käyttöön",
        experiment=experiment,
        occurred_on=None,
    )
    [event] = measure.collect_events()
    assert isinstance(event, Measure.Annotated)
    assert (event.experiment_id, event.text) == (experiment.id, "Kotiutuksen tarkistuslista käyttöön")


def test_an_experiment_of_another_initiative_is_refused() -> None:
    measure = saved(define())
    with pytest.raises(InvalidField, match="belongs to another initiative") as refused:
        measure.annotate(
            actor=ACTOR,
            annotation_id=uuid4(),
            day=date(2019, 4, 1),
            text="Tarkistuslista",
            experiment=experiment_of(uuid4()),
            occurred_on=None,
        )
    assert refused.value.field == "experiment_id"


@pytest.mark.parametrize(
    ("day", "text", "field"),
    [(date(2019, 4, 1), "  ", "text"), (date.today() + timedelta(days=5), "Lista", "day")],
)
def test_an_annotation_needs_text_and_a_day_that_has_come(day: date, text: str, field: str) -> None:
    measure = saved(define())
    with pytest.raises(InvalidField) as refused:
        measure.annotate(
            actor=ACTOR, annotation_id=uuid4(), day=day, text=text, experiment=None, occurred_on=None
        )
    assert refused.value.field == field


def test_every_measure_event_has_an_explicit_topic() -> None:
    for event in (
        Measure.Defined,
        Measure.Edited,
        Measure.ValueRecorded,
        Measure.ValueCorrected,
        Measure.Annotated,
    ):
        assert event.__dict__["TOPIC"] == f"kipina:Measure.{event.__name__}"
    assert Measure.__dict__["TOPIC"] == "kipina:Measure"


# ---- plausible periods and numbers --------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "period"),
    [
        ("monthly", "0001-01"),
        ("weekly", "0001-W01"),
        ("quarterly", "1899-Q4"),
        ("daily", "0001-01-01"),
    ],
)
def test_a_period_outside_1900_to_2100_is_refused(frequency: str, period: str) -> None:
    measure = saved(define(frequency=frequency))
    with pytest.raises(InvalidField) as caught:
        record(measure, period, 1)
    assert caught.value.field == "period"
    assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail
    assert measure.pending_events == []


@pytest.mark.parametrize("value", [10**400, -(10**13), float("nan"), float("inf")])
def test_numbers_beyond_a_float_or_the_limit_are_refused_not_crashed_on(value: Any) -> None:
    measure = saved(define())
    with pytest.raises(InvalidField) as caught:
        record(measure, "2019-03", value)
    assert caught.value.field == "value"


def test_annotations_up_to_the_limit_then_refused() -> None:
    from domain.measure import ANNOTATIONS_MAX

    measure = saved(define())
    for _ in range(ANNOTATIONS_MAX):
        measure.annotate(
            actor=ACTOR,
            annotation_id=uuid4(),
            day=date(2019, 4, 1),
            text="Muutos",
            experiment=None,
            occurred_on=None,
        )
    version = measure.version
    with pytest.raises(RuleViolation) as caught:
        measure.annotate(
            actor=ACTOR,
            annotation_id=uuid4(),
            day=date(2019, 4, 1),
            text="Yksi liikaa",
            experiment=None,
            occurred_on=None,
        )
    assert (
        caught.value.detail
        == f"This measure already has {ANNOTATIONS_MAX} annotations, the most one chart can show."
    )
    assert measure.version == version
