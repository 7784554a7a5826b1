"""Query parameters and headers that used to answer 500 (or hang) now get a 4xx with a sentence,
on both stores: a calendar window in year 9999, an outcome timeline from year 1 to 9999, a log
position beyond what the read models' 32-bit columns hold (PostgreSQL refused the comparison),
an If-Match with a superscript digit."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.api_helpers import HEINAVESI_TARGETS, assert_problem, nothing_recorded, propose


def test_a_rotation_calendar_in_year_9999_is_refused_with_the_range(http: httpx.Client) -> None:
    answer = http.get("/api/rotations/calendar", params={"from": "9999-12-01", "to": "9999-12-31"})
    body = assert_problem(answer, 422, field="from")
    assert "1900-01-01" in body["detail"] and "2100-12-31" in body["detail"]
    assert (
        http.get("/api/rotations/calendar", params={"from": "2100-12-01", "to": "2100-12-31"}).status_code
        == 200
    )


@pytest.mark.parametrize("path", ["/api/initiatives/{id}/timeline", "/api/experiments"])
def test_a_day_range_from_year_1_to_9999_is_refused(http: httpx.Client, path: str) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[0])
    url = path.format(id=initiative["id"])
    assert_problem(http.get(url, params={"from": "0001-01-01", "to": "2019-04-11"}), 422, field="from")
    assert_problem(http.get(url, params={"from": "2018-08-01", "to": "9999-12-31"}), 422, field="to")
    assert http.get(url, params={"from": "1900-01-01", "to": "2100-12-31"}).status_code == 200


def test_the_timeline_page_says_which_days_it_can_show(http: httpx.Client) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[0])
    page = http.get(
        f"/initiatives/{initiative['id']}/timeline",
        params={"from": "0001-01-01", "to": "9999-12-31"},
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 400
    assert "Enter a date from 1900-01-01 to 2100-12-31." in page.text


@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/activity", "before"), ("/api/events", "after"), ("/activity", "before")],
)
def test_a_position_beyond_the_read_models_columns_is_refused(
    http: httpx.Client, path: str, name: str
) -> None:
    propose(http, HEINAVESI_TARGETS[0])
    answer = http.get(path, params={name: 2**31})
    assert answer.status_code in (400, 404, 422), answer.text  # a page says so in HTML
    if path.startswith("/api/"):
        assert_problem(answer, 422, field=name)
    assert http.get(path, params={name: 2**31 - 1}).status_code == 200


@pytest.mark.parametrize("etag", ['"²"', '"٣"', '"99999999999999999999999"'])
def test_an_if_match_that_is_no_version_number_is_a_400(http: httpx.Client, etag: str) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[0])
    path = f"/api/initiatives/{initiative['id']}"
    with nothing_recorded(http, path):
        answer = http.patch(path, json={"summary": "Uusi"}, headers={"If-Match": etag.encode("utf-8")})
    assert_problem(answer, 400)


@pytest.mark.parametrize(("raw", "says"), [("0001-01-01", "1900-01-01"), ("20190301", "such as")])
def test_the_programme_timeline_page_reads_its_period_as_the_initiative_timeline_does(
    http: httpx.Client, raw: str, says: str
) -> None:
    """One rule for a timeline page's period: YYYY-MM-DD within 1900–2100 (the programme and
    target timelines used to take 20190301 and year 1)."""
    created = http.post(
        "/api/programmes",
        json={"name": "3W – Hyvinvointia työhön", "period_start": "2018-08-01", "period_end": "2019-05-31"},
    )
    assert created.status_code == 201, created.text
    url = f"/programmes/{created.json()['id']}/timeline"
    page = http.get(url, params={"from": raw}, headers={"Accept-Language": "en"})
    assert page.status_code == 400
    assert says in page.text
    assert http.get(url, params={"from": "2018-08-01"}).status_code == 200
