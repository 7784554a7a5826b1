"""The programmes read model, the dashboard and the workshop digest, driven through the
application on both stores.

The programme is a small 3W-like one: two municipalities, three enrolled initiatives
(and one enrolled and withdrawn, and one never enrolled), four workshop days around
today. Commands go straight to the application and the test decides when the
projector catches up, so corrections land in other batches than what they correct
(and in the same batch on a rebuild).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.application import CommandContext, Kipina
from domain.organisation import OrganisationKind
from projections import history, programme_dashboard, programmes
from projections.rebuild import rebuild
from services.bootstrap import Services
from tests.e2e.helpers import assert_same_tables, read_model_snapshot

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


@dataclass
class Programme3W:
    today: date
    kirkkonummi: UUID
    vihti: UUID
    programme: UUID
    other_programme: UUID
    arki: UUID  # Kirkkonummi
    perehdytys: UUID  # Kirkkonummi
    tyopari: UUID  # Vihti
    withdrawn: UUID  # Vihti, enrolled then withdrawn
    outsider: UUID  # Kirkkonummi, never enrolled
    workshops: list[UUID]
    experiment: UUID
    positions: dict[str, int] = field(default_factory=dict)

    def day(self, n: int) -> date:
        """Workshop n's day (1-based), as scheduled."""
        return [self.today - timedelta(days=30), self.today - timedelta(days=15), self.today][n - 1]


def last(receipt: Any) -> int:
    position = receipt.positions[-1]
    assert isinstance(position, int)
    return position


