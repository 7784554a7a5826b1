"""The campaigns read model (projections/campaigns.py): Change Day campaigns fed by the
application's commands, read back now and as of each log position. Both stores."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from projections import campaigns
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def test_campaigns_now_and_as_of_each_position(services: Services, ctx: CommandContext) -> None:
    app = services.app
    spring = app.create_campaign(
        ctx, fields={"name": "Muutospäivä 2026", "held_on": date(2026, 3, 12), "target_count": 50}
    )
    earlier = app.create_campaign(
        ctx, fields={"name": "Muutospäivä 2025", "held_on": date(2025, 3, 13), "target_count": 30}
    )
    services.projector.catch_up()
    renamed = app.edit_campaign(ctx, spring.record_id, fields={"name": "Kädenjälki 2026", "target_count": 80})
    moved = app.edit_campaign(ctx, earlier.record_id, fields={"held_on": date(2026, 4, 1)})
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = campaigns.get(conn, spring.record_id)
        assert now is not None
        assert {k: now[k] for k in ("id", "version", "name", "held_on", "target_count", "updated_by")} == {
            "id": str(spring.record_id),
            "version": 2,
            "name": "Kädenjälki 2026",
            "held_on": "2026-03-12",
            "target_count": 80,
            "updated_by": str(ctx.actor),
        }
        assert now["created_position"] == spring.last_position
        assert now["created_at"].tzinfo is not None and now["updated_at"] >= now["created_at"]
        assert campaigns.get(conn, uuid4()) is None

        # As of a position: the name and target before the edit; nothing before the creation.
        then = campaigns.get(conn, spring.record_id, earlier.last_position)
        assert then is not None
        assert (then["version"], then["name"], then["target_count"]) == (1, "Muutospäivä 2026", 50)
        assert then["created_position"] == now["created_position"]
        assert campaigns.get(conn, earlier.record_id, spring.last_position) is None
        at_edit = campaigns.get(conn, spring.record_id, renamed.last_position)
        assert at_edit is not None and at_edit["name"] == "Kädenjälki 2026"

        # Newest campaign day first; the moved campaign changes places.
        assert [(c["name"], c["held_on"]) for c in campaigns.list_all(conn)] == [
            ("Muutospäivä 2025", "2026-04-01"),
            ("Kädenjälki 2026", "2026-03-12"),
        ]
        assert [(c["name"], c["held_on"]) for c in campaigns.list_all(conn, renamed.last_position)] == [
            ("Kädenjälki 2026", "2026-03-12"),
            ("Muutospäivä 2025", "2025-03-13"),
        ]
        assert [c["name"] for c in campaigns.list_all(conn, spring.last_position)] == ["Muutospäivä 2026"]
        assert len(campaigns.list_all(conn, limit=1)) == 1

        # Names: the current ones only.
        ids = {str(spring.record_id), str(earlier.record_id), str(uuid4())}
        assert campaigns.names(conn, ids) == {
            str(spring.record_id): "Kädenjälki 2026",
            str(earlier.record_id): "Muutospäivä 2025",
        }
        assert campaigns.names(conn, set()) == {}

        # The rows: one per version, each closed where the next one began.
        c = campaigns.campaigns.c
        rows = conn.execute(
            select(c.version, c.valid_from, c.valid_to, c.held_on)
            .where(c.id == str(earlier.record_id))
            .order_by(c.version)
        ).all()
        assert [tuple(r) for r in rows] == [
            (1, earlier.last_position, moved.last_position, "2025-03-13"),
            (2, moved.last_position, None, "2026-04-01"),
        ]
