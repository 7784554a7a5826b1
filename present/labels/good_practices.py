"""Good practices in Innokylä's operating-model template: its fields in the template's order, the
development phases, and a practice's own words for events shared with other records."""

from __future__ import annotations

from present.labels.marker import N_

# The Innokylä fields in the template's order (domain.good_practice.PUBLIC_FIELDS), then the
# team's own notes. "name" is also an organisation's and a person's: the pages of a practice
# use these words, history uses FIELD (for the fields only a practice has).
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


STATUS = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "retracted": N_("Retracted"),
}


EVENT: dict[str, str] = {}


FIELD = {
    **{k: v for k, v in PRACTICE_FIELD.items() if k != "name"},
    "published_version": N_("Published version"),
    "source_version": N_("Initiative version it was based on"),
    "source_position": N_("Event position it was based on"),
    "retracted_reason": N_("Reason for retracting"),
}


FLASH = {
    "practice_drafted": N_("The good practice was drafted from the initiative. Fill in what is missing."),
    "practice_saved": N_("The working copy was saved. The public still sees the published version."),
    "practice_published": N_("The good practice was published."),
    "practice_retracted": N_("The good practice was retracted. Its versions stay readable here."),
}


EVENT_OF = {
    ("good_practice", "Drafted"): N_("Good practice drafted"),
    ("good_practice", "Edited"): N_("Working copy edited"),
    ("good_practice", "Published"): N_("Published"),
    ("good_practice", "Revised"): N_("New version published"),
    ("good_practice", "Retracted"): N_("Retracted"),
}
