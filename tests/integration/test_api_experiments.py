"""Experiments (PDSA cycles) over the JSON API on both stores: quick planning, every
step and its order, observations with numbers, study, decisions (adapt planning the
next cycle), cancel, edits with If-Match, retries, as-of views, the filtered list,
the chain of cycles, the learning log and the counts per unit and month.

The cases are Hamina's internal developers (seed 004): ten people from the health
services who try ideas "nopealla syklillä", in fast cycles — such as telling the
day's free urgent-care times on the health kiosk's Facebook page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.integration.api_helpers import (
    all_events,
    assert_problem,
    history,
    move,
    nothing_recorded,
    propose,
    register_organisation,
)

HAMINA = "Haminan kaupunki"
HAMINA_UNITS = ("Terveyspalvelut", "Varhaiskasvatus")
INITIATIVE = "Sisäinen kehittäjä -koulutus: terveyspalvelut"
TITLE = "Vapaat kiirevastaanottoajat Facebookissa"
IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
PREDICTION = "Odotamme, että aamun soittoja tulee kolmannes vähemmän."
FINNISH_TIME = timezone(timedelta(hours=2))


def hamina(client: httpx.Client) -> tuple[str, dict[str, str], str]:
    """Hamina with two units and the health services' internal-developer initiative."""
    org = register_organisation(client, HAMINA, "municipality", HAMINA_UNITS)
    initiative = propose(client, INITIATIVE, organisation_id=org.id, unit_id=org.units["Terveyspalvelut"])
    return org.id, org.units, initiative["id"]


