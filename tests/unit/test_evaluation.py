"""Evaluation values (domain/evaluation.py) and when an initiative can be evaluated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidField, RuleViolation
from domain.evaluation import clean_evaluation
from domain.initiative import Initiative

ACTOR = uuid4()
VALUES: dict[str, Any] = {
    "evaluated_on": date(2012, 12, 14),
    "method": "self_assessment",
    "recommendation": "spread",
    "lessons": "Opas kannattaa tehdä ennen ensimmäistä kiertoa.",
}


def test_a_clean_evaluation_has_every_area_and_plain_values() -> None:
    cleaned = clean_evaluation(
        **VALUES,
        effects={"staff": {"text": " Yhteistyö parani ", "figures": [{"label": "kierrot", "value": 6}]}},
        costs={"text": "Sijaiskulut", "amount_eur": 4800},
    )
    assert cleaned["effects"]["staff"] == {
        "text": "Yhteistyö parani",
        "figures": [{"label": "kierrot", "value": 6.0, "unit": ""}],
    }
    assert cleaned["effects"]["economy"] == {"text": "", "figures": []}
    assert cleaned["costs"] == {"text": "Sijaiskulut", "amount_eur": 4800.0}
    assert (cleaned["method"], cleaned["recommendation"]) == ("self_assessment", "spread")


def test_a_figure_alone_is_a_finding() -> None:
    values = {
        **VALUES,
        "lessons": "",
        "effects": {"quality": {"figures": [{"label": "poikkeamat", "value": 2}]}},
    }
    assert clean_evaluation(**values)["effects"]["quality"]["figures"][0]["value"] == 2.0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"evaluated_on": None}, "evaluated_on"),
        ({"evaluated_on": "2012-12-14"}, "evaluated_on"),
        ({"evaluated_on": datetime.now(UTC).date() + timedelta(days=3)}, "evaluated_on"),
        ({"method": "guess"}, "method"),
        ({"recommendation": "forget"}, "recommendation"),
        ({"lessons": ""}, "effects"),
        ({"effects": {"morale": {"text": "x"}}}, "effects.morale"),
        ({"effects": {"staff": {"text": "x", "score": 3}}}, "effects.staff"),
        (
            {"effects": {"staff": {"figures": [{"label": "x", "value": True}]}}},
            "effects.staff.figures.0.value",
        ),
        (
            {"effects": {"staff": {"figures": [{"label": "x", "value": float("nan")}]}}},
            "effects.staff.figures.0.value",
        ),
        ({"effects": {"staff": {"figures": [{"label": "x", "value": 1}] * 11}}}, "effects.staff.figures"),
        ({"costs": {"amount_eur": -1}}, "costs.amount_eur"),
        ({"costs": {"amount_eur": "100"}}, "costs.amount_eur"),
        ({"worked": 5}, "worked"),
    ],
)
def test_invalid_values_name_their_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        clean_evaluation(**{**VALUES, **change})
    assert refused.value.field == field


def initiative_in(*verbs: str) -> Initiative:
    initiative = Initiative.propose(
        initiative_id=uuid4(), actor=ACTOR, occurred_on=None, fields={"title": "Työkierto"}
    )
    for verb in verbs:
        kwargs = {"reason": "Ei resursseja", "lessons": "Liian laaja"} if verb == "discontinue" else {}
        initiative.move(verb, actor=ACTOR, occurred_on=None, **kwargs)
    return initiative


@pytest.mark.parametrize(
    "verbs",
    [
        ("plan", "start"),
        ("plan", "start", "evaluate"),
        ("plan", "start", "evaluate", "complete"),
        ("plan", "start", "evaluate", "complete", "spread"),
        ("plan", "start", "discontinue"),
        ("plan", "start", "pause"),
    ],
)
def test_started_work_can_be_evaluated(verbs: tuple[str, ...]) -> None:
    initiative = initiative_in(*verbs)
    initiative.record_evaluation(actor=ACTOR, evaluation_id=uuid4(), values=VALUES)
    event = initiative.pending_events[-1]
    assert isinstance(event, Initiative.EvaluationRecorded)
    assert event.occurred_on == event.evaluated_on == date(2012, 12, 14)
    assert initiative.status == initiative_in(*verbs).status  # nothing moves by itself


@pytest.mark.parametrize("verbs", [(), ("plan",), ("plan", "pause")])
def test_work_not_started_cannot_be_evaluated(verbs: tuple[str, ...]) -> None:
    initiative = initiative_in(*verbs)
    before = len(initiative.pending_events)
    with pytest.raises(RuleViolation):
        initiative.record_evaluation(actor=ACTOR, evaluation_id=uuid4(), values=VALUES)
    assert len(initiative.pending_events) == before
