"""The development targets read model (projections/development_targets.py): targets (KS steps
5–6), the records linked to them and their yearly reviews, fed by the application's commands and
read back now and as of a log position. Both stores.

The targets are eOSMO's three common development targets for 2012 (Heinävesi, ../shared/seeds)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import development_targets as targets
from projections.development_targets import TargetFilter
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def ids(rows: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(r["id"]) for r in rows]


def test_targets_links_and_reviews(services: Services, ctx: CommandContext) -> None:
    app = services.app
    org = app.register_organisation(
        ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id

    def define(title: str, strategy: str, role: str, end: date, **more: Any) -> UUID:
        fields = {
            "title": title,
            "strategy": strategy,
            "responsible_role": role,
            "period_start": date(2012, 1, 1),
            "period_end": end,
            **more,
        }
        return app.define_target(ctx, fields=fields).record_id

    t1 = define(
        "Perustehtävän selkiyttäminen",
        "develop",
        "unit_manager",
        date(2012, 12, 31),
        organisation_id=org,
        strategy_goal="Osaava ja hyvinvoiva henkilöstö",
        description="Jokainen yksikkö kirjaa perustehtävänsä",
    )
    t2 = define(
        "Tavoitteellinen työkierto ohjaajan kanssa",
        "mobilise",
        "first_line_manager",
        date(2013, 12, 31),
        organisation_id=org,
    )
    t3 = define("Yhteistyö- ja vuorovaikutustaidot", "develop", "top_management_hr", date(2012, 12, 31))
    i1 = app.propose_initiative(
        ctx, fields={"title": "Perustehtävät kirjoiksi", "organisation_id": org}
    ).record_id
    i2 = app.propose_initiative(ctx, fields={"title": "Kehityskeskustelut"}).record_id
    defined = services.projector.catch_up()
    app.link_to_target(ctx, t1, record_type="initiative", record_id=i1)
    app.link_to_target(ctx, t1, record_type="initiative", record_id=i2)
    app.link_to_target(ctx, t3, record_type="initiative", record_id=i1)
    linked = services.projector.catch_up()
    app.unlink_from_target(ctx, t1, record_id=i2, reason="Kuuluu toiseen tavoitteeseen")
    first_review, correction, next_year = uuid4(), uuid4(), uuid4()
    app.review_target(
        ctx,
        t1,
        review_id=first_review,
        year=2012,
        status="on_track",
        decision="continue",
        occurred_on=date(2012, 12, 14),
    )
    reviewed = services.projector.catch_up()
    app.review_target(
        ctx,
        t1,
        review_id=correction,
        year=2012,
        status="achieved",
        decision="continue",
        what_changed="Kaikki kirjasivat",
    )
    app.review_target(ctx, t1, review_id=next_year, year=2013, status="at_risk", decision="adjust")
    app.edit_target(ctx, t1, fields={"title": "Perustehtävän kirkastaminen"})
    app.link_to_target(ctx, t1, record_type="initiative", record_id=i2)
    app.retire_target(ctx, t3, reason="Yhdistetty perustehtävään")
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = targets.get(conn, t1)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "title",
                "strategy_goal",
                "strategy",
                "responsible_role",
                "period_start",
                "period_end",
                "organisation_id",
                "description",
                "status",
                "retired_reason",
                "links_count",
                "reviews_count",
                "search_text",
            )
        } == {
            "version": 9,
            "title": "Perustehtävän kirkastaminen",
            "strategy_goal": "Osaava ja hyvinvoiva henkilöstö",
            "strategy": "develop",
            "responsible_role": "unit_manager",
            "period_start": "2012-01-01",
            "period_end": "2012-12-31",
            "organisation_id": str(org),
            "description": "Jokainen yksikkö kirjaa perustehtävänsä",
            "status": "active",
            "retired_reason": "",
            "links_count": 2,
            # A correction replaces its year's review; it is not another one.
            "reviews_count": 2,
            "search_text": "perustehtävän kirkastaminen\nosaava ja hyvinvoiva henkilöstö\n"
            "jokainen yksikkö kirjaa perustehtävänsä",
        }
        retired = targets.get(conn, t3)
        assert retired is not None
        assert (
            retired["status"],
            retired["retired_reason"],
            retired["organisation_id"],
            retired["links_count"],
        ) == (
            "retired",
            "Yhdistetty perustehtävään",
            None,
            1,
        )
        then = targets.get(conn, t1, linked)
        assert then is not None
        assert (then["version"], then["title"], then["links_count"], then["reviews_count"]) == (
            3,
            "Perustehtävän selkiyttäminen",
            2,
            0,
        )
        unlinked = targets.get(conn, t1, reviewed)
        assert unlinked is not None and (unlinked["links_count"], unlinked["reviews_count"]) == (1, 1)
        assert targets.get(conn, uuid4()) is None

        # Search: newest first; by strategy, role, status, organisation and words; as of.
        assert ids(targets.search(conn, TargetFilter(), limit=10)[0]) == [t3, t2, t1]
        page, cursor = targets.search(conn, TargetFilter(), limit=2)
        assert ids(page) == [t3, t2] and cursor is not None
        assert ids(targets.search(conn, TargetFilter(), limit=2, cursor=cursor)[0]) == [t1]
        assert ids(targets.search(conn, TargetFilter(strategy="develop"), limit=10)[0]) == [t3, t1]
        assert ids(
            targets.search(conn, TargetFilter(responsible_role="first_line_manager"), limit=10)[0]
        ) == [t2]
        assert ids(targets.search(conn, TargetFilter(status="retired"), limit=10)[0]) == [t3]
        assert targets.search(conn, TargetFilter(status="retired"), limit=10, as_of=linked)[0] == []
        assert ids(targets.search(conn, TargetFilter(organisation_id=org), limit=10)[0]) == [t2, t1]
        assert ids(targets.search(conn, TargetFilter(q="KIRKASTAMINEN"), limit=10)[0]) == [t1]
        assert targets.search(conn, TargetFilter(q="kirkastaminen"), limit=10, as_of=reviewed)[0] == []
        assert ids(targets.search(conn, TargetFilter(q="selkiyttäminen"), limit=10, as_of=reviewed)[0]) == [
            t1
        ]
        assert ids(targets.search(conn, TargetFilter(q="hyvinvoiva yksikkö"), limit=10)[0]) == [t1]
        assert targets.search(conn, TargetFilter(q="hyvinvoiva työkierto"), limit=10)[0] == []
        assert ids(targets.search(conn, TargetFilter(), limit=10, as_of=defined)[0]) == [t3, t2, t1]

        # Links: in the order linked; an unlinked record is gone, and back when linked again.
        assert [(link["record_type"], link["record_id"]) for link in targets.links_of(conn, t1)] == [
            ("initiative", str(i1)),
            ("initiative", str(i2)),
        ]
        assert [link["record_id"] for link in targets.links_of(conn, t1, reviewed)] == [str(i1)]
        assert [link["record_id"] for link in targets.links_of(conn, t1, linked)] == [str(i1), str(i2)]
        assert targets.links_of(conn, t1, defined) == []
        assert targets.links_of(conn, t1)[0]["linked_by"] == str(ctx.actor)
        assert targets.targets_of(conn, [str(i1), str(i2)]) == {
            str(i1): [str(t1), str(t3)],
            str(i2): [str(t1)],
        }
        assert targets.targets_of(conn, [str(i1), str(i2)], reviewed) == {str(i1): [str(t1), str(t3)]}
        assert targets.targets_of(conn, []) == {}
        link = targets.development_target_links.c
        states = conn.execute(
            select(link.linked, link.unlink_reason)
            .where(link.id == targets.link_row_id(str(t1), str(i2)))
            .order_by(link.valid_from)
        ).all()
        assert [tuple(s) for s in states] == [(True, ""), (False, "Kuuluu toiseen tavoitteeseen"), (True, "")]

        # Reviews in log order; the corrected one names the review that replaces it.
        reviews = targets.reviews_of(conn, t1)
        assert [
            (r["review_id"], r["year"], r["status"], r["decision"], r["corrects"], r["corrected_by"])
            for r in reviews
        ] == [
            (str(first_review), 2012, "on_track", "continue", None, str(correction)),
            (str(correction), 2012, "achieved", "continue", str(first_review), None),
            (str(next_year), 2013, "at_risk", "adjust", None, None),
        ]
        assert (reviews[0]["occurred_on"], reviews[1]["what_changed"]) == ("2012-12-14", "Kaikki kirjasivat")
        [as_it_was] = targets.reviews_of(conn, t1, reviewed)
        assert (as_it_was["review_id"], as_it_was["corrected_by"]) == (str(first_review), None)

        assert targets.titles(conn, [str(t1), str(t2), str(uuid4())]) == {
            str(t1): "Perustehtävän kirkastaminen",
            str(t2): "Tavoitteellinen työkierto ohjaajan kanssa",
        }
        assert targets.titles(conn, [str(t1)], linked) == {str(t1): "Perustehtävän selkiyttäminen"}
        assert targets.titles(conn, []) == {}
