"""The Experiment aggregate on its own: the PDSA stages, the order they must come in,
and every refusal.

Pure domain, no I/O. The cases come from Hamina's internal developers (seed 004),
who try ideas "nopealla syklillä", in fast cycles. Each refused command is checked
three ways: the error class, a sentence that says what must happen first, and that
nothing was recorded (no new pending event, version unchanged).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import DomainError, IllegalTransition, InvalidField, RuleViolation
from domain.experiment import (
    CHANGE_IDEA_MAX,
    EDITABLE_FIELDS,
    MEASURES_MAX,
    TITLE_MAX,
    VALUES_MAX,
    Decision,
    Experiment,
    Stage,
    allowed_steps,
)
from domain.initiative import Initiative

ACTOR = uuid4()
TITLE = "Kiirevastaanoton ajanvaraus Facebookissa"
IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
TOMORROW = datetime.now(UTC).date() + timedelta(days=3)

CANCELLED_SENTENCE = (
    "This experiment was cancelled; nothing more can be recorded on it. Plan a new experiment instead."
)

# The stages' steps written out by hand, so the test pins the rules instead of reading them back.
EXPECTED_STEPS: dict[Stage, list[str]] = {
    Stage.PLANNED: ["edit", "start", "cancel"],
    Stage.STARTED: ["edit", "record_observation", "study", "cancel"],
    Stage.STUDIED: ["decide", "cancel"],
    Stage.DECIDED: [],
    Stage.CANCELLED: [],
}


def hamina_initiative(**fields: Any) -> Initiative:
    return Initiative.propose(
        initiative_id=uuid4(),
        actor=ACTOR,
        occurred_on=None,
        fields={"title": "Sisäinen kehittäjä: terveyspalvelut", "organisation_id": uuid4(), **fields},
    )


def planned(initiative: Initiative | None = None, **fields: Any) -> Experiment:
    return Experiment.plan(
        experiment_id=uuid4(),
        initiative=initiative or hamina_initiative(),
        actor=ACTOR,
        occurred_on=None,
        fields={"title": TITLE, "change_idea": IDEA, **fields},
    )


def at_stage(stage: Stage) -> Experiment:
    experiment = planned()
    if stage is Stage.CANCELLED:
        experiment.cancel(actor=ACTOR, reason="Tamora Oy:n koulutuspäivä siirtyi", occurred_on=None)
        return experiment
    if stage is Stage.PLANNED:
        return experiment
    experiment.start(actor=ACTOR, occurred_on=None)
    if stage is Stage.STARTED:
        return experiment
    experiment.study(actor=ACTOR, result="Jonot lyhenivät", learning="Aamun viesti toimii", occurred_on=None)
    if stage is Stage.STUDIED:
        return experiment
    experiment.decide(actor=ACTOR, decision="adopt", rationale="", occurred_on=None)
    return experiment


@contextmanager
def refused(experiment: Experiment, error: type[DomainError], sentence: str | None = None) -> Iterator[None]:
    """The block raises `error` (with `sentence` as its detail, if given) and records nothing."""
    events_before = len(experiment.pending_events)
    version_before = experiment.version
    stage_before = experiment.stage
    with pytest.raises(error) as raised:
        yield
    assert len(experiment.pending_events) == events_before, "a refused command recorded an event"
    assert experiment.version == version_before
    assert experiment.stage is stage_before
    detail = raised.value.detail
    assert len(detail.split()) >= 4 and detail.endswith("."), detail
    if sentence is not None:
        assert detail == sentence


# ---- planning ------------------------------------------------------------------------


def test_only_a_title_and_the_change_idea_are_needed() -> None:
    initiative = hamina_initiative()
    experiment = planned(initiative, title=f"  {TITLE}  ")

    assert experiment.stage is Stage.PLANNED
    assert experiment.title == TITLE, "trimmed"
    assert experiment.change_idea == IDEA
    assert experiment.initiative_id == initiative.id
    assert experiment.organisation_id == initiative.organisation_id
    assert (experiment.follows, experiment.cycle) == (None, 1)
    assert (experiment.question, experiment.prediction, experiment.measures) == ("", "", [])
    assert (experiment.planned_start, experiment.planned_end) == (None, None)
    [event] = experiment.pending_events
    assert isinstance(event, Experiment.Planned)
    assert event.actor == ACTOR


def test_the_whole_plan_can_be_given_at_once() -> None:
    experiment = planned(
        question="Lyheneekö kiirevastaanoton puhelinjono, kun vapaat ajat näkyvät somessa?",
        prediction="Odotamme, että aamun soittoja tulee kolmannes vähemmän.",
        plan_who="Sairaanhoitaja Suvi Koistinen",
        plan_what="Päivitys klo 8 terveyskioskin sivulle",
        plan_when="Kaksi viikkoa, arkiaamut",
        plan_where="Haminan terveysasema",
        measures=["Aamun puhelut", "aamun puhelut", "Vapaaksi jääneet ajat"],
        planned_start=date(2016, 11, 7),
        planned_end=date(2016, 11, 18),
    )
    assert experiment.measures == ["Aamun puhelut", "Vapaaksi jääneet ajat"], "duplicates dropped"
    assert experiment.plan_who == "Sairaanhoitaja Suvi Koistinen"
    assert (experiment.planned_start, experiment.planned_end) == (date(2016, 11, 7), date(2016, 11, 18))


@pytest.mark.parametrize("missing", ["title", "change_idea"])
def test_title_and_change_idea_are_required(missing: str) -> None:
    fields = {"title": TITLE, "change_idea": IDEA}
    del fields[missing]
    with pytest.raises(InvalidField) as raised:
        Experiment.plan(
            experiment_id=uuid4(),
            initiative=hamina_initiative(),
            actor=ACTOR,
            occurred_on=None,
            fields=fields,
        )
    assert raised.value.field == missing
    assert raised.value.detail == f"{missing} is required and cannot be blank."


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"change_idea": ""}, "change_idea"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title"),
        ({"change_idea": "x" * (CHANGE_IDEA_MAX + 1)}, "change_idea"),
        ({"measures": [f"mittari {n}" for n in range(MEASURES_MAX + 1)]}, "measures"),
        ({"prediction": "NUL\x00"}, "prediction"),
        ({"colour": "red"}, "colour"),
        ({"planned_start": "2016-11-07"}, "planned_start"),
        ({"planned_start": date(2016, 11, 18), "planned_end": date(2016, 11, 7)}, "planned_end"),
    ],
)
def test_invalid_plan_fields_are_refused_with_the_field_named(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        planned(**fields)
    assert raised.value.field == field
    assert len(raised.value.detail.split()) >= 4


def test_no_experiment_under_a_closed_initiative() -> None:
    initiative = hamina_initiative()
    initiative.move("discontinue", actor=ACTOR, occurred_on=None, reason="Hanke päättyi", lessons="Jatkuu")
    with pytest.raises(RuleViolation) as raised:
        planned(initiative)
    assert raised.value.detail == (
        "Cannot plan an experiment under this initiative: it is discontinued, which is final."
    )


def test_an_experiment_cannot_be_planned_in_the_future() -> None:
    with pytest.raises(InvalidField) as raised:
        Experiment.plan(
            experiment_id=uuid4(),
            initiative=hamina_initiative(),
            actor=ACTOR,
            occurred_on=TOMORROW,
            fields={"title": TITLE, "change_idea": IDEA},
        )
    assert raised.value.field == "occurred_on"


# ---- the stages -------------------------------------------------------------------------


def test_the_steps_allowed_at_each_stage() -> None:
    for stage, steps in EXPECTED_STEPS.items():
        assert allowed_steps(stage) == steps, stage
        assert allowed_steps(at_stage(stage).stage) == steps


def test_a_full_cycle_plan_do_study_act() -> None:
    experiment = planned(prediction="Odotamme vähemmän aamusoittoja.")
    experiment.start(actor=ACTOR, occurred_on=date(2016, 11, 7))
    experiment.record_observation(
        actor=ACTOR,
        observation_id=uuid4(),
        text="Ensimmäinen aamu: 12 soittoa, ennen noin 20.",
        values=[{"name": "aamun puhelut", "value": 12}, {"name": "vapaat ajat", "value": 3.5}],
        occurred_on=date(2016, 11, 7),
    )
    experiment.record_observation(
        actor=ACTOR, observation_id=uuid4(), text="Toinen aamu hiljaisempi.", values=[], occurred_on=None
    )
    experiment.study(
        actor=ACTOR,
        result="Soittoja tuli 40 % vähemmän; ennuste piti.",
        learning="Aamun päivitys pitää tehdä ennen kahdeksaa.",
        occurred_on=None,
    )
    experiment.decide(
        actor=ACTOR, decision="adopt", rationale="Käytäntöön koko terveysasemalle.", occurred_on=None
    )

    assert experiment.stage is Stage.DECIDED
    assert experiment.decision is Decision.ADOPT
    assert experiment.rationale == "Käytäntöön koko terveysasemalle."
    assert experiment.result.startswith("Soittoja tuli 40 %")
    assert [o["values"] for o in experiment.observations] == [
        [{"name": "aamun puhelut", "value": 12}, {"name": "vapaat ajat", "value": 3.5}],
        [],
    ]
    assert [type(e).__name__ for e in experiment.pending_events] == [
        "Planned",
        "Started",
        "ObservationRecorded",
        "ObservationRecorded",
        "Studied",
        "Decided",
    ]
    assert experiment.pending_events[1].occurred_on == date(2016, 11, 7), "a start can be back-dated"
    assert experiment.version == 6


@pytest.mark.parametrize(
    ("stage", "step", "sentence"),
    [
        (Stage.PLANNED, "observe", "Record observations only while the experiment runs: start it first."),
        (
            Stage.STUDIED,
            "observe",
            "Record observations only while the experiment runs: it is studied already.",
        ),
        (Stage.PLANNED, "study", "Study the results only after the experiment ran: start it first."),
        (Stage.STUDIED, "study", "This experiment has been studied already."),
        (
            Stage.PLANNED,
            "decide",
            "Decide only after studying the results: start the experiment and study it first.",
        ),
        (Stage.STARTED, "decide", "Decide only after studying the results: study it first."),
        (
            Stage.DECIDED,
            "decide",
            "This experiment has been decided already. To change course, plan a new cycle.",
        ),
        (Stage.STARTED, "start", "This experiment has started already: record observations, then study it."),
        (
            Stage.DECIDED,
            "start",
            "Cannot start this experiment: it is decided. To try again, plan a new cycle.",
        ),
        (Stage.DECIDED, "cancel", "Cannot cancel this experiment: it is decided, and a decision is final."),
        (
            Stage.STUDIED,
            "edit",
            "Cannot change the plan of this experiment: it is studied. "
            "The plan can change only while it is planned or running.",
        ),
        (
            Stage.CANCELLED,
            "observe",
            CANCELLED_SENTENCE,
        ),
        (
            Stage.CANCELLED,
            "cancel",
            CANCELLED_SENTENCE,
        ),
    ],
)
def test_a_step_out_of_order_says_what_must_happen_first(stage: Stage, step: str, sentence: str) -> None:
    experiment = at_stage(stage)
    with refused(experiment, IllegalTransition, sentence):
        _do(experiment, step)
    try:
        _do(experiment, step)
    except IllegalTransition as error:
        assert error.allowed == EXPECTED_STEPS[stage], "the refusal lists what is allowed now"


def _do(experiment: Experiment, step: str) -> None:
    if step == "observe":
        experiment.record_observation(
            actor=ACTOR, observation_id=uuid4(), text="Havainto", values=[], occurred_on=None
        )
    elif step == "study":
        experiment.study(actor=ACTOR, result="Tulos", learning="Opittu", occurred_on=None)
    elif step == "decide":
        experiment.decide(actor=ACTOR, decision="adapt", rationale="", occurred_on=None)
    elif step == "start":
        experiment.start(actor=ACTOR, occurred_on=None)
    elif step == "cancel":
        experiment.cancel(actor=ACTOR, reason="Syy", occurred_on=None)
    elif step == "edit":
        experiment.edit(actor=ACTOR, fields={"prediction": "Uusi ennuste"})
    else:
        raise AssertionError(step)


@pytest.mark.parametrize("stage", [Stage.PLANNED, Stage.STARTED, Stage.STUDIED])
def test_cancel_from_any_open_stage_needs_a_reason(stage: Stage) -> None:
    experiment = at_stage(stage)
    with refused(experiment, InvalidField, "reason is required and cannot be blank."):
        experiment.cancel(actor=ACTOR, reason="  ", occurred_on=None)
    experiment.cancel(actor=ACTOR, reason="Henkilöstö siirtyi rokotuksiin", occurred_on=None)
    assert experiment.stage is Stage.CANCELLED
    assert experiment.cancel_reason == "Henkilöstö siirtyi rokotuksiin"


def test_study_needs_both_the_result_and_the_learning() -> None:
    experiment = at_stage(Stage.STARTED)
    with refused(experiment, InvalidField, "result is required and cannot be blank."):
        experiment.study(actor=ACTOR, result="", learning="Opittu", occurred_on=None)
    with refused(experiment, InvalidField, "learning is required and cannot be blank."):
        experiment.study(actor=ACTOR, result="Tulos", learning=" ", occurred_on=None)


def test_an_observation_needs_text_and_finite_numbers() -> None:
    experiment = at_stage(Stage.STARTED)

    def observe(text: str, values: list[dict[str, Any]], occurred_on: date | None = None) -> None:
        experiment.record_observation(
            actor=ACTOR, observation_id=uuid4(), text=text, values=values, occurred_on=occurred_on
        )

    with refused(experiment, InvalidField, "text is required and cannot be blank."):
        observe(" ", [])
    for bad in ("12", None, True, float("nan"), float("inf")):
        with refused(experiment, InvalidField, "Each observed value must be a finite number."):
            observe("Havainto", [{"name": "puhelut", "value": bad}])
    with refused(experiment, InvalidField):
        observe("Havainto", [{"name": f"n{i}", "value": i} for i in range(VALUES_MAX + 1)])
    with refused(experiment, InvalidField):
        observe("Havainto", [], occurred_on=TOMORROW)
    observe("Havainto", [{"value": 7}])
    assert experiment.observations[-1]["values"] == [{"name": "", "value": 7}], "the name is optional"


def test_an_unknown_decision_is_refused() -> None:
    experiment = at_stage(Stage.STUDIED)
    with refused(experiment, InvalidField, "'keep' is not a decision; use one of: adopt, adapt, abandon."):
        experiment.decide(actor=ACTOR, decision="keep", rationale="", occurred_on=None)


# ---- edits ---------------------------------------------------------------------------------


def test_an_edit_records_only_what_changed_while_planned_or_running() -> None:
    experiment = planned(prediction="Vanha ennuste")
    experiment.edit(actor=ACTOR, fields={"prediction": "Vanha ennuste", "title": TITLE})
    assert len(experiment.pending_events) == 1, "nothing changed, nothing recorded"
    experiment.edit(actor=ACTOR, fields={"prediction": "Uusi ennuste", "planned_start": date(2016, 11, 7)})
    experiment.start(actor=ACTOR, occurred_on=None)
    experiment.edit(actor=ACTOR, fields={"measures": ["Aamun puhelut"]})
    edits = [e for e in experiment.pending_events if isinstance(e, Experiment.Edited)]
    assert [e.changes for e in edits] == [
        {"prediction": "Uusi ennuste", "planned_start": date(2016, 11, 7)},
        {"measures": ["Aamun puhelut"]},
    ]
    assert set(EDITABLE_FIELDS) >= {"prediction", "planned_start", "measures"}


def test_an_edit_cannot_make_the_plan_end_before_it_starts() -> None:
    experiment = planned(planned_start=date(2016, 11, 7))
    with refused(experiment, InvalidField):
        experiment.edit(actor=ACTOR, fields={"planned_end": date(2016, 11, 1)})


# ---- the next cycle --------------------------------------------------------------------------


def test_adapt_plans_the_next_cycle_linked_to_this_one() -> None:
    initiative = hamina_initiative()
    first = at_stage(Stage.STUDIED)
    next_id = uuid4()
    first.decide(
        actor=ACTOR,
        decision="adapt",
        rationale="Myös iltapäivän ajat",
        occurred_on=None,
        next_cycle_id=next_id,
    )
    second = first.plan_next_cycle(
        experiment_id=next_id, initiative=initiative, actor=ACTOR, fields={"prediction": "Iltapäivälläkin"}
    )

    assert first.decision is Decision.ADAPT and first.next_cycle_id == next_id
    assert second.id == next_id
    assert (second.follows, second.cycle) == (first.id, 2)
    assert (second.title, second.change_idea) == (first.title, first.change_idea), "carried over"
    assert second.prediction == "Iltapäivälläkin"
    assert second.stage is Stage.PLANNED


@pytest.mark.parametrize("decision", ["adopt", "abandon"])
def test_only_adapt_plans_a_next_cycle(decision: str) -> None:
    experiment = at_stage(Stage.STUDIED)
    with refused(experiment, InvalidField):
        experiment.decide(
            actor=ACTOR, decision=decision, rationale="", occurred_on=None, next_cycle_id=uuid4()
        )


@pytest.mark.parametrize("field", ["planned_start", "planned_end"])
def test_a_planned_day_outside_1900_to_2100_is_refused(field: str) -> None:
    with pytest.raises(InvalidField) as caught:
        planned(**{field: date(9999, 1, 1)})
    assert caught.value.field == field
    assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail
