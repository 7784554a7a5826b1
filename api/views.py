"""JSON shapes shared by several routers (history entries, person references)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from services.people_registry import PeopleRegistry


class PersonRef(BaseModel):
    id: str
    name: str = Field(description='Display name; "erased person" after erasure')


class FieldChange(BaseModel):
    field: str = Field(description="Field name; goals.<id>, team.<person id>, units.<id> for items")
    old: Any = None
    new: Any = None


class HistoryEntry(BaseModel):
    position: int = Field(description="Position in the event log")
    record_type: str
    record_id: str
    record_title: str
    version: int = Field(description="The record's version after this event")
    event_type: str
    recorded_at: datetime = Field(description="When Kipinä recorded it (UTC)")
    occurred_on: date | None = Field(description="When it happened, if back-dated")
    actor: PersonRef
    changes: list[FieldChange]


class HistoryPage(BaseModel):
    items: list[HistoryEntry]
    next_before: int | None = Field(default=None, description="Pass as ?before= to get the next (older) page")


def history_entries(
    conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    names = people.names(conn, {r["actor_id"] for r in rows})
    return [
        HistoryEntry(
            position=r["position"],
            record_type=r["record_type"],
            record_id=r["record_id"],
            record_title=r["record_title"],
            version=r["version"],
            event_type=r["event_type"],
            recorded_at=r["recorded_at"],
            occurred_on=r["occurred_on"],
            actor=PersonRef(id=r["actor_id"], name=names[r["actor_id"]]),
            changes=[FieldChange(**c) for c in r["changes"]],
        ).model_dump(mode="json")
        for r in rows
    ]
