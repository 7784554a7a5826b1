"""Any record named by its id: what a history, a timeline or an export shows where an
event only kept the id (an initiative a good practice came from, the campaign of a
pledge, a rotation linked to a target, the experiment behind a measure's annotation).

A record's title is the one its history gave it at its latest event (`history.record_title`:
every kind keeps one there, also kinds without a title column, such as a rotation or a
pledge). A programme's workshops and an initiative's evaluations are parts of another
record with pages of their own; they are named from their read models. An id found
nowhere is simply absent: the caller says in words that the record no longer exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from projections.evaluations import evaluations
from projections.history import history
from projections.programmes import programme_workshops


@dataclass(frozen=True)
class RecordTitle:
    record_type: str  # as history names it, or "workshop", "evaluation"
    title: str  # an evaluation's title is the day it was evaluated (ISO)
    parent_id: str | None = None  # the programme of a workshop, the initiative of an evaluation


def titles(conn: Connection, ids: Iterable[str]) -> dict[str, RecordTitle]:
    """Each id's record, for the ids that name one."""
    wanted = sorted({str(i) for i in ids if i})
    if not wanted:
        return {}
    h = history
    newest = (
        select(h.c.record_id, func.max(h.c.position).label("position"))
        .where(h.c.record_id.in_(wanted))
        .group_by(h.c.record_id)
        .subquery()
    )
    rows = conn.execute(
        select(h.c.record_id, h.c.record_type, h.c.record_title).join(
            newest, newest.c.position == h.c.position
        )
    )
    found = {r.record_id: RecordTitle(r.record_type, r.record_title) for r in rows}
    rest = [i for i in wanted if i not in found]
    if rest:
        w = programme_workshops
        for r in conn.execute(
            select(w.c.id, w.c.title, w.c.programme_id).where(w.c.id.in_(rest), w.c.valid_to.is_(None))
        ):
            found[r.id] = RecordTitle("workshop", r.title, r.programme_id)
        e = evaluations
        for r in conn.execute(
            select(e.c.evaluation_id, e.c.evaluated_on, e.c.initiative_id).where(e.c.evaluation_id.in_(rest))
        ):
            found[r.evaluation_id] = RecordTitle("evaluation", r.evaluated_on, r.initiative_id)
    return found