def plan(client: httpx.Client, initiative_id: str, title: str = TITLE, **fields: Any) -> dict[str, Any]:
    created = client.post(
        f"/api/initiatives/{initiative_id}/experiments", json={"title": title, "change_idea": IDEA, **fields}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def step(client: httpx.Client, experiment_id: str, verb: str, **body: Any) -> dict[str, Any]:
    done = client.post(f"/api/experiments/{experiment_id}/{verb}", json=body or None)
    assert done.status_code == 200, done.text
    result: dict[str, Any] = done.json()
    return result


def studied(client: httpx.Client, initiative_id: str, **fields: Any) -> dict[str, Any]:
    experiment = plan(client, initiative_id, **fields)
    step(client, experiment["id"], "start")
    return step(
        client, experiment["id"], "study", result="Soittoja tuli vähemmän.", learning="Toimii aamuisin."
    )


def paths(experiment_id: str) -> tuple[str, str]:
    return f"/api/experiments/{experiment_id}", f"/api/experiments/{experiment_id}/history"


def moment(entry: dict[str, Any], *, shift: timedelta = timedelta(0)) -> str:
    return (datetime.fromisoformat(entry["recorded_at"]) + shift).astimezone(FINNISH_TIME).isoformat()


# ---- planning quickly ---------------------------------------------------------------


def test_one_post_with_a_title_and_the_change_idea_plans_an_experiment(client: httpx.Client) -> None:
    _, units, initiative_id = hamina(client)
    created = client.post(
        f"/api/initiatives/{initiative_id}/experiments", json={"title": f"  {TITLE} ", "change_idea": IDEA}
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["Location"] == f"/api/experiments/{body['id']}"
    assert created.headers["ETag"] == '"1"'
    assert body["title"] == TITLE and body["change_idea"] == IDEA
    assert (body["stage"], body["version"], body["cycle"]) == ("planned", 1, 1)
    assert body["allowed_steps"] == ["edit", "start", "cancel"]
    assert body["initiative"] == {"id": initiative_id, "name": INITIATIVE}
    assert body["unit"] == {"id": units["Terveyspalvelut"], "name": "Terveyspalvelut"}, (
        "the initiative's unit"
    )
    assert (body["follows"], body["next_cycle_id"], body["chain_id"]) == (None, None, body["id"])
    assert (body["prediction"], body["measures"], body["observations"]) == ("", [], [])
    assert body["logged_on"] == datetime.now(UTC).date().isoformat()

    read = client.get(created.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json() == body, "the create response and the next read agree"
    [entry] = history(client, created.headers["Location"])
    assert (entry["event_type"], entry["record_type"], entry["record_title"]) == (
        "Planned",
        "experiment",
        TITLE,
    )
    assert {c["field"]: c["new"] for c in entry["changes"]} == {
        "title": TITLE,
        "change_idea": IDEA,
        "stage": "planned",
    }


def test_the_whole_plan_can_come_with_the_first_post(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    body = plan(
        client,
        initiative_id,
        question="Lyheneekö aamun puhelinjono, kun vapaat ajat näkyvät somessa?",
        prediction=PREDICTION,
        plan_who="Lähihoitaja Suvi Koistinen",
        plan_what="Päivitys klo 8 terveyskioskin sivulle",
        plan_when="Kaksi viikkoa, arkiaamut",
        plan_where="Haminan terveysasema",
        measures=["Aamun puhelut", "Vapaaksi jääneet ajat"],
        planned_start="2016-11-07",
        planned_end="2016-11-18",
        occurred_on="2016-11-01",
    )
    assert body["plan_who"] == "Lähihoitaja Suvi Koistinen"
    assert body["measures"] == ["Aamun puhelut", "Vapaaksi jääneet ajat"]
    assert (body["planned_start"], body["planned_end"]) == ("2016-11-07", "2016-11-18")
    assert body["logged_on"] == "2016-11-01", "a back-dated plan counts on the day it was made"
    assert history(client, f"/api/experiments/{body['id']}")[0]["occurred_on"] == "2016-11-01"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": TITLE}, "change_idea"),
        ({"change_idea": IDEA}, "title"),
        ({"title": " ", "change_idea": IDEA}, "title"),
        ({"title": TITLE, "change_idea": IDEA, "colour": "red"}, "colour"),
        (
            {"title": TITLE, "change_idea": IDEA, "planned_start": "2016-11-18", "planned_end": "2016-11-07"},
            "planned_end",
        ),
        ({"title": TITLE, "change_idea": IDEA, "occurred_on": "2999-01-01"}, "occurred_on"),
        ({"title": "x" * 201, "change_idea": IDEA}, "title"),
    ],
)
def test_an_invalid_plan_is_refused_and_records_nothing(
    client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    _, _, initiative_id = hamina(client)
    with nothing_recorded(client, "/api/experiments"):
        refused = client.post(f"/api/initiatives/{initiative_id}/experiments", json=body)
    assert_problem(refused, 422, field=field)


def test_an_experiment_needs_an_initiative_that_exists_and_is_open(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    unknown = "00000000-0000-4000-8000-000000000000"
    with nothing_recorded(client, "/api/experiments"):
        missing = client.post(
            f"/api/initiatives/{unknown}/experiments", json={"title": TITLE, "change_idea": IDEA}
        )
    assert assert_problem(missing, 404)["detail"] == f"There is no initiative with id {unknown}."

    move(
        client,
        initiative_id,
        "discontinue",
        reason="Koulutus päättyi",
        lessons="Kokeilut jatkuvat yksiköissä",
    )
    with nothing_recorded(client, "/api/experiments"):
        closed = client.post(
            f"/api/initiatives/{initiative_id}/experiments", json={"title": TITLE, "change_idea": IDEA}
        )
    assert assert_problem(closed, 409)["detail"] == (
        "Cannot plan an experiment under this initiative: it is discontinued, which is final."
    )


# ---- the cycle --------------------------------------------------------------------------


def test_plan_do_study_act_with_observations_and_numbers(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = plan(client, initiative_id, prediction=PREDICTION)["id"]

    started = step(client, experiment_id, "start", occurred_on="2016-11-07")
    assert (started["stage"], started["started_on"]) == ("started", "2016-11-07")
    assert started["allowed_steps"] == ["edit", "record_observation", "study", "cancel"]
    observed = step(
        client,
        experiment_id,
        "observations",
        text="Ensimmäinen aamu: 12 soittoa, ennen noin 20.",
        values=[{"name": "aamun puhelut", "value": 12}, {"value": 3.5}],
        occurred_on="2016-11-07",
    )
    step(client, experiment_id, "observations", text="Toinen aamu hiljaisempi.")
    done = step(
        client,
        experiment_id,
        "study",
        result="Soittoja tuli 40 % vähemmän; ennuste piti.",
        learning="Päivitys pitää tehdä ennen kahdeksaa.",
    )
    decided = step(client, experiment_id, "decision", decision="adopt", rationale="Koko terveysasemalle.")

    assert observed["observations"][0]["values"] == [
        {"name": "aamun puhelut", "value": 12},
        {"name": "", "value": 3.5},
    ]
    assert observed["observations"][0]["occurred_on"] == "2016-11-07"
    assert observed["observations"][0]["author"]["name"] == "Local user"
    assert done["stage"] == "studied" and done["allowed_steps"] == ["decide", "cancel"]
    assert (decided["stage"], decided["decision"], decided["rationale"]) == (
        "decided",
        "adopt",
        "Koko terveysasemalle.",
    )
    assert decided["allowed_steps"] == [] and decided["next_cycle_id"] is None
    assert decided["observations_count"] == 2 and len(decided["observations"]) == 2
    assert decided["version"] == 6
    entries = history(client, f"/api/experiments/{experiment_id}")
    assert [e["event_type"] for e in entries] == [
        "Planned",
        "Started",
        "ObservationRecorded",
        "ObservationRecorded",
        "Studied",
        "Decided",
    ]
    assert {c["field"]: c["new"] for c in entries[2]["changes"]} == {
        "observation": "Ensimmäinen aamu: 12 soittoa, ennen noin 20.",
        "values.aamun puhelut": 12,
        "values": 3.5,
    }
    assert {c["field"]: (c["old"], c["new"]) for c in entries[5]["changes"]} == {
        "stage": ("studied", "decided"),
        "decision": (None, "adopt"),
        "rationale": (None, "Koko terveysasemalle."),
    }


@pytest.mark.parametrize(
    ("setup", "verb", "body", "sentence"),
    [
        (
            [],
            "observations",
            {"text": "Liian aikaisin"},
            "Record observations only while the experiment runs: start it first.",
        ),
        (
            ["start"],
            "decision",
            {"decision": "adopt"},
            "Decide only after studying the results: study it first.",
        ),
        (
            [],
            "decision",
            {"decision": "adapt"},
            "Decide only after studying the results: start the experiment and study it first.",
        ),
        (
            [],
            "study",
            {"result": "r", "learning": "l"},
            "Study the results only after the experiment ran: start it first.",
        ),
        (
            ["start"],
            "start",
            None,
            "This experiment has started already: record observations, then study it.",
        ),
        (
            ["start", "study"],
            "observations",
            {"text": "Myöhässä"},
            "Record observations only while the experiment runs: it is studied already.",
        ),
    ],
)
def test_a_step_out_of_order_is_409_saying_what_must_happen_first(
    client: httpx.Client, setup: list[str], verb: str, body: dict[str, Any] | None, sentence: str
) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = plan(client, initiative_id)["id"]
    for done in setup:
        extra = {"result": "Tulos", "learning": "Opittu"} if done == "study" else {}
        step(client, experiment_id, done, **extra)

    with nothing_recorded(client, *paths(experiment_id)):
        refused = client.post(f"/api/experiments/{experiment_id}/{verb}", json=body)
    problem = assert_problem(refused, 409, slug="illegal-move")
    assert problem["detail"] == sentence
    assert problem["allowed_moves"] == client.get(f"/api/experiments/{experiment_id}").json()["allowed_steps"]


def test_study_and_decision_validate_their_fields(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = plan(client, initiative_id)["id"]
    step(client, experiment_id, "start")
    for body, field in (
        ({"result": "Tulos"}, "learning"),
        ({"result": "", "learning": "Opittu"}, "result"),
        ({"result": "Tulos", "learning": "  "}, "learning"),
    ):
        with nothing_recorded(client, *paths(experiment_id)):
            assert_problem(
                client.post(f"/api/experiments/{experiment_id}/study", json=body), 422, field=field
            )
    with nothing_recorded(client, *paths(experiment_id)):
        no_text = client.post(f"/api/experiments/{experiment_id}/observations", json={"text": " "})
        not_a_number = client.post(
            f"/api/experiments/{experiment_id}/observations", json={"text": "x", "values": [{"value": "12"}]}
        )
        too_many = client.post(
            f"/api/experiments/{experiment_id}/observations",
            json={"text": "x", "values": [{"value": n} for n in range(11)]},
        )
    assert_problem(no_text, 422, field="text")
    assert_problem(not_a_number, 422, field="values.0.value.int")
    assert_problem(too_many, 422, field="values")

    step(client, experiment_id, "study", result="Tulos", learning="Opittu")
    with nothing_recorded(client, *paths(experiment_id)):
        unknown = client.post(f"/api/experiments/{experiment_id}/decision", json={"decision": "keep"})
        adopt_with_next = client.post(
            f"/api/experiments/{experiment_id}/decision",
            json={"decision": "adopt", "next_cycle": {"prediction": "x"}},
        )
        bad_next = client.post(
            f"/api/experiments/{experiment_id}/decision",
            json={"decision": "adapt", "next_cycle": {"title": " "}},
        )
    assert_problem(unknown, 422, field="decision")
    assert assert_problem(adopt_with_next, 422, field="next_cycle")["detail"] == (
        "Only an adapt decision plans a next cycle; adopt and abandon end the chain."
    )
    assert_problem(bad_next, 422, field="title")


# ---- the next cycle --------------------------------------------------------------------------


def test_adapt_plans_the_next_cycle_in_the_same_save_and_the_chain_shows_every_cycle(
    client: httpx.Client,
) -> None:
    _, units, initiative_id = hamina(client)
    first = studied(client, initiative_id, measures=["Aamun puhelut"], prediction=PREDICTION)
    events_before = len(all_events(client))

    decided = step(
        client,
        first["id"],
        "decision",
        decision="adapt",
        rationale="Aamu toimii; kokeillaan myös iltapäivää.",
        next_cycle={"prediction": "Iltapäivälläkin soittoja tulee vähemmän.", "plan_when": "Klo 12 päivitys"},
    )

    new_events = all_events(client)[events_before:]
    assert [e["topic"] for e in new_events] == ["kipina:Experiment.Decided", "kipina:Experiment.Planned"]
    second_id = decided["next_cycle_id"]
    assert second_id and decided["decision"] == "adapt"
    second = client.get(f"/api/experiments/{second_id}").json()
    assert (second["follows"], second["cycle"], second["chain_id"]) == (first["id"], 2, first["id"])
    assert (second["title"], second["change_idea"], second["measures"]) == (TITLE, IDEA, ["Aamun puhelut"])
    assert second["prediction"] == "Iltapäivälläkin soittoja tulee vähemmän."
    assert second["plan_when"] == "Klo 12 päivitys"
    assert second["stage"] == "planned"
    assert second["unit"]["id"] == units["Terveyspalvelut"]

    # A third cycle, then the chain read from any of them.
    step(client, second_id, "start")
    step(client, second_id, "study", result="Iltapäivä ei toiminut.", learning="Aamu riittää.")
    third_id = step(client, second_id, "decision", decision="adapt", next_cycle={"title": "Vain aamut"})[
        "next_cycle_id"
    ]
    for member in (first["id"], second_id, third_id):
        chain = client.get(f"/api/experiments/{member}/cycles")
        assert chain.status_code == 200, chain.text
        assert [(c["id"], c["cycle"]) for c in chain.json()] == [
            (first["id"], 1),
            (second_id, 2),
            (third_id, 3),
        ]
    assert client.get(f"/api/experiments/{third_id}").json()["title"] == "Vain aamut"


def test_the_next_cycle_is_refused_with_the_decision_when_the_initiative_closed_meanwhile(
    client: httpx.Client,
) -> None:
    _, _, initiative_id = hamina(client)
    first = studied(client, initiative_id)
    move(client, initiative_id, "discontinue", reason="Rahoitus päättyi", lessons="Kokeilut kannattivat")

    with nothing_recorded(client, *paths(first["id"]), "/api/experiments"):
        refused = client.post(
            f"/api/experiments/{first['id']}/decision", json={"decision": "adapt", "next_cycle": {}}
        )
    assert_problem(refused, 409)
    # Without a next cycle the decision itself is still possible.
    assert step(client, first["id"], "decision", decision="adapt")["stage"] == "decided"


# ---- cancel -------------------------------------------------------------------------------------


def test_cancel_needs_a_reason_and_ends_the_experiment(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = plan(client, initiative_id)["id"]
    step(client, experiment_id, "start")
    with nothing_recorded(client, *paths(experiment_id)):
        assert_problem(
            client.post(f"/api/experiments/{experiment_id}/cancel", json={"reason": " "}), 422, field="reason"
        )
        assert_problem(client.post(f"/api/experiments/{experiment_id}/cancel", json={}), 422, field="reason")

    cancelled = step(
        client, experiment_id, "cancel", reason="Influenssakausi vei henkilöstön", occurred_on="2016-12-01"
    )
    assert (cancelled["stage"], cancelled["cancel_reason"], cancelled["cancelled_on"]) == (
        "cancelled",
        "Influenssakausi vei henkilöstön",
        "2016-12-01",
    )
    assert cancelled["allowed_steps"] == []
    with nothing_recorded(client, *paths(experiment_id)):
        again = client.post(f"/api/experiments/{experiment_id}/start")
    assert assert_problem(again, 409)["detail"].startswith("This experiment was cancelled")


def test_a_decided_experiment_cannot_be_cancelled(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = studied(client, initiative_id)["id"]
    step(client, experiment_id, "decision", decision="abandon")
    with nothing_recorded(client, *paths(experiment_id)):
        refused = client.post(f"/api/experiments/{experiment_id}/cancel", json={"reason": "Turha"})
    assert assert_problem(refused, 409)["detail"] == (
        "Cannot cancel this experiment: it is decided, and a decision is final."
    )


# ---- edits, If-Match, retries, 404 ---------------------------------------------------------------


def test_patch_with_if_match_edits_the_plan_while_planned_or_started(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = plan(client, initiative_id, planned_start="2016-11-07")["id"]
    path = f"/api/experiments/{experiment_id}"

    edited = client.patch(
        path, json={"prediction": PREDICTION, "measures": ["Aamun puhelut"]}, headers={"If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert (edited.json()["prediction"], edited.json()["measures"]) == (PREDICTION, ["Aamun puhelut"])

    with nothing_recorded(client, *paths(experiment_id)):
        stale = client.patch(path, json={"prediction": "Toinen"}, headers={"If-Match": '"1"'})
        backwards = client.patch(path, json={"planned_end": "2016-11-01"})
        unknown = client.patch(path, json={"stage": "decided"})
    assert assert_problem(stale, 412)["current_version"] == 2
    assert_problem(backwards, 422, field="planned_end")
    assert_problem(unknown, 422, field="stage")

    same = client.patch(path, json={"prediction": PREDICTION})
    assert same.json()["version"] == 2, "an edit that changes nothing records nothing"
    step(client, experiment_id, "start")
    assert client.patch(path, json={"planned_start": None}).json()["planned_start"] is None
    step(client, experiment_id, "study", result="Tulos", learning="Opittu")
    with nothing_recorded(client, *paths(experiment_id)):
        late = client.patch(path, json={"prediction": "Jälkiviisaus"})
    assert assert_problem(late, 409)["detail"] == (
        "Cannot change the plan of this experiment: it is studied. "
        "The plan can change only while it is planned or running."
    )
    [edit] = [e for e in history(client, path) if e["event_type"] == "Edited"][:1]
    assert {c["field"]: (c["old"], c["new"]) for c in edit["changes"]} == {
        "prediction": ("", PREDICTION),
        "measures": ([], ["Aamun puhelut"]),
    }


def test_retries_with_an_idempotency_key_record_once(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    url = f"/api/initiatives/{initiative_id}/experiments"
    key = {"Idempotency-Key": "hamina-facebook-1"}
    first = client.post(url, json={"title": TITLE, "change_idea": IDEA}, headers=key)
    events = len(all_events(client))
    again = client.post(url, json={"title": TITLE, "change_idea": IDEA}, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert len(all_events(client)) == events
    reused = client.post(url, json={"title": "Toinen", "change_idea": IDEA}, headers=key)
    assert_problem(reused, 422, field="Idempotency-Key")

    experiment_id = first.json()["id"]
    step(client, experiment_id, "start")
    step(client, experiment_id, "study", result="Tulos", learning="Opittu")
    decision = {"decision": "adapt", "next_cycle": {"prediction": "Toinen kierros"}}
    decide_key = {"Idempotency-Key": "hamina-facebook-decide"}
    decided = client.post(f"/api/experiments/{experiment_id}/decision", json=decision, headers=decide_key)
    events = len(all_events(client))
    replayed = client.post(f"/api/experiments/{experiment_id}/decision", json=decision, headers=decide_key)
    assert replayed.status_code == 200 and replayed.json() == decided.json()
    assert len(all_events(client)) == events, "the retry planned no second next cycle"
    assert len(client.get("/api/experiments").json()["items"]) == 2


def test_unknown_experiments_are_404_for_every_command_and_read(client: httpx.Client) -> None:
    unknown = "00000000-0000-4000-8000-000000000001"
    sentence = f"There is no experiment with id {unknown}."
    with nothing_recorded(client):
        for verb, body in (
            ("start", None),
            ("observations", {"text": "x"}),
            ("study", {"result": "r", "learning": "l"}),
            ("decision", {"decision": "adopt"}),
            ("cancel", {"reason": "r"}),
        ):
            assert (
                assert_problem(client.post(f"/api/experiments/{unknown}/{verb}", json=body), 404)["detail"]
                == sentence
            )
        assert (
            assert_problem(client.patch(f"/api/experiments/{unknown}", json={"title": "x"}), 404)["detail"]
            == sentence
        )
    for read in ("", "/history", "/cycles"):
        assert assert_problem(client.get(f"/api/experiments/{unknown}{read}"), 404)["detail"] == sentence
    assert_problem(client.get(f"/api/initiatives/{unknown}/learning-log"), 404)
    assert_problem(client.get(f"/api/initiatives/{unknown}/experiments"), 404)
    assert_problem(client.get("/api/experiments/not-a-uuid"), 422)


# ---- as of, the list, the learning log, the counts -----------------------------------------------


def test_as_of_a_moment_shows_the_experiment_as_it_was(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    experiment_id = plan(client, initiative_id)["id"]
    step(client, experiment_id, "start")
    step(client, experiment_id, "observations", text="Havainto")
    path = f"/api/experiments/{experiment_id}"
    planned_entry, started_entry, observed_entry = history(client, path)

    then = client.get(path, params={"as_of": moment(planned_entry)})
    assert then.status_code == 200
    assert (then.json()["stage"], then.json()["version"], then.json()["observations"]) == ("planned", 1, [])
    assert then.headers["ETag"] == '"1"'
    running = client.get(path, params={"as_of": moment(started_entry)}).json()
    assert (running["stage"], running["observations"]) == ("started", [])
    assert len(client.get(path, params={"as_of": moment(observed_entry)}).json()["observations"]) == 1
    before = client.get(path, params={"as_of": moment(planned_entry, shift=-timedelta(seconds=5))})
    assert_problem(before, 404)
    listed = client.get(
        "/api/experiments", params={"as_of": moment(planned_entry), "stage": "planned"}
    ).json()
    assert [i["id"] for i in listed["items"]] == [experiment_id]
    assert len(history(client, path, as_of=moment(started_entry))) == 2


def test_the_list_filters_by_stage_decision_initiative_unit_and_dates(client: httpx.Client) -> None:
    org_id, units, health = hamina(client)
    daycare = propose(
        client,
        "Varhaiskasvatuksen sisäiset kehittäjät",
        organisation_id=org_id,
        unit_id=units["Varhaiskasvatus"],
    )["id"]
    planned = plan(client, health, "Suunniteltu", planned_start="2016-10-03")["id"]
    adopted = studied(client, health, title="Omaksuttu", planned_start="2016-11-07")["id"]
    step(client, adopted, "decision", decision="adopt")
    abandoned = studied(client, daycare, title="Hylätty", planned_start="2016-12-05")["id"]
    step(client, abandoned, "decision", decision="abandon")
    running = plan(client, daycare, "Käynnissä")["id"]
    step(client, running, "start")

    def ids(**params: Any) -> list[str]:
        found = client.get("/api/experiments", params=params)
        assert found.status_code == 200, found.text
        return [i["id"] for i in found.json()["items"]]

    assert ids() == [running, abandoned, adopted, planned], "newest first"
    assert ids(stage="planned") == [planned]
    assert ids(stage="decided") == [abandoned, adopted]
    assert ids(decision="abandon") == [abandoned]
    assert ids(initiative_id=health) == [adopted, planned]
    assert ids(unit_id=units["Varhaiskasvatus"]) == [running, abandoned]
    assert ids(**{"from": "2016-11-01", "to": "2016-11-30"}) == [adopted]
    assert ids(**{"from": "2016-11-01"}) == [running, abandoned, adopted], (
        "no planned start: the day it was logged"
    )
    own = client.get(f"/api/initiatives/{daycare}/experiments", params={"stage": "started"}).json()["items"]
    assert [i["id"] for i in own] == [running]

    first_page = client.get("/api/experiments", params={"limit": 3}).json()
    rest = client.get("/api/experiments", params={"limit": 3, "cursor": first_page["next_cursor"]}).json()
    assert [i["id"] for i in first_page["items"] + rest["items"]] == [running, abandoned, adopted, planned]
    assert rest["next_cursor"] is None
    assert_problem(client.get("/api/experiments", params={"cursor": "bogus"}), 400)
    assert_problem(client.get("/api/experiments", params={"stage": "running"}), 422, field="stage")
    assert_problem(client.get("/api/experiments", params={"from": "2016-12-01", "to": "2016-11-01"}), 400)


def test_the_learning_log_holds_every_study_and_decision_in_order(client: httpx.Client) -> None:
    _, _, initiative_id = hamina(client)
    first = studied(client, initiative_id, prediction=PREDICTION)
    second_id = step(
        client, first["id"], "decision", decision="adapt", rationale="Iltapäivä myös", next_cycle={}
    )["next_cycle_id"]
    step(client, second_id, "start")
    step(
        client,
        second_id,
        "study",
        result="Iltapäivä ei toiminut.",
        learning="Aamu riittää.",
        occurred_on="2016-12-01",
    )
    other = propose(client, "Toinen hanke")["id"]
    studied(client, other)  # another initiative's study stays out of this log

    log = client.get(f"/api/initiatives/{initiative_id}/learning-log")
    assert log.status_code == 200, log.text
    body = log.json()
    assert body["initiative"] == {"id": initiative_id, "name": INITIATIVE}
    items = body["items"]
    assert [(i["kind"], i["experiment"]["id"], i["cycle"]) for i in items] == [
        ("studied", first["id"], 1),
        ("decided", first["id"], 1),
        ("studied", second_id, 2),
    ]
    assert items[0]["prediction"] == PREDICTION and items[0]["learning"] == "Toimii aamuisin."
    assert (items[1]["decision"], items[1]["rationale"], items[1]["next_cycle_id"]) == (
        "adapt",
        "Iltapäivä myös",
        second_id,
    )
    assert items[2]["occurred_on"] == "2016-12-01"
    assert [i["position"] for i in items] == sorted(i["position"] for i in items)

    earlier = client.get(
        f"/api/initiatives/{initiative_id}/learning-log", params={"as_of": moment(items[1])}
    ).json()
    assert [i["kind"] for i in earlier["items"]] == ["studied", "decided"]
    assert earlier["as_of"] is not None


def test_stats_count_per_unit_and_month(client: httpx.Client) -> None:
    org_id, units, health = hamina(client)
    nowhere = propose(client, "Ilman yksikköä")["id"]

    def cycle(initiative_id: str, *, days: tuple[str, ...], decision: str | None) -> str:
        experiment_id = plan(client, initiative_id, occurred_on=days[0])["id"]
        if len(days) > 1:
            step(client, experiment_id, "start", occurred_on=days[1])
        if len(days) > 2:
            step(client, experiment_id, "study", result="r", learning="l", occurred_on=days[2])
        if decision:
            step(client, experiment_id, "decision", decision=decision, occurred_on=days[3])
        return experiment_id

    cycle(health, days=("2016-10-20", "2016-11-07", "2016-11-25", "2016-12-02"), decision="adopt")
    cycle(health, days=("2016-11-01", "2016-11-08", "2016-11-30", "2016-12-05"), decision="adapt")
    cancelled = cycle(health, days=("2016-11-03",), decision=None)
    step(client, cancelled, "cancel", reason="Ei resursseja", occurred_on="2016-11-10")
    cycle(nowhere, days=("2016-11-15", "2016-11-16"), decision=None)

    found = client.get("/api/experiments/stats", params={"from": "2016-11-01", "to": "2016-12-31"})
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["from"], body["to"]) == ("2016-11-01", "2016-12-31")
    table = {((r["unit"] or {}).get("name"), r["month"]): r for r in body["items"]}
    assert set(table) == {("Terveyspalvelut", "2016-11"), ("Terveyspalvelut", "2016-12"), (None, "2016-11")}
    november = table[("Terveyspalvelut", "2016-11")]
    assert (
        november["planned"],
        november["started"],
        november["studied"],
        november["decided"],
        november["cancelled"],
    ) == (2, 2, 2, 0, 1)
    december = table[("Terveyspalvelut", "2016-12")]
    assert (december["decided"], december["decisions"]) == (2, {"adopt": 1, "adapt": 1, "abandon": 0})
    assert december["unit"]["id"] == units["Terveyspalvelut"]
    assert (table[(None, "2016-11")]["planned"], table[(None, "2016-11")]["started"]) == (1, 1)
    assert [r["month"] for r in body["items"]] == ["2016-11", "2016-11", "2016-12"], "by month, units first"

    october = client.get("/api/experiments/stats", params={"to": "2016-10-31"}).json()["items"]
    assert [(r["month"], r["planned"], r["started"]) for r in october] == [("2016-10", 1, 0)]
    assert_problem(
        client.get("/api/experiments/stats", params={"from": "2016-12-01", "to": "2016-11-01"}), 400
    )
    assert date.fromisoformat(body["from"]) < date.fromisoformat(body["to"])
    assert org_id