def record_3w(services: Services, ctx: CommandContext) -> Programme3W:
    app: Kipina = services.app
    catch_up = services.projector.catch_up
    today = datetime.now(HELSINKI).date()
    start = today - timedelta(days=60)
    kirkkonummi = app.register_organisation(
        ctx, name="Kirkkonummen kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    vihti = app.register_organisation(ctx, name="Vihdin kunta", kind=OrganisationKind.MUNICIPALITY).record_id

    def propose(title: str, organisation: UUID) -> UUID:
        fields = {"title": title, "organisation_id": organisation}
        return app.propose_initiative(ctx, fields=fields, occurred_on=start).record_id

    arki = propose("Arjen sujuvuus kotihoidossa", kirkkonummi)
    perehdytys = propose("Perehdytyksen malli", kirkkonummi)
    tyopari = propose("Lähiesihenkilön työpari", vihti)
    withdrawn = propose("Työvuorosuunnittelu", vihti)
    outsider = propose("Ulkopuolinen hanke", kirkkonummi)
    programme = app.create_programme(
        ctx,
        fields={
            "name": "3W – johtamisen kehittämisohjelma",
            "description": "Lähiesihenkilöiden työpajat",
            "period_start": start,
            "period_end": today + timedelta(days=60),
            "organisation_ids": [kirkkonummi, vihti],
            "coordinator_id": ctx.actor,
        },
        occurred_on=start,
    ).record_id
    other_programme = app.create_programme(
        ctx,
        fields={
            "name": "Toinen ohjelma",
            "period_start": start,
            "period_end": today,
            "organisation_ids": [kirkkonummi],
        },
    ).record_id
    app.close_programme(ctx, other_programme, summary="Päättyi.")
    for initiative in (arki, perehdytys, tyopari, withdrawn):
        app.enrol_initiative(ctx, programme, initiative_id=initiative, occurred_on=start)
    days = [today - timedelta(days=30), today - timedelta(days=15), today, today + timedelta(days=20)]
    workshops = [uuid_of(app, ctx) for _ in days]
    for n, (workshop, day) in enumerate(zip(workshops, days, strict=True)):
        kind = "seminar" if n == 3 else "workshop"
        app.schedule_workshop(
            ctx,
            programme,
            workshop_id=workshop,
            day=day,
            title=f"Työpaja {n + 1}",
            kind=kind,
            agenda="Kuulumiset",
        )
    catch_up()
    w1, w2, w3, w4 = workshops
    world = Programme3W(
        today,
        kirkkonummi,
        vihti,
        programme,
        other_programme,
        arki,
        perehdytys,
        tyopari,
        withdrawn,
        outsider,
        workshops,
        experiment=UUID(int=0),
    )

    # Workshop 1: two check-ins, back-dated to the day; held.
    check_in(app, ctx, world, arki, w1, "green", 1.5, occurred_on=days[0])
    check_in(app, ctx, world, tyopari, w1, "amber", 1.0, occurred_on=days[0])
    app.hold_workshop(ctx, programme, w1, occurred_on=days[0])
    catch_up()

    # Between workshops 1 and 2, all entered later (back-dated): a note on workshop 1's day
    # (not in workshop 2's window), one the day after (in it), an experiment planned and
    # started, a note on workshop 2's day (in it), and a note of an initiative never enrolled.
    app.add_note(ctx, arki, text="Sovittu työpajassa", occurred_on=days[0])
    app.add_note(ctx, arki, text="Aamupalaverit aloitettu", occurred_on=days[0] + timedelta(days=1))
    world.positions["before_experiment"] = app.recorder.max_notification_id() or 0
    world.experiment = app.plan_experiment(
        ctx,
        arki,
        fields={"title": "Aamupalaveri 10 min", "change_idea": "Lyhyt palaveri joka aamu"},
        occurred_on=days[1] - timedelta(days=3),
    ).record_id
    app.start_experiment(ctx, world.experiment, occurred_on=days[1] - timedelta(days=2))
    app.add_note(ctx, tyopari, text="Työparit nimetty", occurred_on=days[1])
    app.add_note(ctx, outsider, text="Ei kuulu ohjelmaan", occurred_on=days[1] - timedelta(days=1))
    check_in(
        app, ctx, world, arki, w2, "green", 2.0, occurred_on=days[1], done="Palaverit", help_needed="Tilat"
    )
    check_in(app, ctx, world, tyopari, w2, "red", 1.0, occurred_on=days[1])
    app.hold_workshop(ctx, programme, w2, occurred_on=days[1])
    catch_up()
    world.positions["before_correction"] = app.recorder.max_notification_id() or 0

    # Today: a correction of workshop 2's check-in (recorded today, not back-dated), a
    # lifecycle move, a withdrawal, the seminar moved, one check-in for workshop 3.
    world.positions["correction"] = check_in(
        app, ctx, world, arki, w2, "green", 2.5, done="Palaverit joka aamu", help_needed=""
    )
    app.move_initiative(ctx, tyopari, "plan")
    world.positions["before_withdrawal"] = app.recorder.max_notification_id() or 0
    app.withdraw_initiative(ctx, programme, initiative_id=withdrawn, reason="Resurssit eivät riitä")
    app.reschedule_workshop(ctx, programme, w4, day=days[3] + timedelta(days=5), reason="Sali varattu")
    catch_up()
    world.positions["before_w3_check_in"] = app.recorder.max_notification_id() or 0
    check_in(app, ctx, world, arki, w3, "green", 3.0)
    catch_up()
    return world


def uuid_of(app: Kipina, ctx: CommandContext) -> UUID:
    return app.new_id(ctx)


def check_in(
    app: Kipina,
    ctx: CommandContext,
    world: Programme3W,
    initiative: UUID,
    workshop: UUID,
    status: str,
    score: float,
    *,
    occurred_on: date | None = None,
    done: str = "",
    help_needed: str = "",
) -> int:
    receipt = app.record_check_in(
        ctx,
        initiative,
        check_in_id=app.new_id(ctx),
        programme_id=world.programme,
        workshop_id=workshop,
        status=status,
        progress_score=score,
        done=done,
        next_steps="Jatketaan",
        help_needed=help_needed,
        occurred_on=occurred_on,
    )
    return last(receipt)


def test_programmes_enrolments_workshops_and_check_ins(services: Services, ctx: CommandContext) -> None:
    world = record_3w(services, ctx)
    w1, w2, w3, w4 = world.workshops
    with services.projector.engine.connect() as conn:
        found = programmes.get(conn, world.programme)
        assert found is not None
        assert found["name"] == "3W – johtamisen kehittämisohjelma"
        assert found["organisation_ids"] == [str(world.kirkkonummi), str(world.vihti)]
        assert found["coordinator_id"] == str(ctx.actor)
        assert found["status"] == "open" and found["closed_on"] is None
        assert found["enrolled_count"] == 3 and found["workshops_count"] == 4
        assert found["version"] == services.app.get_programme(world.programme).version

        # Search: newest first, filters, paging.
        rows, cursor = programmes.search(conn, limit=1)
        assert [r["id"] for r in rows] == [str(world.other_programme)] and cursor is not None
        rows, cursor = programmes.search(conn, limit=1, cursor=cursor)
        assert [r["id"] for r in rows] == [str(world.programme)] and cursor is None
        assert [r["id"] for r in programmes.search(conn, status="closed")[0]] == [str(world.other_programme)]
        closed = programmes.get(conn, world.other_programme)
        assert (
            closed is not None
            and closed["summary"] == "Päättyi."
            and closed["closed_on"] == datetime.now(UTC).date().isoformat()
        )
        by_vihti = programmes.search(conn, organisation_id=world.vihti)[0]
        assert [r["id"] for r in by_vihti] == [str(world.programme)]
        assert [r["id"] for r in programmes.search(conn, text="JOHTAMISEN kehittämis")[0]] == [
            str(world.programme)
        ]
        assert programmes.search(conn, text="ei löydy")[0] == []
        with pytest.raises(ValueError):
            programmes.search(conn, cursor="bm9wZQ")

        # Enrolments now and before the withdrawal.
        enrolled = [e["initiative_id"] for e in programmes.enrolments(conn, world.programme)]
        assert enrolled == [str(world.arki), str(world.perehdytys), str(world.tyopari)]
        every = programmes.enrolments(conn, world.programme, include_withdrawn=True)
        assert [(e["initiative_id"], e["status"]) for e in every][-1] == (str(world.withdrawn), "withdrawn")
        assert every[-1]["withdraw_reason"] == "Resurssit eivät riitä"
        assert every[0]["enrolled_on"] == (world.today - timedelta(days=60)).isoformat()
        before = programmes.enrolments(conn, world.programme, world.positions["before_withdrawal"])
        assert [e["initiative_id"] for e in before][-1] == str(world.withdrawn)

        # Workshops by day; the seminar moved; held ones marked.
        listed = programmes.workshops(conn, world.programme)
        assert [w["id"] for w in listed] == [str(w) for w in world.workshops]
        assert [w["held"] for w in listed] == [True, True, False, False]
        assert listed[0]["held_on"] == world.day(1).isoformat()
        seminar = programmes.workshop(conn, world.programme, w4)
        assert seminar is not None and seminar["kind"] == "seminar"
        assert seminar["day"] == (world.today + timedelta(days=25)).isoformat()
        assert seminar["reschedule_reason"] == "Sali varattu"
        earlier = programmes.workshop(conn, world.programme, w4, world.positions["before_correction"])
        assert earlier is not None and earlier["day"] == (world.today + timedelta(days=20)).isoformat()
        assert programmes.workshop(conn, world.other_programme, w4) is None

        # Check-ins: the latest per workshop counts; the corrected one is kept.
        counted = programmes.check_ins(conn, world.programme, initiative_id=world.arki)
        assert [(c["workshop_id"], c["progress_score"]) for c in counted] == [
            (str(w1), 1.5),
            (str(w2), 2.5),
            (str(w3), 3.0),
        ]
        every_check_in = programmes.check_ins(conn, world.programme, workshop_id=w2, include_corrected=True)
        assert [(c["initiative_id"], c["progress_score"]) for c in every_check_in] == [
            (str(world.arki), 2.0),
            (str(world.tyopari), 1.0),
            (str(world.arki), 2.5),
        ]
        correction = every_check_in[2]
        assert every_check_in[0]["corrected_by"] == correction["check_in_id"]
        assert (
            correction["corrects"] == every_check_in[0]["check_in_id"] and correction["corrected_by"] is None
        )
        assert (
            correction["occurred_on"] is None and every_check_in[0]["occurred_on"] == world.day(2).isoformat()
        )
        as_was = programmes.check_ins(
            conn, world.programme, world.positions["before_correction"], workshop_id=w2
        )
        assert [c["progress_score"] for c in as_was] == [2.0, 1.0]
        assert programmes.check_ins(conn, None, initiative_id=world.tyopari)[0]["status"] == "amber"

        # The programmes an initiative is enrolled in, with their workshops (the check-in form).
        of_arki = programmes.of_initiative(conn, world.arki)
        assert [(p["id"], len(p["workshops"])) for p in of_arki] == [(str(world.programme), 4)]
        assert programmes.of_initiative(conn, world.withdrawn) == []
        assert [
            p["id"]
            for p in programmes.of_initiative(conn, world.withdrawn, world.positions["before_withdrawal"])
        ] == [str(world.programme)]
        assert programmes.of_initiative(conn, world.outsider) == []
        assert programmes.of_initiative(conn, world.arki, 1) == []


def test_history_of_programmes_and_check_ins(services: Services, ctx: CommandContext) -> None:
    world = record_3w(services, ctx)
    app = services.app
    w4 = world.workshops[3]
    app.edit_programme(
        ctx,
        world.programme,
        fields={"name": "3W-ohjelma", "organisation_ids": [world.kirkkonummi, world.vihti]},
    )
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        entries = history.of_record(conn, world.programme)
        types = [e["event_type"] for e in entries]
        assert types[:2] == ["Created", "InitiativeEnrolled"]
        assert types[-3:] == ["InitiativeWithdrawn", "WorkshopRescheduled", "Edited"]
        created = {c["field"]: (c["old"], c["new"]) for c in entries[0]["changes"]}
        assert created["name"] == (None, "3W – johtamisen kehittämisohjelma")
        assert created["period_start"] == (None, (world.today - timedelta(days=60)).isoformat())
        assert created["organisation_ids"] == (None, [str(world.kirkkonummi), str(world.vihti)])
        assert created["coordinator_id"] == (None, str(ctx.actor))
        assert created["status"] == (None, "open")
        assert entries[0]["record_type"] == "programme" and entries[0]["occurred_on"] is not None
        assert entries[1]["changes"] == [
            {"field": f"initiatives.{world.arki}", "old": None, "new": "enrolled"}
        ]
        by_type = {e["event_type"]: e for e in entries}
        assert by_type["InitiativeWithdrawn"]["changes"] == [
            {"field": f"initiatives.{world.withdrawn}", "old": "enrolled", "new": "withdrawn"},
            {"field": "withdraw_reason", "old": None, "new": "Resurssit eivät riitä"},
        ]
        scheduled = [e for e in entries if e["event_type"] == "WorkshopScheduled"][3]
        assert scheduled["changes"] == [
            {
                "field": f"workshops.{w4}.day",
                "old": None,
                "new": (world.today + timedelta(days=20)).isoformat(),
            },
            {"field": f"workshops.{w4}.title", "old": None, "new": "Työpaja 4"},
            {"field": f"workshops.{w4}.kind", "old": None, "new": "seminar"},
            {"field": f"workshops.{w4}.agenda", "old": None, "new": "Kuulumiset"},
        ]
        assert by_type["WorkshopRescheduled"]["changes"] == [
            {
                "field": f"workshops.{w4}.day",
                "old": (world.today + timedelta(days=20)).isoformat(),
                "new": (world.today + timedelta(days=25)).isoformat(),
            },
            {"field": "reschedule_reason", "old": None, "new": "Sali varattu"},
        ]
        assert by_type["WorkshopHeld"]["changes"] == [
            {"field": f"workshops.{world.workshops[1]}.held", "old": False, "new": True}
        ]
        # An edit records only what changed; the title follows the new name.
        assert by_type["Edited"]["changes"] == [
            {"field": "name", "old": "3W – johtamisen kehittämisohjelma", "new": "3W-ohjelma"}
        ]
        assert entries[-1]["record_title"] == "3W-ohjelma" and entries[0]["record_title"].startswith("3W –")

        closed = history.of_record(conn, world.other_programme)[-1]
        assert closed["event_type"] == "Closed"
        assert closed["changes"] == [
            {"field": "status", "old": "open", "new": "closed"},
            {"field": "summary", "old": None, "new": "Päättyi."},
        ]

        # The initiative's history keeps both check-ins; the correction shows what it changed.
        check_ins = [e for e in history.of_record(conn, world.arki) if e["event_type"] == "CheckInRecorded"]
        assert len(check_ins) == 4
        assert all(e["record_type"] == "initiative" for e in check_ins)
        assert check_ins[1]["changes"] == [
            {"field": "programme", "old": None, "new": "3W – johtamisen kehittämisohjelma"},
            {"field": "workshop", "old": None, "new": "Työpaja 2"},
            {"field": "status", "old": None, "new": "green"},
            {"field": "progress_score", "old": None, "new": 2.0},
            {"field": "done", "old": None, "new": "Palaverit"},
            {"field": "next_steps", "old": None, "new": "Jatketaan"},
            {"field": "help_needed", "old": None, "new": "Tilat"},
        ]
        assert check_ins[1]["occurred_on"] == world.day(2).isoformat()
        assert check_ins[2]["changes"] == [
            {
                "field": "programme",
                "old": "3W – johtamisen kehittämisohjelma",
                "new": "3W – johtamisen kehittämisohjelma",
            },
            {"field": "workshop", "old": "Työpaja 2", "new": "Työpaja 2"},
            {"field": "progress_score", "old": 2.0, "new": 2.5},
            {"field": "done", "old": "Palaverit", "new": "Palaverit joka aamu"},
            {"field": "help_needed", "old": "Tilat", "new": None},
        ]
        assert check_ins[2]["record_title"] == "Arjen sujuvuus kotihoidossa"


def test_dashboard_now_and_as_it_was(services: Services, ctx: CommandContext) -> None:
    world = record_3w(services, ctx)
    w1, w2, w3, w4 = (str(w) for w in world.workshops)
    arki, perehdytys, tyopari = str(world.arki), str(world.perehdytys), str(world.tyopari)
    with services.projector.engine.connect() as conn:
        board = programme_dashboard.dashboard(conn, world.programme, None, HELSINKI)
        assert board is not None
        assert board["programme"]["name"] == "3W – johtamisen kehittämisohjelma"
        assert board["programme"]["organisations"] == [
            {"id": str(world.kirkkonummi), "name": "Kirkkonummen kunta"},
            {"id": str(world.vihti), "name": "Vihdin kunta"},
        ]
        assert isinstance(board["programme"]["created_at"], str)
        assert [(w["id"], w["number"], w["check_ins"], w["held"]) for w in board["workshops"]] == [
            (w1, 1, 2, True),
            (w2, 2, 2, True),
            (w3, 3, 1, False),
            (w4, 4, 0, False),
        ]
        assert board["next_workshop"]["id"] == w3
        assert board["enrolled"] == 3
        # Sorted by organisation, then title.
        rows = {r["initiative_id"]: r for r in board["rows"]}
        assert [r["initiative_id"] for r in board["rows"]] == [arki, perehdytys, tyopari]
        first = rows[arki]
        assert first["title"] == "Arjen sujuvuus kotihoidossa"
        assert first["organisation"] == {"id": str(world.kirkkonummi), "name": "Kirkkonummen kunta"}
        assert first["status"] == "proposed"
        assert first["latest_check_in"]["workshop_id"] == w3
        assert first["latest_check_in"]["progress_score"] == 3.0
        assert isinstance(first["latest_check_in"]["recorded_at"], str)
        assert [(s["workshop_id"], s["score"], s["status"]) for s in first["scores"]] == [
            (w1, 1.5, "green"),
            (w2, 2.5, "green"),
            (w3, 3.0, "green"),
        ]
        assert first["scores"][1]["day"] == world.day(2).isoformat()
        assert first["open_experiments"] == [
            {"id": str(world.experiment), "title": "Aamupalaveri 10 min", "stage": "started"}
        ]
        assert first["checked_in_for_next"] is True
        assert rows[perehdytys]["latest_check_in"] is None and rows[perehdytys]["scores"] == []
        assert rows[tyopari]["status"] == "planned"
        assert rows[tyopari]["latest_check_in"]["status"] == "red"
        assert board["missing_for_next"] == [perehdytys, tyopari]
        totals = board["totals"]
        assert totals["by_status"] == {"planned": 1, "proposed": 2}
        assert totals["by_rag"] == {"green": 1, "amber": 0, "red": 1, "none": 1}
        assert [
            (g["organisation"]["name"], g["initiatives"], g["checked_in_for_next"])
            for g in totals["by_organisation"]
        ] == [
            ("Kirkkonummen kunta", 2, 1),
            ("Vihdin kunta", 1, 0),
        ]
        assert totals["by_organisation"][0]["by_rag"] == {"green": 1, "amber": 0, "red": 0, "none": 1}

        # As it was before the correction: the old score; the withdrawn initiative still there.
        before = programme_dashboard.dashboard(
            conn, world.programme, world.positions["before_correction"], HELSINKI
        )
        assert before is not None
        rows = {r["initiative_id"]: r for r in before["rows"]}
        assert set(rows) == {arki, perehdytys, tyopari, str(world.withdrawn)}
        assert [s["score"] for s in rows[arki]["scores"]] == [1.5, 2.0]
        assert rows[arki]["checked_in_for_next"] is False
        assert rows[tyopari]["status"] == "proposed"
        assert before["next_workshop"]["id"] == w3
        assert before["workshops"][3]["day"] == (world.today + timedelta(days=20)).isoformat()
        assert len(before["missing_for_next"]) == 4
        after_correction = programme_dashboard.dashboard(
            conn, world.programme, world.positions["correction"], HELSINKI
        )
        assert after_correction is not None
        assert [s["score"] for s in after_correction["rows"][0]["scores"]] == [1.5, 2.5]
        # Before its first experiment was planned, none was open.
        start = programme_dashboard.dashboard(
            conn, world.programme, world.positions["before_experiment"], HELSINKI
        )
        assert start is not None and all(r["open_experiments"] == [] for r in start["rows"])

        assert programme_dashboard.dashboard(conn, world.arki, None, HELSINKI) is None
        assert programme_dashboard.dashboard(conn, world.programme, 1, HELSINKI) is None


def test_dashboard_when_every_workshop_is_held(services: Services, ctx: CommandContext) -> None:
    app = services.app
    today = datetime.now(HELSINKI).date()
    programme = app.create_programme(
        ctx, fields={"name": "Pieni", "period_start": today - timedelta(days=5), "period_end": today}
    ).record_id
    workshop = app.new_id(ctx)
    app.schedule_workshop(
        ctx, programme, workshop_id=workshop, day=today - timedelta(days=1), title="Ainoa", kind="workshop"
    )
    app.hold_workshop(ctx, programme, workshop)
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        board = programme_dashboard.dashboard(conn, programme, None, "Europe/Helsinki")
        assert board is not None
        assert board["next_workshop"] is None and board["missing_for_next"] == [] and board["rows"] == []
        assert board["totals"] == {
            "by_organisation": [],
            "by_status": {},
            "by_rag": {"green": 0, "amber": 0, "red": 0, "none": 0},
        }
        assert board["programme"]["organisations"] == []
        digest = programme_dashboard.digest(conn, programme, workshop, None, "Europe/Helsinki")
        assert digest is not None and digest["initiatives"] == [] and digest["previous_workshop"] is None
        assert digest["window"] == {
            "from": (today - timedelta(days=5)).isoformat(),
            "to": (today - timedelta(days=1)).isoformat(),
        }


def test_enrolment_candidates(services: Services, ctx: CommandContext) -> None:
    world = record_3w(services, ctx)
    app = services.app
    unplaced = app.propose_initiative(ctx, fields={"title": "Ilman organisaatiota"}).record_id
    stopped = app.propose_initiative(
        ctx, fields={"title": "Keskeytetty", "organisation_id": world.kirkkonummi}
    ).record_id
    app.move_initiative(ctx, stopped, "discontinue", reason="Ei resursseja", lessons="Aloita pienestä")
    services.projector.catch_up()

    def candidates(organisation_ids: list[UUID], limit: int = 100) -> list[str]:
        with services.projector.engine.connect() as conn:
            found = programmes.enrolment_candidates(conn, [str(o) for o in organisation_ids], limit)
        return [c["id"] for c in found]

    # Current ones of the organisations and those without one, oldest first; enrolled ones
    # too (the caller leaves them out), discontinued ones never.
    kirkkonummi = [world.arki, world.perehdytys, world.outsider, unplaced]
    assert candidates([world.kirkkonummi]) == [str(i) for i in kirkkonummi]
    everyone = [world.arki, world.perehdytys, world.tyopari, world.withdrawn, world.outsider, unplaced]
    assert candidates([]) == [str(i) for i in everyone]
    assert candidates([world.kirkkonummi, world.vihti]) == [str(i) for i in everyone]
    assert candidates([], limit=2) == [str(world.arki), str(world.perehdytys)]
    with services.projector.engine.connect() as conn:
        found = programmes.enrolment_candidates(conn, [str(world.vihti)], 1)
    assert found == [
        {"id": str(world.tyopari), "title": "Lähiesihenkilön työpari", "organisation_id": str(world.vihti)}
    ]


def kinds(listed: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["kind"], e["day"]) for e in listed["entries"]]


