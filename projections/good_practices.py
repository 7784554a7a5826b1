"""Read model: the good-practice catalogue.

* `good_practices`: one versioned row per state of each practice's working copy (as of any
  position). It holds internal notes and unpublished text: only signed-in reads use it.
* `good_practice_versions`: append-only, one row per published version, with its fields
  snapshot, the source initiative's version and the log position it was based on.
* `good_practice_retractions`: append-only, one row per retraction of a version.

The public catalogue reads only the last two: the newest version of each practice whose
retraction, if any, came after the moment asked about. A draft's text is never in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    func,
    select,
    text,
)
from sqlalchemy.sql import ColumnElement, Select

from domain.good_practice import PUBLIC_FIELDS, GoodPractice, empty_fields
from domain.recorded import RecordedEvent
from projections.batch import Batch
from projections.tables import (
    UTCDateTime,
    metadata,
    newest_first_page,
    versioned_columns,
    visible_at,
)

_CURRENT_ONLY = text("valid_to IS NULL")

good_practices = Table(
    "good_practices",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    Column("created_position", Integer, nullable=False),
    Column("initiative_id", String(36), nullable=False),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    Column("status", String(10), nullable=False),
    Column("name", Text, nullable=False),
    Column("development_phase", String(20), nullable=False),
    Column("fields", JSON, nullable=False),  # the working copy, internal notes included
    Column("drafted_source_version", Integer, nullable=False),
    Column("published_version", Integer, nullable=False),
    Column("published_fields", JSON, nullable=False),
    Column("retracted_reason", Text, nullable=False),
    # "|topic|topic|" and "|group|group|", casefolded: a filter is one LIKE.
    Column("topics_key", Text, nullable=False),
    Column("target_groups_key", Text, nullable=False),
    Column("search_text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index("ix_good_practices_id", "id", "valid_to"),
    Index(
        "ix_good_practices_current",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)

good_practice_versions = Table(
    "good_practice_versions",
    metadata,
    Column("practice_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("position", Integer, nullable=False, index=True),
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", String(36), nullable=False),
    Column("initiative_id", String(36), nullable=False, index=True),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    Column("source_version", Integer, nullable=False),
    Column("source_position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("development_phase", String(20), nullable=False),
    Column("fields", JSON, nullable=False),  # the public fields only
    Column("topics_key", Text, nullable=False),
    Column("target_groups_key", Text, nullable=False),
    Column("search_text", Text, nullable=False),
)

good_practice_retractions = Table(
    "good_practice_retractions",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("practice_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("retracted_at", UTCDateTime, nullable=False),
    Column("retracted_by", String(36), nullable=False),
)

HANDLES = GoodPractice.Event


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(good_practices, (str(e.originator_id) for e in events if isinstance(e, HANDLES)))


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, HANDLES):
        return
    practice_id = str(event.originator_id)
    previous = batch.current(good_practices, practice_id)
    if isinstance(event, GoodPractice.Drafted):
        fields = {**empty_fields(), **event.fields}
        changes: dict[str, Any] = {
            "id": practice_id,
            "created_position": position,
            "initiative_id": str(event.initiative_id),
            "organisation_id": _text(event.organisation_id),
            "unit_id": _text(event.unit_id),
            "status": "draft",
            "drafted_source_version": event.source_version,
            "published_version": 0,
            "published_fields": {},
            "retracted_reason": "",
            "created_at": event.timestamp,
            **_working_copy(fields, {}),
        }
    else:
        assert previous is not None, "a good-practice event arrived before its Drafted event"
        changes = _changes(batch, position, previous, event)
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(good_practices, previous, changes, position)


def _changes(batch: Batch, position: int, previous: dict[str, Any], event: RecordedEvent) -> dict[str, Any]:
    if isinstance(event, GoodPractice.Edited):
        return _working_copy({**previous["fields"], **event.changes}, previous["published_fields"])
    if isinstance(event, GoodPractice.Published):  # Revised too
        batch.insert(
            good_practice_versions,
            {
                "practice_id": str(event.originator_id),
                "version": event.version,
                "position": position,
                "published_at": event.timestamp,
                "published_by": str(event.actor),
                "initiative_id": str(event.initiative_id),
                "organisation_id": previous["organisation_id"],
                "unit_id": previous["unit_id"],
                "source_version": event.source_version,
                "source_position": event.source_position,
                "name": event.fields["name"],
                "development_phase": event.fields["development_phase"],
                "fields": dict(event.fields),
                **_keys(event.fields),
            },
        )
        return {
            "status": "published",
            "published_version": event.version,
            "published_fields": dict(event.fields),
            "retracted_reason": "",
            # The search text holds the newest published text, no longer the one it replaces.
            **_working_copy(previous["fields"], dict(event.fields)),
        }
    assert isinstance(event, GoodPractice.Retracted)
    batch.insert(
        good_practice_retractions,
        {
            "position": position,
            "practice_id": str(event.originator_id),
            "version": event.version,
            "reason": event.reason,
            "retracted_at": event.timestamp,
            "retracted_by": str(event.actor),
        },
    )
    return {"status": "retracted", "retracted_reason": event.reason}


def _working_copy(fields: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    return {
        "fields": fields,
        "name": fields["name"],
        "development_phase": fields["development_phase"],
        # The internal catalogue finds a practice by its working copy or its published text.
        **_keys(fields, extra=_search_text(published) if published else ""),
    }


def _keys(fields: dict[str, Any], extra: str = "") -> dict[str, str]:
    return {
        "topics_key": _list_key(fields.get("topics", [])),
        "target_groups_key": _list_key(fields.get("target_groups", [])),
        "search_text": _search_text(fields) + ("\n" + extra if extra else ""),
    }


def _list_key(values: Iterable[str]) -> str:
    return "|" + "|".join(v.casefold() for v in values) + "|"


def _search_text(fields: dict[str, Any]) -> str:
    """Casefolded public text, for ?q= (SQLite folds only ASCII). Never internal notes."""
    parts = []
    for name in PUBLIC_FIELDS:
        value = fields.get(name)
        parts.append(" ".join(value) if isinstance(value, list) else str(value or ""))
    return "\n".join(parts).casefold()


def _text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


# ---- queries: the working copies (signed-in) ------------------------------------


@dataclass(frozen=True)
class PracticeFilter:
    q: str | None = None
    topic: str | None = None
    target_group: str | None = None
    organisation_id: UUID | None = None
    phase: str | None = None
    status: str | None = None
    initiative_id: UUID | None = None


def get(conn: Connection, practice_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    t = good_practices
    row = conn.execute(select(t).where(t.c.id == str(practice_id), visible_at(t, as_of))).mappings().first()
    return dict(row) if row is not None else None


def search(
    conn: Connection,
    flt: PracticeFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end)."""
    t = good_practices
    query = _filtered(select(t).where(visible_at(t, as_of)), t, flt)
    if flt.status:
        query = query.where(t.c.status == flt.status)
    if flt.initiative_id:
        query = query.where(t.c.initiative_id == str(flt.initiative_id))
    return newest_first_page(conn, query, t.c.created_position, limit=limit, cursor=cursor)


