"""Read model: the good-practice catalogue.

* `good_practices`: one versioned row per state of each practice's working copy (as of any
  position), without its text: an event on a practice at its limits would otherwise copy
  ~150,000 characters into every version (docs/architecture.md, "Read-model storage per
  event").
* `good_practice_fields`: one versioned row per field of each working copy, so that an edit
  writes the fields it changes. They hold internal notes and unpublished text: only
  signed-in reads use them. The read functions put them back on the practice as `fields`,
  and the published version's fields as `published_fields`.
* `good_practice_versions`: append-only, one row per published version, with its fields
  snapshot, the source initiative's version and the log position it was based on.
* `good_practice_retractions`: append-only, one row per retraction of a version.

The public catalogue reads only the last two: the newest version of each practice whose
retraction, if any, came after the moment asked about. A draft's text is never in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    or_,
    select,
    text,
)
from sqlalchemy.sql import ColumnElement, Select

from domain.good_practice import PUBLIC_FIELDS, GoodPractice, empty_fields
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

good_practices = Table(
    "good_practices",
    metadata,
    *versioned_columns(),
    Column("version", Integer, nullable=False),
    *archive.archived_columns("good_practices"),
    Column("created_position", Integer, nullable=False),
    Column("initiative_id", String(36), nullable=False),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    Column("status", String(10), nullable=False),
    Column("name", Text, nullable=False),
    Column("development_phase", String(20), nullable=False),
    Column("drafted_source_version", Integer, nullable=False),
    # Its fields are those of the row of `good_practice_versions` with this number (0: none).
    Column("published_version", Integer, nullable=False),
    Column("retracted_reason", Text, nullable=False),
    # "|topic|topic|" and "|group|group|", casefolded: a filter is one LIKE.
    Column("topics_key", Text, nullable=False),
    Column("target_groups_key", Text, nullable=False),
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

FIELD_ROW_ID_LENGTH = 100  # "<practice id>:<field name>"; the domain's field names are short

good_practice_fields = Table(
    "good_practice_fields",
    metadata,
    Column("id", String(FIELD_ROW_ID_LENGTH), primary_key=True),
    *versioned_columns()[1:],
    Column("practice_id", String(36), nullable=False),
    Column("name", Text, nullable=False),
    # Where the field joined the working copy, and its place among those that joined with it:
    # the order of `fields` (the Innokylä template's, as the domain keeps it).
    Column("listed_position", Integer, nullable=False),
    Column("listed_index", Integer, nullable=False),
    Column("value", JSON, nullable=False),
    # The field's casefolded text if it is public ('' for internal notes), for ?q=.
    Column("search_text", Text, nullable=False),
    # Not partial: as-of reads ask for a practice's rows of any age.
    Index("ix_good_practice_fields_practice", "practice_id", "valid_to"),
    Index("ix_good_practice_fields_id", "id", "valid_to"),
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


def field_row_id(practice_id: UUID | str, name: str) -> str:
    return f"{practice_id}:{name}"


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    batch.prefetch(good_practices, (str(e.originator_id) for e in events if isinstance(e, HANDLES)))
    batch.prefetch(
        good_practice_fields,
        (
            field_row_id(e.originator_id, name)
            for e in events
            if isinstance(e, GoodPractice.Edited)
            for name in e.changes
        ),
    )


def field_value(batch: Batch, practice_id: str, name: str) -> Any:
    """A field of the working copy as this batch has left it so far (None: never set)."""
    row = batch.current(good_practice_fields, field_row_id(practice_id, name))
    return None if row is None else row["value"]


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    if not isinstance(event, HANDLES):
        return
    if archive.apply(batch, good_practices, position, event):
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
            "retracted_reason": "",
            "created_at": event.timestamp,
            **_set_fields(batch, position, practice_id, fields, drafted=True),
        }
    else:
        assert previous is not None, "a good-practice event arrived before its Drafted event"
        changes = _changes(batch, position, previous, event)
    changes.update(version=event.originator_version, updated_at=event.timestamp, updated_by=str(event.actor))
    batch.replace(good_practices, previous, changes, position)


def _changes(batch: Batch, position: int, previous: dict[str, Any], event: RecordedEvent) -> dict[str, Any]:
    if isinstance(event, GoodPractice.Edited):
        return _set_fields(batch, position, previous["id"], event.changes)
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
        # The search finds the newest published text (in its version's row), no longer the one
        # it replaces.
        return {"status": "published", "published_version": event.version, "retracted_reason": ""}
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


def _set_fields(
    batch: Batch, position: int, practice_id: str, changed: dict[str, Any], *, drafted: bool = False
) -> dict[str, Any]:
    """Write the row of each field that changed (a field new to the working copy goes after the
    others, as in the domain's dict); returns the practice row's columns derived from them."""
    joining = 0
    for name, value in changed.items():
        key = field_row_id(practice_id, name)
        previous = None if drafted else batch.current(good_practice_fields, key)
        if previous is not None and previous["value"] == value:
            continue  # the same value again: the row already says it
        if previous is None:
            place = {"listed_position": position, "listed_index": joining}
            joining += 1
        else:
            place = {k: previous[k] for k in ("listed_position", "listed_index")}
        row = {
            "id": key,
            "practice_id": practice_id,
            "name": name,
            **place,
            "value": value,
            "search_text": _field_text(value) if name in PUBLIC_FIELDS else "",
        }
        batch.replace(good_practice_fields, previous, row, position)
    derived: dict[str, Any] = {k: changed[k] for k in ("name", "development_phase") if k in changed}
    if "topics" in changed:
        derived["topics_key"] = _list_key(changed["topics"])
    if "target_groups" in changed:
        derived["target_groups_key"] = _list_key(changed["target_groups"])
    return derived


def _keys(fields: dict[str, Any]) -> dict[str, str]:
    return {
        "topics_key": _list_key(fields.get("topics", [])),
        "target_groups_key": _list_key(fields.get("target_groups", [])),
        "search_text": _search_text(fields),
    }


def _list_key(values: Iterable[str]) -> str:
    return "|" + "|".join(v.casefold() for v in values) + "|"


def _search_text(fields: dict[str, Any]) -> str:
    """Casefolded public text, for ?q= (SQLite folds only ASCII). Never internal notes."""
    return "\n".join(_field_text(fields.get(name)) for name in PUBLIC_FIELDS)


def _field_text(value: Any) -> str:
    """One field's casefolded text: a word found in it is found in `_search_text` too (a word
    has no space, so it cannot span two fields or two tags)."""
    return (" ".join(value) if isinstance(value, list) else str(value or "")).casefold()


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
    archived: ArchivedFilter = "exclude"  # live records only, unless asked


def get(conn: Connection, practice_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
    t = good_practices
    row = conn.execute(select(t).where(t.c.id == str(practice_id), visible_at(t, as_of))).mappings().first()
    return with_fields(conn, [dict(row)])[0] if row is not None else None


def with_fields(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put `fields` (the working copy) and `published_fields` (the published version's fields,
    {} if none) on each practice row, as they were at that row's version: one query each for
    all the rows (a page). A field is picked by the position its practice's row became true
    (an edit gives the practice a new row at its position), so it never runs ahead of it."""
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["fields"] = {}
        row["published_fields"] = {}
    if not rows:
        return rows
    f = good_practice_fields
    query = select(f.c.practice_id, f.c.name, f.c.value).where(items_at_owner_rows(f, "practice_id", rows))
    for practice_id, name, value in conn.execute(query.order_by(f.c.listed_position, f.c.listed_index)):
        by_id[practice_id]["fields"][name] = value
    published = [row for row in rows if row["published_version"]]
    if published:
        v = good_practice_versions
        query = select(v.c.practice_id, v.c.fields).where(
            or_(
                *(
                    and_(v.c.practice_id == row["id"], v.c.version == row["published_version"])
                    for row in published
                )
            )
        )
        for found in conn.execute(query):
            by_id[found.practice_id]["published_fields"] = found.fields
    return rows


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
    query = _filtered(
        select(t).where(visible_at(t, as_of), archive.shown(t, flt.archived)), t, replace(flt, q=None)
    )
    for word in (flt.q or "").casefold().split():
        query = query.where(_working_copy_has(word, as_of))
    if flt.status:
        query = query.where(t.c.status == flt.status)
    if flt.initiative_id:
        query = query.where(t.c.initiative_id == str(flt.initiative_id))
    rows, next_cursor = newest_first_page(conn, query, t.c.created_position, limit=limit, cursor=cursor)
    return with_fields(conn, rows), next_cursor


