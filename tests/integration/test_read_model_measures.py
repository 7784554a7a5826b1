"""The measures read model (projections/measures.py): an initiative's measures, their values
by period with each correction kept as history, and their annotations (change points), fed by
the application's commands and read back now and as of a log position. Both stores."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from domain.application import CommandContext
from projections import measures
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def test_measures_values_corrections_and_annotations(services: Services, ctx: CommandContext) -> None:
    app = services.app
    arki = app.propose_initiative(ctx, fields={"title": "Arjen sujuvuus kotihoidossa"}).record_id
    other = app.propose_initiative(ctx, fields={"title": "Lähiesihenkilön työpari"}).record_id
    late = app.define_measure(
        ctx,
        arki,
        fields={
            "name": "Myöhästyneet kotikäynnit",
            "unit": "kpl",
            "direction": "down",
            "frequency": "monthly",
            "baseline": 12,
            "target": 4,
            "data_source": "Toiminnanohjausjärjestelmä",
        },
        occurred_on=date(2025, 9, 1),
    )
    m1 = late.record_id
    defined = services.projector.catch_up()
    satisfied = app.define_measure(
        ctx, other, fields={"name": "Asiakastyytyväisyys", "direction": "up", "frequency": "quarterly"}
    )
    m2 = satisfied.record_id
    v1, v2, v3 = uuid4(), uuid4(), uuid4()
    app.record_measure_value(ctx, m1, value_id=v2, period="2025-10", value=9, note="Lokakuu")
    app.record_measure_value(ctx, m1, value_id=v1, period=date(2025, 9, 17), value=12)
    app.record_measure_value(ctx, m1, value_id=v3, period="2025-11", value=7)
    app.record_measure_value(ctx, m2, value_id=uuid4(), period="2025-Q4", value=4.2)
    recorded = services.projector.catch_up()
    corrected = app.correct_measure_value(ctx, m1, value_id=v2, value=8, reason="Laskuvirhe")
    experiment = app.plan_experiment(
        ctx, arki, fields={"title": "Aamupalaveri 10 min", "change_idea": "Lyhyt palaveri ennen käyntejä"}
    ).record_id
    annotation = uuid4()
    annotated = app.annotate_measure(
        ctx,
        m1,
        annotation_id=annotation,
        day=date(2025, 10, 15),
        text="Aamupalaverit aloitettu",
        experiment_id=experiment,
    )
    app.annotate_measure(ctx, m1, annotation_id=uuid4(), day=date(2025, 9, 20), text="Kesälomat ohi")
    app.edit_measure(ctx, m1, fields={"target": 3, "name": "Myöhässä alkaneet kotikäynnit"})
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = measures.get(conn, m1)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "initiative_id",
                "name",
                "unit",
                "direction",
                "baseline",
                "target",
                "frequency",
                "data_source",
                "rules",
                "values_count",
                "corrections_count",
                "annotations_count",
                "last_value_on",
                "defined_on",
                "created_position",
            )
        } == {
            "version": 8,
            "initiative_id": str(arki),
            "name": "Myöhässä alkaneet kotikäynnit",
            "unit": "kpl",
            "direction": "down",
            "baseline": 12.0,
            "target": 3.0,
            "frequency": "monthly",
            "data_source": "Toiminnanohjausjärjestelmä",
            "rules": "anhoj",
            "values_count": 3,
            "corrections_count": 1,
            "annotations_count": 2,
            # The newest period, whatever order the values came in.
            "last_value_on": "2025-11-01",
            "defined_on": "2025-09-01",
            "created_position": last(late),
        }
        assert now["last_recorded_at"] is not None and now["updated_by"] == str(ctx.actor)
        then = measures.get(conn, m1, defined)
        assert then is not None
        assert (then["version"], then["target"], then["values_count"], then["last_value_on"]) == (
            1,
            4.0,
            0,
            None,
        )
        then = measures.get(conn, m1, last(corrected))
        assert then is not None
        assert (then["values_count"], then["corrections_count"], then["annotations_count"]) == (3, 1, 0)
        assert measures.get(conn, m2, defined) is None and measures.get(conn, uuid4()) is None

        # Measures in the order defined, of one initiative or all, now and as of.
        assert [m["id"] for m in measures.search(conn)] == [str(m1), str(m2)]
        assert [m["id"] for m in measures.search(conn, initiative_id=other)] == [str(m2)]
        assert [m["id"] for m in measures.search(conn, as_of=defined)] == [str(m1)]
        by_initiative = measures.of_initiatives(conn, [arki, other])
        assert sorted((m["initiative_id"], m["id"]) for m in by_initiative) == sorted(
            [(str(arki), str(m1)), (str(other), str(m2))]
        )
        assert [m["initiative_id"] for m in by_initiative] == sorted([str(arki), str(other)])
        assert measures.of_initiatives(conn, [other], defined) == []
        assert measures.of_initiatives(conn, []) == []

        # Values: one per period, oldest period first; a correction keeps the value's history.
        values = measures.values(conn, m1)
        assert [(v["value_id"], v["period"], v["day"], v["value"], v["corrected"]) for v in values] == [
            (str(v1), "2025-09", "2025-09-01", 12.0, False),
            (str(v2), "2025-10", "2025-10-01", 8.0, True),
            (str(v3), "2025-11", "2025-11-01", 7.0, False),
        ]
        assert values[1]["note"] == "Lokakuu" and values[1]["position"] == last(corrected)
        assert [
            (s["kind"], s["value"], s["previous_value"], s["reason"], s["note"]) for s in values[1]["history"]
        ] == [
            ("recorded", 9.0, None, "", "Lokakuu"),
            ("corrected", 8.0, 9.0, "Laskuvirhe", "Lokakuu"),
        ]
        before = measures.values(conn, m1, recorded)
        assert [(v["value"], v["corrected"], len(v["history"])) for v in before] == [
            (12.0, False, 1),
            (9.0, False, 1),
            (7.0, False, 1),
        ]
        assert measures.values(conn, m1, defined) == []
        one = measures.value(conn, m1, v2, recorded)
        assert one is not None and one["value"] == 9.0
        assert measures.value(conn, m1, uuid4()) is None
        both = measures.values_of(conn, [m1, m2])
        assert [(v["period"], v["value"]) for v in both[str(m2)]] == [("2025-Q4", 4.2)]
        assert len(both[str(m1)]) == 3
        assert measures.values_of(conn, []) == {}

        # Values for periods from a day on (a correction is not another value).
        assert measures.values_after(conn, [m1, m2], date(2025, 10, 1)) == {str(m1): 2, str(m2): 1}
        assert measures.values_after(conn, [m1, m2], date(2025, 11, 2)) == {}
        assert measures.values_after(conn, [m1], date(2025, 9, 1), defined) == {}
        assert measures.values_after(conn, [], date(2025, 9, 1)) == {}

        # Annotations by day, now and as of a position.
        notes = measures.annotations_of(conn, m1)
        assert [(a["day"], a["text"], a["experiment_id"]) for a in notes] == [
            ("2025-09-20", "Kesälomat ohi", None),
            ("2025-10-15", "Aamupalaverit aloitettu", str(experiment)),
        ]
        assert notes[1]["annotation_id"] == str(annotation)
        assert [a["text"] for a in measures.annotations_of(conn, m1, last(annotated))] == [
            "Aamupalaverit aloitettu"
        ]
        assert measures.annotations_of(conn, m1, recorded) == []

        # Value rows are appended, never versioned: four for the first measure's three values.
        t = measures.measure_values.c
        kinds = (
            conn.execute(select(t.kind).where(t.measure_id == str(m1)).order_by(t.position)).scalars().all()
        )
        assert kinds == ["recorded", "recorded", "recorded", "corrected"]
