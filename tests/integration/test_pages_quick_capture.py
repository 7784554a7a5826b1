"""Quick capture through FastAPI's TestClient on both stores: the home page and the
experiment list offer "new experiment" and "new note"; the quick forms pick the initiative
with the reader's own initiatives first and the newest of them already chosen; planning
needs the initiative and the change idea only; an experiment that already happened is told
in one form and recorded as the whole PDSA cycle (planned, started, studied, decided) in
one command, or, when any part is refused, not at all, with everything typed kept and
every message in the reader's language; and the experiment page puts the next step's
form first in every stage.

The case is Hamina's internal developers (seed 004) trying ideas in fast cycles.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from domain.experiment import STUDY_MAX
from services.people_registry import LOCAL_ACTOR_ID
from tests.integration.api_helpers import all_events, move, propose, register_organisation
from tests.integration.page_helpers import (
    LANG_COOKIE,
    Element,
    error_summary_links,
    field_error,
    find_form,
    form_values,
    parse,
    submit,
)

IDEA = "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
ME = str(LOCAL_ACTOR_ID)


def choose(client: httpx.Client, lang: str) -> None:
    chosen = client.get("/language", params={"set": lang, "next": "/"}, follow_redirects=False)
    assert chosen.status_code == 303 and client.cookies.get(LANG_COOKIE) == lang


def open_page(client: httpx.Client, url: str, status: int = 200) -> Element:
    shown = client.get(url)
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:3000]}"
    return parse(shown.text)


def hamina(client: httpx.Client) -> dict[str, str]:
    """Three initiatives of Hamina: one of someone else's, then two of mine (the newest last)."""
    org = register_organisation(client, "Haminan kaupunki", "municipality", ("Terveyspalvelut",))
    others = propose(client, "Aamupalaverit varhaiskasvatuksessa", organisation_id=org.id)
    mine = propose(client, "Sisäinen kehittäjä: terveyspalvelut", organisation_id=org.id, owner_id=ME)
    newest = propose(client, "Kiirevastaanoton ajanvaraus", organisation_id=org.id, owner_id=ME)
    return {"others": others["id"], "mine": mine["id"], "newest": newest["id"]}


def picker_options(doc: Element) -> list[tuple[str, bool]]:
    """The initiative picker's radio buttons: (initiative id, checked), in the page's order."""
    radios = doc.by_id("picker-initiative_id").find_all("input", type="radio", name="initiative_id")
    return [(r.get("value") or "", "checked" in r.attrs) for r in radios]


def experiment_events(client: httpx.Client) -> list[str]:
    return [e["topic"] for e in all_events(client) if e["topic"].startswith("kipina:Experiment.")]


def required_controls(form: Element) -> set[str]:
    """The names of the fields a person must fill in: controls marked required, and the
    pickers and radio groups whose legend says so."""
    names = {e.get("name") or "" for e in form.iter() if "required" in e.attrs}
    for fieldset in form.find_all("fieldset"):
        legend = fieldset.find_all("legend")
        if legend and legend[0].find_all(class_="required"):
            radios = fieldset.find_all("input", type="radio")
            names |= {r.get("name") or "" for r in radios[:1]}
    return names - {""}


# ---- where quick capture starts -----------------------------------------------------------


def test_the_home_page_and_the_experiment_list_offer_new_experiment_and_new_note(client: TestClient) -> None:
    choose(client, "en")
    hamina(client)
    for url in ("/", "/experiments"):
        actions = open_page(client, url).find(class_="quick-actions")
        hrefs = [a.get("href") for a in actions.find_all("a")]
        assert hrefs[0] == "/experiments/new", (url, hrefs)
        assert "/notes/new" in hrefs, (url, hrefs)
    assert "/experiments/done" in [a.get("href") for a in open_page(client, "/experiments").find_all("a")]


def test_an_initiative_page_offers_them_near_its_top_with_itself_chosen(client: TestClient) -> None:
    choose(client, "en")
    ids = hamina(client)
    actions = open_page(client, f"/initiatives/{ids['others']}").find(class_="quick-actions")
    hrefs = [a.get("href") for a in actions.find_all("a")]
    assert hrefs == [f"/experiments/new?initiative={ids['others']}", f"/notes/new?initiative={ids['others']}"]
    for href in hrefs:
        assert href is not None
        assert picker_options(open_page(client, href))[0] == (ids["others"], True)
    # A final initiative takes no new experiment, but notes still.
    move(client, ids["others"], "discontinue", reason="Ei resursseja.", lessons="Liian iso pala.")
    actions = open_page(client, f"/initiatives/{ids['others']}").find(class_="quick-actions")
    assert [a.get("href") for a in actions.find_all("a")] == [f"/notes/new?initiative={ids['others']}"]


