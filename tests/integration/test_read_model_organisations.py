"""The organisations read model (projections/organisations.py): organisations and their units,
fed by the application's commands and read back now and as of each log position. Both stores."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import organisations
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def units_by_id(row: dict[str, object] | None) -> dict[str, str]:
    assert row is not None
    units = row["units"]
    assert isinstance(units, list)
    return {u["id"]: u["name"] for u in units}


def test_organisations_and_units_now_and_as_of_each_position(services: Services, ctx: CommandContext) -> None:
    app = services.app
    heinavesi = app.register_organisation(ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY)
    oulunkaari = app.register_organisation(
        ctx, name="Oulunkaaren kuntayhtymä", kind=OrganisationKind.JOINT_AUTHORITY
    )
    services.projector.catch_up()
    kotihoito = app.add_unit(ctx, heinavesi.record_id, name="Kotihoito")
    sivistys = app.add_unit(ctx, heinavesi.record_id, name="Sivistystoimi")
    units = app.get_organisation(heinavesi.record_id).units
    kotihoito_id, sivistys_id = (UUID(u) for u in units)
    services.projector.catch_up()
    renamed = app.rename_unit(ctx, heinavesi.record_id, kotihoito_id, name="Kotihoito ja kotisairaanhoito")
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = organisations.get(conn, heinavesi.record_id)
        assert now is not None
        assert (now["id"], now["name"], now["kind"], now["version"]) == (
            str(heinavesi.record_id),
            "Heinäveden kunta",
            "municipality",
            4,
        )
        assert now["created_position"] == heinavesi.last_position
        assert now["created_at"].tzinfo is not None and now["updated_at"] >= now["created_at"]
        assert units_by_id(now) == {
            str(kotihoito_id): "Kotihoito ja kotisairaanhoito",
            str(sivistys_id): "Sivistystoimi",
        }
        other = organisations.get(conn, oulunkaari.record_id)
        assert other is not None and other["kind"] == "joint_authority" and other["units"] == []
        assert organisations.get(conn, uuid4()) is None

        # As of each command: the organisation's version and units as they were then.
        assert organisations.get(conn, heinavesi.record_id, oulunkaari.last_position) is not None
        assert organisations.get(conn, oulunkaari.record_id, heinavesi.last_position) is None
        first_unit = organisations.get(conn, heinavesi.record_id, kotihoito.last_position)
        assert first_unit is not None and first_unit["version"] == 2
        assert units_by_id(first_unit) == {str(kotihoito_id): "Kotihoito"}
        before_rename = organisations.get(conn, heinavesi.record_id, sivistys.last_position)
        assert before_rename is not None and before_rename["version"] == 3
        assert [u["name"] for u in before_rename["units"]] == ["Kotihoito", "Sivistystoimi"]
        assert units_by_id(
            organisations.get(conn, heinavesi.record_id, renamed.last_position)
        ) == units_by_id(now)
        assert organisations.units_of(conn, heinavesi.record_id, sivistys.last_position) == [
            {"id": str(kotihoito_id), "name": "Kotihoito"},
            {"id": str(sivistys_id), "name": "Sivistystoimi"},
        ]

        # The list, in name order, with every organisation's units.
        listed = organisations.list_all(conn)
        assert [(o["name"], units_by_id(o)) for o in listed] == [
            ("Heinäveden kunta", units_by_id(now)),
            ("Oulunkaaren kuntayhtymä", {}),
        ]
        assert [o["name"] for o in organisations.list_all(conn, heinavesi.last_position)] == [
            "Heinäveden kunta"
        ]
        assert [units_by_id(o) for o in organisations.list_all(conn, kotihoito.last_position)] == [
            {str(kotihoito_id): "Kotihoito"},
            {},
        ]

        # Names of organisations and units by id, now and as of a position.
        ids = {str(heinavesi.record_id), str(oulunkaari.record_id), str(kotihoito_id), str(sivistys_id)}
        assert organisations.names(conn, ids) == {
            str(heinavesi.record_id): "Heinäveden kunta",
            str(oulunkaari.record_id): "Oulunkaaren kuntayhtymä",
            str(kotihoito_id): "Kotihoito ja kotisairaanhoito",
            str(sivistys_id): "Sivistystoimi",
        }
        assert organisations.names(conn, ids, kotihoito.last_position) == {
            str(heinavesi.record_id): "Heinäveden kunta",
            str(oulunkaari.record_id): "Oulunkaaren kuntayhtymä",
            str(kotihoito_id): "Kotihoito",
        }
        assert organisations.names(conn, set()) == {}

        # The rows: one per version, each closed where the next one began.
        o, u = organisations.organisations.c, organisations.units.c
        versions = conn.execute(
            select(o.version, o.valid_from, o.valid_to)
            .where(o.id == str(heinavesi.record_id))
            .order_by(o.version)
        ).all()
        made_at = [
            heinavesi.last_position,
            kotihoito.last_position,
            sivistys.last_position,
            renamed.last_position,
        ]
        assert [tuple(r) for r in versions] == [
            (1, made_at[0], made_at[1]),
            (2, made_at[1], made_at[2]),
            (3, made_at[2], made_at[3]),
            (4, made_at[3], None),
        ]
        unit_rows = conn.execute(
            select(u.name, u.valid_from, u.valid_to).where(u.id == str(kotihoito_id)).order_by(u.valid_from)
        ).all()
        assert [tuple(r) for r in unit_rows] == [
            ("Kotihoito", made_at[1], made_at[3]),
            ("Kotihoito ja kotisairaanhoito", made_at[3], None),
        ]


def test_a_new_name_and_kind_now_and_the_old_ones_as_of_before(
    services: Services, ctx: CommandContext
) -> None:
    app = services.app
    heinavesi = app.register_organisation(ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY)
    kotihoito = app.add_unit(ctx, heinavesi.record_id, name="Kotihoito")
    (unit_id,) = app.get_organisation(heinavesi.record_id).units
    renamed = app.edit_organisation(ctx, heinavesi.record_id, fields={"name": "Heinäveden seutu"})
    changed = app.edit_organisation(ctx, heinavesi.record_id, fields={"kind": OrganisationKind.OTHER})
    unchanged = app.edit_organisation(
        ctx, heinavesi.record_id, fields={"name": "Heinäveden seutu", "kind": OrganisationKind.OTHER}
    )
    assert unchanged.positions == [] and unchanged.version == 4
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = organisations.get(conn, heinavesi.record_id)
        assert now is not None
        assert (now["name"], now["kind"], now["version"]) == ("Heinäveden seutu", "other", 4)
        assert units_by_id(now) == {unit_id: "Kotihoito"}, "the units stay as they were"
        assert now["created_position"] == heinavesi.last_position
        before = organisations.get(conn, heinavesi.record_id, kotihoito.last_position)
        assert before is not None and (before["name"], before["kind"]) == ("Heinäveden kunta", "municipality")
        between = organisations.get(conn, heinavesi.record_id, renamed.last_position)
        assert between is not None and (between["name"], between["kind"]) == (
            "Heinäveden seutu",
            "municipality",
        )
        assert [o["name"] for o in organisations.list_all(conn)] == ["Heinäveden seutu"]
        assert organisations.names(conn, {str(heinavesi.record_id)}) == {
            str(heinavesi.record_id): "Heinäveden seutu"
        }
        assert organisations.names(conn, {str(heinavesi.record_id)}, kotihoito.last_position) == {
            str(heinavesi.record_id): "Heinäveden kunta"
        }
        o = organisations.organisations.c
        versions = conn.execute(
            select(o.version, o.valid_from, o.valid_to)
            .where(o.id == str(heinavesi.record_id))
            .order_by(o.version)
        ).all()
        assert [r.version for r in versions] == [1, 2, 3, 4]
        assert tuple(versions[-1]) == (4, changed.last_position, None)
