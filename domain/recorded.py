"""What every Kipinä event carries besides the library's id, version and timestamp."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Transcoding


class RecordedEvent(Aggregate.Event):
    """Base for all Kipinä events.

    `actor` is the person id of who did it (never a name: names live in the
    people registry, so erasing a person changes no event). `occurred_on` is
    set when the user back-dates an entry; `timestamp` is when Kipinä learned it.
    """

    actor: UUID
    occurred_on: date | None


class DateAsISO(Transcoding):
    """Stores `datetime.date` values (e.g. `occurred_on`) as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: Any) -> date:
        assert isinstance(data, str)
        return date.fromisoformat(data)
