"""Programmes over the JSON API on both stores: create and edit (If-Match), enrol and
withdraw initiatives, schedule, reschedule and hold workshops, close; check-ins with
corrections; the dashboard (now and as of a moment), the digest of what changed since
the previous workshop, the printable pack (HTML and Markdown) and the progress scale.

The case is the 3W programme (seed 001): four municipalities' first-line managers
following their projects at shared workshop days in 2018–2019, ending with the
seminar "Hyvät käytännöt jakoon" on 11 April 2019.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from tests.integration.api_helpers import (
    all_events,
    assert_problem,
    history,
    nothing_recorded,
    propose,
    register_organisation,
    register_person,
)

PROGRAMME = "3W-kehittämisohjelma ikäihmisten palveluihin"
KIRKKONUMMI = "Kirkkonummen kunta"
RAASEPORI = "Raaseporin kaupunki"
KARKKILA = "Karkkilan kaupunki"
HOME_CARE = "Kotihoidon aamukäyntien porrastus"
NIGHT_CARE = "Yöhoidon työnjako – ympärivuorokautinen hoiva"
SEMINAR = "Hyvät käytännöt jakoon"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class ThreeW:
    """The programme with two municipalities, a coordinator and two enrolled projects."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.kirkkonummi = register_organisation(client, KIRKKONUMMI).id
        self.raasepori = register_organisation(client, RAASEPORI).id
        self.coordinator = register_person(client, "Päivi Äijälä")["id"]
        self.owner = register_person(client, "Sointu Öhman")["id"]
        self.home_care = propose(client, HOME_CARE, organisation_id=self.kirkkonummi, owner_id=self.owner)[
            "id"
        ]
        self.night_care = propose(client, NIGHT_CARE, organisation_id=self.raasepori)["id"]
        self.programme = create(
            client, organisation_ids=[self.kirkkonummi, self.raasepori], coordinator_id=self.coordinator
        )["id"]
        for initiative_id in (self.home_care, self.night_care):
            enrol(client, self.programme, initiative_id)

    @property
    def path(self) -> str:
        return f"/api/programmes/{self.programme}"