def test_digest_windows(services: Services, ctx: CommandContext) -> None:
    world = record_3w(services, ctx)
    w1, w2, w3, _ = world.workshops
    arki, perehdytys, tyopari = str(world.arki), str(world.perehdytys), str(world.tyopari)
    d1, d2, today = world.day(1).isoformat(), world.day(2).isoformat(), world.today.isoformat()
    with services.projector.engine.connect() as conn:
        digest = programme_dashboard.digest(conn, world.programme, w2, None, HELSINKI)
        assert digest is not None
        assert digest["window"] == {"from": (world.day(1) + timedelta(days=1)).isoformat(), "to": d2}
        assert digest["workshop"]["id"] == str(w2) and digest["previous_workshop"]["id"] == str(w1)
        listed = {i["initiative_id"]: i for i in digest["initiatives"]}
        assert [i["initiative_id"] for i in digest["initiatives"]] == [arki, perehdytys, tyopari]
        # Not the note on workshop 1's day, nor the correction recorded today: the note the
        # day after, the experiment planned and started, and the check-in on the day.
        day_after = (world.day(1) + timedelta(days=1)).isoformat()
        assert kinds(listed[arki]) == [
            ("note", day_after),
            ("experiment_planned", (world.day(2) - timedelta(days=3)).isoformat()),
            ("experiment_started", (world.day(2) - timedelta(days=2)).isoformat()),
            ("check_in", d2),
        ]
        entry = listed[arki]["entries"][0]
        assert entry["record_type"] == "initiative" and entry["record_id"] == arki
        assert entry["event_type"] == "NoteAdded" and entry["occurred_on"] == day_after
        assert entry["changes"] == [{"field": "note", "old": None, "new": "Aamupalaverit aloitettu"}]
        assert entry["record_title"] == "Arjen sujuvuus kotihoidossa" and isinstance(
            entry["recorded_at"], str
        )
        assert {"position", "actor_id", "version"} <= set(entry)
        experiment_entry = listed[arki]["entries"][1]
        assert experiment_entry["record_type"] == "experiment"
        assert experiment_entry["record_id"] == str(world.experiment)
        assert listed[arki]["counts"] == {
            "check_in": 1,
            "experiment_planned": 1,
            "experiment_started": 1,
            "note": 1,
        }
        # This workshop's check-in, corrections applied.
        assert listed[arki]["check_in"]["progress_score"] == 2.5
        assert listed[tyopari]["check_in"]["status"] == "red"
        # A note on this workshop's day is in; a quiet initiative is listed with nothing.
        assert kinds(listed[tyopari]) == [("note", d2), ("check_in", d2)]
        assert listed[perehdytys]["entries"] == [] and listed[perehdytys]["check_in"] is None
        assert listed[perehdytys]["counts"] == {}
        # Never the initiative that is not enrolled.
        every_record = {e["record_id"] for i in digest["initiatives"] for e in i["entries"]}
        assert str(world.outsider) not in every_record
        assert digest["totals"] == {
            "check_in": 2,
            "experiment_planned": 1,
            "experiment_started": 1,
            "note": 2,
        }

        # Workshop 3 (today): what was recorded today without a date, the correction included.
        digest = programme_dashboard.digest(conn, world.programme, w3, None, HELSINKI)
        assert digest is not None
        assert digest["window"] == {"from": (world.day(2) + timedelta(days=1)).isoformat(), "to": today}
        listed = {i["initiative_id"]: i for i in digest["initiatives"]}
        assert kinds(listed[arki]) == [("check_in", today), ("check_in", today)]
        assert listed[arki]["entries"][0]["changes"][2] == {"field": "progress_score", "old": 2.0, "new": 2.5}
        assert listed[arki]["check_in"]["progress_score"] == 3.0
        assert kinds(listed[tyopari]) == [("status", today)]
        assert listed[tyopari]["check_in"] is None

        # Workshop 1: from the programme's start; the proposals were back-dated to it.
        digest = programme_dashboard.digest(conn, world.programme, w1, None, HELSINKI)
        assert digest is not None and digest["previous_workshop"] is None
        start = (world.today - timedelta(days=60)).isoformat()
        assert digest["window"] == {"from": start, "to": d1}
        listed = {i["initiative_id"]: i for i in digest["initiatives"]}
        assert kinds(listed[arki]) == [("edit", start), ("check_in", d1), ("note", d1)]
        assert listed[arki]["check_in"]["status"] == "green"

        # As of before the correction, workshop 2's digest shows the check-in as it was
        # then, and the withdrawn initiative (quiet) is still listed.
        digest = programme_dashboard.digest(
            conn, world.programme, w2, world.positions["before_correction"], HELSINKI
        )
        assert digest is not None
        listed = {i["initiative_id"]: i for i in digest["initiatives"]}
        assert listed[arki]["check_in"]["progress_score"] == 2.0
        assert listed[str(world.withdrawn)]["entries"] == []

        assert programme_dashboard.digest(conn, world.programme, world.arki, None, HELSINKI) is None
        assert programme_dashboard.digest(conn, world.other_programme, w1, None, HELSINKI) is None


def test_a_rebuild_gives_the_same_programme_tables(services: Services, ctx: CommandContext) -> None:
    world = record_3w(services, ctx)
    engine = services.projector.engine
    incremental = read_model_snapshot(engine)
    assert {"programmes", "programme_enrolments", "workshops", "check_ins"} <= set(incremental)
    assert len(incremental["check_ins"]) == 6
    with engine.connect() as conn:
        board = programme_dashboard.dashboard(conn, world.programme, None, HELSINKI)
        digest = programme_dashboard.digest(conn, world.programme, world.workshops[1], None, HELSINKI)
    # Rebuilt in one batch: the correction is applied in the batch of what it corrects.
    with engine.begin() as conn:
        conn.execute(programmes.programme_check_ins.delete())
    rebuild(services.projector)
    assert_same_tables(incremental, read_model_snapshot(engine))
    with engine.connect() as conn:
        assert programme_dashboard.dashboard(conn, world.programme, None, HELSINKI) == board
        assert programme_dashboard.digest(conn, world.programme, world.workshops[1], None, HELSINKI) == digest
        positions = list(conn.execute(select(programmes.programme_check_ins.c.position)).scalars())
    assert world.positions["correction"] in positions
