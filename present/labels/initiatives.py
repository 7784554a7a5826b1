"""An initiative's words: its lifecycle (statuses and the buttons that move it), events,
fields and confirmations."""

from __future__ import annotations

from present.labels.marker import N_

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
}


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
}


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
}


EVENT_OF: dict[tuple[str, str], str] = {}
