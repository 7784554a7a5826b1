"""Words for archiving and restoring, the same for every kind of record."""

from __future__ import annotations

from present.labels.marker import N_

EVENT = {
    "Archived": N_("Archived"),
    "Restored": N_("Restored"),
}

FLASH = {
    "archived": N_("Archived. Lists no longer show it unless you ask for archived records."),
    "restored": N_("Restored. The lists show it again."),
}
