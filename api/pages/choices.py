"""Options for select lists that several pages offer: people, sorted the reader's way."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Connection, select

from api.pages.web import Page
from present.i18n import collation_key
from services.people_registry import people as people_table

PEOPLE_CHOICES_MAX = 2000  # people offered in the owner, team, person and mentor lists


def people_choices(page: Page, conn: Connection) -> list[tuple[str, str]]:
    """Everyone, as (id, name), sorted the reader's way. Only ids and names are read,
    and each name's sort key is remembered: the list page and every initiative page
    list the whole registry, and with a thousand people reading full rows and sorting
    them cost more than the rest of the list page."""
    query = select(people_table.c.id, people_table.c.name).order_by(people_table.c.id)
    rows = [(row.id, row.name) for row in conn.execute(query.limit(PEOPLE_CHOICES_MAX))]
    lang = page.lang
    return sorted(rows, key=lambda p: _name_key(lang, p[1]))


@lru_cache(maxsize=16_384)  # everyone offered, in three languages, with room to spare
def _name_key(lang: str, name: str) -> tuple[str, str]:
    """`page.fmt.sort_key()` of one name: a pure function of the language and the name."""
    return collation_key(lang)(name)
