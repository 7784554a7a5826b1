"""How archiving shows on the pages: the state of the record a page is about (a banner with
Restore when archived, an Archive action when not) and the lists' choice of what to show.

Written once for every kind: a record page is found by its path (`present.kinds`), its
state read from the kind's read model (`projections.archive`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy import Connection

from present.kinds import KINDS, RecordKind
from present.labels.marker import N_
from present.reader import Reader
from projections import archive, history
from projections.archive import ARCHIVED_FILTERS, ArchivedFilter

_TABLES = {kind.record_type: kind.table for kind in history.KINDS}
_RECORD_PAGE = re.compile(
    r"^(?P<path>/[a-z-]+)/(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
_BY_PATH = {kind.path: kind for kind in KINDS}

# What a list offers to show, in this order; "exclude" is the default and needs no parameter.
CHOICES = (
    ("exclude", N_("Live records")),
    ("include", N_("With archived records")),
    ("only", N_("Archived records only")),
)


def record_of_page(path: str) -> tuple[RecordKind, UUID] | None:
    """The kind and id of the record a page path such as "/initiatives/<id>" shows, or None."""
    found = _RECORD_PAGE.match(path)
    if found is None or found["path"] not in _BY_PATH:
        return None
    return _BY_PATH[found["path"]], UUID(found["id"])


def state(conn: Connection, kind: RecordKind, record_id: UUID) -> dict[str, Any] | None:
    """The record's archived state for its page: the flag, the reason, where to archive or
    restore it, and its version (the form's If-Match); None when the record is not there."""
    row = archive.state(conn, _TABLES[kind.record_type], str(record_id))
    if row is None:
        return None
    base = kind.href(record_id)
    return {
        "archived": bool(row["archived"]),
        "reason": row["archived_reason"],
        "version": row["version"],
        "archive_href": f"{base}/archive",
        "restore_href": f"{base}/restore",
        "record_href": base,
    }


def list_choice(raw: str | None) -> ArchivedFilter:
    """A list's `?archived=` as the read model takes it; anything else shows live records."""
    return raw if raw in ARCHIVED_FILTERS else "exclude"  # type: ignore[return-value]


def choices(
    reader: Reader, path: str, query: dict[str, str], current: ArchivedFilter
) -> list[dict[str, Any]]:
    """The list's three choices as links that keep its other filters (and start at its first
    page), each with its words and whether it is the one shown."""
    kept = {k: v for k, v in query.items() if k not in ("archived", "cursor") and v}
    found = []
    for value, label in CHOICES:
        wanted = kept if value == "exclude" else {**kept, "archived": value}
        found.append(
            {
                "value": value,
                "label": reader.gettext(label),
                "href": f"{path}?{urlencode(wanted)}" if wanted else path,
                "current": value == current,
            }
        )
    return found
