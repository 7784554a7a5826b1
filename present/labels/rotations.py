"""Job-rotation placements' words (they share proposed and completed with initiatives)."""

from __future__ import annotations

from present.labels.marker import N_

STATUS = {
    "approved": N_("Approved"),
    "started": N_("Started"),
    "cancelled": N_("Cancelled"),
}


EVENT = {
    "Approved": N_("Approved"),
    "Rescheduled": N_("Rescheduled"),
    "ReflectionRecorded": N_("Reflection recorded"),
}


FIELD = {
    "home_organisation_id": N_("Home organisation"),
    "home_unit_id": N_("Home unit"),
    "host_organisation_id": N_("Host organisation"),
    "host_unit_id": N_("Host unit"),
    "starts_on": N_("First day"),
    "ends_on": N_("Last day"),
    "learning_goals": N_("Learning goals"),
    "mentor_id": N_("Mentor"),
    "initiative_id": N_("Initiative"),
    "reflection": N_("Reflection"),
    "learned": N_("What was learned"),
    "bring_home": N_("What the person brings home"),
    "host_feedback": N_("Feedback from the host unit"),
    "reschedule_reason": N_("Reason for rescheduling"),
    "early_start_reason": N_("Started before its planned first day, because"),
    "early_end_reason": N_("Completed before its planned last day, because"),
}


FLASH = {
    "rotation_proposed": N_("The placement was proposed."),
    "rotation_moved": N_("The placement's status was changed."),
    "rotation_rescheduled": N_("The placement was rescheduled."),
    "rotation_saved": N_("The placement's changes were saved."),
    "reflection_added": N_("The reflection was recorded."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
