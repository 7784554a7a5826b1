"""The evaluations read model (projections/evaluations.py): the evaluations of initiatives
(KS "Flink med folk" step 7: effects on staff, users, quality and economy, what worked, the
recommendation) and the yearly follow-up built on them, fed by the application's commands and
read back now and as of a log position. Both stores."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import evaluations
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def titles(rows: list[dict[str, Any]]) -> list[str]:
    return [r["title"] for r in rows]


def test_evaluations_and_the_yearly_follow_up(services: Services, ctx: CommandContext) -> None:
    app = services.app
    kirkkonummi = app.register_organisation(
        ctx, name="Kirkkonummen kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    vihti = app.register_organisation(ctx, name="Vihdin kunta", kind=OrganisationKind.MUNICIPALITY).record_id

    def initiative(title: str, organisation: UUID, *verbs: str) -> UUID:
        made = app.propose_initiative(ctx, fields={"title": title, "organisation_id": organisation}).record_id
        for verb in verbs:
            app.move_initiative(ctx, made, verb)
        return made

    def evaluate(initiative_id: UUID, day: date, recommendation: str, **more: Any) -> tuple[UUID, int]:
        evaluation = uuid4()
        fields = {"evaluated_on": day, "method": "self_assessment", "recommendation": recommendation, **more}
        if not any(k in more for k in ("worked", "effects", "lessons")):
            fields["worked"] = "Työ eteni"
        receipt = app.record_evaluation(ctx, initiative_id, fields=fields, evaluation_id=evaluation)
        return evaluation, last(receipt)

    perehdytys = initiative("Perehdytyksen malli", kirkkonummi, "plan", "start", "evaluate")
    vuorot = initiative("Työvuorosuunnittelu", vihti, "plan", "start")
    initiative("Ulkopuolinen hanke", kirkkonummi)  # proposed: no work to evaluate yet
    tyopari = initiative("Lähiesihenkilön työpari", vihti, "plan", "start")
    lopetettu = initiative("Yövuorojen kierto", kirkkonummi, "plan", "start")
    started = services.projector.catch_up()

    first, first_at = evaluate(
        perehdytys,
        date(2024, 11, 30),
        "continue",
        method="survey",
        effects={
            "staff": {"text": "Uudet työntekijät pääsevät alkuun nopeammin", "figures": []},
            "users": {"text": "", "figures": [{"label": "asiakaspalaute", "value": 4.1, "unit": "/5"}]},
        },
        costs={"text": "Perehdyttäjien työaika", "amount_eur": 1500},
        worked="Perehdytyskansio",
        did_not_work="Verkkokurssi",
        lessons="Nimetty perehdyttäjä on tärkein",
    )
    app.move_initiative(ctx, perehdytys, "complete", occurred_on=date(2025, 1, 20))
    completed = services.projector.catch_up()
    second, _ = evaluate(perehdytys, date(2025, 6, 1), "spread")
    paired, _ = evaluate(tyopari, date(2024, 10, 10), "spread")
    app.move_initiative(ctx, tyopari, "pause", reason="Esihenkilö lomalla")
    evaluate(lopetettu, date(2024, 9, 1), "spread")
    app.move_initiative(ctx, lopetettu, "discontinue", reason="Ei resursseja", lessons="Aloita pienemmin")
    before_backdated = services.projector.catch_up()
    # Recorded last but dated first: it does not overtake the newer evaluations.
    backdated, backdated_at = evaluate(
        perehdytys, date(2024, 5, 15), "adapt", lessons="Pilotti opetti paljon"
    )
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        one = evaluations.get(conn, perehdytys, first)
        assert one is not None
        assert {k: one[k] for k in one if k not in ("recorded_at",)} == {
            "evaluation_id": str(first),
            "initiative_id": str(perehdytys),
            "position": first_at,
            "evaluated_on": "2024-11-30",
            "method": "survey",
            "effects": {
                "staff": {"text": "Uudet työntekijät pääsevät alkuun nopeammin", "figures": []},
                "users": {"text": "", "figures": [{"label": "asiakaspalaute", "value": 4.1, "unit": "/5"}]},
                "quality": {"text": "", "figures": []},
                "economy": {"text": "", "figures": []},
            },
            "costs_text": "Perehdyttäjien työaika",
            "costs_amount_eur": 1500.0,
            "worked": "Perehdytyskansio",
            "did_not_work": "Verkkokurssi",
            "lessons": "Nimetty perehdyttäjä on tärkein",
            "recommendation": "continue",
            "actor_id": str(ctx.actor),
        }
        assert evaluations.get(conn, perehdytys, first, started) is None
        assert evaluations.get(conn, perehdytys, first, first_at) is not None
        assert evaluations.get(conn, tyopari, first) is None  # another initiative's evaluation

        # An initiative's evaluations by the day evaluated, now and as of a position.
        assert [e["evaluation_id"] for e in evaluations.of_initiative(conn, perehdytys)] == [
            str(backdated),
            str(first),
            str(second),
        ]
        assert [
            e["evaluation_id"] for e in evaluations.of_initiative(conn, perehdytys, before_backdated)
        ] == [
            str(first),
            str(second),
        ]
        assert evaluations.of_initiative(conn, vuorot) == []
        assert evaluations.count_of(conn, perehdytys) == 3
        assert evaluations.count_of(conn, perehdytys, completed) == 1
        assert evaluations.count_of(conn, vuorot) == 0

        # The latest by the day evaluated, not by when it was recorded; up to a day; as of.
        ids = [str(perehdytys), str(vuorot), str(tyopari)]
        latest = evaluations.latest_of(conn, ids)
        assert {k: v["evaluation_id"] for k, v in latest.items()} == {
            str(perehdytys): str(second),
            str(tyopari): str(paired),
        }
        until_2024 = evaluations.latest_of(conn, ids, until=date(2024, 12, 31))
        assert until_2024[str(perehdytys)]["evaluation_id"] == str(first)
        assert evaluations.latest_of(conn, ids, completed) == {
            str(perehdytys): evaluations.get(conn, perehdytys, first)
        }
        assert evaluations.latest_of(conn, []) == {}

        # The yearly follow-up: which started initiatives were evaluated, which recommend spreading.
        assert titles(evaluations.initiatives_in(conn, evaluations.STARTED, None, None)) == [
            "Perehdytyksen malli",
            "Työvuorosuunnittelu",
            "Lähiesihenkilön työpari",  # paused from in progress
        ]
        assert titles(evaluations.initiatives_in(conn, evaluations.STARTED, None, vihti)) == [
            "Työvuorosuunnittelu",
            "Lähiesihenkilön työpari",
        ]
        assert titles(evaluations.initiatives_in(conn, evaluations.CLOSED_WELL, started, None)) == []
        assert titles(evaluations.not_evaluated(conn, 2024)) == ["Työvuorosuunnittelu"]
        assert titles(evaluations.not_evaluated(conn, 2023)) == [
            "Perehdytyksen malli",
            "Työvuorosuunnittelu",
            "Lähiesihenkilön työpari",
        ]
        assert titles(evaluations.not_evaluated(conn, 2024, started)) == [
            "Perehdytyksen malli",
            "Työvuorosuunnittelu",
            "Lähiesihenkilön työpari",
            "Yövuorojen kierto",
        ]
        assert titles(evaluations.not_evaluated(conn, 2024, None, kirkkonummi)) == []

        def spreading(found: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[tuple[str, str]]:
            return [(i["title"], e["evaluation_id"]) for i, e in found]

        # The discontinued initiative recommended spreading, but its work was stopped.
        assert spreading(evaluations.recommended_spreading(conn, 2024)) == [
            ("Lähiesihenkilön työpari", str(paired))
        ]
        assert spreading(evaluations.recommended_spreading(conn, 2025)) == [
            ("Perehdytyksen malli", str(second)),
            ("Lähiesihenkilön työpari", str(paired)),
        ]
        assert spreading(evaluations.recommended_spreading(conn, 2025, None, kirkkonummi)) == [
            ("Perehdytyksen malli", str(second))
        ]
        assert spreading(evaluations.recommended_spreading(conn, 2025, completed)) == []

        # The day of completion, back-dated, from the history read model.
        assert evaluations.completed_on(conn, [str(perehdytys), str(vuorot)]) == {
            str(perehdytys): date(2025, 1, 20)
        }
        assert evaluations.completed_on(conn, [str(perehdytys)], started) == {}
        assert evaluations.completed_on(conn, []) == {}

        # Append-only: one row per evaluation, at the position it was recorded.
        e = evaluations.evaluations.c
        assert conn.execute(select(func.count()).select_from(evaluations.evaluations)).scalar_one() == 5
        assert (
            conn.execute(select(e.position).where(e.evaluation_id == str(backdated))).scalar_one()
            == backdated_at
        )
