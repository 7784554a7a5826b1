"""A series of measure values over the JSON API on both stores
(`POST /api/measures/{id}/values/bulk`): valid lines recorded together, a rejected line
reported by its number and recording nothing, a dry run recording nothing at all, the same
series twice recording nothing twice, and problem+json for a wholly unusable request."""

from __future__ import annotations

from typing import Any

import httpx

from domain.measure_series import SERIES_CHARS_MAX, SERIES_LINES_MAX
from tests.integration.api_helpers import assert_problem, nothing_recorded
from tests.integration.test_api_measures import define, initiative, record

SERIES = "Kausi\tArvo\n2018-04\t34\n2018-05\t36,5\n2018-06\tkolmekymmentä\n\n2018-07\t33\n"


def bulk(client: httpx.Client, measure_id: str, lines: str, **body: Any) -> httpx.Response:
    return client.post(f"/api/measures/{measure_id}/values/bulk", json={"lines": lines, **body})


def measure(client: httpx.Client) -> str:
    return str(define(client, initiative(client))["id"])


def test_valid_lines_are_recorded_and_a_bad_line_is_reported_by_its_number(client: httpx.Client) -> None:
    measure_id = measure(client)
    response = bulk(client, measure_id, SERIES)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["recorded"], report["rejected"], report["already_recorded"]) == (3, 1, 0)
    [bad] = [line for line in report["lines"] if line["result"] == "rejected"]
    assert bad["line"] == 4
    assert bad["reasons"] == ["kolmekymmentä is not a number such as 12 or 7.5."]
    values = client.get(f"/api/measures/{measure_id}/values").json()["items"]
    assert sorted((v["period"], v["value"]) for v in values) == [
        ("2018-04", 34.0),
        ("2018-05", 36.5),
        ("2018-07", 33.0),
    ]
    chart = client.get(f"/api/measures/{measure_id}/chart").json()
    assert [p["period"] for p in chart["points"]] == ["2018-04", "2018-05", "2018-07"]


def test_the_same_series_twice_records_nothing_twice(client: httpx.Client) -> None:
    measure_id = measure(client)
    bulk(client, measure_id, SERIES)
    with nothing_recorded(client, f"/api/measures/{measure_id}/values"):
        again = bulk(client, measure_id, SERIES).json()
    assert (again["recorded"], again["already_recorded"], again["rejected"]) == (0, 3, 1)


def test_another_number_for_a_recorded_period_is_refused_and_records_nothing(client: httpx.Client) -> None:
    measure_id = measure(client)
    record(client, measure_id, "2018-04", 30)
    report = bulk(client, measure_id, "2018-04;34\n2018-05;35").json()
    first, second = report["lines"]
    assert first["result"] == "rejected" and "2018-04 already has the value 30" in first["reasons"][0]
    assert second["result"] == "recorded"
    values = client.get(f"/api/measures/{measure_id}/values").json()["items"]
    assert sorted((v["period"], v["value"]) for v in values) == [("2018-04", 30.0), ("2018-05", 35.0)]


def test_a_dry_run_judges_every_line_and_records_nothing(client: httpx.Client) -> None:
    measure_id = measure(client)
    with nothing_recorded(client, f"/api/measures/{measure_id}", f"/api/measures/{measure_id}/values"):
        report = bulk(client, measure_id, SERIES, dry_run=True).json()
    assert (report["to_record"], report["recorded"], report["rejected"]) == (3, 0, 1)
    assert [line["result"] for line in report["lines"]] == ["new", "new", "rejected", "new"]


def test_a_period_given_twice_is_refused_on_its_later_line(client: httpx.Client) -> None:
    measure_id = measure(client)
    report = bulk(client, measure_id, "2018-04;34\n2018-05;33\n15.4.2018;35").json()
    assert report["recorded"] == 2
    assert report["lines"][2]["reasons"] == [
        "Period 2018-04 is already given on line 1; a period has one value."
    ]


def test_a_wholly_unusable_series_is_a_problem_and_records_nothing(client: httpx.Client) -> None:
    measure_id = measure(client)
    too_many = "".join(f"{1901 + i // 12}-{i % 12 + 1:02d};1\n" for i in range(SERIES_LINES_MAX + 1))
    with nothing_recorded(client, f"/api/measures/{measure_id}", f"/api/measures/{measure_id}/values"):
        assert_problem(bulk(client, measure_id, ""), 422, field="lines")
        assert_problem(bulk(client, measure_id, "\n \n"), 422, field="lines")
        refused = assert_problem(bulk(client, measure_id, too_many), 422, field="lines")
        assert "limit is 1000" in refused["detail"]
        assert_problem(bulk(client, measure_id, "x" * (SERIES_CHARS_MAX + 1)), 422)
        assert_problem(client.post(f"/api/measures/{measure_id}/values/bulk", json={"lines": 5}), 422)
        assert_problem(client.post(f"/api/measures/{measure_id}/values/bulk", json={}), 422)
        extra = client.post(f"/api/measures/{measure_id}/values/bulk", json={"lines": "2018-04;1", "x": 1})
        assert_problem(extra, 422)
        text = client.post(
            f"/api/measures/{measure_id}/values/bulk",
            content=b"2018-04;1",
            headers={"Content-Type": "text/csv"},
        )
        assert text.status_code == 415


def test_an_unknown_measure_is_404(client: httpx.Client) -> None:
    assert_problem(bulk(client, "00000000-0000-4000-8000-000000000000", "2018-04;1"), 404)


def test_a_stale_if_match_records_nothing(client: httpx.Client) -> None:
    measure_id = measure(client)
    with nothing_recorded(client, f"/api/measures/{measure_id}/values"):
        stale = client.post(
            f"/api/measures/{measure_id}/values/bulk",
            json={"lines": "2018-04;1"},
            headers={"If-Match": '"7"'},
        )
    assert_problem(stale, 412)
