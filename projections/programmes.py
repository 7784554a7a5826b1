"""Read model: programmes, their enrolled initiatives, workshops and check-ins, now or
as of any log position.

* `programmes`: one versioned row per state of each programme (every programme event
  makes one: the row's `version` is the aggregate's, for ETags).
* `programme_enrolments`: one versioned row per state of each (programme, initiative)
  pair, id "<programme id>:<initiative id>". A withdrawal does not delete the row: its
  successor says `status = "withdrawn"`, so "enrolled as of P" is one query on the
  versioned rows, and an initiative enrolled again gets a new `enrolled_on`.
* `workshops`: one versioned row per state of each workshop day (scheduled,
  rescheduled, held).
* `check_ins`: append-only, one row per `Initiative.CheckInRecorded` in log order. A
  later check-in of the same initiative for the same workshop corrects the earlier one
  (the latest counts); both stay here, as both stay in the history.

The tables' Python names are `programmes`, `programme_enrolments`, `programme_workshops`
and `programme_check_ins`: `workshops()` and `check_ins()` are the queries.

Dates (`enrolled_on`, `held_on`, `closed_on`) are the back-dated `occurred_on` when
given, else the UTC date it was recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    cast,
    select,
    text,
)

from domain.initiative import Initiative, Status
from domain.programme import Programme
from domain.recorded import RecordedEvent
from projections import archive
from projections.archive import ArchivedFilter
from projections.batch import Batch, Row
from projections.initiatives import initiatives
from projections.tables import (
    UTCDateTime,
    metadata,
    newest_first_page,
    versioned_columns,
    visible_at,
)

_CURRENT_ONLY = text("valid_to IS NULL")

programmes = Table(
    "programmes",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("programmes"),
    Column("created_position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    # ISO dates: they sort and compare as text the same way on SQLite and PostgreSQL.
    Column("period_start", String(10), nullable=False),
    Column("period_end", String(10), nullable=False),
    Column("organisation_ids", JSON, nullable=False),
    Column("coordinator_id", String(36)),
    Column("status", String(20), nullable=False),
    Column("summary", Text, nullable=False),
    Column("closed_on", String(10)),
    Column("enrolled_count", Integer, nullable=False),
    Column("workshops_count", Integer, nullable=False),
    # casefolded name + description (SQLite's lower() only folds ASCII).
    Column("search_text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(36), nullable=False),
    Index(
        "ix_programmes_current",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index(
        "ix_programmes_status",
        "status",
        "created_position",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_programmes_id", "id", "valid_to"),
)

ENROLMENT_ID_LENGTH = 73  # "<uuid>:<uuid>"

programme_enrolments = Table(
    "programme_enrolments",
    metadata,
    Column("id", String(ENROLMENT_ID_LENGTH), primary_key=True),
    *versioned_columns()[1:],
    Column("programme_id", String(36), nullable=False),
    Column("initiative_id", String(36), nullable=False),
    Column("status", String(20), nullable=False),  # enrolled | withdrawn
    Column("enrolled_on", String(10), nullable=False),
    Column("enrolled_position", Integer, nullable=False),
    Column("withdrawn_on", String(10)),
    Column("withdraw_reason", Text, nullable=False),
    # Not partial: as-of reads ask for a programme's rows of any age, and they are few.
    Index("ix_programme_enrolments_programme", "programme_id", "valid_to"),
    Index(
        "ix_programme_enrolments_initiative",
        "initiative_id",
        sqlite_where=_CURRENT_ONLY,
        postgresql_where=_CURRENT_ONLY,
    ),
    Index("ix_programme_enrolments_id", "id", "valid_to"),
)

programme_workshops = Table(
    "workshops",
    metadata,
    *versioned_columns(),
    Column("programme_id", String(36), nullable=False),
    Column("created_position", Integer, nullable=False),
    Column("day", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("agenda", Text, nullable=False),
    Column("held", Boolean, nullable=False),
    Column("held_on", String(10)),
    Column("reschedule_reason", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_workshops_programme", "programme_id", "valid_to"),
    Index("ix_workshops_id", "id", "valid_to"),
)

programme_check_ins = Table(
    "check_ins",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("check_in_id", String(36), nullable=False, index=True),
    Column("initiative_id", String(36), nullable=False),
    Column("programme_id", String(36), nullable=False),
    Column("workshop_id", String(36), nullable=False),
    Column("status", String(10), nullable=False),
    Column("progress_score", Float, nullable=False),
    Column("done", Text, nullable=False),
    Column("next_steps", Text, nullable=False),
    Column("help_needed", Text, nullable=False),
    Column("corrects", String(36)),
    Column("occurred_on", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_id", String(36), nullable=False),
    Index("ix_check_ins_programme", "programme_id", "position"),
    Index("ix_check_ins_initiative", "initiative_id", "position"),
)

# Check-in rows by check-in id, per batch: what history needs to show a correction's
# old values, including those of check-ins applied earlier in the same batch.
_CHECK_INS_SEEN: WeakKeyDictionary[Batch, dict[str, Row | None]] = WeakKeyDictionary()


def enrolment_id(programme_id: UUID | str, initiative_id: UUID | str) -> str:
    return f"{programme_id}:{initiative_id}"


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    programme_ids: set[str] = set()
    enrolment_ids: set[str] = set()
    workshop_ids: set[str] = set()
    corrected: set[str] = set()
    for e in events:
        if isinstance(e, Programme.Event):
            programme_ids.add(str(e.originator_id))
            if isinstance(e, Programme.InitiativeEnrolled | Programme.InitiativeWithdrawn):
                enrolment_ids.add(enrolment_id(e.originator_id, e.initiative_id))
            if isinstance(e, Programme.WorkshopRescheduled | Programme.WorkshopHeld):
                workshop_ids.add(str(e.workshop_id))
        elif isinstance(e, Initiative.CheckInRecorded):
            # History names the programme and workshop a check-in reports to.
            programme_ids.add(str(e.programme_id))
            workshop_ids.add(str(e.workshop_id))
            if e.corrects is not None:
                corrected.add(str(e.corrects))
    batch.prefetch(programmes, programme_ids)
    batch.prefetch(programme_enrolments, enrolment_ids)
    batch.prefetch(programme_workshops, workshop_ids)
    _prefetch_check_ins(batch, corrected)


def _prefetch_check_ins(batch: Batch, check_in_ids: set[str]) -> None:
    seen = _CHECK_INS_SEEN.setdefault(batch, {})
    wanted = {i for i in check_in_ids if i not in seen}
    if not wanted:
        return
    seen.update(dict.fromkeys(wanted))
    query = (
        select(programme_check_ins)
        .where(programme_check_ins.c.check_in_id.in_(wanted))
        .order_by(programme_check_ins.c.position)
    )
    for row in batch.conn.execute(query).mappings():
        seen[row["check_in_id"]] = dict(row)


def check_in_row(batch: Batch, check_in_id: str) -> Row | None:
    """A recorded check-in's row, also one applied earlier in this batch."""
    seen = _CHECK_INS_SEEN.setdefault(batch, {})
    if check_in_id not in seen:
        _prefetch_check_ins(batch, {check_in_id})
    return seen[check_in_id]


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if isinstance(event, Initiative.CheckInRecorded):
        _record_check_in(batch, position, event)
        return
    if not isinstance(event, Programme.Event):
        return
    if archive.apply(batch, programmes, position, event):
        return
    record_id = str(event.originator_id)
    previous = batch.current(programmes, record_id)
    day = (event.occurred_on or event.timestamp.date()).isoformat()
    changes = _changes(batch, position, previous, event, day)
    if isinstance(event, Programme.Created):
        changes["created_position"] = position
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(programmes, previous, changes, position)


