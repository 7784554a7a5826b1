"""The read-model queries behind the select lists of the rotation and development target
pages: initiatives and active targets as they are now (projections/initiatives.py,
projections/development_targets.py), and what can still be linked to a target
(projections/coverage.py): placements that serve no target and are not cancelled,
Change Day actions that are not withdrawn. Both stores."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import coverage, development_targets, initiatives
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def test_select_lists_and_what_can_be_linked(services: Services, ctx: CommandContext) -> None:
    app = services.app
    org = app.register_organisation(
        ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    for name in ("Kotihoito", "Vastaanotto"):
        app.add_unit(ctx, org, name=name)
    kotihoito, vastaanotto = (UUID(u) for u in app.get_organisation(org).units)
    with services.people.engine.begin() as conn:
        aino, leena = (services.people.register(conn, {"name": n}) for n in ("Aino", "Leena"))

    kotiutus = app.propose_initiative(ctx, fields={"title": "Kotiutuksen tarkistuslista"}).record_id
    vuorot = app.propose_initiative(ctx, fields={"title": "Vuorosuunnittelu"}).record_id
    app.edit_initiative(ctx, kotiutus, fields={"title": "Kotiutuksen muistilista"})
    app.move_initiative(
        ctx, vuorot, "discontinue", reason="Järjestelmä vaihtuu", lessons="Aloita käyttöönotosta"
    )

    def define(title: str) -> UUID:
        fields = {
            "title": title,
            "strategy": "develop",
            "responsible_role": "unit_manager",
            "period_start": date(2012, 1, 1),
            "period_end": date(2012, 12, 31),
        }
        return app.define_target(ctx, fields=fields).record_id

    tyokierto, vanha = define("Tavoitteellinen työkierto"), define("Vanha tavoite")
    app.retire_target(ctx, vanha, reason="Yhdistetty")

    def propose(person: UUID, starts: date, ends: date) -> UUID:
        return app.propose_rotation(
            ctx,
            person_id=person,
            home_organisation_id=org,
            home_unit_id=kotihoito,
            host_organisation_id=org,
            host_unit_id=vastaanotto,
            starts_on=starts,
            ends_on=ends,
            learning_goals=["Ajanvaraus"],
        ).record_id

    later = propose(aino, date(2026, 3, 2), date(2026, 3, 6))
    earlier = propose(leena, date(2026, 2, 2), date(2026, 2, 15))
    linked = propose(aino, date(2026, 4, 6), date(2026, 4, 10))
    cancelled = propose(leena, date(2026, 5, 4), date(2026, 5, 8))
    app.link_to_target(ctx, tyokierto, record_type="rotation", record_id=linked)
    app.cancel_rotation(ctx, cancelled, reason="Sijaista ei saatu")

    campaign = app.create_campaign(
        ctx, fields={"name": "Kehittäminen kuuluu kaikille", "held_on": date(2026, 3, 12), "target_count": 40}
    ).record_id

    def pledge(words: str) -> UUID:
        fields = {"text": words, "team": "Kotihoito", "category": "working_together"}
        return app.pledge_action(ctx, campaign, fields=fields).record_id

    kysyn = pledge("Kysyn, mikä asiakkaalle on tärkeää")
    kiitan = pledge("Kiitän työkaveria joka päivä")
    perun = pledge("Tämä peruttiin")
    app.withdraw_action(ctx, perun, reason="Päällekkäinen")
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        assert sorted(initiatives.current_titles(conn, limit=10)) == sorted(
            [(str(kotiutus), "Kotiutuksen muistilista"), (str(vuorot), "Vuorosuunnittelu")]
        )
        assert initiatives.current_titles(conn, limit=10, excluding="discontinued") == [
            (str(kotiutus), "Kotiutuksen muistilista")
        ]
        assert len(initiatives.current_titles(conn, limit=1)) == 1

        assert development_targets.active_titles(conn, limit=10) == [
            (str(tyokierto), "Tavoitteellinen työkierto")
        ]

        placements = coverage.linkable_placements(conn, limit=10)
        assert [p["id"] for p in placements] == [str(earlier), str(later)]
        assert placements[0] == {
            "id": str(earlier),
            "person_id": str(leena),
            "home_unit_id": str(kotihoito),
            "host_unit_id": str(vastaanotto),
            "starts_on": "2026-02-02",
            "ends_on": "2026-02-15",
        }
        assert [p["id"] for p in coverage.linkable_placements(conn, limit=1)] == [str(earlier)]

        assert coverage.linkable_actions(conn, limit=10) == [
            (str(kysyn), "Kysyn, mikä asiakkaalle on tärkeää"),
            (str(kiitan), "Kiitän työkaveria joka päivä"),
        ]
        assert coverage.linkable_actions(conn, limit=1) == [
            (str(kysyn), "Kysyn, mikä asiakkaalle on tärkeää")
        ]