def create(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": PROGRAMME, "period_start": "2018-04-01", "period_end": "2019-04-30", **fields}
    created = client.post("/api/programmes", json=body)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


def enrol(client: httpx.Client, programme_id: str, initiative_id: str) -> dict[str, Any]:
    done = client.post(f"/api/programmes/{programme_id}/initiatives", json={"initiative_id": initiative_id})
    assert done.status_code == 200, done.text
    result: dict[str, Any] = done.json()
    return result


def schedule(
    client: httpx.Client, programme_id: str, day: str, title: str, kind: str = "workshop", **more: Any
) -> dict[str, Any]:
    done = client.post(
        f"/api/programmes/{programme_id}/workshops", json={"day": day, "title": title, "kind": kind, **more}
    )
    assert done.status_code == 201, done.text
    result: dict[str, Any] = done.json()
    return result


def check_in(
    client: httpx.Client, initiative_id: str, programme_id: str, workshop_id: str, **fields: Any
) -> dict[str, Any]:
    body = {"programme_id": programme_id, "workshop_id": workshop_id, "status": "green", "progress_score": 1}
    done = client.post(f"/api/initiatives/{initiative_id}/check-ins", json={**body, **fields})
    assert done.status_code == 201, done.text
    result: dict[str, Any] = done.json()
    return result


def programme_paths(programme_id: str) -> tuple[str, str]:
    return f"/api/programmes/{programme_id}", f"/api/programmes/{programme_id}/history"


# ---- programme --------------------------------------------------------------------------


def test_create_a_programme_with_its_organisations_and_coordinator(client: httpx.Client) -> None:
    kirkkonummi = register_organisation(client, KIRKKONUMMI).id
    coordinator = register_person(client, "Päivi Äijälä")["id"]
    created = client.post(
        "/api/programmes",
        json={
            "name": f"  {PROGRAMME} ",
            "description": "Neljän kunnan yhteinen lähiesimiesten valmennus.",
            "period_start": "2018-04-01",
            "period_end": "2019-04-30",
            "organisation_ids": [kirkkonummi],
            "coordinator_id": coordinator,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["Location"] == f"/api/programmes/{body['id']}"
    assert created.headers["ETag"] == '"1"'
    assert (body["name"], body["status"], body["version"]) == (PROGRAMME, "open", 1)
    assert (body["period_start"], body["period_end"]) == ("2018-04-01", "2019-04-30")
    assert body["organisations"] == [{"id": kirkkonummi, "name": KIRKKONUMMI}]
    assert body["coordinator"] == {"id": coordinator, "name": "Päivi Äijälä"}
    assert (body["initiatives"], body["workshops"], body["withdrawn"]) == ([], [], [])

    read = client.get(created.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json() == body, "the create response and the next read agree"
    [entry] = history(client, created.headers["Location"])
    assert (entry["event_type"], entry["record_type"], entry["record_title"]) == (
        "Created",
        "programme",
        PROGRAMME,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": None}, "name"),
        ({"period_start": "2019-05-01"}, "period_end"),
        ({"period_end": "huomenna"}, "period_end"),
        ({"organisation_ids": [UNKNOWN]}, "organisation_ids"),
        ({"coordinator_id": UNKNOWN}, "coordinator_id"),
        ({"colour": "red"}, "colour"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
    ],
)
def test_an_invalid_programme_is_refused_and_records_nothing(
    client: httpx.Client, fields: dict[str, Any], field: str
) -> None:
    body = {"name": PROGRAMME, "period_start": "2018-04-01", "period_end": "2019-04-30", **fields}
    with nothing_recorded(client, "/api/programmes"):
        refused = client.post("/api/programmes", json=body)
    assert_problem(refused, 422, field=field)


def test_edit_needs_the_current_version_and_keeps_workshops_inside_the_period(client: httpx.Client) -> None:
    w = ThreeW(client)
    schedule(client, w.programme, "2019-04-11", SEMINAR, "seminar")
    version = client.get(w.path).headers["ETag"]

    edited = client.patch(
        w.path, json={"description": "Lean ja ratkaisukeskeisyys."}, headers={"If-Match": version}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["description"] == "Lean ja ratkaisukeskeisyys."
    assert edited.headers["ETag"] == f'"{int(version.strip(chr(34))) + 1}"'

    with nothing_recorded(client, *programme_paths(w.programme)):
        stale = client.patch(w.path, json={"name": "Toinen nimi"}, headers={"If-Match": version})
    assert assert_problem(stale, 412)["current_version"] == int(edited.headers["ETag"].strip('"'))

    with nothing_recorded(client, *programme_paths(w.programme)):
        shrunk = client.patch(w.path, json={"period_end": "2019-03-31"})
    assert_problem(shrunk, 422, field="period_end")
    with nothing_recorded(client, *programme_paths(w.programme)):
        missing = client.patch(f"/api/programmes/{UNKNOWN}", json={"name": "X"})
    assert assert_problem(missing, 404)["detail"] == f"There is no programme with id {UNKNOWN}."


def test_list_filters_by_status_organisation_and_words(client: httpx.Client) -> None:
    w = ThreeW(client)
    other = create(client, name="Sisäinen kehittäjä -koulutus")
    everything = client.get("/api/programmes").json()["items"]
    assert [p["id"] for p in everything] == [other["id"], w.programme], "newest first"
    assert [p["id"] for p in client.get("/api/programmes", params={"q": "ikäihmisten"}).json()["items"]] == [
        w.programme
    ]
    by_org = client.get("/api/programmes", params={"organisation_id": w.raasepori}).json()["items"]
    assert [p["id"] for p in by_org] == [w.programme]
    client.post(f"/api/programmes/{other['id']}/close", json={"summary": "Valmis."})
    closed = client.get("/api/programmes", params={"status": "closed"}).json()["items"]
    assert [p["id"] for p in closed] == [other["id"]]
    first = client.get("/api/programmes", params={"limit": 1}).json()
    second = client.get("/api/programmes", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in first["items"] + second["items"]] == [other["id"], w.programme]
    assert_problem(client.get("/api/programmes", params={"status": "paused"}), 422, field="status")
    assert_problem(client.get("/api/programmes", params={"cursor": "nonsense"}), 400)


# ---- enrolment ------------------------------------------------------------------------


def test_enrol_and_withdraw_initiatives(client: httpx.Client) -> None:
    w = ThreeW(client)
    body = client.get(w.path).json()
    assert [e["initiative"] for e in body["initiatives"]] == [
        {"id": w.home_care, "name": HOME_CARE},
        {"id": w.night_care, "name": NIGHT_CARE},
    ]
    withdrawn = client.post(
        f"{w.path}/withdrawals", json={"initiative_id": w.night_care, "reason": "Yhdistettiin kotihoitoon."}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert [e["initiative"]["id"] for e in withdrawn.json()["initiatives"]] == [w.home_care]
    assert withdrawn.json()["withdrawn"][0]["reason"] == "Yhdistettiin kotihoitoon."
    assert [e["event_type"] for e in history(client, w.path)][-1] == "InitiativeWithdrawn"


def test_enrolment_rules_refuse_and_record_nothing(client: httpx.Client) -> None:
    w = ThreeW(client)
    karkkila = register_organisation(client, KARKKILA).id
    outsider = propose(client, "Karkkilan päivätoiminta", organisation_id=karkkila)["id"]
    lonely = propose(client, "Ei vielä ilmoitettu")["id"]
    paths = programme_paths(w.programme)

    with nothing_recorded(client, *paths):
        twice = client.post(f"{w.path}/initiatives", json={"initiative_id": w.home_care})
    assert assert_problem(twice, 409)["detail"] == "This initiative is already enrolled in this programme."
    with nothing_recorded(client, *paths):
        foreign = client.post(f"{w.path}/initiatives", json={"initiative_id": outsider})
    assert "does not take part in this programme" in assert_problem(foreign, 409)["detail"]
    with nothing_recorded(client, *paths):
        not_enrolled = client.post(f"{w.path}/withdrawals", json={"initiative_id": lonely})
    assert assert_problem(not_enrolled, 409)["detail"] == "This initiative is not enrolled in this programme."
    with nothing_recorded(client, *paths):
        unknown = client.post(f"{w.path}/initiatives", json={"initiative_id": UNKNOWN})
    assert_problem(unknown, 422, field="initiative_id")
    with nothing_recorded(client, *paths):
        malformed = client.post(f"{w.path}/initiatives", json={"initiative_id": "kotihoito"})
    assert_problem(malformed, 422, field="initiative_id")
    with nothing_recorded(client, *paths):
        nowhere = client.post(f"/api/programmes/{UNKNOWN}/initiatives", json={"initiative_id": lonely})
    assert_problem(nowhere, 404)


# ---- workshops ----------------------------------------------------------------------------


def test_schedule_reschedule_and_hold_workshops(client: httpx.Client) -> None:
    w = ThreeW(client)
    scheduled = client.post(
        f"{w.path}/workshops",
        json={"day": "2018-09-13", "title": "Työpaja 1: Lean ja arvovirta", "agenda": "Aamu: esittäytyminen"},
    )
    assert scheduled.status_code == 201, scheduled.text
    workshop = scheduled.json()
    assert scheduled.headers["Location"] == f"{w.path}/workshops/{workshop['id']}"
    assert (workshop["kind"], workshop["held"], workshop["agenda"]) == (
        "workshop",
        False,
        "Aamu: esittäytyminen",
    )
    assert workshop["programme"] == {"id": w.programme, "name": PROGRAMME}
    read = client.get(scheduled.headers["Location"])
    assert read.status_code == 200 and read.json() == workshop
    assert read.headers["ETag"] == scheduled.headers["ETag"]

    moved = client.post(
        f"{scheduled.headers['Location']}/reschedule",
        json={"day": "2018-09-20", "reason": "Päällekkäinen koulutus"},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["day"], moved.json()["reschedule_reason"]) == (
        "2018-09-20",
        "Päällekkäinen koulutus",
    )
    held = client.post(f"{scheduled.headers['Location']}/held", json={"occurred_on": "2018-09-20"})
    assert held.status_code == 200, held.text
    assert (held.json()["held"], held.json()["held_on"]) == (True, "2018-09-20")
    seminar = schedule(client, w.programme, "2019-04-11", SEMINAR, "seminar")
    days = [(x["day"], x["title"]) for x in client.get(w.path).json()["workshops"]]
    assert days == [("2018-09-20", "Työpaja 1: Lean ja arvovirta"), ("2019-04-11", SEMINAR)]
    assert seminar["kind"] == "seminar"
    assert [e["event_type"] for e in history(client, w.path)][-4:] == [
        "WorkshopScheduled",
        "WorkshopRescheduled",
        "WorkshopHeld",
        "WorkshopScheduled",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"day": "2020-01-15", "title": "Liian myöhään"}, "day"),
        ({"day": "2018-03-31", "title": "Liian aikaisin"}, "day"),
        ({"day": "2018-09-13", "title": "  "}, "title"),
        ({"day": "2018-09-13"}, "title"),
        ({"day": "2018-09-13", "title": "Työpaja", "kind": "webinar"}, "kind"),
        ({"day": "13.9.2018", "title": "Työpaja"}, "day"),
        ({"day": "2018-09-13", "title": "x" * 201}, "title"),
    ],
)
def test_an_invalid_workshop_is_refused_and_records_nothing(
    client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    w = ThreeW(client)
    with nothing_recorded(client, *programme_paths(w.programme)):
        refused = client.post(f"{w.path}/workshops", json=body)
    assert_problem(refused, 422, field=field)


def test_workshop_rules_refuse_and_record_nothing(client: httpx.Client) -> None:
    w = ThreeW(client)
    held = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    client.post(f"{w.path}/workshops/{held['id']}/held")
    paths = programme_paths(w.programme)

    with nothing_recorded(client, *paths):
        moved = client.post(f"{w.path}/workshops/{held['id']}/reschedule", json={"day": "2018-09-20"})
    assert "a held workshop cannot be rescheduled" in assert_problem(moved, 409)["detail"]
    with nothing_recorded(client, *paths):
        again = client.post(f"{w.path}/workshops/{held['id']}/held")
    assert assert_problem(again, 409)["detail"] == "Workshop Työpaja 1 is already marked held."
    with nothing_recorded(client, *paths):
        unknown = client.post(f"{w.path}/workshops/{UNKNOWN}/held")
    assert_problem(unknown, 404)
    with nothing_recorded(client, *paths):
        unknown_move = client.post(f"{w.path}/workshops/{UNKNOWN}/reschedule", json={"day": "2018-10-01"})
    assert_problem(unknown_move, 404)
    assert_problem(client.get(f"{w.path}/workshops/{UNKNOWN}"), 404)
    assert_problem(client.get(f"/api/programmes/{UNKNOWN}/workshops/{held['id']}"), 404)

    future = date.today() + timedelta(days=30)
    later = create(
        client,
        name="Tuleva ohjelma",
        period_start="2018-01-01",
        period_end=(future + timedelta(days=60)).isoformat(),
    )
    coming = schedule(client, later["id"], future.isoformat(), "Tuleva työpaja")
    with nothing_recorded(client, *programme_paths(later["id"])):
        early = client.post(f"/api/programmes/{later['id']}/workshops/{coming['id']}/held")
    assert "cannot be marked held before that day" in assert_problem(early, 409)["detail"]


def test_a_retried_schedule_names_the_same_workshop_and_records_nothing_new(client: httpx.Client) -> None:
    w = ThreeW(client)
    request = {"day": "2018-09-13", "title": "Työpaja 1"}
    first = client.post(f"{w.path}/workshops", json=request, headers={"Idempotency-Key": "tp1-3w"})
    assert first.status_code == 201, first.text
    events = all_events(client)
    retry = client.post(f"{w.path}/workshops", json=request, headers={"Idempotency-Key": "tp1-3w"})
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.json() == first.json()
    assert all_events(client) == events, "a retry records nothing"
    assert [x["id"] for x in client.get(w.path).json()["workshops"]] == [first.json()["id"]]

    other = client.post(
        f"{w.path}/workshops", json={**request, "title": "Työpaja 2"}, headers={"Idempotency-Key": "tp1-3w"}
    )
    assert_problem(other, 422, field="Idempotency-Key")
    assert all_events(client) == events


# ---- check-ins ------------------------------------------------------------------------


def test_a_check_in_and_its_correction_both_stay_in_the_history(client: httpx.Client) -> None:
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    created = client.post(
        f"/api/initiatives/{w.home_care}/check-ins",
        json={
            "programme_id": w.programme,
            "workshop_id": workshop["id"],
            "status": "amber",
            "progress_score": 1.5,
            "done": "Tiimi koottu, aamukäyntien kartoitus tehty.",
            "next_steps": "Kokeillaan porrastusta kahdella reitillä.",
            "help_needed": "Tarvitsemme apua mittareiden valintaan.",
            "occurred_on": "2018-09-13",
        },
    )
    assert created.status_code == 201, created.text
    first = created.json()
    assert created.headers["Location"] == f"/api/initiatives/{w.home_care}/check-ins/{first['id']}"
    assert (first["status"], first["progress_score"], first["progress_meaning"]) == (
        "amber",
        1.5,
        "Planning begun",
    )
    assert first["workshop"] == {"id": workshop["id"], "title": "Työpaja 1", "day": "2018-09-13"}
    assert (first["corrects"], first["corrected_by"], first["occurred_on"]) == (None, None, "2018-09-13")
    assert client.get(created.headers["Location"]).json() == first

    second = check_in(client, w.home_care, w.programme, workshop["id"], status="green", progress_score=2)
    assert second["corrects"] == first["id"]
    listed = client.get(f"/api/initiatives/{w.home_care}/check-ins").json()["items"]
    assert [(c["id"], c["corrected_by"]) for c in listed] == [
        (first["id"], second["id"]),
        (second["id"], None),
    ]
    entries = [
        e for e in history(client, f"/api/initiatives/{w.home_care}") if e["event_type"] == "CheckInRecorded"
    ]
    assert len(entries) == 2, "the history keeps both"
    assert entries[0]["occurred_on"] == "2018-09-13"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"progress_score": 0.7}, "progress_score"),
        ({"progress_score": 6}, "progress_score"),
        ({"progress_score": 0}, "progress_score"),
        ({"progress_score": "2"}, "progress_score"),
        ({"progress_score": None}, "progress_score"),
        ({"status": "blue"}, "status"),
        ({"done": "x" * 5001}, "done"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"programme_id": UNKNOWN}, "programme_id"),
        ({"workshop_id": UNKNOWN}, "workshop_id"),
        ({"mood": "hyvä"}, "mood"),
    ],
)
def test_an_invalid_check_in_is_refused_and_records_nothing(
    client: httpx.Client, fields: dict[str, Any], field: str
) -> None:
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    body = {
        "programme_id": w.programme,
        "workshop_id": workshop["id"],
        "status": "green",
        "progress_score": 1,
    }
    with nothing_recorded(client, f"/api/initiatives/{w.home_care}/check-ins"):
        refused = client.post(f"/api/initiatives/{w.home_care}/check-ins", json={**body, **fields})
    assert_problem(refused, 422, field=field)


