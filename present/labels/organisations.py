"""Organisations, their units and the people registry: kinds of organisation, events,
fields and confirmations."""

from __future__ import annotations

from present.labels.marker import N_

KIND = {
    "municipality": N_("Municipality"),
    "joint_authority": N_("Joint authority"),
    "wellbeing_services_county": N_("Wellbeing services county"),
    "other": N_("Other organisation"),
}


STATUS: dict[str, str] = {}


EVENT = {
    "Registered": N_("Registered"),
    "Renamed": N_("Renamed"),
    "KindChanged": N_("Kind changed"),
    "UnitAdded": N_("Unit added"),
    "UnitRenamed": N_("Unit renamed"),
}


FIELD = {
    "name": N_("Name"),
    "kind": N_("Kind"),
    "units": N_("Unit"),
    "email": N_("E-mail"),
}


FLASH = {
    "organisation_registered": N_("The organisation was registered."),
    "organisation_saved": N_("The organisation's details were saved."),
    "unit_added": N_("The unit was added."),
    "unit_renamed": N_("The unit was renamed."),
    "person_registered": N_("The person was registered."),
    "person_saved": N_("The person's details were saved."),
    "person_erased": N_("The person was erased. History now shows “erased person”."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