def _working_copy_has(word: str, as_of: int | None) -> ColumnElement[bool]:
    """The internal catalogue finds a practice by a public field of its working copy (as of) or
    by its published text (the newest published version's row holds that)."""
    t, f, v = good_practices, good_practice_fields, good_practice_versions
    in_a_field = (
        select(f.c.id)
        .where(
            f.c.practice_id == t.c.id, visible_at(f, as_of), f.c.search_text.contains(word, autoescape=True)
        )
        .exists()
    )
    in_published = (
        select(v.c.practice_id)
        .where(
            v.c.practice_id == t.c.id,
            v.c.version == t.c.published_version,
            v.c.search_text.contains(word, autoescape=True),
        )
        .exists()
    )
    return or_(in_a_field, in_published)


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
    return with_fields(conn, [dict(r) for r in conn.execute(query.order_by(t.c.created_position)).mappings()])


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
    or the practice archived by then. A later version after a retraction is public again."""
    v = good_practice_versions
    r = good_practice_retractions
    newest = select(v.c.practice_id, func.max(v.c.version).label("version"))
    if as_of is not None:
        newest = newest.where(v.c.position <= as_of)
    newest_sq = newest.group_by(v.c.practice_id).subquery()
    retracted: ColumnElement[bool] = and_(r.c.practice_id == v.c.practice_id, r.c.version == v.c.version)
    if as_of is not None:
        retracted = and_(retracted, r.c.position <= as_of)
    # An archived practice leaves the public catalogue (as of the moment asked about) and
    # comes back when restored; its versions stay.
    g = good_practices
    archived = select(g.c.id).where(g.c.id == v.c.practice_id, visible_at(g, as_of), g.c.archived.is_(True))
    return (
        select(v)
        .join(newest_sq, and_(newest_sq.c.practice_id == v.c.practice_id, newest_sq.c.version == v.c.version))
        .where(~select(r.c.position).where(retracted).exists(), ~archived.exists())
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


@dataclass(frozen=True)
class Facets:
    """What the public catalogue can be narrowed by: the topics, target groups and
    organisations of the practices public now, each with how many practices it holds."""

    topics: dict[str, int]
    target_groups: dict[str, int]
    organisation_ids: dict[str, int]


def published_facets(conn: Connection) -> Facets:
    """The facets of the current public versions. A topic written differently in two
    practices ("Lean", "lean") is one facet, named as it was first written; the filter
    matches it casefolded either way."""
    q = _public_query(None).subquery()
    topics: dict[str, int] = {}
    groups: dict[str, int] = {}
    organisations: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for row in conn.execute(select(q.c.organisation_id, q.c.fields).order_by(q.c.position)).mappings():
        for name, counts in (("topics", topics), ("target_groups", groups)):
            once = {str(v).strip().casefold(): str(v).strip() for v in row["fields"].get(name) or []}
            for key, value in once.items():
                if key:
                    shown = spelled.setdefault(f"{name}|{key}", value)
                    counts[shown] = counts.get(shown, 0) + 1
        if row["organisation_id"]:
            organisations[row["organisation_id"]] = organisations.get(row["organisation_id"], 0) + 1
    return Facets(topics=topics, target_groups=groups, organisation_ids=organisations)


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
