"""Read model: development targets, the records linked to them and their yearly reviews.

* `development_targets`: one versioned row per state of each target (as of any position).
* `development_target_links`: one versioned row per (target, linked record); an unlink
  replaces the row with `linked` false, and a later link makes it true again, so the links
  as of any position are the rows visible then with `linked` true.
* `development_target_reviews`: append-only, one row per review in log order; a review
  that corrects an earlier one of the same year names it in `corrects`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
    text,
)
from sqlalchemy.sql import Select

from domain.development_target import DevelopmentTarget
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.tables import (
    UTCDateTime,
    metadata,
    newest_first_page,
    versioned_columns,
    visible_at,
)

_CURRENT_ONLY = text("valid_to IS NULL")

development_targets = Table(
    "development_targets",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("development_targets"),
    Column("created_position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("strategy_goal", Text, nullable=False),
    Column("strategy", String(20), nullable=False),
    Column("responsible_role", String(30), nullable=False),
    Column("period_start", String(10), nullable=False),
    Column("period_end", String(10), nullable=False),
    Column("organisation_id", String(36)),
    Column("description", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("retired_reason", Text, nullable=False),
    Column("links_count", Integer, nullable=False),
    Column("reviews_count", Integer, nullable=False),
    # casefolded title, strategy goal and description, for ?q= (SQLite folds only ASCII).
    Column("search_text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index("ix_development_targets_id", "id", "valid_to"),
    Index(
        "ix_development_targets_current",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)

development_target_links = Table(
    "development_target_links",
    metadata,
    *versioned_columns(),  # id: uuid5 of (target, record), see link_row_id
    Column("target_id", String(36), nullable=False),
    Column("record_type", String(20), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("linked", Boolean, nullable=False),
    Column("linked_at", UTCDateTime, nullable=False),
    Column("linked_by", String(36), nullable=False),
    Column("unlink_reason", Text, nullable=False),
    Index("ix_development_target_links_target", "target_id", "valid_to"),
    Index("ix_development_target_links_record", "record_id", "valid_to"),
)

development_target_reviews = Table(
    "development_target_reviews",
    metadata,
    Column("review_id", String(36), primary_key=True),
    Column("target_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("what_changed", Text, nullable=False),
    Column("decision", String(20), nullable=False),
    Column("corrects", String(36)),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
)

HANDLES = DevelopmentTarget.Event
_LINK_NAMESPACE = uuid5(NAMESPACE_URL, "https://kipina.invalid/development-target-link")


def link_row_id(target_id: str, record_id: str) -> str:
    return str(uuid5(_LINK_NAMESPACE, f"{target_id}:{record_id}"))


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    mine = [e for e in events if isinstance(e, HANDLES)]
    batch.prefetch(development_targets, (str(e.originator_id) for e in mine))
    batch.prefetch(
        development_target_links,
        (
            link_row_id(str(e.originator_id), str(e.record_id))
            for e in mine
            if isinstance(e, DevelopmentTarget.Linked | DevelopmentTarget.Unlinked)
        ),
    )


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, HANDLES):
        return
    if archive.apply(batch, development_targets, position, event):
        return
    target_id = str(event.originator_id)
    previous = batch.current(development_targets, target_id)
    changes = _changes(previous, event)
    if isinstance(event, DevelopmentTarget.Defined):
        changes["created_position"] = position
    if isinstance(event, DevelopmentTarget.Linked | DevelopmentTarget.Unlinked):
        _record_link(batch, position, event)
    if isinstance(event, DevelopmentTarget.Reviewed):
        batch.insert(
            development_target_reviews,
            {
                "review_id": str(event.review_id),
                "target_id": target_id,
                "position": position,
                "year": event.year,
                "status": event.status,
                "what_changed": event.what_changed,
                "decision": event.decision,
                "corrects": str(event.corrects) if event.corrects else None,
                "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
                "recorded_at": event.timestamp,
                "actor_id": str(event.actor),
            },
        )
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(development_targets, previous, changes, position)


def _record_link(
    batch: Batch, position: int, event: DevelopmentTarget.Linked | DevelopmentTarget.Unlinked
) -> None:
    row_id = link_row_id(str(event.originator_id), str(event.record_id))
    previous = batch.current(development_target_links, row_id)
    if isinstance(event, DevelopmentTarget.Linked):
        changes = {
            "id": row_id,
            "target_id": str(event.originator_id),
            "record_type": event.record_type,
            "record_id": str(event.record_id),
            "linked": True,
            "linked_at": event.timestamp,
            "linked_by": str(event.actor),
            "unlink_reason": "",
        }
    else:
        changes = {"linked": False, "unlink_reason": event.reason}
    batch.replace(development_target_links, previous, changes, position)


def columns(values: dict[str, Any]) -> dict[str, Any]:
    """Domain values as column values (dates and UUIDs as text)."""
    converted: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("period_start", "period_end"):
            converted[name] = value.isoformat()
        elif name == "organisation_id":
            converted[name] = str(value) if value is not None else None
        else:
            converted[name] = value
    return converted


def _changes(previous: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any]:
    """The columns this event changes (a full row for Defined)."""
    if isinstance(event, DevelopmentTarget.Defined):
        values = columns(
            {
                "title": event.title,
                "strategy_goal": event.strategy_goal,
                "strategy": event.strategy,
                "responsible_role": event.responsible_role,
                "period_start": event.period_start,
                "period_end": event.period_end,
                "organisation_id": event.organisation_id,
                "description": event.description,
            }
        )
        return {
            "id": str(event.originator_id),
            **values,
            "status": "active",
            "retired_reason": "",
            "links_count": 0,
            "reviews_count": 0,
            "search_text": _search_text(values),
            "created_at": event.timestamp,
        }
    assert previous is not None, "a development target event arrived before its Defined event"
    if isinstance(event, DevelopmentTarget.Edited):
        changed = columns(event.changes)
        changed["search_text"] = _search_text({**previous, **changed})
        return changed
    if isinstance(event, DevelopmentTarget.Linked):
        return {"links_count": previous["links_count"] + 1}
    if isinstance(event, DevelopmentTarget.Unlinked):
        return {"links_count": previous["links_count"] - 1}
    if isinstance(event, DevelopmentTarget.Reviewed):
        return {"reviews_count": previous["reviews_count"] + (0 if event.corrects else 1)}
    assert isinstance(event, DevelopmentTarget.Retired)
    return {"status": "retired", "retired_reason": event.reason}


def _search_text(values: dict[str, Any]) -> str:
    return f"{values['title']}\n{values['strategy_goal']}\n{values['description']}".casefold()


# ---- queries -----------------------------------------------------------------


@dataclass(frozen=True)
class TargetFilter:
    strategy: str | None = None
    responsible_role: str | None = None
    status: str | None = None
    organisation_id: UUID | None = None
    q: str | None = None
    archived: ArchivedFilter = "exclude"  # live records only, unless asked


def get(conn: Connection, target_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    t = development_targets
    row = conn.execute(select(t).where(t.c.id == str(target_id), visible_at(t, as_of))).mappings().first()
    return dict(row) if row is not None else None


def search(
    conn: Connection,
    flt: TargetFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end)."""
    query = _filtered(select(development_targets), flt, as_of)
    return newest_first_page(conn, query, development_targets.c.created_position, limit=limit, cursor=cursor)


