"""Programmes with their workshops, enrolled initiatives and check-ins: a check-in's traffic light, the
kinds of workshop day and the IHI assessment scale's steps (domain.check_in.PROGRESS_SCALE)."""

from __future__ import annotations

from present.labels.marker import N_

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


STATUS = {
    "open": N_("Open"),
    "closed": N_("Closed"),
    "green": N_("Green"),
    "amber": N_("Amber"),
    "red": N_("Red"),
    "enrolled": N_("Enrolled"),
}


EVENT = {
    "InitiativeEnrolled": N_("Initiative enrolled"),
    "InitiativeWithdrawn": N_("Initiative withdrawn"),
    "WorkshopScheduled": N_("Workshop scheduled"),
    "WorkshopRescheduled": N_("Workshop rescheduled"),
    "WorkshopHeld": N_("Workshop held"),
    "Closed": N_("Closed"),
    "CheckInRecorded": N_("Check-in recorded"),
}


FIELD = {
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


FLASH = {
    "programme_created": N_("The programme was created."),
    "programme_saved": N_("The programme's changes were saved."),
    "programme_closed": N_("The programme was closed."),
    "initiative_enrolled": N_("The initiative was enrolled."),
    "initiatives_enrolled": N_("The chosen initiatives were enrolled."),
    "initiative_withdrawn": N_("The initiative was withdrawn from the programme."),
    "workshop_scheduled": N_("The workshop was scheduled."),
    "workshop_rescheduled": N_("The workshop was rescheduled."),
    "workshop_held": N_("The workshop was marked as held."),
    "check_in_saved": N_("The check-in was saved."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
