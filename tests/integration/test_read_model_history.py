"""The history read model (projections/history.py): one row per recorded event with who, when,
the record's title as of that event and its field changes; a record's history, the feed across
records, and the mapping between moments and log positions. Fed by the application's commands,
read back now and as of a position. Both stores."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import history
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def test_history_of_records_the_feed_and_positions(services: Services, ctx: CommandContext) -> None:
    app = services.app
    heinavesi = app.register_organisation(ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY)
    org = heinavesi.record_id
    unit_added = app.add_unit(ctx, org, name="Kotihoito")
    [unit] = (UUID(u) for u in app.get_organisation(org).units)
    proposed = app.propose_initiative(
        ctx,
        fields={
            "title": "Perustehtävän selkiyttäminen",
            "summary": "Jokainen yksikkö kirjaa perustehtävänsä",
            "organisation_id": org,
        },
        occurred_on=date(2026, 1, 15),
    )
    initiative = proposed.record_id
    services.projector.catch_up()
    edited = app.edit_initiative(ctx, initiative, fields={"title": "Perustehtävän kirkastaminen"})
    planned = app.move_initiative(ctx, initiative, "plan")
    noted = app.add_note(
        ctx, initiative, text="Kehityskeskustelut pidetty", occurred_on=date.today() - timedelta(days=2)
    )
    campaign = app.create_campaign(
        ctx, fields={"name": "Muutospäivä 2026", "held_on": date(2026, 3, 12), "target_count": 40}
    )
    renamed = app.rename_unit(ctx, org, unit, name="Kotihoito ja kotisairaanhoito")
    services.projector.catch_up()
    p = {
        "registered": last(heinavesi),
        "unit": last(unit_added),
        "proposed": last(proposed),
        "edited": last(edited),
        "planned": last(planned),
        "noted": last(noted),
        "campaign": last(campaign),
        "renamed": last(renamed),
    }

    with services.projector.engine.connect() as conn:
        rows = history.of_record(conn, initiative)
        assert [
            (
                r["position"],
                r["record_type"],
                r["version"],
                r["event_type"],
                r["record_title"],
                r["occurred_on"],
            )
            for r in rows
        ] == [
            (p["proposed"], "initiative", 1, "Proposed", "Perustehtävän selkiyttäminen", "2026-01-15"),
            (p["edited"], "initiative", 2, "Edited", "Perustehtävän kirkastaminen", None),
            (p["planned"], "initiative", 3, "Planned", "Perustehtävän kirkastaminen", None),
            (
                p["noted"],
                "initiative",
                4,
                "NoteAdded",
                "Perustehtävän kirkastaminen",
                (date.today() - timedelta(days=2)).isoformat(),
            ),
        ]
        assert {r["actor_id"] for r in rows} == {str(ctx.actor)}
        assert all(r["recorded_at"].tzinfo is not None for r in rows)
        assert [r["changes"] for r in rows] == [
            [
                {"field": "title", "old": None, "new": "Perustehtävän selkiyttäminen"},
                {"field": "summary", "old": None, "new": "Jokainen yksikkö kirjaa perustehtävänsä"},
                {"field": "organisation_id", "old": None, "new": str(org)},
                {"field": "status", "old": None, "new": "proposed"},
            ],
            [{"field": "title", "old": "Perustehtävän selkiyttäminen", "new": "Perustehtävän kirkastaminen"}],
            [{"field": "status", "old": "proposed", "new": "planned"}],
            [{"field": "note", "old": None, "new": "Kehityskeskustelut pidetty"}],
        ]
        # As of a position: only what had happened by then.
        assert [r["version"] for r in history.of_record(conn, initiative, p["edited"])] == [1, 2]
        assert history.of_record(conn, initiative, p["unit"]) == []
        assert history.of_record(conn, uuid4()) == []

        # The organisation's unit, renamed: the old name from the unit's row.
        organisation = history.of_record(conn, org)
        assert [(r["event_type"], r["record_title"], r["changes"]) for r in organisation] == [
            (
                "Registered",
                "Heinäveden kunta",
                [
                    {"field": "name", "old": None, "new": "Heinäveden kunta"},
                    {"field": "kind", "old": None, "new": "municipality"},
                ],
            ),
            ("UnitAdded", "Heinäveden kunta", [{"field": f"units.{unit}", "old": None, "new": "Kotihoito"}]),
            (
                "UnitRenamed",
                "Heinäveden kunta",
                [{"field": f"units.{unit}", "old": "Kotihoito", "new": "Kotihoito ja kotisairaanhoito"}],
            ),
        ]
        [created] = history.of_record(conn, campaign.record_id)
        assert (created["record_type"], created["record_title"], created["changes"]) == (
            "campaign",
            "Muutospäivä 2026",
            [
                {"field": "name", "old": None, "new": "Muutospäivä 2026"},
                {"field": "held_on", "old": None, "new": "2026-03-12"},
                {"field": "target_count", "old": None, "new": 40},
            ],
        )

        # The feed: newest first across records, by kind of record, before a position, as of one.
        everything = list(p.values())
        assert [r["position"] for r in history.feed(conn, limit=100)] == sorted(everything, reverse=True)
        assert [r["position"] for r in history.feed(conn, limit=3)] == [
            p["renamed"],
            p["campaign"],
            p["noted"],
        ]
        assert [r["position"] for r in history.feed(conn, limit=2, before=p["campaign"])] == [
            p["noted"],
            p["planned"],
        ]
        assert [r["position"] for r in history.feed(conn, limit=100, record_type="organisation")] == [
            p["renamed"],
            p["unit"],
            p["registered"],
        ]
        assert [r["position"] for r in history.feed(conn, limit=100, as_of=p["proposed"])] == [
            p["proposed"],
            p["unit"],
            p["registered"],
        ]
        assert [
            r["position"] for r in history.feed(conn, limit=100, record_type="initiative", as_of=p["planned"])
        ] == [p["planned"], p["edited"], p["proposed"]]

        # Moments and positions.
        assert history.last_position(conn) == p["renamed"]
        by_position = {r["position"]: r["recorded_at"] for r in history.feed(conn, limit=100)}
        assert history.recorded_at(conn, p["edited"]) == by_position[p["edited"]]
        assert history.recorded_at(conn, 0) is None
        assert history.position_at(conn, by_position[p["edited"]]) == p["edited"]
        assert history.position_at(conn, by_position[p["registered"]] - timedelta(seconds=1)) == 0
        assert history.position_at(conn, by_position[p["renamed"]] + timedelta(days=1)) == p["renamed"]

        # Each record's version and last position, as of a position.
        ids = [str(initiative), str(org), str(campaign.record_id)]
        assert history.versions_at(conn, ids, p["planned"]) == {
            str(initiative): (3, p["planned"]),
            str(org): (2, p["unit"]),
        }
        assert history.versions_at(conn, ids, history.last_position(conn)) == {
            str(initiative): (4, p["noted"]),
            str(org): (3, p["renamed"]),
            str(campaign.record_id): (1, p["campaign"]),
        }
        assert history.versions_at(conn, [], p["planned"]) == {}


def test_history_is_empty_before_anything_is_recorded(services: Services) -> None:
    with services.projector.engine.connect() as conn:
        assert history.last_position(conn) == 0
        assert history.feed(conn, limit=10) == []
