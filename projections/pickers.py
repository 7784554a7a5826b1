"""The searches behind the pickers: a few records of one kind whose name holds every word
typed, each with its organisation, at most `limit` of them.

A picker never loads a whole registry: it asks for the first `limit` matches, ranked so
that what the form is most likely to want comes first (the records of one organisation,
or the reader's own initiatives), then by name. The caller sorts each rank the reader's
way; this module only decides which rows make the cut.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, literal, or_, select

from projections.development_targets import development_targets
from projections.initiatives import initiative_team, initiatives
from projections.organisations import organisations, units

Q_MAX = 200  # characters of a search that are looked at; the rest is ignored
WORDS_MAX = 8  # words of a search that are looked at


def words(q: str | None) -> list[str]:
    """The casefolded words of a search (at most WORDS_MAX of its first Q_MAX characters)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in (q or "")[:Q_MAX])
    return printable.casefold().split()[:WORDS_MAX]


def _rank(first: Sequence[ColumnElement[bool]]) -> ColumnElement[int]:
    """0 for rows that meet the first condition, 1 for the second …, len(first) for the rest."""
    if not first:
        return literal(0)
    return case(*((cond, i) for i, cond in enumerate(first)), else_=len(first))


def _matches(search_text: Any, organisation: Any, word: str) -> ColumnElement[bool]:
    """A word in the record's casefolded search text or in its organisation's name (ILIKE:
    SQLite folds only ASCII there, which still finds "heinäveden" in "Heinäveden kunta")."""
    return or_(search_text.contains(word, autoescape=True), organisation.icontains(word, autoescape=True))


def _page(
    conn: Connection, query: Select[Any], rank: ColumnElement[int], name: Any, limit: int
) -> list[dict[str, Any]]:
    rows = conn.execute(query.add_columns(rank.label("rank")).order_by(rank, name).limit(limit)).mappings()
    return [dict(r) for r in rows]


def initiatives_found(
    conn: Connection,
    q: str | None,
    *,
    limit: int,
    organisation_id: str | None = None,
    person_id: str | None = None,
    ids: Sequence[str] = (),
    exclude_ids: Collection[str] = (),
    exclude_status: str | None = None,
) -> list[dict[str, Any]]:
    """Initiatives as they are now whose title or summary holds every word; with
    `person_id`, the ones they own or are on the team of come first; with `organisation_id`,
    that organisation's come next. `ids` restricts the search to those initiatives."""
    t = initiatives
    org = organisations.alias("org")
    query = (
        select(t.c.id, t.c.title.label("name"), t.c.organisation_id, org.c.name.label("organisation"))
        .select_from(t.outerjoin(org, and_(org.c.id == t.c.organisation_id, org.c.valid_to.is_(None))))
        .where(t.c.valid_to.is_(None))
    )
    for word in words(q):
        query = query.where(_matches(t.c.search_text, org.c.name, word))
    if ids:
        query = query.where(t.c.id.in_(list(ids)))
    if exclude_ids:
        query = query.where(t.c.id.not_in(list(exclude_ids)))
    if exclude_status:
        query = query.where(t.c.status != exclude_status)
    first: list[ColumnElement[bool]] = []
    if person_id:
        team = select(initiative_team.c.initiative_id).where(
            initiative_team.c.person_id == person_id, initiative_team.c.valid_to.is_(None)
        )
        first.append(or_(t.c.owner_id == person_id, t.c.id.in_(team)))
    if organisation_id:
        first.append(t.c.organisation_id == organisation_id)
    return _page(conn, query, _rank(first), t.c.title, limit)


def targets_found(
    conn: Connection, q: str | None, *, limit: int, organisation_id: str | None = None
) -> list[dict[str, Any]]:
    """Active development targets now whose title, strategy goal or description holds every
    word; `organisation_id`'s first."""
    t = development_targets
    org = organisations.alias("org")
    query = (
        select(t.c.id, t.c.title.label("name"), t.c.organisation_id, org.c.name.label("organisation"))
        .select_from(t.outerjoin(org, and_(org.c.id == t.c.organisation_id, org.c.valid_to.is_(None))))
        .where(t.c.valid_to.is_(None), t.c.status == "active")
    )
    for word in words(q):
        query = query.where(_matches(t.c.search_text, org.c.name, word))
    first = [t.c.organisation_id == organisation_id] if organisation_id else []
    return _page(conn, query, _rank(first), t.c.title, limit)


def units_found(
    conn: Connection, q: str | None, *, limit: int, organisation_id: str | None = None
) -> list[dict[str, Any]]:
    """Units now whose name or organisation's name holds every word; `organisation_id`'s first.

    Names are matched casefolded in Python: SQLite's lower() folds only ASCII, and units are
    few (a few per organisation), so reading their two names is cheap."""
    u, org = units, organisations
    query = (
        select(u.c.id, u.c.name, u.c.organisation_id, org.c.name.label("organisation"))
        .select_from(u.join(org, and_(org.c.id == u.c.organisation_id, org.c.valid_to.is_(None))))
        .where(u.c.valid_to.is_(None))
    )
    wanted = words(q)
    ranked = []
    for row in conn.execute(query).mappings():
        text = f"{row['name']}\n{row['organisation']}".casefold()
        if all(w in text for w in wanted):
            rank = 0 if organisation_id and row["organisation_id"] == organisation_id else 1
            ranked.append({**row, "rank": rank})
    ranked.sort(key=lambda r: (r["rank"], r["name"].casefold()))
    return ranked[:limit]


def chosen(conn: Connection, kind: str, record_id: str) -> dict[str, Any] | None:
    """One record of a picker's kind by id, as the searches return it (the current value
    of a form's field, shown by name), or None when there is none (now)."""
    if kind == "initiatives":
        found = initiatives_found(conn, None, limit=1, ids=[record_id])
        return found[0] if found else None
    if kind == "targets":
        t = development_targets
        org = organisations.alias("org")
        query = (
            select(t.c.id, t.c.title.label("name"), t.c.organisation_id, org.c.name.label("organisation"))
            .select_from(t.outerjoin(org, and_(org.c.id == t.c.organisation_id, org.c.valid_to.is_(None))))
            .where(t.c.valid_to.is_(None), t.c.id == record_id)
        )
    elif kind == "units":
        u, org = units, organisations
        query = (
            select(u.c.id, u.c.name, u.c.organisation_id, org.c.name.label("organisation"))
            .select_from(u.join(org, and_(org.c.id == u.c.organisation_id, org.c.valid_to.is_(None))))
            .where(u.c.valid_to.is_(None), u.c.id == record_id)
        )
    else:
        return None
    row = conn.execute(query).mappings().first()
    return {**row, "rank": 0} if row is not None else None


def organisation_names(conn: Connection, ids: set[str]) -> dict[str, str]:
    """Names of organisations now, by id (for people, whose organisation the registry holds)."""
    if not ids:
        return {}
    query = select(organisations.c.id, organisations.c.name).where(
        organisations.c.valid_to.is_(None), organisations.c.id.in_(ids)
    )
    return {row.id: row.name for row in conn.execute(query)}
