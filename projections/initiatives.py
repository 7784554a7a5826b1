"""Read model: initiatives as they are now, or as they were at any log position.

One versioned row per state of each initiative; the goals and the team in versioned rows of
their own, one per goal and per member, so that an event writes the row of the one item it
changes and not a copy of the whole lists (docs/architecture.md, "Read-model storage per
event"); plus an append-only notes table. The read functions put the lists back on the
initiative as `goals` (goal id → text) and `team` (person id → role), in the order the items
joined them, as the domain keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
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
    case,
    select,
    text,
)
from sqlalchemy.sql import Select

from domain.initiative import Initiative, LifecycleEvent
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch
from projections.tables import (
    UTCDateTime,
    items_at_owner_rows,
    metadata,
    newest_first_page,
    versioned_columns,
    visible_at,
)

_CURRENT_ONLY = text("valid_to IS NULL")

initiatives = Table(
    "initiatives",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("initiatives"),
    Column("created_position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("paused_from", String(20)),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    Column("owner_id", String(36)),
    Column("themes", JSON, nullable=False),
    # "|theme one|theme two|", casefolded: lets a theme filter run as one LIKE.
    Column("themes_key", Text, nullable=False),
    Column("target_group", Text, nullable=False),
    Column("notes_count", Integer, nullable=False),
    Column("discontinued_reason", Text, nullable=False),
    Column("lessons", Text, nullable=False),
    # casefolded title + summary: SQLite's lower() only folds ASCII, and Finnish has ä, ö, å.
    Column("search_text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    # Partial on the current rows: PostgreSQL does not treat `valid_to IS NULL` as an equality
    # that lets an index on (valid_to, …, created_position) return rows in page order, so it
    # sorted every current row for each list page (33 ms at 100k events; 2 ms like this).
    Index(
        "ix_initiatives_current",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index(
        "ix_initiatives_status",
        "status",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_initiatives_id", "id", "valid_to"),
)

# "<initiative id>:<goal id>" or "<initiative id>:<person id>": a goal or a member is one item of
# one initiative's list.
ITEM_ID_LENGTH = 73

initiative_goals = Table(
    "initiative_goals",
    metadata,
    Column("id", String(ITEM_ID_LENGTH), primary_key=True),
    *versioned_columns()[1:],
    Column("initiative_id", String(36), nullable=False),
    Column("goal_id", String(36), nullable=False),
    # Where the goal joined the list: the list's order (a reworded goal keeps its place).
    Column("listed_position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    # Not partial: as-of reads ask for an initiative's rows of any age.
    Index("ix_initiative_goals_initiative", "initiative_id", "valid_to"),
    Index("ix_initiative_goals_id", "id", "valid_to"),
)

initiative_team = Table(
    "initiative_team",
    metadata,
    Column("id", String(ITEM_ID_LENGTH), primary_key=True),
    *versioned_columns()[1:],
    Column("initiative_id", String(36), nullable=False),
    Column("person_id", String(36), nullable=False),
    # Where the member joined the team: the list's order (a changed role keeps its place).
    Column("listed_position", Integer, nullable=False),
    Column("role", Text, nullable=False),
    Index("ix_initiative_team_initiative", "initiative_id", "valid_to"),
    # The initiatives a person is in the team of, now (`involving`).
    Index(
        "ix_initiative_team_person",
        "person_id",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_initiative_team_id", "id", "valid_to"),
)

initiative_notes = Table(
    "initiative_notes",
    metadata,
    Column("note_id", String(36), primary_key=True),
    Column("initiative_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
)

HANDLES: tuple[type[RecordedEvent], ...] = (
    Initiative.Proposed,
    Initiative.Edited,
    Initiative.GoalSet,
    Initiative.GoalRemoved,
    Initiative.TeamMemberAdded,
    Initiative.TeamMemberRemoved,
    Initiative.NoteAdded,
    # A check-in is read by the programme read model; here it only moves the
    # initiative's version, so that the ETag a client holds stays current.
    Initiative.CheckInRecorded,
    # Evaluations have their own read model (projections/evaluations.py) and links live on the
    # development target (projections/development_targets.py); here they move the version only.
    Initiative.EvaluationRecorded,
    Initiative.LinkedToTarget,
    Initiative.UnlinkedFromTarget,
    LifecycleEvent,
    Initiative.Archived,
    Initiative.Restored,
)


def item_id(initiative_id: UUID | str, item: UUID | str) -> str:
    """The row id of one goal or team member of an initiative."""
    return f"{initiative_id}:{item}"


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(initiatives, (str(e.originator_id) for e in events if isinstance(e, HANDLES)))
    goal_events = (Initiative.GoalSet, Initiative.GoalRemoved)
    batch.prefetch(
        initiative_goals,
        (item_id(e.originator_id, e.goal_id) for e in events if isinstance(e, goal_events)),
    )
    team_events = (Initiative.TeamMemberAdded, Initiative.TeamMemberRemoved)
    batch.prefetch(
        initiative_team,
        (item_id(e.originator_id, e.person_id) for e in events if isinstance(e, team_events)),
    )


def goal_text(batch: Batch, initiative_id: str, goal_id: UUID) -> str | None:
    """The goal's text as this batch has left it so far (None: not in the list)."""
    row = batch.current(initiative_goals, item_id(initiative_id, goal_id))
    return None if row is None else str(row["text"])


