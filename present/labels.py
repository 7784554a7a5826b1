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
    # Job-rotation placements (proposed and completed are above).
    "approved": N_("Approved"),
    "started": N_("Started"),
    "cancelled": N_("Cancelled"),
    # Change Day actions (completed is above).
    "pledged": N_("Pledged"),
    "withdrawn": N_("Withdrawn"),
    # Programmes, and a check-in's traffic light (history shows them as a "status").
    "open": N_("Open"),
    "closed": N_("Closed"),
    "green": N_("Green"),
    "amber": N_("Amber"),
    "red": N_("Red"),
    "enrolled": N_("Enrolled"),
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
    "Approved": N_("Approved"),
    "Rescheduled": N_("Rescheduled"),
    "ReflectionRecorded": N_("Reflection recorded"),
    "ObservationRecorded": N_("Observation recorded"),
    "Studied": N_("Studied"),
    "Decided": N_("Decided"),
    "Cancelled": N_("Cancelled"),
    "Created": N_("Created"),
    "Pledged": N_("Pledged"),
    "Withdrawn": N_("Withdrawn"),
    "InspiredBy": N_("Linked to its inspiration"),
    "InitiativeEnrolled": N_("Initiative enrolled"),
    "InitiativeWithdrawn": N_("Initiative withdrawn"),
    "WorkshopScheduled": N_("Workshop scheduled"),
    "WorkshopRescheduled": N_("Workshop rescheduled"),
    "WorkshopHeld": N_("Workshop held"),
    "Closed": N_("Closed"),
    "CheckInRecorded": N_("Check-in recorded"),
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
    "description": N_("Description"),
    "period_start": N_("Start of the period"),
    "period_end": N_("End of the period"),
    "organisation_ids": N_("Participating organisations"),
    "coordinator_id": N_("Coordinator"),
    "programme_id": N_("Programme"),
    "workshop_id": N_("Workshop"),
    "workshops": N_("Workshop"),
    "initiatives": N_("Initiative"),
    "day": N_("Day"),
    "agenda": N_("Agenda"),
    "held": N_("Held"),
    "check_in_id": N_("Check-in"),
    "progress_score": N_("Progress score"),
    "done": N_("Done since the last workshop"),
    "next_steps": N_("Next steps"),
    "help_needed": N_("Help needed"),
    "corrects": N_("Corrects an earlier check-in"),
    "programme": N_("Programme"),
    "workshop": N_("Workshop"),
    "withdraw_reason": N_("Reason for withdrawing"),
    "new_day": N_("New day"),
}

# Experiment (PDSA) stages and decisions.
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

# Change Day action categories (domain.change_action.Category).
CATEGORY = {
    "patient_experience": N_("Patient or customer experience"),
    "working_together": N_("Working together"),
    "wellbeing_at_work": N_("Wellbeing at work"),
    "ways_of_working": N_("Ways of working"),
    "environment": N_("Environment"),
    "other": N_("Other"),
}

# Programmes: a check-in's traffic light, the kinds of workshop day, and the IHI
# assessment scale's steps (domain.check_in.PROGRESS_SCALE, in the reader's language).
RAG = {
    "green": N_("Green"),
    "amber": N_("Amber"),
    "red": N_("Red"),
}

RAG_MEANING = {
    "green": N_("on track"),
    "amber": N_("at risk"),
    "red": N_("off track"),
}

WORKSHOP_KIND = {
    "workshop": N_("Workshop"),
    "seminar": N_("Seminar"),
}

PROGRESS = {
    0.5: N_("Intent to participate"),
    1.0: N_("Team formed"),
    1.5: N_("Planning begun"),
    2.0: N_("Activity, but no changes"),
    2.5: N_("Changes tested, but no improvement"),
    3.0: N_("Modest improvement"),
    3.5: N_("Improvement"),
    4.0: N_("Significant improvement"),
    4.5: N_("Sustainable improvement"),
    5.0: N_("Outstanding sustainable results"),
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
    "rotation_proposed": N_("The placement was proposed."),
    "rotation_moved": N_("The placement's status was changed."),
    "rotation_rescheduled": N_("The placement was rescheduled."),
    "rotation_saved": N_("The placement's changes were saved."),
    "reflection_added": N_("The reflection was recorded."),
    "experiment_planned": N_("The experiment was planned."),
    "experiment_saved": N_("The plan was saved."),
    "experiment_started": N_("The experiment was started."),
    "observation_added": N_("The observation was recorded."),
    "experiment_studied": N_("The study was recorded."),
    "experiment_decided": N_("The decision was recorded."),
    "experiment_cancelled": N_("The experiment was cancelled."),
    "campaign_created": N_("The campaign was created."),
    "campaign_saved": N_("The campaign was saved."),
    "action_pledged": N_("Your action was pledged."),
    "action_completed": N_("Well done! The action is completed and its handprint awarded."),
    "action_withdrawn": N_("The action was withdrawn."),
    "action_linked": N_("The inspiring action was linked."),
    "programme_created": N_("The programme was created."),
    "programme_saved": N_("The programme's changes were saved."),
    "programme_closed": N_("The programme was closed."),
    "initiative_enrolled": N_("The initiative was enrolled."),
    "initiative_withdrawn": N_("The initiative was withdrawn from the programme."),
    "workshop_scheduled": N_("The workshop was scheduled."),
    "workshop_rescheduled": N_("The workshop was rescheduled."),
    "workshop_held": N_("The workshop was marked as held."),
    "check_in_saved": N_("The check-in was saved."),
}


