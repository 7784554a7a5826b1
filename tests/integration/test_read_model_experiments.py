"""The experiments read model (projections/experiments.py): PDSA cycles with their stages,
observations, chains of cycles, each initiative's learning log and the counts per unit and month,
fed by the application's commands and read back now and as of a log position. Both stores."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import experiments
from projections.experiments import ExperimentFilter
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def ids(rows: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(r["id"]) for r in rows]


def test_experiments_observations_cycles_and_learning(services: Services, ctx: CommandContext) -> None:
    app = services.app
    hamina = app.register_organisation(
        ctx, name="Haminan kaupunki", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    app.add_unit(ctx, hamina, name="Kotihoito")
    [unit] = (UUID(u) for u in app.get_organisation(hamina).units)
    arki = app.propose_initiative(
        ctx, fields={"title": "Arjen sujuvuus kotihoidossa", "organisation_id": hamina, "unit_id": unit}
    ).record_id
    other = app.propose_initiative(ctx, fields={"title": "Sisäiset kehittäjät"}).record_id

    palaveri = app.plan_experiment(
        ctx,
        arki,
        fields={
            "title": "Aamupalaveri 10 min",
            "change_idea": "Lyhyt aamupalaveri ennen käyntejä",
            "prediction": "Käynnit alkavat ajallaan",
            "question": "Alkavatko käynnit ajallaan?",
            "measures": ["myöhästymiset"],
            "planned_start": date(2025, 11, 10),
            "planned_end": date(2025, 11, 30),
        },
        occurred_on=date(2025, 11, 3),
    )
    e1 = palaveri.record_id
    kanava = app.plan_experiment(
        ctx,
        other,
        fields={"title": "Avoin kanava", "change_idea": "Kokeilut kirjataan yhteiseen kanavaan"},
        occurred_on=date(2025, 11, 5),
    )
    e3 = kanava.record_id
    services.projector.catch_up()
    started = app.start_experiment(ctx, e1, occurred_on=date(2025, 11, 10))
    first_seen = app.record_observation(
        ctx,
        e1,
        text="Kaksi myöhästymistä",
        values=[{"name": "myöhästymiset", "value": 2}],
        occurred_on=date(2025, 11, 12),
    )
    app.record_observation(ctx, e1, text="Ei myöhästymisiä", values=[{"name": "", "value": 0}])
    cancelled = app.cancel_experiment(ctx, e3, reason="Kanava ei toiminut", occurred_on=date(2025, 11, 20))
    services.projector.catch_up()
    studied = app.study_experiment(
        ctx,
        e1,
        result="Myöhästymiset puolittuivat",
        learning="Palaveri auttaa",
        occurred_on=date(2025, 12, 1),
    )
    decided = app.decide_experiment(
        ctx,
        e1,
        decision="adapt",
        rationale="Kokeillaan iltavuorossa",
        occurred_on=date(2025, 12, 2),
        next_cycle={"prediction": "Myös iltakäynnit alkavat ajallaan"},
    )
    services.projector.catch_up()
    e2 = app.get_experiment(e1).next_cycle_id
    assert isinstance(e2, UUID)
    today = date.today().isoformat()

    with services.projector.engine.connect() as conn:
        now = experiments.get(conn, e1)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "initiative_id",
                "organisation_id",
                "unit_id",
                "follows",
                "chain_id",
                "cycle",
                "title",
                "prediction",
                "measures",
                "planned_start",
                "stage",
                "result",
                "learning",
                "decision",
                "rationale",
                "next_cycle_id",
                "observations_count",
                "logged_on",
                "started_on",
                "studied_on",
                "decided_on",
                "cancelled_on",
                "filter_on",
                "created_position",
            )
        } == {
            "version": 6,
            "initiative_id": str(arki),
            "organisation_id": str(hamina),
            "unit_id": str(unit),
            "follows": None,
            "chain_id": str(e1),
            "cycle": 1,
            "title": "Aamupalaveri 10 min",
            "prediction": "Käynnit alkavat ajallaan",
            "measures": ["myöhästymiset"],
            "planned_start": "2025-11-10",
            "stage": "decided",
            "result": "Myöhästymiset puolittuivat",
            "learning": "Palaveri auttaa",
            "decision": "adapt",
            "rationale": "Kokeillaan iltavuorossa",
            "next_cycle_id": str(e2),
            "observations_count": 2,
            "logged_on": "2025-11-03",
            "started_on": "2025-11-10",
            "studied_on": "2025-12-01",
            "decided_on": "2025-12-02",
            "cancelled_on": None,
            "filter_on": "2025-11-10",
            "created_position": last(palaveri),
        }
        follower = experiments.get(conn, e2)
        assert follower is not None
        # The next cycle carries the title and change idea, follows the first and shares its chain.
        assert (follower["title"], follower["cycle"], follower["follows"], follower["chain_id"]) == (
            "Aamupalaveri 10 min",
            2,
            str(e1),
            str(e1),
        )
        assert (follower["stage"], follower["prediction"], follower["logged_on"], follower["filter_on"]) == (
            "planned",
            "Myös iltakäynnit alkavat ajallaan",
            today,
            today,
        )
        gone = experiments.get(conn, e3)
        assert gone is not None
        assert (gone["stage"], gone["cancel_reason"], gone["cancelled_from"], gone["unit_id"]) == (
            "cancelled",
            "Kanava ei toiminut",
            "planned",
            None,
        )
        assert experiments.get(conn, uuid4()) is None

        # As of a position: the stage and counts as they were.
        then = experiments.get(conn, e1, last(first_seen))
        assert then is not None
        assert (then["version"], then["stage"], then["observations_count"], then["result"]) == (
            3,
            "started",
            1,
            "",
        )
        assert experiments.get(conn, e2, last(studied)) is None
        assert experiments.get(conn, e1, last(palaveri) - 1) is None

        # Observations, in order, now and as of a position.
        seen = experiments.observations(conn, e1)
        assert [(o["text"], o["values"], o["occurred_on"]) for o in seen] == [
            ("Kaksi myöhästymistä", [{"name": "myöhästymiset", "value": 2}], "2025-11-12"),
            ("Ei myöhästymisiä", [{"name": "", "value": 0}], None),
        ]
        assert [o["text"] for o in experiments.observations(conn, e1, last(first_seen))] == [
            "Kaksi myöhästymistä"
        ]
        assert experiments.observations(conn, e1, last(started)) == []

        # Search: newest first, by stage, decision, initiative, unit and planned dates, as of a position.
        assert ids(experiments.search(conn, ExperimentFilter(), limit=10)[0]) == [e2, e3, e1]
        page, cursor = experiments.search(conn, ExperimentFilter(), limit=2)
        assert ids(page) == [e2, e3] and cursor is not None
        assert experiments.search(conn, ExperimentFilter(), limit=2, cursor=cursor) == (
            [experiments.get(conn, e1)],
            None,
        )
        assert ids(experiments.search(conn, ExperimentFilter(stage="cancelled"), limit=10)[0]) == [e3]
        assert ids(experiments.search(conn, ExperimentFilter(decision="adapt"), limit=10)[0]) == [e1]
        assert ids(experiments.search(conn, ExperimentFilter(initiative_id=arki), limit=10)[0]) == [e2, e1]
        assert ids(experiments.search(conn, ExperimentFilter(unit_id=unit), limit=10)[0]) == [e2, e1]
        november = ExperimentFilter(date_from=date(2025, 11, 4), date_to=date(2025, 11, 30))
        assert ids(experiments.search(conn, november, limit=10)[0]) == [e3, e1]
        assert ids(experiments.search(conn, ExperimentFilter(date_to=date(2025, 11, 9)), limit=10)[0]) == [e3]
        started_then = ExperimentFilter(stage="started")
        assert ids(experiments.search(conn, started_then, limit=10, as_of=last(cancelled))[0]) == [e1]
        assert experiments.search(conn, started_then, limit=10)[0] == []
        assert ids(experiments.search(conn, ExperimentFilter(), limit=10, as_of=last(decided) - 1)[0]) == [
            e3,
            e1,
        ]

        assert experiments.count_for_initiative(conn, arki) == 2
        assert experiments.count_for_initiative(conn, arki, last(studied)) == 1
        assert experiments.count_for_initiative(conn, other) == 1

        # The chain of cycles, first cycle first, from either cycle; as of before the second.
        assert ids(experiments.cycles(conn, e2)) == [e1, e2]
        assert ids(experiments.cycles(conn, e1)) == [e1, e2]
        assert ids(experiments.cycles(conn, e1, last(studied))) == [e1]
        assert experiments.cycles(conn, uuid4()) == []

        # The learning log: the study, then the decision, with the prediction beside them.
        log = experiments.learning_log(conn, arki)
        assert [
            (
                r["kind"],
                r["experiment_id"],
                r["cycle"],
                r["prediction"],
                r["result"],
                r["decision"],
                r["next_cycle_id"],
            )
            for r in log
        ] == [
            ("studied", str(e1), 1, "Käynnit alkavat ajallaan", "Myöhästymiset puolittuivat", None, None),
            (
                "decided",
                str(e1),
                1,
                "Käynnit alkavat ajallaan",
                "Myöhästymiset puolittuivat",
                "adapt",
                str(e2),
            ),
        ]
        assert [(r["occurred_on"], r["experiment_title"]) for r in log] == [
            ("2025-12-01", "Aamupalaveri 10 min"),
            ("2025-12-02", "Aamupalaveri 10 min"),
        ]
        assert [r["kind"] for r in experiments.learning_log(conn, arki, last(studied))] == ["studied"]
        assert experiments.learning_log(conn, other) == []

        # Counts per unit and month, each stage in the month it happened.
        def stat(row: dict[str, Any]) -> tuple[Any, ...]:
            return (row["month"], row["unit_id"], *(row[k] for k in experiments.STAT_KINDS), row["decisions"])

        no_decision = {"adopt": 0, "adapt": 0, "abandon": 0}
        late_2025 = experiments.stats(conn, date_from=date(2025, 11, 1), date_to=date(2025, 12, 31))
        assert [stat(r) for r in late_2025] == [
            ("2025-11", str(unit), 1, 1, 0, 0, 0, no_decision),
            ("2025-11", None, 1, 0, 0, 0, 1, no_decision),
            ("2025-12", str(unit), 0, 0, 1, 1, 0, {"adopt": 0, "adapt": 1, "abandon": 0}),
        ]
        everything = experiments.stats(conn, date_from=None, date_to=None)
        assert stat(everything[-1]) == (today[:7], str(unit), 1, 0, 0, 0, 0, no_decision)

        assert experiments.initiative_titles(conn, {str(arki), str(other)}) == {
            str(arki): "Arjen sujuvuus kotihoidossa",
            str(other): "Sisäiset kehittäjät",
        }
        assert experiments.initiative_titles(conn, set()) == {}

        # One row per version; observations and learning are appended, never versioned.
        x = experiments.experiments.c
        stages = conn.execute(select(x.stage).where(x.id == str(e1)).order_by(x.valid_from)).scalars().all()
        assert stages == ["planned", "started", "started", "started", "studied", "decided"]
