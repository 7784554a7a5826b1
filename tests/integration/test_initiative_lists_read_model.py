"""An initiative's goals and team live in versioned rows of their own, one per goal and per
member (projections/initiatives.py), so that an event writes one item and not a copy of the
whole lists. Read back, they must be exactly what the domain holds, in the domain's order, at
every version: now, as of any position, at a version, and on a list page; and history still
shows the old value of a reworded or removed item. On both stores.

The oracle is the domain itself: the aggregate replayed to each version.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, event, select

from domain.initiative import Initiative
from projections import initiatives
from projections.history import history
from services.bootstrap import Services


def lists(initiative: dict[str, Any] | Initiative) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Goals and team as ordered pairs: the order is part of what must come back."""
    if isinstance(initiative, Initiative):
        return list(initiative.goals.items()), list(initiative.team.items())
    return list(initiative["goals"].items()), list(initiative["team"].items())


def positions(conn: Connection, initiative_id: UUID) -> dict[int, int]:
    """Version → the log position that made it."""
    h = history.c
    query = select(h.version, h.position).where(h.record_id == str(initiative_id))
    return {row.version: row.position for row in conn.execute(query)}


def propose(actor: UUID, title: str) -> Initiative:
    return Initiative.propose(
        initiative_id=uuid.uuid4(),
        actor=actor,
        occurred_on=None,
        fields={"title": title, "summary": "", "themes": ["lean"], "target_group": ""},
    )


def test_goals_and_team_read_back_as_the_domain_holds_them_at_every_version(services: Services) -> None:
    actor = services.local_actor_id
    people = [uuid.uuid4() for _ in range(3)]
    goals = [uuid.uuid4() for _ in range(3)]
    initiative = propose(actor, "Kotihoidon aamukäynnit")
    for i, goal in enumerate(goals):
        initiative.set_goal(actor=actor, goal_id=goal, text=f"Tavoite {i}")
    for person in people:
        initiative.add_team_member(actor=actor, person_id=person, role=f"rooli {person.hex[:4]}")
    # Reworded, removed and set again in the same batch as their first rows: the pending rows
    # are closed in place.
    initiative.reword_goal(actor=actor, goal_id=goals[0], text="Tavoite 0, tarkennettu")
    initiative.remove_goal(actor=actor, goal_id=goals[1])
    initiative.remove_team_member(actor=actor, person_id=people[0])
    services.app.save(initiative)
    services.projector.catch_up()

    # And in later batches, over rows already written.
    initiative.reword_goal(actor=actor, goal_id=goals[2], text="Tavoite 2, uudelleen")
    initiative.set_goal(actor=actor, goal_id=goals[1], text="Tavoite 1 palasi")  # back, at the end
    initiative.add_team_member(actor=actor, person_id=people[0], role="palasi")  # back, at the end
    initiative.add_note(actor=actor, note_id=uuid.uuid4(), text="Välihuomio", occurred_on=None)
    initiative.remove_goal(actor=actor, goal_id=goals[0])
    services.app.save(initiative)
    services.projector.catch_up()
    initiative.remove_team_member(actor=actor, person_id=people[2])
    initiative.edit(actor=actor, fields={"title": "Kotihoidon aamukäynnit, porrastus"})
    services.app.save(initiative)
    services.projector.catch_up()

    other = propose(actor, "Toinen")  # a neighbour on the list page, with lists of its own
    other.set_goal(actor=actor, goal_id=uuid.uuid4(), text="Toisen tavoite")
    other.add_team_member(actor=actor, person_id=people[2], role="")
    services.app.save(other)
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        made_at = positions(conn, initiative.id)
        assert sorted(made_at) == list(range(1, initiative.version + 1))
        for version, position in made_at.items():
            then = services.app.repository.get(initiative.id, version=version)
            wanted = lists(then)
            as_of = initiatives.get(conn, initiative.id, position)
            assert as_of is not None and as_of["version"] == version
            assert lists(as_of) == wanted, f"as of version {version}"
            at_version = initiatives.at_version(conn, initiative.id, version)
            assert at_version is not None and lists(at_version) == wanted, f"at version {version}"
            page, _ = initiatives.search(conn, initiatives.InitiativeFilter(), limit=10, as_of=position)
            listed = next(r for r in page if r["id"] == str(initiative.id))
            assert lists(listed) == wanted, f"on the page as of version {version}"

        now = initiatives.get(conn, initiative.id)
        assert now is not None and lists(now) == lists(initiative)
        assert list(now["goals"]) == [str(goals[2]), str(goals[1])]
        assert list(now["team"]) == [str(people[1]), str(people[0])]
        page, _ = initiatives.search(conn, initiatives.InitiativeFilter(), limit=10)
        assert {r["id"]: lists(r) for r in page} == {
            str(initiative.id): lists(initiative),
            str(other.id): lists(other),
        }
        assert {r["id"] for r in initiatives.involving(conn, people[0], limit=10)} == {str(initiative.id)}
        assert {r["id"] for r in initiatives.involving(conn, people[2], limit=10)} == {str(other.id)}

        h = history.c
        changes = {
            row.version: row.changes
            for row in conn.execute(select(h.version, h.changes).where(h.record_id == str(initiative.id)))
        }
    # The old value of a reworded goal, a removed goal and a removed member: from their rows.
    reworded, removed_goal, removed_member = changes[8], changes[9], changes[10]
    assert reworded == [{"field": f"goals.{goals[0]}", "old": "Tavoite 0", "new": "Tavoite 0, tarkennettu"}]
    assert removed_goal == [{"field": f"goals.{goals[1]}", "old": "Tavoite 1", "new": None}]
    assert removed_member == [
        {"field": f"team.{people[0]}", "old": f"rooli {people[0].hex[:4]}", "new": None}
    ]
    assert changes[15] == [{"field": f"goals.{goals[0]}", "old": "Tavoite 0, tarkennettu", "new": None}]
    assert changes[16] == [{"field": f"team.{people[2]}", "old": f"rooli {people[2].hex[:4]}", "new": None}]


@contextmanager
def counted(conn: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(conn, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(conn, "before_cursor_execute", count)


def test_a_list_page_reads_the_lists_in_one_query_each_whatever_its_length(services: Services) -> None:
    actor = services.local_actor_id
    made = []
    for n in range(12):
        initiative = propose(actor, f"Aloite {n}")
        for i in range(3):
            initiative.set_goal(actor=actor, goal_id=uuid.uuid4(), text=f"Tavoite {n}.{i}")
            initiative.add_team_member(actor=actor, person_id=uuid.uuid4(), role=f"rooli {i}")
        made.append(initiative)
    services.app.save(*made)
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        counts = {}
        for size in (2, 12):
            with counted(conn) as statements:
                page, _ = initiatives.search(conn, initiatives.InitiativeFilter(), limit=size)
            assert len(page) == size
            assert all(len(r["goals"]) == 3 and len(r["team"]) == 3 for r in page)
            counts[size] = len(statements)
    assert counts[2] == counts[12] == 3, "the page, its goals and its team"
