"""Measures over the JSON API on both stores: define, edit with If-Match, record values by
period, refuse a second value for a period, correct values (both numbers stay in the
history), annotate change points linked to an experiment, and the run chart as JSON and
SVG, now and as of an earlier moment.

The case is Heinävesi's home care (seed 000): "Perustehtävän kirkastaminen" follows how
long clients wait for the nurse's morning visit, month by month. A discharge checklist
taken into use in October 2018 shortened the wait: six months around 35 minutes, then six
around 27, a shift any run chart should show.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from projections import measures as read_model
from projections.rebuild import rebuild
from services.bootstrap import Services
from tests.e2e.helpers import assert_same_tables, read_model_snapshot
from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    assert_problem,
    history,
    move,
    nothing_recorded,
    propose,
    register_heinavesi,
)

NAME = "Hoitajan aamukäyntien odotusaika"
MONTHS = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
WAITS = [34, 36, 33, 35, 37, 34, 28, 27, 29, 26, 28, 27]  # the checklist came in 2018-10
FINNISH_TIME = timezone(timedelta(hours=2))
SVG = "{http://www.w3.org/2000/svg}"


def initiative(client: httpx.Client, title: str = HEINAVESI_TARGETS[0]) -> str:
    org = register_heinavesi(client)
    return str(propose(client, title, organisation_id=org.id, unit_id=org.units["Kotihoito"])["id"])


def define(client: httpx.Client, initiative_id: str, **fields: Any) -> dict[str, Any]:
    body = {"name": NAME, "unit": "min", "direction": "down", "frequency": "monthly", **fields}
    created = client.post(f"/api/initiatives/{initiative_id}/measures", json=body)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


def record(client: httpx.Client, measure_id: str, period: str, value: float, **body: Any) -> dict[str, Any]:
    recorded = client.post(
        f"/api/measures/{measure_id}/values", json={"period": period, "value": value, **body}
    )
    assert recorded.status_code == 201, recorded.text
    result: dict[str, Any] = recorded.json()
    return result


def waits(client: httpx.Client, **fields: Any) -> tuple[str, str, list[dict[str, Any]]]:
    """The initiative, its waiting-time measure and the twelve monthly values."""
    initiative_id = initiative(client)
    measure = define(client, initiative_id, baseline=35, target=25, **fields)
    values = [record(client, measure["id"], month, wait) for month, wait in zip(MONTHS, WAITS, strict=True)]
    return initiative_id, measure["id"], values


def paths(measure_id: str) -> tuple[str, ...]:
    base = f"/api/measures/{measure_id}"
    return base, f"{base}/history", f"{base}/values", f"{base}/annotations"


def moment(entry: dict[str, Any]) -> str:
    return datetime.fromisoformat(entry["recorded_at"]).astimezone(FINNISH_TIME).isoformat()


# ---- defining -----------------------------------------------------------------------


def test_a_measure_is_defined_under_an_initiative(client: httpx.Client) -> None:
    initiative_id = initiative(client)
    created = client.post(
        f"/api/initiatives/{initiative_id}/measures",
        json={
            "name": f" {NAME} ",
            "unit": "min",
            "direction": "down",
            "frequency": "monthly",
            "baseline": 35,
            "target": 25.5,
            "data_source": "Kotihoidon toiminnanohjaus",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["Location"] == f"/api/measures/{body['id']}"
    assert created.headers["ETag"] == '"1"'
    assert body["initiative"] == {"id": initiative_id, "name": HEINAVESI_TARGETS[0]}
    assert (body["name"], body["unit"], body["direction"], body["frequency"]) == (
        NAME,
        "min",
        "down",
        "monthly",
    )
    assert (body["baseline"], body["target"], body["rules"], body["baseline_points"]) == (
        35,
        25.5,
        "anhoj",
        None,
    )
    assert (body["values_count"], body["last_value_on"]) == (0, None)

    read = client.get(created.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json() == body
    [entry] = history(client, created.headers["Location"])
    assert (entry["event_type"], entry["record_type"], entry["record_title"]) == ("Defined", "measure", NAME)
    listed = client.get(f"/api/initiatives/{initiative_id}/measures").json()
    assert [m["id"] for m in listed["items"]] == [body["id"]]


def test_measures_are_defined_and_recorded_after_the_initiative_is_completed(client: httpx.Client) -> None:
    """The yearly follow-up relies on it: a completed initiative is still measured."""
    initiative_id = initiative(client)
    for verb in ("plan", "start", "evaluate", "complete"):
        move(client, initiative_id, verb)
    measure = define(client, initiative_id)
    assert record(client, measure["id"], "2019-03", 27)["value"] == 27


INVALID_DEFINITIONS: list[tuple[dict[str, Any], str]] = [
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"direction": "sideways"}, "direction"),
    ({"frequency": "hourly"}, "frequency"),
    ({"rules": "western_electric"}, "rules"),
    ({"baseline": "abc"}, "baseline"),
    ({"target": True}, "target"),
    ({"baseline_points": 0}, "baseline_points"),
    ({"unit": "x" * 41}, "unit"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("change", "field"), INVALID_DEFINITIONS)
def test_an_invalid_definition_records_nothing(
    client: httpx.Client, change: dict[str, Any], field: str
) -> None:
    initiative_id = initiative(client)
    body = {"name": NAME, "direction": "down", "frequency": "monthly", **change}
    listed = f"/api/initiatives/{initiative_id}/measures"
    with nothing_recorded(client, listed):
        assert_problem(client.post(listed, json=body), 422, field=field)


def test_a_nan_baseline_is_refused(client: httpx.Client) -> None:
    """NaN is no JSON number: refused while the body is read (400), before any field."""
    initiative_id = initiative(client)
    listed = f"/api/initiatives/{initiative_id}/measures"
    raw = '{"name": "Odotusaika", "direction": "down", "frequency": "monthly", "baseline": NaN}'
    with nothing_recorded(client, listed):
        problem = assert_problem(
            client.post(listed, content=raw, headers={"Content-Type": "application/json"}),
            400,
            slug="invalid-json",
        )
    assert problem["detail"] == "NaN is not a JSON number. Send a number or null."


def test_unknown_ids_are_404(client: httpx.Client) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    with nothing_recorded(client):
        problem = assert_problem(
            client.post(
                f"/api/initiatives/{missing}/measures",
                json={"name": NAME, "direction": "down", "frequency": "monthly"},
            ),
            404,
        )
        assert problem["detail"] == f"There is no initiative with id {missing}."
        assert_problem(client.get(f"/api/initiatives/{missing}/measures"), 404)
        for path in ("", "/history", "/values", "/chart", "/chart.svg", "/annotations", f"/values/{missing}"):
            found = assert_problem(client.get(f"/api/measures/{missing}{path}"), 404)
            assert found["detail"] == f"There is no measure with id {missing}."
        assert_problem(
            client.post(f"/api/measures/{missing}/values", json={"period": "2019-03", "value": 1}), 404
        )
        assert_problem(
            client.post(f"/api/measures/{missing}/corrections", json={"value_id": missing, "value": 1}), 404
        )
        assert_problem(
            client.post(f"/api/measures/{missing}/annotations", json={"day": "2019-03-01", "text": "x"}), 404
        )
        assert_problem(client.patch(f"/api/measures/{missing}", json={"unit": "h"}), 404)


# ---- editing --------------------------------------------------------------------------


def test_the_definition_is_corrected_with_if_match_and_the_history_keeps_the_old_values(
    client: httpx.Client,
) -> None:
    measure = define(client, initiative(client), target=25)
    path = f"/api/measures/{measure['id']}"
    edited = client.patch(
        path, json={"target": 20, "rules": "ihi", "baseline_points": 6}, headers={"If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert (edited.json()["target"], edited.json()["rules"], edited.json()["baseline_points"]) == (
        20,
        "ihi",
        6,
    )
    entry = history(client, path)[-1]
    assert entry["event_type"] == "Edited"
    assert {c["field"]: (c["old"], c["new"]) for c in entry["changes"]} == {
        "target": (25, 20),
        "rules": ("anhoj", "ihi"),
        "baseline_points": (None, 6),
    }

    with nothing_recorded(client, *paths(measure["id"])):
        stale = assert_problem(client.patch(path, json={"target": 18}, headers={"If-Match": '"1"'}), 412)
        assert stale["current_version"] == 2
        assert "version 1 of this measure" in stale["detail"]
        assert_problem(client.patch(path, json={"direction": "sideways"}), 422, field="direction")
        assert_problem(client.patch(path, json={"name": None}), 422, field="name")


def test_the_frequency_cannot_change_once_values_exist(client: httpx.Client) -> None:
    measure = define(client, initiative(client))
    record(client, measure["id"], "2019-03", 30)
    with nothing_recorded(client, *paths(measure["id"])):
        problem = assert_problem(
            client.patch(f"/api/measures/{measure['id']}", json={"frequency": "weekly"}), 409
        )
    assert "frequency of a measure cannot change" in problem["detail"]


# ---- values --------------------------------------------------------------------------


def test_a_value_is_recorded_for_the_period_a_date_falls_in(client: httpx.Client) -> None:
    measure = define(client, initiative(client))
    created = client.post(
        f"/api/measures/{measure['id']}/values",
        json={
            "period": "2019-03-31",
            "value": 34,
            "note": "Kaksi hoitajaa sairaana",
            "occurred_on": "2019-04-02",
        },
    )
    assert created.status_code == 201, created.text
    value = created.json()
    assert created.headers["Location"] == f"/api/measures/{measure['id']}/values/{value['id']}"
    assert created.headers["ETag"] == '"2"'
    assert (value["period"], value["day"], value["value"], value["corrected"]) == (
        "2019-03",
        "2019-03-01",
        34,
        False,
    )
    assert (value["note"], value["occurred_on"]) == ("Kaksi hoitajaa sairaana", "2019-04-02")
    assert [s["kind"] for s in value["history"]] == ["recorded"]
    assert client.get(created.headers["Location"]).json() == value
    read = client.get(f"/api/measures/{measure['id']}").json()
    assert (read["values_count"], read["last_value_on"], read["version"]) == (1, "2019-03-01", 2)
    entry = history(client, f"/api/measures/{measure['id']}")[-1]
    assert (entry["event_type"], entry["occurred_on"]) == ("ValueRecorded", "2019-04-02")
    assert entry["changes"] == [
        {"field": "values.2019-03", "old": None, "new": 34},
        {"field": "note", "old": None, "new": "Kaksi hoitajaa sairaana"},
    ]


def test_a_retried_value_is_recorded_once(client: httpx.Client) -> None:
    measure = define(client, initiative(client))
    path = f"/api/measures/{measure['id']}/values"
    key = {"Idempotency-Key": "heinavesi-odotusaika-2019-03"}
    first = client.post(path, json={"period": "2019-03", "value": 34}, headers=key)
    again = client.post(path, json={"period": "2019-03", "value": 34}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(client.get(path).json()["items"]) == 1


def test_a_second_value_for_the_same_period_is_409_and_says_how_to_correct_it(client: httpx.Client) -> None:
    measure = define(client, initiative(client))
    first = record(client, measure["id"], "2019-03", 34)
    with nothing_recorded(client, *paths(measure["id"])):
        problem = assert_problem(
            client.post(f"/api/measures/{measure['id']}/values", json={"period": "2019-03-15", "value": 29}),
            409,
        )
    assert problem["detail"] == (
        "2019-03 already has a value (34). A value is never overwritten: to change it, "
        f"record a correction of value {first['id']}."
    )


def _next_month() -> str:
    return (datetime.now(UTC).date().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"period": "2019-03", "value": "abc"}, "value", None),
        ({"period": "2019-03", "value": True}, "value", None),
        ({"period": "2019-03"}, "value", None),
        ({"period": "2019-13", "value": 30}, "period", "is not a month"),
        ({"period": "2019-W12", "value": 30}, "period", "is not a month"),
        ({"period": "maaliskuu", "value": 30}, "period", "is not a month"),
        ({"period": "2019-02-30", "value": 30}, "period", "is not a real date"),
        ({"period": "FUTURE", "value": 30}, "period", "in the future"),
        ({"period": "2019-03", "value": 1e13}, "value", "larger than"),
        ({"period": "2019-03", "value": 30, "note": "x" * 1001}, "note", "the limit is 1000"),
        ({"period": "2019-03", "value": 30, "occurred_on": "2999-01-01"}, "occurred_on", "in the future"),
        ({"period": "2019-03", "value": 30, "colour": "red"}, "colour", None),
    ],
)
def test_an_invalid_value_records_nothing(
    client: httpx.Client, body: dict[str, Any], field: str, words: str | None
) -> None:
    measure = define(client, initiative(client))
    if body.get("period") == "FUTURE":
        body = {**body, "period": _next_month()}
    with nothing_recorded(client, *paths(measure["id"])):
        problem = assert_problem(
            client.post(f"/api/measures/{measure['id']}/values", json=body), 422, field=field
        )
    if words:
        assert words in problem["detail"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_a_value_that_is_not_finite_records_nothing(client: httpx.Client, number: str) -> None:
    measure = define(client, initiative(client))
    raw = '{"period": "2019-03", "value": ' + number + "}"
    with nothing_recorded(client, *paths(measure["id"])):
        problem = assert_problem(
            client.post(
                f"/api/measures/{measure['id']}/values",
                content=raw,
                headers={"Content-Type": "application/json"},
            ),
            400,
            slug="invalid-json",
        )
    assert problem["detail"] == f"{number} is not a JSON number. Send a number or null."


def test_weekly_quarterly_and_yearly_periods(client: httpx.Client) -> None:
    initiative_id = initiative(client)
    weekly = define(client, initiative_id, name="Kotiutukset viikossa", direction="up", frequency="weekly")
    assert record(client, weekly["id"], "2019-03-20", 4)["period"] == "2019-W12"
    assert record(client, weekly["id"], "2019-W13", 5)["day"] == "2019-03-25"
    quarterly = define(
        client, initiative_id, name="Asiakastyytyväisyys", direction="up", frequency="quarterly"
    )
    assert record(client, quarterly["id"], "2019-08-15", 4.2)["period"] == "2019-Q3"
    yearly = define(client, initiative_id, name="Sairauspoissaolot", direction="down", frequency="yearly")
    assert record(client, yearly["id"], "2012", 14.5)["day"] == "2012-01-01"
    with nothing_recorded(client, *paths(weekly["id"])):
        assert_problem(
            client.post(f"/api/measures/{weekly['id']}/values", json={"period": "2019-W13", "value": 1}), 409
        )
        assert_problem(
            client.post(f"/api/measures/{weekly['id']}/values", json={"period": "2019-03", "value": 1}),
            422,
            field="period",
        )


# ---- corrections -----------------------------------------------------------------------


def test_a_correction_keeps_both_numbers_in_the_history(client: httpx.Client) -> None:
    measure = define(client, initiative(client))
    value = record(client, measure["id"], "2019-03", 34, note="Sijaisia vähän")
    corrected = client.post(
        f"/api/measures/{measure['id']}/corrections",
        json={"value_id": value["id"], "value": 43, "reason": "Näppäilyvirhe"},
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.headers["ETag"] == '"3"'
    body = corrected.json()
    assert (body["id"], body["value"], body["note"], body["corrected"]) == (
        value["id"],
        43,
        "Sijaisia vähän",
        True,
    )
    assert [(s["kind"], s["value"], s["previous_value"], s["reason"]) for s in body["history"]] == [
        ("recorded", 34, None, ""),
        ("corrected", 43, 34, "Näppäilyvirhe"),
    ]
    [row] = client.get(f"/api/measures/{measure['id']}/values").json()["items"]
    assert row == body
    entry = history(client, f"/api/measures/{measure['id']}")[-1]
    assert entry["event_type"] == "ValueCorrected"
    assert entry["changes"] == [
        {"field": "values.2019-03", "old": 34, "new": 43},
        {"field": "correction_reason", "old": None, "new": "Näppäilyvirhe"},
    ]
    read = client.get(f"/api/measures/{measure['id']}").json()
    assert (read["values_count"], read["corrections_count"]) == (1, 1)


def test_invalid_corrections_record_nothing(client: httpx.Client) -> None:
    measure = define(client, initiative(client))
    value = record(client, measure["id"], "2019-03", 34)
    path = f"/api/measures/{measure['id']}/corrections"
    missing = "00000000-0000-4000-8000-000000000000"
    with nothing_recorded(client, *paths(measure["id"])):
        problem = assert_problem(
            client.post(path, json={"value_id": missing, "value": 30}), 422, field="value_id"
        )
        assert problem["detail"] == f"This measure has no value with id {missing}."
        assert_problem(client.post(path, json={"value_id": value["id"], "value": "abc"}), 422, field="value")
        assert_problem(client.post(path, json={"value_id": value["id"]}), 422, field="value")
        raw = '{"value_id": "' + value["id"] + '", "value": NaN}'
        assert_problem(
            client.post(path, content=raw, headers={"Content-Type": "application/json"}),
            400,
            slug="invalid-json",
        )
        assert_problem(client.post(path, json={"value_id": value["id"], "value": 1e300}), 422, field="value")
        assert_problem(client.post(path, json={"value_id": "not-an-id", "value": 1}), 422, field="value_id")
        stale = client.post(path, json={"value_id": value["id"], "value": 30}, headers={"If-Match": '"1"'})
        assert_problem(stale, 412)


# ---- annotations -------------------------------------------------------------------------


def test_an_annotation_links_an_experiment_of_the_same_initiative(client: httpx.Client) -> None:
    initiative_id = initiative(client)
    measure = define(client, initiative_id)
    experiment = client.post(
        f"/api/initiatives/{initiative_id}/experiments",
        json={"title": "Kotiutuksen tarkistuslista", "change_idea": "Tarkistuslista käyttöön vuodeosastolla"},
    ).json()
    created = client.post(
        f"/api/measures/{measure['id']}/annotations",
        json={"day": "2018-10-01", "text": "Tarkistuslista käyttöön", "experiment_id": experiment["id"]},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["Location"] == f"/api/measures/{measure['id']}/annotations/{body['id']}"
    assert (body["day"], body["text"]) == ("2018-10-01", "Tarkistuslista käyttöön")
    assert body["experiment"] == {"id": experiment["id"], "name": "Kotiutuksen tarkistuslista"}
    assert client.get(created.headers["Location"]).json() == body
    assert client.get(f"/api/measures/{measure['id']}/annotations").json()["items"] == [body]
    entry = history(client, f"/api/measures/{measure['id']}")[-1]
    assert {c["field"]: c["new"] for c in entry["changes"]} == {
        "annotation": "Tarkistuslista käyttöön",
        "annotation_day": "2018-10-01",
        "experiment_id": experiment["id"],
    }


def test_invalid_annotations_record_nothing(client: httpx.Client) -> None:
    initiative_id = initiative(client)
    measure = define(client, initiative_id)
    other = propose(client, HEINAVESI_TARGETS[1])["id"]
    foreign = client.post(
        f"/api/initiatives/{other}/experiments",
        json={"title": "Työkiertoviikko", "change_idea": "Viikko osastolla"},
    ).json()
    path = f"/api/measures/{measure['id']}/annotations"
    missing = "00000000-0000-4000-8000-000000000000"
    tomorrow_plus = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    with nothing_recorded(client, *paths(measure["id"])):
        problem = assert_problem(
            client.post(path, json={"day": "2018-10-01", "text": "Lista", "experiment_id": missing}),
            422,
            field="experiment_id",
        )
        assert problem["detail"] == f"There is no experiment with id {missing}."
        problem = assert_problem(
            client.post(path, json={"day": "2018-10-01", "text": "Lista", "experiment_id": foreign["id"]}),
            422,
            field="experiment_id",
        )
        assert "belongs to another initiative" in problem["detail"]
        assert_problem(client.post(path, json={"day": "2018-10-01", "text": "  "}), 422, field="text")
        assert_problem(client.post(path, json={"day": tomorrow_plus, "text": "Lista"}), 422, field="day")
        assert_problem(client.post(path, json={"day": "lokakuu", "text": "Lista"}), 422, field="day")


# ---- the run chart -----------------------------------------------------------------------


def test_the_chart_finds_the_shift_after_the_checklist(client: httpx.Client) -> None:
    """Worked by hand: sorted, the twelve waits are 26 27 27 28 28 29 | 33 34 34 35 36 37, so the
    median is (29 + 33) / 2 = 31. The first six are above it, the last six below: 2 runs,
    1 crossing, longest run 6, all 12 points useful. Anhøj: the longest run may be
    round(log2(12) + 3) = 7, so no long run; fewer crossings than qbinom(0.05, 11, 0.5) = 3
    is a signal. IHI: two shifts of 6, and 2 runs are too few for 12 points (3 is the
    lowest number of runs Perla's table accepts)."""
    _, measure_id, values = waits(client)
    chart = client.get(f"/api/measures/{measure_id}/chart").json()
    assert [p["value"] for p in chart["points"]] == WAITS
    assert [p["period"] for p in chart["points"]] == MONTHS
    assert chart["points"][0]["day"] == "2018-04-01"
    assert [p["value_id"] for p in chart["points"]] == [v["id"] for v in values]
    assert (chart["median"], chart["baseline"], chart["target"], chart["rules"]) == (31, 35, 25, "anhoj")
    assert chart["analysis"] == {
        "n": 12,
        "useful": 12,
        "runs": 2,
        "longest_run": 6,
        "crossings": 1,
        "enough_points": True,
        "baseline_used": 12,
    }
    assert (chart["limits"]["longest_run_max"], chart["limits"]["crossings_min"]) == (7, 3)
    assert [s["rule"] for s in chart["signals"]] == ["few_crossings"]

    edited = client.patch(f"/api/measures/{measure_id}", json={"rules": "ihi"})
    assert edited.status_code == 200, edited.text
    chart = client.get(f"/api/measures/{measure_id}/chart").json()
    assert sorted(s["rule"] for s in chart["signals"]) == ["shift", "shift", "too_few_runs"]
    shifts = [s["indexes"] for s in chart["signals"] if s["rule"] == "shift"]
    assert sorted(shifts) == [list(range(0, 6)), list(range(6, 12))]
    assert all("shift" in p["signals"] for p in chart["points"])
    assert chart["analysis"]["runs"] < chart["limits"]["runs_min"]


def test_a_frozen_baseline_median_uses_the_first_points(client: httpx.Client) -> None:
    """The first six waits, 33 34 34 35 36 37, have the median 34.5; against it the last
    seven points (34 of September 2018 and the six after the checklist) are one run below."""
    _, measure_id, _ = waits(client, baseline_points=6)
    chart = client.get(f"/api/measures/{measure_id}/chart").json()
    assert (chart["median"], chart["analysis"]["baseline_used"]) == (34.5, 6)
    assert (chart["analysis"]["runs"], chart["analysis"]["longest_run"]) == (5, 7)


def test_the_chart_as_of_a_moment_shows_what_was_known_then(client: httpx.Client) -> None:
    _, measure_id, values = waits(client)
    path = f"/api/measures/{measure_id}"
    before = history(client, path)[-1]  # the twelfth value
    corrected = client.post(f"{path}/corrections", json={"value_id": values[3]["id"], "value": 45})
    assert corrected.status_code == 200, corrected.text
    client.post(f"{path}/annotations", json={"day": "2018-10-01", "text": "Tarkistuslista käyttöön"})

    now = client.get(f"{path}/chart").json()
    assert now["points"][3]["value"] == 45 and now["points"][3]["corrected"] is True
    assert len(now["annotations"]) == 1

    then = client.get(f"{path}/chart", params={"as_of": moment(before)}).json()
    assert then["points"][3]["value"] == 35 and then["points"][3]["corrected"] is False
    assert [p["value"] for p in then["points"]] == WAITS
    assert (then["median"], then["annotations"], then["as_of"] is not None) == (31, [], True)
    table = client.get(f"{path}/values", params={"as_of": moment(before)}).json()
    assert table["items"][3]["history"][-1]["kind"] == "recorded"

    earlier = history(client, path)[6]  # the sixth value
    six = client.get(f"{path}/chart", params={"as_of": moment(earlier)}).json()
    assert [p["value"] for p in six["points"]] == WAITS[:6]
    defined = history(client, path)[0]
    before_definition = (datetime.fromisoformat(defined["recorded_at"]) - timedelta(seconds=1)).isoformat()
    assert_problem(client.get(f"{path}/chart", params={"as_of": before_definition}), 404)


def test_the_svg_is_an_accessible_image_with_a_point_per_value(client: httpx.Client) -> None:
    _, measure_id, _ = waits(client, rules="ihi")
    client.post(
        f"/api/measures/{measure_id}/annotations", json={"day": "2018-10-01", "text": "Tarkistuslista"}
    )
    found = client.get(f"/api/measures/{measure_id}/chart.svg", params={"lang": "en"})
    assert found.status_code == 200, found.text
    assert found.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(found.text)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    description = root.find(f"{SVG}desc")
    assert title is not None and title.text == f"{NAME} (min)"
    assert description is not None and description.text is not None
    assert "12 values from 2018-04 to 2019-03" in description.text
    assert "Shift" in description.text and "Too few runs" in description.text
    circles = [c for c in root.iter(f"{SVG}circle") if "point" in c.get("class", "").split()]
    assert len(circles) == 12
    assert sum("signal" in c.get("class", "").split() for c in circles) == 12
    markers = [p for p in root.iter(f"{SVG}path") if p.get("data-rule") == "shift"]
    assert len(markers) == 12
    assert "Tarkistuslista" in found.text

    empty = define(client, initiative(client), name="Kaatumiset")
    image = client.get(f"/api/measures/{empty['id']}/chart.svg")
    assert image.status_code == 200
    assert not [c for c in ET.fromstring(image.text).iter(f"{SVG}circle")]


def test_the_png_is_the_same_chart_for_slides(client: httpx.Client) -> None:
    _, measure_id, _ = waits(client, rules="ihi")
    found = client.get(f"/api/measures/{measure_id}/chart.png", params={"lang": "fi"})
    assert found.status_code == 200, found.text
    assert (found.headers["content-type"], found.headers["content-language"]) == ("image/png", "fi")
    image = found.content
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", image[16:24])  # the IHDR chunk comes first
    svg = ET.fromstring(client.get(f"/api/measures/{measure_id}/chart.svg").text)
    _, _, svg_width, svg_height = (float(n) for n in svg.get("viewBox", "").split())
    assert (width, height) == (round(svg_width * 2), round(svg_height * 2)), "twice the SVG's size"
    assert_problem(client.get("/api/measures/00000000-0000-4000-8000-000000000000/chart.png"), 404)


# ---- rebuild -------------------------------------------------------------------------------


def test_rebuild_gives_the_same_measure_tables(services: Services, client: httpx.Client) -> None:
    _, measure_id, values = waits(client)
    client.post(f"/api/measures/{measure_id}/corrections", json={"value_id": values[0]["id"], "value": 35})
    client.patch(f"/api/measures/{measure_id}", json={"baseline_points": 6})
    client.post(
        f"/api/measures/{measure_id}/annotations", json={"day": "2018-10-01", "text": "Tarkistuslista"}
    )
    engine = services.projector.engine
    incremental = read_model_snapshot(engine)
    assert len(incremental["measure_values"]) == 13
    rebuild(services.projector)
    assert_same_tables(incremental, read_model_snapshot(engine))


# ---- what other read models use ------------------------------------------------------------


def test_measures_of_initiatives_and_values_after_a_day(services: Services, client: httpx.Client) -> None:
    """The follow-up view asks which completed initiatives are still measured."""
    initiative_id, measure_id, values = waits(client)
    other = define(client, initiative_id, name="Kaatumiset", direction="down", frequency="quarterly")
    client.post(f"/api/measures/{measure_id}/corrections", json={"value_id": values[-1]["id"], "value": 26})
    with services.projector.engine.connect() as conn:
        found = read_model.of_initiatives(conn, [initiative_id])
        assert [m["id"] for m in found] == [measure_id, other["id"]]
        assert read_model.of_initiatives(conn, []) == []
        after = read_model.values_after(conn, [measure_id, other["id"]], date(2019, 1, 1))
        assert after == {measure_id: 3}, "2019-01, 2019-02 and 2019-03; a correction is not a new value"
        current = read_model.values_of(conn, [measure_id, other["id"]])
        assert [v["value"] for v in current[measure_id]][-1] == 26 and current[other["id"]] == []