def _record_check_in(batch: Batch, position: int, event: Initiative.CheckInRecorded) -> None:
    row: Row = {
        "position": position,
        "check_in_id": str(event.check_in_id),
        "initiative_id": str(event.originator_id),
        "programme_id": str(event.programme_id),
        "workshop_id": str(event.workshop_id),
        "status": event.status,
        "progress_score": float(event.progress_score),
        "done": event.done,
        "next_steps": event.next_steps,
        "help_needed": event.help_needed,
        "corrects": _text(event.corrects),
        "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
        "recorded_at": event.timestamp,
        "actor_id": str(event.actor),
    }
    batch.insert(programme_check_ins, row)
    _CHECK_INS_SEEN.setdefault(batch, {})[row["check_in_id"]] = row


def _changes(
    batch: Batch, position: int, previous: Row | None, event: RecordedEvent, day: str
) -> dict[str, Any]:
    """The programme row's columns this event changes (a full row for Created); writes
    the enrolment and workshop rows on the way."""
    if isinstance(event, Programme.Created):
        return {
            "id": str(event.originator_id),
            **columns(
                {
                    "name": event.name,
                    "description": event.description,
                    "period_start": event.period_start,
                    "period_end": event.period_end,
                    "organisation_ids": event.organisation_ids,
                    "coordinator_id": event.coordinator_id,
                }
            ),
            "status": "open",
            "summary": "",
            "closed_on": None,
            "enrolled_count": 0,
            "workshops_count": 0,
            "search_text": _search_text(event.name, event.description),
            "created_at": event.timestamp,
        }
    assert previous is not None, "a programme event arrived before its Created event"
    programme_id = str(event.originator_id)
    if isinstance(event, Programme.Edited):
        changed = columns(event.changes)
        if "name" in changed or "description" in changed:
            name = changed.get("name", previous["name"])
            changed["search_text"] = _search_text(name, changed.get("description", previous["description"]))
        return changed
    if isinstance(event, Programme.InitiativeEnrolled):
        key = enrolment_id(programme_id, event.initiative_id)
        batch.replace(
            programme_enrolments,
            batch.current(programme_enrolments, key),
            {
                "id": key,
                "programme_id": programme_id,
                "initiative_id": str(event.initiative_id),
                "status": "enrolled",
                "enrolled_on": day,
                "enrolled_position": position,
                "withdrawn_on": None,
                "withdraw_reason": "",
            },
            position,
        )
        return {"enrolled_count": previous["enrolled_count"] + 1}
    if isinstance(event, Programme.InitiativeWithdrawn):
        key = enrolment_id(programme_id, event.initiative_id)
        enrolment = batch.current(programme_enrolments, key)
        assert enrolment is not None, "a withdrawal arrived before its enrolment"
        batch.replace(
            programme_enrolments,
            enrolment,
            {"status": "withdrawn", "withdrawn_on": day, "withdraw_reason": event.reason},
            position,
        )
        return {"enrolled_count": previous["enrolled_count"] - 1}
    if isinstance(event, Programme.WorkshopScheduled):
        batch.replace(
            programme_workshops,
            None,
            {
                "id": str(event.workshop_id),
                "programme_id": programme_id,
                "created_position": position,
                "day": event.day.isoformat(),
                "title": event.title,
                "kind": event.kind,
                "agenda": event.agenda,
                "held": False,
                "held_on": None,
                "reschedule_reason": "",
                "updated_at": event.timestamp,
            },
            position,
        )
        return {"workshops_count": previous["workshops_count"] + 1}
    if isinstance(event, Programme.WorkshopRescheduled | Programme.WorkshopHeld):
        workshop = batch.current(programme_workshops, str(event.workshop_id))
        assert workshop is not None, "a workshop event arrived before the workshop was scheduled"
        moved: Row
        if isinstance(event, Programme.WorkshopRescheduled):
            moved = {"day": event.day.isoformat(), "reschedule_reason": event.reason}
        else:
            moved = {"held": True, "held_on": day}
        batch.replace(programme_workshops, workshop, {**moved, "updated_at": event.timestamp}, position)
        return {}
    assert isinstance(event, Programme.Closed)
    return {"status": "closed", "summary": event.summary, "closed_on": day}


