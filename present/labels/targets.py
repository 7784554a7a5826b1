"""Development targets and the yearly follow-up (the KS model's steps 5–7, seed 002): strategies,
responsible roles, reviews, and the kinds of record a target links."""

from __future__ import annotations

from present.labels.marker import N_

# The KS model's four strategies (seed 002, step 6), each with its one-line meaning.
STRATEGY = {
    "mobilise": N_("Mobilise"),
    "develop": N_("Develop"),
    "acquire": N_("Acquire"),
    "phase_out": N_("Phase out"),
}


STRATEGY_MEANING = {
    "mobilise": N_("Put the competence our staff already have to better use."),
    "develop": N_("Develop our staff's competence through learning at work and training."),
    "acquire": N_("Acquire competence we lack through recruitment or cooperation with others."),
    "phase_out": N_("Phase out competence and tasks that are no longer needed."),
}


RESPONSIBLE_ROLE = {
    "top_management_hr": N_("Top management / HR"),
    "unit_manager": N_("Unit manager"),
    "first_line_manager": N_("First-line manager"),
}


REVIEW_STATUS = {
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "off_track": N_("Off track"),
    "achieved": N_("Achieved"),
}


REVIEW_DECISION = {
    "continue": N_("Continue"),
    "adjust": N_("Adjust"),
    "retire": N_("Retire (recommended)"),
}


# The kinds of record a development target links, as its history shows them.
RECORD_TYPE = {
    "initiative": N_("Initiative"),
    "rotation": N_("Rotation placement"),
    "change_action": N_("Change Day action"),
}


STATUS = {
    "active": N_("Active"),
    "retired": N_("Retired"),
}


EVENT = {
    "Linked": N_("Record linked"),
    "Unlinked": N_("Record unlinked"),
    "Reviewed": N_("Yearly review recorded"),
    "Retired": N_("Retired"),
    "LinkedToTarget": N_("Linked to a development target"),
    "UnlinkedFromTarget": N_("Unlinked from a development target"),
    "TargetLinked": N_("Linked to a development target"),
    "TargetUnlinked": N_("Unlinked from a development target"),
}


FIELD = {
    "strategy_goal": N_("Strategy goal it serves"),
    "strategy": N_("Strategy"),
    "responsible_role": N_("Responsible role"),
    "links": N_("Linked record"),
    "unlink_reason": N_("Reason for unlinking"),
    "cross_organisation": N_("Linked across organisations"),
    "reviews": N_("Review"),
    "retired_reason": N_("Reason for retiring"),
    "target_id": N_("Development target"),
    "targets": N_("Development target"),
    "year": N_("Year"),
    "what_changed": N_("What changed"),
    "record_id": N_("Record"),
    "record_type": N_("Kind of record"),
    "review_corrects": N_("Corrects an earlier review"),
}


FLASH = {
    "target_defined": N_("The development target was defined."),
    "target_saved": N_("The development target's changes were saved."),
    "target_linked": N_("The record was linked to the target."),
    "target_unlinked": N_("The record was unlinked. The link stays in the history."),
    "target_reviewed": N_("The yearly review was recorded."),
    "target_retired": N_("The development target was retired."),
}


EVENT_OF = {
    ("development_target", "Defined"): N_("Target defined"),
}
