"""The experiment pages through FastAPI's TestClient on both stores: quick planning
from the initiative, every step as a form on the experiment page (observations with
htmx), refusals shown next to their fields with nothing recorded, the cycle chain,
the all-experiments list with filters, the learning log and the as-of view.

Pages are read like a browser reads them (see page_helpers) and checked against the
JSON API and the event log. English words are asserted only with English chosen.
The case is Hamina's internal developers (seed 004) trying ideas in fast cycles.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.integration.api_helpers import all_events, propose, register_organisation
from tests.integration.page_helpers import (
    LANG_COOKIE,
    Element,
    error_summary_links,
    field_error,
    find_form,
    parse,
    post_form,
    submit_form,
)

TITLE = "Vapaat kiirevastaanottoajat Facebookissa"
IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
HTML = "text/html"


def english(client: httpx.Client) -> None:
    chosen = client.get("/language", params={"set": "en", "next": "/"}, follow_redirects=False)
    assert chosen.status_code == 303 and client.cookies.get(LANG_COOKIE) == "en"


def open_page(
    client: httpx.Client, url: str, status: int = 200, headers: dict[str, str] | None = None
) -> Element:
    shown = client.get(url, headers=headers)
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:3000]}"
    assert shown.headers["content-type"].startswith(HTML)
    return parse(shown.text)


def hamina(client: httpx.Client) -> tuple[dict[str, str], str]:
    org = register_organisation(
        client, "Haminan kaupunki", "municipality", ("Terveyspalvelut", "Varhaiskasvatus")
    )
    initiative = propose(
        client,
        "Sisäinen kehittäjä: terveyspalvelut",
        organisation_id=org.id,
        unit_id=org.units["Terveyspalvelut"],
    )
    return org.units, initiative["id"]


def api_experiment(client: httpx.Client, experiment_id: str) -> dict[str, Any]:
    found = client.get(f"/api/experiments/{experiment_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def experiment_id_of(response: httpx.Response) -> str:
    assert response.status_code == 303, f"{response.status_code}\n{response.text[:3000]}"
    match = re.fullmatch(r"/experiments/([0-9a-f-]{36})(#[a-z-]+)?", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def quick_plan(client: httpx.Client, initiative_id: str, title: str = TITLE) -> str:
    page_url = f"/initiatives/{initiative_id}/experiments"
    return experiment_id_of(submit_form(client, page_url, page_url, {"title": title, "change_idea": IDEA}))


def press(client: httpx.Client, experiment_id: str, step: str, data: dict[str, str]) -> httpx.Response:
    """Submit a step's form on the experiment page (with its hidden version and keys)."""
    page_url = f"/experiments/{experiment_id}"
    return post_form(client, page_url, f"{page_url}/{step}", data)


def step_forms(doc: Element, experiment_id: str) -> set[str]:
    prefix = f"/experiments/{experiment_id}/"
    return {
        (f.get("action") or "").removeprefix(prefix)
        for f in doc.find_all("form", method="post")
        if (f.get("action") or "").startswith(prefix)
    }


# ---- planning quickly ------------------------------------------------------------------


