"""Evaluation (arviointi; KS step 7 "evaluering og oppfølging"): did the change make a
difference, and what should happen next?

An evaluation is an event of the initiative (`Initiative.EvaluationRecorded`), so the
initiative's history stays complete; an initiative may be evaluated several times
(a first look after a pilot, a yearly follow-up after it spread). The latest one,
by `evaluated_on`, is shown as a hint when people decide to complete or spread the
work, but the move itself stays a human choice: nothing moves automatically.

The KS model asks for effects on staff, on users (customers) and on quality, and
the economy matters to every municipality: each area has a text and, optionally,
a few figures such as `{"label": "kotikäynnit / vk", "value": 112, "unit": "kpl"}`.

This module only cleans values; `Initiative.record_evaluation` decides when an
evaluation can be recorded.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from domain.errors import InvalidField
from domain.values import finite_number, optional_text, past_or_today, required_text


class Method(StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    SURVEY = "survey"
    MEASURES = "measures"
    EXTERNAL = "external"


class Recommendation(StrEnum):
    CONTINUE = "continue"
    SPREAD = "spread"
    ADAPT = "adapt"
    STOP = "stop"


EFFECT_AREAS = ("staff", "users", "quality", "economy")
FINDINGS = ("worked", "did_not_work", "lessons")
TEXT_MAX = 5000
FIGURES_MAX = 10
LABEL_MAX = 100
UNIT_MAX = 20
# A plausible upper bound for a municipality's costs in euros; larger is a typing slip.
AMOUNT_MAX = 1_000_000_000


def clean_evaluation(
    *,
    evaluated_on: Any,
    method: Any,
    recommendation: Any,
    effects: Any = None,
    costs: Any = None,
    worked: Any = "",
    did_not_work: Any = "",
    lessons: Any = "",
) -> dict[str, Any]:
    """Validate an evaluation's values; returns them cleaned.

    `effects` maps an area (staff, users, quality, economy) to `{text, figures}`; areas
    left out come back with an empty text and no figures, so every evaluation has the
    same shape. At least one finding (an effect, what worked, what did not, a lesson)
    is needed: an evaluation that says nothing is not one.
    """
    cleaned: dict[str, Any] = {
        "evaluated_on": _evaluated_on(evaluated_on),
        "method": _method(method),
        "recommendation": _recommendation(recommendation),
        "effects": _effects(effects),
        "costs": _costs(costs),
    }
    for name, value in (("worked", worked), ("did_not_work", did_not_work), ("lessons", lessons)):
        cleaned[name] = optional_text(name, _text(name, value), max_length=TEXT_MAX)
    effects_said = [e["text"] or e["figures"] for e in cleaned["effects"].values()]
    if not any([cleaned[name] for name in FINDINGS] + effects_said):
        raise InvalidField(
            "effects",
            "An evaluation needs at least one finding: an effect on staff, users, quality or economy, "
            "what worked, what did not, or a lesson learned.",
        )
    return cleaned


def _evaluated_on(value: Any) -> date:
    if value is None:
        raise InvalidField("evaluated_on", "{field} is required: give the day of the evaluation.")
    if not isinstance(value, date):
        raise InvalidField("evaluated_on", "{field} must be a date such as 2012-12-14.")
    checked = past_or_today("evaluated_on", value)
    assert checked is not None
    return checked


def _method(value: Any) -> str:
    try:
        return Method(value).value
    except ValueError:
        raise InvalidField(
            "method", "{field} must be self_assessment, survey, measures or external."
        ) from None


def _recommendation(value: Any) -> str:
    try:
        return Recommendation(value).value
    except ValueError:
        raise InvalidField("recommendation", "{field} must be continue, spread, adapt or stop.") from None


def _text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidField(field, "{field} must be text.")
    return value


def _effects(value: Any) -> dict[str, dict[str, Any]]:
    given = value or {}
    if not isinstance(given, dict):
        raise InvalidField(
            "effects", "{field} must map staff, users, quality and economy to a text and figures."
        )
    for area in given:
        if area not in EFFECT_AREAS:
            raise InvalidField(
                f"effects.{area}", "{field} is not an area of effects: use staff, users, quality or economy."
            )
    return {area: _effect(area, given.get(area)) for area in EFFECT_AREAS}


def _effect(area: str, value: Any) -> dict[str, Any]:
    field = f"effects.{area}"
    given = value or {}
    if not isinstance(given, dict) or set(given) - {"text", "figures"}:
        raise InvalidField(field, "{field} must have a text and optional figures, nothing else.")
    text = optional_text(f"{field}.text", _text(f"{field}.text", given.get("text")), max_length=TEXT_MAX)
    return {"text": text, "figures": _figures(f"{field}.figures", given.get("figures"))}


def _figures(field: str, value: Any) -> list[dict[str, Any]]:
    given = value or []
    if not isinstance(given, list):
        raise InvalidField(field, "{field} must be a list of {{label, value, unit}} figures.")
    if len(given) > FIGURES_MAX:
        raise InvalidField(
            field, "{field} has {count} entries; the limit is {limit}.", count=len(given), limit=FIGURES_MAX
        )
    return [_figure(f"{field}.{index}", figure) for index, figure in enumerate(given)]


def _figure(field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) - {"label", "value", "unit"}:
        raise InvalidField(field, "{field} must be a figure with a label, a value and an optional unit.")
    label = required_text(f"{field}.label", _text(f"{field}.label", value.get("label")), max_length=LABEL_MAX)
    unit = optional_text(f"{field}.unit", _text(f"{field}.unit", value.get("unit")), max_length=UNIT_MAX)
    return {"label": label, "value": _number(f"{field}.value", value.get("value")), "unit": unit}


def _number(field: str, value: Any) -> float:
    if not finite_number(value):
        raise InvalidField(field, "{field} must be a number.")
    return float(value)


def _costs(value: Any) -> dict[str, Any]:
    given = value or {}
    if not isinstance(given, dict) or set(given) - {"text", "amount_eur"}:
        raise InvalidField("costs", "{field} must have a text and an optional amount in euros, nothing else.")
    text = optional_text("costs.text", _text("costs.text", given.get("text")), max_length=TEXT_MAX)
    amount = given.get("amount_eur")
    if amount is not None:
        amount = _number("costs.amount_eur", amount)
        if not 0 <= amount <= AMOUNT_MAX:
            raise InvalidField(
                "costs.amount_eur",
                "{field} must be between 0 and {limit} euros.",
                limit=AMOUNT_MAX,
            )
    return {"text": text, "amount_eur": amount}