def columns(values: dict[str, Any]) -> dict[str, Any]:
    """Programme field values as column values (dates as ISO text, ids as text)."""
    found: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):
            found[name] = value.isoformat()
        elif name == "organisation_ids":
            found[name] = [str(v) for v in value]
        elif isinstance(value, UUID):
            found[name] = str(value)
        else:
            found[name] = value
    return found


def _search_text(name: Any, description: Any) -> str:
    return f"{name}\n{description}".casefold()


def _text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


# ---- queries -----------------------------------------------------------------


def get(conn: Connection, programme_id: UUID | str, as_of: int | None = None) -> dict[str, Any] | None:
    query = select(programmes).where(programmes.c.id == str(programme_id), visible_at(programmes, as_of))
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def at_version(conn: Connection, programme_id: UUID | str, version: int) -> dict[str, Any] | None:
    """The programme as it was at one of its versions (what an edit form was based on)."""
    query = (
        select(programmes)
        .where(programmes.c.id == str(programme_id), programmes.c.version <= version)
        .order_by(programmes.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def search(
    conn: Connection,
    *,
    status: str | None = None,
    organisation_id: UUID | str | None = None,
    text: str | None = None,
    as_of: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
    archived: ArchivedFilter = "exclude",
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end).
    Raises ValueError for a cursor this server did not give out."""
    c = programmes.c
    query = select(programmes).where(visible_at(programmes, as_of), archive.shown(programmes, archived))
    if status:
        query = query.where(c.status == status)
    if organisation_id:
        query = query.where(cast(c.organisation_ids, Text).contains(f'"{organisation_id}"', autoescape=True))
    if text:
        for word in text.casefold().split():
            query = query.where(c.search_text.contains(word, autoescape=True))
    return newest_first_page(conn, query, c.created_position, limit=limit, cursor=cursor)


def workshops(conn: Connection, programme_id: UUID | str, as_of: int | None = None) -> list[dict[str, Any]]:
    """The programme's workshops by day (then in the order they were scheduled)."""
    t = programme_workshops
    query = (
        select(t)
        .where(t.c.programme_id == str(programme_id), visible_at(t, as_of))
        .order_by(t.c.day, t.c.created_position)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def workshop(
    conn: Connection, programme_id: UUID | str, workshop_id: UUID | str, as_of: int | None = None
) -> dict[str, Any] | None:
    """One workshop of this programme (None when it has no such workshop)."""
    t = programme_workshops
    query = select(t).where(
        t.c.id == str(workshop_id), t.c.programme_id == str(programme_id), visible_at(t, as_of)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def enrolments(
    conn: Connection,
    programme_id: UUID | str,
    as_of: int | None = None,
    *,
    include_withdrawn: bool = False,
) -> list[dict[str, Any]]:
    """The programme's enrolled initiatives, in the order they were enrolled (with
    `include_withdrawn`, also those withdrawn, `status` telling which)."""
    t = programme_enrolments
    query = select(t).where(t.c.programme_id == str(programme_id), visible_at(t, as_of))
    if not include_withdrawn:
        query = query.where(t.c.status == "enrolled")
    return [dict(r) for r in conn.execute(query.order_by(t.c.enrolled_position)).mappings()]


def of_initiative(
    conn: Connection, initiative_id: UUID | str, as_of: int | None = None
) -> list[dict[str, Any]]:
    """The programmes the initiative is enrolled in, each with its `workshops` by day and
    its `enrolled_on`: what the check-in form on the initiative's page offers."""
    e = programme_enrolments
    enrolled = select(e.c.programme_id, e.c.enrolled_on).where(
        e.c.initiative_id == str(initiative_id), e.c.status == "enrolled"
    )
    if as_of is None:
        enrolled = enrolled.where(e.c.valid_to.is_(None))
    else:
        # Pairs enrolled at some time (the partial index on current rows finds them: a pair's
        # history always has one current row), then their state as of the position.
        ever = select(e.c.id).where(e.c.initiative_id == str(initiative_id), e.c.valid_to.is_(None))
        enrolled = select(e.c.programme_id, e.c.enrolled_on).where(
            e.c.id.in_(ever.scalar_subquery()), visible_at(e, as_of), e.c.status == "enrolled"
        )
    enrolled_on = {r.programme_id: r.enrolled_on for r in conn.execute(enrolled)}
    if not enrolled_on:
        return []
    query = (
        select(programmes)
        .where(programmes.c.id.in_(enrolled_on), visible_at(programmes, as_of))
        .order_by(programmes.c.period_start, programmes.c.created_position)
    )
    found = [dict(r) for r in conn.execute(query).mappings()]
    by_programme: dict[str, list[dict[str, Any]]] = {p["id"]: [] for p in found}
    w = programme_workshops
    rows = conn.execute(
        select(w)
        .where(w.c.programme_id.in_(by_programme), visible_at(w, as_of))
        .order_by(w.c.day, w.c.created_position)
    ).mappings()
    for row in rows:
        by_programme[row["programme_id"]].append(dict(row))
    return [{**p, "enrolled_on": enrolled_on[p["id"]], "workshops": by_programme[p["id"]]} for p in found]


def enrolment_candidates(conn: Connection, organisation_ids: list[str], limit: int) -> list[dict[str, Any]]:
    """Current initiatives that a programme could take, oldest first (at most `limit`):
    those of the given organisations and those without one (any, when none is given);
    not discontinued ones. Each as `id`, `title`, `organisation_id`."""
    t = initiatives
    query = select(t.c.id, t.c.title, t.c.organisation_id).where(
        t.c.valid_to.is_(None), t.c.status != Status.DISCONTINUED.value
    )
    if organisation_ids:
        query = query.where(t.c.organisation_id.in_(organisation_ids) | t.c.organisation_id.is_(None))
    return [dict(r) for r in conn.execute(query.order_by(t.c.created_position).limit(limit)).mappings()]


def check_ins(
    conn: Connection,
    programme_id: UUID | str | None,
    as_of: int | None = None,
    *,
    workshop_id: UUID | str | None = None,
    initiative_id: UUID | str | None = None,
    include_corrected: bool = False,
) -> list[dict[str, Any]]:
    """Check-ins in the order recorded, of a programme (and/or of one initiative, and/or
    for one workshop). Each row has `corrected_by`: the id of the later check-in of the
    same initiative for the same workshop that replaces it, or None for the one that
    counts. Without `include_corrected`, only the ones that count."""
    if programme_id is None and initiative_id is None:
        raise ValueError("check-ins are read per programme or per initiative")
    t = programme_check_ins
    query = select(t)
    if programme_id is not None:
        query = query.where(t.c.programme_id == str(programme_id))
    if initiative_id is not None:
        query = query.where(t.c.initiative_id == str(initiative_id))
    if workshop_id is not None:
        query = query.where(t.c.workshop_id == str(workshop_id))
    if as_of is not None:
        query = query.where(t.c.position <= as_of)
    rows = [dict(r) for r in conn.execute(query.order_by(t.c.position)).mappings()]
    return with_corrections(rows, include_corrected=include_corrected)


def with_corrections(rows: list[dict[str, Any]], *, include_corrected: bool) -> list[dict[str, Any]]:
    """Mark each check-in (rows in log order) with `corrected_by`; drop the corrected ones
    unless asked to keep them."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        row["corrected_by"] = None
        key = (row["initiative_id"], row["workshop_id"])
        earlier = latest.get(key)
        if earlier is not None:
            earlier["corrected_by"] = row["check_in_id"]
        latest[key] = row
    if include_corrected:
        return rows
    return [r for r in rows if r["corrected_by"] is None]
