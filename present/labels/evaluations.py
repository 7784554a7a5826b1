"""Evaluations of an initiative: methods, recommendations and the areas of effect."""

from __future__ import annotations

from present.labels.marker import N_

METHOD = {
    "self_assessment": N_("Self-assessment"),
    "survey": N_("Survey"),
    "measures": N_("Measures"),
    "external": N_("External evaluation"),
}


RECOMMENDATION = {
    "continue": N_("Continue"),
    "spread": N_("Spread further"),
    "adapt": N_("Adapt"),
    "stop": N_("Stop"),
}


EFFECT_AREA = {
    "staff": N_("Effects on staff"),
    "users": N_("Effects on users and customers"),
    "quality": N_("Effects on quality"),
    "economy": N_("Effects on economy"),
}


STATUS: dict[str, str] = {}


EVENT = {
    "EvaluationRecorded": N_("Evaluation recorded"),
}


FIELD = {
    "evaluation": N_("Evaluation"),
    "evaluated_on": N_("Evaluated on"),
    "method": N_("Method"),
    "effects": N_("Effects"),
    "costs": N_("Costs"),
    "worked": N_("What worked"),
    "did_not_work": N_("What did not work"),
    "recommendation": N_("Recommendation"),
}


FLASH = {
    "evaluation_recorded": N_("The evaluation was recorded."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
