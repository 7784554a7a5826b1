"""Words every kind of record shares: fields of any command, and how an erased person is named."""

from __future__ import annotations

from present.labels.marker import N_

STATUS: dict[str, str] = {}


EVENT: dict[str, str] = {}


FIELD = {
    "occurred_on": N_("Date it happened"),
    "reason": N_("Reason"),
    "text": N_("Text"),
    "role": N_("Role"),
    "person_id": N_("Person"),
}


FLASH: dict[str, str] = {}


EVENT_OF: dict[tuple[str, str], str] = {}
