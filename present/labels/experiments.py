"""Experiments (PDSA cycles): stages, decisions, events, fields and confirmations."""

from __future__ import annotations

from present.labels.marker import N_

STAGE = {
    "planned": N_("Planned"),
    "started": N_("Running"),
    "studied": N_("Studied"),
    "decided": N_("Decided"),
    "cancelled": N_("Cancelled"),
}


DECISION = {
    "adopt": N_("Adopt"),
    "adapt": N_("Adapt"),
    "abandon": N_("Abandon"),
}


STATUS: dict[str, str] = {}


EVENT = {
    "ObservationRecorded": N_("Observation recorded"),
    "Studied": N_("Studied"),
    "Decided": N_("Decided"),
    "Cancelled": N_("Cancelled"),
}


FIELD = {
    "question": N_("Question"),
    "change_idea": N_("Change idea"),
    "prediction": N_("Prediction"),
    "plan_who": N_("Who"),
    "plan_what": N_("What"),
    "plan_when": N_("When"),
    "plan_where": N_("Where"),
    "measures": N_("Measures"),
    "planned_start": N_("Planned start"),
    "planned_end": N_("Planned end"),
    "stage": N_("Stage"),
    "observation": N_("Observation"),
    "values": N_("Value"),
    "result": N_("Result against the prediction"),
    "learning": N_("What we learned"),
    "decision": N_("Decision"),
    "rationale": N_("Rationale"),
    "cancel_reason": N_("Reason for cancelling"),
    "follows": N_("Follows the cycle"),
    "next_cycle_id": N_("Next cycle"),
}


FLASH = {
    "experiment_planned": N_("The experiment was planned."),
    "experiment_logged": N_("The experiment was recorded with its study and decision."),
    "experiment_saved": N_("The plan was saved."),
    "experiment_started": N_("The experiment was started."),
    "observation_added": N_("The observation was recorded."),
    "experiment_studied": N_("The study was recorded."),
    "experiment_decided": N_("The decision was recorded."),
    "experiment_cancelled": N_("The experiment was cancelled."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
