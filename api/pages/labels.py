"""Words the pages show for the domain's codes: statuses, moves, event types,
field names, organisation kinds and one-off confirmations.

Each is an English msgid marked with `N_` so `make messages` extracts it; the
templates translate it when they show it (`_(labels.STATUS[status])`).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


# How pages name a person whose details were erased from the people registry.
ERASED_PERSON = N_("erased person")

STATUS = {
    "proposed": N_("Proposed"),
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "evaluating": N_("Evaluating"),
    "paused": N_("Paused"),
    "completed": N_("Completed"),
    "spread": N_("Spread"),
    "discontinued": N_("Discontinued"),
}

# The lifecycle buttons: what pressing one does.
MOVE = {
    "plan": N_("Plan"),
    "start": N_("Start"),
    "pause": N_("Pause"),
    "resume": N_("Resume"),
    "evaluate": N_("Start evaluation"),
    "complete": N_("Complete"),
    "spread": N_("Mark as spread"),
    "discontinue": N_("Discontinue"),
}

EVENT = {
    "Proposed": N_("Proposed"),
    "Edited": N_("Edited"),
    "GoalSet": N_("Goal set"),
    "GoalRemoved": N_("Goal removed"),
    "TeamMemberAdded": N_("Team member added"),
    "TeamMemberRemoved": N_("Team member removed"),
    "NoteAdded": N_("Note added"),
    "Planned": N_("Planned"),
    "Started": N_("Started"),
    "Paused": N_("Paused"),
    "Resumed": N_("Resumed"),
    "EvaluationStarted": N_("Evaluation started"),
    "Completed": N_("Completed"),
    "Spread": N_("Spread"),
    "Discontinued": N_("Discontinued"),
    "Registered": N_("Registered"),
    "UnitAdded": N_("Unit added"),
    "UnitRenamed": N_("Unit renamed"),
}

# Field names as history and error messages show them; "goals.<id>" shows as "goals".
FIELD = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "organisation_id": N_("Organisation"),
    "unit_id": N_("Unit"),
    "owner_id": N_("Owner"),
    "themes": N_("Themes"),
    "target_group": N_("Target group"),
    "status": N_("Status"),
    "goals": N_("Goal"),
    "team": N_("Team member"),
    "note": N_("Note"),
    "pause_reason": N_("Reason for pausing"),
    "discontinued_reason": N_("Reason for discontinuing"),
    "lessons": N_("Lessons learned"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "units": N_("Unit"),
    "email": N_("E-mail"),
    "occurred_on": N_("Date it happened"),
    "reason": N_("Reason"),
    "text": N_("Text"),
    "role": N_("Role"),
    "person_id": N_("Person"),
}

KIND = {
    "municipality": N_("Municipality"),
    "joint_authority": N_("Joint authority"),
    "wellbeing_services_county": N_("Wellbeing services county"),
    "other": N_("Other organisation"),
}

# Confirmations shown once after a successful save (kept in a short-lived cookie by key).
FLASH = {
    "initiative_created": N_("The initiative was saved."),
    "initiative_saved": N_("Your changes were saved."),
    "initiative_moved": N_("The status was changed."),
    "goal_added": N_("The goal was added."),
    "goal_saved": N_("The goal was saved."),
    "goal_removed": N_("The goal was removed."),
    "member_added": N_("The team member was added."),
    "member_removed": N_("The team member was removed."),
    "note_added": N_("The note was added."),
    "organisation_registered": N_("The organisation was registered."),
    "unit_added": N_("The unit was added."),
    "unit_renamed": N_("The unit was renamed."),
    "person_registered": N_("The person was registered."),
    "person_saved": N_("The person's details were saved."),
    "person_erased": N_("The person was erased. History now shows “erased person”."),
}


def field_label(field: str) -> str:
    """The label msgid of a history field such as "goals.<id>" or "title"."""
    return FIELD.get(field.split(".", 1)[0], field)