def test_check_in_rules_refuse_and_record_nothing(client: httpx.Client) -> None:
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    other = create(client, name="Toinen ohjelma", organisation_ids=[w.kirkkonummi])
    enrol(client, other["id"], w.home_care)
    elsewhere = schedule(client, other["id"], "2018-10-01", "Toisen ohjelman työpaja")
    lonely = propose(client, "Ei ilmoitettu ohjelmaan", organisation_id=w.kirkkonummi)["id"]

    def post(initiative_id: str, **fields: Any) -> httpx.Response:
        body = {
            "programme_id": w.programme,
            "workshop_id": workshop["id"],
            "status": "red",
            "progress_score": 0.5,
        }
        with nothing_recorded(
            client, f"/api/initiatives/{w.home_care}/check-ins", *programme_paths(w.programme)
        ):
            return client.post(f"/api/initiatives/{initiative_id}/check-ins", json={**body, **fields})

    assert "is not enrolled in programme" in assert_problem(post(lonely), 409)["detail"]
    assert_problem(post(w.home_care, workshop_id=elsewhere["id"]), 422, field="workshop_id")
    assert_problem(post(UNKNOWN), 404)

    client.post(f"{w.path}/close", json={"summary": "Ohjelma päättyi."})
    assert "it takes no more check-ins" in assert_problem(post(w.home_care), 409)["detail"]