def member_role(batch: Batch, initiative_id: str, person_id: UUID) -> str | None:
    """The member's role as this batch has left it so far (None: not in the team)."""
    row = batch.current(initiative_team, item_id(initiative_id, person_id))
    return None if row is None else str(row["role"])


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, HANDLES):
        return
    if archive.apply(batch, initiatives, position, event):
        return
    record_id = str(event.originator_id)
    previous = batch.current(initiatives, record_id)
    changes = _changes(previous, event)
    if isinstance(event, Initiative.Proposed):
        changes["created_position"] = position
    if isinstance(event, Initiative.NoteAdded):
        batch.insert(
            initiative_notes,
            {
                "note_id": str(event.note_id),
                "initiative_id": record_id,
                "position": position,
                "text": event.text,
                "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
                "recorded_at": event.timestamp,
                "actor_id": str(event.actor),
            },
        )
    _apply_to_lists(batch, position, record_id, event)
    changes.update(
        version=event.originator_version,
        updated_at=event.timestamp,
        updated_by=str(event.actor),
    )
    batch.replace(initiatives, previous, changes, position)


def _apply_to_lists(batch: Batch, position: int, record_id: str, event: RecordedEvent) -> None:
    """A goal or team event writes the row of its one item (the initiative's row only gets a
    new version): setting an item keeps its place in the list, removing it closes its row."""
    if isinstance(event, Initiative.GoalSet | Initiative.TeamMemberAdded):
        table, column, item, value = (
            (initiative_goals, "goal_id", event.goal_id, {"text": event.text})
            if isinstance(event, Initiative.GoalSet)
            else (initiative_team, "person_id", event.person_id, {"role": event.role})
        )
        key = item_id(record_id, item)
        previous = batch.current(table, key)
        batch.replace(
            table,
            previous,
            {
                "id": key,
                "initiative_id": record_id,
                column: str(item),
                "listed_position": position if previous is None else previous["listed_position"],
                **value,
            },
            position,
        )
    elif isinstance(event, Initiative.GoalRemoved | Initiative.TeamMemberRemoved):
        table, item = (
            (initiative_goals, event.goal_id)
            if isinstance(event, Initiative.GoalRemoved)
            else (initiative_team, event.person_id)
        )
        previous = batch.current(table, item_id(record_id, item))
        if previous is not None:
            batch.close(table, previous, position)


