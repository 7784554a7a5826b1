"""Change Day: campaigns, pledged actions and their categories, and the pledge import's columns."""

from __future__ import annotations

from present.labels.marker import N_

# Change Day action categories (domain.change_action.Category).
CATEGORY = {
    "patient_experience": N_("Patient or customer experience"),
    "working_together": N_("Working together"),
    "wellbeing_at_work": N_("Wellbeing at work"),
    "ways_of_working": N_("Ways of working"),
    "environment": N_("Environment"),
    "other": N_("Other"),
}


STATUS = {
    "pledged": N_("Pledged"),
    "withdrawn": N_("Withdrawn"),
}


EVENT = {
    "Created": N_("Created"),
    "Pledged": N_("Pledged"),
    "Withdrawn": N_("Withdrawn"),
    "InspiredBy": N_("Linked to its inspiration"),
}


FIELD = {
    "held_on": N_("Date"),
    "target_count": N_("Target number of pledges"),
    "campaign_id": N_("Campaign"),
    "team_name": N_("Team"),
    "category": N_("Category"),
    "story": N_("Story"),
    "withdrawal_reason": N_("Reason for withdrawing"),
    "inspired_by": N_("Inspired by"),
    "import_key": N_("Imported row"),
    "action_id": N_("Inspiring action"),
    "person_email": N_("E-mail"),
    "organisation": N_("Organisation"),
    "unit": N_("Unit"),
    "file": N_("File"),
}


FLASH = {
    "campaign_created": N_("The campaign was created."),
    "campaign_saved": N_("The campaign was saved."),
    "action_pledged": N_("Your action was pledged."),
    "action_completed": N_("Well done! The action is completed and its handprint awarded."),
    "action_withdrawn": N_("The action was withdrawn."),
    "action_linked": N_("The inspiring action was linked."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