def test_the_initiative_page_links_to_its_experiments_and_counts_them(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    doc = open_page(client, f"/initiatives/{initiative_id}")
    section = doc.find("section", id="experiments")
    assert section.find("h2").text == "Experiments (0)"
    hrefs = [a.get("href") for a in section.find_all("a")]
    assert f"/initiatives/{initiative_id}/experiments" in hrefs
    assert f"/initiatives/{initiative_id}/experiments#plan" in hrefs
    quick_plan(client, initiative_id)
    assert (
        open_page(client, f"/initiatives/{initiative_id}").by_id("experiments-heading").text
        == "Experiments (1)"
    )
    menu = [a.get("href") for a in doc.find("nav", class_="main-nav").find_all("a")]
    assert "/experiments" in menu


def test_planning_needs_only_a_title_and_the_change_idea(client: TestClient) -> None:
    english(client)
    units, initiative_id = hamina(client)
    page_url = f"/initiatives/{initiative_id}/experiments"
    form = find_form(open_page(client, page_url), page_url)
    assert {e.get("name") for e in form.find_all() if e.get("name")} >= {"title", "change_idea"}

    experiment_id = quick_plan(client, initiative_id)

    body = api_experiment(client, experiment_id)
    assert (body["title"], body["change_idea"], body["stage"]) == (TITLE, IDEA, "planned")
    assert body["unit"]["id"] == units["Terveyspalvelut"]
    doc = open_page(client, f"/experiments/{experiment_id}")
    assert doc.find("h1").text == TITLE
    assert doc.by_id("flash").text == "The experiment was planned."
    assert step_forms(doc, experiment_id) == {"start", "cancel"}
    listed = open_page(client, page_url)
    assert [h3.text for h3 in listed.by_id("results").find_all("h3")] == [TITLE]


def test_a_plan_without_its_required_fields_is_shown_again_and_records_nothing(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    page_url = f"/initiatives/{initiative_id}/experiments"
    before = len(all_events(client))

    refused = submit_form(
        client, page_url, page_url, {"title": "", "change_idea": " ", "prediction": "Odotamme"}
    )

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert error_summary_links(doc) == ["#field-title", "#field-change_idea"]
    assert field_error(doc, "title").endswith("title is required and cannot be blank.")
    assert field_error(doc, "change_idea").endswith("change_idea is required and cannot be blank.")
    assert doc.by_id("field-prediction").text == "Odotamme", "what was typed is kept"
    assert len(all_events(client)) == before


# ---- the steps -----------------------------------------------------------------------------


def test_every_step_through_its_form_and_adapt_plans_the_next_cycle(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    experiment_id = quick_plan(client, initiative_id)
    page_url = f"/experiments/{experiment_id}"

    started = press(client, experiment_id, "start", {"started_on": "2016-11-07"})
    assert started.headers["location"] == f"{page_url}#next-step"
    assert api_experiment(client, experiment_id)["started_on"] == "2016-11-07"
    doc = open_page(client, page_url)
    assert step_forms(doc, experiment_id) == {"observations", "study", "cancel"}

    htmx = {"HX-Request": "true"}
    observed = press(
        client,
        experiment_id,
        "observations",
        {"text": "12 soittoa aamulla", "value": "12", "value_name": "aamun puhelut"},
    )
    assert observed.status_code == 303 and observed.headers["location"] == f"{page_url}#observations"
    doc = open_page(client, page_url, headers=htmx)
    form = find_form(doc, f"{page_url}/observations")
    assert (form.get("hx-target"), form.get("hx-select")) == ("#observations", "#observations")
    # The next step's form carries the record's version: it is swapped in too, or the study would be stale.
    assert set((form.get("hx-select-oob") or "").split(",")) >= {
        "#flash",
        "#history",
        "#next-step",
        "#cancel",
    }
    assert "12 soittoa aamulla" in doc.by_id("observations").text
    assert "aamun puhelut: 12" in doc.by_id("observations").text

    bad = press(client, experiment_id, "observations", {"text": "Luku", "value": "paljon"})
    assert bad.status_code == 422
    assert field_error(parse(bad.text), "value").endswith("Enter a number such as 12,5.")

    studied = press(
        client, experiment_id, "study", {"result": "Soittoja 40 % vähemmän.", "learning": "Aamulla toimii."}
    )
    assert studied.status_code == 303
    doc = open_page(client, page_url)
    assert step_forms(doc, experiment_id) == {"decide", "cancel"}

    no_choice = press(client, experiment_id, "decide", {})
    assert no_choice.status_code == 422
    assert error_summary_links(parse(no_choice.text)) == ["#field-decision"]

    decided = press(
        client,
        experiment_id,
        "decide",
        {
            "decision": "adapt",
            "rationale": "Iltapäiväkin",
            "plan_next": "yes",
            "next_prediction": "Iltapäivälläkin",
        },
    )
    assert decided.status_code == 303
    body = api_experiment(client, experiment_id)
    assert (body["stage"], body["decision"]) == ("decided", "adapt")
    second = api_experiment(client, body["next_cycle_id"])
    assert (second["follows"], second["cycle"], second["prediction"]) == (experiment_id, 2, "Iltapäivälläkin")

    doc = open_page(client, page_url)
    chain = doc.by_id("cycles")
    assert [li.text.split(" – ")[0] for li in chain.find_all("li")] == [
        f"Cycle 1: {TITLE}",
        f"Cycle 2: {TITLE}",
    ]
    assert chain.find("a").get("href") == f"/experiments/{second['id']}"
    assert step_forms(doc, experiment_id) == set(), "a decided experiment offers no steps"
    events = [h.find("strong").text for h in doc.by_id("history").find_all("li", class_="history-entry")]
    assert events == ["Decided", "Studied", "Observation recorded", "Started", "Planned"]


def test_a_step_another_person_already_took_is_refused_in_place(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    experiment_id = quick_plan(client, initiative_id)
    page_url = f"/experiments/{experiment_id}"
    shown = open_page(client, page_url)
    fields = {e.get("name"): e.get("value") for e in find_form(shown, f"{page_url}/start").find_all("input")}
    assert client.post(f"/api/experiments/{experiment_id}/start").status_code == 200
    before = len(all_events(client))

    stale = client.post(f"{page_url}/start", data=fields, follow_redirects=False)

    assert stale.status_code == 422
    assert "Someone else changed this experiment meanwhile" in parse(stale.text).by_id("next-step").text
    assert len(all_events(client)) == before


def test_cancel_needs_a_reason(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    experiment_id = quick_plan(client, initiative_id)
    before = len(all_events(client))
    refused = press(client, experiment_id, "cancel", {"reason": " "})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "reason").endswith("reason is required and cannot be blank.")
    assert len(all_events(client)) == before

    done = press(client, experiment_id, "cancel", {"reason": "Influenssakausi", "cancelled_on": "2016-12-01"})
    assert done.status_code == 303
    doc = open_page(client, f"/experiments/{experiment_id}")
    assert "Influenssakausi" in doc.by_id("outcome").text
    assert api_experiment(client, experiment_id)["cancelled_on"] == "2016-12-01"


def test_the_plan_is_edited_through_its_form(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    experiment_id = quick_plan(client, initiative_id)
    edit_url = f"/experiments/{experiment_id}/edit"

    refused = submit_form(
        client, edit_url, edit_url, {"planned_start": "2016-11-18", "planned_end": "2016-11-07"}
    )
    assert refused.status_code == 422
    assert error_summary_links(parse(refused.text)) == ["#field-planned_end"]

    saved = submit_form(
        client,
        edit_url,
        edit_url,
        {"prediction": "Odotamme vähemmän soittoja.", "measures": "Aamun puhelut, Vapaat ajat"},
    )
    assert saved.status_code == 303
    body = api_experiment(client, experiment_id)
    assert body["prediction"] == "Odotamme vähemmän soittoja."
    assert body["measures"] == ["Aamun puhelut", "Vapaat ajat"]
    assert body["version"] == 2


# ---- lists, the learning log, as of -----------------------------------------------------------


def test_all_experiments_with_filters_and_the_learning_log(client: TestClient) -> None:
    english(client)
    units, health = hamina(client)
    daycare = propose(client, "Päiväkodin kokeilut")["id"]
    first = quick_plan(client, health, "Aamun somepäivitys")
    second = quick_plan(client, daycare, "Vanhempainviestit WhatsAppissa")
    client.post(f"/api/experiments/{first}/start")
    client.post(f"/api/experiments/{first}/study", json={"result": "Toimi", "learning": "Aamulla"})

    def titles(url: str, status: int = 200) -> list[str]:
        return [h3.text for h3 in open_page(client, url, status).by_id("results").find_all("h3")]

    assert titles("/experiments") == ["Vanhempainviestit WhatsAppissa", "Aamun somepäivitys"]
    assert titles("/experiments?stage=studied") == ["Aamun somepäivitys"]
    assert titles(f"/experiments?unit_id={units['Terveyspalvelut']}") == ["Aamun somepäivitys"]
    assert titles("/experiments?to=2000-01-01") == []
    bad = open_page(client, "/experiments?from=bogus", status=400)
    assert field_error(bad, "from").endswith("Enter a date such as 2026-03-31.")

    log = open_page(client, f"/initiatives/{health}/learning-log")
    entries = log.find_all("li", class_="history-entry")
    assert len(entries) == 1 and "Aamun somepäivitys" in entries[0].text and "Toimi" in entries[0].text
    assert (
        open_page(client, f"/initiatives/{daycare}/learning-log").find_all("li", class_="history-entry") == []
    )
    assert second


def test_as_of_a_date_before_the_experiment_says_it_was_not_planned_yet(client: TestClient) -> None:
    english(client)
    _, initiative_id = hamina(client)
    experiment_id = quick_plan(client, initiative_id)
    doc = open_page(client, f"/experiments/{experiment_id}?as_of_date=2000-01-01", status=404)
    assert "had not been planned yet" in doc.find("main").text
    past = open_page(client, f"/experiments/{experiment_id}?as_of_date=2999-01-01")
    assert step_forms(past, experiment_id) == set(), "the past is read-only"
    assert field_error(
        open_page(client, f"/experiments/{experiment_id}?as_of_date=x", status=400), "as_of_date"
    )
    assert open_page(client, "/experiments/00000000-0000-4000-8000-000000000000", status=404)