def test_a_retried_check_in_records_it_once(client: httpx.Client) -> None:
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    body = {
        "programme_id": w.programme,
        "workshop_id": workshop["id"],
        "status": "green",
        "progress_score": 3,
    }
    path = f"/api/initiatives/{w.night_care}/check-ins"
    first = client.post(path, json=body, headers={"Idempotency-Key": "yohoito-tp1"})
    assert first.status_code == 201, first.text
    events = all_events(client)
    retry = client.post(path, json=body, headers={"Idempotency-Key": "yohoito-tp1"})
    assert (retry.status_code, retry.json()["id"]) == (201, first.json()["id"])
    assert retry.headers["Location"] == first.headers["Location"]
    assert all_events(client) == events
    assert len(client.get(path).json()["items"]) == 1


# ---- close ----------------------------------------------------------------------------------


def test_a_closed_programme_takes_nothing_more(client: httpx.Client) -> None:
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    closed = client.post(
        f"{w.path}/close", json={"summary": "Hyvät käytännöt jaettiin.", "occurred_on": "2019-04-30"}
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["summary"], closed.json()["closed_on"]) == (
        "closed",
        "Hyvät käytännöt jaettiin.",
        "2019-04-30",
    )
    lonely = propose(client, "Myöhästynyt hanke", organisation_id=w.kirkkonummi)["id"]
    for path, body in [
        (f"{w.path}/initiatives", {"initiative_id": lonely}),
        (f"{w.path}/withdrawals", {"initiative_id": w.home_care}),
        (f"{w.path}/workshops", {"day": "2019-01-10", "title": "Lisätyöpaja"}),
        (f"{w.path}/workshops/{workshop['id']}/held", None),
        (f"{w.path}/close", None),
    ]:
        with nothing_recorded(client, *programme_paths(w.programme)):
            refused = client.post(path, json=body)
        assert (
            assert_problem(refused, 409)["detail"]
            == f"Programme {PROGRAMME} is closed; it cannot be changed any more."
        )
    with nothing_recorded(client, *programme_paths(w.programme)):
        edit = client.patch(w.path, json={"name": "Uusi nimi"})
    assert_problem(edit, 409)