def _filtered(query: Select[Any], flt: TargetFilter, as_of: int | None) -> Select[Any]:
    c = development_targets.c
    query = query.where(
        visible_at(development_targets, as_of), archive.shown(development_targets, flt.archived)
    )
    if flt.strategy:
        query = query.where(c.strategy == flt.strategy)
    if flt.responsible_role:
        query = query.where(c.responsible_role == flt.responsible_role)
    if flt.status:
        query = query.where(c.status == flt.status)
    if flt.organisation_id:
        query = query.where(c.organisation_id == str(flt.organisation_id))
    if flt.q:
        for word in flt.q.casefold().split():
            query = query.where(c.search_text.contains(word, autoescape=True))
    return query


def links_of(conn: Connection, target_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """The records linked to the target (as of), in the order they were linked."""
    t = development_target_links
    query = (
        select(t)
        .where(t.c.target_id == str(target_id), t.c.linked.is_(True), visible_at(t, as_of))
        .order_by(t.c.valid_from)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def targets_of(conn: Connection, record_ids: Iterable[str], as_of: int | None = None) -> dict[str, list[str]]:
    """Record id → ids of the targets it is linked to (as of)."""
    wanted = sorted(set(record_ids))
    if not wanted:
        return {}
    t = development_target_links
    query = select(t.c.record_id, t.c.target_id).where(
        t.c.record_id.in_(wanted), t.c.linked.is_(True), visible_at(t, as_of)
    )
    found: dict[str, list[str]] = {}
    for row in conn.execute(query.order_by(t.c.valid_from)).mappings():
        found.setdefault(row["record_id"], []).append(row["target_id"])
    return found


def reviews_of(conn: Connection, target_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every review in log order, each with `corrected_by` (the later review of the same
    year that replaces it, as of; None for the one that counts)."""
    r = development_target_reviews
    query = select(r).where(r.c.target_id == str(target_id))
    if as_of is not None:
        query = query.where(r.c.position <= as_of)
    rows = [dict(row) for row in conn.execute(query.order_by(r.c.position)).mappings()]
    corrected_by = {row["corrects"]: row["review_id"] for row in rows if row["corrects"]}
    for row in rows:
        row["corrected_by"] = corrected_by.get(row["review_id"])
    return rows


def titles(conn: Connection, ids: Iterable[str], as_of: int | None = None) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    t = development_targets
    query = select(t.c.id, t.c.title).where(t.c.id.in_(wanted), visible_at(t, as_of))
    return {row["id"]: row["title"] for row in conn.execute(query).mappings()}


def active_titles(conn: Connection, *, limit: int) -> list[tuple[str, str]]:
    """(id, title) of at most `limit` active targets as they are now, in no particular order."""
    t = development_targets
    query = select(t.c.id, t.c.title).where(t.c.valid_to.is_(None), t.c.status == "active").limit(limit)
    return [(row.id, row.title) for row in conn.execute(query)]
