"""Read model: Change Day actions (pledges), now or as of a log position, and the
handprints they earned (a completed action is its pledger's handprint).

One versioned row per state of each action. `completed_position` is the log
position of the completion: the latest stories and the handprint lists are read
newest first along it, a bounded index scan whatever the number of pledges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Connection, Index, Integer, String, Table, Text, func, select, text

from domain.change_action import ChangeAction
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

change_actions = Table(
    "change_actions",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("change_actions"),
    Column("campaign_id", String(36), nullable=False),
    Column("created_position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("person_id", String(36)),
    Column("team", Text, nullable=False),
    # casefolded and with runs of white space squeezed: "Kotihoito  3" is "kotihoito 3".
    # Case folding grows a text (up to three code points a character: "ß" is "ss"), so
    # the key of a team at the domain's 200-character limit can be 600 long.
    Column("team_key", Text, nullable=False),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    Column("category", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("story", Text, nullable=False),
    Column("withdrawal_reason", Text, nullable=False),
    Column("inspired_by", JSON, nullable=False),
    Column("import_key", Text, nullable=False),
    Column("completed_position", Integer),
    Column("completed_on", String(10)),
    Column("completed_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index("ix_change_actions_id", "id", "valid_to"),
    Index(
        "ix_change_actions_campaign",
        "campaign_id",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    # All versions: the latest stories as of a past position read along it too.
    Index("ix_change_actions_completed", "campaign_id", "completed_position"),
    Index(
        "ix_change_actions_person",
        "person_id",
        "completed_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
)

HANDLES = ChangeAction.Event


def team_key(team: str) -> str:
    return " ".join(team.split()).casefold()


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(change_actions, (str(e.originator_id) for e in events if isinstance(e, HANDLES)))


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, HANDLES):
        return
    if archive.apply(batch, change_actions, position, event):
        return
    record_id = str(event.originator_id)
    previous = batch.current(change_actions, record_id)
    changes: dict[str, Any] = {
        "version": event.originator_version,
        "updated_at": event.timestamp,
        "updated_by": str(event.actor),
    }
    if isinstance(event, ChangeAction.Pledged):
        changes.update(
            id=record_id,
            campaign_id=str(event.campaign_id),
            created_position=position,
            text=event.text,
            person_id=str(event.person_id) if event.person_id else None,
            team=event.team,
            team_key=team_key(event.team),
            organisation_id=str(event.organisation_id) if event.organisation_id else None,
            unit_id=str(event.unit_id) if event.unit_id else None,
            category=event.category,
            status="pledged",
            story="",
            withdrawal_reason="",
            inspired_by=[],
            import_key=event.import_key,
            completed_position=None,
            completed_on=None,
            completed_at=None,
            created_at=event.timestamp,
        )
    elif isinstance(event, ChangeAction.Completed):
        changes.update(
            status="completed",
            story=event.story,
            completed_position=position,
            completed_on=event.occurred_on.isoformat() if event.occurred_on else None,
            completed_at=event.timestamp,
        )
    elif isinstance(event, ChangeAction.Withdrawn):
        changes.update(status="withdrawn", withdrawal_reason=event.reason)
    elif isinstance(event, ChangeAction.InspiredBy):
        assert previous is not None, "an action event arrived before its Pledged event"
        changes["inspired_by"] = [*previous["inspired_by"], str(event.action_id)]
    batch.replace(change_actions, previous, changes, position)


# ---- queries -----------------------------------------------------------------


@dataclass(frozen=True)
class ActionFilter:
    campaign_id: UUID | None = None
    status: str | None = None
    unit_id: UUID | None = None
    category: str | None = None
    archived: ArchivedFilter = "exclude"  # live records only, unless asked


def get(conn: Connection, action_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(change_actions).where(
                change_actions.c.id == str(action_id), visible_at(change_actions, as_of)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def search(
    conn: Connection,
    flt: ActionFilter,
    *,
    limit: int,
    cursor: str | None = None,
    as_of: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest pledge first; returns a page and the cursor of the next page (None at the end).
    Raises ValueError for a cursor this module did not make."""
    c = change_actions.c
    query = select(change_actions).where(
        visible_at(change_actions, as_of), archive.shown(change_actions, flt.archived)
    )
    if flt.campaign_id:
        query = query.where(c.campaign_id == str(flt.campaign_id))
    if flt.status:
        query = query.where(c.status == flt.status)
    if flt.unit_id:
        query = query.where(c.unit_id == str(flt.unit_id))
    if flt.category:
        query = query.where(c.category == flt.category)
    return newest_first_page(conn, query, c.created_position, limit=limit, cursor=cursor)


def recorded_ids(conn: Connection, ids: Iterable[UUID]) -> set[UUID]:
    """Which of these actions the read model has (in any state)."""
    wanted = [str(i) for i in ids]
    if not wanted:
        return set()
    rows = conn.execute(
        select(change_actions.c.id).where(
            change_actions.c.id.in_(wanted), change_actions.c.valid_to.is_(None)
        )
    )
    return {UUID(r.id) for r in rows}


def latest_stories(
    conn: Connection, campaign_id: UUID, *, limit: int, as_of: int | None = None
) -> list[dict[str, Any]]:
    """The newest completed actions of a campaign, with their stories."""
    c = change_actions.c
    query = select(change_actions).where(
        c.campaign_id == str(campaign_id),
        c.completed_position.is_not(None),
        visible_at(change_actions, as_of),
    )
    if as_of is not None:
        query = query.where(c.completed_position <= as_of)
    query = query.order_by(c.completed_position.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def handprints_of_person(
    conn: Connection, person_id: UUID, *, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None, int]:
    """A person's completed actions across campaigns, newest first, a page, and how many in all."""
    c = change_actions.c
    where = (c.person_id == str(person_id), c.valid_to.is_(None), c.completed_position.is_not(None))
    return _page(conn, select(change_actions).where(*where), limit, cursor, _count(conn, where))


def handprints_of_teams(
    conn: Connection, campaign_id: UUID, *, team: str | None, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None, int]:
    """Completed actions pledged by teams in a campaign (by one team if `team` is given)."""
    c = change_actions.c
    where = [c.campaign_id == str(campaign_id), c.completed_position.is_not(None), c.valid_to.is_(None)]
    where.append(c.team_key == team_key(team) if team else c.team_key != "")
    return _page(conn, select(change_actions).where(*where), limit, cursor, _count(conn, tuple(where)))


def team_counts(conn: Connection, campaign_id: UUID) -> list[dict[str, Any]]:
    """Handprints per team in a campaign, most first."""
    c = change_actions.c
    count = func.count().label("handprints")
    query = (
        select(func.min(c.team).label("team"), count)
        .where(
            c.campaign_id == str(campaign_id),
            c.completed_position.is_not(None),
            c.valid_to.is_(None),
            c.team_key != "",
        )
        .group_by(c.team_key)
        .order_by(count.desc(), c.team_key)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _count(conn: Connection, where: tuple[Any, ...] | list[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(change_actions).where(*where)).scalar_one())


def _page(
    conn: Connection, query: Any, limit: int, cursor: str | None, total: int
) -> tuple[list[dict[str, Any]], str | None, int]:
    c = change_actions.c
    rows, next_cursor = newest_first_page(conn, query, c.completed_position, limit=limit, cursor=cursor)
    return rows, next_cursor, total