def _changes(previous: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any]:
    """The columns this event changes (a full row for Proposed)."""
    if isinstance(event, Initiative.Proposed):
        return {
            "id": str(event.originator_id),
            **_fields(
                title=event.title,
                summary=event.summary,
                organisation_id=event.organisation_id,
                unit_id=event.unit_id,
                owner_id=event.owner_id,
                themes=event.themes,
                target_group=event.target_group,
            ),
            "status": "proposed",
            "paused_from": None,
            "notes_count": 0,
            "discontinued_reason": "",
            "lessons": "",
            "created_at": event.timestamp,
        }
    assert previous is not None, "an initiative event arrived before its Proposed event"
    if isinstance(event, Initiative.Edited):
        changed = _fields(**event.changes)
        changed["search_text"] = _search_text(
            event.changes.get("title", previous["title"]),
            event.changes.get("summary", previous["summary"]),
        )
        return changed
    if isinstance(event, Initiative.NoteAdded):
        return {"notes_count": previous["notes_count"] + 1}
    if isinstance(
        event,
        Initiative.GoalSet
        | Initiative.GoalRemoved
        | Initiative.TeamMemberAdded
        | Initiative.TeamMemberRemoved
        | Initiative.CheckInRecorded
        | Initiative.EvaluationRecorded
        | Initiative.LinkedToTarget
        | Initiative.UnlinkedFromTarget,
    ):
        return {}
    assert isinstance(event, LifecycleEvent)
    return _lifecycle_changes(previous, event)


def _lifecycle_changes(previous: dict[str, Any], event: LifecycleEvent) -> dict[str, Any]:
    if isinstance(event, Initiative.Paused):
        return {"status": "paused", "paused_from": previous["status"]}
    if isinstance(event, Initiative.Resumed):
        return {"status": previous["paused_from"], "paused_from": None}
    if isinstance(event, Initiative.Discontinued):
        return {
            "status": "discontinued",
            "paused_from": None,
            "discontinued_reason": event.reason,
            "lessons": event.lessons,
        }
    return {"status": event.to_status.value}


def _fields(**values: Any) -> dict[str, Any]:
    """Turn domain values into column values (UUIDs to text, derived search columns)."""
    columns: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, UUID):
            columns[name] = str(value)
        else:
            columns[name] = value
    if "themes" in values:
        columns["themes"] = list(values["themes"])
        columns["themes_key"] = "|" + "|".join(t.casefold() for t in values["themes"]) + "|"
    if "title" in values and "summary" in values:
        columns["search_text"] = _search_text(values["title"], values["summary"])
    return columns


def _search_text(title: str, summary: str) -> str:
    return f"{title}\n{summary}".casefold()


# ---- queries -----------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeFilter:
    status: str | None = None
    organisation_id: UUID | None = None
    unit_id: UUID | None = None
    theme: str | None = None
    owner_id: UUID | None = None
    q: str | None = None
    archived: ArchivedFilter = "exclude"  # live records only, unless asked


def get(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(initiatives).where(initiatives.c.id == str(initiative_id), visible_at(initiatives, as_of))
        )
        .mappings()
        .first()
    )
    return with_lists(conn, [dict(row)])[0] if row is not None else None


