"""The Change Day actions read model (projections/change_actions.py): pledges, their
completions and withdrawals, the handprints they earn, fed by the application's commands and
read back now and as of a log position. Both stores.

`record_change_day` is also the Change Day wall's scenario (test_read_model_change_day_wall.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import change_actions
from projections.change_actions import ActionFilter
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


@dataclass
class ChangeDay:
    """Oulunkaari's Change Day: a person's pledge and three teams' pledges, some completed
    (handprints), one withdrawn, one inspired by another; and a second campaign."""

    campaign: UUID
    other_campaign: UUID
    oulunkaari: UUID
    kotihoito: UUID
    vastaanotto: UUID
    maija: UUID
    asiakas: UUID  # Maija's pledge, completed first
    kotihoito_3: UUID  # team "Kotihoito  3", completed second
    kotihoito_3_again: UUID  # team "KOTIHOITO 3" (the same team), inspired by Maija's, completed last
    vastaanotto_team: UUID  # team "Vastaanotto", no place, withdrawn
    elsewhere: UUID  # Maija's pledge in the other campaign, completed
    completed_on: date = field(default_factory=date.today)
    positions: dict[str, int] = field(default_factory=dict)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def record_change_day(services: Services, ctx: CommandContext) -> ChangeDay:
    app = services.app
    oulunkaari = app.register_organisation(
        ctx, name="Oulunkaaren kuntayhtymä", kind=OrganisationKind.JOINT_AUTHORITY
    ).record_id
    app.add_unit(ctx, oulunkaari, name="Kotihoito")
    app.add_unit(ctx, oulunkaari, name="Vastaanotto")
    kotihoito, vastaanotto = (UUID(u) for u in app.get_organisation(oulunkaari).units)
    with services.people.engine.begin() as conn:
        maija = services.people.register(conn, {"name": "Maija Mehiläinen"})
    campaign = app.create_campaign(
        ctx, fields={"name": "Kehittäminen kuuluu kaikille", "held_on": date(2026, 3, 12), "target_count": 40}
    ).record_id
    other_campaign = app.create_campaign(
        ctx, fields={"name": "Muutospäivä 2025", "held_on": date(2025, 3, 13), "target_count": 10}
    ).record_id
    before_pledges = services.projector.catch_up()

    def pledge(campaign_id: UUID, **fields: Any) -> UUID:
        return app.pledge_action(ctx, campaign_id, fields=fields).record_id

    place = {"organisation_id": oulunkaari}
    asiakas = pledge(
        campaign,
        text="Kysyn jokaiselta asiakkaalta, mikä hänelle on tärkeää",
        person_id=maija,
        unit_id=kotihoito,
        category="patient_experience",
        **place,
    )
    kotihoito_3 = pledge(
        campaign,
        text="Aamupalaveri joka päivä",
        team="Kotihoito  3",
        unit_id=kotihoito,
        category="yhteistyö",
        **place,
    )
    kotihoito_3_again = pledge(
        campaign,
        text="Tauko yhdessä",
        team="KOTIHOITO 3",
        unit_id=vastaanotto,
        category="wellbeing_at_work",
        **place,
    )
    vastaanotto_team = pledge(campaign, text="Jonot lyhyemmiksi", team="Vastaanotto", category="other")
    elsewhere = pledge(other_campaign, text="Vanha lupaus", person_id=maija, category="environment", **place)
    world = ChangeDay(
        campaign,
        other_campaign,
        oulunkaari,
        kotihoito,
        vastaanotto,
        maija,
        asiakas,
        kotihoito_3,
        kotihoito_3_again,
        vastaanotto_team,
        elsewhere,
        completed_on=date.today() - timedelta(days=1),
    )
    world.positions["campaigns"] = before_pledges
    world.positions["pledged"] = services.projector.catch_up()
    world.positions["asiakas_completed"] = last(
        app.complete_action(
            ctx, asiakas, story="Asiakkaat kertoivat toiveistaan", occurred_on=world.completed_on
        )
    )
    world.positions["elsewhere_completed"] = last(
        app.complete_action(ctx, elsewhere, story="Tehty viime vuonna")
    )
    services.projector.catch_up()
    world.positions["kotihoito_3_completed"] = last(
        app.complete_action(ctx, kotihoito_3, story="Palaveri vakiintui")
    )
    world.positions["withdrawn"] = last(app.withdraw_action(ctx, vastaanotto_team, reason="Tiimi hajosi"))
    services.projector.catch_up()
    world.positions["inspired"] = last(app.link_inspiration(ctx, kotihoito_3_again, source_id=asiakas))
    world.positions["last_completed"] = last(
        app.complete_action(ctx, kotihoito_3_again, story="Tauot pidetään yhdessä")
    )
    services.projector.catch_up()
    return world


def ids(rows: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(r["id"]) for r in rows]


def test_actions_now_and_as_of_a_position(services: Services, ctx: CommandContext) -> None:
    world = record_change_day(services, ctx)
    p = world.positions
    with services.projector.engine.connect() as conn:
        now = change_actions.get(conn, world.asiakas)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "campaign_id",
                "text",
                "person_id",
                "team",
                "team_key",
                "organisation_id",
                "unit_id",
                "category",
                "status",
                "story",
                "withdrawal_reason",
                "inspired_by",
                "import_key",
                "completed_position",
                "completed_on",
            )
        } == {
            "version": 2,
            "campaign_id": str(world.campaign),
            "text": "Kysyn jokaiselta asiakkaalta, mikä hänelle on tärkeää",
            "person_id": str(world.maija),
            "team": "",
            "team_key": "",
            "organisation_id": str(world.oulunkaari),
            "unit_id": str(world.kotihoito),
            "category": "patient_experience",
            "status": "completed",
            "story": "Asiakkaat kertoivat toiveistaan",
            "withdrawal_reason": "",
            "inspired_by": [],
            "import_key": "",
            "completed_position": p["asiakas_completed"],
            "completed_on": world.completed_on.isoformat(),
        }
        assert now["completed_at"] is not None and now["updated_by"] == str(ctx.actor)
        team = change_actions.get(conn, world.kotihoito_3)
        assert team is not None
        assert (team["person_id"], team["team"], team["team_key"], team["category"]) == (
            None,
            "Kotihoito  3",
            "kotihoito 3",
            "working_together",
        )
        inspired = change_actions.get(conn, world.kotihoito_3_again)
        assert inspired is not None
        assert (inspired["version"], inspired["inspired_by"], inspired["status"]) == (
            3,
            [str(world.asiakas)],
            "completed",
        )
        withdrawn = change_actions.get(conn, world.vastaanotto_team)
        assert withdrawn is not None
        assert (withdrawn["status"], withdrawn["withdrawal_reason"], withdrawn["organisation_id"]) == (
            "withdrawn",
            "Tiimi hajosi",
            None,
        )
        assert change_actions.get(conn, uuid4()) is None

        # As of a position: pledged, with no story, no link and no completion yet.
        then = change_actions.get(conn, world.asiakas, p["pledged"])
        assert then is not None
        assert (then["version"], then["status"], then["story"], then["completed_position"]) == (
            1,
            "pledged",
            "",
            None,
        )
        linked = change_actions.get(conn, world.kotihoito_3_again, p["inspired"])
        assert linked is not None and (linked["status"], linked["inspired_by"]) == (
            "pledged",
            [str(world.asiakas)],
        )
        before = change_actions.get(conn, world.kotihoito_3_again, p["withdrawn"])
        assert before is not None and before["inspired_by"] == []
        assert change_actions.get(conn, world.asiakas, p["campaigns"]) is None

        # Search: newest pledge first, by campaign, status, unit and category, now and as of.
        everything = ActionFilter(campaign_id=world.campaign)
        page, cursor = change_actions.search(conn, everything, limit=10)
        assert cursor is None
        assert ids(page) == [
            world.vastaanotto_team,
            world.kotihoito_3_again,
            world.kotihoito_3,
            world.asiakas,
        ]
        first, cursor = change_actions.search(conn, everything, limit=3)
        assert ids(first) == ids(page)[:3] and cursor is not None
        rest, end = change_actions.search(conn, everything, limit=3, cursor=cursor)
        assert ids(rest) == [world.asiakas] and end is None
        completed = ActionFilter(campaign_id=world.campaign, status="completed")
        assert ids(change_actions.search(conn, completed, limit=10)[0]) == [
            world.kotihoito_3_again,
            world.kotihoito_3,
            world.asiakas,
        ]
        assert ids(change_actions.search(conn, completed, limit=10, as_of=p["asiakas_completed"])[0]) == [
            world.asiakas
        ]
        assert ids(change_actions.search(conn, completed, limit=10, as_of=p["pledged"])[0]) == []
        pledged_then = ActionFilter(campaign_id=world.campaign, status="pledged")
        assert len(change_actions.search(conn, pledged_then, limit=10, as_of=p["pledged"])[0]) == 4
        in_unit = ActionFilter(unit_id=world.kotihoito)
        assert ids(change_actions.search(conn, in_unit, limit=10)[0]) == [world.kotihoito_3, world.asiakas]
        by_category = ActionFilter(category="environment")
        assert ids(change_actions.search(conn, by_category, limit=10)[0]) == [world.elsewhere]
        assert len(change_actions.search(conn, ActionFilter(), limit=10)[0]) == 5
        with pytest.raises(ValueError):
            change_actions.search(conn, everything, limit=3, cursor="not-a-cursor")

        assert change_actions.recorded_ids(conn, [world.asiakas, world.elsewhere, uuid4()]) == {
            world.asiakas,
            world.elsewhere,
        }
        assert change_actions.recorded_ids(conn, []) == set()

        # One row per version, each closed where the next one began.
        c = change_actions.change_actions.c
        rows = conn.execute(
            select(c.version, c.status, c.valid_to)
            .where(c.id == str(world.vastaanotto_team))
            .order_by(c.version)
        ).all()
        assert [tuple(r) for r in rows] == [(1, "pledged", p["withdrawn"]), (2, "withdrawn", None)]


def test_handprints_and_stories(services: Services, ctx: CommandContext) -> None:
    world = record_change_day(services, ctx)
    p = world.positions
    with services.projector.engine.connect() as conn:
        # The newest stories along the completions, now and as of a position.
        stories = change_actions.latest_stories(conn, world.campaign, limit=10)
        assert [(UUID(s["id"]), s["story"]) for s in stories] == [
            (world.kotihoito_3_again, "Tauot pidetään yhdessä"),
            (world.kotihoito_3, "Palaveri vakiintui"),
            (world.asiakas, "Asiakkaat kertoivat toiveistaan"),
        ]
        assert ids(change_actions.latest_stories(conn, world.campaign, limit=2)) == [
            world.kotihoito_3_again,
            world.kotihoito_3,
        ]
        assert ids(change_actions.latest_stories(conn, world.campaign, limit=10, as_of=p["withdrawn"])) == [
            world.kotihoito_3,
            world.asiakas,
        ]
        assert change_actions.latest_stories(conn, world.campaign, limit=10, as_of=p["pledged"]) == []
        assert ids(change_actions.latest_stories(conn, world.other_campaign, limit=10)) == [world.elsewhere]

        # A person's handprints across campaigns, newest first, paged, with the total.
        page, cursor, total = change_actions.handprints_of_person(conn, world.maija, limit=1)
        assert (ids(page), total) == ([world.elsewhere], 2) and cursor is not None
        page, cursor, total = change_actions.handprints_of_person(conn, world.maija, limit=1, cursor=cursor)
        assert (ids(page), cursor, total) == ([world.asiakas], None, 2)
        assert change_actions.handprints_of_person(conn, uuid4(), limit=5) == ([], None, 0)

        # Teams' handprints: one team however its name is spaced or cased; the withdrawn team has none.
        page, cursor, total = change_actions.handprints_of_teams(conn, world.campaign, team=None, limit=10)
        assert (ids(page), cursor, total) == ([world.kotihoito_3_again, world.kotihoito_3], None, 2)
        page, _, total = change_actions.handprints_of_teams(
            conn, world.campaign, team=" kotihoito   3 ", limit=1
        )
        assert (ids(page), total) == ([world.kotihoito_3_again], 2)
        assert change_actions.handprints_of_teams(conn, world.campaign, team="Vastaanotto", limit=10) == (
            [],
            None,
            0,
        )
        # One row for the team, under one of its spellings (the smallest in the database's collation).
        [counted] = change_actions.team_counts(conn, world.campaign)
        assert counted["handprints"] == 2 and counted["team"] in {"Kotihoito  3", "KOTIHOITO 3"}
        assert change_actions.team_counts(conn, world.other_campaign) == []
