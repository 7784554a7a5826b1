"""The rotations read model (projections/rotations.py): job-rotation placements with their
reflections, a person's rotation history, the reflections behind an initiative and the rotation
calendar (who is away from and hosted by which unit, week by week), fed by the application's
commands and read back now, at a version and as of a log position. Both stores.

The scenario is eOSMO's goal-oriented job rotation with a guide (Heinävesi, ../shared/seeds)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import rotations
from projections.rotations import RotationFilter
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def ids(rows: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(r["id"]) for r in rows]


def test_placements_reflections_and_the_calendar(services: Services, ctx: CommandContext) -> None:
    app = services.app
    org = app.register_organisation(
        ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    for name in ("Kotihoito", "Vastaanotto", "Ruokapalvelu"):
        app.add_unit(ctx, org, name=name)
    kotihoito, vastaanotto, ruoka = (UUID(u) for u in app.get_organisation(org).units)
    with services.people.engine.begin() as conn:
        aino, leena, mikko = (services.people.register(conn, {"name": n}) for n in ("Aino", "Leena", "Mikko"))
    initiative = app.propose_initiative(
        ctx, fields={"title": "Tavoitteellinen työkierto ohjaajan kanssa", "organisation_id": org}
    ).record_id

    def propose(person: UUID, home: UUID, host: UUID, starts: date, ends: date, **more: Any) -> Any:
        return app.propose_rotation(
            ctx,
            person_id=person,
            home_organisation_id=org,
            home_unit_id=home,
            host_organisation_id=org,
            host_unit_id=host,
            starts_on=starts,
            ends_on=ends,
            learning_goals=more.pop("goals", ["Perustehtävän selkiyttäminen"]),
            **more,
        )

    first = propose(
        aino,
        kotihoito,
        vastaanotto,
        date(2026, 2, 2),
        date(2026, 2, 15),
        goals=["Ajanvaraus", "Puhelinneuvonta"],
        mentor_id=mikko,
        initiative_id=initiative,
    )
    r1 = first.record_id
    r2 = propose(leena, vastaanotto, kotihoito, date(2026, 2, 9), date(2026, 2, 22)).record_id
    third = propose(aino, kotihoito, ruoka, date(2026, 3, 2), date(2026, 3, 6), initiative_id=initiative)
    r3 = third.record_id
    proposed = services.projector.catch_up()
    app.approve_rotation(ctx, r1)
    app.start_rotation(ctx, r1)
    reflected = app.record_rotation_reflection(
        ctx, r1, text="Opin ajanvarauksen perusteet", occurred_on=date(2026, 2, 6)
    )
    edited = app.edit_rotation(ctx, r2, fields={"learning_goals": ["Vastaanoton kirjaukset"]})
    rescheduled = app.reschedule_rotation(ctx, r2, starts_on=date(2026, 2, 16), ends_on=date(2026, 3, 1))
    cancelled = app.cancel_rotation(ctx, r3, reason="Ruokapalvelun remontti")
    services.projector.catch_up()
    app.record_rotation_reflection(ctx, r1, text="Puhelinneuvonta sujuu")
    completed = app.complete_rotation(
        ctx,
        r1,
        learned="Vastaanoton arki",
        bring_home="Yhteinen ajanvarauskalenteri",
        host_feedback="Hyvä apu",
    )
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = rotations.get(conn, r1)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "person_id",
                "home_organisation_id",
                "home_unit_id",
                "host_unit_id",
                "starts_on",
                "ends_on",
                "learning_goals",
                "mentor_id",
                "initiative_id",
                "target_id",
                "status",
                "approved_by",
                "reflections_count",
                "learned",
                "bring_home",
                "host_feedback",
                "cancel_reason",
                "created_position",
            )
        } == {
            "version": 6,
            "person_id": str(aino),
            "home_organisation_id": str(org),
            "home_unit_id": str(kotihoito),
            "host_unit_id": str(vastaanotto),
            "starts_on": "2026-02-02",
            "ends_on": "2026-02-15",
            "learning_goals": ["Ajanvaraus", "Puhelinneuvonta"],
            "mentor_id": str(mikko),
            "initiative_id": str(initiative),
            "target_id": None,
            "status": "completed",
            "approved_by": str(ctx.actor),
            "reflections_count": 2,
            "learned": "Vastaanoton arki",
            "bring_home": "Yhteinen ajanvarauskalenteri",
            "host_feedback": "Hyvä apu",
            "cancel_reason": "",
            "created_position": first.positions[0],  # the Proposed event, saved before the schedule's
        }
        assert now["approved_at"] is not None and now["started_at"] is not None
        moved = rotations.get(conn, r2)
        assert moved is not None
        assert (moved["starts_on"], moved["ends_on"], moved["learning_goals"], moved["status"]) == (
            "2026-02-16",
            "2026-03-01",
            ["Vastaanoton kirjaukset"],
            "proposed",
        )
        gone = rotations.get(conn, r3)
        assert gone is not None and (gone["status"], gone["cancel_reason"]) == (
            "cancelled",
            "Ruokapalvelun remontti",
        )
        assert rotations.get(conn, uuid4()) is None

        # As of a position and at a version: as it was then.
        then = rotations.get(conn, r1, last(reflected))
        assert then is not None
        assert (then["version"], then["status"], then["reflections_count"], then["learned"]) == (
            4,
            "started",
            1,
            "",
        )
        before = rotations.get(conn, r2, last(edited))
        assert before is not None
        assert (before["learning_goals"], before["starts_on"]) == (["Vastaanoton kirjaukset"], "2026-02-09")
        assert (
            rotations.get(conn, r3, proposed) is not None and rotations.get(conn, r3, last(first) - 1) is None
        )
        at_two = rotations.at_version(conn, r1, 2)
        assert at_two is not None and (at_two["version"], at_two["status"], at_two["approved_by"]) == (
            2,
            "approved",
            str(ctx.actor),
        )
        first_version = rotations.at_version(conn, r2, 1)
        assert first_version is not None and first_version["learning_goals"] == [
            "Perustehtävän selkiyttäminen"
        ]
        latest = rotations.at_version(conn, r2, 99)
        assert latest is not None and latest["version"] == 3
        assert rotations.at_version(conn, uuid4(), 1) is None

        # Reflections in order, now and as of a position.
        assert [(r["text"], r["occurred_on"]) for r in rotations.reflections(conn, r1)] == [
            ("Opin ajanvarauksen perusteet", "2026-02-06"),
            ("Puhelinneuvonta sujuu", None),
        ]
        assert [r["text"] for r in rotations.reflections(conn, r1, last(cancelled))] == [
            "Opin ajanvarauksen perusteet"
        ]
        assert rotations.reflections(conn, r1, proposed) == []

        # Search: newest first; by person, unit (home or host), status and initiative; as of.
        assert ids(rotations.search(conn, RotationFilter(), limit=10)[0]) == [r3, r2, r1]
        page, cursor = rotations.search(conn, RotationFilter(), limit=2)
        assert ids(page) == [r3, r2] and cursor is not None
        assert ids(rotations.search(conn, RotationFilter(), limit=2, cursor=cursor)[0]) == [r1]
        assert ids(rotations.search(conn, RotationFilter(person_id=aino), limit=10)[0]) == [r3, r1]
        assert ids(rotations.search(conn, RotationFilter(unit_id=vastaanotto), limit=10)[0]) == [r2, r1]
        assert ids(rotations.search(conn, RotationFilter(unit_id=ruoka), limit=10)[0]) == [r3]
        assert ids(rotations.search(conn, RotationFilter(status="completed"), limit=10)[0]) == [r1]
        assert ids(rotations.search(conn, RotationFilter(initiative_id=initiative), limit=10)[0]) == [r3, r1]
        started = RotationFilter(status="started")
        assert ids(rotations.search(conn, started, limit=10, as_of=last(rescheduled))[0]) == [r1]
        assert rotations.search(conn, started, limit=10)[0] == []
        assert (
            len(rotations.search(conn, RotationFilter(status="proposed"), limit=10, as_of=proposed)[0]) == 3
        )

        # A person's history, earliest period first.
        assert ids(rotations.of_person(conn, aino)) == [r1, r3]
        assert [r["status"] for r in rotations.of_person(conn, aino, proposed)] == ["proposed", "proposed"]
        assert ids(rotations.of_person(conn, mikko)) == []

        # The reflections of the initiative's placements, with their placement.
        behind = rotations.reflections_for_initiative(conn, initiative)
        assert [
            (r["text"], r["rotation_id"], r["rotation_person_id"], r["rotation_status"]) for r in behind
        ] == [
            ("Opin ajanvarauksen perusteet", str(r1), str(aino), "completed"),
            ("Puhelinneuvonta sujuu", str(r1), str(aino), "completed"),
        ]
        assert (behind[0]["rotation_home_unit_id"], behind[0]["rotation_host_unit_id"]) == (
            str(kotihoito),
            str(vastaanotto),
        )
        assert (behind[0]["rotation_starts_on"], behind[0]["rotation_ends_on"]) == (
            "2026-02-02",
            "2026-02-15",
        )
        as_of = rotations.reflections_for_initiative(conn, initiative, last(cancelled))
        assert [(r["text"], r["rotation_status"]) for r in as_of] == [
            ("Opin ajanvarauksen perusteet", "started")
        ]

        # The calendar: five ISO weeks; who is away from and hosted by each unit, week by week.
        start, end = date(2026, 2, 2), date(2026, 3, 8)
        assert [(w.week, w.monday) for w in rotations.weeks(start, end)] == [
            (6, date(2026, 2, 2)),
            (7, date(2026, 2, 9)),
            (8, date(2026, 2, 16)),
            (9, date(2026, 2, 23)),
            (10, date(2026, 3, 2)),
        ]

        def by_unit(found: dict[str, Any]) -> dict[str, tuple[list[int], list[int]]]:
            return {u["unit_id"]: (u["away"], u["hosted"]) for u in found["units"]}

        current = rotations.calendar(conn, start, end)
        assert ids(current["placements"]) == [r1, r2]  # the cancelled placement holds no one away
        assert by_unit(current) == {
            str(kotihoito): ([1, 1, 0, 0, 0], [0, 0, 1, 1, 0]),
            str(vastaanotto): ([0, 0, 1, 1, 0], [1, 1, 0, 0, 0]),
        }
        then_calendar = rotations.calendar(conn, start, end, as_of=proposed)
        assert ids(then_calendar["placements"]) == [r1, r2, r3]
        assert by_unit(then_calendar) == {
            str(kotihoito): ([1, 1, 0, 0, 1], [0, 1, 1, 0, 0]),
            str(vastaanotto): ([0, 1, 1, 0, 0], [1, 1, 0, 0, 0]),
            str(ruoka): ([0, 0, 0, 0, 0], [0, 0, 0, 0, 1]),
        }
        assert rotations.calendar(conn, start, end, unit_id=ruoka) == {
            "placements": [],
            "weeks": rotations.weeks(start, end),
            "units": [],
        }
        one_unit = rotations.calendar(conn, start, end, unit_id=ruoka, as_of=proposed)
        assert ids(one_unit["placements"]) == [r3]
        assert by_unit(one_unit) == {str(ruoka): ([0, 0, 0, 0, 0], [0, 0, 0, 0, 1])}
        # A window of one week, on its own days only.
        narrow = rotations.calendar(conn, date(2026, 2, 16), date(2026, 2, 17))
        assert ids(narrow["placements"]) == [r2]
        assert by_unit(narrow) == {str(kotihoito): ([0], [1]), str(vastaanotto): ([1], [0])}
    assert completed.version == 6
