"""Read model: Change Day campaigns as they are now, or as they were at any log position."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Index, Integer, String, Table, Text, select, text

from domain.campaign import Campaign
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.tables import UTCDateTime, metadata, versioned_columns, visible_at

_CURRENT_ONLY = text("valid_to IS NULL")

campaigns = Table(
    "campaigns",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("campaigns"),
    Column("created_position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("held_on", String(10), nullable=False),
    Column("target_count", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index("ix_campaigns_id", "id", "valid_to"),
    Index(
        "ix_campaigns_current",
        "held_on",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(campaigns, (str(e.originator_id) for e in events if isinstance(e, Campaign.Event)))


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, Campaign.Event):
        return
    if archive.apply(batch, campaigns, position, event):
        return
    record_id = str(event.originator_id)
    previous = batch.current(campaigns, record_id)
    changes: dict[str, Any] = {
        "version": event.originator_version,
        "updated_at": event.timestamp,
        "updated_by": str(event.actor),
    }
    if isinstance(event, Campaign.Created):
        changes.update(
            id=record_id,
            created_position=position,
            name=event.name,
            held_on=event.held_on.isoformat(),
            target_count=event.target_count,
            created_at=event.timestamp,
        )
    elif isinstance(event, Campaign.Edited):
        changes.update(columns(event.changes))
    batch.replace(campaigns, previous, changes, position)


def columns(changes: dict[str, Any]) -> dict[str, Any]:
    """Domain values as column values (the date as ISO text)."""
    return {k: v.isoformat() if k == "held_on" else v for k, v in changes.items()}


# ---- queries -----------------------------------------------------------------


def get(conn: Connection, campaign_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(campaigns).where(campaigns.c.id == str(campaign_id), visible_at(campaigns, as_of))
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def list_all(
    conn: Connection, as_of: int | None = None, *, limit: int = 500, archived: ArchivedFilter = "include"
) -> list[dict[str, Any]]:
    """Newest campaign day first (archived ones too unless asked: the pledge forms offer
    every campaign; the campaign list passes the reader's choice)."""
    query = (
        select(campaigns)
        .where(visible_at(campaigns, as_of), archive.shown(campaigns, archived))
        .order_by(campaigns.c.held_on.desc(), campaigns.c.created_position.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def names(conn: Connection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = conn.execute(
        select(campaigns.c.id, campaigns.c.name).where(
            campaigns.c.id.in_(ids), campaigns.c.valid_to.is_(None)
        )
    )
    return {r.id: r.name for r in rows}
