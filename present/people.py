"""How people are shown: their display names, an erased person worded as the reader needs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from present.i18n import collation_key
from services.people_registry import ERASED_NAME, PeopleRegistry

CHOICES_MAX = 2000  # people offered in the owner, team, person and mentor lists


def names(
    conn: Connection, people: PeopleRegistry, ids: set[str], erased: str = ERASED_NAME
) -> dict[str, str]:
    """Display names by person id; an erased (or unknown) person is called `erased`:
    the API keeps the registry's word, a page says it in the reader's language."""
    found = people.names(conn, ids)
    if erased == ERASED_NAME:
        return found
    return {pid: erased if name == ERASED_NAME else name for pid, name in found.items()}


def with_authors(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    *,
    key: str = "author",
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """Rows someone wrote (notes, observations, reflections …), each with its writer's
    display name under `key`."""
    found = names(conn, people, {r["actor_id"] for r in rows}, erased)
    return [{**r, key: found[r["actor_id"]]} for r in rows]


def everyone(conn: Connection, people: PeopleRegistry, q: str | None = None) -> list[dict[str, Any]]:
    """Every person whose name contains `q` (everyone if None), in no particular order."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        batch = people.search(conn, q=q, limit=1000, after=after)
        found += batch.items
        if batch.next_cursor is None:
            return found
        after = batch.next_cursor


def choices(conn: Connection, people: PeopleRegistry, lang: str) -> list[tuple[str, str]]:
    """Everyone, as (id, name), sorted the reader's way. Only ids and names are read,
    and each name's sort key is remembered: the list page and every initiative page
    list the whole registry, and with a thousand people reading full rows and sorting
    them cost more than the rest of the list page."""
    return sorted(people.id_names(conn, CHOICES_MAX), key=lambda p: _name_key(lang, p[1]))


@lru_cache(maxsize=16_384)  # everyone offered, in three languages, with room to spare
def _name_key(lang: str, name: str) -> tuple[str, str]:
    """The reader's sort key of one name: a pure function of the language and the name."""
    return collation_key(lang)(name)
