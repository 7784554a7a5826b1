"""An experiment told after it ran (`Experiment.log_done`) and the title a quick plan takes
from its change idea (`title_from`), on their own: pure domain, no I/O.

Told afterwards, an experiment has the events it would have had (planned, started,
studied, decided), dated when they happened; any refused part refuses the whole, with
every refusal at once and no event triggered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidFields, RuleViolation
from domain.experiment import (
    STUDY_MAX,
    TITLE_SHORT,
    Decision,
    Experiment,
    Stage,
    title_from,
)
from domain.initiative import Initiative

ACTOR = uuid4()
IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
TODAY = datetime.now(UTC).date()


def initiative() -> Initiative:
    return Initiative.propose(
        initiative_id=uuid4(),
        actor=ACTOR,
        occurred_on=None,
        fields={"title": "Sisäinen kehittäjä: terveyspalvelut", "organisation_id": uuid4()},
    )


def done(**changes: Any) -> Experiment:
    given: dict[str, Any] = {
        "fields": {"title": "Vapaat ajat Facebookissa", "change_idea": IDEA},
        "started_on": date(2026, 3, 2),
        "ended_on": date(2026, 3, 20),
        "result": "Soittoja tuli 40 % vähemmän.",
        "learning": "Päivitys ennen kahdeksaa.",
        "decision": "adapt",
        "rationale": "",
        **changes,
    }
    return Experiment.log_done(experiment_id=uuid4(), initiative=initiative(), actor=ACTOR, **given)


def refused_fields(**changes: Any) -> list[str]:
    with pytest.raises(InvalidFields) as refused:
        done(**changes)
    return [error.field for error in refused.value.errors]


def test_an_experiment_told_afterwards_has_the_whole_cycle_dated_when_it_happened() -> None:
    experiment = done()
    events = experiment.collect_events()
    assert [type(e).__name__ for e in events] == ["Planned", "Started", "Studied", "Decided"]
    assert [e.occurred_on for e in events] == [date(2026, 3, 2)] * 2 + [date(2026, 3, 20)] * 2
    assert experiment.stage is Stage.DECIDED and experiment.decision is Decision.ADAPT
    assert (experiment.planned_start, experiment.planned_end) == (date(2026, 3, 2), date(2026, 3, 20))
    assert (experiment.result, experiment.learning) == (
        "Soittoja tuli 40 % vähemmän.",
        "Päivitys ennen kahdeksaa.",
    )


def test_without_days_the_cycle_is_told_as_of_today() -> None:
    experiment = done(started_on=None, ended_on=None)
    assert [e.occurred_on for e in experiment.collect_events()] == [None] * 4
    assert experiment.stage is Stage.DECIDED


def test_every_refused_part_is_named_at_once_in_the_forms_order() -> None:
    assert refused_fields(
        fields={"change_idea": ""},
        started_on=TODAY + timedelta(days=10),
        result="",
        learning="x" * (STUDY_MAX + 1),
        decision="",
        rationale="y" * (STUDY_MAX + 1),
    ) == ["title", "change_idea", "started_on", "result", "learning", "decision", "rationale"]


def test_an_end_before_the_start_is_refused_on_the_end() -> None:
    with pytest.raises(InvalidFields) as refused:
        done(started_on=date(2026, 3, 20), ended_on=date(2026, 3, 2))
    (error,) = refused.value.errors
    assert error.field == "ended_on"
    assert error.params == {"field": "ended_on", "end": "2026-03-02", "start": "2026-03-20"}


def test_an_unknown_decision_and_a_missing_one_say_different_things() -> None:
    assert refused_fields(decision="spread") == ["decision"]
    with pytest.raises(InvalidFields) as missing:
        done(decision="  ")
    assert missing.value.errors[0].message == "Choose whether to adopt, adapt or abandon the change."


def test_a_final_initiative_takes_no_experiment_told_afterwards() -> None:
    closed = initiative()
    closed.move(
        "discontinue", actor=ACTOR, occurred_on=None, reason="Ei resursseja.", lessons="Liian iso pala."
    )
    with pytest.raises(RuleViolation):
        Experiment.log_done(
            experiment_id=uuid4(),
            initiative=closed,
            actor=ACTOR,
            fields={"title": "Aamu", "change_idea": IDEA},
            started_on=None,
            ended_on=None,
            result="r",
            learning="l",
            decision="adopt",
            rationale="",
        )


@pytest.mark.parametrize(
    ("idea", "title"),
    [
        ("Aamupalaverit seisten", "Aamupalaverit seisten"),
        ("  \n  Ensimmäinen rivi\nToinen rivi", "Ensimmäinen rivi"),
        ("", ""),
        ("x" * 200, "x" * (TITLE_SHORT - 1) + "…"),
    ],
)
def test_a_title_from_the_change_idea_is_its_first_line_cut_at_a_word(idea: str, title: str) -> None:
    assert title_from(idea) == title


def test_a_long_change_idea_is_cut_at_a_word_boundary() -> None:
    long_idea = (
        "Kiirevastaanoton vapaat ajat kerrotaan aamulla Facebookissa, jolloin soittoja tulee "
        "vähemmän ja jono lyhenee."
    )
    title = title_from(long_idea)
    assert len(title) <= TITLE_SHORT and title.endswith("…")
    assert long_idea.startswith(title.removesuffix("…"))
    assert title.removesuffix("…").endswith("soittoja")
