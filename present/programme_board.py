"""How the programme dashboard is shown on a projector: its rows sorted and filtered the way
the coordinator asked in the address (so a sort or a filter is a link and works without
JavaScript), each row's score trend drawn as a sparkline, and the same rows as slides of the
presentation mode, one initiative at a time. And the workshop's digest, where each change
is shown once.

The query is read from plain strings: an unknown sort key or direction is ignored (the
default order is shown), an organisation or status that is not one of the choices is named
in `BoardQuery.problems` for the page to word next to its field, and is not applied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from domain.initiative import Status
from present.drawing.sparkline_svg import sparkline, values_label

SortKey = Callable[[str], Any]

# The columns a reader can sort by (the address's `sort`), the first the default.
SORTS = ("organisation", "initiative", "owner", "lifecycle", "status", "score", "next")
DIRECTIONS = ("asc", "desc")
# Latest check-in's status, worst first: the order a coordinator wants on workshop day.
RAG_ORDER = {"red": 0, "amber": 1, "green": 2}
LIFECYCLE_ORDER = {s.value: n for n, s in enumerate(Status)}
# The status filter: a traffic light, no check-in yet, or not checked in for the next workshop.
STATUS_FILTERS = ("green", "amber", "red", "none", "not_checked_in")
QUERY_KEYS = ("sort", "dir", "organisation_id", "status")


@dataclass(frozen=True)
class BoardQuery:
    """The dashboard's sort and filters, as the address gives them."""

    sort: str = SORTS[0]
    descending: bool = False
    organisation_id: str = ""
    status: str = ""
    problems: tuple[str, ...] = field(default=())  # the fields whose value was refused

    @property
    def filtered(self) -> bool:
        return bool(self.organisation_id or self.status)

    def params(self) -> dict[str, str]:
        """The address's query for this sort and these filters (the defaults left out)."""
        return {
            "sort": "" if self.sort == SORTS[0] else self.sort,
            "dir": "desc" if self.descending else "",
            "organisation_id": self.organisation_id,
            "status": self.status,
        }


def read_query(raw: Mapping[str, str], organisations: Sequence[str]) -> BoardQuery:
    """The sort and filters from the address's strings. `organisations` are the ids one can
    filter by (those of the programme's rows)."""
    sort = raw.get("sort", "").strip()
    direction = raw.get("dir", "").strip()
    organisation_id = raw.get("organisation_id", "").strip()
    status = raw.get("status", "").strip()
    problems = []
    if organisation_id and organisation_id not in organisations:
        problems.append("organisation_id")
        organisation_id = ""
    if status and status not in STATUS_FILTERS:
        problems.append("status")
        status = ""
    return BoardQuery(
        sort=sort if sort in SORTS else SORTS[0],
        descending=direction == "desc",
        organisation_id=organisation_id,
        status=status,
        problems=tuple(problems),
    )


def _rag(row: Mapping[str, Any]) -> str:
    latest = row.get("latest_check_in")
    return str(latest["status"]) if latest else "none"


def _score(row: Mapping[str, Any]) -> float | None:
    latest = row.get("latest_check_in")
    return float(latest["progress_score"]) if latest else None


def keep(row: Mapping[str, Any], query: BoardQuery, has_next_workshop: bool) -> bool:
    """Does the row pass the query's filters?"""
    if query.organisation_id and (row.get("organisation") or {}).get("id") != query.organisation_id:
        return False
    if query.status == "not_checked_in":
        return has_next_workshop and not row.get("checked_in_for_next")
    return not query.status or _rag(row) == query.status


def sort_rows(rows: Sequence[dict[str, Any]], query: BoardQuery, sort_key: SortKey) -> list[dict[str, Any]]:
    """The rows in the query's order; ties (and rows with nothing to sort by, which go last
    in either direction) by organisation and title."""

    def name(row: Mapping[str, Any]) -> Any:
        place = row.get("organisation_name") or ""
        return (not place, sort_key(place), sort_key(row["title"]))

    def value(row: Mapping[str, Any]) -> Any:
        match query.sort:
            case "initiative":
                return sort_key(row["title"])
            case "owner":
                return sort_key(row["owner"]["name"]) if row.get("owner") else None
            case "lifecycle":
                return LIFECYCLE_ORDER.get(row.get("status") or "")
            case "status":
                return RAG_ORDER.get(_rag(row))
            case "score":
                return _score(row)
            case "next":
                return 1 if row.get("checked_in_for_next") else 0
            case _:
                return sort_key(row.get("organisation_name") or "") if row.get("organisation_name") else None

    by_name = sorted(rows, key=name)
    known = [r for r in by_name if value(r) is not None]
    unknown = [r for r in by_name if value(r) is None]
    return sorted(known, key=value, reverse=query.descending) + unknown


def sort_links(query: BoardQuery) -> dict[str, dict[str, Any]]:
    """Per sortable column: the query of its header's link (the other filters kept; the
    column sorted by already turns around) and its `aria-sort`."""
    links = {}
    for column in SORTS:
        current = query.sort == column
        turned = replace(query, sort=column, descending=current and not query.descending)
        links[column] = {
            "params": turned.params(),
            "aria_sort": ("descending" if query.descending else "ascending") if current else None,
        }
    return links


def with_trends(
    rows: Sequence[dict[str, Any]], number: Callable[[float], str], lead: str
) -> list[dict[str, Any]]:
    """Each row with `trend_values` (its scores in workshop order), `trend_label` (their
    wording for a reader) and `trend_svg` (the sparkline, "" when there are none)."""
    shown = []
    for row in rows:
        values = [float(s["score"]) for s in row.get("scores") or [] if s.get("score") is not None]
        label = values_label(values, number, lead) if values else ""
        shown.append(
            {
                **row,
                "trend_values": values,
                "trend_label": label,
                "trend_svg": sparkline(values, label=label) if values else "",
                "trend_svg_large": sparkline(values, label=label, width=360, height=90) if values else "",
            }
        )
    return shown


def slide(rows: Sequence[dict[str, Any]], raw_number: str) -> tuple[int, dict[str, Any] | None]:
    """The presentation's slide (1-based) asked for, within 1..len(rows): a number out of
    range or no number at all shows the nearest slide. (0, None) when there are no rows."""
    if not rows:
        return 0, None
    try:
        number = int(raw_number.strip() or "1")
    except ValueError:
        number = 1
    number = min(max(number, 1), len(rows))
    return number, rows[number - 1]


def organisation_choices(rows: Sequence[Mapping[str, Any]], sort_key: SortKey) -> list[tuple[str, str]]:
    """The organisations of the rows as (id, name), by name: what the filter offers."""
    found = {r["organisation"]["id"]: r["organisation"]["name"] or "" for r in rows if r.get("organisation")}
    return sorted(found.items(), key=lambda o: sort_key(o[1]))


# ---- the digest -----------------------------------------------------------------------------


def besides_check_in(
    entries: Sequence[dict[str, Any]], check_in: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """An initiative's history entries in the digest without the one that recorded the
    check-in the digest shows in its own box (the same event, shown once). A corrected
    earlier check-in stays: it is a change of its own."""
    if not check_in:
        return list(entries)
    shown_at = check_in.get("position")
    return [e for e in entries if e.get("position") != shown_at]