def with_lists(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put `goals` (goal id → text) and `team` (person id → role) on each initiative row, as
    they were at that row's version: one query per list for all the rows (a page), each item
    picked by the position its initiative's row became true, so a list never runs ahead of
    the version read with it (a goal event gives the initiative a new row at its position)."""
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["goals"] = {}
        row["team"] = {}
    if not rows:
        return rows
    lists = ((initiative_goals, "goals", "goal_id", "text"), (initiative_team, "team", "person_id", "role"))
    for t, field, key, value in lists:
        at_row_versions = items_at_owner_rows(t, "initiative_id", rows)
        query = select(t.c.initiative_id, t.c[key], t.c[value]).where(at_row_versions)
        for initiative_id, item, text_ in conn.execute(query.order_by(t.c.listed_position)):
            by_id[initiative_id][field][item] = text_
    return rows


def notes(conn: Connection, initiative_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    query = select(initiative_notes).where(initiative_notes.c.initiative_id == str(initiative_id))
    if as_of is not None:
        query = query.where(initiative_notes.c.position <= as_of)
    rows = conn.execute(query.order_by(initiative_notes.c.position)).mappings()
    return [dict(r) for r in rows]


def search(
    conn: Connection,
    flt: InitiativeFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end)."""
    query = _filtered(select(initiatives), flt, as_of)
    position = initiatives.c.created_position
    rows, next_cursor = newest_first_page(conn, query, position, limit=limit, cursor=cursor)
    return with_lists(conn, rows), next_cursor


def _filtered(query: Select[Any], flt: InitiativeFilter, as_of: int | None) -> Select[Any]:
    c = initiatives.c
    query = query.where(visible_at(initiatives, as_of), archive.shown(initiatives, flt.archived))
    if flt.status:
        query = query.where(c.status == flt.status)
    if flt.organisation_id:
        query = query.where(c.organisation_id == str(flt.organisation_id))
    if flt.unit_id:
        query = query.where(c.unit_id == str(flt.unit_id))
    if flt.owner_id:
        query = query.where(c.owner_id == str(flt.owner_id))
    if flt.theme:
        query = query.where(c.themes_key.contains(f"|{flt.theme.strip().casefold()}|", autoescape=True))
    if flt.q:
        for word in flt.q.casefold().split():
            query = query.where(c.search_text.contains(word, autoescape=True))
    return query


def at_version(conn: Connection, initiative_id: UUID, version: int) -> dict[str, Any] | None:
    """The initiative as it was at one of its versions (what an edit form was based on)."""
    query = (
        select(initiatives)
        .where(initiatives.c.id == str(initiative_id), initiatives.c.version <= version)
        .order_by(initiatives.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return with_lists(conn, [dict(row)])[0] if row is not None else None


# Statuses in which work is expected to move; a long silence there needs a look.
ACTIVE = ("planned", "in_progress", "evaluating")
CLOSED = ("completed", "spread", "discontinued")


def involving(conn: Connection, person_id: UUID, *, limit: int) -> list[dict[str, Any]]:
    """Open initiatives the person owns or is in the team of, most recently changed first."""
    c = initiatives.c
    pid = str(person_id)
    m = initiative_team.c
    in_team = select(m.initiative_id).where(m.person_id == pid, m.valid_to.is_(None))
    query = (
        select(initiatives)
        .where(
            c.valid_to.is_(None),
            c.status.not_in(CLOSED),
            (c.owner_id == pid) | c.id.in_(in_team),
        )
        .order_by(c.updated_at.desc())
        .limit(limit)
    )
    return with_lists(conn, [dict(r) for r in conn.execute(query).mappings()])


def needing_attention(
    conn: Connection, *, now: datetime, quiet_days: int, limit: int
) -> list[dict[str, Any]]:
    """Initiatives someone should look at, each with a `reason`:
    `paused` (waiting for a decision to resume or stop), `quiet` (active but nothing
    recorded for `quiet_days`), `waiting` (proposed `quiet_days` ago and not yet planned)."""
    c = initiatives.c
    quiet_since = now - timedelta(days=quiet_days)
    reason = case(
        (c.status == "paused", "paused"),
        (c.status == "proposed", "waiting"),
        else_="quiet",
    ).label("reason")
    query = (
        select(initiatives, reason)
        .where(
            c.valid_to.is_(None),
            (c.status == "paused")
            | ((c.status == "proposed") & (c.updated_at < quiet_since))
            | (c.status.in_(ACTIVE) & (c.updated_at < quiet_since)),
        )
        .order_by(c.updated_at)
        .limit(limit)
    )
    return with_lists(conn, [dict(r) for r in conn.execute(query).mappings()])


def titles(conn: Connection, ids: Iterable[str], as_of: int | None = None) -> dict[str, str]:
    """Initiative id → title (as of)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    t = initiatives
    query = select(t.c.id, t.c.title).where(t.c.id.in_(wanted), visible_at(t, as_of))
    return {row.id: row.title for row in conn.execute(query)}


def current_titles(conn: Connection, *, limit: int, excluding: str | None = None) -> list[tuple[str, str]]:
    """(id, title) of at most `limit` initiatives as they are now, optionally leaving out one
    status; in no particular order (the caller sorts them the reader's way)."""
    t = initiatives
    query = select(t.c.id, t.c.title).where(t.c.valid_to.is_(None))
    if excluding is not None:
        query = query.where(t.c.status != excluding)
    return [(row.id, row.title) for row in conn.execute(query.limit(limit))]
