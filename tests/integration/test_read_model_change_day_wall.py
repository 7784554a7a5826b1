"""The Change Day wall read model (projections/change_day_wall.py): counters of pledged,
completed and withdrawn actions per category, organisation and unit of a campaign, fed by the
application's commands (the scenario of test_read_model_change_actions.py) and read back now and
as of a log position. Both stores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from domain.application import CommandContext
from projections import change_day_wall
from services.bootstrap import Services
from tests.integration.test_read_model_change_actions import record_change_day


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def counts(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, int]]:
    """key → (pledged, completed, withdrawn, open)."""
    return {r["key"]: (r["pledged"], r["completed"], r["withdrawn"], r["open"]) for r in rows}


def test_the_wall_now_and_as_of_a_position(services: Services, ctx: CommandContext) -> None:
    world = record_change_day(services, ctx)
    p = world.positions
    org, kotihoito, vastaanotto = str(world.oulunkaari), str(world.kotihoito), str(world.vastaanotto)
    with services.projector.engine.connect() as conn:
        now = change_day_wall.wall(conn, world.campaign)
        assert now["totals"] == {
            "pledged": 4,
            "completed": 3,
            "withdrawn": 1,
            "open": 0,
            "completion_rate": 1.0,
        }
        assert counts(now["category"]) == {
            "patient_experience": (1, 1, 0, 0),
            "working_together": (1, 1, 0, 0),
            "wellbeing_at_work": (1, 1, 0, 0),
            "other": (1, 0, 1, 0),
        }
        # The team pledged with no organisation counts under the empty key.
        assert counts(now["organisation"]) == {org: (3, 3, 0, 0), "": (1, 0, 1, 0)}
        assert counts(now["unit"]) == {kotihoito: (2, 2, 0, 0), vastaanotto: (1, 1, 0, 0)}
        assert {r["key"]: r["organisation_id"] for r in now["unit"]} == {kotihoito: org, vastaanotto: org}
        assert {r["completion_rate"] for r in now["unit"]} == {1.0}

        # As of a position: the counts as they stood then.
        pledged = change_day_wall.wall(conn, world.campaign, p["pledged"])
        assert pledged["totals"] == {
            "pledged": 4,
            "completed": 0,
            "withdrawn": 0,
            "open": 4,
            "completion_rate": 0.0,
        }
        assert counts(pledged["unit"]) == {kotihoito: (2, 0, 0, 2), vastaanotto: (1, 0, 0, 1)}
        first = change_day_wall.wall(conn, world.campaign, p["asiakas_completed"])
        assert first["totals"] == {
            "pledged": 4,
            "completed": 1,
            "withdrawn": 0,
            "open": 3,
            "completion_rate": 0.25,
        }
        assert counts(first["organisation"]) == {org: (3, 1, 0, 2), "": (1, 0, 0, 1)}
        withdrawn = change_day_wall.wall(conn, world.campaign, p["withdrawn"])
        assert withdrawn["totals"] == {
            "pledged": 4,
            "completed": 2,
            "withdrawn": 1,
            "open": 1,
            "completion_rate": 0.6667,
        }
        assert counts(withdrawn["category"])["other"] == (1, 0, 1, 0)
        empty = change_day_wall.wall(conn, world.campaign, p["campaigns"])
        assert empty["totals"]["pledged"] == 0 and empty["category"] == empty["unit"] == []

        # The other campaign counts only its own action.
        other = change_day_wall.wall(conn, world.other_campaign)
        assert other["totals"] == {
            "pledged": 1,
            "completed": 1,
            "withdrawn": 0,
            "open": 0,
            "completion_rate": 1.0,
        }
        assert counts(other["organisation"]) == {org: (1, 1, 0, 0)} and other["unit"] == []

        # The counter rows: one current row per counter, a new version per counted event.
        rows = change_day_wall.counters(conn, world.campaign)
        assert len(rows) == 4 + 2 + 2
        assert {r["id"] for r in rows} >= {change_day_wall.counter_id(str(world.campaign), "unit", kotihoito)}
        assert len(change_day_wall.counters(conn, world.campaign, p["pledged"])) == 8
        w = change_day_wall.wall_counters.c
        org_counter = change_day_wall.counter_id(str(world.campaign), "organisation", org)
        versions = conn.execute(select(func.count()).where(w.id == org_counter)).scalar_one()
        assert versions == 3 + 3  # three pledges, three completions
