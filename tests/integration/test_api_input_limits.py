"""Garbage is refused at the door, on both stores: integers taken for dates,
years 1 and 9999, invisible and broken characters, 4,000 goals in one request, a measure
period 0001-01, control characters in an Idempotency-Key. Each is a 4xx problem naming the
field, and nothing is recorded."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.initiative import GOALS_MAX, TEAM_MAX, THEMES_MAX, TITLE_MAX
from domain.programme import ORGANISATIONS_MAX
from services.bootstrap import Services
from services.people_registry import EMAIL_MAX, NAME_MAX
from tests.integration.api_helpers import assert_problem, propose
from tests.integration.page_helpers import field_error, parse, submit_form

PROGRAMME = {"name": "3W – Hyvinvointia työhön", "period_start": "2018-08-01", "period_end": "2019-05-31"}
CAMPAIGN = {"name": "Oulunkaaren Change Day 2016", "date": "2016-03-16", "target_count": 500}


@contextmanager
def nothing_recorded(services: Services) -> Iterator[None]:
    before = services.app.recorder.max_notification_id()
    yield
    assert services.app.recorder.max_notification_id() == before, "an event was recorded"


def refused(
    client: TestClient, services: Services, path: str, body: Any, *, field: str | None, status: int = 422
) -> dict[str, Any]:
    with nothing_recorded(services):
        response = client.post(path, json=body)
    return assert_problem(response, status, field=field)


# ---- dates -------------------------------------------------------------------------


@pytest.mark.parametrize("number", [0, 1700006400])
def test_an_integer_is_not_taken_for_a_date(client: TestClient, services: Services, number: int) -> None:
    # Lax parsing made 0 into 1970-01-01 and 1700006400 into a day in 2023.
    body = refused(
        client,
        services,
        "/api/initiatives",
        {"title": "Porrastus", "occurred_on": number},
        field="occurred_on",
    )
    assert "YYYY-MM-DD" in body["detail"]
    refused(client, services, "/api/campaigns", {**CAMPAIGN, "date": number}, field="date")
    refused(client, services, "/api/programmes", {**PROGRAMME, "period_start": number}, field="period_start")


@pytest.mark.parametrize("not_a_day", ["20190301", "2019-03-01T00:00:00", "2019-02-30", "١٩٩٩-٠١-٠١", True])
def test_only_an_iso_day_is_a_date(client: TestClient, services: Services, not_a_day: Any) -> None:
    refused(
        client,
        services,
        "/api/initiatives",
        {"title": "Porrastus", "occurred_on": not_a_day},
        field="occurred_on",
    )


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_years_1_and_9999_are_refused_for_programmes_campaigns_and_notes(
    client: TestClient, services: Services, year: str
) -> None:
    for field, day in (("period_start", f"{year}-01-01"), ("period_end", f"{year}-12-31")):
        body = refused(client, services, "/api/programmes", {**PROGRAMME, field: day}, field=field)
        assert "a date must be between 1900-01-01 and 2100-12-31" in body["detail"], body["detail"]
    refused(client, services, "/api/campaigns", {**CAMPAIGN, "date": f"{year}-03-16"}, field="held_on")
    initiative = propose(client, "Perustehtävän kirkastaminen")
    body = refused(
        client,
        services,
        f"/api/initiatives/{initiative['id']}/notes",
        {"text": "Muistiinpano", "occurred_on": f"{year}-01-01"},
        field="occurred_on",
    )
    # Year 1 is implausible; year 9999 has not happened yet.
    assert ("a date must be between" if year == "0001" else "in the future") in body["detail"]


def test_the_range_ends_are_dates_a_record_can_have(client: TestClient) -> None:
    created = client.post(
        "/api/programmes", json={**PROGRAMME, "period_start": "1900-01-01", "period_end": "2100-12-31"}
    )
    assert created.status_code == 201, created.text
    assert (created.json()["period_start"], created.json()["period_end"]) == ("1900-01-01", "2100-12-31")


def test_a_measure_period_0001_01_is_refused(client: TestClient, services: Services) -> None:
    initiative = propose(client, "Aamukäyntien porrastus")
    measure = client.post(
        f"/api/initiatives/{initiative['id']}/measures",
        json={"name": "Odotusaika", "direction": "down", "frequency": "monthly"},
    )
    assert measure.status_code == 201, measure.text
    path = f"/api/measures/{measure.json()['id']}/values"
    for period in ("0001-01", "1899-12"):
        body = refused(client, services, path, {"period": period, "value": 34}, field="period")
        assert "a date must be between 1900-01-01 and 2100-12-31" in body["detail"]
    body = refused(client, services, path, {"period": "9999-12", "value": 34}, field="period")
    assert "period 9999-12 is in the future" in body["detail"]
    for value in (10**13, 10**400):
        refused(client, services, path, {"period": "2019-03", "value": value}, field="value")


# ---- text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "sentence"),
    [
        ("Palaute\u202etxt.exe", "invisible direction-changing character (U+202E)"),
        ("Kotihoito\u200b", "invisible zero-width character (U+200B)"),
        ("\u2066Kotihoito\u2069", "invisible direction-changing character (U+2066)"),
        ("Koti\x85hoito", "control character"),
    ],
)
def test_invisible_characters_in_a_title_are_refused(
    client: TestClient, services: Services, title: str, sentence: str
) -> None:
    body = refused(client, services, "/api/initiatives", {"title": title}, field="title")
    assert sentence in body["detail"], body["detail"]
    # The same rule holds for every record kind's text, e.g. a programme's name.
    refused(client, services, "/api/programmes", {**PROGRAMME, "name": title}, field="name")


def test_a_lone_surrogate_is_refused_not_a_500(client: TestClient, services: Services) -> None:
    for raw in (b'{"title": "\\ud800"}', b'{"title": "Koti\\udc00hoito"}'):
        with nothing_recorded(services):
            response = client.post(
                "/api/initiatives", content=raw, headers={"Content-Type": "application/json"}
            )
        # Refused at parsing (400) or by the domain (422), never a 500.
        assert response.status_code in (400, 422), response.text
        assert_problem(response, response.status_code)


def test_emoji_with_joiners_and_decomposed_letters_are_kept(client: TestClient) -> None:
    created = propose(client, "Ha\u0308meenlinnan hoitajat \U0001f469\u200d\u2695\ufe0f")
    # Stored composed, so it compares and searches the same as a typed "ä"; the emoji's ZWJ stays.
    assert created["title"] == "Hämeenlinnan hoitajat \U0001f469\u200d\u2695\ufe0f"
    found = client.get("/api/initiatives", params={"q": "Hämeenlinnan"}).json()["items"]
    assert [i["id"] for i in found] == [created["id"]]


# ---- lists -------------------------------------------------------------------------


def test_4000_goals_in_one_request_are_refused_whole(client: TestClient, services: Services) -> None:
    # The probe's request: 199 KB, which once wrote 824 MB of read model on SQLite.
    goals = [f"Tavoite numero {n}: aamukäyntien odotus lyhenee" for n in range(4000)]
    raw = json.dumps({"title": "Liikaa tavoitteita", "goals": goals}).encode()
    assert 190_000 < len(raw) < 260_000
    with nothing_recorded(services):
        response = client.post("/api/initiatives", content=raw, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 422, field="goals")
    assert f"4000 entries; the limit is {GOALS_MAX}" in body["detail"], body["detail"]


def test_lists_up_to_their_limit_are_taken_and_one_more_is_refused(
    client: TestClient, services: Services
) -> None:
    full = client.post(
        "/api/initiatives", json={"title": "Täysi", "goals": [f"T{n}" for n in range(GOALS_MAX)]}
    )
    assert full.status_code == 201, full.text
    assert len(full.json()["goals"]) == GOALS_MAX
    body = refused(
        client,
        services,
        f"/api/initiatives/{full.json()['id']}/goals",
        {"text": "Yksi liikaa"},
        field="",
        status=409,
    )
    assert f"already has {GOALS_MAX} goals" in body["detail"]
    for field, too_many in (
        ("themes", [f"teema {n}" for n in range(THEMES_MAX + 1)]),
        ("team", [{"person_id": f"00000000-0000-4000-8000-{n:012d}"} for n in range(TEAM_MAX + 1)]),
    ):
        refused(client, services, "/api/initiatives", {"title": "Liikaa", field: too_many}, field=field)
    organisations = [f"00000000-0000-4000-8000-{n:012d}" for n in range(ORGANISATIONS_MAX + 1)]
    refused(
        client,
        services,
        "/api/programmes",
        {**PROGRAMME, "organisation_ids": organisations},
        field="organisation_ids",
    )


# ---- strict types ------------------------------------------------------------------


@pytest.mark.parametrize("count", ["500", 500.0, True])
def test_a_count_is_a_json_integer(client: TestClient, services: Services, count: Any) -> None:
    refused(client, services, "/api/campaigns", {**CAMPAIGN, "target_count": count}, field="target_count")


# ---- Idempotency-Key ---------------------------------------------------------------


@pytest.mark.parametrize(
    "key", [b"abc\x00def", b"abc\x01", b"tab\tkey", b"space key", "avain-\xe4".encode("latin-1")]
)
def test_an_idempotency_key_is_visible_ascii(client: TestClient, services: Services, key: bytes) -> None:
    with nothing_recorded(services):
        response = client.post(
            "/api/initiatives", json={"title": "Porrastus"}, headers={"Idempotency-Key": key}
        )
    body = assert_problem(response, 400)
    assert "visible ASCII" in body["detail"]


# ---- the OpenAPI states every limit ------------------------------------------------


def test_the_openapi_states_the_domains_limits(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    create = schemas["InitiativeCreate"]["properties"]
    assert create["goals"]["maxItems"] == GOALS_MAX
    assert create["team"]["maxItems"] == TEAM_MAX
    assert create["themes"]["maxItems"] == THEMES_MAX
    assert create["title"]["maxLength"] == TITLE_MAX
    occurred_on = create["occurred_on"]["anyOf"][0]
    assert (occurred_on["format"], occurred_on["formatMinimum"], occurred_on["formatMaximum"]) == (
        "date",
        "1900-01-01",
        "2100-12-31",
    )
    campaign = schemas["CampaignCreate"]["properties"]
    assert campaign["target_count"]["type"] == "integer"
    assert campaign["target_count"]["minimum"] == 1
    person = schemas["PersonCreate"]["properties"]
    assert person["name"]["maxLength"] == NAME_MAX
    assert person["email"]["anyOf"][0]["maxLength"] == EMAIL_MAX


# ---- the web forms take the same dates -----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("20180401", "Enter a date such as 2026-03-31."),
        ("2018-W14-1", "Enter a date such as 2026-03-31."),
        # The page words the dates of a refusal in the reader's format (the API keeps ISO).
        ("0001-04-01", "a date must be between Jan 1, 1900 and Dec 31, 2100."),
    ],
)
def test_a_programme_form_takes_only_plausible_iso_days(
    client: TestClient, services: Services, typed: str, sentence: str
) -> None:
    chosen = client.get("/language", params={"set": "en", "next": "/"}, follow_redirects=False)
    assert chosen.status_code == 303
    with nothing_recorded(services):
        refused = submit_form(
            client,
            "/programmes/new",
            "/programmes/new",
            {"name": "3W", "period_start": typed, "period_end": "2019-04-30"},
        )
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "period_start").endswith(sentence)


def test_a_search_typed_with_decomposed_letters_finds_the_composed_title(client: TestClient) -> None:
    propose(client, "Äijälän tiimin päiväpalaveri")
    decomposed = unicodedata.normalize("NFD", "äijälän")
    assert decomposed != "äijälän"
    found = client.get("/api/initiatives", params={"q": decomposed}).json()["items"]
    assert [i["title"] for i in found] == ["Äijälän tiimin päiväpalaveri"]