# ---- measures, run charts and evaluations (issue 7) ----------------------------------------

DIRECTION = {"up": N_("More is better"), "down": N_("Less is better")}

FREQUENCY = {
    "daily": N_("Daily"),
    "weekly": N_("Weekly"),
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
    "yearly": N_("Yearly"),
    "irregular": N_("Irregular (any day)"),
}

RULES = {"anhoj": N_("Anhøj's rules"), "ihi": N_("IHI run chart rules")}
RULES_MEANING = {
    "anhoj": N_(
        "Signals an unusually long run on one side of the median, or unusually few crossings of it; "
        "few false alarms."
    ),
    "ihi": N_(
        "Signals a shift (6 points on one side of the median), a trend (5 rising or falling), "
        "too few or too many runs, and an astronomical point."
    ),
}

# A run chart's signals (domain.run_chart rule names), and what each one means.
SIGNAL = {
    "shift": N_("Shift"),
    "trend": N_("Trend"),
    "astronomical": N_("Astronomical point"),
    "too_few_runs": N_("Too few runs"),
    "too_many_runs": N_("Too many runs"),
    "long_run": N_("Unusually long run"),
    "few_crossings": N_("Unusually few crossings"),
}
SIGNAL_MEANING = {
    "shift": N_("6 or more points in a row on one side of the median: the level has probably changed."),
    "trend": N_("5 or more points in a row rising or falling."),
    "astronomical": N_("A point far outside the others: check it, and what happened then."),
    "too_few_runs": N_("The points cross the median less often than chance would: the process has changed."),
    "too_many_runs": N_(
        "The points cross the median more often than chance would: look at how the data is collected."
    ),
    "long_run": N_("A run on one side of the median is longer than chance allows: the level has changed."),
    "few_crossings": N_(
        "The points cross the median less often than chance allows: the process has changed."
    ),
}

METHOD = {
    "self_assessment": N_("Self-assessment"),
    "survey": N_("Survey"),
    "measures": N_("Measures"),
    "external": N_("External evaluation"),
}

RECOMMENDATION = {
    "continue": N_("Continue"),
    "spread": N_("Spread"),
    "adapt": N_("Adapt"),
    "stop": N_("Stop"),
}

EFFECT_AREA = {
    "staff": N_("Effects on staff"),
    "users": N_("Effects on users and customers"),
    "quality": N_("Effects on quality"),
    "economy": N_("Effects on economy"),
}

EVENT.update(
    {
        "Defined": N_("Measure defined"),
        "ValueRecorded": N_("Value recorded"),
        "ValueCorrected": N_("Value corrected"),
        "Annotated": N_("Change point annotated"),
        "EvaluationRecorded": N_("Evaluation recorded"),
    }
)

FIELD.update(
    {
        "direction": N_("Which direction is better"),
        "baseline": N_("Baseline"),
        "target": N_("Target"),
        "frequency": N_("Frequency"),
        "data_source": N_("Data source"),
        "rules": N_("Signal rules"),
        "baseline_points": N_("Baseline points"),
        "period": N_("Period"),
        "value": N_("Value"),
        "value_id": N_("Value"),
        "correction_reason": N_("Reason for the correction"),
        "annotation": N_("Change point"),
        "annotation_day": N_("Day of the change"),
        "experiment_id": N_("Experiment"),
        "evaluation": N_("Evaluation"),
        "evaluated_on": N_("Evaluated on"),
        "method": N_("Method"),
        "effects": N_("Effects"),
        "costs": N_("Costs"),
        "worked": N_("What worked"),
        "did_not_work": N_("What did not work"),
        "recommendation": N_("Recommendation"),
    }
)