# ---- dashboard, digest, as-of ----------------------------------------------------------


def plan_experiment(client: httpx.Client, initiative_id: str, title: str, **fields: Any) -> dict[str, Any]:
    created = client.post(
        f"/api/initiatives/{initiative_id}/experiments",
        json={"title": title, "change_idea": "Aamukäynnit porrastetaan kahteen aaltoon.", **fields},
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def test_the_dashboard_now_and_as_it_was_before_a_correction(client: httpx.Client) -> None:
    w = ThreeW(client)
    first = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    client.post(f"{w.path}/workshops/{first['id']}/held")
    second = schedule(client, w.programme, "2018-11-08", "Työpaja 2")
    experiment = plan_experiment(client, w.home_care, "Porrastettu aamu")
    check_in(client, w.home_care, w.programme, first["id"], status="amber", progress_score=1)
    original = check_in(client, w.home_care, w.programme, second["id"], status="amber", progress_score=1.5)
    check_in(client, w.night_care, w.programme, first["id"], status="red", progress_score=0.5)
    check_in(client, w.home_care, w.programme, second["id"], status="green", progress_score=2.5)

    found = client.get(f"{w.path}/dashboard")
    assert found.status_code == 200, found.text
    board = found.json()
    assert board["programme"]["name"] == PROGRAMME and board["enrolled"] == 2
    assert [x["title"] for x in board["workshops"]] == ["Työpaja 1", "Työpaja 2"]
    assert board["next_workshop"]["id"] == second["id"]
    rows = {r["initiative"]["name"]: r for r in board["rows"]}
    home = rows[HOME_CARE]
    assert home["organisation"] == {"id": w.kirkkonummi, "name": KIRKKONUMMI}
    assert home["owner"] == {"id": w.owner, "name": "Sointu Öhman"}
    assert home["status"] == "proposed"
    assert (home["latest_check_in"]["progress_score"], home["latest_check_in"]["status"]) == (2.5, "green")
    assert home["latest_check_in"]["progress_meaning"] == "Changes tested, but no improvement"
    assert [p["score"] for p in home["scores"]] == [1.0, 2.5], "the trend, workshop by workshop"
    assert home["open_experiments"] == [
        {"id": experiment["id"], "title": "Porrastettu aamu", "stage": "planned"}
    ]
    assert home["checked_in_for_next"] is True
    assert rows[NIGHT_CARE]["checked_in_for_next"] is False
    assert board["missing_for_next"] == [{"id": w.night_care, "name": NIGHT_CARE}]
    assert board["totals"]["by_rag"] == {"green": 1, "amber": 0, "red": 1, "none": 0}
    assert board["totals"]["by_status"] == {"proposed": 2}
    assert [(t["organisation"]["name"], t["initiatives"]) for t in board["totals"]["by_organisation"]] == [
        (KIRKKONUMMI, 1),
        (RAASEPORI, 1),
    ]

    moment = datetime.fromisoformat(original["recorded_at"]).astimezone(UTC).isoformat()
    before = client.get(f"{w.path}/dashboard", params={"as_of": moment})
    assert before.status_code == 200, before.text
    earlier = {r["initiative"]["name"]: r for r in before.json()["rows"]}
    assert earlier[HOME_CARE]["latest_check_in"]["progress_score"] == 1.5, "before the correction"
    assert earlier[NIGHT_CARE]["latest_check_in"] is None
    assert before.json()["as_of"] is not None

    long_ago = client.get(f"{w.path}/dashboard", params={"as_of": "2000-01-01T00:00:00+02:00"})
    assert_problem(long_ago, 404)
    assert_problem(client.get(f"/api/programmes/{UNKNOWN}/dashboard"), 404)
    assert_problem(client.get(f"{w.path}/dashboard", params={"as_of": "2019-01-01T09:00"}), 400)


def test_the_digest_lists_what_changed_since_the_previous_workshop(client: httpx.Client) -> None:
    w = ThreeW(client)
    first = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    second = schedule(client, w.programme, "2018-11-08", "Työpaja 2")
    note = client.post(
        f"/api/initiatives/{w.home_care}/notes",
        json={"text": "Aloituspalaveri pidetty.", "occurred_on": "2018-09-01"},
    )
    assert note.status_code == 200, note.text
    plan_experiment(client, w.home_care, "Porrastettu aamu", occurred_on="2018-10-02")
    check_in(
        client,
        w.home_care,
        w.programme,
        second["id"],
        progress_score=2,
        help_needed="Mittarit",
        occurred_on="2018-11-08",
    )

    found = client.get(f"{w.path}/workshops/{second['id']}/digest")
    assert found.status_code == 200, found.text
    digest = found.json()
    assert digest["workshop"]["id"] == second["id"] and digest["previous_workshop"]["id"] == first["id"]
    assert digest["window"] == {"from": "2018-09-14", "to": "2018-11-08"}
    items = {i["initiative"]["name"]: i for i in digest["initiatives"]}
    assert set(items) == {HOME_CARE, NIGHT_CARE}, "quiet ones too"
    home = items[HOME_CARE]
    assert [(e["kind"], e["day"]) for e in home["entries"]] == [
        ("experiment_planned", "2018-10-02"),
        ("check_in", "2018-11-08"),
    ]
    assert home["entries"][0]["record_title"] == "Porrastettu aamu"
    assert home["entries"][0]["actor"]["name"]
    assert home["check_in"]["help_needed"] == "Mittarit"
    assert items[NIGHT_CARE]["entries"] == [] and items[NIGHT_CARE]["check_in"] is None

    opening = client.get(f"{w.path}/workshops/{first['id']}/digest").json()
    assert opening["previous_workshop"] is None and opening["window"]["from"] == "2018-04-01"
    opening_home = next(i for i in opening["initiatives"] if i["initiative"]["id"] == w.home_care)
    assert [e["kind"] for e in opening_home["entries"]] == ["note"]

    assert_problem(client.get(f"{w.path}/workshops/{UNKNOWN}/digest"), 404)
    assert_problem(client.get(f"/api/programmes/{UNKNOWN}/workshops/{first['id']}/digest"), 404)


# ---- the printable pack ---------------------------------------------------------------------


class PackReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.references: list[str] = []
        self.tags: list[str] = []
        self.lang = ""
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        for name in ("href", "src", "srcset", "data", "action"):
            if found.get(name):
                self.references.append(found[name] or "")
        if tag == "section" and "initiative" in (found.get("class") or ""):
            self.sections.append(found.get("id") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def pack_programme(client: httpx.Client) -> tuple[ThreeW, dict[str, Any]]:
    w = ThreeW(client)
    first = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    second = schedule(client, w.programme, "2018-11-08", "Työpaja 2: Äänekäs | *tähti* # otsikko")
    check_in(client, w.home_care, w.programme, first["id"], status="amber", progress_score=1.5)
    check_in(
        client,
        w.home_care,
        w.programme,
        second["id"],
        status="green",
        progress_score=2.5,
        done="Porrastus kokeiltu kahdella reitillä.\n- toinen rivi\n# ei otsikko",
        help_needed="Tarvitsemme apua mittareiden valintaan: " + "pitkä teksti " * 200,
        occurred_on="2018-11-08",
    )
    return w, second


def test_the_pack_is_a_standalone_printable_page(client: httpx.Client) -> None:
    w, workshop = pack_programme(client)
    found = client.get(f"{w.path}/workshops/{workshop['id']}/pack", params={"lang": "fi"})
    assert found.status_code == 200, found.text
    assert found.headers["content-type"] == "text/html; charset=utf-8"
    page = PackReader()
    page.feed(found.text)
    text = " ".join(page.text)
    assert page.lang == "fi"
    for title in (HOME_CARE, NIGHT_CARE, PROGRAMME, "Työpaja 2: Äänekäs | *tähti* # otsikko"):
        assert title in text
    assert "pitkä teksti " * 50 in text, "long texts are printed whole"
    assert "Päivi Äijälä" in text and "Sointu Öhman" in text
    assert not [r for r in page.references if not r.startswith("#")], "no external links or assets"
    assert "link" not in page.tags and "script" not in page.tags and "img" not in page.tags
    assert "@page" in found.text and "A4" in found.text and "break-before: page" in found.text
    assert len(page.sections) == 2, "one section per initiative"
    assert "http://" not in found.text and "https://" not in found.text

    swedish = client.get(
        f"{w.path}/workshops/{workshop['id']}/pack", headers={"Accept-Language": "sv-FI,sv;q=0.9"}
    )
    assert swedish.status_code == 200 and 'lang="sv"' in swedish.text
    english = client.get(f"{w.path}/workshops/{workshop['id']}/pack", params={"lang": "en"})
    assert 'lang="en"' in english.text and "Agenda" in english.text and "Dashboard review" in english.text
    assert_problem(
        client.get(f"{w.path}/workshops/{workshop['id']}/pack", params={"lang": "de"}), 422, field="lang"
    )


def test_the_pack_uses_the_workshops_own_agenda(client: httpx.Client) -> None:
    w = ThreeW(client)
    workshop = schedule(
        client, w.programme, "2018-09-13", "Työpaja 1", agenda="9.00 Aloitus\n10.00 Hankkeiden tilannekatsaus"
    )
    page = client.get(f"{w.path}/workshops/{workshop['id']}/pack", params={"lang": "en"}).text
    assert "10.00 Hankkeiden tilannekatsaus" in page
    assert "Dashboard review" not in page, "the proposed agenda only when there is none"


def test_the_pack_in_markdown(client: httpx.Client) -> None:
    w, workshop = pack_programme(client)
    found = client.get(
        f"{w.path}/workshops/{workshop['id']}/pack",
        params={"lang": "en"},
        headers={"Accept": "text/markdown"},
    )
    assert found.status_code == 200, found.text
    assert found.headers["content-type"] == "text/markdown; charset=utf-8"
    text = found.text
    lines = text.splitlines()
    assert lines[0] == f"# {PROGRAMME} – Työpaja 2: Äänekäs \\| \\*tähti\\* \\# otsikko"
    for heading in (
        "## Agenda",
        "## Dashboard",
        "## Changes since the last workshop",
        f"## {HOME_CARE}",
        f"## {NIGHT_CARE}",
    ):
        assert heading in lines, heading
    table = [line for line in lines if line.startswith("| ")]
    assert len(table) == 4, "a header, its rule and one row per initiative"
    assert all(line.count(" | ") == table[0].count(" | ") for line in table), (
        "user text does not break the table"
    )
    assert "Päivi Äijälä" in text and "Sointu Öhman" in text and "Yöhoidon" in text
    assert "\\# ei otsikko" in text and "\\- toinen rivi" in text, "user text starts no heading or list"
    assert "http://" not in text and "https://" not in text


def test_the_pack_format_parameter_wins_over_accept(client: httpx.Client) -> None:
    """The pages link to the Markdown pack; a link cannot set an Accept header."""
    w, workshop = pack_programme(client)
    path = f"{w.path}/workshops/{workshop['id']}/pack"
    as_markdown = client.get(path, params={"lang": "en", "format": "markdown"})
    assert as_markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert as_markdown.text.startswith(f"# {PROGRAMME}")
    as_html = client.get(path, params={"lang": "en", "format": "html"}, headers={"Accept": "text/markdown"})
    assert as_html.headers["content-type"].startswith("text/html")
    refused = client.get(path, params={"format": "pdf"})
    assert refused.status_code == 422


def test_an_initiatives_version_follows_its_check_ins(client: httpx.Client) -> None:
    """A check-in is an initiative event: the ETag after it must let the next edit through."""
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    check_in(client, w.home_care, w.programme, workshop["id"])
    found = client.get(f"/api/initiatives/{w.home_care}")
    assert found.json()["version"] == len(history(client, f"/api/initiatives/{w.home_care}"))
    edited = client.patch(
        f"/api/initiatives/{w.home_care}",
        json={"summary": "Aamukäynnit porrastetaan kahdelle reitille."},
        headers={"If-Match": found.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.text


def test_the_pack_needs_a_programme_and_its_workshop(client: httpx.Client) -> None:
    w = ThreeW(client)
    workshop = schedule(client, w.programme, "2018-09-13", "Työpaja 1")
    assert_problem(client.get(f"{w.path}/workshops/{UNKNOWN}/pack"), 404)
    assert_problem(client.get(f"/api/programmes/{UNKNOWN}/workshops/{workshop['id']}/pack"), 404)


# ---- reads that need an existing record, and the scale -------------------------------------


def test_unknown_ids_are_404(client: httpx.Client) -> None:
    for path in (
        f"/api/programmes/{UNKNOWN}",
        f"/api/programmes/{UNKNOWN}/history",
        f"/api/initiatives/{UNKNOWN}/check-ins",
    ):
        assert_problem(client.get(path), 404)
    initiative = propose(client, HOME_CARE)["id"]
    assert client.get(f"/api/initiatives/{initiative}/check-ins").json()["items"] == []
    assert_problem(client.get(f"/api/initiatives/{initiative}/check-ins/{UNKNOWN}"), 404)
    assert_problem(client.get(f"/api/programmes/{initiative}/history"), 404), "an initiative is no programme"
    with nothing_recorded(client):
        assert_problem(client.post(f"/api/programmes/{UNKNOWN}/close"), 404)


def test_the_progress_scale_is_documented(client: httpx.Client) -> None:
    scale = client.get("/api/progress-scale").json()
    assert [s["score"] for s in scale["steps"]] == [x / 2 for x in range(1, 11)]
    assert scale["steps"][0]["meaning"] == "Intent to participate"
    assert scale["steps"][-1]["meaning"] == "Outstanding sustainable results"
    schema = client.get("/openapi.json").json()["components"]["schemas"]["CheckInIn"]
    described = schema["properties"]["progress_score"]["description"]
    for step in scale["steps"]:
        assert step["meaning"] in described and step["meaning"] in scale["description"]