def test_an_empty_home_page_offers_no_quick_capture_before_there_is_an_initiative(client: TestClient) -> None:
    assert not open_page(client, "/").find_all(class_="quick-actions")


# ---- plan an experiment ----------------------------------------------------------------------


def test_planning_takes_the_initiative_and_the_change_idea_with_my_newest_initiative_chosen(
    client: TestClient,
) -> None:
    choose(client, "en")
    ids = hamina(client)
    doc = open_page(client, "/experiments/new")
    form = find_form(doc, "/experiments/new")
    assert required_controls(form) == {"initiative_id", "change_idea"}
    options = picker_options(doc)
    # Mine first (the newest chosen), then the others'.
    assert [value for value, _ in options] == [ids["newest"], ids["mine"], ids["others"]]
    assert [checked for _, checked in options] == [True, False, False]

    planned = submit(client, doc, "/experiments/new", {"change_idea": IDEA, "initiative_id": ids["newest"]})
    assert planned.status_code == 303, planned.text[:3000]
    experiment_id = planned.headers["location"].removeprefix("/experiments/")
    found = client.get(f"/api/experiments/{experiment_id}").json()
    assert found["initiative"]["id"] == ids["newest"]
    assert found["change_idea"] == IDEA
    # No title typed: the change idea's first words are the title.
    assert found["title"] == "Kiirevastaanoton vapaat ajat kerrotaan aamulla terveyskioskin Facebook-sivulla."
    assert found["stage"] == "planned"


def test_a_quick_plan_keeps_a_typed_title_and_the_optional_plan(client: TestClient) -> None:
    choose(client, "en")
    ids = hamina(client)
    doc = open_page(client, f"/experiments/new?initiative={ids['others']}")
    assert picker_options(doc)[0] == (ids["others"], True)
    planned = submit(
        client,
        doc,
        "/experiments/new",
        {"change_idea": IDEA, "title": "Vapaat ajat Facebookissa", "prediction": "Soittoja tulee vähemmän."},
    )
    experiment_id = planned.headers["location"].removeprefix("/experiments/")
    found = client.get(f"/api/experiments/{experiment_id}").json()
    assert (found["initiative"]["id"], found["title"], found["prediction"]) == (
        ids["others"],
        "Vapaat ajat Facebookissa",
        "Soittoja tulee vähemmän.",
    )


def test_a_quick_plan_without_initiative_or_idea_is_refused_in_finnish_and_records_nothing(
    client: TestClient,
) -> None:
    choose(client, "fi")
    hamina(client)
    doc = open_page(client, "/experiments/new")
    refused = submit(client, doc, "/experiments/new", {"initiative_id": "", "change_idea": "   "})
    assert refused.status_code == 422
    shown = parse(refused.text)
    assert error_summary_links(shown) == ["#field-change_idea", "#field-initiative_id"]
    assert (
        field_error(shown, "change_idea") == "Virhe: Tämä tieto on pakollinen, eikä sitä voi jättää tyhjäksi."
    )
    assert shown.find("p", id="error-initiative_id").text == "Virhe: Valitse kehittämishanke."
    assert experiment_events(client) == []


def test_a_quick_plan_under_an_unknown_or_closed_initiative_is_refused_with_a_sentence(
    client: TestClient,
) -> None:
    choose(client, "en")
    ids = hamina(client)
    doc = open_page(client, "/experiments/new")
    for bad in ("not-an-id", "00000000-0000-4000-8000-000000000000"):
        refused = submit(client, doc, "/experiments/new", {"change_idea": IDEA, "initiative_id": bad})
        assert refused.status_code == 422, bad
        assert parse(refused.text).find(class_="error-summary").text
    move(client, ids["others"], "discontinue", reason="Ei resursseja.", lessons="Liian iso pala.")
    refused = submit(client, doc, "/experiments/new", {"change_idea": IDEA, "initiative_id": ids["others"]})
    assert refused.status_code == 422
    assert "final" in parse(refused.text).find(class_="error-summary").text
    # What was typed is kept.
    assert form_values(refused.text, "/experiments/new")["change_idea"] == IDEA
    assert experiment_events(client) == []


def test_the_picker_search_button_shows_matches_without_recording(client: TestClient) -> None:
    choose(client, "en")
    ids = hamina(client)
    doc = open_page(client, "/experiments/new")
    searched = submit(
        client,
        doc,
        "/experiments/new",
        {"change_idea": IDEA, "initiative_id__q": "aamupala", "_pick": "initiative_id"},
    )
    assert searched.status_code == 200
    shown = parse(searched.text)
    # The chosen one stays first; the match follows.
    assert [value for value, _ in picker_options(shown)] == [ids["newest"], ids["others"]]
    assert form_values(shown, "/experiments/new")["change_idea"] == IDEA
    assert experiment_events(client) == []