def _filtered(query: Select[Any], t: Table, flt: PracticeFilter) -> Select[Any]:
    if flt.topic:
        query = query.where(t.c.topics_key.contains(f"|{flt.topic.strip().casefold()}|", autoescape=True))
    if flt.target_group:
        group = f"|{flt.target_group.strip().casefold()}|"
        query = query.where(t.c.target_groups_key.contains(group, autoescape=True))
    if flt.organisation_id:
        query = query.where(t.c.organisation_id == str(flt.organisation_id))
    if flt.phase:
        query = query.where(t.c.development_phase == flt.phase)
    if flt.q:
        for word in flt.q.casefold().split():
            query = query.where(t.c.search_text.contains(word, autoescape=True))
    return query


def of_initiative(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """The initiative's practices (working copies), oldest first."""
    t = good_practices
    query = select(t).where(t.c.initiative_id == str(initiative_id), visible_at(t, as_of))
    return [dict(r) for r in conn.execute(query.order_by(t.c.created_position)).mappings()]


# ---- queries: published versions -------------------------------------------------


def versions(conn: Connection, practice_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every published version, oldest first, each with its retraction (as of) if any."""
    v = good_practice_versions
    query = select(v).where(v.c.practice_id == str(practice_id))
    if as_of is not None:
        query = query.where(v.c.position <= as_of)
    rows = [dict(r) for r in conn.execute(query.order_by(v.c.version)).mappings()]
    retractions = _retractions(conn, [str(practice_id)], as_of)
    for row in rows:
        row["retraction"] = retractions.get((row["practice_id"], row["version"]))
    return rows


def version(
    conn: Connection, practice_id: UUID, number: int, as_of: int | None = None
) -> dict[str, Any] | None:
    for row in versions(conn, practice_id, as_of):
        if row["version"] == number:
            return row
    return None


def _retractions(
    conn: Connection, practice_ids: list[str], as_of: int | None
) -> dict[tuple[str, int], dict[str, Any]]:
    r = good_practice_retractions
    query = select(r).where(r.c.practice_id.in_(practice_ids))
    if as_of is not None:
        query = query.where(r.c.position <= as_of)
    return {(row["practice_id"], row["version"]): dict(row) for row in conn.execute(query).mappings()}


def _public_query(as_of: int | None) -> Select[Any]:
    """The newest version of each practice as of `as_of`, unless that version was retracted
    by then. A later version after a retraction is public again."""
    v = good_practice_versions
    r = good_practice_retractions
    newest = select(v.c.practice_id, func.max(v.c.version).label("version"))
    if as_of is not None:
        newest = newest.where(v.c.position <= as_of)
    newest_sq = newest.group_by(v.c.practice_id).subquery()
    retracted: ColumnElement[bool] = and_(r.c.practice_id == v.c.practice_id, r.c.version == v.c.version)
    if as_of is not None:
        retracted = and_(retracted, r.c.position <= as_of)
    return (
        select(v)
        .join(newest_sq, and_(newest_sq.c.practice_id == v.c.practice_id, newest_sq.c.version == v.c.version))
        .where(~select(r.c.position).where(retracted).exists())
    )


def published(
    conn: Connection,
    flt: PracticeFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """The public catalogue: current published versions, most recently published first."""
    v = good_practice_versions
    query = _filtered(_public_query(as_of), v, flt)
    if flt.initiative_id:
        query = query.where(v.c.initiative_id == str(flt.initiative_id))
    return newest_first_page(conn, query, v.c.position, limit=limit, cursor=cursor)


def published_version(conn: Connection, practice_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    """The practice's public version as of `as_of`; None when unpublished or retracted then."""
    v = good_practice_versions
    row = conn.execute(_public_query(as_of).where(v.c.practice_id == str(practice_id))).mappings().first()
    return dict(row) if row is not None else None


def published_of_initiatives(
    conn: Connection, initiative_ids: Iterable[str], as_of: int | None = None
) -> list[dict[str, Any]]:
    """The public versions of these initiatives' practices (for a seminar pack), by name."""
    wanted = sorted(set(initiative_ids))
    if not wanted:
        return []
    v = good_practice_versions
    query = _public_query(as_of).where(v.c.initiative_id.in_(wanted))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["practice_id"]))


def has_unpublished_changes(row: dict[str, Any]) -> bool:
    public = {name: row["fields"].get(name) for name in PUBLIC_FIELDS}
    return bool(row["published_version"]) and public != row["published_fields"]


def initiatives_with_practices(
    conn: Connection, initiative_ids: Iterable[str], as_of: int | None = None
) -> set[str]:
    """Which of these initiatives have a good practice drafted from them (as of)."""
    wanted = sorted(set(initiative_ids))
    if not wanted:
        return set()
    t = good_practices
    query = select(t.c.initiative_id).where(t.c.initiative_id.in_(wanted), visible_at(t, as_of))
    return {row.initiative_id for row in conn.execute(query)}
