"""The initiatives read model (projections/initiatives.py): an initiative's fields, lifecycle and
notes, the list's filters, the initiatives needing attention and the titles, fed by the
application's commands and read back now and as of a log position. Both stores.

Goals and team, which have rows of their own, are checked version by version in
test_initiative_lists_read_model.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import initiatives
from projections.initiatives import InitiativeFilter
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def ids(rows: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(r["id"]) for r in rows]


def test_fields_lifecycle_notes_filters_and_attention(services: Services, ctx: CommandContext) -> None:
    app = services.app
    org = app.register_organisation(
        ctx, name="Kirkkonummen kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    app.add_unit(ctx, org, name="Kotihoito")
    [unit] = (UUID(u) for u in app.get_organisation(org).units)
    with services.people.engine.begin() as conn:
        maija = services.people.register(conn, {"name": "Maija Mehiläinen"})
    before = services.projector.catch_up()

    def propose(title: str, **fields: Any) -> UUID:
        return app.propose_initiative(ctx, fields={"title": title, **fields}).record_id

    arki = propose(
        "Arjen sujuvuus kotihoidossa",
        summary="Käynnit alkavat ajallaan",
        organisation_id=org,
        unit_id=unit,
        owner_id=maija,
        themes=["Lean", "Kotihoito"],
        target_group="Ikääntyneet",
    )
    perehdytys = propose("Perehdytyksen malli", organisation_id=org, themes=["perehdytys"])
    vuorot = propose("Työvuorosuunnittelu")
    yovuorot = propose("Yövuorojen kierto")
    tyopari = propose("Lähiesihenkilön työpari", organisation_id=org)
    proposed = services.projector.catch_up()
    app.move_initiative(ctx, perehdytys, "plan")
    app.move_initiative(ctx, tyopari, "plan")
    app.move_initiative(ctx, tyopari, "pause", reason="Esihenkilö lomalla")
    for verb in ("plan", "start"):
        app.move_initiative(ctx, arki, verb)
    noted_on = date.today() - timedelta(days=2)
    app.add_note(ctx, arki, text="Aamupalaverit aloitettu", occurred_on=noted_on)
    app.move_initiative(ctx, arki, "pause", reason="Kesälomat")
    app.edit_initiative(ctx, arki, fields={"summary": "Kotikäynnit alkavat ajallaan"})
    app.move_initiative(
        ctx, vuorot, "discontinue", reason="Järjestelmä vaihtuu", lessons="Aloita järjestelmän käyttöönotosta"
    )
    paused = services.projector.catch_up()
    app.add_note(ctx, arki, text="Palaveri siirtyi iltapäivään")
    app.move_initiative(ctx, arki, "resume")
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = initiatives.get(conn, arki)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "title",
                "summary",
                "status",
                "paused_from",
                "organisation_id",
                "unit_id",
                "owner_id",
                "themes",
                "themes_key",
                "target_group",
                "notes_count",
                "discontinued_reason",
                "lessons",
                "search_text",
                "goals",
                "team",
            )
        } == {
            "version": 8,
            "title": "Arjen sujuvuus kotihoidossa",
            "summary": "Kotikäynnit alkavat ajallaan",
            "status": "in_progress",
            "paused_from": None,
            "organisation_id": str(org),
            "unit_id": str(unit),
            "owner_id": str(maija),
            "themes": ["Lean", "Kotihoito"],
            "themes_key": "|lean|kotihoito|",
            "target_group": "Ikääntyneet",
            "notes_count": 2,
            "discontinued_reason": "",
            "lessons": "",
            "search_text": "arjen sujuvuus kotihoidossa\nkotikäynnit alkavat ajallaan",
            "goals": {},
            "team": {},
        }
        assert now["updated_by"] == str(ctx.actor) and now["created_at"] <= now["updated_at"]
        then = initiatives.get(conn, arki, paused)
        assert then is not None
        assert (
            then["version"],
            then["status"],
            then["paused_from"],
            then["notes_count"],
            then["summary"],
        ) == (
            6,
            "paused",
            "in_progress",
            1,
            "Kotikäynnit alkavat ajallaan",
        )
        first = initiatives.get(conn, arki, proposed)
        assert first is not None and (first["status"], first["summary"]) == (
            "proposed",
            "Käynnit alkavat ajallaan",
        )
        stopped = initiatives.get(conn, vuorot)
        assert stopped is not None
        assert (
            stopped["status"],
            stopped["discontinued_reason"],
            stopped["lessons"],
            stopped["themes_key"],
        ) == (
            "discontinued",
            "Järjestelmä vaihtuu",
            "Aloita järjestelmän käyttöönotosta",
            "||",
        )
        assert initiatives.get(conn, uuid4()) is None

        # Notes in the order recorded, now and as of a position.
        assert [(n["text"], n["occurred_on"]) for n in initiatives.notes(conn, arki)] == [
            ("Aamupalaverit aloitettu", noted_on.isoformat()),
            ("Palaveri siirtyi iltapäivään", None),
        ]
        assert [n["text"] for n in initiatives.notes(conn, arki, paused)] == ["Aamupalaverit aloitettu"]
        assert initiatives.notes(conn, arki, proposed) == []

        # The list: newest first, each filter, words in the title or summary, as of a position.
        def listed(flt: InitiativeFilter, as_of: int | None = None) -> list[UUID]:
            return ids(initiatives.search(conn, flt, limit=10, as_of=as_of)[0])

        assert listed(InitiativeFilter()) == [tyopari, yovuorot, vuorot, perehdytys, arki]
        page, cursor = initiatives.search(conn, InitiativeFilter(), limit=3)
        assert ids(page) == [tyopari, yovuorot, vuorot] and cursor is not None
        assert ids(initiatives.search(conn, InitiativeFilter(), limit=3, cursor=cursor)[0]) == [
            perehdytys,
            arki,
        ]
        assert listed(InitiativeFilter(status="in_progress")) == [arki]
        assert listed(InitiativeFilter(status="paused")) == [tyopari]
        assert listed(InitiativeFilter(status="paused"), paused) == [tyopari, arki]
        assert listed(InitiativeFilter(status="proposed"), proposed) == [
            tyopari,
            yovuorot,
            vuorot,
            perehdytys,
            arki,
        ]
        assert listed(InitiativeFilter(organisation_id=org)) == [tyopari, perehdytys, arki]
        assert listed(InitiativeFilter(unit_id=unit)) == [arki]
        assert listed(InitiativeFilter(owner_id=maija)) == [arki]
        assert listed(InitiativeFilter(theme=" LEAN ")) == [arki]
        assert listed(InitiativeFilter(theme="lea")) == []  # a whole theme, not a part of one
        assert listed(InitiativeFilter(q="KOTIKÄYNNIT ajallaan")) == [arki]
        assert listed(InitiativeFilter(q="kotikäynnit"), proposed) == []
        assert listed(InitiativeFilter(q="vuoro")) == [yovuorot, vuorot]

        # Needing attention: paused always; active or proposed when quiet for long enough.
        def attention(now: datetime) -> list[tuple[UUID, str]]:
            found = initiatives.needing_attention(conn, now=now, quiet_days=30, limit=10)
            return [(UUID(r["id"]), r["reason"]) for r in found]

        assert attention(datetime.now(UTC)) == [(tyopari, "paused")]
        assert attention(datetime.now(UTC) + timedelta(days=31)) == [
            (yovuorot, "waiting"),
            (perehdytys, "quiet"),
            (tyopari, "paused"),
            (arki, "quiet"),
        ]
        assert ids(initiatives.involving(conn, maija, limit=10)) == [arki]

        assert initiatives.titles(conn, [str(arki), str(vuorot), str(uuid4())]) == {
            str(arki): "Arjen sujuvuus kotihoidossa",
            str(vuorot): "Työvuorosuunnittelu",
        }
        assert initiatives.titles(conn, [str(arki)], before) == {}
        assert initiatives.titles(conn, [str(arki)], proposed) == {str(arki): "Arjen sujuvuus kotihoidossa"}
        assert initiatives.titles(conn, []) == {}

        # Notes are appended, never versioned; the initiative has one row per version.
        t = initiatives.initiatives.c
        statuses = (
            conn.execute(select(t.status).where(t.id == str(arki)).order_by(t.valid_from)).scalars().all()
        )
        assert statuses == [
            "proposed",
            "planned",
            "in_progress",
            "in_progress",
            "paused",
            "paused",
            "paused",
            "in_progress",
        ]