# ---- an experiment that already happened ------------------------------------------------------


def done_form(client: httpx.Client) -> Element:
    return open_page(client, "/experiments/done")


def test_an_experiment_that_already_happened_is_recorded_as_its_whole_cycle_in_one_command(
    client: TestClient,
) -> None:
    choose(client, "en")
    ids = hamina(client)
    started, ended = date.today() - timedelta(days=20), date.today() - timedelta(days=6)
    doc = done_form(client)
    assert required_controls(find_form(doc, "/experiments/done")) == {
        "initiative_id",
        "change_idea",
        "result",
        "learning",
        "decision",
    }
    before = len(all_events(client))
    logged = submit(
        client,
        doc,
        "/experiments/done",
        {
            "change_idea": IDEA,
            "started_on": started.isoformat(),
            "ended_on": ended.isoformat(),
            "result": "Soittoja tuli 40 % vähemmän.",
            "learning": "Päivitys ennen kahdeksaa.",
            "decision": "adopt",
            "rationale": "Toimii.",
        },
    )
    assert logged.status_code == 303, logged.text[:3000]
    experiment_id = logged.headers["location"].removeprefix("/experiments/")
    events = [e for e in all_events(client)[before:] if e["topic"].startswith("kipina:Experiment.")]
    assert [e["topic"] for e in events] == [
        "kipina:Experiment.Planned",
        "kipina:Experiment.Started",
        "kipina:Experiment.Studied",
        "kipina:Experiment.Decided",
    ]
    assert {e["record_id"] for e in events} == {experiment_id}
    # Each step dated when it happened: planned and started on the first day, the rest on the last.
    assert [e["data"]["occurred_on"] for e in events] == [started.isoformat()] * 2 + [ended.isoformat()] * 2
    found: dict[str, Any] = client.get(f"/api/experiments/{experiment_id}").json()
    assert found["initiative"]["id"] == ids["newest"]
    assert (found["stage"], found["decision"], found["result"], found["learning"]) == (
        "decided",
        "adopt",
        "Soittoja tuli 40 % vähemmän.",
        "Päivitys ennen kahdeksaa.",
    )
    assert (found["planned_start"], found["planned_end"]) == (started.isoformat(), ended.isoformat())
    shown = open_page(client, f"/experiments/{experiment_id}")
    assert "Adopt" in shown.by_id("outcome").text
    # Its study and decision are in the initiative's learning log like any other.
    log = client.get(f"/api/initiatives/{ids['newest']}/learning-log").json()["items"]
    assert [(e["kind"], e["decision"]) for e in log] == [("studied", None), ("decided", "adopt")]


DONE = {
    "change_idea": IDEA,
    "result": "Soittoja tuli vähemmän.",
    "learning": "Aamu on oikea hetki.",
    "decision": "adapt",
}


def refuse_done(client: httpx.Client, changes: dict[str, str]) -> Element:
    before = len(all_events(client))
    refused = submit(client, done_form(client), "/experiments/done", {**DONE, **changes})
    assert refused.status_code == 422, refused.text[:3000]
    assert len(all_events(client)) == before, "a refused form recorded something"
    shown = parse(refused.text)
    typed = form_values(shown, "/experiments/done")
    for name, value in {**DONE, **changes}.items():
        if name != "decision":
            assert typed[name] == value, name
    chosen = [r.get("value") for r in shown.find_all("input", name="decision") if "checked" in r.attrs]
    decision = changes.get("decision", DONE["decision"])
    assert chosen == ([decision] if decision in ("adopt", "adapt", "abandon") else [])
    return shown


def test_a_done_experiment_without_a_decision_records_nothing_and_says_so_in_swedish(
    client: TestClient,
) -> None:
    choose(client, "sv")
    hamina(client)
    shown = refuse_done(client, {"decision": ""})
    assert error_summary_links(shown) == ["#field-decision"]
    assert (
        shown.find("p", id="error-decision").text
        == "Fel: Välj om ändringen ska införas, anpassas eller överges."
    )


def test_a_done_experiment_that_ends_before_it_starts_records_nothing(client: TestClient) -> None:
    choose(client, "fi")
    hamina(client)
    started, ended = date.today() - timedelta(days=3), date.today() - timedelta(days=10)
    shown = refuse_done(client, {"started_on": started.isoformat(), "ended_on": ended.isoformat()})
    assert error_summary_links(shown) == ["#field-ended_on"]
    message = field_error(shown, "ended_on")
    # The reader's days, in the reader's language.
    assert f"{ended.day}.{ended.month}.{ended.year}" in message and "päättyi" in message, message