FLASH.update(
    {
        "measure_defined": N_("The measure was defined."),
        "measure_saved": N_("The measure's changes were saved."),
        "value_recorded": N_("The value was recorded."),
        "value_corrected": N_("The value was corrected. The old number stays in the history."),
        "measure_annotated": N_("The change point was added."),
        "evaluation_recorded": N_("The evaluation was recorded."),
    }
)


# ---- development targets and the yearly follow-up (issue 7, KS steps 5–7) ----------------------

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
RECORD_TYPE = {
    "initiative": N_("Initiative"),
    "rotation": N_("Rotation placement"),
    "change_action": N_("Change Day action"),
}

STATUS.update({"active": N_("Active"), "retired": N_("Retired")})

# An event type whose word depends on the record (a measure and a target are both "Defined").
EVENT_OF = {("development_target", "Defined"): N_("Target defined")}

EVENT.update(
    {
        "Linked": N_("Record linked"),
        "Unlinked": N_("Record unlinked"),
        "Reviewed": N_("Yearly review recorded"),
        "Retired": N_("Retired"),
        "LinkedToTarget": N_("Linked to a development target"),
        "UnlinkedFromTarget": N_("Unlinked from a development target"),
        "TargetLinked": N_("Linked to a development target"),
        "TargetUnlinked": N_("Unlinked from a development target"),
    }
)

FIELD.update(
    {
        "strategy_goal": N_("Strategy goal it serves"),
        "strategy": N_("Strategy"),
        "responsible_role": N_("Responsible role"),
        "links": N_("Linked record"),
        "unlink_reason": N_("Reason for unlinking"),
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
)

FLASH.update(
    {
        "target_defined": N_("The development target was defined."),
        "target_saved": N_("The development target's changes were saved."),
        "target_linked": N_("The record was linked to the target."),
        "target_unlinked": N_("The record was unlinked. The link stays in the history."),
        "target_reviewed": N_("The yearly review was recorded."),
        "target_retired": N_("The development target was retired."),
    }
)


def field_label(field: str) -> str:
    """The label msgid of a history field such as "goals.<id>" or "title"."""
    return FIELD.get(field.split(".", 1)[0], field)


# ---- good practices (issue 8): Innokylä's operating-model template ------------------------------

# The Innokylä fields in the template's order (domain.good_practice.PUBLIC_FIELDS), then the
# team's own notes. "name" is also an organisation's and a person's: the pages of a practice
# use these words, history uses FIELD (below, for the fields only a practice has).
PRACTICE_FIELD = {
    "name": N_("Name of the practice"),
    "short_description": N_("Short description"),
    "where_implemented": N_("Where it is implemented"),
    "region": N_("Municipality or region"),
    "funder": N_("Funder"),
    "basic_idea": N_("Basic idea of the solution"),
    "operating_environment": N_("Operating environment"),
    "target_group_and_customer_understanding": N_("Target group and customer understanding"),
    "conditions_for_adoption": N_("Conditions for it to work and be adopted"),
    "evaluation_results": N_("Evaluation results in brief"),
    "tips_for_adopters": N_("Tips for those adopting it"),
    "development_phase": N_("Development phase"),
    "topics": N_("Topics"),
    "phenomena": N_("Phenomena"),
    "target_groups": N_("Target groups"),
    "internal_notes": N_("Internal notes"),
}

# Innokylä's development phases (domain.good_practice.Phase).
PHASE = {
    "idea": N_("Idea"),
    "being_developed": N_("Being developed"),
    "ready": N_("Ready"),
    "spread": N_("Spread"),
}

STATUS.update({"draft": N_("Draft"), "published": N_("Published"), "retracted": N_("Retracted")})

FIELD.update(
    {
        **{k: v for k, v in PRACTICE_FIELD.items() if k != "name"},
        "published_version": N_("Published version"),
        "source_version": N_("Initiative version it was based on"),
        "source_position": N_("Event position it was based on"),
        "retracted_reason": N_("Reason for retracting"),
    }
)

EVENT_OF.update(
    {
        ("good_practice", "Drafted"): N_("Good practice drafted"),
        ("good_practice", "Edited"): N_("Working copy edited"),
        ("good_practice", "Published"): N_("Published"),
        ("good_practice", "Revised"): N_("New version published"),
        ("good_practice", "Retracted"): N_("Retracted"),
    }
)

FLASH.update(
    {
        "practice_drafted": N_("The good practice was drafted from the initiative. Fill in what is missing."),
        "practice_saved": N_("The working copy was saved. The public still sees the published version."),
        "practice_published": N_("The good practice was published."),
        "practice_retracted": N_("The good practice was retracted. Its versions stay readable here."),
    }
)
