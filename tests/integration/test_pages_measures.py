"""The measure and evaluation pages through FastAPI's TestClient on both stores: defining
and editing a measure (refusals next to their fields, input kept, nothing recorded), the
measure's page with its run chart and the same data as a table, recording a value with
htmx or without, correcting one, annotating a change point, the as-of view, the history,
the evaluation form and list, and the initiative page's measures and evaluations.

The case is Heinävesi's home care (seed 000): the waiting time of nurses' morning visits,
recorded monthly, falls after the team changes how the mornings are planned.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient

from services.settings import Settings
from tests.integration.api_helpers import all_events, propose
from tests.integration.page_helpers import (
    Element,
    error_summary_links,
    field_error,
    find_form,
    form_values,
    parse,
    post_form,
    submit,
)
from tests.integration.test_pages_programmes import english, open_page

HTMX = {"HX-Request": "true"}
ZONE = ZoneInfo(Settings.model_fields["timezone"].default)
NAME = "Hoitajan aamukäyntien odotusaika"
# Before the change (2018-01 … 2018-08) and after it (2018-09 … 2019-04): a clear shift.
BEFORE = [42, 45, 40, 44, 43, 46, 41, 44]
AFTER = [31, 29, 30, 27, 28, 30, 26, 29]


def today() -> str:
    return datetime.now(ZONE).date().isoformat()


def an_initiative(client: httpx.Client, *, started: bool = True) -> str:
    initiative_id = str(propose(client, "Kotihoidon aamut")["id"])
    if started:
        for verb in ("plan", "start"):
            moved = client.post(f"/api/initiatives/{initiative_id}/{verb}", json={})
            assert moved.status_code == 200, moved.text
    return initiative_id


def define(client: httpx.Client, initiative_id: str, **changes: str) -> str:
    new = f"/initiatives/{initiative_id}/measures/new"
    data = {"name": NAME, "unit": "min", "direction": "down", "frequency": "monthly", "rules": "anhoj"}
    done = post_form(client, new, new, {**data, **changes})
    assert done.status_code == 303, done.text[:3000]
    match = re.fullmatch(r"/measures/([0-9a-f-]{36})", done.headers["location"])
    assert match, done.headers["location"]
    return match.group(1)


def months(start_year: int, start_month: int, count: int) -> list[str]:
    found = []
    year, month = start_year, start_month
    for _ in range(count):
        found.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def record_through_api(client: httpx.Client, measure_id: str, values: list[int]) -> list[str]:
    ids = []
    for period, value in zip(months(2018, 1, len(values)), values, strict=True):
        done = client.post(f"/api/measures/{measure_id}/values", json={"period": period, "value": value})
        assert done.status_code == 201, done.text
        ids.append(done.json()["id"])
    return ids


def chart(client: httpx.Client, measure_id: str) -> dict[str, Any]:
    found = client.get(f"/api/measures/{measure_id}/chart")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def table_rows(doc: Element) -> list[list[str]]:
    """The values table: per row its period, value, corrected and signals cells."""
    body = doc.by_id("values").find("tbody")
    return [
        [cell.text for cell in row.find_all() if cell.tag in ("th", "td")][:4] for row in body.find_all("tr")
    ]


def radios(html: str | Element, action: str) -> dict[str, str]:
    """The checked radio buttons of the form (page_helpers.form_values leaves them out)."""
    form = find_form(html, action)
    return {
        r.attrs["name"]: r.attrs["value"]
        for r in form.find_all("input", type="radio")
        if "checked" in r.attrs
    }


def send(client: httpx.Client, html: str | Element, action: str, changes: dict[str, str]) -> httpx.Response:
    """Submit a form as a browser does: its fields and checked radio buttons, `changes` typed over."""
    return submit(client, html, action, {**radios(html, action), **changes})


def chart_points(doc: Element) -> list[Element]:
    return doc.find("svg").find_all("circle", class_="point")


# ---- defining and editing ------------------------------------------------------------------


def test_the_initiative_page_offers_measures_evaluations_and_the_timeline(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    doc = open_page(client, f"/initiatives/{initiative_id}")
    section = doc.by_id("measures")
    assert "No measures yet." in section.text
    hrefs = [a.get("href") for a in section.find_all("a")]
    assert f"/initiatives/{initiative_id}/measures/new" in hrefs
    assert f"/initiatives/{initiative_id}/timeline" in hrefs
    evaluations = doc.by_id("evaluations")
    assert "No evaluations yet." in evaluations.text
    assert f"/initiatives/{initiative_id}/evaluations/new" in [
        a.get("href") for a in evaluations.find_all("a")
    ]

    measure_id = define(client, initiative_id)
    record_through_api(client, measure_id, BEFORE + AFTER)
    section = open_page(client, f"/initiatives/{initiative_id}").by_id("measures")
    assert section.find("a").get("href") == f"/measures/{measure_id}"
    assert "latest 29 for 2019-04" in section.text
    assert "Unusually long run" in section.find(class_="signal-badge").text


def test_a_measure_without_its_required_fields_is_shown_again_and_records_nothing(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    new = f"/initiatives/{initiative_id}/measures/new"
    shown = open_page(client, new)
    assert form_values(shown, new)["frequency"] == "monthly"
    assert [i.get("value") for i in shown.find_all("input", type="radio")] == ["anhoj", "ihi"]
    assert "few false alarms" in shown.by_id("field-rules-meaning").text
    before = len(all_events(client))
    refused = send(
        client, shown, new, {"name": " ", "baseline": "neljä", "baseline_points": "-3", "data_source": "RAI"}
    )
    assert refused.status_code == 422
    doc = parse(refused.text)
    assert error_summary_links(doc) == [
        "#field-name",
        "#field-direction",
        "#field-baseline",
        "#field-baseline_points",
    ]
    assert field_error(doc, "name").endswith("name is required and cannot be blank.")
    assert field_error(doc, "baseline").endswith("Enter a number such as 7.5.")
    assert field_error(doc, "baseline_points").endswith("Enter a whole number such as 12.")
    assert doc.by_id("field-data_source").get("value") == "RAI", "what was typed is kept"
    too_many = send(client, doc, new, {"name": NAME, "direction": "down", "baseline_points": "5000"})
    assert too_many.status_code == 422
    assert "from 1 to 1000" in field_error(parse(too_many.text), "baseline_points")
    assert len(all_events(client)) == before


def test_define_and_edit_through_the_forms(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id, baseline="43,5", target="30", baseline_points="8")
    body = client.get(f"/api/measures/{measure_id}").json()
    assert (body["name"], body["baseline"], body["target"], body["baseline_points"]) == (NAME, 43.5, 30, 8)
    doc = open_page(client, f"/measures/{measure_id}")
    assert doc.find("h1").text == f"{NAME} (min)"
    assert doc.by_id("flash").text == "The measure was defined."

    edit_url = f"/measures/{measure_id}/edit"
    assert form_values(open_page(client, edit_url), edit_url)["baseline"] == "43.5"
    refused = send(client, open_page(client, edit_url), edit_url, {"target": "paljon"})
    assert refused.status_code == 422
    assert error_summary_links(parse(refused.text)) == ["#field-target"]
    saved = send(client, open_page(client, edit_url), edit_url, {"target": "28", "rules": "ihi"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/measures/{measure_id}"
    body = client.get(f"/api/measures/{measure_id}").json()
    assert (body["target"], body["rules"], body["version"]) == (28, "ihi", 2)

    shown = open_page(client, edit_url)
    other = client.patch(
        f"/api/measures/{measure_id}", json={"unit": "minuuttia"}, headers={"If-Match": '"2"'}
    )
    assert other.status_code == 200, other.text
    before = len(all_events(client))
    conflict = send(client, shown, edit_url, {"data_source": "Hilkka"})
    assert conflict.status_code == 422
    assert "Someone else changed this measure" in parse(conflict.text).by_id("problem-summary").text
    assert parse(conflict.text).by_id("field-data_source").get("value") == "Hilkka"

    record_through_api(client, measure_id, [40])
    weekly = send(client, open_page(client, edit_url), edit_url, {"frequency": "weekly"})
    assert weekly.status_code == 422
    assert "cannot change once values are recorded" in parse(weekly.text).by_id("problem-summary").text
    assert len(all_events(client)) == before + 1


# ---- the measure's page --------------------------------------------------------------------


def test_the_chart_and_the_table_show_the_same_values_and_the_signals_in_words(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id, target="30")
    record_through_api(client, measure_id, BEFORE + AFTER)
    doc = open_page(client, f"/measures/{measure_id}")
    svg = doc.find("svg")
    assert svg.get("role") == "img"
    assert svg.find("title").text == f"{NAME} (min)"
    assert "16 values from 2018-01 to 2019-04" in svg.find("desc").text

    body = chart(client, measure_id)
    rows = table_rows(doc)
    assert len(chart_points(doc)) == len(rows) == len(body["points"]) == 16
    assert [r[0] for r in rows] == [p["period"] for p in body["points"]]
    assert [float(r[1]) for r in rows] == [p["value"] for p in body["points"]]
    marked = [r[0] for r in rows if "Unusually long run" in r[3]]
    assert marked == [p["period"] for p in body["points"] if "long_run" in p["signals"]]
    assert marked, "the shift after the change is a signal"
    assert len(svg.find_all(class_="signal-marker")) == sum(len(p["signals"]) for p in body["points"])

    signals = doc.by_id("signals")
    assert "Unusually long run" in signals.text and "the level has changed" in signals.text
    analysis = {d.find("dt").text: d.find("dd").text for d in signals.find_all("div")}
    assert analysis["Median"] == "35.5"
    assert analysis["Points"] == "16"
    assert analysis["Crossings of the median"] == str(body["analysis"]["crossings"])
    assert analysis["Longest run allowed by chance"] == str(body["limits"]["longest_run_max"])


def test_record_values_with_htmx_or_without(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id)
    page_url = f"/measures/{measure_id}"
    action = f"{page_url}/values"
    shown = open_page(client, page_url)
    assert form_values(shown, action)["period"] == today()[:7], "no values yet: the current month"
    form = shown.by_id("record").find("form")
    assert (form.get("hx-post"), form.get("hx-target"), form.get("hx-select")) == (
        action,
        "#measure-data",
        "#measure-data",
    )

    plain = submit(client, shown, action, {"period": "2018-01", "value": "42", "note": "Kaksi sairaana"})
    assert plain.status_code == 303 and plain.headers["location"] == f"{page_url}#measure-data"
    doc = open_page(client, page_url)
    assert doc.by_id("flash").text == "The value was recorded."
    assert form_values(doc, action)["period"] == "2018-02", "the next month is offered"
    assert table_rows(doc) == [["2018-01", "42", "no", "–"]]

    # With htmx: the redirect's page carries the chart, the table and a fresh form.
    swapped = client.post(
        action, data={**form_values(doc, action), "value": "44,5"}, headers=HTMX, follow_redirects=True
    )
    assert swapped.status_code == 200
    part = parse(swapped.text).by_id("measure-data")
    assert len(chart_points(part)) == 2
    assert table_rows(part)[1] == ["2018-02", "44.5", "no", "–"]
    assert form_values(part, action)["period"] == "2018-03"
    assert part.by_id("field-period").get("autofocus") is not None, "ready for the next value"
    assert [p["value"] for p in chart(client, measure_id)["points"]] == [42, 44.5]


def test_a_value_is_refused_next_to_its_field_and_records_nothing(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id)
    record_through_api(client, measure_id, [42])
    page_url = f"/measures/{measure_id}"
    action = f"{page_url}/values"
    shown = open_page(client, page_url)
    before = len(all_events(client))

    empty = submit(client, shown, action, {"period": "", "value": ""})
    assert empty.status_code == 422
    assert error_summary_links(parse(empty.text)) == ["#field-period", "#field-value"]

    again = submit(client, shown, action, {"period": "2018-01", "value": "40", "note": "Uusi"}, headers=HTMX)
    assert again.status_code == 422
    part = parse(again.text).by_id("measure-data")
    assert "already has a value (42)" in field_error(part, "period")
    assert part.by_id("field-note").get("value") == "Uusi", "what was typed is kept"
    assert len(chart_points(part)) == 1

    for period, value, message in (
        ("2018-13", "40", "is not a month"),
        ("2999-01", "40", "is in the future"),
    ):
        refused = submit(client, shown, action, {"period": period, "value": value})
        assert refused.status_code == 422
        assert message in field_error(parse(refused.text), "period")
    nan = submit(client, shown, action, {"period": "2018-02", "value": "neljä"})
    assert field_error(parse(nan.text), "value").endswith("Enter a number such as 7.5.")
    assert len(all_events(client)) == before


def test_correct_a_value_and_the_history_keeps_both_numbers(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id)
    value_id = record_through_api(client, measure_id, [42, 54])[1]
    page_url = f"/measures/{measure_id}"
    correct_url = f"{page_url}/values/{value_id}/correct"
    link = open_page(client, page_url).by_id(f"value-{value_id}").find("a")
    assert link.get("href") == correct_url
    shown = open_page(client, correct_url)
    assert form_values(shown, correct_url)["value"] == "54"
    before = len(all_events(client))
    refused = submit(client, shown, correct_url, {"value": "", "reason": "Näppäilyvirhe"})
    assert refused.status_code == 422
    assert field_error(parse(refused.text), "value").endswith("value is required and cannot be blank.")
    assert parse(refused.text).by_id("field-reason").text == "Näppäilyvirhe"
    assert len(all_events(client)) == before

    done = submit(client, shown, correct_url, {"value": "45", "reason": "Näppäilyvirhe"})
    assert done.status_code == 303 and done.headers["location"] == f"{page_url}#value-{value_id}"
    doc = open_page(client, page_url)
    assert table_rows(doc)[1] == ["2018-02", "45", "yes (was 54)", "–"]
    assert [p["value"] for p in chart(client, measure_id)["points"]] == [42, 45]

    history = open_page(client, f"{page_url}/history").by_id("history")
    assert "Value corrected" in history.text and "Measure defined" in history.text
    corrected = history.find("li", class_="history-entry")
    assert "Value: 2018-02" in corrected.text and "54" in corrected.find("del").text
    assert "Näppäilyvirhe" in corrected.text


def test_annotate_a_change_point_linked_to_an_experiment(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id)
    planned = client.post(
        f"/api/initiatives/{initiative_id}/experiments",
        json={"title": "Aamujen suunnittelu edellisenä iltana", "change_idea": "Iltapalaveri"},
    )
    assert planned.status_code == 201, planned.text
    experiment_id = planned.json()["id"]
    other = client.post(
        f"/api/initiatives/{an_initiative(client)}/experiments", json={"title": "Muu", "change_idea": "Muu"}
    ).json()["id"]
    page_url = f"/measures/{measure_id}"
    action = f"{page_url}/annotations"
    shown = open_page(client, page_url)
    options = [o.get("value") for o in shown.by_id("field-experiment_id").find_all("option")]
    assert options == ["", experiment_id], "only this initiative's experiments are offered"
    before = len(all_events(client))

    empty = submit(client, shown, action, {})
    assert empty.status_code == 422
    assert error_summary_links(parse(empty.text)) == ["#field-annotation_day", "#field-annotation_text"]
    future = submit(client, shown, action, {"annotation_day": "2999-01-01", "annotation_text": "Myöhemmin"})
    assert "annotation_day" in [link[7:] for link in error_summary_links(parse(future.text))]
    foreign = submit(
        client,
        shown,
        action,
        {"annotation_day": "2018-09-01", "annotation_text": "Iltapalaveri", "experiment_id": other},
    )
    assert "belongs to another initiative" in field_error(parse(foreign.text), "experiment_id")
    assert len(all_events(client)) == before

    done = submit(
        client,
        shown,
        action,
        {
            "annotation_day": "2018-09-01",
            "annotation_text": "Iltapalaveri käyttöön",
            "experiment_id": experiment_id,
        },
    )
    assert done.status_code == 303 and done.headers["location"] == f"{page_url}#annotations"
    section = open_page(client, page_url).by_id("annotations")
    assert "Iltapalaveri käyttöön" in section.text
    assert f"/experiments/{experiment_id}" in [a.get("href") for a in section.find_all("a")]


def test_the_measure_page_as_it_was(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id)
    record_through_api(client, measure_id, [42, 44])
    page_url = f"/measures/{measure_id}"
    now = open_page(client, f"{page_url}?as_of_date={today()}")
    assert "You are looking at the past." in now.find("main").text
    assert len(chart_points(now)) == 2 and len(table_rows(now)) == 2
    assert not now.find_all("form", method="post"), "the past is not edited"
    assert open_page(client, f"{page_url}?as_of_date=2000-01-01", status=404).find("h1").text == NAME
    bad = open_page(client, f"{page_url}?as_of_date=bogus", status=400)
    assert field_error(bad, "as_of_date").endswith("Enter a date such as 2026-03-31.")
    assert open_page(client, "/measures/00000000-0000-4000-8000-000000000000", status=404)


# ---- evaluations ---------------------------------------------------------------------------


def test_an_evaluation_is_refused_next_to_its_fields_and_records_nothing(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    new = f"/initiatives/{initiative_id}/evaluations/new"
    shown = open_page(client, new)
    proposed = propose(client, "Vasta ehdotettu")["id"]
    before = len(all_events(client))
    empty = submit(client, shown, new, {})
    assert empty.status_code == 422
    assert error_summary_links(parse(empty.text)) == ["#field-method", "#field-recommendation"]

    nothing = submit(client, shown, new, {"method": "survey", "recommendation": "continue"})
    assert nothing.status_code == 422
    doc = parse(nothing.text)
    assert error_summary_links(doc) == ["#field-effects"]
    assert "at least one finding" in doc.by_id("error-effects").text

    figures = {
        "method": "measures",
        "recommendation": "spread",
        "effects_staff_text": "Työnjako selkeytyi",
        "effects_users_figures_0_value": "paljon",
        "effects_quality_figures_1_value": "12",
    }
    wrong = submit(client, shown, new, figures)
    doc = parse(wrong.text)
    assert field_error(doc, "effects_users_figures_0_value").endswith("Enter a number such as 7.5.")
    assert doc.by_id("field-effects_staff_text").text == "Työnjako selkeytyi"
    no_label = submit(client, shown, new, {**figures, "effects_users_figures_0_value": ""})
    assert "label is required" in field_error(parse(no_label.text), "effects_quality_figures_1_label")

    too_early = post_form(
        client,
        f"/initiatives/{proposed}/evaluations/new",
        f"/initiatives/{proposed}/evaluations/new",
        {"method": "survey", "recommendation": "continue", "lessons": "Liian aikaista"},
    )
    assert too_early.status_code == 422
    assert "its work has not started yet" in parse(too_early.text).by_id("problem-summary").text
    assert len(all_events(client)) == before


def test_record_an_evaluation_and_see_it_in_full(client: TestClient) -> None:
    english(client)
    initiative_id = an_initiative(client)
    moved = client.post(f"/api/initiatives/{initiative_id}/evaluate", json={})
    assert moved.status_code == 200, moved.text
    new = f"/initiatives/{initiative_id}/evaluations/new"
    done = post_form(
        client,
        new,
        new,
        {
            "evaluated_on": "2019-05-02",
            "method": "measures",
            "effects_users_text": "Asiakkaat odottavat vähemmän.",
            "effects_users_figures_1_label": "odotusaika",
            "effects_users_figures_1_value": "-14,5",
            "effects_users_figures_1_unit": "min",
            "costs_text": "Iltapalaverit",
            "costs_amount_eur": "1 200",
            "worked": "Iltapalaveri",
            "lessons": "Suunnittele edellisenä päivänä.",
            "recommendation": "spread",
        },
    )
    assert done.status_code == 303, done.text[:3000]
    location = done.headers["location"]
    assert location.startswith(f"/initiatives/{initiative_id}/evaluations#evaluation-")
    [recorded] = client.get(f"/api/initiatives/{initiative_id}/evaluations").json()["items"]
    assert recorded["effects"]["users"]["figures"] == [{"label": "odotusaika", "value": -14.5, "unit": "min"}]
    assert recorded["costs"] == {"text": "Iltapalaverit", "amount_eur": 1200}

    doc = open_page(client, f"/initiatives/{initiative_id}/evaluations")
    article = doc.by_id(f"evaluation-{recorded['id']}")
    assert "Evaluation of May 2, 2019" in article.text
    assert "odotusaika: −14.5 min" in article.text or "odotusaika: -14.5 min" in article.text
    assert "Spread" in article.find(class_="recommendation").text
    hint = doc.find(class_="decision-hint")
    assert "Complete" in hint.text and "stays a decision people make" in hint.text

    section = open_page(client, f"/initiatives/{initiative_id}").by_id("evaluations")
    assert "Latest evaluation, May 2, 2019:" in section.text and "Measures" in section.text
    assert f"/initiatives/{initiative_id}/move/complete" in [a.get("href") for a in section.find_all("a")]
    past = open_page(client, f"/initiatives/{initiative_id}/evaluations?as_of_date=2000-01-01", status=404)
    assert "had not been recorded yet" in past.text


# ---- the initiative's timeline -------------------------------------------------------------


def test_the_timeline_filters_by_kind_and_period_and_lists_the_svg_entries_by_month(
    client: TestClient,
) -> None:
    english(client)
    initiative_id = an_initiative(client)
    measure_id = define(client, initiative_id)
    record_through_api(client, measure_id, BEFORE + AFTER)
    page_url = f"/initiatives/{initiative_id}/timeline"
    doc = open_page(client, page_url)
    svg = doc.find("svg")
    assert svg.get("role") == "img" and svg.find("title").text.startswith("Outcome timeline")
    months = [h3.text for h3 in doc.by_id("entries").find_all("h3")]
    assert months[:2] == ["January 2018", "February 2018"]
    items = doc.by_id("entries").find_all("li", class_="timeline-entry")
    values = [li for li in items if "timeline-measure_value" in li.get("class", "")]
    assert len(values) == 16
    assert f"{NAME}: 42 min (2018-01)" in values[0].text
    assert values[0].find("a").get("href") == f"/measures/{measure_id}"
    signals = [li for li in items if "timeline-measure_signal" in li.get("class", "")]
    assert signals and "Unusually long run" in signals[0].text
    assert all("checked" in box.attrs for box in doc.by_id("field-kind").find_all("input"))

    only = open_page(client, f"{page_url}?kind=measure_signal&from=2018-06-01&to=2019-12-31")
    kinds = {li.get("class") for li in only.by_id("entries").find_all("li", class_="timeline-entry")}
    assert kinds == {"timeline-entry timeline-measure_signal"}
    boxes = {box.get("value"): "checked" in box.attrs for box in only.by_id("field-kind").find_all("input")}
    assert [k for k, ticked in boxes.items() if ticked] == ["measure_signal"]
    assert only.find("h2").text == "1 entry" or only.find("h2").text.endswith("entries")

    bad = open_page(client, f"{page_url}?from=2019-01-01&to=2018-01-01&kind=nonsense", status=400)
    assert error_summary_links(bad) == ["#field-kind", "#field-to"]
    assert field_error(bad, "to").endswith("The end of the period must not be before its start.")
    past = open_page(client, f"{page_url}?as_of_date=2000-01-01", status=404)
    assert "had not been recorded yet" in past.text
    now = open_page(client, f"{page_url}?as_of_date={today()}")
    assert "You are looking at the past." in now.find("main").text