def test_a_done_experiment_with_too_long_texts_and_a_future_day_shows_every_message_at_once(
    client: TestClient,
) -> None:
    choose(client, "en")
    hamina(client)
    future = (date.today() + timedelta(days=30)).isoformat()
    shown = refuse_done(
        client,
        {
            "result": "x" * (STUDY_MAX + 1),
            "learning": "y" * (STUDY_MAX + 1),
            "ended_on": future,
            "title": "  ",
        },
    )
    assert error_summary_links(shown) == ["#field-ended_on", "#field-result", "#field-learning"]
    assert "limit is 5,000" in field_error(shown, "result") or "5000" in field_error(shown, "result")
    assert "future" in field_error(shown, "ended_on")


def test_a_done_experiment_with_a_malformed_day_or_no_change_idea_records_nothing(client: TestClient) -> None:
    choose(client, "en")
    hamina(client)
    shown = refuse_done(client, {"started_on": "31.2.2026", "change_idea": ""})
    assert error_summary_links(shown) == ["#field-change_idea", "#field-started_on"]
    assert "2026-03-31" in field_error(shown, "started_on")


def test_a_done_experiment_with_an_unknown_decision_records_nothing(client: TestClient) -> None:
    choose(client, "en")
    hamina(client)
    shown = refuse_done(client, {"decision": "spread"})
    assert "'spread' is not a decision" in shown.find("p", id="error-decision").text


# ---- a note ----------------------------------------------------------------------------------


def test_a_quick_note_goes_on_my_newest_initiative(client: TestClient) -> None:
    choose(client, "en")
    ids = hamina(client)
    doc = open_page(client, "/notes/new")
    assert required_controls(find_form(doc, "/notes/new")) == {"initiative_id", "text"}
    added = submit(client, doc, "/notes/new", {"text": "Ensimmäinen viikko takana."})
    assert added.status_code == 303 and added.headers["location"] == f"/initiatives/{ids['newest']}#notes"
    notes = open_page(client, f"/initiatives/{ids['newest']}").by_id("notes")
    assert "Ensimmäinen viikko takana." in notes.text
    refused = submit(client, doc, "/notes/new", {"text": " ", "initiative_id": ""})
    assert refused.status_code == 422
    assert error_summary_links(parse(refused.text)) == ["#field-initiative_id", "#field-text"]


# ---- the experiment page: the next step first -------------------------------------------------


def first_post_form(client: httpx.Client, experiment_id: str) -> str | None:
    doc = open_page(client, f"/experiments/{experiment_id}")
    main = doc.find("main")
    forms = [f.get("action") or "" for f in main.find_all("form")]
    return forms[0].removeprefix(f"/experiments/{experiment_id}/") if forms else None


def test_the_experiment_page_puts_the_next_steps_form_first_in_every_stage(client: TestClient) -> None:
    choose(client, "en")
    ids = hamina(client)
    created = client.post(
        f"/api/initiatives/{ids['mine']}/experiments", json={"title": "Aamu", "change_idea": IDEA}
    )
    assert created.status_code == 201, created.text
    experiment_id = created.json()["id"]
    path = f"/api/experiments/{experiment_id}"

    assert first_post_form(client, experiment_id) == "start"
    assert client.post(f"{path}/start").status_code == 200
    # Running: what was observed comes before the study.
    assert first_post_form(client, experiment_id) == "observations"
    doc = open_page(client, f"/experiments/{experiment_id}")
    order = [f.get("action", "").rsplit("/", 1)[-1] for f in doc.find("main").find_all("form", method="post")]
    assert order.index("observations") < order.index("study") < order.index("cancel"), order
    studied = client.post(f"{path}/study", json={"result": "Vähemmän soittoja.", "learning": "Aamu toimii."})
    assert studied.status_code == 200, studied.text
    assert first_post_form(client, experiment_id) == "decide"
    assert client.post(f"{path}/decision", json={"decision": "adopt"}).status_code == 200
    # Decided: nothing to record; the first form is the as-of picker.
    assert first_post_form(client, experiment_id) == f"/experiments/{experiment_id}"

    cancelled = client.post(
        f"/api/initiatives/{ids['mine']}/experiments", json={"title": "Ilta", "change_idea": IDEA}
    ).json()["id"]
    assert (
        client.post(f"/api/experiments/{cancelled}/cancel", json={"reason": "Ei tekijöitä."}).status_code
        == 200
    )
    assert first_post_form(client, cancelled) == f"/experiments/{cancelled}"
